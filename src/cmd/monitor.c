// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probekit monitor: several recipes at once, in one instance and one reader,
 * until stopped; their metrics served over HTTP and written for
 * node_exporter's textfile collector, their summaries printed at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "cmd/commands.h"
#include "cmd/monitor.h"
#include "engine/engine.h"
#include "output/flight.h"
#include "output/flight_trigger.h"
#include "output/metrics_http.h"
#include "output/prometheus.h"
#include "session/session.h"
#include "util/clock.h"
#include "util/cpulist.h"
#include "util/duration.h"
#include "util/sdnotify.h"

static const char usage_text[] =
	"usage: probekit monitor RECIPE... [OPTIONS]\n"
	"       probekit monitor --set FILE [RECIPE...] [OPTIONS]\n\n"
	"Trace with several recipes at once (one instance, one reader) until SIGINT or\n"
	"SIGTERM (or -d); write their metrics in Prometheus's text format; print each\n"
	"recipe's summary at the end. A recipe this kernel cannot run is reported and\n"
	"skipped. SIGHUP reads the recipes (and FILE) again: recipes whose file and\n"
	"parameters are unchanged keep their counters; a set that does not load or plan\n"
	"is refused and the running one goes on. Needs root (but for --plan).\n\n"
	"      --plan              change nothing: show how the set would run (each\n"
	"                          recipe's choices, the tracefs writes, where pairs and\n"
	"                          the recorder's history are kept and why, what each\n"
	"                          trigger fires on) and exit\n"
	"      --set FILE          recipes to run, one per line: RECIPE [NAME=VALUE...]\n"
	"                          ('#' starts a comment); read again at SIGHUP\n"
	"  -p, --param NAME=VALUE  set the parameter NAME of every recipe that has it;\n"
	"                          RECIPE:NAME=VALUE for that recipe alone\n"
	"      --listen ADDR:PORT  serve the metrics at http://ADDR:PORT/metrics (:PORT is\n"
	"                          127.0.0.1; [ADDR]:PORT for IPv6); not in the static binary\n"
	"      --textfile DIR      write DIR/probekit.prom (atomically: a new file renamed\n"
	"                          over the old) for node_exporter's textfile collector\n"
	"      --every SECONDS     how often the metrics are made anew (default 5)\n"
	"      --max-series N      at most N server ports (request/response), remote\n"
	"                          addresses and process names per recipe get series of\n"
	"                          their own (default 100); the rest are summed as \"other\"\n"
	"      --record DIR        flight recorder: keep the last --before seconds of every\n"
	"                          recipe's events and pairs in memory; when a --trigger\n"
	"                          fires, write DIR/probekit-capture-TIME.ndjson with the\n"
	"                          events from before to --after seconds after it\n"
	"      --trigger TRIGGER   RECIPE [FIELD] > TIME (a pair or request slower than\n"
	"                          TIME: 'tcp-reqresp total > 200ms'); RECIPE:EVENT\n"
	"                          [FIELD=VALUE...] (any such event: 'tcp-resets:sent\n"
	"                          lport=3306'); RECIPE:EVENT [FIELD=VALUE...] > N/TIME\n"
	"                          (more than N within TIME); may be given several times\n"
	"      --before SECONDS    history a capture holds (default 10)\n"
	"      --after SECONDS     what follows the trigger in a capture (default 5)\n"
	"      --record-mb MB      the recorder's memory (default 64; the oldest events go)\n"
	"      --capture-interval SECONDS\n"
	"                          captures at least this far apart (default 60); triggers\n"
	"                          in between are counted, not captured\n"
	"      --max-captures N    captures kept in DIR (default 20; the oldest go)\n"
	"      --captures-mb MB    their total size (default 512)\n"
	"      --on-trigger CMD    run sh -c CMD with the capture's path as $1 and\n"
	"                          PROBEKIT_CAPTURE, once it is written; never waited for\n"
	"                          (one at a time, killed after --on-trigger-timeout, 60 s)\n"
	"  -d, --duration SECONDS  stop after this long (default: until stopped)\n"
	"      --max-cpu PERCENT   overhead guard (default 1; off: none): when probekit uses\n"
	"                          more than PERCENT of one CPU for 3 s, turn off the recipe\n"
	"                          that decoded the most records (then the next, 3 s later),\n"
	"                          the last one left pausing tracing instead; each comes\n"
	"                          back after 5 s (doubling while the load lasts) within\n"
	"                          the budget\n"
	"      --cpu LIST          run probekit itself only on these CPUs\n"
	"  -b, --buffer-kb KB      per-CPU ring buffer of the instance (default: kernel's)\n"
	"      --no-kernel-agg     pair latencies (and count their events) in user space\n"
	"                          even where the kernel could (with --record they always are)\n"
	"      --clock CLOCK       trace clock for the instance (default: mono, else global)\n"
	"      --tracing-dir DIR   use DIR as tracefs (default: find or mount it)\n";

