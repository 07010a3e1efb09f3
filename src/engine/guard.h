/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_GUARD_H
#define PROBEKIT_GUARD_H

/*
 * The overhead guard (--max-cpu PERCENT of one CPU): probekit's own CPU time,
 * measured over each second. Over the budget GUARD_SUSTAIN seconds in a row
 * (one second, just after a resume), tracing pauses: the instance's
 * tracing_on, so the kernel writes nothing to the ring buffer and probekit
 * reads nothing (what the kernel keeps itself, hist triggers and MIB
 * counters, goes on); it
 * resumes after a back-off (5 s, doubling up to 60 s while the load stays,
 * back to 5 s after a second within the budget). What happens during a pause
 * is not seen; analyses are told as they are of lost events.
 *
 * A monitor sheds before it pauses: while another recipe would still trace,
 * the guard says SHED instead of PAUSE and the engine turns off the recipe
 * that cost the most (engine.c: the most records decoded since the guard
 * last acted); measuring goes on, and a load still over the budget sheds the
 * next. After the back-off, a second within the budget brings the last one
 * shed back (RESTORE), on probation as after a pause. A pure state machine:
 * the engine gives it the clocks and acts on what it returns.
 */
#include <stdbool.h>
#include <stdint.h>

#define GUARD_PERIOD_NS 1000000000LL
#define GUARD_SUSTAIN 3
#define GUARD_BACKOFF_MIN_NS 5000000000LL
#define GUARD_BACKOFF_MAX_NS 60000000000LL

enum guard_action { GUARD_NONE, GUARD_PAUSE, GUARD_RESUME, GUARD_SHED, GUARD_RESTORE };

struct guard {
	double max_cpu;			/* percent of one CPU; 0: no guard */
	int64_t period_start, cpu_start;	/* the current second: wall and CPU clocks, ns */
	int over;			/* seconds over the budget in a row */
	bool paused, probation;		/* probation: just resumed, one second over pauses again */
	int64_t resume_at, backoff, paused_since;
	int shed;			/* recipes shed now (the engine knows which) */
	int64_t restore_at;		/* when the last one shed may come back */
	/* what the report says */
	int pauses, sheds;
	int64_t paused_ns;
	double last_cpu, max_seen;	/* percent of one CPU: the last second, the highest */
};

void guard_init(struct guard *g, double max_cpu, int64_t now, int64_t cpu);
/*
 * Called often (every poll): the wall clock and the process's CPU clock, ns;
 * can_shed: another recipe than the costliest would still trace.
 */
enum guard_action guard_step(struct guard *g, int64_t now, int64_t cpu, bool can_shed);
/* The run ends: a pause still going counts until now. */
void guard_finish(struct guard *g, int64_t now);

#endif
