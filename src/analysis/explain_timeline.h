/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_EXPLAIN_TIMELINE_H
#define PROBEKIT_EXPLAIN_TIMELINE_H

/*
 * The history explain keeps (inside analysis/: explain_timeline.c writes it,
 * explain_report.c reads it). Bounded: rings of spans per thread (for the
 * threads seen last) and per CPU; consecutive system calls of one number, and
 * softirqs of one vector, within MERGE_NS share a span (a loop of a million
 * getppid() calls is a few hundred spans, not a million).
 */
#include "analysis/explain.h"

#define EXPLAIN_THREAD_SPANS 512	/* per thread: a power of two */
#define EXPLAIN_CPU_SPANS 2048		/* per CPU: who ran, and softirqs */
#define EXPLAIN_SETS 256		/* threads: sets x ways, least recently used out */
#define EXPLAIN_WAYS 4
#define EXPLAIN_MERGE_NS 10000000ULL
#define EXPLAIN_MAX_CPUS 4096

enum span_kind { SPAN_RUN, SPAN_RUNNABLE, SPAN_SLEEP, SPAN_SYSCALL };

/* [start, end): what a thread did; a syscall span: count calls of nr, busy ns inside them. */
struct span {
	uint64_t start, end;
	uint32_t busy;
	int32_t detail;		/* syscall nr (x32's and ARM's private ones are large) */
	uint16_t count;
	uint16_t cpu;
	uint8_t kind;
};

struct ring {
	unsigned head, n;	/* next slot; how many are valid */
	bool wrapped;		/* older spans were overwritten */
};

enum thread_state { TS_UNKNOWN, TS_RUNNING, TS_RUNNABLE, TS_SLEEPING };

struct thread_tl {
	int tid;		/* 0: free */
	uint64_t used;		/* LRU stamp */
	uint64_t born;		/* first seen: nothing is known before */
	uint8_t state;
	uint16_t cpu;		/* running: where */
	uint64_t since;		/* the state's start */
	bool in_syscall;
	int32_t sys_nr;
	uint64_t sys_since;
	struct ring r;
	struct span *spans;	/* EXPLAIN_THREAD_SPANS, allocated when the slot is first used */
};

/* Who ran on a CPU: [start, end) tid, by name. */
struct cpu_run {
	uint64_t start, end;
	int tid;
	char comm[16];
};

/* Softirq time on a CPU: count runs of vec in [start, end), busy ns in them. */
struct cpu_si {
	uint64_t start, end;
	uint32_t busy;
	uint16_t count;
	int16_t vec;
};

struct cpu_tl {
	uint64_t since;		/* last switch on this CPU */
	bool switched;		/* since is known */
	bool in_si;
	int16_t si_vec;
	uint64_t si_since;
	struct ring runs, sis;
	struct cpu_run *run;	/* EXPLAIN_CPU_SPANS each, allocated on the CPU's first event */
	struct cpu_si *si;
};

struct explain {
	const struct explain_decl *d;
	const struct recipe *r;
	uint8_t *roles;		/* per recipe event: its enum explain_role, looked up once */
	struct thread_tl threads[EXPLAIN_SETS][EXPLAIN_WAYS];
	struct cpu_tl *cpus;
	int n_cpus;
	uint64_t clock;		/* LRU stamps */
	uint64_t first_ts;	/* the first record: the history's beginning */
	uint64_t last_ts;
	uint64_t valid_from;	/* events were lost before this */
	uint64_t inferred;	/* switch-ins not traced: running inferred from own events */
	struct value vec_names[32];	/* softirq vectors as the decoder named them (symbolic) */
	bool vec_symbolic;		/* the vector's field is symbolic: its names outlive records */
};

/* The i-th newest span of a ring (0: newest); rings hold `size` slots. */
static inline unsigned ring_slot(const struct ring *r, unsigned size, unsigned i)
{
	return (r->head + size - 1 - i) & (size - 1);
}

/* The thread's history, NULL when never seen (or evicted). */
const struct thread_tl *explain_thread(const struct explain *x, int tid);

#endif
