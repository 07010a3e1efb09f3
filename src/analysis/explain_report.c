// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One window of one thread, explained from explain's history: its spans
 * clipped to the window, summed by kind; who ran on its CPU while it waited;
 * its system calls; softirq time on its CPU while it ran or waited there.
 * Spans that merge several calls are counted in proportion to their overlap.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/explain_timeline.h"
#include "util/textsafe.h"

#define TOP 5			/* rows per list */
#define MAX_ROWS 32		/* distinct entries gathered per list before the top */

struct row {
	int key;		/* tid, syscall nr or vector */
	char comm[16];		/* tid: its name */
	double count;
	uint64_t ns;
};

struct rows {
	struct row r[MAX_ROWS];
	int n;
	uint64_t other_ns;	/* entries beyond MAX_ROWS */
};

struct explanation {
	const struct explain *x;
	const char *analysis;
	const struct recipe *r;
	const struct explain_decl *d;
	int tid;
	uint64_t window_from;	/* the window: [window_from, to] */
	uint64_t from, to;	/* what is summed: the window, from the last loss on */
	uint64_t known_from;	/* history covers [known_from, to] */
	bool cpu_partial;	/* a CPU's history no longer reaches back to part of the window */
	uint64_t running, runnable, sleeping, syscall_ns, softirq_ns;
	struct rows ran, calls, sis;
};

static struct row *row_get(struct rows *rows, int key, uint64_t ns)
{
	for (int i = 0; i < rows->n; i++)
		if (rows->r[i].key == key)
			return &rows->r[i];
	if (rows->n == MAX_ROWS) {
		rows->other_ns += ns;
		return NULL;
	}
	memset(&rows->r[rows->n], 0, sizeof(struct row));
	rows->r[rows->n].key = key;
	return &rows->r[rows->n++];
}

static uint64_t overlap(uint64_t s, uint64_t e, uint64_t from, uint64_t to)
{
	uint64_t a = s > from ? s : from, b = e < to ? e : to;

	return b > a ? b - a : 0;
}

/* Who ran on cpu during [from, to], other than tid. */
static void who_ran(const struct explain *x, struct explanation *e, int cpu, uint64_t from,
		    uint64_t to)
{
	const struct cpu_tl *c = cpu < x->n_cpus ? &x->cpus[cpu] : NULL;
	unsigned i;

	for (i = 0; c && c->run && i < c->runs.n; i++) {
		const struct cpu_run *run = &c->run[ring_slot(&c->runs, EXPLAIN_CPU_SPANS, i)];
		uint64_t ns = overlap(run->start, run->end, from, to);
		struct row *row;

		if (run->end <= from)
			break;
		if (!ns || run->tid == e->tid)
			continue;
		if ((row = row_get(&e->ran, run->tid, ns))) {
			memcpy(row->comm, run->comm, sizeof(row->comm));
			row->ns += ns;
		}
	}
	/* all kept, none before the segment: older ones were overwritten */
	if (c && c->run && i == c->runs.n && c->runs.wrapped)
		e->cpu_partial = true;
}

/* Softirq time on cpu during [from, to]. */
static void softirqs(const struct explain *x, struct explanation *e, int cpu, uint64_t from,
		     uint64_t to)
{
	const struct cpu_tl *c = cpu < x->n_cpus ? &x->cpus[cpu] : NULL;
	unsigned i;

	for (i = 0; c && c->si && i < c->sis.n; i++) {
		const struct cpu_si *s = &c->si[ring_slot(&c->sis, EXPLAIN_CPU_SPANS, i)];
		uint64_t ov = overlap(s->start, s->end, from, to), span = s->end - s->start;
		double frac = span ? (double)ov / span : 1.0;
		struct row *row;
		uint64_t ns;

		if (s->end <= from)
			break;
		if (span ? !ov : s->start > to)	/* an instant counts inside the segment only */
			continue;
		ns = (uint64_t)(s->busy * frac);
		e->softirq_ns += ns;
		if ((row = row_get(&e->sis, s->vec, ns))) {
			row->count += s->count * frac;
			row->ns += ns;
		}
	}
	if (c && c->si && i == c->sis.n && c->sis.wrapped)
		e->cpu_partial = true;
}

