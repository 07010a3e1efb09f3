// SPDX-License-Identifier: GPL-2.0-or-later
/* Event lines and the summary: aligned text columns, or NDJSON. */
#include <stdlib.h>
#include <string.h>

#include "output/output.h"

static int column_width(const struct recipe *r, const struct column *c)
{
	int w = format_width(&r->fields[c->field]);
	int t = (int)strlen(c->title);

	if (c->port_field >= 0)	/* [v6 address]:port */
		w = r->fields[c->field].format == FMT_IPV4 ? 21 : 24;
	return t > w ? t : w;
}

void output_init(struct output *o, const struct recipe *r)
{
	o->fc.recipe = r;
	o->widths = xcalloc(r->n_columns, sizeof(int));
	for (int i = 0; i < r->n_columns; i++)
		o->widths[i] = column_width(r, &r->columns[i]);
}

void output_free(struct output *o)
{
	free(o->widths);
	o->widths = NULL;
}

static void cell_text(const struct output *o, const struct column *c, const struct value *vals,
		      char *buf, size_t len)
{
	if (c->port_field >= 0)
		format_endpoint(&vals[c->field], &vals[c->port_field], buf, len);
	else
		format_value(&o->fc, c->field, &vals[c->field], buf, len);
}

void output_header(struct output *o)
{
	const struct recipe *r = o->fc.recipe;

	if (o->json || o->quiet)
		return;
	for (int i = 0; i < r->n_columns; i++)
		fprintf(o->f, "%-*s%s", i == r->n_columns - 1 ? 0 : o->widths[i],
			r->columns[i].title, i == r->n_columns - 1 ? "" : " ");
	fputc('\n', o->f);
	fflush(o->f);
}

static void emit_json(struct output *o, json_t *obj)
{
	json_dumpf(obj, o->f, JSON_COMPACT | JSON_ENSURE_ASCII);	/* no raw C1 or bidi for a terminal */
	fputc('\n', o->f);
	json_decref(obj);
}

static void record_json(struct output *o, const struct value *vals, int event, const char *type,
			const char *analysis)
{
	const struct recipe *r = o->fc.recipe;
	json_t *obj = json_object();

	json_object_set_new(obj, "type", json_string(type));
	if (analysis)
		json_object_set_new(obj, "analysis", json_string(analysis));
	json_object_set_new(obj, "event", json_string(r->events[event].name));
	json_object_set_new(obj, "ts_ns", json_integer((json_int_t)vals[FIELD_TIME].num));
	for (int f = 0; f < r->n_fields; f++)
		if (f != FIELD_EVENT && (f != FIELD_LATENCY || analysis))
			json_object_set_new(obj, r->fields[f].name, format_json(&o->fc, f, &vals[f]));
	emit_json(o, obj);
}

void output_record(struct output *o, const struct value *vals, int event, const char *type,
		   const char *analysis)
{
	const struct recipe *r = o->fc.recipe;
	char buf[128];

	if (o->quiet)
		return;
	if (o->json) {
		record_json(o, vals, event, type, analysis);
	} else {
		for (int i = 0; i < r->n_columns; i++) {
			cell_text(o, &r->columns[i], vals, buf, sizeof(buf));
			if (i == r->n_columns - 1)
				fputs(buf, o->f);
			else
				fprintf(o->f, "%-*s ", o->widths[i], buf);
		}
		fputc('\n', o->f);
	}
	fflush(o->f);	/* lines as they happen, also into a pipe */
}

struct ratio_result {
	bool ok;
	uint64_t num, den;
};

static struct ratio_result ratio(const struct run_totals *t, const struct snmp_ratio *q)
{
	struct ratio_result rr = { 0 };
	uint64_t n0, n1, d0, d1;

	rr.ok = snmp_get(t->snmp_start, q->numerator, &n0) && snmp_get(t->snmp_end, q->numerator, &n1) &&
		snmp_get(t->snmp_start, q->denominator, &d0) &&
		snmp_get(t->snmp_end, q->denominator, &d1);
	if (rr.ok) {
		rr.num = n1 - n0;
		rr.den = d1 - d0;
	}
	return rr;
}

static json_t *group_json(const struct output *o, const struct group *g)
{
	const struct recipe *r = o->fc.recipe;
	json_t *obj = json_object();

	for (int k = 0; k < r->n_group_by; k++) {
		const struct column *c = &r->group_by[k];

		json_object_set_new(obj, r->fields[c->field].name,
				    format_json(&o->fc, c->field, &g->vals[2 * k]));
		if (c->port_field >= 0)
			json_object_set_new(obj, r->fields[c->port_field].name,
					    format_json(&o->fc, c->port_field, &g->vals[2 * k + 1]));
	}
	json_object_set_new(obj, "count", json_integer((json_int_t)group_count(g)));
	return obj;
}

static json_t *loss_json(const struct reader *rd)
{
	json_t *arr = json_array();

	for (int i = 0; rd && i < rd->n_cpus; i++) {
		const struct cpu_loss *l = &rd->cpus[i].loss;

		json_array_append_new(arr, json_pack("{s:i,s:I,s:b,s:I,s:I}", "cpu", rd->cpus[i].cpu,
						     "missed", (json_int_t)l->missed, "missed_unknown",
						     l->missed_unknown, "overrun", (json_int_t)l->overrun,
						     "dropped", (json_int_t)l->dropped));
	}
	return arr;
}

