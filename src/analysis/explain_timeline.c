// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * explain's history: per thread, what it did (running, runnable, sleeping,
 * in which system calls); per CPU, who ran and which softirqs. Records come in
 * time order (the reader merges the CPUs), so a span is closed when the next
 * state begins. Threads and CPUs take their memory once, when first seen.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/explain_timeline.h"
#include "util/hash.h"

/* sched_switch's prev_state: TASK_RUNNING is 0; preemption adds a bit above the states (R+). */
#define STATE_MASK 0xff

struct explain *explain_open(const struct explain_decl *d, const struct recipe *r)
{
	struct explain *x = xcalloc(1, sizeof(*x));
	long n = sysconf(_SC_NPROCESSORS_CONF);

	x->d = d;
	x->r = r;
	x->roles = xcalloc(r->n_events, 1);
	for (int ev = 0; ev < r->n_events; ev++)
		x->roles[ev] = (uint8_t)explain_role_of(d, ev);
	/* a symbolic value's name is the decoder's, for the run; any other string is the record's */
	x->vec_symbolic = d->f_vec >= 0 && r->fields[d->f_vec].format == FMT_SYMBOLIC;
	x->n_cpus = n > 0 && n <= EXPLAIN_MAX_CPUS ? (int)n : EXPLAIN_MAX_CPUS;
	x->cpus = xcalloc(x->n_cpus, sizeof(*x->cpus));
	return x;
}

void explain_close(struct explain *x)
{
	if (!x)
		return;
	for (int s = 0; s < EXPLAIN_SETS; s++)
		for (int w = 0; w < EXPLAIN_WAYS; w++)
			free(x->threads[s][w].spans);
	for (int c = 0; c < x->n_cpus; c++) {
		free(x->cpus[c].run);
		free(x->cpus[c].si);
	}
	free(x->cpus);
	free(x->roles);
	free(x);
}

static struct thread_tl *thread_set(const struct explain *x, int tid)
{
	return (struct thread_tl *)x->threads[hash_mix(0, (uint64_t)tid) % EXPLAIN_SETS];
}

const struct thread_tl *explain_thread(const struct explain *x, int tid)
{
	const struct thread_tl *set = thread_set(x, tid);

	for (int w = 0; w < EXPLAIN_WAYS; w++)
		if (set[w].tid == tid)
			return &set[w];
	return NULL;
}

/* Thread tid's history, made (its set's least recently used given up) if new. */
static struct thread_tl *thread_get(struct explain *x, int tid, uint64_t ts)
{
	struct thread_tl *set = thread_set(x, tid), *t = &set[0];

	for (int w = 0; w < EXPLAIN_WAYS; w++) {
		if (set[w].tid == tid) {
			set[w].used = ++x->clock;
			return &set[w];
		}
		if (set[w].used < t->used)
			t = &set[w];
	}
	if (!t->spans)
		t->spans = xcalloc(EXPLAIN_THREAD_SPANS, sizeof(*t->spans));
	memset(&t->r, 0, sizeof(t->r));
	t->tid = tid;
	t->used = ++x->clock;
	t->born = ts;
	t->state = TS_UNKNOWN;
	t->in_syscall = false;
	return t;
}

static struct cpu_tl *cpu_get(struct explain *x, int cpu)
{
	struct cpu_tl *c;

	if (cpu < 0 || cpu >= x->n_cpus)
		return NULL;
	c = &x->cpus[cpu];
	if (!c->run) {
		c->run = xcalloc(EXPLAIN_CPU_SPANS, sizeof(*c->run));
		c->si = xcalloc(EXPLAIN_CPU_SPANS, sizeof(*c->si));
	}
	return c;
}

/* A new slot at the ring's head (the oldest is overwritten when full). */
static unsigned ring_push(struct ring *r, unsigned size)
{
	unsigned slot = r->head;

	r->head = (r->head + 1) & (size - 1);
	if (r->n < size)
		r->n++;
	else
		r->wrapped = true;
	return slot;
}

