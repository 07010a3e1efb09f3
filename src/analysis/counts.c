// SPDX-License-Identifier: GPL-2.0-or-later
/* The counts analysis: events per group_by key (e.g. per flow) and per event; the run's summary. */
#include <stdlib.h>
#include <string.h>

#include "analysis/counts.h"

void counts_init(struct counts *c, const struct recipe *r, const struct counts_cfg *cfg)
{
	memset(c, 0, sizeof(*c));
	c->recipe = r;
	c->cfg = cfg;
	c->per_event = xcalloc(r->n_events, sizeof(*c->per_event));
	grouptab_init(&c->groups, cfg->group_by, cfg->n_group_by, sizeof(struct count_payload));
	c->more = xcalloc(cfg->n_more ? cfg->n_more : 1, sizeof(*c->more));
	for (int k = 0; k < cfg->n_more; k++)
		grouptab_init(&c->more[k], cfg->more[k].group_by, cfg->more[k].n_group_by,
			      sizeof(struct count_payload));
}

static void add_to(const struct counts *c, struct count_payload *p, const struct value *vals,
		   uint64_t n)
{
	const struct value *v = &vals[c->cfg->sum_field];

	p->count += n;
	if (c->cfg->sum_field && v->present) {
		p->sum += v->num * n;
		p->summed += n;
	}
}

void counts_add_n(struct counts *c, const struct value *vals, int event, uint64_t n)
{
	c->per_event[event] += n;
	if (c->recipe->events[event].unlisted)	/* context for others: in no total, no group */
		return;
	c->total += n;
	add_to(c, &c->all, vals, n);
	if (c->cfg->n_group_by)
		add_to(c, grouptab_get(&c->groups, vals), vals, n);
	for (int k = 0; k < c->cfg->n_more; k++)
		add_to(c, grouptab_get(&c->more[k], vals), vals, n);
}

void counts_add(struct counts *c, const struct value *vals, int event)
{
	counts_add_n(c, vals, event, 1);
}

uint64_t group_count(const struct group *g)
{
	return ((const struct count_payload *)g->payload)->count;
}

/* By a group_by key (sort_key >= 0), then by count, largest first. */
static int cmp_groups(const void *a, const void *b, void *ctx)
{
	const struct group *ga = *(struct group *const *)a, *gb = *(struct group *const *)b;
	int sort_key = *(const int *)ctx;

	if (sort_key >= 0) {
		const struct value *va = &ga->vals[sort_key * 2], *vb = &gb->vals[sort_key * 2];
		int c = va->num < vb->num ? -1 : va->num > vb->num;

		if (!c)
			c = memcmp(va->addr, vb->addr, sizeof(va->addr));
		if (c)
			return c;
	}
	if (group_count(ga) != group_count(gb))
		return group_count(ga) < group_count(gb) ? 1 : -1;
	return 0;
}

static struct group **sorted(const struct recipe *r, const struct grouptab *t,
			     const struct counts_cfg *cfg, size_t *n)
{
	struct group **v = grouptab_list(t, n);
	int sort_key = -1;

	for (int k = 0; cfg->sort && k < cfg->n_group_by; k++)
		if (!strcmp(cfg->sort, r->fields[cfg->group_by[k].field].name))
			sort_key = k;
	qsort_r(v, *n, sizeof(*v), cmp_groups, &sort_key);
	return v;
}

struct group **counts_sorted(const struct counts *c, size_t *n)
{
	return sorted(c->recipe, &c->groups, c->cfg, n);
}

struct group **counts_sorted_more(const struct counts *c, int k, size_t *n)
{
	return sorted(c->recipe, &c->more[k], &c->cfg->more[k], n);
}

void counts_free(struct counts *c)
{
	grouptab_free(&c->groups, NULL);
	for (int k = 0; c->more && k < c->cfg->n_more; k++)
		grouptab_free(&c->more[k], NULL);
	free(c->more);
	free(c->per_event);
	snmp_free(&c->snmp_start);
	snmp_free(&c->snmp_end);
	memset(c, 0, sizeof(*c));
}

/* --- the report: one summary, as JSON and as text --- */

struct counts_report {
	const struct counts *c;
	const struct run_info *info;
	struct group **groups;
	size_t n;
};

