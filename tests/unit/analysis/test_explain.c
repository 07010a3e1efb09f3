// SPDX-License-Identifier: GPL-2.0-or-later
/* run --explain's history and windows, on hand-made streams of scheduler, syscall and softirq events. */
#include <stdlib.h>

#include "analysis/explain.h"
#include "analysis/latency.h"
#include "test.h"

#define MS 1000000ULL
#define READER 100
#define HOG 200
#define GETPPID 110
#define POLL 7

struct fixture {
	struct recipe *r;
	const struct explain_decl *d;
	struct explain *x;
	struct value *vals;
	struct record rec;
};

static bool setup(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->r = recipe_load("../recipes/tcp-rcvq-latency.json");
	CHECK(f->r != NULL);
	if (!f->r)
		return false;
	f->d = ((const struct latency_decl *)recipe_analysis_cfg(f->r, &latency_analysis))->explain;
	CHECK(f->d != NULL);
	if (!f->d)
		return false;
	f->x = explain_open(f->d, f->r);
	f->vals = xcalloc(f->r->n_fields, sizeof(*f->vals));
	f->rec.values = f->vals;
	f->rec.n_values = f->r->n_fields;
	return true;
}

static void teardown(struct fixture *f)
{
	explain_close(f->x);
	free(f->vals);
	recipe_free(f->r);
}

static struct record *rec(struct fixture *f, int event, uint64_t ts, int cpu, int pid)
{
	memset(f->vals, 0, f->r->n_fields * sizeof(*f->vals));
	f->rec.event = event;
	f->rec.ts = ts;
	f->rec.cpu = cpu;
	f->vals[FIELD_PID] = (struct value){ .present = pid >= 0, .num = (uint64_t)pid };
	return &f->rec;
}

static void num(struct fixture *f, int field, uint64_t v)
{
	f->vals[field] = (struct value){ .present = true, .num = v };
}

static void sw(struct fixture *f, uint64_t ts, int cpu, int prev, const char *comm, int state,
	       int next)
{
	rec(f, f->d->ev_switch, ts, cpu, prev);
	num(f, f->d->f_prev_tid, (uint64_t)prev);
	num(f, f->d->f_prev_state, (uint64_t)state);
	num(f, f->d->f_next_tid, (uint64_t)next);
	f->vals[f->d->f_prev_task] = (struct value){ .present = true, .str = comm,
						     .len = (int)strlen(comm) };
	explain_feed(f->x, &f->rec);
}

static void wake(struct fixture *f, uint64_t ts, int tid)
{
	rec(f, f->d->ev_wakeup[0], ts, 0, 1);
	num(f, f->d->f_woken_tid, (uint64_t)tid);
	explain_feed(f->x, &f->rec);
}

static void sys(struct fixture *f, uint64_t enter, uint64_t exit, int cpu, int tid, int nr)
{
	rec(f, f->d->ev_sys_enter, enter, cpu, tid);
	num(f, f->d->f_nr, (uint64_t)nr);
	explain_feed(f->x, &f->rec);
	rec(f, f->d->ev_sys_exit, exit, cpu, tid);
	num(f, f->d->f_nr, (uint64_t)nr);
	explain_feed(f->x, &f->rec);
}

static void softirq(struct fixture *f, uint64_t entry, uint64_t exit, int cpu, int vec)
{
	rec(f, f->d->ev_si_entry, entry, cpu, 0);
	num(f, f->d->f_vec, (uint64_t)vec);
	explain_feed(f->x, &f->rec);
	rec(f, f->d->ev_si_exit, exit, cpu, 0);
	num(f, f->d->f_vec, (uint64_t)vec);
	explain_feed(f->x, &f->rec);
}

/* The window's explanation as NDJSON, parsed. */
static json_t *window(struct fixture *f, int tid, uint64_t from, uint64_t to)
{
	char *out = NULL;
	size_t size = 0;
	FILE *m = open_memstream(&out, &size);
	struct sink *sink = sink_open(&ndjson_sink, f->r, m, false);
	json_t *j;

	explain_running(f->x, tid, 1, to);
	explain_window(f->x, sink, "rcvq", tid, from, to);
	sink_close(sink);
	fclose(m);
	j = json_loads(out, 0, NULL);
	CHECK(j != NULL);
	free(out);
	return j;
}

static json_int_t get(json_t *j, const char *key)
{
	return json_integer_value(json_object_get(j, key));
}

static json_t *row(json_t *j, const char *list, size_t i)
{
	return json_array_get(json_object_get(j, list), i);
}

