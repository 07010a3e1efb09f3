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
 * is not seen; analyses are told as they are of lost events. A pure state
 * machine: the engine gives it the clocks and acts on what it returns.
 */
#include <stdbool.h>
#include <stdint.h>

#define GUARD_PERIOD_NS 1000000000LL
#define GUARD_SUSTAIN 3
#define GUARD_BACKOFF_MIN_NS 5000000000LL
#define GUARD_BACKOFF_MAX_NS 60000000000LL

enum guard_action { GUARD_NONE, GUARD_PAUSE, GUARD_RESUME };

struct guard {
	double max_cpu;			/* percent of one CPU; 0: no guard */
	int64_t period_start, cpu_start;	/* the current second: wall and CPU clocks, ns */
	int over;			/* seconds over the budget in a row */
	bool paused, probation;		/* probation: just resumed, one second over pauses again */
	int64_t resume_at, backoff, paused_since;
	/* what the report says */
	int pauses;
	int64_t paused_ns;
	double last_cpu, max_seen;	/* percent of one CPU: the last second, the highest */
};

void guard_init(struct guard *g, double max_cpu, int64_t now, int64_t cpu);
/* Called often (every poll): the wall clock and the process's CPU clock, ns. */
enum guard_action guard_step(struct guard *g, int64_t now, int64_t cpu);
/* The run ends: a pause still going counts until now. */
void guard_finish(struct guard *g, int64_t now);

#endif
