// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The latency analysis at run time: pairs fed in, slow pairs, interval and
 * final statistics out; a distribution runs the same way with samples.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/explain.h"
#include "analysis/latency.h"
#include "analysis/stats_view.h"


/* One analysis of a run: the recipe's declaration with -g's grouping, and the pairing. */
struct latency_run {
	struct latency_decl d;
	struct column *groups;		/* -g: owned; else the recipe's */
	int n_groups;
	struct latency l;
	struct explain *explain;	/* --explain: the history slow pairs are explained from */
	bool stopped;			/* the kernel's histograms read last: the instance may be gone */
};

/* A report: the whole run, or the interval just ended. */
struct latency_view {
	const struct latency *l;
	bool interval;
	double seconds;
};

static json_t *group_keys_json(const struct format_ctx *fc, const struct latency *l,
			       const struct group *g)
{
	const struct recipe *r = fc->recipe;
	json_t *obj = json_object();

	for (int k = 0; k < l->d->n_group_by; k++) {
		const struct column *c = &l->d->group_by[k];

		json_object_set_new(obj, r->fields[c->field].name,
				    format_json(fc, c->field, &g->vals[2 * k]));
		if (c->port_field >= 0)
			json_object_set_new(obj, r->fields[c->port_field].name,
					    format_json(fc, c->port_field, &g->vals[2 * k + 1]));
	}
	return obj;
}

static const struct stats *group_stats(const struct group *g, bool interval)
{
	const struct lat_group_stats *gs = g->payload;

	return interval ? &gs->interval : &gs->all;
}

static int by_count(const void *a, const void *b, void *ctx)
{
	bool interval = *(const bool *)ctx;
	uint64_t ca = group_stats(*(struct group *const *)a, interval)->count;
	uint64_t cb = group_stats(*(struct group *const *)b, interval)->count;

	return ca < cb ? 1 : ca > cb ? -1 : 0;
}

static struct group **sorted_groups(const struct latency *l, bool interval, size_t *n)
{
	struct group **g = grouptab_list(&l->groups, n);

	qsort_r(g, *n, sizeof(*g), by_count, &interval);
	return g;
}

static json_t *groups_json(const struct format_ctx *fc, const struct latency *l, bool interval)
{
	json_t *arr = json_array();
	size_t n;
	struct group **g = sorted_groups(l, interval, &n);

	for (size_t i = 0; i < n; i++) {
		const struct stats *s = group_stats(g[i], interval);
		json_t *obj;

		if (!s->count)
			continue;
		obj = group_keys_json(fc, l, g[i]);
		json_object_set_new(obj, "stats", stats_json(s));
		json_array_append_new(arr, obj);
	}
	free(g);
	return arr;
}

static void groups_text(const struct format_ctx *fc, FILE *f, const struct latency *l,
			bool interval)
{
	size_t n;
	struct group **g;
	char buf[128];

	if (!l->d->n_group_by)
		return;
	g = sorted_groups(l, interval, &n);
	for (size_t i = 0; i < n; i++) {
		const struct stats *s = group_stats(g[i], interval);

		if (!s->count)
			continue;
		stats_row(f, s, !interval);
		for (int k = 0; k < l->d->n_group_by; k++) {
			format_key(fc, &l->d->group_by[k], &g[i]->vals[2 * k], buf, sizeof(buf));
			fprintf(f, "  %s", buf);
		}
		fputc('\n', f);
	}
	free(g);
}

/* Header, the overall row, then one row per group; min and avg only at the end. */
static void stats_table(const struct format_ctx *fc, FILE *f, const struct latency *l,
			bool interval)
{
	stats_header(f, !interval);
	for (int k = 0; k < l->d->n_group_by; k++)
		fprintf(f, "  %s", l->d->group_by[k].title);
	fputc('\n', f);
	stats_row(f, interval ? &l->interval : &l->all, !interval);
	fprintf(f, "%s\n", l->d->n_group_by ? "  (all)" : "");
	groups_text(fc, f, l, interval);
}

