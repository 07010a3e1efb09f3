// SPDX-License-Identifier: GPL-2.0-or-later
/* The overhead guard's state machine (see guard.h). */
#include <string.h>

#include "engine/guard.h"

void guard_init(struct guard *g, double max_cpu, int64_t now, int64_t cpu)
{
	memset(g, 0, sizeof(*g));
	g->max_cpu = max_cpu;
	g->period_start = now;
	g->cpu_start = cpu;
	g->backoff = GUARD_BACKOFF_MIN_NS;
}

static void back_off(struct guard *g)
{
	g->backoff = g->backoff * 2 < GUARD_BACKOFF_MAX_NS ? g->backoff * 2 : GUARD_BACKOFF_MAX_NS;
}

static enum guard_action resume(struct guard *g, int64_t now, int64_t cpu)
{
	g->paused = false;
	g->paused_ns += now - g->paused_since;
	g->probation = true;
	g->over = 0;
	g->period_start = now;	/* the pause's seconds are not the load's */
	g->cpu_start = cpu;
	return GUARD_RESUME;
}

static enum guard_action pause_now(struct guard *g, int64_t now)
{
	g->paused = true;
	g->pauses++;
	g->paused_since = now;
	g->resume_at = now + g->backoff;
	back_off(g);
	g->over = 0;
	return GUARD_PAUSE;
}

static enum guard_action shed_now(struct guard *g, int64_t now)
{
	g->shed++;
	g->sheds++;
	g->restore_at = now + g->backoff;
	back_off(g);
	g->over = 0;
	g->probation = false;
	return GUARD_SHED;
}

/* A second within the budget: the last recipe shed comes back once its back-off is over. */
static enum guard_action within_budget(struct guard *g, int64_t now)
{
	g->over = 0;
	if (g->shed && now >= g->restore_at) {
		g->shed--;
		g->probation = true;	/* one second over sheds it again, for longer */
		g->restore_at = now + g->backoff;
		return GUARD_RESTORE;
	}
	if (!g->shed) {
		g->probation = false;
		g->backoff = GUARD_BACKOFF_MIN_NS;	/* the load fell: the next pause is short */
	}
	return GUARD_NONE;
}

enum guard_action guard_step(struct guard *g, int64_t now, int64_t cpu, bool can_shed)
{
	if (g->max_cpu <= 0)
		return GUARD_NONE;
	if (g->paused)
		return now >= g->resume_at ? resume(g, now, cpu) : GUARD_NONE;
	if (now - g->period_start < GUARD_PERIOD_NS)
		return GUARD_NONE;
	g->last_cpu = 100.0 * (double)(cpu - g->cpu_start) / (double)(now - g->period_start);
	g->max_seen = g->last_cpu > g->max_seen ? g->last_cpu : g->max_seen;
	g->period_start = now;
	g->cpu_start = cpu;
	if (g->last_cpu <= g->max_cpu)
		return within_budget(g, now);
	if (++g->over < (g->probation ? 1 : GUARD_SUSTAIN))
		return GUARD_NONE;
	return can_shed ? shed_now(g, now) : pause_now(g, now);
}

void guard_finish(struct guard *g, int64_t now)
{
	if (g->paused) {
		g->paused_ns += now - g->paused_since;
		g->paused = false;
	}
}