struct ratio_result {
	bool ok;
	uint64_t num, den;
};

static struct ratio_result ratio(const struct counts *c, const struct snmp_ratio *q)
{
	struct ratio_result rr = { 0 };
	uint64_t n0, n1, d0, d1;

	rr.ok = snmp_get(&c->snmp_start, q->numerator, &n0) &&
		snmp_get(&c->snmp_end, q->numerator, &n1) &&
		snmp_get(&c->snmp_start, q->denominator, &d0) &&
		snmp_get(&c->snmp_end, q->denominator, &d1);
	if (rr.ok) {
		rr.num = n1 - n0;
		rr.den = d1 - d0;
	}
	return rr;
}

/* The summed field's total, under its name (absent where no record had it). */
static void add_sum_json(json_t *obj, const struct format_ctx *fc, const struct counts_cfg *cfg,
			 const struct count_payload *p)
{
	if (cfg->sum_field && p->summed)
		json_object_set_new(obj, fc->recipe->fields[cfg->sum_field].name,
				    json_integer((json_int_t)p->sum));
}

static json_t *group_json(const struct format_ctx *fc, const struct counts_cfg *cfg,
			  const struct group *g)
{
	const struct recipe *r = fc->recipe;
	json_t *obj = json_object();

	for (int k = 0; k < cfg->n_group_by; k++) {
		const struct column *c = &cfg->group_by[k];

		json_object_set_new(obj, r->fields[c->field].name,
				    format_json(fc, c->field, &g->vals[2 * k]));
		if (c->port_field >= 0)
			json_object_set_new(obj, r->fields[c->port_field].name,
					    format_json(fc, c->port_field, &g->vals[2 * k + 1]));
	}
	json_object_set_new(obj, "count", json_integer((json_int_t)group_count(g)));
	add_sum_json(obj, fc, cfg, g->payload);
	return obj;
}

static json_t *loss_json(const struct loss_report *lr)
{
	json_t *arr = json_array();

	for (int i = 0; lr && i < lr->n_cpus; i++) {
		const struct cpu_loss *l = &lr->cpus[i];

		json_array_append_new(arr, json_pack("{s:i,s:I,s:b,s:I,s:I}", "cpu", l->cpu,
						     "missed", (json_int_t)l->missed, "missed_unknown",
						     l->missed_unknown, "overrun", (json_int_t)l->overrun,
						     "dropped", (json_int_t)l->dropped));
	}
	return arr;
}

static json_t *ratios_json(const struct counts *c)
{
	const struct counts_cfg *cfg = c->cfg;
	json_t *snmp = json_array();

	for (int i = 0; i < cfg->n_ratios; i++) {
		const struct snmp_ratio *q = &cfg->ratios[i];
		struct ratio_result rr = ratio(c, q);

		if (rr.ok)
			json_array_append_new(snmp, json_pack("{s:s,s:s,s:I,s:s,s:I,s:f}", "title",
				q->title, "numerator", q->numerator, "numerator_delta", (json_int_t)rr.num,
				"denominator", q->denominator, "denominator_delta", (json_int_t)rr.den,
				"ratio", rr.den ? (double)rr.num / rr.den : 0.0));
		if (rr.ok && q->note)
			json_object_set_new(json_array_get(snmp, json_array_size(snmp) - 1), "note",
					    json_string(q->note));
	}
	return snmp;
}

static json_t *more_json(const struct counts *c, const struct format_ctx *fc)
{
	json_t *tables = json_array();

	for (int k = 0; k < c->cfg->n_more; k++) {
		const struct counts_cfg *t = &c->cfg->more[k];
		json_t *arr = json_array();
		size_t n;
		struct group **g = counts_sorted_more(c, k, &n);

		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, group_json(fc, t, g[i]));
		free(g);
		json_array_append_new(tables, json_pack("{s:s,s:o,s:I}", "title",
							t->title ? t->title : "counts", "groups", arr,
							"groups_overflowed",
							(json_int_t)c->more[k].overflowed));
	}
	return tables;
}