static void thread_span(struct thread_tl *t, enum span_kind kind, uint64_t start, uint64_t end,
			int cpu)
{
	struct span *s;

	if (end <= start)
		return;
	s = &t->spans[ring_push(&t->r, EXPLAIN_THREAD_SPANS)];
	*s = (struct span){ .start = start, .end = end, .kind = kind, .cpu = (uint16_t)cpu };
}

/* A system call ended: merged into the newest span when it is the same call, recent enough. */
static void syscall_span(struct thread_tl *t, int nr, uint64_t start, uint64_t end)
{
	struct span *s = t->r.n ? &t->spans[ring_slot(&t->r, EXPLAIN_THREAD_SPANS, 0)] : NULL;
	uint64_t busy = end > start ? end - start : 0;

	if (s && s->kind == SPAN_SYSCALL && s->detail == nr && s->count < UINT16_MAX &&
	    end - s->start <= EXPLAIN_MERGE_NS && busy <= UINT32_MAX - s->busy) {
		s->end = end;
		s->busy += (uint32_t)busy;
		s->count++;
		return;
	}
	s = &t->spans[ring_push(&t->r, EXPLAIN_THREAD_SPANS)];
	*s = (struct span){ .start = start, .end = end, .kind = SPAN_SYSCALL, .detail = nr,
			    .count = 1, .busy = busy > UINT32_MAX ? UINT32_MAX : (uint32_t)busy };
}

/* The thread's current state ends at ts: its span is kept. */
static void close_state(struct thread_tl *t, uint64_t ts)
{
	static const enum span_kind kinds[] = {
		[TS_RUNNING] = SPAN_RUN, [TS_RUNNABLE] = SPAN_RUNNABLE, [TS_SLEEPING] = SPAN_SLEEP,
	};

	if (t->state != TS_UNKNOWN)
		thread_span(t, kinds[t->state], t->since, ts, t->cpu);
}

static void set_state(struct thread_tl *t, enum thread_state st, uint64_t ts, int cpu)
{
	close_state(t, ts);
	t->state = st;
	t->since = ts;
	t->cpu = (uint16_t)cpu;
}

void explain_running(struct explain *x, int tid, int cpu, uint64_t ts)
{
	struct thread_tl *t;

	if (tid <= 0)
		return;
	if (!x->first_ts)
		x->first_ts = ts;
	x->last_ts = ts;
	t = thread_get(x, tid, ts);
	if (t->state == TS_RUNNING)
		return;
	/* its switch-in was not traced (some kernels leave out switches from idle) */
	if (t->state != TS_UNKNOWN)
		x->inferred++;
	if (t->state == TS_RUNNABLE)
		t->cpu = (uint16_t)cpu;
	set_state(t, TS_RUNNING, ts, cpu);
}

static void cpu_ran(struct cpu_tl *c, int tid, const struct value *comm, uint64_t ts)
{
	struct cpu_run *run;

	if (!c->switched || ts <= c->since)
		return;
	run = &c->run[ring_push(&c->runs, EXPLAIN_CPU_SPANS)];
	run->start = c->since;
	run->end = ts;
	run->tid = tid;
	memset(run->comm, 0, sizeof(run->comm));
	if (comm->present && comm->str)
		memcpy(run->comm, comm->str, comm->len < 15 ? comm->len : 15);
}

static void on_switch(struct explain *x, const struct record *rec)
{
	const struct explain_decl *d = x->d;
	const struct value *v = rec->values;
	int prev = (int)v[d->f_prev_tid].num, next = (int)v[d->f_next_tid].num;
	struct cpu_tl *c = cpu_get(x, rec->cpu);

	if (c) {
		cpu_ran(c, prev, &v[d->f_prev_task], rec->ts);
		c->since = rec->ts;
		c->switched = true;
	}
	if (prev > 0) {
		struct thread_tl *t = thread_get(x, prev, rec->ts);

		set_state(t, (v[d->f_prev_state].num & STATE_MASK) ? TS_SLEEPING : TS_RUNNABLE,
			  rec->ts, rec->cpu);
	}
	if (next > 0) {
		struct thread_tl *t = thread_get(x, next, rec->ts);

		/* a runnable wait ends where it runs: that CPU is the one it waited for */
		if (t->state == TS_RUNNABLE)
			t->cpu = (uint16_t)rec->cpu;
		set_state(t, TS_RUNNING, rec->ts, rec->cpu);
	}
}

