// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The engine: records flow reader -> decoder -> enrichers -> analyses -> sink.
 * Nothing here knows a particular analysis, source kind or output form.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "engine/engine.h"
#include "engine/guard.h"
#include "engine/registry.h"
#include "kernel/formats.h"
#include "kernel/reader.h"
#include "session/session.h"
#include "util/clock.h"

struct enricher {
	const struct enricher_ops *ops;
	void *state;
};

struct engine {
	struct plan *plan;
	struct sink *sink;
	struct engine_opts o;
	bool live;			/* a tracefs session, not recorded pages */
	struct session session;
	bool stopped;
	int status;
	struct reader rd;
	struct decoder dec;
	struct enricher *enrichers;
	int n_enrichers;
	struct analysis *an;
	int n_an;
	uint64_t records;
	int64_t t0, t1, end, tick, step;
	struct loss_report loss;
	struct guard guard;		/* --max-cpu */
};

/*
 * How late a CPU's records may still be committed after a read found it
 * empty (an interrupted writer); records newer than that wait for the next
 * drain, at most a poll timeout later.
 */
#define HOLD_NS 5000000ULL

/* The analyses this run keeps (those that switched themselves off are gone). */
#define FOR_EACH_ANALYSIS(e, a) for (struct analysis *a = (e)->an; a < (e)->an + (e)->n_an; a++)

static void on_record(void *ctx, void *data, int size, unsigned long long ts, int cpu)
{
	struct engine *e = ctx;
	struct record *rec;
	int at = 0;

	e->records++;
	/* one record per recipe event that takes it (a shared tracepoint gives several) */
	while ((rec = decode_next(&e->dec, data, size, ts, cpu, &at))) {
		for (int i = 0; i < e->n_enrichers; i++)
			e->enrichers[i].ops->enrich(e->enrichers[i].state, rec);
		FOR_EACH_ANALYSIS(e, a)
			a->ops->feed(a, rec);
	}
}

/* A page said events were lost: analyses with state across events must know. */
static void on_loss(void *ctx)
{
	struct engine *e = ctx;

	FOR_EACH_ANALYSIS(e, a)
		if (a->ops->lost)
			a->ops->lost(a);
}

/* One analysis per declaration in the recipe, in the registry's (report) order. */
static int open_analyses(struct engine *e)
{
	const struct recipe *r = e->plan->recipe;
	int ret;

	e->an = xcalloc(r->n_analyses, sizeof(*e->an));
	for (int k = 0; k < n_analysis_registry; k++)
		for (int i = 0; i < r->n_analyses; i++) {
			struct analysis *a = &e->an[e->n_an];

			if (r->analyses[i].ops != analysis_registry[k])
				continue;
			*a = (struct analysis){ .ops = r->analyses[i].ops, .recipe = r,
						.cfg = r->analyses[i].cfg, .sink = e->sink,
						.opts = e->o.analysis };
			e->n_an++;
			if (a->ops->init && (ret = a->ops->init(a)))
				return ret;
			if (a->off) {	/* not needed: not fed a single record */
				if (a->ops->free)
					a->ops->free(a);
				e->n_an--;
			}
		}
	return PK_OK;
}

static void open_enrichers(struct engine *e)
{
	struct enrich_env env = { .recipe = e->plan->recipe, .tep = e->plan->tep,
				  .tracing_dir = e->live ? e->plan->caps->tracing_dir : NULL };

	e->enrichers = xcalloc(n_enricher_registry, sizeof(*e->enrichers));
	for (int i = 0; i < n_enricher_registry && !e->o.no_enrich; i++) {
		void *state = enricher_registry[i]->open(&env);

		if (state)
			e->enrichers[e->n_enrichers++] = (struct enricher){ enricher_registry[i], state };
	}
}

/* An optional event the kernel cannot run here: say so once tracing is set up. */
static void warn_skipped(const struct plan *p)
{
	for (int i = 0; i < p->n_ev; i++) {
		const struct planned_event *pe = &p->ev[i];

		if (pe->chosen < 0 && pe->decl->optional && plan_when_holds(p, i))
			pk_warn("optional event '%s' is not traced: %s", pe->decl->name,
				plan_why_not(p, i));
	}
}

/* A ksym field needs kallsyms: read it now, not on the first record while tracing. */
static void preload_symbols(const struct plan *p)
{
	const struct recipe *r = p->recipe;

	for (int i = 0; i < r->n_fields; i++)
		if (r->fields[i].format == FMT_KSYM && !formats_load_kallsyms(p->tep))
			pk_warn("cannot read /proc/kallsyms: field '%s' shows addresses",
				r->fields[i].name);
}

/* Apply the plan; each refusal goes back to the planner, which picks again. */
static int start_session(struct engine *e)
{
	struct refusal ref = { 0 };
	int ret;

	session_init(&e->session, e->plan);
	while ((ret = session_make_probes(&e->session, &ref)) == SESSION_REFUSED)
		if ((ret = plan_refuse(e->plan, ref.event, ref.reason, ref.recipe_error)))
			break;
	if (!ret)
		ret = session_start_tracing(&e->session);
	if (ret)
		session_teardown(&e->session);
	return ret;
}

