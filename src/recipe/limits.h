/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_RECIPE_LIMITS_H
#define PROBEKIT_RECIPE_LIMITS_H

/*
 * Bounds on a recipe, documented in probekit-recipe(5): a recipe over any of
 * them is refused with one line, never a slow start or unbounded memory.
 */
#define RECIPE_MAX_BYTES	(1 << 20)	/* the file */
#define RECIPE_MAX_DEPTH	16		/* JSON nesting */
#define RECIPE_MAX_MEMBERS	64		/* members of any object or array */
#define RECIPE_MAX_STRING	4096		/* bytes of any string or key */
#define RECIPE_MAX_NAME		63		/* identifiers: kernel event names are short */
#define RECIPE_MAX_EVENT_NAME	56		/* events: room for "__alt15" in 64 bytes */
#define RECIPE_MAX_ALTS		16		/* alternatives of one event */
#define RECIPE_MAX_ARGS		32		/* fetch args of one probe */
#define RECIPE_MAX_FETCHARG	128		/* bytes of one fetch arg */
#define RECIPE_MAX_SYMBOL	128		/* bytes of a probe's symbol[+offset] */
#define RECIPE_MAX_FILTER	1024		/* bytes of one filter clause */
#define RECIPE_MAX_SECTIONS	16		/* parts parsed by other stages (recipe_section) */
#define PARAM_MAX_STRING	256		/* bytes of a string parameter's value */

#endif
