/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_TEXTSAFE_H
#define PROBEKIT_TEXTSAFE_H

/*
 * Text from recipes, parameters and the kernel is untrusted. Two rules:
 * - tracefs runs every line written to kprobe_events/dynamic_events as a
 *   command, so nothing with a newline or other control byte is written;
 * - a terminal acts on escape sequences, so control bytes are shown escaped.
 */
#include <stdbool.h>
#include <stddef.h>

/*
 * The first character of s to escape, or NULL: C0, DEL, a byte that is not
 * valid UTF-8, a C1 control (U+009B CSI), a bidi override or isolate.
 */
const char *text_find_control(const char *s, size_t len);
/* s (NUL-terminated) is free of control bytes: fit to be one tracefs command. */
bool text_is_single_line(const char *s);
/* Copy s to out with each such character's bytes as \xNN; whole characters only; NUL-terminated. */
void text_escape(const char *s, size_t len, char *out, size_t outlen);
/* The same into a new string (caller frees). */
char *text_escape_dup(const char *s);

#endif
