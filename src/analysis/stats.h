/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_STATS_H
#define PROBEKIT_STATS_H

#include "util/util.h"

/*
 * Latency statistics in nanoseconds. Log-linear buckets: 128 per power of
 * two, so a percentile (the bucket's midpoint) is within 1/256 (0.4%) of a
 * value in the bucket. Rows of buckets are allocated the first time a value
 * of that magnitude arrives, never per value.
 */
#define STATS_SUB_BITS 7
#define STATS_SUB (1 << STATS_SUB_BITS)
#define STATS_ROWS 64
#define STATS_LOG2_US 40

struct stats {
	uint64_t count, sum, min, max;
	uint32_t *rows[STATS_ROWS];	/* row 0: exact values 0..127; row r: [2^(r+6), 2^(r+7)) */
	uint64_t log2_us[STATS_LOG2_US];	/* bcc-style: [2^k, 2^(k+1)) microseconds, k=0: 0-1 */
};

void stats_add(struct stats *s, uint64_t ns);
/* n values of ns at once (a histogram's row read from the kernel). */
void stats_add_n(struct stats *s, uint64_t ns, uint64_t n);
/* p in [0, 100]; 0 when empty */
uint64_t stats_percentile(const struct stats *s, double p);
void stats_reset(struct stats *s);	/* keeps the rows allocated */
/*
 * out = now - before, where now holds everything before held and more (a
 * cumulative histogram read twice); min and max become the midpoints of the
 * lowest and highest buckets left.
 */
void stats_sub(struct stats *out, const struct stats *now, const struct stats *before);
void stats_free(struct stats *s);

#endif