static json_t *interval_json(const void *self, const struct format_ctx *fc)
{
	const struct latency_view *v = self;
	json_t *obj = json_pack("{s:s,s:s,s:f}", "type", "interval", "analysis", v->l->d->name,
				"seconds", v->seconds);

	json_object_set_new(obj, "stats", stats_json(&v->l->interval));
	json_object_set_new(obj, "groups", groups_json(fc, v->l, true));
	return obj;
}

static void interval_text(const void *self, const struct format_ctx *fc, FILE *f)
{
	const struct latency_view *v = self;

	fprintf(f, "--- %s: %llu %s in %.1f s\n", v->l->d->title,
		(unsigned long long)v->l->interval.count, v->l->d->value_field ? "samples" : "pairs",
		v->seconds);
	if (v->l->interval.count)
		stats_table(fc, f, v->l, true);
}

static void log2_text(FILE *f, const struct stats *s)
{
	uint64_t top = 0;
	int last = -1;

	for (int k = 0; k < STATS_LOG2_US; k++)
		if (s->log2_us[k]) {
			last = k;
			top = s->log2_us[k] > top ? s->log2_us[k] : top;
		}
	if (last < 0)
		return;
	fprintf(f, "  %20s : %-9s distribution\n", "usecs", "count");
	for (int k = 0; k <= last; k++) {
		unsigned long long lo = k ? 1ULL << k : 0, hi = (2ULL << k) - 1;
		int bar = (int)(40 * s->log2_us[k] / top);
		char range[48];

		snprintf(range, sizeof(range), "%llu -> %llu", lo, hi);
		fprintf(f, "  %20s : %-9llu |%-40.*s|\n", range, (unsigned long long)s->log2_us[k],
			bar, "****************************************");
	}
}

static json_t *log2_json(const struct stats *s)
{
	json_t *arr = json_array();

	for (int k = 0; k < STATS_LOG2_US; k++)
		if (s->log2_us[k])
			json_array_append_new(arr, json_pack("{s:I,s:I,s:I}", "from_us",
				(json_int_t)(k ? 1ULL << k : 0), "to_us", (json_int_t)((2ULL << k) - 1),
				"count", (json_int_t)s->log2_us[k]));
	return arr;
}

static json_t *summary_json(const void *self, const struct format_ctx *fc)
{
	const struct latency *l = ((const struct latency_view *)self)->l;
	const struct lat_counters *c = &l->c;
	json_t *obj;

	if (l->d->value_field) {	/* a distribution: samples, nothing pairs */
		obj = json_pack("{s:s,s:s,s:s,s:I}", "type", "distribution", "analysis",
				l->d->name, "title", l->d->title, "samples", (json_int_t)c->pairs);
		json_object_set_new(obj, "stats", stats_json(&l->all));
		json_object_set_new(obj, "log2_us", log2_json(&l->all));
		json_object_set_new(obj, "groups", groups_json(fc, l, false));
		json_object_set_new(obj, "groups_overflowed",
				    json_integer((json_int_t)l->groups.overflowed));
		return obj;
	}
	obj = json_pack("{s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "type",
		"latency", "analysis", l->d->name, "title", l->d->title,
		"pairs", (json_int_t)c->pairs, "starts", (json_int_t)c->starts,
		"restarts", (json_int_t)c->restarts, "unmatched_ends", (json_int_t)c->unmatched_ends,
		"timeouts", (json_int_t)c->timeouts, "evictions", (json_int_t)c->evictions,
		"invalidated", (json_int_t)c->invalidated, "pending", (json_int_t)l->n_pending);

	json_object_set_new(obj, "stats", stats_json(&l->all));
	json_object_set_new(obj, "log2_us", log2_json(&l->all));
	json_object_set_new(obj, "groups", groups_json(fc, l, false));
	json_object_set_new(obj, "groups_overflowed", json_integer((json_int_t)l->groups.overflowed));
	json_object_set_new(obj, "paired", json_string(l->kernel ? "kernel" : "user space"));
	if (l->kernel)
		json_object_set_new(obj, "kernel", json_pack("{s:s,s:i,s:I}", "synthetic_event",
				    l->kernel->synth, "bucket_ns", (int)l->kernel->bucket_ns,
				    "dropped_pairs", (json_int_t)c->dropped));
	return obj;
}

