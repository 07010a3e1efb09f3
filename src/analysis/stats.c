// SPDX-License-Identifier: GPL-2.0-or-later
/* Log-linear latency histograms with bounded relative error, sparse while small. */
#include <stdlib.h>
#include <string.h>

#include "analysis/stats.h"

static int msb(uint64_t v)
{
	return 63 - __builtin_clzll(v);
}

static int bits_of(const struct stats *s)
{
	return s->sub_bits ? s->sub_bits : STATS_SUB_BITS;
}

/* the bucket holding ns: row << bits | column */
static uint32_t bucket_of(uint64_t ns, int bits)
{
	int e, row;

	if (ns < (1ULL << bits))
		return (uint32_t)ns;
	e = msb(ns);	/* >= bits */
	row = e - bits + 1;
	if (row >= STATS_ROWS)
		return (STATS_ROWS << bits) - 1;
	return ((uint32_t)row << bits) + (uint32_t)((ns >> (e - bits)) & ((1U << bits) - 1));
}

/* the midpoint of a bucket: at most half a bucket (1/2^(bits+1) of the value) away */
static uint64_t bucket_mid(uint32_t b, int bits)
{
	uint32_t row = b >> bits, col = b & ((1U << bits) - 1);
	int shift;
	uint64_t lo;

	if (row == 0)
		return col;
	shift = (int)row - 1;
	lo = ((1ULL << bits) + col) << shift;
	return lo + ((1ULL << shift) >> 1);
}

/* rows lo..hi, keeping the counts of the rows there are */
static void dense_widen(struct stats *s, uint32_t lo, uint32_t hi)
{
	int bits = bits_of(s);
	uint32_t *wider = xcalloc((size_t)(hi - lo + 1) << bits, sizeof(uint32_t));

	if (s->dense)
		memcpy(wider + ((size_t)(s->row_lo - lo) << bits), s->dense,
		       ((size_t)(s->row_hi - s->row_lo + 1) << bits) * sizeof(uint32_t));
	free(s->dense);
	s->dense = wider;
	s->row_lo = (uint8_t)lo;
	s->row_hi = (uint8_t)hi;
}

static uint32_t *dense_slot(struct stats *s, uint32_t b)
{
	int bits = bits_of(s);
	uint32_t r = b >> bits;

	if (r < s->row_lo || r > s->row_hi)
		dense_widen(s, r < s->row_lo ? r : s->row_lo, r > s->row_hi ? r : s->row_hi);
	return &s->dense[((size_t)(r - s->row_lo) << bits) + (b & ((1U << bits) - 1))];
}

/* the cell holding key, or the empty cell where it goes (cap is never full) */
static struct stats_cell *cell_find(struct stats_cell *cells, uint32_t cap, uint16_t key)
{
	uint32_t i = ((uint32_t)key * 0x9E3779B1u) >> 16;

	for (;; i++) {
		struct stats_cell *c = &cells[i & (cap - 1)];

		if (c->key == key || !c->key)
			return c;
	}
}

static void cells_resize(struct stats *s, uint32_t cap)
{
	struct stats_cell *old = s->cells;
	uint32_t old_cap = s->cap_cells;

	s->cells = xcalloc(cap, sizeof(*s->cells));
	s->cap_cells = cap;
	for (uint32_t i = 0; i < old_cap; i++)
		if (old[i].key)
			*cell_find(s->cells, cap, old[i].key) = old[i];
	free(old);
}

/* too many buckets for cells: rows from now on */
static void densify(struct stats *s)
{
	uint32_t lo = UINT32_MAX, hi = 0;
	int bits = bits_of(s);

	for (uint32_t i = 0; i < s->cap_cells; i++)
		if (s->cells[i].key) {
			uint32_t r = (s->cells[i].key - 1u) >> bits;

			lo = r < lo ? r : lo;
			hi = r > hi ? r : hi;
		}
	dense_widen(s, lo, hi);
	for (uint32_t i = 0; i < s->cap_cells; i++)
		if (s->cells[i].key)
			*dense_slot(s, s->cells[i].key - 1u) += s->cells[i].n;
	free(s->cells);
	s->cells = NULL;
	s->n_cells = s->cap_cells = 0;
}

static void bucket_add(struct stats *s, uint32_t b, uint32_t n)
{
	uint16_t key = (uint16_t)(b + 1);
	struct stats_cell *c;

	if (s->dense) {
		*dense_slot(s, b) += n;
		return;
	}
	if (s->cap_cells) {
		c = cell_find(s->cells, s->cap_cells, key);
		if (c->key) {
			c->n += n;
			return;
		}
	}
	if ((s->n_cells + 1) * 4 > s->cap_cells * 3) {	/* at most 3/4 full */
		if (s->cap_cells >= STATS_SPARSE_MAX) {
			densify(s);
			*dense_slot(s, b) += n;
			return;
		}
		cells_resize(s, s->cap_cells ? s->cap_cells * 2 : 8);
	}
	c = cell_find(s->cells, s->cap_cells, key);
	c->key = key;
	c->n = n;
	s->n_cells++;
}

static uint32_t bucket_count(const struct stats *s, uint32_t b)
{
	int bits = bits_of(s);
	uint32_t r = b >> bits;

	if (s->dense)
		return r < s->row_lo || r > s->row_hi ? 0 :
		       s->dense[((size_t)(r - s->row_lo) << bits) + (b & ((1U << bits) - 1))];
	if (!s->cap_cells)
		return 0;
	return cell_find(s->cells, s->cap_cells, (uint16_t)(b + 1))->n;
}