static void add_span(const struct explain *x, struct explanation *e, const struct span *s)
{
	uint64_t ov = overlap(s->start, s->end, e->from, e->to), len = s->end - s->start;
	uint64_t a = s->start > e->from ? s->start : e->from, b = a + ov;
	double frac = len ? (double)ov / len : 1.0;
	struct row *row;

	switch (s->kind) {
	case SPAN_RUN:
		e->running += ov;
		softirqs(x, e, s->cpu, a, b);
		break;
	case SPAN_RUNNABLE:
		e->runnable += ov;
		who_ran(x, e, s->cpu, a, b);
		softirqs(x, e, s->cpu, a, b);
		break;
	case SPAN_SLEEP:
		e->sleeping += ov;
		break;
	case SPAN_SYSCALL: {
		/* one call: its overlap (its time may exceed the u32 a merged span keeps) */
		uint64_t ns = s->count > 1 ? (uint64_t)(s->busy * frac) : ov;

		e->syscall_ns += ns;
		if ((row = row_get(&e->calls, s->detail, ns))) {
			/* one call counts where it ended; merged ones in proportion */
			row->count += s->count > 1 ? s->count * frac : s->end <= e->to;
			row->ns += ns;
		}
		break;
	}
	}
}

/* The state the thread is in at `to` (the read runs in it): from its start to `to`. */
static void add_open_state(const struct explain *x, struct explanation *e,
			   const struct thread_tl *t)
{
	static const enum span_kind kinds[] = {
		[TS_RUNNING] = SPAN_RUN, [TS_RUNNABLE] = SPAN_RUNNABLE, [TS_SLEEPING] = SPAN_SLEEP,
	};
	struct span open;

	if (t->state == TS_UNKNOWN || t->since >= e->to)
		return;
	open = (struct span){ .start = t->since, .end = e->to, .kind = kinds[t->state],
			      .cpu = t->cpu };
	add_span(x, e, &open);
}

static void gather(const struct explain *x, struct explanation *e, const struct thread_tl *t)
{
	uint64_t oldest = e->to;

	add_open_state(x, e, t);
	if (t->state != TS_UNKNOWN)
		oldest = t->since;
	for (unsigned i = 0; i < t->r.n; i++) {
		const struct span *s = &t->spans[ring_slot(&t->r, EXPLAIN_THREAD_SPANS, i)];

		if (s->end <= e->from)
			break;	/* spans are kept in the order they ended */
		add_span(x, e, s);
		if (s->kind != SPAN_SYSCALL && s->start < oldest)
			oldest = s->start;
	}
	/* the states are contiguous from the oldest one kept; before it nothing is known */
	e->known_from = oldest > e->from ? oldest : e->from;
	if (e->known_from > e->to)	/* seen again only after the window (evicted, looked up late) */
		e->known_from = e->to;
}

static int by_ns(const void *a, const void *b)
{
	uint64_t x = ((const struct row *)a)->ns, y = ((const struct row *)b)->ns;

	return x < y ? 1 : x > y ? -1 : 0;
}

/* By time; rows of less than half a call (a merged span's edge) are left out. */
static void sort_rows(struct rows *rows, bool counted)
{
	int n = 0;

	for (int i = 0; i < rows->n; i++)
		if (!counted || rows->r[i].count >= 0.5)
			rows->r[n++] = rows->r[i];
	rows->n = n;
	qsort(rows->r, rows->n, sizeof(rows->r[0]), by_ns);
}

/* A syscall number or vector as the recipe's field shows it (a vector: as it was decoded). */
static void name_of(const struct explanation *e, const struct format_ctx *fc, int field, int key,
		    char *buf, size_t size)
{
	struct value v = { .present = true, .num = (uint64_t)(int64_t)key };
	struct column c = { .field = field, .port_field = -1 };

	if (field == e->d->f_vec && key >= 0 && key < (int)ARRAY_SIZE(e->x->vec_names) &&
	    e->x->vec_names[key].present)
		v = e->x->vec_names[key];
	format_key(fc, &c, &v, buf, size);
}