static void summary_text(const void *self, const struct format_ctx *fc, FILE *f)
{
	const struct latency *l = ((const struct latency_view *)self)->l;
	const struct lat_counters *c = &l->c;

	if (l->d->value_field)
		fprintf(f, "%s (%s): %llu samples\n", l->d->title, l->d->name,
			(unsigned long long)c->pairs);
	else
		fprintf(f, "%s (%s): %llu pairs; %llu unmatched ends, %llu timed out, %llu evicted, "
		"%llu invalidated by lost events, %llu pending at exit\n", l->d->title, l->d->name,
		(unsigned long long)c->pairs, (unsigned long long)c->unmatched_ends,
		(unsigned long long)c->timeouts, (unsigned long long)c->evictions,
		(unsigned long long)c->invalidated, (unsigned long long)l->n_pending);
	if (l->kernel)
		fprintf(f, "  paired in the kernel (%s): 1 us buckets, %llu pairs without room in its "
			"histogram, %llu starts without room\n", l->kernel->synth,
			(unsigned long long)c->dropped, (unsigned long long)c->evictions);
	if (!l->all.count)
		return;
	stats_table(fc, f, l, false);
	if (l->groups.overflowed)
		fprintf(f, "  (at most %d groups: %llu more in the row of -)\n", GROUPTAB_MAX,
			(unsigned long long)l->groups.overflowed);
	log2_text(f, &l->all);
}

/* -g replaces the recipe's grouping: columns of this run's own. */
static int apply_groups(struct analysis *a, struct latency_run *run)
{
	int ret = analysis_group_option(a, &run->groups, &run->n_groups);

	if (!ret && run->n_groups) {
		run->d.group_by = run->groups;
		run->d.n_group_by = run->n_groups;
	}
	return ret;
}

static int latency_op_init(struct analysis *a)
{
	struct latency_run *run = xcalloc(1, sizeof(*run));
	int ret;

	a->state = run;
	run->d = *(const struct latency_decl *)a->cfg;
	if ((ret = apply_groups(a, run)))
		return ret;
	latency_init(&run->l, &run->d, a->opts && a->opts->interval_ns);
	a->prints_records = a->opts && a->opts->threshold;
	/* --explain (run checked -t): slow pairs are explained from a history kept from the start */
	if (a->opts && a->opts->explain && run->d.explain)
		run->explain = explain_open(run->d.explain, a->recipe);
	return PK_OK;
}

static void latency_op_feed(struct analysis *a, struct record *rec)
{
	struct latency_run *run = a->state;
	int64_t d;

	/* an event may play a role and be the latency's too (sched-latency's wake-ups) */
	if (run->explain && explain_feed(run->explain, rec) && rec->event != run->d.to &&
	    !latency_is_start(&run->d, rec->event))
		return;
	d = latency_feed(&run->l, rec->event, rec->values, rec->ts);
	/* the pair ends in the explained thread (the reader's read, the switch to the task) */
	if (run->explain && rec->event == run->d.to)
		explain_running(run->explain, explain_thread_of(run->d.explain, rec), rec->cpu,
				rec->ts);
	if (d >= 0 && a->prints_records && (uint64_t)d >= a->opts->threshold_ns) {
		sink_record(a->sink, rec, run->d.value_field ? "sample" : "pair", run->d.name);
		if (run->explain)
			explain_window(run->explain, a->sink, run->d.name,
				       explain_thread_of(run->d.explain, rec), rec->ts - (uint64_t)d,
				       rec->ts);
	}
}