enum { OPT_TEXTFILE = 2000, OPT_SET, OPT_EVERY, OPT_LISTEN, OPT_MAX_SERIES, OPT_RECORD, OPT_TRIGGER,
       OPT_BEFORE, OPT_AFTER, OPT_RECORD_MB, OPT_CAPTURE_INTERVAL, OPT_MAX_CAPTURES,
       OPT_CAPTURES_MB, OPT_ON_TRIGGER, OPT_ON_TRIGGER_TIMEOUT, OPT_PLAN };



static volatile sig_atomic_t stop_signal, reload_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void on_hangup(int sig)
{
	(void)sig;
	reload_signal = 1;	/* the loop reloads the set */
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART: wake poll() */
	struct sigaction hup = { .sa_handler = on_hangup };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	sigemptyset(&hup.sa_mask);
	sigaction(SIGHUP, &hup, NULL);
}

/* Tracing: one line on stderr (the journal's), and readiness for systemd (Type=notify). */
static void announce(struct monitor *mon)
{
	struct strbuf sb = { 0 };
	char *status, *state;

	for (int k = 0; k < mon->rs->n; k++)
		if (engine_recipe_runs(mon->e, k))
			sb_addf(&sb, " %s", mon->rs->r[k]->name);
	status = sb_detach(&sb);
	fprintf(stderr, "probekit monitor: tracing%s\n", status);
	state = xasprintf("READY=1\nSTATUS=tracing%s\nMAINPID=%d", status, (int)getpid());
	if (!sd_notify_state(state))
		pk_warn("NOTIFY_SOCKET: cannot tell systemd the monitor is ready");
	free(state);
	free(status);
}

/* --record: the recorder's sinks stand in for the recipes' (their summaries still print). */
static struct flight *open_recorder(struct recipe_set *rs, const struct monitor_opts *mo,
				    struct analysis_opts *an, int *status)
{
	const struct recipe *recipes[MONITOR_MAX_RECIPES];
	struct flight *fl;

	for (int k = 0; k < rs->n; k++)
		recipes[k] = rs->r[k];
	fl = flight_open(&mo->rec, recipes, rs->n, status);
	if (!fl)
		return NULL;
	for (int k = 0; k < rs->n; k++) {
		json_t *pj = monitor_plan_json(rs->pp[k]);

		flight_set_plan(fl, k, pj);
		json_decref(pj);
		rs->sink[k] = flight_sink(fl, k, stdout);
		rs->observer[k] = flight_observer(fl, k);
	}
	/* every pair and request is kept, not only slow ones: a capture shows them all */
	an->threshold = true;
	an->threshold_ns = 0;
	return fl;
}

/* The planned set traces: its sinks (or the recorder's), one engine. */
static int start_set(struct monitor *mon)
{
	const struct monitor_opts *mo = mon->mo;
	struct recipe_set *rs = mon->rs;
	struct engine_opts eo = { .analysis = &mon->an, .stop = &stop_signal,
				  .max_cpu = mo->max_cpu };
	int64_t now = clock_ns(CLOCK_MONOTONIC);
	int ret;

	if (mo->duration_ns && !mon->deadline)
		mon->deadline = now + (int64_t)mo->duration_ns;
	if (mon->deadline)	/* what is left of -d: a reload does not start it over */
		eo.duration_ns = mon->deadline > now ? (uint64_t)(mon->deadline - now) : 1;

	rs->pins = mon->pins;
	mon->an = (struct analysis_opts){ .label_series = mo->max_series };
	if (mo->rec.dir) {
		if (!(mon->fl = open_recorder(rs, mo, &mon->an, &ret)))
			return ret;
		if (!mon->reloads)
			flight_remove_dead_partials(mo->rec.dir);
		flight_take_carry(mon->fl, &mon->fcarry);
		if (!mon->reloads)	/* where the history is, and why (the issue of cost) */
			fprintf(stderr, "probekit monitor: recorder: the last %.3g s of events kept in "
				"user space as decoded (a %zu MiB ring): every event is read for the "
				"metrics anyway; a kernel buffer in overwrite mode would write each "
				"twice, in the traced task's time\n", mo->rec.before_ns / 1e9,
				mo->rec.ring_bytes >> 20);
		eo.observers = rs->observer;
	} else {
		for (int k = 0; k < rs->n; k++)
			rs->sink[k] = sink_open(&text_sink, rs->r[k], stdout, true);
	}
	if (!(mon->e = engine_open_set(rs->pp, rs->sink, rs->n, &eo, &ret))) {
		flight_close(mon->fl);
		mon->fl = NULL;
	}
	return ret;
}

