// SPDX-License-Identifier: GPL-2.0-or-later
/* Latency output: slow pairs, interval summaries and the final statistics. */
#include <stdlib.h>
#include <string.h>

#include "output/output_latency.h"

static const struct { const char *name; double p; } pcts[] = {
	{ "p50", 50 }, { "p90", 90 }, { "p99", 99 }, { "p99.9", 99.9 },
};

void output_pair(struct output *o, const struct value *vals, int event, const struct latency *l)
{
	output_record(o, vals, event, "pair", l->d->name);
}

static json_t *stats_json(const struct stats *s)
{
	json_t *obj = json_object();

	json_object_set_new(obj, "count", json_integer((json_int_t)s->count));
	if (!s->count)
		return obj;
	json_object_set_new(obj, "min_ns", json_integer((json_int_t)s->min));
	json_object_set_new(obj, "avg_ns", json_integer((json_int_t)(s->sum / s->count)));
	for (size_t i = 0; i < ARRAY_SIZE(pcts); i++) {
		char key[16];

		snprintf(key, sizeof(key), "%s_ns", pcts[i].name);
		json_object_set_new(obj, key, json_integer((json_int_t)stats_percentile(s, pcts[i].p)));
	}
	json_object_set_new(obj, "max_ns", json_integer((json_int_t)s->max));
	return obj;
}

static json_t *group_keys_json(const struct output *o, const struct latency *l, const struct group *g)
{
	const struct recipe *r = o->fc.recipe;
	json_t *obj = json_object();

	for (int k = 0; k < l->d->n_group_by; k++) {
		const struct column *c = &l->d->group_by[k];

		json_object_set_new(obj, r->fields[c->field].name,
				    format_json(&o->fc, c->field, &g->vals[2 * k]));
		if (c->port_field >= 0)
			json_object_set_new(obj, r->fields[c->port_field].name,
					    format_json(&o->fc, c->port_field, &g->vals[2 * k + 1]));
	}
	return obj;
}

static const struct stats *group_stats(const struct group *g, bool interval)
{
	const struct lat_group_stats *gs = g->payload;

	return interval ? &gs->interval : &gs->all;
}

static bool sort_interval;	/* qsort has no context argument */

static int by_count(const void *a, const void *b)
{
	uint64_t ca = group_stats(*(struct group *const *)a, sort_interval)->count;
	uint64_t cb = group_stats(*(struct group *const *)b, sort_interval)->count;

	return ca < cb ? 1 : ca > cb ? -1 : 0;
}

static struct group **sorted_groups(const struct latency *l, bool interval, size_t *n)
{
	struct group **g = grouptab_list(&l->groups, n);

	sort_interval = interval;
	qsort(g, *n, sizeof(*g), by_count);
	return g;
}

static json_t *groups_json(const struct output *o, const struct latency *l, bool interval)
{
	json_t *arr = json_array();
	size_t n;
	struct group **g = sorted_groups(l, interval, &n);

	for (size_t i = 0; i < n; i++) {
		const struct stats *s = group_stats(g[i], interval);
		json_t *obj;

		if (!s->count)
			continue;
		obj = group_keys_json(o, l, g[i]);
		json_object_set_new(obj, "stats", stats_json(s));
		json_array_append_new(arr, obj);
	}
	free(g);
	return arr;
}

static void emit(struct output *o, json_t *obj)
{
	json_dumpf(obj, o->f, JSON_COMPACT | JSON_ENSURE_ASCII);	/* no raw C1 or bidi for a terminal */
	fputc('\n', o->f);
	json_decref(obj);
}

static void stats_header(struct output *o, bool with_min_avg)
{
	fprintf(o->f, "  %10s", "COUNT");
	if (with_min_avg)
		fprintf(o->f, " %11s %11s", "MIN", "AVG");
	for (size_t i = 0; i < ARRAY_SIZE(pcts); i++) {
		char up[16];

		snprintf(up, sizeof(up), "%s", pcts[i].name);
		for (char *c = up; *c; c++)
			*c = *c >= 'a' && *c <= 'z' ? *c - 32 : *c;
		fprintf(o->f, " %11s", up);
	}
	fprintf(o->f, " %11s", "MAX");
}

static void stats_row(struct output *o, const struct stats *s, bool with_min_avg)
{
	char buf[32];

	fprintf(o->f, "  %10llu", (unsigned long long)s->count);
	if (with_min_avg) {
		format_duration(s->min, buf, sizeof(buf));
		fprintf(o->f, " %11s", buf);
		format_duration(s->count ? s->sum / s->count : 0, buf, sizeof(buf));
		fprintf(o->f, " %11s", buf);
	}
	for (size_t i = 0; i < ARRAY_SIZE(pcts); i++) {
		format_duration(stats_percentile(s, pcts[i].p), buf, sizeof(buf));
		fprintf(o->f, " %11s", buf);
	}
	format_duration(s->max, buf, sizeof(buf));
	fprintf(o->f, " %11s", buf);
}

