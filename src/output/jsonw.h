/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_JSONW_H
#define PROBEKIT_JSONW_H

/*
 * A JSON writer for event lines: straight to the stream, nothing allocated
 * per event. Strings are escaped as jansson's JSON_ENSURE_ASCII does, so
 * event lines and jansson-built summaries read the same.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Is s (len bytes) valid UTF-8 as JSON takes it: no overlong forms, surrogates, NUL? */
bool jw_utf8_valid(const char *s, size_t len);
/* "s" with ", \, control characters and everything past ASCII escaped; s must be valid UTF-8. */
void jw_string(FILE *f, const char *s, size_t len);
/* ,"key": (without the comma for the first member) */
void jw_key(FILE *f, const char *key, bool first);

#endif