/* After engine_report (the drain, the summaries): the kernel's state given back; the set freed. */
static int stop_set(struct monitor *mon, bool reloading)
{
	int ret;

	/* after the drain: a pending capture gets what came */
	if (reloading)
		flight_close_carry(mon->fl, &mon->fcarry);
	else
		flight_close(mon->fl);
	ret = engine_close(mon->e);
	mon->e = NULL;
	mon->fl = NULL;
	recipe_set_clear(mon->rs);
	return ret;
}

/* Do the recorder's triggers name recipes of the planned set (not one it skipped)? */
static bool triggers_fit(const struct monitor *mon, const struct recipe_set *next)
{
	for (char **t = mon->mo->rec.triggers; mon->mo->rec.dir && t && *t; t++) {
		struct flight_trigger ft;

		if (!flight_trigger_parse(&ft, *t, (const struct recipe *const *)next->r, next->n))
			return false;
		flight_trigger_free(&ft);
	}
	return true;
}

/* One line for the log: what the reload kept, restarted, added and removed (or skipped). */
static char *reload_summary(const struct recipe_set *rs, const struct recipe_set *next)
{
	struct strbuf kept = { 0 }, changed = { 0 }, gone = { 0 }, added = { 0 };
	char *line;

	for (int k = 0; k < rs->n; k++) {
		const char *name = rs->r[k]->name;

		sb_addf(recipe_set_has(next, name, rs->fp[k]) ? &kept :
			recipe_set_has(next, name, NULL) ? &changed : &gone, " %s", name);
	}
	for (int i = 0; i < next->n; i++) {
		bool known = false;

		for (int k = 0; k < rs->n && !known; k++)
			known = !strcmp(rs->r[k]->name, next->r[i]->name);
		for (int k = 0; k < rs->n_dropped && !known; k++)
			known = !strcmp(rs->dropped[k], next->r[i]->name);
		if (!known)
			sb_addf(&added, " %s", next->r[i]->name);
	}
	line = xasprintf("kept (counters go on):%s; changed (counters start over):%s; added:%s; "
			 "removed:%s", kept.buf ? kept.buf : " none", changed.buf ? changed.buf : " none",
			 added.buf ? added.buf : " none", gone.buf ? gone.buf : " none");
	sb_release(&kept);
	sb_release(&changed);
	sb_release(&gone);
	sb_release(&added);
	return line;
}

/*
 * SIGHUP: the set read again (files and --set) and planned while the running
 * one goes on. A set that does not load or plan, or that no longer holds a
 * recipe a --trigger names, is refused and the running one goes on.
 * Otherwise the running set stops (its summaries printed), the counters of
 * recipes whose file and parameters are unchanged are carried over, and the
 * new set starts in a new instance of the same name.
 */
static int reload(struct monitor *mon)
{
	struct recipe_set *next = mon->rs == &mon->sets[0] ? &mon->sets[1] : &mon->sets[0];
	bool keep[MONITOR_MAX_RECIPES];
	struct loaded_set ls;
	struct prom *m = NULL;
	char *summary, *state;
	int ret;

	fprintf(stderr, "probekit monitor: SIGHUP: reading the recipes again\n");
	if (monitor_load(mon->src, &ls))
		goto refused;
	ret = monitor_plan(next, &ls, mon->c, mon->o, mon->instance);
	if (!ret && !triggers_fit(mon, next))
		ret = PK_ERR_USAGE;	/* flight_trigger_parse said which and why */
	if (ret) {
		recipe_set_clear(next);
		goto refused;
	}
	/* kept: still planned (a recipe the kernel now refuses is not), unchanged */
	summary = reload_summary(mon->rs, next);
	for (int k = 0; k < mon->rs->n; k++)
		keep[k] = recipe_set_has(next, mon->rs->r[k]->name, mon->rs->fp[k]);
	state = xasprintf("RELOADING=1\nMONOTONIC_USEC=%lld",
			  (long long)(clock_ns(CLOCK_MONOTONIC) / 1000));
	sd_notify_state(state);
	free(state);
	printf("probekit monitor: reload: the summaries until now\n");
	engine_report(mon->e);	/* the drain first: what it reads is carried too */
	monitor_write_metrics(mon, &m);	/* the last before the reload: what carries over */
	for (int k = 0; k < mon->rs->n; k++)
		prom_carry_keep(mon->carry, m, mon->rs->r[k]->name, keep[k]);
	prom_free(m);
	mon->records_base += engine_records(mon->e);
	mon->lost_base += engine_lost(mon->e);
	mon->reloads++;
	ret = stop_set(mon, true);
	mon->rs = next;
	if (ret || (ret = start_set(mon))) {
		pk_error("reload: the new set cannot run (the lines above): the monitor ends");
		free(summary);
		return ret;
	}
	fprintf(stderr, "probekit monitor: reloaded: %s\n", summary);
	free(summary);
	monitor_write_metrics(mon, NULL);
	announce(mon);
	return PK_OK;
refused:
	pk_warn("reload refused (the line above): the running recipes go on unchanged");
	return PK_OK;
}

