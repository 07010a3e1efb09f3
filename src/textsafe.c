// SPDX-License-Identifier: GPL-2.0-or-later
/* Control bytes in untrusted text: found before tracefs writes, escaped before terminals. */
#include <string.h>

#include "textsafe.h"

/* Bytes of a control character starting at s[i]: 1 (C0, DEL), 2 (UTF-8 C1), 0 if none. */
static size_t control_at(const unsigned char *s, size_t i, size_t len)
{
	if (s[i] < 0x20 || s[i] == 0x7f)
		return 1;
	/* U+0080..U+009F: C1 controls, CSI (U+009B) among them, act like ESC [ */
	if (s[i] == 0xc2 && i + 1 < len && s[i + 1] >= 0x80 && s[i + 1] <= 0x9f)
		return 2;
	return 0;
}

const char *text_find_control(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (control_at((const unsigned char *)s, i, len))
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
	size_t o = 0;

	if (!outlen)
		return;
	for (size_t i = 0; i < len && u[i]; i++) {
		size_t n = control_at(u, i, len);

		if (!n) {
			if (o + 1 >= outlen)
				break;
			out[o++] = s[i];
			continue;
		}
		if (o + 4 * n >= outlen)
			break;
		for (size_t k = 0; k < n; k++) {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[u[i + k] >> 4];
			out[o++] = hex[u[i + k] & 15];
		}
		i += n - 1;
	}
	out[o] = '\0';
}

void text_fputs_escaped(const char *s, FILE *f)
{
	size_t len = strlen(s);
	const char *c;

	while ((c = text_find_control(s, len))) {
		const unsigned char *u = (const unsigned char *)c;
		size_t n = (*u == 0xc2) ? 2 : 1;

		fwrite(s, 1, c - s, f);
		for (size_t k = 0; k < n; k++)
			fprintf(f, "\\x%02x", u[k]);
		len -= c + n - s;
		s = c + n;
	}
	fwrite(s, 1, len, f);
}
