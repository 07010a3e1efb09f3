/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_OUTPUT_LATENCY_H
#define PROBEKIT_OUTPUT_LATENCY_H

#include "analysis/latency.h"
#include "output/output.h"

/* A pair slower than -t: the recipe's columns of the end event (latency included). */
void output_pair(struct output *o, const struct value *vals, int event, const struct latency *l);
/* -i: count and percentiles per group for the interval just ended. */
void output_latency_interval(struct output *o, const struct latency *l, double seconds);
/* End of run: counters, statistics, log2 histogram, per-group table. */
void output_latency_summary(struct output *o, const struct latency *l);

#endif