static int run_monitor(struct monitor *mon)
{
	const struct monitor_opts *mo = mon->mo;
	int64_t next;
	int ret;

	/* before tracing: a port in use ends the monitor before it touches tracefs */
	if (mo->listen && !(mon->http = metrics_http_start(mo->listen, &ret)))
		return ret;
	if ((ret = start_set(mon))) {
		metrics_http_stop(mon->http);
		return ret;
	}
	monitor_write_metrics(mon, NULL);	/* at once: the file says what runs */
	announce(mon);
	next = clock_ns(CLOCK_MONOTONIC) + (int64_t)mo->every_ns;
	while (engine_poll(mon->e)) {
		if (reload_signal) {
			reload_signal = 0;
			if ((ret = reload(mon)))
				break;
		}
		if (mon->fl)
			flight_poll(mon->fl);
		if (clock_ns(CLOCK_MONOTONIC) >= next) {
			monitor_write_metrics(mon, NULL);
			next += (int64_t)mo->every_ns;
		}
	}
	sd_notify_state("STOPPING=1");
	metrics_http_stop(mon->http);
	/* a file left behind would keep saying the recipes trace: node_exporter
	 * serves whatever is there, so it goes with the monitor */
	if (mo->textfile)
		monitor_remove_textfile(mo->textfile);
	if (mon->e) {
		int closed;

		engine_report(mon->e);
		closed = stop_set(mon, false);

		ret = ret ? ret : closed;
	}
	flight_carry_release(&mon->fcarry);	/* a reload's set that never started */
	return ret;
}

static bool recorder_opt(int opt, struct monitor_opts *mo);

static bool monitor_opt(int opt, struct monitor_opts *mo)
{
	char *end;

	switch (opt) {
	case OPT_TEXTFILE: mo->textfile = optarg; return true;
	case OPT_LISTEN: {
		struct sockaddr_storage ss;

		mo->listen = optarg;
		if (metrics_listen_parse(optarg, &ss))
			return true;
		pk_error("--listen %s: not ADDR:PORT ([ADDR]:PORT for IPv6, :PORT for 127.0.0.1)",
			 optarg);
		return false;
	}
	case OPT_MAX_SERIES:
		mo->max_series = (int)strtol(optarg, &end, 10);
		if (end != optarg && !*end && mo->max_series >= 1 && mo->max_series <= 100000)
			return true;
		pk_error("--max-series %s: not a number from 1 to 100000", optarg);
		return false;
	case OPT_EVERY:
		if (parse_duration_ns(optarg, &mo->every_ns) && mo->every_ns >= 100000000)
			return true;
		pk_error("--every %s: not a duration of at least 0.1 s (e.g. 10, 2.5, 1m)", optarg);
		return false;
	case 'd':
		if (parse_duration_ns(optarg, &mo->duration_ns) && mo->duration_ns)
			return true;
		pk_error("-d %s: not a duration (e.g. 30, 2m, 1h)", optarg);
		return false;
	case OPT_MAX_CPU:
		if (!strcmp(optarg, "off")) {
			mo->max_cpu = 0;
			return true;
		}
		mo->max_cpu = strtod(optarg, &end);
		if (end != optarg && (!*end || !strcmp(end, "%")) && mo->max_cpu > 0 &&
		    mo->max_cpu <= 409600)
			return true;
		pk_error("--max-cpu %s: not a percentage of one CPU above 0 (e.g. 1 or 0.5), or off",
			 optarg);
		return false;
	case OPT_CPU:
		if (cpulist_parse(optarg, &mo->cpus)) {
			mo->pin = true;
			return true;
		}
		pk_error("--cpu %s: not a CPU list (e.g. 3 or 0,2-3)", optarg);
		return false;
	case OPT_RECORD: mo->rec.dir = optarg; return true;
	case OPT_PLAN: mo->dry_run = true; return true;
	case OPT_ON_TRIGGER: mo->rec.on_trigger = optarg; return true;
	case OPT_TRIGGER:
		if (mo->n_triggers < MONITOR_MAX_TRIGGERS) {
			mo->triggers[mo->n_triggers++] = optarg;
			return true;
		}
		pk_error("--trigger: at most %d", MONITOR_MAX_TRIGGERS);
		return false;
	default:
		return recorder_opt(opt, mo);
	}
}