static void group_label(struct output *o, const struct latency *l, const struct group *g)
{
	char buf[128];

	for (int k = 0; k < l->d->n_group_by; k++) {
		const struct column *c = &l->d->group_by[k];

		if (c->port_field >= 0)
			format_endpoint(&g->vals[2 * k], &g->vals[2 * k + 1], buf, sizeof(buf));
		else
			format_value(&o->fc, c->field, &g->vals[2 * k], buf, sizeof(buf));
		fprintf(o->f, "  %s", buf);
	}
}

static void groups_text(struct output *o, const struct latency *l, bool interval, bool min_avg)
{
	size_t n;
	struct group **g;

	if (!l->d->n_group_by)
		return;
	g = sorted_groups(l, interval, &n);
	for (size_t i = 0; i < n; i++) {
		const struct stats *s = group_stats(g[i], interval);

		if (!s->count)
			continue;
		stats_row(o, s, min_avg);
		group_label(o, l, g[i]);
		fputc('\n', o->f);
	}
	free(g);
}

/* Header, the overall row, then one row per group; min and avg only at the end. */
static void stats_table(struct output *o, const struct latency *l, bool interval)
{
	stats_header(o, !interval);
	for (int k = 0; k < l->d->n_group_by; k++)
		fprintf(o->f, "  %s", l->d->group_by[k].title);
	fputc('\n', o->f);
	stats_row(o, interval ? &l->interval : &l->all, !interval);
	fprintf(o->f, "%s\n", l->d->n_group_by ? "  (all)" : "");
	groups_text(o, l, interval, !interval);
}

void output_latency_interval(struct output *o, const struct latency *l, double seconds)
{
	if (o->json) {
		json_t *obj = json_pack("{s:s,s:s,s:f}", "type", "interval", "analysis", l->d->name,
					"seconds", seconds);

		json_object_set_new(obj, "stats", stats_json(&l->interval));
		json_object_set_new(obj, "groups", groups_json(o, l, true));
		emit(o, obj);
		fflush(o->f);
		return;
	}
	fprintf(o->f, "--- %s: %llu pairs in %.1f s\n", l->d->title,
		(unsigned long long)l->interval.count, seconds);
	if (l->interval.count)
		stats_table(o, l, true);
	fflush(o->f);
}

static void log2_text(struct output *o, const struct stats *s)
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
	fprintf(o->f, "  %20s : %-9s distribution\n", "usecs", "count");
	for (int k = 0; k <= last; k++) {
		unsigned long long lo = k ? 1ULL << k : 0, hi = (2ULL << k) - 1;
		int bar = (int)(40 * s->log2_us[k] / top);
		char range[48];

		snprintf(range, sizeof(range), "%llu -> %llu", lo, hi);
		fprintf(o->f, "  %20s : %-9llu |%-40.*s|\n", range, (unsigned long long)s->log2_us[k],
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

void output_latency_summary(struct output *o, const struct latency *l)
{
	const struct lat_counters *c = &l->c;

	if (o->json) {
		json_t *obj = json_pack("{s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "type",
			"latency", "analysis", l->d->name, "title", l->d->title,
			"pairs", (json_int_t)c->pairs, "starts", (json_int_t)c->starts,
			"restarts", (json_int_t)c->restarts,
			"unmatched_ends", (json_int_t)c->unmatched_ends,
			"timeouts", (json_int_t)c->timeouts, "evictions", (json_int_t)c->evictions,
			"invalidated", (json_int_t)c->invalidated, "pending", (json_int_t)l->n_pending);

		json_object_set_new(obj, "stats", stats_json(&l->all));
		json_object_set_new(obj, "log2_us", log2_json(&l->all));
		json_object_set_new(obj, "groups", groups_json(o, l, false));
		emit(o, obj);
		fflush(o->f);
		return;
	}
	fprintf(o->f, "%s (%s): %llu pairs; %llu unmatched ends, %llu timed out, %llu evicted, "
		"%llu invalidated by lost events, %llu pending at exit\n", l->d->title, l->d->name,
		(unsigned long long)c->pairs, (unsigned long long)c->unmatched_ends,
		(unsigned long long)c->timeouts, (unsigned long long)c->evictions,
		(unsigned long long)c->invalidated, (unsigned long long)l->n_pending);
	if (!l->all.count) {
		fflush(o->f);
		return;
	}
	stats_table(o, l, false);
	log2_text(o, &l->all);
	fflush(o->f);
}
