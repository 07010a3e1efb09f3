// SPDX-License-Identifier: GPL-2.0-or-later
/* probekit run: trace with a recipe until Ctrl-C or -d, then summarize. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analysis/analysis.h"
#include "cmd/cli.h"
#include "cmd/commands.h"
#include "engine/engine.h"
#include "session/session.h"
#include "util/cpulist.h"
#include "util/duration.h"

static const char usage_text[] =
	"usage: probekit run RECIPE [OPTIONS]\n\n"
	"Trace until Ctrl-C (or SIGTERM, SIGHUP, a closed pipe) or the duration ends;\n"
	"print each event, then the summary. Needs root.\n\n"
	"  -d, --duration SECONDS  stop after this long (suffixes s, m, h)\n"
	"      --json              NDJSON: one object per event, then a summary object\n"
	"  -q, --quiet             no event lines, only the summary\n"
	"  -t, --threshold TIME    latency, distribution, request/response recipes: print each\n"
	"                          pair, sample or request of at least TIME (500us, 2ms; 0: all);\n"
	"                          attempts (tcp-connect): only those this slow, or failed\n"
	"  -i, --interval SECONDS  latency, distribution, request/response: a summary every interval\n"
	"  -g, --group FIELD       latency, distribution, attempts recipes: statistics per FIELD or\n"
	"                          ADDR:PORT (repeatable)\n"
	"      --role ROLE         request/response recipes: only server or client connections\n"
	"      --cpu LIST          run probekit itself only on these CPUs (e.g. 3 or 0,2-3): keep\n"
	"                          its reading off the CPUs of the server it watches\n"
	"      --max-cpu PERCENT   overhead guard: when probekit uses more than PERCENT of one CPU\n"
	"                          for 3 s, pause tracing (5 s, doubling while it lasts), then\n"
	"                          resume; the pauses are reported, what happens in them is not seen\n"
	COMMON_OPTS_HELP;

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void install_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART: wake poll() */

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
}

struct run_opts {
	bool json, quiet;
	bool pin;		/* --cpu: the reader runs only there */
	cpu_set_t cpus;
	uint64_t duration_ns;	/* 0: until stopped */
	double max_cpu;		/* --max-cpu */
	struct analysis_opts an;	/* -t, -i, -g */
};

/* Trace until stopped, then report: the engine does the work, this is the command's face. */
static int trace(struct plan *p, const struct run_opts *o)
{
	struct engine_opts eo = { .analysis = &o->an, .duration_ns = o->duration_ns,
				  .stop = &stop_signal, .max_cpu = o->max_cpu };
	struct sink *sink = sink_open(o->json ? &ndjson_sink : &text_sink, p->recipe, stdout,
				      o->quiet);
	bool pairs_only = recipe_takes_option(p->recipe, 't') && !o->an.threshold;
	int ret;
	struct engine *e = engine_open(p, sink, &eo, &ret);

	if (!e) {
		sink_close(sink);
		return ret;
	}
	if (isatty(STDERR_FILENO))	/* a quiet start should not look like a hang */
		fprintf(stderr, "Tracing %s%s. Ctrl-C to end.\n", p->recipe->name,
			pairs_only ? " (-t TIME prints slow ones as they happen)" : "");
	while (engine_poll(e))
		;
	engine_report(e);
	ret = engine_close(e);
	sink_close(sink);
	return ret;
}

/* -t, -i, -g, --role: only for a recipe with an analysis that takes them. */
static int check_run_options(const struct recipe *r, const struct analysis_opts *an)
{
	static const struct { char letter; const char *name; } opts[] = {
		{ 't', "-t" }, { 'i', "-i" }, { 'g', "-g" }, { 'r', "--role" },
	};
	const bool given[] = { an->threshold, an->interval_ns, an->groups, an->role };

	for (size_t k = 0; k < ARRAY_SIZE(opts); k++)
		if (given[k] && !recipe_takes_option(r, opts[k].letter)) {
			pk_error("%s: recipe '%s' has no analysis that takes it", opts[k].name,
				 r->name);
			return PK_ERR_USAGE;
		}
	if (an->explain && !recipe_explains(r)) {
		pk_error("--explain: recipe '%s' has nothing to explain (no analysis with an "
			 "\"explain\" object)", r->name);
		return PK_ERR_USAGE;
	}
	if (an->explain && !an->threshold) {
		pk_error("--explain: needs -t TIME (the pairs to explain: those at least TIME slow)");
		return PK_ERR_USAGE;
	}
	return PK_OK;
}

