/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_ENGINE_H
#define PROBEKIT_ENGINE_H

/*
 * One run of a plan: the session in tracefs (or recorded pages), the reader,
 * the decoder, the enrichers, the analyses and the sink, wired once. Used by
 * run, the benchmark and the fuzzers; monitor opens several plans in one
 * instance with engine_open_set() and reads metrics with engine_snapshot().
 *
 *	e = engine_open(plan, sink, &opts, &status);
 *	while (engine_poll(e))
 *		;
 *	engine_report(e);
 *	status = engine_close(e);
 */
#include <signal.h>

#include "analysis/analysis.h"
#include "plan/plan.h"

struct engine_opts {
	const struct analysis_opts *analysis;
	uint64_t duration_ns;		/* 0: until stopped */
	volatile sig_atomic_t *stop;	/* set (by a signal handler): the run ends */
	/* Replay recorded ring-buffer pages, one fd per CPU, instead of tracing. */
	const int *page_fds;
	int n_page_fds;
	int page_size;
	bool no_enrich;			/* replays that need no process names (fuzzers: speed) */
	/* Recipe k's observer (NULL: none) gets every decoded record as an "event" (all fields decoded). */
	struct sink **observers;
	double max_cpu;			/* --max-cpu: percent of one CPU (engine/guard.h); 0: none */
};

struct engine;

/* Ready to trace (tracing is on), or NULL with *status set after printing why. */
struct engine *engine_open(struct plan *p, struct sink *sink, const struct engine_opts *o,
			   int *status);
/*
 * Several recipes in one instance and one reader (monitor): their plans
 * linked in a set (plan_set_link), a sink each. A recipe whose probes the
 * kernel refuses is skipped with a warning; NULL when none can run.
 */
struct engine *engine_open_set(struct plan **plans, struct sink **sinks, int n,
			       const struct engine_opts *o, int *status);
/* Wait for records (at most 200 ms), feed them through; false when the run is over. */
bool engine_poll(struct engine *e);
/* Stop tracing, give the kernel back its state, then let every analysis report. */
void engine_report(struct engine *e);
/* Free all; the exit status (a failed teardown is PK_ERR_RUNTIME). */
int engine_close(struct engine *e);
/* Raw records seen (decoded or not): for benchmarks and the monitor's metrics. */
uint64_t engine_records(const struct engine *e);
/* Events lost so far, all CPUs (the ring buffer's counters read anew). */
uint64_t engine_lost(struct engine *e);
/* The recipes of engine_open_set, and whether recipe k runs (not skipped). */
int engine_n_recipes(const struct engine *e);
bool engine_recipe_runs(const struct engine *e, int k);
/* Is recipe k shed by the overhead guard now; *times: how often it was. */
bool engine_recipe_shed(const struct engine *e, int k, int *times);
/* Recipe k's analyses' views of the state so far, to s (analysis_ops.snapshot). */
void engine_snapshot(struct engine *e, int k, struct sink *s);

#endif
