// SPDX-License-Identifier: GPL-2.0-or-later
/* probekit run: trace with a recipe until Ctrl-C or -d, then summarize. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "cmd/commands.h"
#include "decode/decode.h"
#include "kernel/formats.h"
#include "analysis/latency.h"
#include "output/output.h"
#include "output/output_latency.h"
#include "kernel/reader.h"
#include "kernel/session.h"
#include "analysis/summary.h"

static const char usage_text[] =
	"usage: probekit run RECIPE [OPTIONS]\n\n"
	"Trace until Ctrl-C (or SIGTERM, SIGHUP, a closed pipe) or the duration ends;\n"
	"print each event, then the summary. Needs root.\n\n"
	"  -d, --duration SECONDS  stop after this long (suffixes s, m, h)\n"
	"      --json              NDJSON: one object per event, then a summary object\n"
	"  -q, --quiet             no event lines, only the summary\n"
	"  -t, --threshold TIME    latency recipes: print each pair slower than TIME (500us, 2ms)\n"
	"  -i, --interval SECONDS  latency recipes: a summary every interval, then reset\n"
	"  -g, --group FIELD       latency recipes: statistics per FIELD or ADDR:PORT (repeatable)\n"
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

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Trace timestamps to wall-clock time: exact for mono/boot/tai, close for the others. */
static int64_t wall_offset(const char *trace_clock)
{
	clockid_t id = CLOCK_MONOTONIC;

	if (!strcmp(trace_clock, "boot"))
		id = CLOCK_BOOTTIME;
	else if (!strcmp(trace_clock, "mono_raw"))
		id = CLOCK_MONOTONIC_RAW;
	else if (!strcmp(trace_clock, "tai"))
		id = CLOCK_TAI;
	return clock_ns(CLOCK_REALTIME) - clock_ns(id);
}

struct run_opts {
	bool json, quiet;
	double duration;	/* seconds, 0: until stopped */
	uint64_t threshold_ns;	/* -t: pairs at least this slow are printed */
	bool threshold;
	uint64_t interval_ns;	/* -i */
	char **groups;		/* -g */
};

struct run {
	struct decoder dec;
	struct summary sum;
	struct output out;
	struct latency *lat;
	int n_lat;
	const struct run_opts *o;
};

static void on_record(void *ctx, void *data, int size, unsigned long long ts, int cpu)
{
	struct run *run = ctx;
	const struct event_rt *rt = decode_record(&run->dec, data, size, ts, cpu);

	if (!rt)
		return;
	summary_add(&run->sum, run->dec.values, rt->decl);
	if (!run->n_lat) {
		output_record(&run->out, run->dec.values, rt->decl, "event", NULL);
		return;
	}
	/* latency recipes print pairs, not the events they are made of */
	for (int i = 0; i < run->n_lat; i++) {
		int64_t d = latency_feed(&run->lat[i], rt->decl, run->dec.values, ts);

		if (d >= 0 && run->o->threshold && (uint64_t)d >= run->o->threshold_ns)
			output_pair(&run->out, run->dec.values, rt->decl, &run->lat[i]);
	}
}

/* A page said events were lost: pending starts may have lost their ends. */
static void on_loss(void *ctx)
{
	struct run *run = ctx;

	for (int i = 0; i < run->n_lat; i++)
		latency_invalidate(&run->lat[i]);
}

static void interval_tick(struct run *run, double seconds)
{
	for (int i = 0; i < run->n_lat; i++) {
		output_latency_interval(&run->out, &run->lat[i], seconds);
		latency_interval_reset(&run->lat[i]);
	}
}

static int poll_timeout(int64_t now, int64_t end, int64_t next_tick)
{
	int64_t t = 200000000;	/* signals and the clock are checked at least 5 times a second */

	if (end && end - now < t)
		t = end - now;
	if (next_tick && next_tick - now < t)
		t = next_tick - now;
	return t <= 0 ? 0 : (int)(t / 1000000) + 1;
}

static void trace_loop(struct run *run, struct reader *rd)
{
	int64_t start = clock_ns(CLOCK_MONOTONIC);
	int64_t end = run->o->duration > 0 ? start + (int64_t)(run->o->duration * 1e9) : 0;
	int64_t step = run->n_lat ? (int64_t)run->o->interval_ns : 0;
	int64_t tick = step ? start + step : 0;

	while (!stop_signal && !ferror(run->out.f)) {
		int64_t now = clock_ns(CLOCK_MONOTONIC);

		if (end && now >= end)
			break;
		reader_wait(rd, poll_timeout(now, end, tick));
		reader_drain(rd, on_record, run);
		now = clock_ns(CLOCK_MONOTONIC);
		if (tick && now >= tick) {
			interval_tick(run, step / 1e9);
			tick += step;
		}
	}
}

/* -g replaces the recipe's grouping of every latency analysis. */
static int apply_groups(struct recipe *r, char **groups)
{
	int n = 0;

	for (char **g = groups; g && *g; g++)
		n++;
	if (!n)
		return PK_OK;
	for (int i = 0; i < r->n_latency; i++) {
		struct latency_decl *d = &r->latency[i];

		for (int k = 0; k < d->n_group_by; k++)
			free(d->group_by[k].title);
		free(d->group_by);
		d->group_by = xcalloc(n, sizeof(*d->group_by));
		d->n_group_by = 0;
		for (int k = 0; k < n; k++) {
			char *err;

			if (!column_parse(r, groups[k], &d->group_by[k], &err)) {
				pk_error("-g %s: %s", groups[k], err);
				free(err);
				return PK_ERR_USAGE;
			}
			d->n_group_by++;
		}
	}
	return PK_OK;
}

