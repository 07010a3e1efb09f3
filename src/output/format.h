/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_FORMAT_H
#define PROBEKIT_FORMAT_H

#include <stdio.h>
#include <jansson.h>
#include "record/record.h"
#include "recipe/recipe.h"

struct tep_handle;

/* What formatting needs besides the value itself. */
struct format_ctx {
	const struct recipe *recipe;
	struct tep_handle *tep;		/* ksym lookups */
	int64_t wall_offset_ns;		/* trace clock -> CLOCK_REALTIME */
};

/* Text of one value into buf (always NUL-terminated); "-" when absent. */
void format_value(const struct format_ctx *fc, int field, const struct value *v,
		  char *buf, size_t len);
/* ADDR:PORT, IPv6 in brackets: [::1]:443 */
void format_endpoint(const struct value *addr, const struct value *port, char *buf, size_t len);
/* A JSON value: numbers as numbers, pointers/cookies as "0x..." strings, absent as null. */
json_t *format_json(const struct format_ctx *fc, int field, const struct value *v);
/* The same written to f, without allocating (event lines). */
void format_json_write(const struct format_ctx *fc, int field, const struct value *v, FILE *f);
/* Column width of a field's text form. */
int format_width(const struct field_decl *f);
/* Width of a column or group key: the field's, or an ADDR:PORT pair's, or its title's. */
int format_column_width(const struct recipe *r, const struct column *c);
/* Text of a column (one field, or ADDR:PORT joined) from a record's values. */
void format_cell(const struct format_ctx *fc, const struct column *c, const struct value *vals,
		 char *buf, size_t len);
/* The same from a group's key values: vals[0] the field, vals[1] its port. */
void format_key(const struct format_ctx *fc, const struct column *c, const struct value *key,
		char *buf, size_t len);

const char *tcp_state_name(uint64_t state);
/* 890 ns, 56.700 us, 1.234 ms, 2.000 s */
void format_duration(uint64_t ns, char *buf, size_t len);
/* "ENOMEM" for 12, "-ENOMEM" for -12, "0" for 0, a number when unknown. */
void errno_text(int64_t err, char *buf, size_t len);

#endif