/* Woken on an idle CPU, then busy in getppid() for 20 ms before the read: every call counted. */
static void busy_reader_is_running_in_its_calls(void)
{
	struct fixture f;
	uint64_t t = 2000;
	json_t *j;

	if (!setup(&f))
		return;
	sw(&f, 0, 1, READER, "reader", 1, 0);	/* to sleep in poll() */
	wake(&f, 1000, READER);
	sw(&f, 2000, 1, 0, "swapper/1", 0, READER);
	sys(&f, 100, 2100, 1, READER, POLL);	/* entered before the window */
	for (int i = 0; i < 20000; i++, t += 1000)
		sys(&f, t + 100, t + 300, 1, READER, GETPPID);
	softirq(&f, 5 * MS, 5 * MS + 50000, 1, 3);
	softirq(&f, 9 * MS, 9 * MS + 25000, 0, 3);	/* another CPU: not the reader's */
	j = window(&f, READER, 500, t + 500);
	CHECK(get(j, "window_ns") == (json_int_t)(t + 500 - 500));
	CHECK(get(j, "known_ns") == get(j, "window_ns"));
	CHECK(get(j, "sleeping_ns") == 500);
	CHECK(get(j, "runnable_ns") == 1000);
	CHECK(get(j, "running_ns") == (json_int_t)(t + 500 - 2000));
	CHECK_STR(json_string_value(json_object_get(row(j, "ran_instead", 0), "comm")), "swapper/1");
	CHECK(get(row(j, "ran_instead", 0), "ns") == 1000);
	CHECK_STR(json_string_value(json_object_get(row(j, "syscalls", 0), "syscall")), "getppid");
	CHECK(get(row(j, "syscalls", 0), "count") == 20000);
	CHECK(get(row(j, "syscalls", 0), "ns") == 20000 * 200);
	CHECK(get(row(j, "syscalls", 1), "count") == 1);	/* poll, ended inside */
	CHECK(get(j, "softirq_ns") == 50000);
	CHECK(get(row(j, "softirqs", 0), "count") == 1);
	json_decref(j);
	teardown(&f);
}

/* Runnable behind a real-time hog on its CPU: the wait is the hog's. */
static void reader_behind_a_hog_waits_for_the_cpu(void)
{
	struct fixture f;
	json_t *j;

	if (!setup(&f))
		return;
	sw(&f, 0, 1, READER, "reader", 1, HOG);
	wake(&f, 1 * MS, READER);	/* data came */
	softirq(&f, 10 * MS, 10 * MS + 20000, 1, 3);	/* in the hog's time */
	sw(&f, 30 * MS, 1, HOG, "cpuhog", 1, READER);
	sys(&f, 30 * MS + 100, 30 * MS + 5000, 1, READER, POLL);
	j = window(&f, READER, 1 * MS, 31 * MS);
	CHECK(get(j, "runnable_ns") == 29 * MS);
	CHECK(get(j, "running_ns") == 1 * MS);
	CHECK(get(j, "sleeping_ns") == 0);
	CHECK_STR(json_string_value(json_object_get(row(j, "ran_instead", 0), "comm")), "cpuhog");
	CHECK(get(row(j, "ran_instead", 0), "tid") == HOG);
	CHECK(get(row(j, "ran_instead", 0), "ns") == 29 * MS);
	CHECK(get(j, "softirq_ns") == 20000);
	json_decref(j);
	teardown(&f);
}

/* A thread first seen inside the window, and events lost: the rest is said to be unknown. */
static void what_came_before_is_not_known(void)
{
	struct fixture f;
	json_t *j;

	if (!setup(&f))
		return;
	sys(&f, 5 * MS, 5 * MS + 100, 1, READER, POLL);	/* first sight: running */
	j = window(&f, READER, 1 * MS, 10 * MS);
	CHECK(get(j, "known_ns") == 5 * MS);
	CHECK(get(j, "running_ns") == 5 * MS);
	json_decref(j);
	explain_lost(f.x);	/* at 10 ms, the last record */
	sys(&f, 11 * MS, 11 * MS + 100, 1, READER, POLL);
	j = window(&f, READER, 8 * MS, 12 * MS);
	CHECK(get(j, "known_ns") == 2 * MS);
	CHECK(get(j, "running_ns") == 2 * MS);	/* only what came since the loss */
	CHECK(get(j, "window_ns") == 4 * MS);
	json_decref(j);
	j = window(&f, 4242, 8 * MS, 12 * MS);	/* never seen */
	CHECK(get(j, "known_ns") == 0);
	json_decref(j);
	sys(&f, 20 * MS, 20 * MS + 100, 1, 4343, POLL);	/* first seen after its window */
	j = window(&f, 4343, 13 * MS, 15 * MS);
	CHECK(get(j, "known_ns") == 0 && get(j, "running_ns") == 0);
	json_decref(j);
	teardown(&f);
}

