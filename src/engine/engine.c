// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The engine: records flow reader -> decoder -> enrichers -> analyses -> sink.
 * Nothing here knows a particular analysis, source kind or output form.
 */
#include <errno.h>
#include <inttypes.h>
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

/* One recipe's part of a run: its plan, decoder, enrichers, analyses and sink. */
struct pipeline {
	struct plan *plan;
	struct sink *sink;
	struct sink *observer;		/* sees every decoded record (the flight recorder) */
	struct decoder dec;
	struct enricher *enrichers;
	int n_enrichers;
	struct analysis *an;
	int n_an;
	bool skipped;			/* monitor: the kernel refused it; the others go on */
	/* the overhead guard: shed (not fed, its own events off), and what it cost */
	bool shed;
	bool *switched_off;		/* per planned event: turned off by the shedding */
	uint64_t decoded;		/* records decoded since the guard last acted */
	int sheds;
};

struct engine {
	struct pipeline *pipes;		/* one per recipe (a run has one) */
	int n_pipes;
	struct session *sessions;	/* one per recipe, one instance (linked when several) */
	struct engine_opts o;
	bool live;			/* a tracefs session, not recorded pages */
	bool stopped;
	bool decoding;			/* the decoders are ready: records can be fed */
	int status;
	struct reader rd;
	uint64_t records;
	int64_t t0, t1, end, tick, step;
	struct loss_report loss;
	struct guard guard;		/* --max-cpu */
	int *shed_order;		/* pipelines shed, the last one last (restored first) */
	int n_shed;
};

/*
 * How late a CPU's records may still be committed after a read found it
 * empty (an interrupted writer); records newer than that wait for the next
 * drain, at most a poll timeout later.
 */
#define HOLD_NS 5000000ULL

/* The pipelines this run keeps (not those the kernel refused in a monitor). */
#define FOR_EACH_PIPE(e, pl) \
	for (struct pipeline *pl = (e)->pipes; pl < (e)->pipes + (e)->n_pipes; pl++) \
		if (!pl->skipped)
/* A pipeline's analyses (those that switched themselves off are gone). */
#define FOR_EACH_ANALYSIS(pl, a) for (struct analysis *a = (pl)->an; a < (pl)->an + (pl)->n_an; a++)

static void on_record(void *ctx, void *data, int size, unsigned long long ts, int cpu)
{
	struct engine *e = ctx;
	struct record *rec;

	e->records++;
	FOR_EACH_PIPE(e, pl) {
		int at = 0;

		if (pl->shed)
			continue;
		/* one record per recipe event that takes it (a shared tracepoint gives several) */
		while ((rec = decode_next(&pl->dec, data, size, ts, cpu, &at))) {
			pl->decoded++;
			for (int i = 0; i < pl->n_enrichers; i++)
				pl->enrichers[i].ops->enrich(pl->enrichers[i].state, rec);
			if (pl->observer)
				pl->observer->ops->record(pl->observer, rec, "event", NULL);
			FOR_EACH_ANALYSIS(pl, a)
				a->ops->feed(a, rec);
		}
	}
}

/* A pipeline's gap in the events: its enrichers and analyses with state must know. */
static void pipe_lost(struct pipeline *pl)
{
	for (int i = 0; i < pl->n_enrichers; i++)
		if (pl->enrichers[i].ops->lost)
			pl->enrichers[i].ops->lost(pl->enrichers[i].state);
	FOR_EACH_ANALYSIS(pl, a)
		if (a->ops->lost)
			a->ops->lost(a);
}

/* A gap in the events (a page said some were lost, a pause). */
static void all_lost(struct engine *e)
{
	FOR_EACH_PIPE(e, pl)
		pipe_lost(pl);
}

static void on_loss(void *ctx)
{
	all_lost(ctx);
}