static void summary_json(struct output *o, const struct summary *s, const struct run_totals *t,
			 struct group **groups, size_t n)
{
	const struct recipe *r = o->fc.recipe;
	json_t *obj = json_object(), *per = json_object(), *arr = json_array(), *snmp = json_array();

	json_object_set_new(obj, "type", json_string("summary"));
	json_object_set_new(obj, "recipe", json_string(r->name));
	json_object_set_new(obj, "seconds", json_real(t->seconds));
	json_object_set_new(obj, "events", json_integer((json_int_t)s->total));
	for (int e = 0; e < r->n_events; e++)
		json_object_set_new(per, r->events[e].name, json_integer((json_int_t)s->per_event[e]));
	json_object_set_new(obj, "per_event", per);
	json_object_set_new(obj, "lost", json_integer((json_int_t)reader_lost_total(t->reader)));
	json_object_set_new(obj, "lost_per_cpu", loss_json(t->reader));
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, group_json(o, groups[i]));
	json_object_set_new(obj, "groups", arr);
	for (int i = 0; i < r->n_ratios; i++) {
		struct ratio_result rr = ratio(t, &r->ratios[i]);

		if (rr.ok)
			json_array_append_new(snmp, json_pack("{s:s,s:s,s:I,s:s,s:I,s:f}", "title",
				r->ratios[i].title, "numerator", r->ratios[i].numerator,
				"numerator_delta", (json_int_t)rr.num, "denominator",
				r->ratios[i].denominator, "denominator_delta", (json_int_t)rr.den,
				"ratio", rr.den ? (double)rr.num / rr.den : 0.0));
	}
	json_object_set_new(obj, "snmp", snmp);
	emit_json(o, obj);
}

static void summary_groups_text(struct output *o, struct group **groups, size_t n)
{
	const struct recipe *r = o->fc.recipe;
	size_t shown = r->limit && (size_t)r->limit < n ? (size_t)r->limit : n;
	char buf[128];

	fprintf(o->f, "%s:\n  %8s", r->summary_title ? r->summary_title : "counts", "COUNT");
	for (int k = 0; k < r->n_group_by; k++)
		fprintf(o->f, "  %-*s", column_width(r, &r->group_by[k]), r->group_by[k].title);
	fputc('\n', o->f);
	for (size_t i = 0; i < shown; i++) {
		fprintf(o->f, "  %8llu", (unsigned long long)group_count(groups[i]));
		for (int k = 0; k < r->n_group_by; k++) {
			const struct column *c = &r->group_by[k];

			if (c->port_field >= 0)
				format_endpoint(&groups[i]->vals[2 * k], &groups[i]->vals[2 * k + 1],
						buf, sizeof(buf));
			else
				format_value(&o->fc, c->field, &groups[i]->vals[2 * k], buf, sizeof(buf));
			fprintf(o->f, "  %-*s", column_width(r, c), buf);
		}
		fputc('\n', o->f);
	}
	if (shown < n)
		fprintf(o->f, "  ... %zu more (--json lists all)\n", n - shown);
}

static void loss_text(struct output *o, const struct reader *rd)
{
	fprintf(o->f, "lost per CPU:");
	for (int i = 0; i < rd->n_cpus; i++) {
		const struct cpu_loss *l = &rd->cpus[i].loss;

		if (l->missed || l->overrun || l->dropped || l->missed_unknown)
			fprintf(o->f, " cpu%d %llu%s", rd->cpus[i].cpu,
				(unsigned long long)((l->missed > l->overrun ? l->missed : l->overrun) +
						     l->dropped), l->missed_unknown ? "+" : "");
	}
	fprintf(o->f, " (a larger buffer: more per-CPU memory; a kernel filter: fewer events)\n");
}

static void summary_text(struct output *o, const struct summary *s, const struct run_totals *t,
			 struct group **groups, size_t n)
{
	const struct recipe *r = o->fc.recipe;
	uint64_t lost = reader_lost_total(t->reader);

	fprintf(o->f, "\n--- %s: %.1f s, %llu events", r->name, t->seconds,
		(unsigned long long)s->total);
	for (int e = 0; r->n_events > 1 && e < r->n_events; e++)
		fprintf(o->f, "%s%s %llu", e ? ", " : " (", r->events[e].name,
			(unsigned long long)s->per_event[e]);
	fprintf(o->f, "%s, lost %llu%s\n", r->n_events > 1 ? ")" : "", (unsigned long long)lost,
		lost ? " (ring buffer overrun: counts are lower bounds)" : "");
	if (lost)
		loss_text(o, t->reader);
	if (r->n_group_by)
		summary_groups_text(o, groups, n);
	for (int i = 0; i < r->n_ratios; i++) {
		struct ratio_result rr = ratio(t, &r->ratios[i]);

		if (!rr.ok)
			continue;
		if (!rr.den)
			fprintf(o->f, "%s: no %s in this network namespace during the run\n",
				r->ratios[i].title, r->ratios[i].denominator);
		else
			fprintf(o->f, "%s: %llu / %llu = %.3f%% (%s / %s, this network namespace)\n",
				r->ratios[i].title, (unsigned long long)rr.num,
				(unsigned long long)rr.den, 100.0 * rr.num / rr.den,
				r->ratios[i].numerator, r->ratios[i].denominator);
	}
}

void output_summary(struct output *o, const struct summary *s, const struct run_totals *t)
{
	size_t n = 0;
	struct group **groups = summary_sorted(s, &n);

	if (o->json)
		summary_json(o, s, t, groups, n);
	else
		summary_text(o, s, t, groups, n);
	fflush(o->f);
	free(groups);
}