static bool seconds_opt(const char *name, uint64_t *ns, uint64_t min_ns)
{
	if (parse_duration_ns(optarg, ns) && *ns >= min_ns)
		return true;
	pk_error("%s %s: not a duration%s (e.g. 10, 2.5, 1m)", name, optarg,
		 min_ns ? " above 0" : "");
	return false;
}

static bool count_opt(const char *name, long min, long max, long *out)
{
	char *end;

	*out = strtol(optarg, &end, 10);
	if (end != optarg && !*end && *out >= min && *out <= max)
		return true;
	pk_error("%s %s: not a number from %ld to %ld", name, optarg, min, max);
	return false;
}

static bool recorder_opt(int opt, struct monitor_opts *mo)
{
	long v;

	switch (opt) {
	case OPT_BEFORE: return seconds_opt("--before", &mo->rec.before_ns, 0);
	case OPT_AFTER: return seconds_opt("--after", &mo->rec.after_ns, 0);
	case OPT_CAPTURE_INTERVAL: return seconds_opt("--capture-interval", &mo->rec.gap_ns, 0);
	case OPT_ON_TRIGGER_TIMEOUT:
		return seconds_opt("--on-trigger-timeout", &mo->rec.on_trigger_timeout_ns, 1);
	case OPT_RECORD_MB:
		if (!count_opt("--record-mb", 1, 65536, &v))
			return false;
		mo->rec.ring_bytes = (size_t)v << 20;
		return true;
	case OPT_CAPTURES_MB:
		if (!count_opt("--captures-mb", 1, 1 << 20, &v))
			return false;
		mo->rec.max_total_bytes = (uint64_t)v << 20;
		return true;
	case OPT_MAX_CAPTURES:
		if (!count_opt("--max-captures", 1, 100000, &v))
			return false;
		mo->rec.max_captures = (int)v;
		return true;
	default:
		return false;
	}
}

/* Recorder options make sense together: a trigger writes somewhere, the ring holds a capture. */
static int check_recorder(struct monitor_opts *mo)
{
	mo->rec.triggers = mo->triggers;
	if (!mo->rec.dir && (mo->n_triggers || mo->rec.on_trigger)) {
		pk_error("monitor: --trigger and --on-trigger need --record DIR");
		return PK_ERR_USAGE;
	}
	if (mo->rec.dir && !mo->n_triggers) {
		pk_error("monitor: --record needs at least one --trigger");
		return PK_ERR_USAGE;
	}
	if (mo->rec.ring_bytes > mo->rec.max_total_bytes) {
		pk_error("monitor: --record-mb is larger than --captures-mb: a capture would not fit");
		return PK_ERR_USAGE;
	}
	return PK_OK;
}

/* Options of run that a set of recipes cannot take. */
static int refuse_run_only(const struct common_opts *o)
{
	if (o->use || o->explain || o->arch) {
		pk_error("monitor: --use, --explain and --arch are run's options");
		return PK_ERR_USAGE;
	}
	return PK_OK;
}