static json_t *summary_json(const void *self, const struct format_ctx *fc)
{
	const struct counts_report *rep = self;
	const struct counts *c = rep->c;
	const struct recipe *r = fc->recipe;
	json_t *obj = json_object(), *per = json_object(), *arr = json_array();

	json_object_set_new(obj, "type", json_string("summary"));
	json_object_set_new(obj, "recipe", json_string(r->name));
	json_object_set_new(obj, "seconds", json_real(rep->info->seconds));
	json_object_set_new(obj, "events", json_integer((json_int_t)c->total));
	add_sum_json(obj, fc, c->cfg, &c->all);
	for (int e = 0; e < r->n_events; e++)
		json_object_set_new(per, r->events[e].name, json_integer((json_int_t)c->per_event[e]));
	json_object_set_new(obj, "per_event", per);
	json_object_set_new(obj, "lost", json_integer((json_int_t)rep->info->loss->total));
	json_object_set_new(obj, "lost_per_cpu", loss_json(rep->info->loss));
	for (size_t i = 0; i < rep->n; i++)
		json_array_append_new(arr, group_json(fc, c->cfg, rep->groups[i]));
	json_object_set_new(obj, "groups", arr);
	json_object_set_new(obj, "groups_overflowed", json_integer((json_int_t)c->groups.overflowed));
	json_object_set_new(obj, "counted", json_string(c->kernel ? "kernel" : "user space"));
	if (rep->info->max_cpu > 0)
		json_object_set_new(obj, "guard", json_pack("{s:f,s:i,s:f,s:f}", "max_cpu",
				    rep->info->max_cpu, "pauses", rep->info->pauses, "paused_seconds",
				    rep->info->paused_seconds, "max_cpu_seen", rep->info->max_cpu_seen));
	if (c->kernel)
		json_object_set_new(obj, "kernel", json_pack("{s:I,s:i}", "dropped",
				    (json_int_t)c->kernel_dropped, "unread", c->kernel_unread));
	if (c->cfg->n_more)
		json_object_set_new(obj, "more", more_json(c, fc));
	json_object_set_new(obj, "snmp", ratios_json(c));
	if (c->n_labels) {
		json_t *labels = json_array();

		for (int i = 0; i < c->n_labels; i++)
			json_array_append_new(labels, label_table_json(&c->labels[i], fc));
		json_object_set_new(obj, "labels", labels);
	}
	return obj;
}

static void sum_cell(FILE *f, const struct count_payload *p)
{
	if (p->summed)
		fprintf(f, "  %8llu", (unsigned long long)p->sum);
	else
		fprintf(f, "  %8s", "-");
}

static void groups_text(const struct counts_cfg *cfg, struct group **groups, size_t n,
			const struct format_ctx *fc, FILE *f)
{
	const struct recipe *r = fc->recipe;
	size_t shown = cfg->limit && (size_t)cfg->limit < n ? (size_t)cfg->limit : n;
	char buf[128];

	fprintf(f, "%s:\n  %8s", cfg->title ? cfg->title : "counts", "COUNT");
	if (cfg->sum_field)
		fprintf(f, "  %8s", r->fields[cfg->sum_field].title);
	for (int k = 0; k < cfg->n_group_by; k++)
		fprintf(f, "  %-*s", format_column_width(r, &cfg->group_by[k]), cfg->group_by[k].title);
	fputc('\n', f);
	for (size_t i = 0; i < shown; i++) {
		fprintf(f, "  %8llu", (unsigned long long)group_count(groups[i]));
		if (cfg->sum_field)
			sum_cell(f, groups[i]->payload);
		for (int k = 0; k < cfg->n_group_by; k++) {
			format_key(fc, &cfg->group_by[k], &groups[i]->vals[2 * k], buf, sizeof(buf));
			fprintf(f, "  %-*s", format_column_width(r, &cfg->group_by[k]), buf);
		}
		fputc('\n', f);
	}
	if (shown < n)
		fprintf(f, "  ... %zu more (--json lists all)\n", n - shown);
}

static void overflow_text(const struct grouptab *t, FILE *f)
{
	if (t->overflowed)
		fprintf(f, "  (at most %d groups: %llu more events are in the row of -)\n", GROUPTAB_MAX,
			(unsigned long long)t->overflowed);
}

