/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_FILTER_SHAPE_H
#define PROBEKIT_FILTER_SHAPE_H

/*
 * Is a filter of the shape both the kernel and libtraceevent read:
 * comparisons FIELD OP VALUE (OP one of == != < <= > >= & ~; VALUE a
 * number, a word or a quoted string without quotes or backslashes in it)
 * joined by && and ||, with ! and parentheses (at most FILTER_MAX_DEPTH
 * deep)? A shared event's filter is evaluated by libtraceevent in user
 * space, and its parser (1.7) frees twice on "newstate == *" and asks
 * malloc for -12 bytes on a ',' (both found by fuzz_recipe): only filters
 * of this shape reach it. NULL when it is; else what is wrong, and where
 * (*at: the byte's offset).
 */
#include <stddef.h>

#define FILTER_MAX_DEPTH 32

const char *filter_shape_error(const char *text, size_t *at);

#endif