static int open_source(struct engine *e)
{
	int ret;

	if (!e->live)
		return reader_open_fds(&e->rd, e->o.page_fds, e->o.n_page_fds, e->o.page_size);
	preload_symbols(e->plan);
	if ((ret = start_session(e)))
		return ret;
	warn_skipped(e->plan);	/* after start: the kernel may have refused a probe */
	if ((ret = reader_open(&e->rd, e->session.inst)))
		return ret;
	/* a trace clock we can read: records are handed over in time order across CPUs */
	if (!strcmp(e->plan->clock, "mono"))
		e->rd.hold_clock = CLOCK_MONOTONIC;
	else if (!strcmp(e->plan->clock, "boot"))
		e->rd.hold_clock = CLOCK_BOOTTIME;
	e->rd.hold_ns = HOLD_NS;
	return PK_OK;
}

static bool prints_records(const struct engine *e)
{
	FOR_EACH_ANALYSIS(e, a)
		if (a->prints_records)
			return true;
	return false;
}

/* A latency the session made the kernel pair: its analysis reads it at the end. */
static void give_kernel_pairs(struct engine *e)
{
	const struct plan *p = e->plan;

	for (int i = 0; i < p->n_kagg; i++) {
		const struct kagg *k = &p->kagg[i];

		FOR_EACH_ANALYSIS(e, a)
			if (!k->why_not && k->kp.inst && e->live &&
			    a->cfg == p->recipe->analyses[k->analysis].cfg)
				a->kernel = &k->kp;
	}
	for (int i = 0; i < p->n_kcount; i++) {
		const struct kcount *k = &p->kcount[i];

		FOR_EACH_ANALYSIS(e, a)
			if (!k->why_not && k->kc.inst && e->live &&
			    a->cfg == p->recipe->analyses[k->analysis].cfg) {
				a->kernel_counts = xrealloc(a->kernel_counts, (a->n_kernel_counts + 1) *
							    sizeof(*a->kernel_counts));
				a->kernel_counts[a->n_kernel_counts++] = &k->kc;
			}
	}
}

/* Does every consumer of event ev's records say what it reads? Then needed[] holds it. */
static bool used_fields(const struct engine *e, int ev, bool *needed)
{
	if (prints_records(e))	/* a printed line shows the columns */
		return false;
	for (int i = 0; i < e->n_enrichers; i++) {
		if (!e->enrichers[i].ops->uses)
			return false;
		e->enrichers[i].ops->uses(e->enrichers[i].state, ev, needed);
	}
	FOR_EACH_ANALYSIS(e, a) {
		if (!a->ops->uses)
			return false;
		a->ops->uses(a, ev, needed);
	}
	return true;
}

/* The decoder reads, of each event, only the fields someone reads. */
static void decode_only_used(struct engine *e)
{
	const struct recipe *r = e->plan->recipe;
	bool *needed = xcalloc(r->n_fields, sizeof(*needed));

	for (int ev = 0; ev < r->n_events; ev++) {
		memset(needed, 0, r->n_fields * sizeof(*needed));
		if (used_fields(e, ev, needed))
			decoder_only(&e->dec, ev, needed);
	}
	free(needed);
}

/* Tracing off; what arrived before is fed through; the kernel gets its state back. */
static void stop_tracing(struct engine *e)
{
	if (e->stopped)
		return;
	e->stopped = true;
	e->t1 = clock_ns(CLOCK_MONOTONIC);	/* traced time: not the drain or the teardown */
	if (!e->live)
		return;
	session_tracing_off(&e->session);
	if (e->dec.rec.values)	/* nothing older can come now: none held back */
		reader_drain_all(&e->rd, on_record, e);
	reader_read_stats(&e->rd);
	FOR_EACH_ANALYSIS(e, a)
		if (a->ops->stop)
			a->ops->stop(a);
	reader_close(&e->rd);	/* the instance cannot go while its files are open */
	e->status = session_teardown(&e->session) ?: e->status;
}