/* "1", "0.5", "1.5%": above 0, at most 100 times the CPUs a machine may have. */
static bool parse_percent(const char *text, double *out)
{
	char *end;
	double v = strtod(text, &end);

	if (end == text || (*end && strcmp(end, "%")) || !(v > 0) || v > 409600)
		return false;
	*out = v;
	return true;
}

static bool run_opt(int opt, struct run_opts *ro)
{
	uint64_t ns;

	switch (opt) {
	case OPT_JSON: ro->json = true; return true;
	case 'q': ro->quiet = true; return true;
	case 'g': strv_push(&ro->an.groups, optarg); return true;
	case OPT_ROLE: ro->an.role = optarg; return true;
	case OPT_CPU:
		if (!cpulist_parse(optarg, &ro->cpus)) {
			pk_error("--cpu %s: not a CPU list (e.g. 3 or 0,2-3)", optarg);
			return false;
		}
		ro->pin = true;
		return true;
	case OPT_MAX_CPU:
		if (!parse_percent(optarg, &ro->max_cpu)) {
			pk_error("--max-cpu %s: not a percentage of one CPU above 0 (e.g. 1 or 0.5)",
				 optarg);
			return false;
		}
		return true;
	case 'd':
		if (!parse_duration_ns(optarg, &ns) || !ns)
			break;
		ro->duration_ns = ns;
		return true;
	case 't':
		if (!parse_duration_ns(optarg, &ro->an.threshold_ns))
			break;
		ro->an.threshold = true;
		return true;
	case 'i':
		if (!parse_duration_ns(optarg, &ro->an.interval_ns) || ro->an.interval_ns < 1000000)
			break;
		return true;
	default:
		return false;
	}
	pk_error("-%c %s: not a duration (e.g. 500us, 20ms, 1.5s, 10, 2m)", opt, optarg);
	return false;
}

int cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONG_OPTS,
		{ "duration", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "quiet", no_argument, NULL, 'q' },
		{ "threshold", required_argument, NULL, 't' },
		{ "interval", required_argument, NULL, 'i' },
		{ "group", required_argument, NULL, 'g' },
		{ "role", required_argument, NULL, OPT_ROLE },
		{ "cpu", required_argument, NULL, OPT_CPU },
		{ "max-cpu", required_argument, NULL, OPT_MAX_CPU },
		{ 0 }
	};
	struct common_opts o = { 0 };
	struct run_opts ro = { 0 };
	struct recipe *r = NULL;
	struct caps c = { 0 };
	struct plan p = { 0 };
	char instance[64];
	int opt, ret, removed;

	while ((opt = getopt_long(argc, argv, "p:b:d:qt:i:g:h", longopts, NULL)) != -1) {
		if (opt != '?' && (common_opt(opt, &o) || run_opt(opt, &ro)))
			continue;
		free_strv(ro.an.groups);
		if (opt == '?')
			return cli_bad_option(usage_text, argv, &o);
		return cli_usage(usage_text, opt == 'h', &o);
	}
	if (optind != argc - 1) {
		free_strv(ro.an.groups);
		return cli_usage(usage_text, false, &o);
	}
	/* from here on every way out goes through the teardown */
	install_signals();
	o.ask_kernel = true;
	ro.an.explain = o.explain;
	o.user_pairs = ro.an.threshold ? "-t prints each pair" : ro.an.groups ? "-g regroups pairs"
		       : NULL;
	snprintf(instance, sizeof(instance), "%s_%d", PK_NAME, (int)getpid());
	ret = prepare_plan(argv[optind], &o, instance, &r, &c, &p);
	if (ret == PK_ERR_KERNEL && p.ev)
		plan_report_unrunnable(&p);
	if (!ret && !c.readable) {
		pk_error("%s: cannot read tracefs: run needs root", c.tracing_dir);
		ret = PK_ERR_RUNTIME;
	}
	if (!ret)
		ret = check_run_options(r, &ro.an);
	if (!ret && ro.pin && sched_setaffinity(0, sizeof(ro.cpus), &ro.cpus)) {
		pk_error("--cpu: cannot run on those CPUs: %s", strerror(errno));
		ret = PK_ERR_USAGE;
	}
	if (!ret && cleanup_dead_runs(false, &removed))
		pk_warn("leftovers of dead runs could not all be removed; continuing");
	if (!ret)
		ret = trace(&p, &ro);
	plan_free(&p);
	caps_free(&c);
	recipe_free(r);
	common_opts_free(&o);
	free_strv(ro.an.groups);
	return ret;
}
