// SPDX-License-Identifier: GPL-2.0-or-later
/* probekit run: trace with a recipe until Ctrl-C or -d, then summarize. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "decode.h"
#include "output.h"
#include "reader.h"
#include "session.h"
#include "summary.h"

static const char usage_text[] =
	"usage: probekit run RECIPE [OPTIONS]\n\n"
	"Trace until Ctrl-C (or SIGTERM, SIGHUP, a closed pipe) or the duration ends;\n"
	"print each event, then the summary. Needs root.\n\n"
	"  -d, --duration SECONDS  stop after this long (suffixes s, m, h)\n"
	"      --json              NDJSON: one object per event, then a summary object\n"
	"  -q, --quiet             no event lines, only the summary\n"
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

static bool parse_duration(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || v <= 0)
		return false;
	if (*end == 'm')
		v *= 60, end++;
	else if (*end == 'h')
		v *= 3600, end++;
	else if (*end == 's')
		end++;
	*out = v;
	return !*end;
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

struct run {
	struct decoder dec;
	struct summary sum;
	struct output out;
};

static void on_record(void *ctx, void *data, int size, unsigned long long ts, int cpu)
{
	struct run *run = ctx;
	const struct event_rt *rt = decode_record(&run->dec, data, size, ts, cpu);

	if (!rt)
		return;
	summary_add(&run->sum, run->dec.values, rt->decl);
	output_event(&run->out, run->dec.values, rt->decl);
}

static void trace_loop(struct run *run, struct reader *rd, double duration)
{
	int64_t end = duration > 0 ? clock_ns(CLOCK_MONOTONIC) + (int64_t)(duration * 1e9) : 0;

	while (!stop_signal && !ferror(run->out.f)) {
		int timeout = 200;

		if (end) {
			int64_t left = end - clock_ns(CLOCK_MONOTONIC);

			if (left <= 0)
				break;
			if (left / 1000000 < timeout)
				timeout = (int)(left / 1000000) + 1;
		}
		reader_wait(rd, timeout);
		reader_drain(rd, on_record, run);
	}
}

static void warn_skipped(const struct plan *p)
{
	for (int i = 0; i < p->n_ev; i++) {
		const struct planned_event *pe = &p->ev[i];

		if (pe->chosen < 0 && pe->decl->optional && !strstr(pe->why[pe->decl->n_alts - 1],
								      "not needed: "))
			pk_warn("optional event '%s' is not traced: %s", pe->decl->name,
				pe->why[pe->decl->n_alts - 1]);
	}
}

static int trace(struct plan *p, bool json, bool quiet, double duration)
{
	struct snmp_snapshot snmp0 = { 0 }, snmp1 = { 0 };
	struct run run = { 0 };
	struct session s;
	struct reader rd = { 0 };
	int64_t t0 = 0;
	int ret;

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
		run.out.json = json;
		run.out.quiet = quiet;
		run.out.fc.tep = p->tep;
		comm_init(p->tep, p->caps->tracing_dir);
		run.out.fc.wall_offset_ns = wall_offset(p->clock);
		output_header(&run.out);
		snmp_take(&snmp0);
		t0 = clock_ns(CLOCK_MONOTONIC);
		trace_loop(&run, &rd, duration);
		session_tracing_off(&s);
		reader_drain(&rd, on_record, &run);	/* what arrived before tracing stopped */
		reader_read_stats(&rd);
		snmp_take(&snmp1);
	}
	reader_close(&rd);
	/* give the kernel back its state before spending time on the summary */
	ret = session_teardown(&s) ?: ret;
	if (run.out.widths) {
		struct run_totals t = { .seconds = (clock_ns(CLOCK_MONOTONIC) - t0) / 1e9,
					.reader = &rd, .snmp_start = &snmp0, .snmp_end = &snmp1,
					.plan = p };

		output_summary(&run.out, &run.sum, &t);
		output_free(&run.out);
		summary_free(&run.sum);
	}
	decoder_free(&run.dec);
	snmp_free(&snmp0);
	snmp_free(&snmp1);
	return ret;
}

int cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONG_OPTS,
		{ "duration", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "quiet", no_argument, NULL, 'q' },
		{ 0 }
	};
	struct common_opts o = { 0 };
	bool json = false, quiet = false;
	struct recipe *r = NULL;
	struct caps c = { 0 };
	struct plan p = { 0 };
	double duration = 0;
	char instance[64];
	int opt, ret, removed;

	while ((opt = getopt_long(argc, argv, "p:b:d:qh", longopts, NULL)) != -1) {
		if (common_opt(opt, &o))
			continue;
		if (opt == OPT_JSON) {
			json = true;
		} else if (opt == 'q') {
			quiet = true;
		} else if (opt == 'd' && parse_duration(optarg, &duration)) {
			continue;
		} else {
			if (opt == 'd')
				pk_error("-d %s: not a duration (SECONDS, or with s/m/h)", optarg);
			return cli_usage(usage_text, opt == 'h', &o);
		}
	}
	if (optind != argc - 1)
		return cli_usage(usage_text, false, &o);
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
	if (!ret && cleanup_dead_runs(false, &removed))
		pk_warn("leftovers of dead runs could not all be removed; continuing");
	if (!ret)
		ret = trace(&p, json, quiet, duration);
	plan_free(&p);
	caps_free(&c);
	recipe_free(r);
	common_opts_free(&o);
	return ret;
}
