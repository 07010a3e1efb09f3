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
#include "engine/engine.h"
#include "output/flight.h"
#include "output/metrics_http.h"
#include "output/prometheus.h"
#include "session/session.h"
#include "util/clock.h"
#include "util/cpulist.h"
#include "util/duration.h"
#include "util/sdnotify.h"

static const char usage_text[] =
	"usage: probekit monitor RECIPE... [OPTIONS]\n\n"
	"Trace with several recipes at once (one instance, one reader) until SIGINT or\n"
	"SIGTERM (or -d); write their metrics in Prometheus's text format; print each\n"
	"recipe's summary at the end. A recipe this kernel cannot run is reported and\n"
	"skipped. Needs root.\n\n"
	"  -p, --param NAME=VALUE  set the parameter NAME of every recipe that has it;\n"
	"                          RECIPE:NAME=VALUE for that recipe alone\n"
	"      --listen ADDR:PORT  serve the metrics at http://ADDR:PORT/metrics (:PORT is\n"
	"                          127.0.0.1; [ADDR]:PORT for IPv6); not in the static binary\n"
	"      --textfile DIR      write DIR/probekit.prom (atomically: a new file renamed\n"
	"                          over the old) for node_exporter's textfile collector\n"
	"      --every SECONDS     how often the metrics are made anew (default 5)\n"
	"      --max-series N      request/response: at most N server ports per recipe\n"
	"                          (default 100); the rest are summed as port=\"other\"\n"
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
	"      --clock CLOCK       trace clock for the instance (default: mono, else global)\n"
	"      --tracing-dir DIR   use DIR as tracefs (default: find or mount it)\n";

enum { OPT_TEXTFILE = 2000, OPT_EVERY, OPT_LISTEN, OPT_MAX_SERIES, OPT_RECORD, OPT_TRIGGER,
       OPT_BEFORE, OPT_AFTER, OPT_RECORD_MB, OPT_CAPTURE_INTERVAL, OPT_MAX_CAPTURES,
       OPT_CAPTURES_MB, OPT_ON_TRIGGER, OPT_ON_TRIGGER_TIMEOUT };

#define MONITOR_MAX_TRIGGERS 32

