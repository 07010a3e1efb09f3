// SPDX-License-Identifier: GPL-2.0-or-later
/* The overhead guard's state machine, driven by made-up clocks. */
#include "engine/guard.h"
#include "test.h"

#define S 1000000000LL

/* One second of the run at `pct` percent of a CPU; what the guard says at its end. */
static enum guard_action second(struct guard *g, int64_t *now, int64_t *cpu, double pct)
{
	*now += S;
	*cpu += (int64_t)(pct / 100.0 * S);
	return guard_step(g, *now, *cpu, false);
}

static void pauses_after_three_seconds_and_backs_off(void)
{
	struct guard g;
	int64_t now = 100 * S, cpu = 7 * S;

	guard_init(&g, 1.0, now, cpu);
	CHECK(second(&g, &now, &cpu, 0.5) == GUARD_NONE);
	CHECK(second(&g, &now, &cpu, 40) == GUARD_NONE);
	CHECK(second(&g, &now, &cpu, 40) == GUARD_NONE);
	CHECK(second(&g, &now, &cpu, 0.5) == GUARD_NONE);	/* not in a row */
	CHECK(second(&g, &now, &cpu, 40) == GUARD_NONE);
	CHECK(second(&g, &now, &cpu, 40) == GUARD_NONE);
	CHECK(second(&g, &now, &cpu, 40) == GUARD_PAUSE);
	CHECK(g.pauses == 1 && g.resume_at == now + 5 * S && g.last_cpu > 39 && g.max_seen > 39);
	for (int i = 0; i < 4; i++)	/* paused: nothing to measure */
		CHECK(second(&g, &now, &cpu, 0) == GUARD_NONE);
	CHECK(second(&g, &now, &cpu, 0) == GUARD_RESUME);
	CHECK(g.paused_ns == 5 * S);
	/* just resumed: one second over pauses again, twice as long */
	CHECK(second(&g, &now, &cpu, 50) == GUARD_PAUSE && g.resume_at == now + 10 * S);
	now += 10 * S;
	CHECK(guard_step(&g, now, cpu, false) == GUARD_RESUME);
	/* the load fell: it stays on, and the next pause is short again */
	CHECK(second(&g, &now, &cpu, 0.2) == GUARD_NONE && g.backoff == 5 * S);
	for (int i = 0; i < 2; i++)
		CHECK(second(&g, &now, &cpu, 30) == GUARD_NONE);
	CHECK(second(&g, &now, &cpu, 30) == GUARD_PAUSE && g.resume_at == now + 5 * S);
	guard_finish(&g, now + 2 * S);	/* the run ends in a pause: it counts until then */
	CHECK(g.pauses == 3 && g.paused_ns == 17 * S);
}

static enum guard_action second_shedding(struct guard *g, int64_t *now, int64_t *cpu, double pct,
					 bool can_shed)
{
	*now += S;
	*cpu += (int64_t)(pct / 100.0 * S);
	return guard_step(g, *now, *cpu, can_shed);
}

static void sheds_before_it_pauses_and_restores_when_the_load_falls(void)
{
	struct guard g;
	int64_t now = 0, cpu = 0;

	guard_init(&g, 1.0, now, cpu);
	CHECK(second_shedding(&g, &now, &cpu, 40, true) == GUARD_NONE);
	CHECK(second_shedding(&g, &now, &cpu, 40, true) == GUARD_NONE);
	CHECK(second_shedding(&g, &now, &cpu, 40, true) == GUARD_SHED);
	CHECK(g.shed == 1 && g.sheds == 1 && !g.paused && g.restore_at == now + 5 * S);
	/* still over: the next goes after 3 s more; with none left to shed, a pause */
	CHECK(second_shedding(&g, &now, &cpu, 20, true) == GUARD_NONE);
	CHECK(second_shedding(&g, &now, &cpu, 20, true) == GUARD_NONE);
	CHECK(second_shedding(&g, &now, &cpu, 20, true) == GUARD_SHED && g.shed == 2);
	CHECK(second_shedding(&g, &now, &cpu, 5, false) == GUARD_NONE);
	CHECK(second_shedding(&g, &now, &cpu, 5, false) == GUARD_NONE);
	CHECK(second_shedding(&g, &now, &cpu, 5, false) == GUARD_PAUSE && g.pauses == 1);
	while (second_shedding(&g, &now, &cpu, 0, false) != GUARD_RESUME)
		CHECK(now < 100 * S);
	/* the load fell: the recipes come back one by one, the last shed first */
	CHECK(second_shedding(&g, &now, &cpu, 0.5, false) == GUARD_RESTORE && g.shed == 1);
	CHECK(second_shedding(&g, &now, &cpu, 0.5, true) == GUARD_NONE);	/* its back-off */
	while (second_shedding(&g, &now, &cpu, 0.5, true) != GUARD_RESTORE)
		CHECK(now < 200 * S);
	CHECK(g.shed == 0);
	/* on probation: one second over sheds again at once */
	CHECK(second_shedding(&g, &now, &cpu, 30, true) == GUARD_SHED && g.shed == 1);
	CHECK(g.sheds == 3);
}

static void no_budget_no_guard(void)
{
	struct guard g;
	int64_t now = 0, cpu = 0;

	guard_init(&g, 0, now, cpu);
	for (int i = 0; i < 10; i++)
		CHECK(second(&g, &now, &cpu, 100) == GUARD_NONE);
	CHECK(!g.pauses);
}

const struct unit_test guard_tests[] = {
	{ "guard: over budget 3 s in a row pauses; back-off doubles, resets when the load falls",
	  pauses_after_three_seconds_and_backs_off },
	{ "guard: a monitor sheds recipes before it pauses, and restores them one by one",
	  sheds_before_it_pauses_and_restores_when_the_load_falls },
	{ "guard: no --max-cpu, no pause", no_budget_no_guard },
	{ NULL, NULL },
};