/* The key of both ends (a distribution: its field), and the groups of the record that counts. */
static void latency_op_uses(const struct analysis *a, int event, bool *fields)
{
	const struct latency_run *run = a->state;
	const struct latency_decl *d = &run->d;

	if (run->explain) {
		explain_uses(d->explain, event, fields);
		if (event == d->to)
			fields[d->explain->f_thread] = true;
	}
	if (d->value_field) {
		if (event == d->from) {
			fields[d->value_field] = true;
			columns_use(d->group_by, d->n_group_by, fields);
		}
		return;
	}
	if (event != d->to && !latency_is_start(d, event))
		return;
	for (int i = 0; i < d->n_key; i++)
		fields[d->key[i]] = true;
	if (event == d->to)
		columns_use(d->group_by, d->n_group_by, fields);
}

static void latency_op_lost(struct analysis *a)
{
	struct latency_run *run = a->state;

	latency_invalidate(&run->l);
	if (run->explain)
		explain_lost(run->explain);
}

static void latency_op_tick(struct analysis *a, double seconds)
{
	struct latency_run *run = a->state;
	struct latency_view lv = { .l = &run->l, .interval = true, .seconds = seconds };
	struct report_view v = { &lv, interval_json, interval_text };

	run->l.kernel = a->kernel;
	if (a->kernel)	/* the kernel's histograms: what came since the last interval */
		latency_read_kernel_interval(&run->l, a->kernel, a->recipe->n_fields);

	sink_report(a->sink, &v);
	latency_interval_reset(&run->l);
}

/* The kernel paired it: its histograms, read while the instance still exists. */
static void latency_op_stop(struct analysis *a)
{
	struct latency_run *run = a->state;

	run->l.kernel = a->kernel;
	if (a->kernel)
		latency_read_kernel(&run->l, a->kernel, a->recipe->n_fields);
	run->stopped = true;
}

static void latency_op_snapshot(struct analysis *a, const struct run_info *info, struct sink *s)
{
	struct latency_run *run = a->state;
	struct latency_view lv = { .l = &run->l };
	struct report_view v = { &lv, summary_json, summary_text };

	(void)info;
	if (a->kernel && !run->stopped) {	/* a monitor's metrics: the histograms so far */
		run->l.kernel = a->kernel;
		latency_read_kernel(&run->l, a->kernel, a->recipe->n_fields);
	}
	sink_report(s, &v);
}

static void latency_op_report(struct analysis *a, const struct run_info *info)
{
	latency_op_snapshot(a, info, a->sink);
}

static void latency_op_free(struct analysis *a)
{
	struct latency_run *run = a->state;

	if (!run)
		return;
	if (run->l.pool)
		latency_free(&run->l);
	analysis_group_option_free(run->groups, run->n_groups);
	explain_close(run->explain);
	free(run);
}

const struct analysis_ops latency_analysis = {
	.name = "latency",
	.replaces_listing = true,
	.run_options = "tig",
	.parse = latency_parse,
	.explains = latency_explains,
	.section = "latency",
	.describe = latency_describe,
	.free_cfg = latency_free_cfg,
	.init = latency_op_init,
	.uses = latency_op_uses,
	.feed = latency_op_feed,
	.lost = latency_op_lost,
	.tick = latency_op_tick,
	.stop = latency_op_stop,
	.report = latency_op_report,
	.snapshot = latency_op_snapshot,
	.free = latency_op_free,
};

/* The same runtime for a field's distribution: its own section and description. */
const struct analysis_ops distribution_analysis = {
	.name = "distribution",
	.replaces_listing = true,
	.run_options = "tig",
	.parse = distribution_parse,
	.section = "distribution",
	.describe = distribution_describe,
	.free_cfg = latency_free_cfg,
	.init = latency_op_init,
	.uses = latency_op_uses,
	.feed = latency_op_feed,
	.lost = latency_op_lost,
	.tick = latency_op_tick,
	.report = latency_op_report,
	.snapshot = latency_op_snapshot,
	.free = latency_op_free,
};
