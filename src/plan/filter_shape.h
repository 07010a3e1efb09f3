/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_FILTER_SHAPE_H
#define PROBEKIT_FILTER_SHAPE_H

/*
 * A shared event's filter is evaluated by libtraceevent in user space, and
 * its parser (1.7) frees twice on its error paths ("newstate == *", "x == 1
 * && y > -1", "comm < \"a\"", "!!(...)"), reads NULL after a byte over 0x7f,
 * asks malloc for -12 bytes on a ',' (even quoted), reads a one-character
 * '...' as a number and "a || b && c" as (a || b) && c (found by fuzz_recipe
 * and two reviews). So only filters it reads as the kernel does reach it:
 * comparisons FIELD OP VALUE joined by && or || (one of them per level of
 * parentheses, at most FILTER_MAX_DEPTH deep), no '!'; FIELD a field of the
 * event's format; a number field compared (== != < <= > >=) with a decimal
 * number (no leading zero, within 64 bits), a string field tested (== !=)
 * against a string in double quotes of printable ASCII but '\\' and ','.
 * NULL when the text is such; else what is wrong, and where (*at: the byte's
 * offset).
 */
#include <stddef.h>

#define FILTER_MAX_DEPTH 32

enum filter_field_kind { FILTER_FIELD_NONE, FILTER_FIELD_NUMBER, FILTER_FIELD_STRING };

/* The kind of the event's field NAME (len bytes, not NUL-terminated). */
typedef enum filter_field_kind (*filter_field_fn)(void *ctx, const char *name, size_t len);

const char *filter_shape_error(const char *text, size_t *at, filter_field_fn kind, void *ctx);

#endif