/* One analysis per declaration in the recipe, in the registry's (report) order. */
static int open_analyses(struct engine *e, struct pipeline *pl)
{
	const struct recipe *r = pl->plan->recipe;
	int ret;

	pl->an = xcalloc(r->n_analyses, sizeof(*pl->an));
	for (int k = 0; k < n_analysis_registry; k++)
		for (int i = 0; i < r->n_analyses; i++) {
			struct analysis *a = &pl->an[pl->n_an];

			if (r->analyses[i].ops != analysis_registry[k])
				continue;
			*a = (struct analysis){ .ops = r->analyses[i].ops, .recipe = r,
						.cfg = r->analyses[i].cfg, .sink = pl->sink,
						.opts = e->o.analysis };
			pl->n_an++;
			if (a->ops->init && (ret = a->ops->init(a)))
				return ret;
			if (a->off) {	/* not needed: not fed a single record */
				if (a->ops->free)
					a->ops->free(a);
				pl->n_an--;
			}
		}
	return PK_OK;
}

static void open_enrichers(struct engine *e, struct pipeline *pl)
{
	struct enrich_env env = { .recipe = pl->plan->recipe, .tep = pl->plan->tep,
				  .tracing_dir = e->live ? pl->plan->caps->tracing_dir : NULL };

	pl->enrichers = xcalloc(n_enricher_registry, sizeof(*pl->enrichers));
	for (int i = 0; i < n_enricher_registry && !e->o.no_enrich; i++) {
		void *state = enricher_registry[i]->open(&env);

		if (state)
			pl->enrichers[pl->n_enrichers++] = (struct enricher){ enricher_registry[i], state };
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

/* Make a plan's probes; each refusal goes back to the planner, which picks again. */
static int make_probes(struct session *s)
{
	struct refusal ref = { 0 };
	int ret;

	while ((ret = session_make_probes(s, &ref)) == SESSION_REFUSED)
		if ((ret = plan_refuse(s->plan, ref.event, ref.reason, ref.recipe_error)))
			break;
	return ret;
}

/*
 * Apply the plans in one instance. A monitor's recipe the kernel refuses is
 * skipped (plan_refuse said why), the others go on; a run's ends it.
 */
static int start_sessions(struct engine *e)
{
	int ret = PK_OK, running = 0;

	e->sessions = xcalloc(e->n_pipes, sizeof(*e->sessions));
	for (int k = 0; k < e->n_pipes; k++)
		session_init(&e->sessions[k], e->pipes[k].plan);
	if (e->n_pipes > 1)
		session_set_link(e->sessions, e->n_pipes);
	for (int k = 0; k < e->n_pipes && !ret; k++) {
		int r = make_probes(&e->sessions[k]);

		if (r && e->n_pipes > 1 && r != PK_ERR_RUNTIME) {
			pk_warn("recipe '%s' is skipped: the kernel refused it (above)",
				e->pipes[k].plan->recipe->name);
			e->pipes[k].skipped = true;
			e->pipes[k].plan->skipped = true;	/* its events no longer widen filters */
		} else {
			ret = r;
		}
	}
	for (int k = 0; k < e->n_pipes && !ret; k++)	/* the first makes it, the others join */
		ret = session_open_instance(&e->sessions[k]);
	for (int k = 0; k < e->n_pipes && !ret; k++)
		if (!e->pipes[k].skipped) {
			ret = session_enable_events(&e->sessions[k]);
			running++;
		}
	if (!ret && !running) {
		pk_error("no recipe can run on this kernel");
		ret = PK_ERR_KERNEL;
	}
	if (!ret && !session_tracing_on(&e->sessions[0])) {
		pk_error("cannot turn tracing on: %s", strerror(errno));
		ret = PK_ERR_RUNTIME;
	}
	if (ret) {
		session_teardown_set(e->sessions, e->n_pipes);
		free(e->sessions);
		e->sessions = NULL;
	}
	return ret;
}

static int open_source(struct engine *e)
{
	struct plan *p = e->pipes[0].plan;
	int ret;

	if (!e->live)
		return reader_open_fds(&e->rd, e->o.page_fds, e->o.n_page_fds, e->o.page_size);
	FOR_EACH_PIPE(e, pl)
		preload_symbols(pl->plan);
	if ((ret = start_sessions(e)))
		return ret;
	FOR_EACH_PIPE(e, pl)
		warn_skipped(pl->plan);	/* after start: the kernel may have refused a probe */
	if ((ret = reader_open(&e->rd, e->sessions[0].inst)))
		return ret;
	/* a trace clock we can read: records are handed over in time order across CPUs */
	if (!strcmp(p->clock, "mono"))
		e->rd.hold_clock = CLOCK_MONOTONIC;
	else if (!strcmp(p->clock, "boot"))
		e->rd.hold_clock = CLOCK_BOOTTIME;
	e->rd.hold_ns = HOLD_NS;
	return PK_OK;
}

static bool prints_records(const struct pipeline *pl)
{
	FOR_EACH_ANALYSIS(pl, a)
		if (a->prints_records)
			return true;
	return false;
}

/* A latency the session made the kernel pair: its analysis reads it at the end. */
static void give_kernel_pairs(struct engine *e, struct pipeline *pl)
{
	const struct plan *p = pl->plan;

	for (int i = 0; i < p->n_kagg; i++) {
		const struct kagg *k = &p->kagg[i];

		FOR_EACH_ANALYSIS(pl, a)
			if (!k->why_not && k->kp.inst && e->live &&
			    a->cfg == p->recipe->analyses[k->analysis].cfg)
				a->kernel = &k->kp;
	}
	for (int i = 0; i < p->n_kcount; i++) {
		const struct kcount *k = &p->kcount[i];

		FOR_EACH_ANALYSIS(pl, a)
			if (!k->why_not && k->kc.inst && e->live &&
			    a->cfg == p->recipe->analyses[k->analysis].cfg) {
				a->kernel_counts = xrealloc(a->kernel_counts, (a->n_kernel_counts + 1) *
							    sizeof(*a->kernel_counts));
				a->kernel_counts[a->n_kernel_counts++] = &k->kc;
			}
	}
}

/* Does every consumer of event ev's records say what it reads? Then needed[] holds it. */
static bool used_fields(const struct pipeline *pl, int ev, bool *needed)
{
	if (prints_records(pl) || pl->observer)	/* a printed or kept line shows every field */
		return false;
	for (int i = 0; i < pl->n_enrichers; i++) {
		if (!pl->enrichers[i].ops->uses)
			return false;
		pl->enrichers[i].ops->uses(pl->enrichers[i].state, ev, needed);
	}
	FOR_EACH_ANALYSIS(pl, a) {
		if (!a->ops->uses)
			return false;
		a->ops->uses(a, ev, needed);
	}
	return true;
}

/* The decoder reads, of each event, only the fields someone reads. */
static void decode_only_used(struct pipeline *pl)
{
	const struct recipe *r = pl->plan->recipe;
	bool *needed = xcalloc(r->n_fields, sizeof(*needed));

	for (int ev = 0; ev < r->n_events; ev++) {
		memset(needed, 0, r->n_fields * sizeof(*needed));
		if (used_fields(pl, ev, needed))
			decoder_only(&pl->dec, ev, needed);
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
	if (!e->live || !e->sessions)
		return;
	session_tracing_off(&e->sessions[0]);
	if (e->decoding)	/* nothing older can come now: none held back */
		reader_drain_all(&e->rd, on_record, e);
	reader_read_stats(&e->rd);
	FOR_EACH_PIPE(e, pl)
		FOR_EACH_ANALYSIS(pl, a)
			if (a->ops->stop)
				a->ops->stop(a);
	reader_close(&e->rd);	/* the instance cannot go while its files are open */
	e->status = session_teardown_set(e->sessions, e->n_pipes) ?: e->status;
}

struct engine *engine_open_set(struct plan **plans, struct sink **sinks, int n,
			       const struct engine_opts *o, int *status)
{
	struct engine *e = xcalloc(1, sizeof(*e));

	e->pipes = xcalloc(n, sizeof(*e->pipes));
	e->shed_order = xcalloc(n, sizeof(*e->shed_order));
	e->n_pipes = n;
	for (int k = 0; k < n; k++)
		e->pipes[k] = (struct pipeline){ .plan = plans[k], .sink = sinks[k],
						 .observer = o->observers ? o->observers[k] : NULL };
	e->o = *o;
	e->live = !o->page_fds;
	/* analyses first: a bad option is refused before anything is written to tracefs */
	*status = PK_OK;
	FOR_EACH_PIPE(e, pl)
		if (!*status)
			*status = open_analyses(e, pl);
	if (*status) {
		e->stopped = true;
		engine_close(e);
		return NULL;
	}
	*status = open_source(e);
	if (!*status) {
		/* at once: what analyses take at the start (MIB counters, listeners)
		 * must not miss what the kernel traces from now on */
		FOR_EACH_PIPE(e, pl) {
			give_kernel_pairs(e, pl);
			FOR_EACH_ANALYSIS(pl, a)
				if (a->ops->start && e->live)
					a->ops->start(a);
		}
		FOR_EACH_PIPE(e, pl)
			if (!*status)
				*status = decoder_init(&pl->dec, pl->plan);
	}
	if (*status) {
		stop_tracing(e);
		engine_close(e);
		return NULL;
	}
	e->decoding = true;
	e->rd.on_loss = on_loss;
	e->rd.loss_ctx = e;
	FOR_EACH_PIPE(e, pl) {
		open_enrichers(e, pl);
		decode_only_used(pl);
		pl->sink->fc.tep = pl->plan->tep;
		pl->sink->fc.wall_offset_ns = clock_wall_offset(pl->plan->clock);
		if (pl->observer)
			pl->observer->fc = pl->sink->fc;
		if (prints_records(pl))
			sink_header(pl->sink);
	}
	e->t0 = clock_ns(CLOCK_MONOTONIC);
	e->end = o->duration_ns ? e->t0 + (int64_t)o->duration_ns : 0;
	e->step = o->analysis ? (int64_t)o->analysis->interval_ns : 0;
	e->tick = e->step ? e->t0 + e->step : 0;
	guard_init(&e->guard, e->live ? o->max_cpu : 0, e->t0, clock_ns(CLOCK_PROCESS_CPUTIME_ID));
	return e;
}

struct engine *engine_open(struct plan *p, struct sink *sink, const struct engine_opts *o,
			   int *status)
{
	return engine_open_set(&p, &sink, 1, o, status);
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
	FOR_EACH_PIPE(e, pl)
		FOR_EACH_ANALYSIS(pl, a)
			if (a->ops->tick)
				a->ops->tick(a, e->step / 1e9);
	e->tick += e->step;
}

/* Does a traced, not shed, recipe other than pl's read the tracepoint of pl's event ev? */
static bool read_by_another(struct engine *e, const struct pipeline *pl, int ev)
{
	const struct planned_event *pe = &pl->plan->ev[ev];

	FOR_EACH_PIPE(e, q)
		for (int i = 0; q != pl && !q->shed && i < q->plan->n_ev; i++)
			if (q->plan->ev[i].chosen >= 0 && !strcmp(q->plan->ev[i].system, pe->system) &&
			    !strcmp(q->plan->ev[i].name, pe->name))
				return true;
	return false;
}

/* The pipelines the guard may shed: traced, not shed; more than one must be left tracing. */
static int sheddable(struct engine *e)
{
	int n = 0;
	uint64_t decoded = 0;

	FOR_EACH_PIPE(e, pl) {
		n += !pl->shed;
		decoded += pl->shed ? 0 : pl->decoded;
	}
	/* nothing decoded lately: the cost is not a recipe's, turning one off would not help */
	return e->live && decoded ? n : 0;
}

/* The costliest recipe stops: not fed, its events off where no other recipe reads them. */
static struct pipeline *shed_costliest(struct engine *e)
{
	struct pipeline *worst = NULL;
	const struct plan *p;
	struct session *s;

	FOR_EACH_PIPE(e, pl)
		if (!pl->shed && (!worst || pl->decoded > worst->decoded))
			worst = pl;
	p = worst->plan;
	s = &e->sessions[worst - e->pipes];
	worst->shed = true;
	worst->sheds++;
	if (!worst->switched_off)
		worst->switched_off = xcalloc(p->n_ev, sizeof(bool));
	for (int i = 0; i < p->n_ev; i++)
		if (p->ev[i].chosen >= 0 && plan_first_sharing(p, i) == i &&
		    !plan_event_paired_in_kernel(p, i) && !read_by_another(e, worst, i))
			worst->switched_off[i] = session_event_switch(s, i, false);
	e->shed_order[e->n_shed++] = (int)(worst - e->pipes);
	return worst;
}

/* The last recipe shed comes back: its events on, a gap for its analyses (as lost events). */
static struct pipeline *restore_last(struct engine *e)
{
	struct pipeline *pl = &e->pipes[e->shed_order[--e->n_shed]];
	struct session *s = &e->sessions[pl - e->pipes];

	for (int i = 0; i < pl->plan->n_ev; i++)
		if (pl->switched_off[i] && session_event_switch(s, i, true))
			pl->switched_off[i] = false;
	pl->shed = false;
	pipe_lost(pl);
	return pl;
}

static void reset_costs(struct engine *e)
{
	FOR_EACH_PIPE(e, pl)
		pl->decoded = 0;
}

/* --max-cpu: shed recipes, then pause tracing, while probekit costs more than its budget (engine/guard.h). */
static void guard(struct engine *e)
{
	struct guard *g = &e->guard;
	int64_t now = clock_ns(CLOCK_MONOTONIC);
	struct pipeline *pl;
	uint64_t all = 0;

	switch (guard_step(g, now, clock_ns(CLOCK_PROCESS_CPUTIME_ID), sheddable(e) > 1)) {
	case GUARD_SHED:
		FOR_EACH_PIPE(e, q)
			all += q->decoded;
		pl = shed_costliest(e);
		pk_warn("overhead guard: probekit used %.1f%% of a CPU (budget %g%%): recipe '%s' shed "
			"(%" PRIu64 " of the %" PRIu64 " records decoded lately were its own); the "
			"others trace on; it comes back after %.0f s within the budget", g->last_cpu,
			g->max_cpu, pl->plan->recipe->name, pl->decoded, all,
			(g->restore_at - now) / 1e9);
		reset_costs(e);
		break;
	case GUARD_RESTORE:
		pl = restore_last(e);
		pk_warn("overhead guard: recipe '%s' traces again (probekit used %.1f%% of a CPU)",
			pl->plan->recipe->name, g->last_cpu);
		reset_costs(e);
		break;
	case GUARD_PAUSE:
		/* what is buffered is read by the next polls, a bounded amount each */
		session_tracing_off(&e->sessions[0]);
		pk_warn("overhead guard: probekit used %.1f%% of a CPU (budget %g%%): tracing paused "
			"for %.0f s; what happens meanwhile is not seen", g->last_cpu, g->max_cpu,
			(g->resume_at - now) / 1e9);
		break;
	case GUARD_RESUME:
		/* a gap in the events, as lost ones are: pairs that span it are not made */
		all_lost(e);
		if (session_tracing_on(&e->sessions[0]))
			pk_warn("overhead guard: tracing resumed");
		else
			pk_warn("overhead guard: cannot turn tracing on again: %s", strerror(errno));
		reset_costs(e);
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

/* A sink that cannot write (a closed pipe): the run is over. */
static bool a_sink_failed(struct engine *e)
{
	FOR_EACH_PIPE(e, pl)
		if (sink_failed(pl->sink))
			return true;
	return false;
}

bool engine_poll(struct engine *e)
{
	int64_t now = clock_ns(CLOCK_MONOTONIC);

	if (e->stopped || (e->o.stop && *e->o.stop) || a_sink_failed(e) ||
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

/* What the analyses' reports say of the run. */
static void run_info(struct engine *e, struct run_info *info)
{
	*info = (struct run_info){ .loss = &e->loss };
	info->seconds = ((e->stopped ? e->t1 : clock_ns(CLOCK_MONOTONIC)) - e->t0) / 1e9;
	info->max_cpu = e->guard.max_cpu;
	info->pauses = e->guard.pauses;
	info->paused_seconds = e->guard.paused_ns / 1e9;
	info->max_cpu_seen = e->guard.max_seen;
}

void engine_report(struct engine *e)
{
	struct run_info info;

	stop_tracing(e);	/* before spending time on the summary */
	reader_loss_report(&e->rd, &e->loss);
	guard_finish(&e->guard, e->t1);
	run_info(e, &info);
	FOR_EACH_PIPE(e, pl) {
		for (int i = 0; i < pl->n_enrichers; i++)
			if (pl->enrichers[i].ops->report)
				pl->enrichers[i].ops->report(pl->enrichers[i].state, pl->sink);
		FOR_EACH_ANALYSIS(pl, a)
			if (a->ops->report)
				a->ops->report(a, &info);
	}
}

uint64_t engine_records(const struct engine *e)
{
	return e->records;
}

int engine_n_recipes(const struct engine *e)
{
	return e->n_pipes;
}

bool engine_recipe_runs(const struct engine *e, int k)
{
	return !e->pipes[k].skipped;
}

bool engine_recipe_shed(const struct engine *e, int k, int *times)
{
	*times = e->pipes[k].sheds;
	return e->pipes[k].shed;
}

/* The ring buffer's own counters (overrun, dropped) as they are now, while tracing. */
static void refresh_loss(struct engine *e)
{
	if (e->live && !e->stopped && e->rd.inst)
		reader_read_stats(&e->rd);
}

uint64_t engine_lost(struct engine *e)
{
	refresh_loss(e);
	return reader_lost_total(&e->rd);
}

void engine_snapshot(struct engine *e, int k, struct sink *s)
{
	struct pipeline *pl = &e->pipes[k];
	struct loss_report now = { 0 };
	struct run_info info;

	if (pl->skipped)
		return;
	run_info(e, &info);
	refresh_loss(e);
	reader_loss_report(&e->rd, &now);
	info.loss = &now;
	s->fc.tep = pl->plan->tep;
	s->fc.wall_offset_ns = pl->sink->fc.wall_offset_ns;
	FOR_EACH_ANALYSIS(pl, a)
		if (a->ops->snapshot)
			a->ops->snapshot(a, &info, s);
	free(now.cpus);
}

static void close_pipeline(struct pipeline *pl)
{
	FOR_EACH_ANALYSIS(pl, a)
		if (a->ops->free)
			a->ops->free(a);
	FOR_EACH_ANALYSIS(pl, a)
		free(a->kernel_counts);
	free(pl->an);
	for (int i = 0; i < pl->n_enrichers; i++)
		pl->enrichers[i].ops->close(pl->enrichers[i].state);
	free(pl->enrichers);
	free(pl->switched_off);
	decoder_free(&pl->dec);
}

int engine_close(struct engine *e)
{
	int status;

	stop_tracing(e);
	for (int k = 0; k < e->n_pipes; k++)
		close_pipeline(&e->pipes[k]);
	free(e->pipes);
	free(e->shed_order);
	free(e->sessions);
	reader_free(&e->rd);
	free(e->loss.cpus);
	status = e->status;
	free(e);
	return status;
}