/* The recipe text with one replacement; NULL-safe load, refusal expected. */
static void refused(const char *text, const char *from, const char *to, const char *want)
{
	const char *at = strstr(text, from);
	struct recipe *r;
	char *bad, *tok;
	size_t n;

	CHECK(at != NULL);
	if (!at)
		return;
	n = strlen(text) - strlen(from) + strlen(to);
	bad = xcalloc(1, n + 1);
	memcpy(bad, text, at - text);
	strcat(bad, to);
	strcat(bad, at + strlen(from));
	tok = capture_stderr_begin();
	r = recipe_load_buffer(bad, n, "x.json");
	check_refusal(r, capture_stderr_end(tok), want, from);
	free(bad);
}

/* An explain object's errors name the path and what is wrong. */
static void explain_object_errors(void)
{
	FILE *f = fopen("../recipes/tcp-rcvq-latency.json", "r");
	char *text = xcalloc(1, 1 << 20);
	size_t n = f ? fread(text, 1, (1 << 20) - 1, f) : 0;

	CHECK(n > 0);
	if (f)
		fclose(f);
	refused(text, "\"prev_task\": \"prev_task\"", "\"prev_task\": \"nope\"",
		"latency[0].explain.switch.prev_task: 'nope' is not a declared field");
	refused(text, "\"tid\": \"woken_tid\"", "\"tid\": \"prev_tid\"",
		"latency[0].explain.wakeup: field 'prev_tid' is not mapped by events.explain_wakeup.any[0]");
	refused(text, "\"when\": \"--explain\"", "\"when\": \"--explian\"",
		"events.explain_switch.when: '--explian' is neither OTHER_EVENT=");
	refused(text, "\"softirqs\": {", "\"softirqz\": {", "latency[0].explain");
	refused(text, "\"enter\": \"explain_sys_enter\"", "\"enter\": \"explain_sys_exit\"",
		"latency[0].explain.syscalls: 'enter' and 'exit' are the same event");
	free(text);
}

/* One call longer than a merged span's u32 of busy time: its overlap counts, all of it. */
static void a_long_call_counts_its_overlap(void)
{
	struct fixture f;
	json_t *j;

	if (!setup(&f))
		return;
	sys(&f, 1 * MS, 10000 * MS, 1, READER, POLL);	/* 10 s in poll() */
	j = window(&f, READER, 9960 * MS, 10000 * MS);
	CHECK(get(row(j, "syscalls", 0), "ns") == 40 * MS);
	CHECK(get(row(j, "syscalls", 0), "count") == 1);
	json_decref(j);
	teardown(&f);
}

/* First seen woken (asleep since before the run, in accept()): asleep since the history began. */
static void first_seen_woken_slept_before(void)
{
	struct fixture f;
	json_t *j;

	if (!setup(&f))
		return;
	softirq(&f, 1 * MS, 1 * MS + 1000, 0, 3);	/* the history begins */
	wake(&f, 5 * MS, READER);
	sw(&f, 6 * MS, 1, HOG, "cpuhog", 0, READER);
	j = window(&f, READER, 3 * MS, 7 * MS);
	CHECK(get(j, "known_ns") == 4 * MS);
	CHECK(get(j, "sleeping_ns") == 2 * MS);
	CHECK(get(j, "runnable_ns") == 1 * MS);
	CHECK(get(j, "running_ns") == 1 * MS);
	json_decref(j);
	teardown(&f);
}

const struct unit_test explain_tests[] = {
	{ "explain: first seen woken, it slept since the history began", first_seen_woken_slept_before },
	{ "explain: a call longer than 4.3 s counts its overlap", a_long_call_counts_its_overlap },
	{ "explain: the explain object's errors", explain_object_errors },
	{ "explain: a busy reader runs in its system calls", busy_reader_is_running_in_its_calls },
	{ "explain: a reader behind a hog waits for its CPU", reader_behind_a_hog_waits_for_the_cpu },
	{ "explain: what came before the history is not known", what_came_before_is_not_known },
	{ NULL, NULL },
};