static void loss_text(const struct loss_report *lr, FILE *f)
{
	fprintf(f, "lost per CPU:");
	for (int i = 0; i < lr->n_cpus; i++) {
		const struct cpu_loss *l = &lr->cpus[i];

		if (l->missed || l->overrun || l->dropped || l->missed_unknown)
			fprintf(f, " cpu%d %llu%s", l->cpu, (unsigned long long)cpu_loss_total(l),
				l->missed_unknown ? "+" : "");
	}
	fprintf(f, " (a larger buffer: more per-CPU memory; a kernel filter: fewer events)\n");
}

static void ratios_text(const struct counts *c, FILE *f)
{
	for (int i = 0; i < c->cfg->n_ratios; i++) {
		const struct snmp_ratio *q = &c->cfg->ratios[i];
		struct ratio_result rr = ratio(c, q);

		if (!rr.ok)
			continue;
		if (!rr.den)
			fprintf(f, "%s: no %s in this network namespace during the run\n", q->title,
				q->denominator);
		else
			fprintf(f, "%s: %llu / %llu = %.3f%% (%s / %s, this network namespace)\n",
				q->title, (unsigned long long)rr.num, (unsigned long long)rr.den,
				100.0 * rr.num / rr.den, q->numerator, q->denominator);
		if (q->note)
			fprintf(f, "  %s\n", q->note);
	}
}

/* " (retrans 5, synack 0)", or for the context events " (context: cong 9, opened 6)". */
static void per_event_text(const struct recipe *r, const struct counts *c, bool unlisted, FILE *f)
{
	int n = 0, shown = 0;

	for (int e = 0; e < r->n_events; e++)
		n += r->events[e].unlisted == unlisted;
	if (n < (unlisted ? 1 : 2))	/* one listed event: its count is the total */
		return;
	for (int e = 0; e < r->n_events; e++)
		if (r->events[e].unlisted == unlisted)
			fprintf(f, "%s%s %llu", shown++ ? ", " : unlisted ? " (context: " : " (",
				r->events[e].name, (unsigned long long)c->per_event[e]);
	fputc(')', f);
}

static void guard_text(const struct run_info *info, FILE *f)
{
	if (info->max_cpu <= 0)
		return;
	if (!info->pauses)
		fprintf(f, "overhead guard: never paused (probekit used at most %.1f%% of a CPU in a "
			"second, budget %g%%)\n", info->max_cpu_seen, info->max_cpu);
	else
		fprintf(f, "overhead guard: tracing paused %d times, %.1f s in all (probekit used up to "
			"%.1f%% of a CPU, budget %g%%): what happened then is not in the figures read "
			"from events\n",
			info->pauses, info->paused_seconds, info->max_cpu_seen, info->max_cpu);
}

static void summary_text(const void *self, const struct format_ctx *fc, FILE *f)
{
	const struct counts_report *rep = self;
	const struct counts *c = rep->c;
	const struct recipe *r = fc->recipe;
	uint64_t lost = rep->info->loss->total;

	fprintf(f, "\n--- %s: %.1f s, %llu events", r->name, rep->info->seconds,
		(unsigned long long)c->total);
	per_event_text(r, c, false, f);
	if (c->cfg->sum_field && c->all.summed)
		fprintf(f, ", %s %llu", r->fields[c->cfg->sum_field].title,
			(unsigned long long)c->all.sum);
	per_event_text(r, c, true, f);
	fprintf(f, ", lost %llu%s\n", (unsigned long long)lost,
		lost ? " (ring buffer overrun: counts are lower bounds)" : "");
	if (lost)
		loss_text(rep->info->loss, f);
	guard_text(rep->info, f);
	if (c->kernel)
		fprintf(f, "counted in the kernel (hist triggers): %llu events without room in its "
			"histograms%s\n", (unsigned long long)c->kernel_dropped,
			c->kernel_unread ? ", and a histogram that could not be read (above)" : "");
	if (c->cfg->n_group_by)
		groups_text(c->cfg, rep->groups, rep->n, fc, f);
	overflow_text(&c->groups, f);
	for (int k = 0; k < c->cfg->n_more; k++) {
		size_t n;
		struct group **g = counts_sorted_more(c, k, &n);

		groups_text(&c->cfg->more[k], g, n, fc, f);
		overflow_text(&c->more[k], f);
		free(g);
	}
	ratios_text(c, f);
}

/* --- the analysis --- */