static void on_wakeup(struct explain *x, const struct record *rec)
{
	int tid = (int)rec->values[x->d->f_woken_tid].num;
	struct thread_tl *t;

	if (tid <= 0)
		return;
	t = thread_get(x, tid, rec->ts);
	/*
	 * First seen woken: it slept, since the history began (had it run since,
	 * its switch out would have been seen first).
	 */
	if (t->state == TS_UNKNOWN && x->first_ts < rec->ts) {
		t->state = TS_SLEEPING;
		t->since = t->born = x->first_ts;
	}
	/* woken on its way to sleep, still on its CPU: nothing changes */
	if (t->state == TS_SLEEPING || t->state == TS_UNKNOWN)
		set_state(t, TS_RUNNABLE, rec->ts, t->cpu);
}

static void on_syscall(struct explain *x, const struct record *rec, bool enter)
{
	int tid = (int)rec->values[FIELD_PID].num;
	int nr = (int)rec->values[x->d->f_nr].num;
	struct thread_tl *t;

	if (tid <= 0 || !rec->values[FIELD_PID].present)
		return;
	explain_running(x, tid, rec->cpu, rec->ts);
	t = thread_get(x, tid, rec->ts);
	if (enter) {
		t->in_syscall = true;
		t->sys_nr = nr;
		t->sys_since = rec->ts;
	} else if (t->in_syscall && t->sys_nr == nr) {
		syscall_span(t, nr, t->sys_since, rec->ts);
		t->in_syscall = false;
	}
}

static void on_softirq(struct explain *x, const struct record *rec, bool entry)
{
	struct cpu_tl *c = cpu_get(x, rec->cpu);
	int vec = (int)rec->values[x->d->f_vec].num;
	struct cpu_si *s;
	uint64_t busy;

	if (!c)
		return;
	if (entry) {
		if (x->vec_symbolic && vec >= 0 && vec < (int)ARRAY_SIZE(x->vec_names) &&
		    !x->vec_names[vec].present)
			x->vec_names[vec] = rec->values[x->d->f_vec];
		c->in_si = true;
		c->si_vec = (int16_t)vec;
		c->si_since = rec->ts;
		return;
	}
	if (!c->in_si || c->si_vec != vec)
		return;
	c->in_si = false;
	busy = rec->ts - c->si_since;
	s = c->sis.n ? &c->si[ring_slot(&c->sis, EXPLAIN_CPU_SPANS, 0)] : NULL;
	if (s && s->vec == vec && s->count < UINT16_MAX && rec->ts - s->start <= EXPLAIN_MERGE_NS &&
	    busy <= UINT32_MAX - s->busy) {
		s->end = rec->ts;
		s->busy += (uint32_t)busy;
		s->count++;
		return;
	}
	s = &c->si[ring_push(&c->sis, EXPLAIN_CPU_SPANS)];
	*s = (struct cpu_si){ .start = c->si_since, .end = rec->ts, .vec = (int16_t)vec, .count = 1,
			      .busy = busy > UINT32_MAX ? UINT32_MAX : (uint32_t)busy };
}

bool explain_feed(struct explain *x, const struct record *rec)
{
	enum explain_role role = rec->event >= 0 && rec->event < x->r->n_events ?
				 (enum explain_role)x->roles[rec->event] : XR_NONE;

	if (role == XR_NONE)
		return false;
	if (!x->first_ts)
		x->first_ts = rec->ts;
	x->last_ts = rec->ts;
	switch (role) {
	case XR_SWITCH: on_switch(x, rec); break;
	case XR_WAKEUP: on_wakeup(x, rec); break;
	case XR_SYS_ENTER: on_syscall(x, rec, true); break;
	case XR_SYS_EXIT: on_syscall(x, rec, false); break;
	case XR_SOFTIRQ_ENTRY: on_softirq(x, rec, true); break;
	case XR_SOFTIRQ_EXIT: on_softirq(x, rec, false); break;
	case XR_NONE: break;
	}
	return true;
}

void explain_lost(struct explain *x)
{
	x->valid_from = x->last_ts;
}
