// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A latency the kernel paired: its histograms read into the same statistics
 * and groups as pairs made in user space. The synthetic event's histogram has
 * one row per group and 1 us bucket (its lower bound; the midpoint counts);
 * the start and end histograms give the starts and ends.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/latency.h"

struct reading {
	struct latency *l;
	const struct kernel_pairs *kp;
	struct value *vals;	/* recipe fields: the group keys of a row */
};

static void pair_row(void *ctx, const struct hist_row *row)
{
	struct reading *rd = ctx;
	struct latency *l = rd->l;
	uint64_t ns = row->keys[row->n_keys - 1] + rd->kp->bucket_ns / 2;

	if (row->n_keys != rd->kp->n_groups + 1)
		return;
	l->c.pairs += row->hits;
	stats_add_n(&l->all, ns, row->hits);
	if (!l->d->n_group_by)
		return;
	for (int i = 0; i < rd->kp->n_groups; i++)
		kernel_row_value(row, i, rd->kp->group_fields[i], &rd->vals[rd->kp->group_fields[i]]);
	stats_add_n(&latency_group(l, rd->vals)->all, ns, row->hits);
}

static void no_row(void *ctx, const struct hist_row *row)
{
	(void)ctx, (void)row;
}

static void reset_group(void *p)
{
	stats_reset(&((struct lat_group_stats *)p)->all);
}

static void for_each_group(struct latency *l, void (*fn)(void *payload))
{
	size_t n;
	struct group **g = grouptab_list(&l->groups, &n);

	for (size_t i = 0; i < n; i++)
		fn(g[i]->payload);
	free(g);
}

void latency_read_kernel(struct latency *l, const struct kernel_pairs *kp, int n_fields)
{
	struct reading rd = { l, kp, xcalloc(n_fields, sizeof(struct value)) };
	struct hist_totals pairs, starts, ends;

	/* the histograms hold the whole run: read into empty statistics */
	stats_reset(&l->all);
	for_each_group(l, reset_group);
	memset(&l->c, 0, sizeof(l->c));
	if (hist_read(kp->inst, "synthetic", kp->synth, kp->synth_keys, pair_row, &rd, &pairs))
		l->c.dropped = pairs.dropped;
	if (hist_read(kp->inst, kp->start_system, kp->start_event, kp->start_keys, no_row, NULL,
		      &starts)) {
		l->c.starts = starts.hits;
		l->c.evictions = starts.dropped;	/* keys the start table had no room for */
	}
	if (hist_read(kp->inst, kp->end_system, kp->end_event, kp->end_keys, no_row, NULL, &ends) &&
	    ends.hits > l->c.pairs + l->c.dropped)
		l->c.unmatched_ends = ends.hits - l->c.pairs - l->c.dropped;
	free(rd.vals);
}

/* The interval: the run's statistics now, less what they were at the last interval. */
static void group_interval(void *p)
{
	struct lat_group_stats *g = p;

	stats_sub(&g->interval, &g->all, &g->before);
	stats_sub(&g->before, &g->all, &(struct stats){ 0 });	/* a copy, rows and all */
}

void latency_read_kernel_interval(struct latency *l, const struct kernel_pairs *kp, int n_fields)
{
	latency_read_kernel(l, kp, n_fields);
	stats_sub(&l->interval, &l->all, &l->before);
	stats_sub(&l->before, &l->all, &(struct stats){ 0 });
	if (l->intervals)
		for_each_group(l, group_interval);
}