static void warn_skipped(const struct plan *p)
{
	for (int i = 0; i < p->n_ev; i++) {
		const struct planned_event *pe = &p->ev[i];

		if (pe->chosen < 0 && pe->decl->optional && plan_when_holds(p, i))
			pk_warn("optional event '%s' is not traced: %s", pe->decl->name,
				pe->why[pe->decl->n_alts - 1]);
	}
}

static int trace(struct plan *p, const struct run_opts *o)
{
	struct snmp_snapshot snmp0 = { 0 }, snmp1 = { 0 };
	struct run run = { .o = o };
	struct session s;
	struct reader rd = { 0 };
	int64_t t0 = 0, t1 = 0;
	int ret;

	/* a ksym field needs kallsyms: read it now, not on the first record while tracing */
	for (int i = 0; i < p->recipe->n_fields; i++)
		if (p->recipe->fields[i].format == FMT_KSYM && !formats_load_kallsyms(p->tep))
			pk_warn("cannot read /proc/kallsyms: field '%s' shows addresses",
				p->recipe->fields[i].name);
	if ((ret = session_start(&s, p)))
		return ret;
	warn_skipped(p);	/* after start: the kernel may have refused a probe */
	ret = reader_open(&rd, s.inst);
	if (!ret)
		ret = decoder_init(&run.dec, p);
	if (!ret) {
		summary_init(&run.sum, p->recipe);
		output_init(&run.out, p->recipe);
		run.out.f = stdout;
		run.out.json = o->json;
		run.out.quiet = o->quiet;
		run.n_lat = p->recipe->n_latency;
		run.lat = xcalloc(run.n_lat, sizeof(*run.lat));
		for (int i = 0; i < run.n_lat; i++)
			latency_init(&run.lat[i], &p->recipe->latency[i]);
		rd.on_loss = on_loss;
		rd.loss_ctx = &run;
		run.out.fc.tep = p->tep;
		comm_init(p->tep, p->caps->tracing_dir);
		run.out.fc.wall_offset_ns = wall_offset(p->clock);
		if (!run.n_lat || o->threshold)
			output_header(&run.out);
		if (isatty(STDERR_FILENO))	/* a quiet start should not look like a hang */
			fprintf(stderr, "Tracing %s%s. Ctrl-C to end.\n", p->recipe->name,
				run.n_lat && !o->threshold ? " (-t TIME prints slow pairs as they happen)"
							   : "");
		snmp_take(&snmp0);
		t0 = clock_ns(CLOCK_MONOTONIC);
		trace_loop(&run, &rd);
		t1 = clock_ns(CLOCK_MONOTONIC);	/* traced time: not the drain or the teardown */
		session_tracing_off(&s);
		reader_drain(&rd, on_record, &run);	/* what arrived before tracing stopped */
		reader_read_stats(&rd);
		snmp_take(&snmp1);
	}
	reader_close(&rd);
	/* give the kernel back its state before spending time on the summary */
	ret = session_teardown(&s) ?: ret;
	if (run.out.widths) {
		struct run_totals t = { .seconds = (t1 - t0) / 1e9,
					.reader = &rd, .snmp_start = &snmp0, .snmp_end = &snmp1 };

		output_summary(&run.out, &run.sum, &t);
		for (int i = 0; i < run.n_lat; i++) {
			output_latency_summary(&run.out, &run.lat[i]);
			latency_free(&run.lat[i]);
		}
		free(run.lat);
		output_free(&run.out);
		summary_free(&run.sum);
	}
	reader_free(&rd);
	decoder_free(&run.dec);
	snmp_free(&snmp0);
	snmp_free(&snmp1);
	return ret;
}

static bool run_opt(int opt, struct run_opts *ro)
{
	uint64_t ns;

	switch (opt) {
	case OPT_JSON: ro->json = true; return true;
	case 'q': ro->quiet = true; return true;
	case 'g': strv_push(&ro->groups, optarg); return true;
	case 'd':
		if (!parse_duration_ns(optarg, &ns) || !ns)
			break;
		ro->duration = ns / 1e9;
		return true;
	case 't':
		if (!parse_duration_ns(optarg, &ro->threshold_ns))
			break;
		ro->threshold = true;
		return true;
	case 'i':
		if (!parse_duration_ns(optarg, &ro->interval_ns) || ro->interval_ns < 1000000)
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
		free_strv(ro.groups);
		if (opt == '?')
			return cli_bad_option(usage_text, argv, &o);
		return cli_usage(usage_text, opt == 'h', &o);
	}
	if (optind != argc - 1) {
		free_strv(ro.groups);
		return cli_usage(usage_text, false, &o);
	}
	/* from here on every way out goes through the teardown */
	install_signals();
	o.ask_kernel = true;
	snprintf(instance, sizeof(instance), "%s_%d", PK_NAME, (int)getpid());
	ret = prepare_plan(argv[optind], &o, instance, &r, &c, &p);
	if (ret == PK_ERR_KERNEL && p.ev)
		plan_report_unrunnable(&p);
	if (!ret && !c.readable) {
		pk_error("%s: cannot read tracefs: run needs root", c.tracing_dir);
		ret = PK_ERR_RUNTIME;
	}
	if (!ret && !r->n_latency && (ro.threshold || ro.interval_ns || ro.groups)) {
		pk_error("-t, -i and -g apply to recipes with a latency analysis; '%s' has none",
			 r->name);
		ret = PK_ERR_USAGE;
	}
	if (!ret)
		ret = apply_groups(r, ro.groups);
	if (!ret && cleanup_dead_runs(false, &removed))
		pk_warn("leftovers of dead runs could not all be removed; continuing");
	if (!ret)
		ret = trace(&p, &ro);
	plan_free(&p);
	caps_free(&c);
	recipe_free(r);
	common_opts_free(&o);
	free_strv(ro.groups);
	return ret;
}