#define MONITOR_MAX_RECIPES 32

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void on_hangup(int sig)
{
	(void)sig;	/* reloading the set is not there yet: a hang-up must not end the monitor */
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

struct monitor_opts {
	const char *listen;	/* ADDR:PORT */
	const char *textfile;	/* directory */
	uint64_t every_ns;
	int max_series;
	uint64_t duration_ns;
	double max_cpu;
	bool pin;
	cpu_set_t cpus;
	struct flight_opts rec;		/* --record: rec.dir set */
	char *triggers[MONITOR_MAX_TRIGGERS + 1];
	int n_triggers;
};

/* The recipes that will run, their plans and sinks; the skipped ones are gone. */
struct recipe_set {
	struct prom_pins *pins;	/* the metrics' series, kept from one write to the next */
	struct recipe *r[MONITOR_MAX_RECIPES];
	struct plan p[MONITOR_MAX_RECIPES];
	struct plan *pp[MONITOR_MAX_RECIPES];
	struct sink *sink[MONITOR_MAX_RECIPES];
	struct sink *observer[MONITOR_MAX_RECIPES];	/* --record */
	int n;
	char *dropped[MONITOR_MAX_RECIPES];	/* the names of those this kernel cannot run */
	int n_dropped;
};

/*
 * -p NAME=VALUE: for every recipe that declares NAME (an error when none
 * does); -p RECIPE:NAME=VALUE: for that recipe alone.
 */
static int apply_params(struct recipe **r, int n, char **params)
{
	for (char **a = params; a && *a; a++) {
		const char *eq = strchr(*a, '='), *colon = strchr(*a, ':');
		const char *assign = colon && colon < eq ? colon + 1 : *a;
		char *only = assign != *a ? xstrndup(*a, colon - *a) : NULL;
		char *name = eq ? xstrndup(assign, eq - assign) : NULL;
		int applied = 0, ret = PK_OK;

		for (int k = 0; name && k < n && !ret; k++)
			if ((!only || !strcmp(only, r[k]->name)) && recipe_param_index(r[k], name) >= 0) {
				ret = recipe_set_param(r[k], assign);
				applied++;
			}
		if (!ret && !applied)
			pk_error("-p %s: %s has a parameter '%s'", *a,
				 only ? "no recipe of that name given" : "no recipe given",
				 name ? name : *a);
		free(name);
		free(only);
		if (ret || !applied)
			return PK_ERR_USAGE;
	}
	return PK_OK;
}

/* Plan each recipe in the run's instance; one the kernel cannot run is dropped. */
static int plan_recipes(struct recipe_set *rs, struct recipe **loaded, int n, struct caps *c,
			const struct common_opts *o, const char *instance)
{
	for (int k = 0; k < n; k++) {
		char prefix[16];
		struct plan_opts po = { .instance = instance, .clock = o->clock,
					.buffer_kb = o->buffer_kb, .ask_kernel = true,
					.no_argn = o->no_argn, .probe_prefix = prefix,
					.synth_base = k * 100,
					/* metrics read the state at every write: pairs stay in user space */
					.no_kernel_agg = true };
		struct plan *p = &rs->p[rs->n];
		int ret;

		snprintf(prefix, sizeof(prefix), "r%d_", k + 1);
		ret = plan_build(p, loaded[k], c, &po);
		if (ret == PK_ERR_KERNEL) {
			if (p->ev)
				plan_report_unrunnable(p);
			pk_warn("recipe '%s' is skipped: this kernel cannot run it", loaded[k]->name);
			rs->dropped[rs->n_dropped++] = xstrdup(loaded[k]->name);
			plan_free(p);
			recipe_free(loaded[k]);
			continue;
		}
		if (ret) {
			plan_free(p);
			for (int j = k; j < n; j++)
				recipe_free(loaded[j]);
			return ret;
		}
		rs->r[rs->n] = loaded[k];
		rs->pp[rs->n] = p;
		rs->n++;
	}
	if (!rs->n) {
		pk_error("no recipe given can run on this kernel");
		return PK_ERR_KERNEL;
	}
	return plan_set_link(rs->pp, rs->n);
}

static uint64_t resident_bytes(void)
{
	unsigned long size = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%lu %lu", &size, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* Every recipe's metrics, then the monitor's own. */
static char *metrics_text(struct engine *e, struct recipe_set *rs, struct metrics_http *http,
			  struct flight *fl, int max_series)
{
	struct prom *m = prom_new();
	char *text;

	prom_set_max_series(m, max_series);
	prom_set_pins(m, rs->pins);
	for (int k = 0; k < rs->n; k++) {
		struct sink *s = prom_sink_open(m, rs->r[k]);

		prom_sample(m, "probekit_recipe_up", "gauge",
			    "1 while the recipe traces, 0 when the kernel refused it", "",
			    engine_recipe_runs(e, k), "recipe", rs->r[k]->name, NULL);
		engine_snapshot(e, k, s);
		sink_close(s);
	}
	for (int k = 0; k < rs->n; k++) {
		int times;
		bool shed = engine_recipe_shed(e, k, &times);

		prom_sample(m, "probekit_recipe_shed", "gauge",
			    "1 while the overhead guard has the recipe turned off", "", shed,
			    "recipe", rs->r[k]->name, NULL);
		prom_sample(m, "probekit_recipe_sheds_total", "counter",
			    "Times the overhead guard turned the recipe off", "", times,
			    "recipe", rs->r[k]->name, NULL);
	}
	for (int k = 0; k < rs->n_dropped; k++)
		prom_sample(m, "probekit_recipe_up", "gauge",
			    "1 while the recipe traces, 0 when the kernel refused it", "", 0,
			    "recipe", rs->dropped[k], NULL);
	prom_sample(m, "probekit_records_read_total", "counter",
		    "Ring-buffer records the monitor read", "", (double)engine_records(e), NULL);
	prom_sample(m, "probekit_lost_events_total", "counter",
		    "Events the ring buffer lost (all recipes)", "", (double)engine_lost(e), NULL);
	prom_sample(m, "probekit_cpu_seconds_total", "counter",
		    "CPU time the monitor used (user and system)", "",
		    clock_ns(CLOCK_PROCESS_CPUTIME_ID) / 1e9, NULL);
	prom_sample(m, "probekit_resident_memory_bytes", "gauge",
		    "The monitor's resident memory", "", (double)resident_bytes(), NULL);
	if (fl)
		flight_metrics(fl, m);
	if (http) {
		prom_sample(m, "probekit_http_requests_total", "counter",
			    "Requests to the metrics endpoint, answered or refused", "",
			    (double)metrics_http_served(http), "code", "200", NULL);
		prom_sample(m, "probekit_http_requests_total", "counter",
			    "Requests to the metrics endpoint, answered or refused", "",
			    (double)metrics_http_refused(http), "code", "4xx", NULL);
	}
	text = prom_render(m);
	prom_free(m);
	return text;
}

/* DIR/probekit.prom, never seen half-written: a new file renamed over it. */
static void write_textfile(const char *dir, const char *text)
{
	char *tmp = xasprintf("%s/.probekit.prom.%d", dir, (int)getpid());
	char *path = xasprintf("%s/probekit.prom", dir);
	FILE *f = fopen(tmp, "w");
	bool ok = f && fputs(text, f) >= 0;

	if (f)
		ok = !fclose(f) && ok;
	if (ok && rename(tmp, path) < 0)
		ok = false;
	if (!ok) {
		pk_warn("--textfile: cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	free(path);
}

/* The metrics made anew: to the file, to the endpoint (which keeps the text). */
static void remove_textfile(const char *dir)
{
	char *path = xasprintf("%s/probekit.prom", dir);

	if (unlink(path) < 0 && errno != ENOENT)
		pk_warn("--textfile: cannot remove %s: %s", path, strerror(errno));
	free(path);
}

static void write_metrics(struct engine *e, struct recipe_set *rs, const struct monitor_opts *mo,
			  struct metrics_http *http, struct flight *fl)
{
	char *text;

	if (!mo->textfile && !http)
		return;
	text = metrics_text(e, rs, http, fl, mo->max_series);
	if (mo->textfile)
		write_textfile(mo->textfile, text);
	if (http)
		metrics_http_publish(http, text);
	else
		free(text);
}

/* Tracing: one line on stderr (the journal's), and readiness for systemd (Type=notify). */
static void announce(struct engine *e, const struct recipe_set *rs)
{
	struct strbuf sb = { 0 };
	char *status;

	for (int k = 0; k < rs->n; k++)
		if (engine_recipe_runs(e, k))
			sb_addf(&sb, " %s", rs->r[k]->name);
	status = sb_detach(&sb);
	fprintf(stderr, "probekit monitor: tracing%s\n", status);
	{
		char *state = xasprintf("READY=1\nSTATUS=tracing%s\nMAINPID=%d", status,
					(int)getpid());

		if (!sd_notify_state(state))
			pk_warn("NOTIFY_SOCKET: cannot tell systemd the monitor is ready");
		free(state);
	}
	free(status);
}

/* What a capture's header says of a recipe's plan: its parameters and the events it reads. */
static json_t *plan_json(const struct plan *p)
{
	const struct recipe *r = p->recipe;
	json_t *params = json_object(), *events = json_object();

	for (int i = 0; i < r->n_params; i++)
		json_object_set_new(params, r->params[i].name,
				    r->params[i].value ? json_string(r->params[i].value) : json_null());
	for (int i = 0; i < p->n_ev; i++) {
		const struct planned_event *pe = &p->ev[i];

		json_object_set_new(events, pe->decl->name,
				    pe->chosen < 0 ? json_null() :
				    json_pack("{s:s,s:s,s:s?,s:s?}", "system", pe->system, "event",
					      pe->name, "probe", pe->probe, "filter", pe->filter));
	}
	return json_pack("{s:s,s:o,s:o}", "path", r->path, "parameters", params, "events", events);
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
		json_t *pj = plan_json(rs->pp[k]);

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

static int monitor(struct recipe_set *rs, const struct monitor_opts *mo)
{
	struct analysis_opts an = { 0 };
	struct engine_opts eo = { .analysis = &an, .duration_ns = mo->duration_ns,
				  .stop = &stop_signal, .max_cpu = mo->max_cpu };
	struct metrics_http *http = NULL;
	struct flight *fl = NULL;
	struct engine *e;
	int64_t next;
	int ret;

	/* before tracing: a port in use ends the monitor before it touches tracefs */
	if (mo->listen && !(http = metrics_http_start(mo->listen, &ret)))
		return ret;
	if (mo->rec.dir) {
		if (!(fl = open_recorder(rs, mo, &an, &ret))) {
			metrics_http_stop(http);
			return ret;
		}
		eo.observers = rs->observer;
	} else {
		for (int k = 0; k < rs->n; k++)
			rs->sink[k] = sink_open(&text_sink, rs->r[k], stdout, true);
	}
	e = engine_open_set(rs->pp, rs->sink, rs->n, &eo, &ret);
	if (!e) {
		flight_close(fl);
		metrics_http_stop(http);
		return ret;
	}
	write_metrics(e, rs, mo, http, fl);	/* at once: the file says what runs */
	announce(e, rs);
	next = clock_ns(CLOCK_MONOTONIC) + (int64_t)mo->every_ns;
	while (engine_poll(e)) {
		if (fl)
			flight_poll(fl);
		if (clock_ns(CLOCK_MONOTONIC) >= next) {
			write_metrics(e, rs, mo, http, fl);
			next += (int64_t)mo->every_ns;
		}
	}
	sd_notify_state("STOPPING=1");
	metrics_http_stop(http);
	/* a file left behind would keep saying the recipes trace: node_exporter
	 * serves whatever is there, so it goes with the monitor */
	if (mo->textfile)
		remove_textfile(mo->textfile);
	engine_report(e);
	flight_close(fl);	/* after the drain: a pending capture gets what came */
	return engine_close(e);
}

static bool recorder_opt(int opt, struct monitor_opts *mo);

static bool monitor_opt(int opt, struct monitor_opts *mo)
{
	char *end;

	switch (opt) {
	case OPT_TEXTFILE: mo->textfile = optarg; return true;
	case OPT_LISTEN: mo->listen = optarg; return true;
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
	if (o->use || o->explain || o->no_kernel_agg || o->arch) {
		pk_error("monitor: --use, --explain, --no-kernel-agg and --arch are run's options");
		return PK_ERR_USAGE;
	}
	return PK_OK;
}

int cmd_monitor(int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONG_OPTS,
		{ "duration", required_argument, NULL, 'd' },
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
		{ 0 }
	};
	struct monitor_opts mo = { .every_ns = 5000000000ULL, .max_cpu = 1,
				   .max_series = PROM_MAX_SERIES,
				   .rec = { .before_ns = 10000000000ULL, .after_ns = 5000000000ULL,
					    .ring_bytes = 64 << 20, .gap_ns = 60000000000ULL,
					    .max_captures = 20, .max_total_bytes = 512ULL << 20,
					    .on_trigger_timeout_ns = 60000000000ULL } };
	struct common_opts o = { 0 };
	struct recipe *loaded[MONITOR_MAX_RECIPES];
	struct recipe_set *rs = xcalloc(1, sizeof(*rs));
	struct prom_pins *pins = prom_pins_new();
	struct caps c = { 0 };
	char instance[64];
	int opt, ret = PK_OK, n = 0, removed;

	while ((opt = getopt_long(argc, argv, "p:b:d:h", longopts, NULL)) != -1) {
		if (opt != '?' && (common_opt(opt, &o) || monitor_opt(opt, &mo)))
			continue;
		free(rs);
		prom_pins_free(pins);
		if (opt == '?')
			return cli_bad_option(usage_text, argv, &o);
		return cli_usage(usage_text, opt == 'h', &o);
	}
	if (optind == argc || argc - optind > MONITOR_MAX_RECIPES || o.bad) {
		free(rs);
		prom_pins_free(pins);
		return cli_usage(usage_text, false, &o);
	}
	ret = refuse_run_only(&o);
	if (!ret)
		ret = check_recorder(&mo);
	for (int i = optind; i < argc && !ret; i++)
		if (!(ret = load_recipe(argv[i], &loaded[n])))
			n++;
	for (int i = 0; i < n && !ret; i++)
		for (int j = 0; j < i && !ret; j++)
			if (!strcmp(loaded[i]->name, loaded[j]->name)) {
				pk_error("monitor: recipe '%s' is given twice (its metrics would be too)",
					 loaded[i]->name);
				ret = PK_ERR_USAGE;
			}
	if (!ret)
		ret = apply_params(loaded, n, o.params);
	if (!ret && !(ret = caps_detect(&c, o.tracing_dir)) && !c.readable) {
		pk_error("%s: cannot read tracefs: monitor needs root", c.tracing_dir);
		ret = PK_ERR_RUNTIME;
	}
	/* from here on every way out goes through the teardown */
	install_signals();
	snprintf(instance, sizeof(instance), "%s_%d", PK_NAME, (int)getpid());
	if (!ret) {
		ret = plan_recipes(rs, loaded, n, &c, &o, instance);
		n = 0;	/* the set has them now */
	}
	if (!ret && mo.pin && sched_setaffinity(0, sizeof(mo.cpus), &mo.cpus)) {
		pk_error("--cpu: cannot run on those CPUs: %s", strerror(errno));
		ret = PK_ERR_USAGE;
	}
	if (!ret && cleanup_dead_runs(false, &removed))
		pk_warn("leftovers of dead runs could not all be removed; continuing");
	rs->pins = pins;
	if (!ret)
		ret = monitor(rs, &mo);
	for (int k = 0; k < rs->n; k++) {
		sink_close(rs->sink[k]);
		sink_close(rs->observer[k]);
		plan_free(&rs->p[k]);
		recipe_free(rs->r[k]);
	}
	for (int k = 0; k < n; k++)
		recipe_free(loaded[k]);
	for (int k = 0; k < rs->n_dropped; k++)
		free(rs->dropped[k]);
	free(rs);
	prom_pins_free(pins);
	caps_free(&c);
	common_opts_free(&o);
	return ret;
}
