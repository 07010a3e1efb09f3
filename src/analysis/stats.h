/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_STATS_H
#define PROBEKIT_STATS_H

#include "util/util.h"

/*
 * Latency statistics in nanoseconds. Log-linear buckets: 128 per power of
 * two, so a percentile (the bucket's midpoint) is within 1/256 (0.4%) of a
 * value in the bucket.
 *
 * A group of a flood of short flows sees a few dozen values, so buckets start
 * sparse: a small open-addressed table of (bucket, count) cells, 8 bytes each,
 * that grows by doubling. Past STATS_SPARSE_MAX cells they become dense: one
 * array of counters for the rows (powers of two) from the lowest to the
 * highest value seen, widened when a value falls outside. Nothing is
 * allocated per value, only per new bucket or magnitude.
 */
#define STATS_SUB_BITS 7
#define STATS_SUB (1 << STATS_SUB_BITS)
#define STATS_ROWS 64
#define STATS_LOG2_US 40
#define STATS_SPARSE_MAX 64	/* cells (512 bytes): beyond, one row costs as much */
/*
 * A group's resolution (stats_set_resolution): 32 buckets per power of two,
 * a percentile within 1/64 (1.6%) of a value in its bucket. A flow's hundred
 * samples then fit in the sparse cells; the run's own statistics keep 128.
 */
#define STATS_GROUP_SUB_BITS 5

struct stats_cell {
	uint16_t key;		/* bucket + 1 (row * STATS_SUB + col); 0: empty */
	uint32_t n;
};

struct stats {
	uint64_t count, sum, min, max;
	uint8_t sub_bits;	/* buckets per power of two: 2^sub_bits; 0: STATS_SUB_BITS */
	struct stats_cell *cells;	/* sparse: cap_cells slots, a power of two */
	uint32_t n_cells, cap_cells;
	uint32_t *dense;	/* rows row_lo..row_hi of 2^b counters (b = sub_bits); row 0: exact
				 * values 0..2^b-1; row r: [2^(r+b-1), 2^(r+b)) */
	uint8_t row_lo, row_hi;
	uint64_t *log2_us;	/* with stats_keep_log2: bcc-style [2^k, 2^(k+1)) microseconds, k=0: 0-1 */
};

/* 2^sub_bits buckets per power of two (1 to STATS_SUB_BITS); before any value. */
void stats_set_resolution(struct stats *s, int sub_bits);
/* Also keep the log2 histogram in microseconds (a summary's, not every group's). */
void stats_keep_log2(struct stats *s);
void stats_add(struct stats *s, uint64_t ns);
/* n values of ns at once (a histogram's row read from the kernel). */
void stats_add_n(struct stats *s, uint64_t ns, uint64_t n);
/* p in [0, 100]; 0 when empty */
uint64_t stats_percentile(const struct stats *s, double p);
void stats_reset(struct stats *s);	/* keeps what is allocated */
/*
 * out = now - before, where now holds everything before held and more (a
 * cumulative histogram read twice); min and max become the midpoints of the
 * lowest and highest buckets left.
 */
void stats_sub(struct stats *out, const struct stats *now, const struct stats *before);
/* Bytes allocated for the buckets (for tests and memory figures). */
size_t stats_bytes(const struct stats *s);
void stats_free(struct stats *s);

#endif
