/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_OUTPUT_H
#define PROBEKIT_OUTPUT_H

#include <stdio.h>
#include "output/format.h"
#include "kernel/reader.h"
#include "analysis/summary.h"

struct output {
	struct format_ctx fc;
	FILE *f;
	bool json;
	bool quiet;		/* summary only */
	int *widths;		/* per column */
};

/* What the summary reports besides the groups. */
struct run_totals {
	double seconds;
	const struct reader *reader;
	const struct snmp_snapshot *snmp_start, *snmp_end;
};

void output_init(struct output *o, const struct recipe *r);
void output_header(struct output *o);
/* One line: the recipe's columns; JSON type "event" or "pair" (with its analysis). */
void output_record(struct output *o, const struct value *vals, int event, const char *type,
		   const char *analysis);
void output_summary(struct output *o, const struct summary *s, const struct run_totals *t);
void output_free(struct output *o);

#endif