/* Calls fn for each non-empty bucket in ascending order, until it returns false. */
static void each_bucket(const struct stats *s, bool (*fn)(uint32_t b, uint32_t n, void *ctx), void *ctx)
{
	struct stats_cell sorted[STATS_SPARSE_MAX];
	uint32_t k = 0;

	if (s->dense) {
		uint32_t first = (uint32_t)s->row_lo << bits_of(s);
		uint32_t n = (uint32_t)(s->row_hi - s->row_lo + 1) << bits_of(s);

		for (uint32_t i = 0; i < n; i++)
			if (s->dense[i] && !fn(first + i, s->dense[i], ctx))
				return;
		return;
	}
	for (uint32_t i = 0; i < s->cap_cells; i++) {	/* insertion sort: a few dozen cells */
		uint32_t j;

		if (!s->cells[i].key)
			continue;
		for (j = k++; j > 0 && sorted[j - 1].key > s->cells[i].key; j--)
			sorted[j] = sorted[j - 1];
		sorted[j] = s->cells[i];
	}
	for (uint32_t i = 0; i < k; i++)
		if (!fn(sorted[i].key - 1u, sorted[i].n, ctx))
			return;
}

void stats_set_resolution(struct stats *s, int sub_bits)
{
	s->sub_bits = (uint8_t)(sub_bits < 1 ? 1 : sub_bits > STATS_SUB_BITS ? STATS_SUB_BITS : sub_bits);
}

void stats_keep_log2(struct stats *s)
{
	if (!s->log2_us)
		s->log2_us = xcalloc(STATS_LOG2_US, sizeof(*s->log2_us));
}

void stats_add(struct stats *s, uint64_t ns)
{
	stats_add_n(s, ns, 1);
}

void stats_add_n(struct stats *s, uint64_t ns, uint64_t n)
{
	if (!n)
		return;
	bucket_add(s, bucket_of(ns, bits_of(s)), (uint32_t)n);
	if (s->log2_us) {
		uint64_t us = ns / 1000;
		int k = us < 2 ? 0 : msb(us);

		s->log2_us[k < STATS_LOG2_US ? k : STATS_LOG2_US - 1] += n;
	}
	if (!s->count || ns < s->min)
		s->min = ns;
	if (ns > s->max)
		s->max = ns;
	s->count += n;
	s->sum += ns * n;
}

struct rank_walk {
	uint64_t rank, seen, bucket;
	bool found;
};

static bool walk_to_rank(uint32_t b, uint32_t n, void *ctx)
{
	struct rank_walk *w = ctx;

	w->seen += n;
	if (w->seen < w->rank)
		return true;
	w->bucket = b;
	w->found = true;
	return false;
}

uint64_t stats_percentile(const struct stats *s, double p)
{
	struct rank_walk w = { 0 };
	uint64_t v;

	if (!s->count)
		return 0;
	if (p <= 0)
		return s->min;
	if (p >= 100)
		return s->max;
	/* the smallest value with at least p% of the values at or below it */
	w.rank = (uint64_t)(p / 100.0 * (double)s->count + 0.999999);
	if (w.rank < 1)
		w.rank = 1;
	each_bucket(s, walk_to_rank, &w);
	if (!w.found)
		return s->max;
	v = bucket_mid((uint32_t)w.bucket, bits_of(s));
	return v < s->min ? s->min : v > s->max ? s->max : v;	/* never outside what was seen */
}

struct sub_walk {
	struct stats *out;
	const struct stats *before;
	bool first;
};

static bool sub_bucket(uint32_t b, uint32_t n, void *ctx)
{
	struct sub_walk *w = ctx;

	n -= bucket_count(w->before, b);
	if (!n)
		return true;
	bucket_add(w->out, b, n);
	if (w->first)
		w->out->min = bucket_mid(b, bits_of(w->out));
	w->out->max = bucket_mid(b, bits_of(w->out));
	w->first = false;
	return true;
}

void stats_sub(struct stats *out, const struct stats *now, const struct stats *before)
{
	struct sub_walk w = { out, before, true };

	if (bits_of(out) != bits_of(now)) {	/* buckets of another size: start afresh */
		stats_free(out);
		out->sub_bits = now->sub_bits;
	}
	stats_reset(out);
	each_bucket(now, sub_bucket, &w);
	if (now->log2_us) {
		stats_keep_log2(out);
		for (int k = 0; k < STATS_LOG2_US; k++)
			out->log2_us[k] = now->log2_us[k] - (before->log2_us ? before->log2_us[k] : 0);
	}
	out->count = now->count - before->count;
	out->sum = now->sum - before->sum;
	if (!out->count)
		out->min = out->max = 0;
}

void stats_reset(struct stats *s)
{
	if (s->dense)
		memset(s->dense, 0, ((size_t)(s->row_hi - s->row_lo + 1) << bits_of(s)) * sizeof(uint32_t));
	if (s->cells)
		memset(s->cells, 0, s->cap_cells * sizeof(*s->cells));
	s->n_cells = 0;
	if (s->log2_us)
		memset(s->log2_us, 0, STATS_LOG2_US * sizeof(*s->log2_us));
	s->count = s->sum = s->min = s->max = 0;
}

size_t stats_bytes(const struct stats *s)
{
	size_t n = s->cap_cells * sizeof(*s->cells) + (s->log2_us ? STATS_LOG2_US * sizeof(uint64_t) : 0);

	if (s->dense)
		n += ((size_t)(s->row_hi - s->row_lo + 1) << bits_of(s)) * sizeof(uint32_t);
	return n;
}

void stats_free(struct stats *s)
{
	free(s->dense);
	free(s->cells);
	free(s->log2_us);
	memset(s, 0, sizeof(*s));
}