static json_t *rows_json(const struct explanation *e, const struct format_ctx *fc, const struct rows *rows, int field,
			 const char *key_name)
{
	json_t *arr = json_array();
	char buf[64];

	for (int i = 0; i < rows->n && i < TOP; i++) {
		const struct row *row = &rows->r[i];
		json_t *o = json_pack("{s:I}", "ns", (json_int_t)row->ns);

		if (field < 0) {	/* a process names itself: escaped */
			text_escape(row->comm, strnlen(row->comm, sizeof(row->comm)), buf, sizeof(buf));
			json_object_set_new(o, "tid", json_integer(row->key));
			json_object_set_new(o, "comm", json_string(buf));
		} else {
			name_of(e, fc, field, row->key, buf, sizeof(buf));
			json_object_set_new(o, key_name, json_string(buf));
			json_object_set_new(o, "count", json_integer((json_int_t)(row->count + 0.5)));
		}
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *explanation_json(const void *self, const struct format_ctx *fc)
{
	const struct explanation *e = self;
	json_t *o = json_pack("{s:s,s:s,s:i,s:I,s:I,s:I,s:I,s:I,s:I,s:b}", "type", "explain",
			      "analysis", e->analysis, "tid", e->tid,
			      "window_ns", (json_int_t)(e->to - e->window_from),
			      "known_ns", (json_int_t)(e->to - e->known_from),
			      "runnable_ns", (json_int_t)e->runnable,
			      "running_ns", (json_int_t)e->running,
			      "sleeping_ns", (json_int_t)e->sleeping,
			      "syscall_ns", (json_int_t)e->syscall_ns,
			      "cpu_history_partial", e->cpu_partial);

	json_object_set_new(o, "ran_instead", rows_json(e, fc, &e->ran, -1, NULL));
	if (e->d->ev_sys_enter >= 0)
		json_object_set_new(o, "syscalls", rows_json(e, fc, &e->calls, e->d->f_nr, "syscall"));
	if (e->d->ev_si_entry >= 0) {
		json_object_set_new(o, "softirq_ns", json_integer((json_int_t)e->softirq_ns));
		json_object_set_new(o, "softirqs", rows_json(e, fc, &e->sis, e->d->f_vec, "vec"));
	}
	return o;
}

static void rows_text(const struct explanation *e, const struct format_ctx *fc, FILE *f, const struct rows *rows, int field)
{
	char buf[64];

	for (int i = 0; i < rows->n && i < TOP; i++) {
		const struct row *row = &rows->r[i];

		if (field < 0) {
			text_escape(row->comm, strnlen(row->comm, sizeof(row->comm)), buf, sizeof(buf));
			fprintf(f, "%s%s[%d] %.3f ms", i ? ", " : "", buf, row->key, row->ns / 1e6);
			continue;
		}
		name_of(e, fc, field, row->key, buf, sizeof(buf));
		fprintf(f, "%s%s x%.0f %.3f ms", i ? ", " : "", buf, row->count, row->ns / 1e6);
	}
	if (rows->n > TOP)
		fprintf(f, ", ...");
}

static void explanation_text(const void *self, const struct format_ctx *fc, FILE *f)
{
	const struct explanation *e = self;
	uint64_t win = e->to - e->window_from;

	fprintf(f, "  why: thread %d, %.3f ms: waiting for a CPU %.3f ms", e->tid, win / 1e6,
		e->runnable / 1e6);
	if (e->ran.n) {
		fprintf(f, " (ran instead: ");
		rows_text(e, fc, f, &e->ran, -1);
		fputc(')', f);
	}
	fprintf(f, ", running %.3f ms, off CPU %.3f ms", e->running / 1e6, e->sleeping / 1e6);
	if (e->known_from > e->window_from)
		fprintf(f, "; the first %.3f ms not known", (e->known_from - e->window_from) / 1e6);
	if (e->cpu_partial)
		fprintf(f, "; its CPU's history is partial");
	fputc('\n', f);
	if (e->d->ev_sys_enter >= 0 && e->calls.n) {
		fprintf(f, "       system calls %.3f ms: ", e->syscall_ns / 1e6);
		rows_text(e, fc, f, &e->calls, e->d->f_nr);
		fputc('\n', f);
	}
	if (e->d->ev_si_entry >= 0 && e->sis.n) {
		fprintf(f, "       softirqs on its CPU %.3f ms: ", e->softirq_ns / 1e6);
		rows_text(e, fc, f, &e->sis, e->d->f_vec);
		fputc('\n', f);
	}
}

void explain_window(struct explain *x, struct sink *sink, const char *analysis, int tid,
		    uint64_t from, uint64_t to)
{
	static struct explanation e;	/* large; one at a time */
	struct report_view v = { &e, explanation_json, explanation_text };
	const struct thread_tl *t;

	if (sink->quiet || tid <= 0 || to <= from)
		return;
	/* after a loss only what came since is summed (and known) */
	e = (struct explanation){ .x = x, .analysis = analysis, .r = x->r, .d = x->d, .tid = tid,
				  .window_from = from, .from = from > x->valid_from ? from : x->valid_from,
				  .to = to, .known_from = to };
	if (e.from > to)
		e.from = to;
	if ((t = explain_thread(x, tid)))
		gather(x, &e, t);
	sort_rows(&e.ran, false);
	sort_rows(&e.calls, true);
	sort_rows(&e.sis, true);
	sink_report(sink, &v);
}
