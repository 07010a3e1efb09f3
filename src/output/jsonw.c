// SPDX-License-Identifier: GPL-2.0-or-later
/* JSON strings written as jansson's JSON_COMPACT | JSON_ENSURE_ASCII writes them, without allocating. */
#include <string.h>

#include "output/jsonw.h"

/* The code point at s (n bytes left), its length in *len; -1 if not valid UTF-8. */
static long utf8_next(const unsigned char *s, size_t n, size_t *len)
{
	unsigned char b = s[0];
	long cp, min;
	size_t want;

	if (b < 0x80) {
		*len = 1;
		return b;
	}
	if (b >= 0xc2 && b <= 0xdf)
		want = 2, cp = b & 0x1f, min = 0x80;
	else if (b >= 0xe0 && b <= 0xef)
		want = 3, cp = b & 0x0f, min = 0x800;
	else if (b >= 0xf0 && b <= 0xf4)
		want = 4, cp = b & 0x07, min = 0x10000;
	else
		return -1;
	if (want > n)
		return -1;
	for (size_t i = 1; i < want; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*len = want;
	return cp;
}

bool jw_utf8_valid(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n;

	for (size_t i = 0; i < len; i += n)
		if (utf8_next(u + i, len - i, &n) <= 0)	/* NUL: not in our strings */
			return false;
	return true;
}

static void escape_cp(FILE *f, long cp)
{
	static const char short_form[] = { ['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r',
					   ['\t'] = 't' };

	if (cp < (long)sizeof(short_form) && short_form[cp]) {
		putc_unlocked('\\', f);
		putc_unlocked(short_form[cp], f);
	} else if (cp > 0xffff) {	/* a surrogate pair */
		cp -= 0x10000;
		fprintf(f, "\\u%04lX\\u%04lX", 0xd800 | (cp >> 10), 0xdc00 | (cp & 0x3ff));
	} else {
		fprintf(f, "\\u%04lX", cp);
	}
}

/* The _unlocked calls: a stream is written by one thread (the lock was a third of an event line). */
void jw_string(FILE *f, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, n, run = 0;

	putc_unlocked('"', f);
	for (i = 0; i < len; i += n) {
		long cp = utf8_next(u + i, len - i, &n);

		if (cp < 0)
			break;	/* callers pass valid UTF-8 (jw_utf8_valid) */
		if (cp >= 0x20 && cp < 0x80 && cp != '"' && cp != '\\') {
			run++;
			continue;
		}
		fwrite_unlocked(s + i - run, 1, run, f);	/* plain ASCII goes out in one piece */
		run = 0;
		if (cp == '"' || cp == '\\') {
			putc_unlocked('\\', f);
			putc_unlocked((int)cp, f);
		} else {
			escape_cp(f, cp);
		}
	}
	fwrite_unlocked(s + i - run, 1, run, f);
	putc_unlocked('"', f);
}

void jw_key(FILE *f, const char *key, bool first)
{
	if (!first)
		putc_unlocked(',', f);
	jw_string(f, key, strlen(key));
	putc_unlocked(':', f);
}
