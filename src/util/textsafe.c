// SPDX-License-Identifier: GPL-2.0-or-later
/* Control bytes in untrusted text: found before tracefs writes, escaped before terminals. */
#include <string.h>

#include "util/util.h"
#include "util/textsafe.h"

/*
 * The character at s[i]: its length in *n, and whether it is to be escaped:
 * C0 and DEL; bytes that are not valid UTF-8 (a raw 0x9b is CSI to a terminal
 * not in UTF-8 mode); C1 controls U+0080..U+009F; and the bidirectional
 * overrides and isolates U+202A..U+202E, U+2066..U+2069, which make text read
 * differently from what it is.
 */
static bool char_at(const unsigned char *s, size_t i, size_t len, size_t *n)
{
	unsigned char b = s[i], lo = 0x80, hi = 0xbf;
	size_t want;

	*n = 1;
	if (b < 0x80)
		return b < 0x20 || b == 0x7f;
	if (b >= 0xc2 && b <= 0xdf)
		want = 2;
	else if (b >= 0xe0 && b <= 0xef)
		want = 3;
	else if (b >= 0xf0 && b <= 0xf4)
		want = 4;
	else
		return true;
	/* no overlong forms, surrogates or code points past U+10FFFF */
	if (b == 0xe0)
		lo = 0xa0;
	else if (b == 0xed)
		hi = 0x9f;
	else if (b == 0xf0)
		lo = 0x90;
	else if (b == 0xf4)
		hi = 0x8f;
	if (i + want > len || s[i + 1] < lo || s[i + 1] > hi)
		return true;
	for (size_t k = 2; k < want; k++)
		if (s[i + k] < 0x80 || s[i + k] > 0xbf)
			return true;
	*n = want;
	if (b == 0xc2)
		return s[i + 1] <= 0x9f;
	if (b == 0xe2 && want == 3)
		return (s[i + 1] == 0x80 && s[i + 2] >= 0xaa && s[i + 2] <= 0xae) ||
		       (s[i + 1] == 0x81 && s[i + 2] >= 0xa6 && s[i + 2] <= 0xa9);
	return false;
}

const char *text_find_control(const char *s, size_t len)
{
	size_t n;

	for (size_t i = 0; i < len; i += n)
		if (char_at((const unsigned char *)s, i, len, &n))
			return s + i;
	return NULL;
}

bool text_is_single_line(const char *s)
{
	return !text_find_control(s, strlen(s));
}

void text_escape(const char *s, size_t len, char *out, size_t outlen)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t o = 0, n;

	if (!outlen)
		return;
	for (size_t i = 0; i < len && u[i]; i += n) {
		bool esc = char_at(u, i, len, &n);

		/* whole characters only: never half an escape or half a UTF-8 sequence */
		if (o + (esc ? 4 * n : n) >= outlen)
			break;
		for (size_t k = 0; k < n; k++) {
			if (!esc) {
				out[o++] = s[i + k];
				continue;
			}
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[u[i + k] >> 4];
			out[o++] = hex[u[i + k] & 15];
		}
	}
	out[o] = '\0';
}

char *text_escape_dup(const char *s)
{
	size_t len = strlen(s), cap = 4 * len + 1;	/* every byte escaped, at worst */
	char *out = xcalloc(1, cap);

	text_escape(s, len, out, cap);
	return out;
}
