// SPDX-License-Identifier: GPL-2.0-or-later
/* Log-linear latency histograms with bounded relative error. */
#include <stdlib.h>
#include <string.h>

#include "analysis/stats.h"

static int msb(uint64_t v)
{
	return 63 - __builtin_clzll(v);
}

/* row and column of the bucket holding ns */
static void bucket_of(uint64_t ns, int *row, int *col)
{
	int e;

	if (ns < STATS_SUB) {
		*row = 0;
		*col = (int)ns;
		return;
	}
	e = msb(ns);	/* >= STATS_SUB_BITS */
	*row = e - STATS_SUB_BITS + 1;
	*col = (int)((ns >> (e - STATS_SUB_BITS)) & (STATS_SUB - 1));
}

/* the midpoint of a bucket: at most half a bucket (1/256 of the value) away */
static uint64_t bucket_mid(int row, int col)
{
	int shift;
	uint64_t lo;

	if (row == 0)
		return (uint64_t)col;
	shift = row - 1;
	lo = ((uint64_t)(STATS_SUB + col)) << shift;
	return lo + ((1ULL << shift) >> 1);
}

void stats_add(struct stats *s, uint64_t ns)
{
	stats_add_n(s, ns, 1);
}

void stats_add_n(struct stats *s, uint64_t ns, uint64_t n)
{
	uint64_t us = ns / 1000;
	int row, col, k;

	if (!n)
		return;
	bucket_of(ns, &row, &col);
	if (row >= STATS_ROWS)
		row = STATS_ROWS - 1, col = STATS_SUB - 1;
	if (!s->rows[row])
		s->rows[row] = xcalloc(STATS_SUB, sizeof(uint32_t));
	s->rows[row][col] += (uint32_t)n;
	k = us < 2 ? 0 : msb(us);
	s->log2_us[k < STATS_LOG2_US ? k : STATS_LOG2_US - 1] += n;
	if (!s->count || ns < s->min)
		s->min = ns;
	if (ns > s->max)
		s->max = ns;
	s->count += n;
	s->sum += ns * n;
}

uint64_t stats_percentile(const struct stats *s, double p)
{
	uint64_t rank, seen = 0;

	if (!s->count)
		return 0;
	if (p <= 0)
		return s->min;
	if (p >= 100)
		return s->max;
	/* the smallest value with at least p% of the values at or below it */
	rank = (uint64_t)(p / 100.0 * (double)s->count + 0.999999);
	if (rank < 1)
		rank = 1;
	for (int r = 0; r < STATS_ROWS; r++) {
		if (!s->rows[r])
			continue;
		for (int c = 0; c < STATS_SUB; c++) {
			seen += s->rows[r][c];
			if (seen >= rank) {
				uint64_t v = bucket_mid(r, c);

				/* never outside what was seen */
				return v < s->min ? s->min : v > s->max ? s->max : v;
			}
		}
	}
	return s->max;
}

void stats_sub(struct stats *out, const struct stats *now, const struct stats *before)
{
	bool first = true;

	stats_reset(out);
	for (int r = 0; r < STATS_ROWS; r++) {
		if (!now->rows[r])
			continue;
		for (int c = 0; c < STATS_SUB; c++) {
			uint32_t n = now->rows[r][c] - (before->rows[r] ? before->rows[r][c] : 0);

			if (!n)
				continue;
			if (!out->rows[r])
				out->rows[r] = xcalloc(STATS_SUB, sizeof(uint32_t));
			out->rows[r][c] = n;
			if (first)
				out->min = bucket_mid(r, c);
			out->max = bucket_mid(r, c);
			first = false;
		}
	}
	for (int k = 0; k < STATS_LOG2_US; k++)
		out->log2_us[k] = now->log2_us[k] - before->log2_us[k];
	out->count = now->count - before->count;
	out->sum = now->sum - before->sum;
	if (!out->count)
		out->min = out->max = 0;
}

void stats_reset(struct stats *s)
{
	for (int r = 0; r < STATS_ROWS; r++)
		if (s->rows[r])
			memset(s->rows[r], 0, STATS_SUB * sizeof(uint32_t));
	memset(s->log2_us, 0, sizeof(s->log2_us));
	s->count = s->sum = s->min = s->max = 0;
}

void stats_free(struct stats *s)
{
	for (int r = 0; r < STATS_ROWS; r++)
		free(s->rows[r]);
	memset(s, 0, sizeof(*s));
}
