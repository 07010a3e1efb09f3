// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The attempts analysis at run time: starts open an attempt, counted and
 * marking events update it, the first outcome whose conditions hold ends it;
 * one line per ended attempt, statistics per outcome (and group) at the end.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/attempts.h"
#include "analysis/stats_view.h"

/* Per outcome: how many ended so, their start -> end times and counted events. */
struct att_outcome_stats {
	struct stats time;
	uint64_t counted;
};

struct att_group {
	struct att_outcome_stats o[ATT_OUTCOMES_MAX];
};

struct att_run {
	struct attempts_decl d;
	struct column *groups;		/* -g: owned; else the recipe's */
	int n_groups;
	struct att_table t;
	struct att_group all;
	struct grouptab tab;		/* payload: struct att_group */
	struct record rec;		/* an ended attempt's line */
};

static void free_group(void *p)
{
	struct att_group *g = p;

	for (int k = 0; k < ATT_OUTCOMES_MAX; k++)
		stats_free(&g->o[k].time);
}

/* -g replaces the recipe's grouping: columns of this run's own. */
static int apply_groups(struct analysis *a, struct att_run *run)
{
	int ret = analysis_group_option(a, &run->groups, &run->n_groups);

	if (!ret && run->n_groups) {
		run->d.group_by = run->groups;
		run->d.n_group_by = run->n_groups;
	}
	return ret;
}

static int attempts_init(struct analysis *a)
{
	struct att_run *run = xcalloc(1, sizeof(*run));
	int ret;

	a->state = run;
	run->d = *(const struct attempts_decl *)a->cfg;
	if ((ret = apply_groups(a, run)))
		return ret;
	att_table_init(&run->t, &run->d, a->recipe->n_fields);
	grouptab_init(&run->tab, run->d.group_by, run->d.n_group_by, sizeof(struct att_group));
	run->rec.n_values = a->recipe->n_fields;
	run->rec.values = xcalloc(run->rec.n_values, sizeof(*run->rec.values));
	a->prints_records = true;
	return PK_OK;
}

static bool context_holds(enum att_context c, const struct record *rec)
{
	bool process = rec->values[FIELD_PID].present;

	return c == ATT_ANY || (c == ATT_PROCESS) == process;
}

/* The first outcome this end event gives the attempt, or -1. */
static int outcome_of(const struct attempts_decl *d, const struct attempt *at,
		      const struct record *rec)
{
	for (int k = 0; k < d->n_outcomes; k++) {
		const struct att_outcome *o = &d->outcomes[k];

		if (o->end == rec->event && (o->after < 0 || (at->marks & (1u << k))) &&
		    context_holds(o->context, rec))
			return k;
	}
	return -1;
}

/*
 * The attempt's line: the start's values (who started it), with what the end
 * adds (a port bound after the start), its time, count and outcome.
 */
static void build_line(struct att_run *run, uint32_t i, const struct record *end, int k,
		       uint64_t ns)
{
	struct value *v = run->rec.values;
	const struct attempt *at = &run->t.pool[i];

	memcpy(v, att_snapshot(&run->t, i), run->rec.n_values * sizeof(*v));
	for (int f = FIELD_NR_BUILTIN; f < run->rec.n_values; f++)
		if (end->values[f].present && !end->values[f].str)
			v[f] = end->values[f];
	v[FIELD_LATENCY] = (struct value){ .present = true, .num = ns };
	if (run->d.count_field >= 0)
		v[run->d.count_field] = (struct value){ .present = true, .num = at->count };
	if (run->d.result_field >= 0)
		v[run->d.result_field] = (struct value){
			.present = true, .str = run->d.outcomes[k].result,
			.len = (int)strlen(run->d.outcomes[k].result) };
	run->rec.event = end->event;
	run->rec.ts = at->ts;
	run->rec.cpu = end->cpu;
}

static void account(struct att_group *g, int k, uint64_t ns, uint32_t count)
{
	stats_add(&g->o[k].time, ns);
	g->o[k].counted += count;
}