int cmd_monitor(int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONG_OPTS,
		{ "duration", required_argument, NULL, 'd' },
		{ "set", required_argument, NULL, OPT_SET },
		{ "textfile", required_argument, NULL, OPT_TEXTFILE },
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "max-series", required_argument, NULL, OPT_MAX_SERIES },
		{ "every", required_argument, NULL, OPT_EVERY },
		{ "cpu", required_argument, NULL, OPT_CPU },
		{ "max-cpu", required_argument, NULL, OPT_MAX_CPU },
		{ "record", required_argument, NULL, OPT_RECORD },
		{ "trigger", required_argument, NULL, OPT_TRIGGER },
		{ "before", required_argument, NULL, OPT_BEFORE },
		{ "after", required_argument, NULL, OPT_AFTER },
		{ "record-mb", required_argument, NULL, OPT_RECORD_MB },
		{ "capture-interval", required_argument, NULL, OPT_CAPTURE_INTERVAL },
		{ "max-captures", required_argument, NULL, OPT_MAX_CAPTURES },
		{ "captures-mb", required_argument, NULL, OPT_CAPTURES_MB },
		{ "on-trigger", required_argument, NULL, OPT_ON_TRIGGER },
		{ "on-trigger-timeout", required_argument, NULL, OPT_ON_TRIGGER_TIMEOUT },
		{ "plan", no_argument, NULL, OPT_PLAN },
		{ 0 }
	};
	struct monitor_opts mo = { .every_ns = 5000000000ULL, .max_cpu = 1,
				   .max_series = PROM_MAX_SERIES,
				   .rec = { .before_ns = 10000000000ULL, .after_ns = 5000000000ULL,
					    .ring_bytes = 64 << 20, .gap_ns = 60000000000ULL,
					    .max_captures = 20, .max_total_bytes = 512ULL << 20,
					    .on_trigger_timeout_ns = 60000000000ULL } };
	struct common_opts o = { 0 };
	struct set_source src = { 0 };
	struct loaded_set ls = { 0 };
	struct caps c = { 0 };
	struct monitor *mon;
	int opt, ret = PK_OK, removed;

	while ((opt = getopt_long(argc, argv, "p:b:d:h", longopts, NULL)) != -1) {
		if (opt == OPT_SET) {
			src.file = optarg;
			continue;
		}
		if (opt != '?' && (common_opt(opt, &o) || monitor_opt(opt, &mo)))
			continue;
		if (opt == '?')
			return cli_bad_option(usage_text, argv, &o);
		return cli_usage(usage_text, opt == 'h', &o);
	}
	if ((optind == argc && !src.file) || argc - optind > MONITOR_MAX_RECIPES || o.bad)
		return cli_usage(usage_text, false, &o);
	src.args = argv + optind;
	src.n_args = argc - optind;
	src.params = o.params;
	ret = refuse_run_only(&o);
	o.ask_kernel = !mo.dry_run;	/* --plan checks probe targets itself, as plan does */
	if (mo.rec.dir)	/* a capture shows every pair, a pair trigger compares each */
		o.user_pairs = "--record keeps every pair";
	if (!ret)
		ret = check_recorder(&mo);
	if (!ret)
		ret = monitor_load(&src, &ls);
	if (!ret && !(ret = caps_detect(&c, o.tracing_dir)) && !c.readable && !mo.dry_run) {
		pk_error("%s: cannot read tracefs: monitor needs root", c.tracing_dir);
		ret = PK_ERR_RUNTIME;
	}
	mon = xcalloc(1, sizeof(*mon));
	*mon = (struct monitor){ .mo = &mo, .src = &src, .o = &o, .c = &c,
				 .pins = prom_pins_new(), .carry = prom_carry_new() };
	if (mo.dry_run) {	/* as plan says it: the pid is the run's */
		snprintf(mon->instance, sizeof(mon->instance), "%s_<pid>", PK_NAME);
	} else {	/* from here on every way out goes through the teardown */
		install_signals();
		snprintf(mon->instance, sizeof(mon->instance), "%s_%d", PK_NAME, (int)getpid());
	}
	mon->rs = &mon->sets[0];
	if (!ret)
		ret = monitor_plan(mon->rs, &ls, &c, &o, mon->instance);
	if (!ret && mo.dry_run) {
		ret = monitor_print_plan(mon->rs, &mo);
		goto out;
	}
	if (!ret && mo.pin && sched_setaffinity(0, sizeof(mo.cpus), &mo.cpus)) {
		pk_error("--cpu: cannot run on those CPUs: %s", strerror(errno));
		ret = PK_ERR_USAGE;
	}
	if (!ret && cleanup_dead_runs(false, &removed))
		pk_warn("leftovers of dead runs could not all be removed; continuing");
	if (!ret)
		ret = run_monitor(mon);
out:
	recipe_set_clear(&mon->sets[0]);
	recipe_set_clear(&mon->sets[1]);
	loaded_set_free(&ls);
	prom_pins_free(mon->pins);
	prom_carry_free(mon->carry);
	free(mon);
	caps_free(&c);
	common_opts_free(&o);
	return ret;
}