static int counts_op_init(struct analysis *a)
{
	struct counts *c = xcalloc(1, sizeof(struct counts));
	int raddr = recipe_field_index(a->recipe, "raddr"), cap = a->opts ? a->opts->label_series : 0;

	a->state = c;
	counts_init(c, a->recipe, a->cfg);
	if (cap > 0 && raddr >= 0)
		label_table_init(&c->labels[c->n_labels++], "raddr", raddr, cap, a->recipe->n_events);
	if (cap > 0)
		label_table_init(&c->labels[c->n_labels++], "comm", FIELD_COMM, cap,
				 a->recipe->n_events);
	return PK_OK;
}

static void counts_op_start(struct analysis *a)
{
	snmp_take(&((struct counts *)a->state)->snmp_start);
}

/* A listed event's group, further tables' groups and the summed field. */
static void counts_op_uses(const struct analysis *a, int event, bool *fields)
{
	const struct counts_cfg *cfg = a->cfg;

	if (a->recipe->events[event].unlisted)
		return;
	columns_use(cfg->group_by, cfg->n_group_by, fields);
	for (int k = 0; k < cfg->n_more; k++)
		columns_use(cfg->more[k].group_by, cfg->more[k].n_group_by, fields);
	if (cfg->sum_field)
		fields[cfg->sum_field] = true;
	for (int i = 0; i < ((const struct counts *)a->state)->n_labels; i++)
		fields[((const struct counts *)a->state)->labels[i].field] = true;
}

static void counts_op_feed(struct analysis *a, struct record *rec)
{
	struct counts *c = a->state;

	counts_add(c, rec->values, rec->event);
	if (a->recipe->events[rec->event].unlisted)
		return;
	for (int i = 0; i < c->n_labels; i++)
		label_table_add(&c->labels[i], &rec->values[c->labels[i].field], rec->event);
}

/* What the kernel counted since the last reading, added (while the instance is there). */
static void read_kernel_counts(struct analysis *a)
{
	struct counts *c = a->state;

	c->kernel = a->n_kernel_counts > 0;
	if (!c->kernel)
		return;
	if (!c->kernel_read)	/* a pair per event: an errno field's sign split */
		c->kernel_read = xcalloc((size_t)a->n_kernel_counts * 2, sizeof(*c->kernel_read));
	c->kernel_dropped = 0;
	c->kernel_unread = 0;
	for (int i = 0; i < a->n_kernel_counts; i++)
		counts_read_kernel(c, a->kernel_counts[i], &c->kernel_read[2 * i], a->recipe->n_fields);
}

/* Tracing is off, the instance still there: the last of what the kernel counted. */
static void counts_op_stop(struct analysis *a)
{
	struct counts *c = a->state;

	snmp_take(&c->snmp_end);
	read_kernel_counts(a);
	c->stopped = true;
}

static void counts_op_snapshot(struct analysis *a, const struct run_info *info, struct sink *s)
{
	struct counts_report rep = { .c = a->state, .info = info };
	struct report_view v = { &rep, summary_json, summary_text };

	if (!rep.c->stopped)	/* a monitor's metrics: the kernel's counts so far */
		read_kernel_counts(a);
	rep.groups = counts_sorted(rep.c, &rep.n);
	sink_report(s, &v);
	free(rep.groups);
}

static void counts_op_report(struct analysis *a, const struct run_info *info)
{
	counts_op_snapshot(a, info, a->sink);
}

static void counts_op_free(struct analysis *a)
{
	struct counts *c = a->state;

	for (int i = 0; c && i < c->n_labels; i++)
		label_table_free(&c->labels[i]);
	for (int i = 0; c && c->kernel_read && i < a->n_kernel_counts * 2; i++)
		hist_delta_free(&c->kernel_read[i]);
	if (c)
		free(c->kernel_read);
	if (a->state)
		counts_free(a->state);
	free(a->state);
}

const struct analysis_ops counts_analysis = {
	.name = "counts",
	.parse = counts_parse,
	.section = "output.summary",
	.free_cfg = counts_free_cfg,
	.init = counts_op_init,
	.uses = counts_op_uses,
	.start = counts_op_start,
	.feed = counts_op_feed,
	.stop = counts_op_stop,
	.report = counts_op_report,
	.snapshot = counts_op_snapshot,
	.free = counts_op_free,
};