static void finish(struct analysis *a, uint32_t i, const struct record *end, int k)
{
	struct att_run *run = a->state;
	const struct attempt *at = &run->t.pool[i];
	uint64_t ns = end->ts > at->ts ? end->ts - at->ts : 0;

	build_line(run, i, end, k, ns);
	account(&run->all, k, ns, at->count);
	if (run->d.n_group_by)
		account(grouptab_get(&run->tab, run->rec.values), k, ns, at->count);
	/* -t: the outcomes other than the first (the hoped-for one), and slow attempts */
	if (!a->opts || !a->opts->threshold || k > 0 || ns >= a->opts->threshold_ns)
		sink_record(a->sink, &run->rec, "attempt", run->d.name);
	run->t.c.ended++;
	att_remove(&run->t, i);
}

static void attempts_feed(struct analysis *a, struct record *rec)
{
	struct att_run *run = a->state;
	const struct attempts_decl *d = &run->d;
	struct attempt *at;
	uint32_t i;
	int k;

	att_expire(&run->t, rec->ts);
	if (!att_has_key(&run->t, rec->values))
		return;
	if (rec->event == d->start) {
		att_start(&run->t, rec->values, rec->ts);
		return;
	}
	if (!(i = att_find(&run->t, rec->values)))
		return;
	at = &run->t.pool[i];
	if (rec->event == d->count_event)
		at->count++;
	for (k = 0; k < d->n_outcomes; k++)
		if (d->outcomes[k].after == rec->event)
			at->marks |= 1u << k;
	if ((k = outcome_of(d, at, rec)) >= 0)
		finish(a, i, rec, k);
}

static void attempts_lost(struct analysis *a)
{
	att_invalidate(&((struct att_run *)a->state)->t);
}

static json_t *outcomes_json(const struct att_run *run, const struct att_group *g)
{
	json_t *arr = json_array();

	for (int k = 0; k < run->d.n_outcomes; k++) {
		json_t *o = json_pack("{s:s,s:I,s:I}", "result", run->d.outcomes[k].result, "count",
				      (json_int_t)g->o[k].time.count, "counted",
				      (json_int_t)g->o[k].counted);

		json_object_set_new(o, "time", stats_json(&g->o[k].time));
		json_array_append_new(arr, o);
	}
	return arr;
}

static uint64_t group_total(const struct group *g)
{
	const struct att_group *ag = g->payload;
	uint64_t n = 0;

	for (int k = 0; k < ATT_OUTCOMES_MAX; k++)
		n += ag->o[k].time.count;
	return n;
}

static int by_total(const void *a, const void *b)
{
	uint64_t ca = group_total(*(struct group *const *)a);
	uint64_t cb = group_total(*(struct group *const *)b);

	return ca < cb ? 1 : ca > cb ? -1 : 0;
}

static struct group **sorted_groups(const struct att_run *run, size_t *n)
{
	struct group **g = grouptab_list(&run->tab, n);

	qsort(g, *n, sizeof(*g), by_total);
	return g;
}

static json_t *summary_json(const void *self, const struct format_ctx *fc)
{
	const struct att_run *run = self;
	const struct att_counters *c = &run->t.c;
	json_t *groups = json_array();
	json_t *obj = json_pack("{s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I}", "type", "attempts",
		"analysis", run->d.name, "title", run->d.title, "ended", (json_int_t)c->ended,
		"under_way", (json_int_t)run->t.n_pending, "restarted", (json_int_t)c->restarts,
		"timed_out", (json_int_t)c->timeouts, "evicted", (json_int_t)c->evictions,
		"invalidated", (json_int_t)c->invalidated);
	size_t n;
	struct group **g = sorted_groups(run, &n);

	json_object_set_new(obj, "outcomes", outcomes_json(run, &run->all));
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();

		for (int k = 0; k < run->d.n_group_by; k++) {
			const struct column *col = &run->d.group_by[k];

			json_object_set_new(o, fc->recipe->fields[col->field].name,
					    format_json(fc, col->field, &g[i]->vals[2 * k]));
			if (col->port_field >= 0)
				json_object_set_new(o, fc->recipe->fields[col->port_field].name,
					format_json(fc, col->port_field, &g[i]->vals[2 * k + 1]));
		}
		json_object_set_new(o, "outcomes", outcomes_json(run, g[i]->payload));
		json_array_append_new(groups, o);
	}
	free(g);
	json_object_set_new(obj, "groups", groups);
	json_object_set_new(obj, "groups_overflowed", json_integer((json_int_t)run->tab.overflowed));
	return obj;
}