struct engine *engine_open(struct plan *p, struct sink *sink, const struct engine_opts *o,
			   int *status)
{
	struct engine *e = xcalloc(1, sizeof(*e));

	e->plan = p;
	e->sink = sink;
	e->o = *o;
	e->live = !o->page_fds;
	/* analyses first: a bad option is refused before anything is written to tracefs */
	*status = open_analyses(e);
	if (*status) {
		e->stopped = true;
		engine_close(e);
		return NULL;
	}
	*status = open_source(e);
	if (!*status) {
		/* at once: what analyses take at the start (MIB counters, listeners)
		 * must not miss what the kernel traces from now on */
		give_kernel_pairs(e);
		FOR_EACH_ANALYSIS(e, a)
			if (a->ops->start && e->live)
				a->ops->start(a);
		*status = decoder_init(&e->dec, p);
	}
	if (*status) {
		stop_tracing(e);
		engine_close(e);
		return NULL;
	}
	e->rd.on_loss = on_loss;
	e->rd.loss_ctx = e;
	open_enrichers(e);
	decode_only_used(e);
	sink->fc.tep = p->tep;
	sink->fc.wall_offset_ns = clock_wall_offset(p->clock);
	if (prints_records(e))
		sink_header(sink);
	e->t0 = clock_ns(CLOCK_MONOTONIC);
	e->end = o->duration_ns ? e->t0 + (int64_t)o->duration_ns : 0;
	e->step = o->analysis ? (int64_t)o->analysis->interval_ns : 0;
	e->tick = e->step ? e->t0 + e->step : 0;
	guard_init(&e->guard, e->live ? o->max_cpu : 0, e->t0, clock_ns(CLOCK_PROCESS_CPUTIME_ID));
	return e;
}

static int poll_timeout(const struct engine *e, int64_t now)
{
	int64_t t = 200000000;	/* signals and the clock are checked at least 5 times a second */

	if (e->end && e->end - now < t)
		t = e->end - now;
	if (e->tick && e->tick - now < t)
		t = e->tick - now;
	return t <= 0 ? 0 : (int)(t / 1000000) + 1;
}

static void tick(struct engine *e)
{
	FOR_EACH_ANALYSIS(e, a)
		if (a->ops->tick)
			a->ops->tick(a, e->step / 1e9);
	e->tick += e->step;
}

/* --max-cpu: pause tracing while probekit costs more than its budget (engine/guard.h). */
static void guard(struct engine *e)
{
	struct guard *g = &e->guard;
	int64_t now = clock_ns(CLOCK_MONOTONIC);

	switch (guard_step(g, now, clock_ns(CLOCK_PROCESS_CPUTIME_ID))) {
	case GUARD_PAUSE:
		/* what is buffered is read by the next polls, a bounded amount each */
		session_tracing_off(&e->session);
		pk_warn("overhead guard: probekit used %.1f%% of a CPU (budget %g%%): tracing paused "
			"for %.0f s; what happens meanwhile is not seen", g->last_cpu, g->max_cpu,
			(g->resume_at - now) / 1e9);
		break;
	case GUARD_RESUME:
		/* a gap in the events, as lost ones are: pairs that span it are not made */
		FOR_EACH_ANALYSIS(e, a)
			if (a->ops->lost)
				a->ops->lost(a);
		if (session_tracing_on(&e->session))
			pk_warn("overhead guard: tracing resumed");
		else
			pk_warn("overhead guard: cannot turn tracing on again: %s", strerror(errno));
		break;
	case GUARD_NONE:
		break;
	}
}

/* Recorded pages: everything in one go. */
static bool replay(struct engine *e)
{
	uint64_t before = e->records;

	reader_drain(&e->rd, on_record, e);
	return e->records != before;
}

bool engine_poll(struct engine *e)
{
	int64_t now = clock_ns(CLOCK_MONOTONIC);

	if (e->stopped || (e->o.stop && *e->o.stop) || sink_failed(e->sink) ||
	    (e->end && now >= e->end))
		return false;
	if (!e->live)
		return replay(e);
	reader_wait(&e->rd, poll_timeout(e, now));
	reader_drain(&e->rd, on_record, e);
	guard(e);
	if (e->tick && clock_ns(CLOCK_MONOTONIC) >= e->tick)
		tick(e);
	return true;
}

void engine_report(struct engine *e)
{
	struct run_info info = { .loss = &e->loss };

	stop_tracing(e);	/* before spending time on the summary */
	reader_loss_report(&e->rd, &e->loss);
	info.seconds = (e->t1 - e->t0) / 1e9;
	guard_finish(&e->guard, e->t1);
	info.max_cpu = e->guard.max_cpu;
	info.pauses = e->guard.pauses;
	info.paused_seconds = e->guard.paused_ns / 1e9;
	info.max_cpu_seen = e->guard.max_seen;
	for (int i = 0; i < e->n_enrichers; i++)
		if (e->enrichers[i].ops->report)
			e->enrichers[i].ops->report(e->enrichers[i].state, e->sink);
	FOR_EACH_ANALYSIS(e, a)
		if (a->ops->report)
			a->ops->report(a, &info);
}

uint64_t engine_records(const struct engine *e)
{
	return e->records;
}

int engine_close(struct engine *e)
{
	int status;

	stop_tracing(e);
	for (int i = 0; i < e->n_an; i++)
		if (e->an[i].ops->free)
			e->an[i].ops->free(&e->an[i]);
	for (int i = 0; i < e->n_an; i++)
		free(e->an[i].kernel_counts);
	free(e->an);
	for (int i = 0; i < e->n_enrichers; i++)
		e->enrichers[i].ops->close(e->enrichers[i].state);
	free(e->enrichers);
	reader_free(&e->rd);
	decoder_free(&e->dec);
	free(e->loss.cpus);
	status = e->status;
	free(e);
	return status;
}