/* One row per outcome that happened: RESULT, the time statistics, COUNTED, the group's keys. */
static void rows_text(const struct format_ctx *fc, FILE *f, const struct att_run *run,
		      const struct att_group *ag, const struct group *g)
{
	char buf[128];

	for (int k = 0; k < run->d.n_outcomes; k++) {
		if (!ag->o[k].time.count)
			continue;
		fprintf(f, "%-12s", run->d.outcomes[k].result);
		stats_row(f, &ag->o[k].time, true);
		fprintf(f, " %8llu", (unsigned long long)ag->o[k].counted);
		if (!g && run->d.n_group_by)
			fprintf(f, "  (all)");
		for (int c = 0; g && c < run->d.n_group_by; c++) {
			format_key(fc, &run->d.group_by[c], &g->vals[2 * c], buf, sizeof(buf));
			fprintf(f, "  %s", buf);
		}
		fputc('\n', f);
	}
}

static void summary_text(const void *self, const struct format_ctx *fc, FILE *f)
{
	const struct att_run *run = self;
	const struct att_counters *c = &run->t.c;
	const char *counted = run->d.count_field >= 0 ?
		fc->recipe->fields[run->d.count_field].title : "-";
	size_t n;
	struct group **g;

	fprintf(f, "%s (%s): %llu ended; %u under way at exit, %llu dropped after %.0f s, "
		"%llu evicted, %llu restarted, %llu invalidated by lost events\n", run->d.title,
		run->d.name, (unsigned long long)c->ended, run->t.n_pending,
		(unsigned long long)c->timeouts, run->d.timeout_ns / 1e9,
		(unsigned long long)c->evictions, (unsigned long long)c->restarts,
		(unsigned long long)c->invalidated);
	if (!c->ended)
		return;
	fprintf(f, "%-12s", "RESULT");
	stats_header(f, true);
	fprintf(f, " %8.8s", counted ? counted : "-");
	for (int k = 0; k < run->d.n_group_by; k++)
		fprintf(f, "  %s", run->d.group_by[k].title);
	fputc('\n', f);
	rows_text(fc, f, run, &run->all, NULL);
	g = sorted_groups(run, &n);
	for (size_t i = 0; i < n && run->d.n_group_by; i++)
		rows_text(fc, f, run, g[i]->payload, g[i]);
	free(g);
	if (run->tab.overflowed)
		fprintf(f, "  (at most %d groups: %llu more attempts in the rows of -)\n", GROUPTAB_MAX,
			(unsigned long long)run->tab.overflowed);
}

static void attempts_snapshot(struct analysis *a, const struct run_info *info, struct sink *s)
{
	struct report_view v = { a->state, summary_json, summary_text };

	(void)info;
	sink_report(s, &v);
}

static void attempts_report(struct analysis *a, const struct run_info *info)
{
	attempts_snapshot(a, info, a->sink);
}

static void attempts_free(struct analysis *a)
{
	struct att_run *run = a->state;

	if (!run)
		return;
	att_table_free(&run->t);
	free_group(&run->all);
	grouptab_free(&run->tab, free_group);
	analysis_group_option_free(run->groups, run->n_groups);
	free(run->rec.values);
	free(run);
}

const struct analysis_ops attempts_analysis = {
	.name = "attempts",
	.replaces_listing = true,
	.run_options = "tg",
	.parse = attempts_parse,
	.section = "attempts",
	.describe = attempts_describe,
	.free_cfg = attempts_free_cfg,
	.init = attempts_init,
	.feed = attempts_feed,
	.lost = attempts_lost,
	.report = attempts_report,
	.snapshot = attempts_snapshot,
	.free = attempts_free,
};
