// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probekit monitor --plan: the set as the monitor would run it, changing
 * nothing: each recipe's choices, the tracefs writes of the whole set, and
 * the monitor's own decisions (where pairs are made, where the recorder's
 * history lives and why, what each trigger fires on, the caps).
 */
#include <stdio.h>
#include <string.h>

#include "cmd/monitor.h"
#include "engine/guard.h"
#include "output/flight_trigger.h"
#include "output/format.h"
#include "output/metrics_http.h"
#include "util/textsafe.h"

static void print_metrics(const struct monitor_opts *mo)
{
	char every[32];

	format_duration(mo->every_ns, every, sizeof(every));
	if (mo->listen && !metrics_http_available())
		printf("metrics: --listen %s: this build has no HTTP server (the static binary): "
		       "the monitor would refuse to start; use --textfile\n", mo->listen);
	else if (mo->listen)
		printf("metrics: served at http://%s%s/metrics (libmicrohttpd, in a thread of its "
		       "own: a scrape never waits for tracing, nor tracing for a scrape)\n",
		       mo->listen[0] == ':' ? "127.0.0.1" : "", mo->listen);
	else
		printf("metrics: not served (no --listen)\n");
	if (mo->textfile)
		printf("metrics: written to %s/probekit.prom, renamed over the old file\n",
		       mo->textfile);
	printf("metrics: made anew every %s; per recipe, at most %d server ports, remote "
	       "addresses and process names get series of their own, the rest are summed as "
	       "\"other\"\n", every, mo->max_series);
}

/* Where the latencies are paired: per recipe above; what it means for a monitor. */
static void print_pairs(const struct recipe_set *rs, const struct monitor_opts *mo)
{
	int in_kernel = 0;

	for (int k = 0; k < rs->n; k++)
		for (int i = 0; i < rs->pp[k]->n_kagg; i++)
			in_kernel += !rs->pp[k]->kagg[i].why_not;
	if (mo->rec.dir)
		printf("pairs: made in user space for every recipe: --record keeps every pair\n");
	else if (!in_kernel)
		printf("pairs: made in user space for every recipe (why: above, per latency)\n");
	else
		printf("pairs: %d latenc%s paired in the kernel (above): %s histograms (and the counts "
		       "of %s events) are read at every metrics write; %s events never reach "
		       "probekit, so they cost it nothing, and their per-process and per-address "
		       "series are there only where the summary groups by them\n", in_kernel,
		       in_kernel == 1 ? "y is" : "ies are", in_kernel == 1 ? "its" : "their",
		       in_kernel == 1 ? "its" : "their", in_kernel == 1 ? "its" : "their");
}

static void print_guard(const struct monitor_opts *mo)
{
	if (!mo->max_cpu) {
		printf("overhead guard: off (--max-cpu off)\n");
		return;
	}
	printf("overhead guard: above %g%% of one CPU for %d s, the recipe that decoded the most "
	       "records is turned off, then the next, the last one pausing tracing instead; each "
	       "comes back after %lld s (doubling while the load lasts) within the budget\n",
	       mo->max_cpu, GUARD_SUSTAIN, GUARD_BACKOFF_MIN_NS / 1000000000LL);
}

/* Where the history is, and why not in the kernel (issue of cost: say so). */
static void print_history(const struct monitor_opts *mo)
{
	char before[32], after[32], gap[32];

	format_duration(mo->rec.before_ns, before, sizeof(before));
	format_duration(mo->rec.after_ns, after, sizeof(after));
	format_duration(mo->rec.gap_ns, gap, sizeof(gap));
	printf("recorder: the last %s of every recipe's events, pairs and requests, as decoded, in "
	       "a %zu MiB ring in probekit's memory (the oldest go first)\n", before,
	       mo->rec.ring_bytes >> 20);
	printf("history in the kernel: not used: the monitor's reader empties its instance's "
	       "buffer as events come (the metrics need every one), so a history the kernel "
	       "keeps (a buffer in overwrite mode, a snapshot) would need a second instance, "
	       "where the kernel writes every event again, in the traced tasks' time, which "
	       "--max-cpu cannot see; the copy kept here costs about 0.1 us an event of "
	       "probekit's own time, which --max-cpu counts\n");
	printf("captures: %s/probekit-capture-TIME.ndjson, from %s before a trigger to %s after; "
	       "at least %s apart (triggers in between are counted); at most %d kept, %llu MiB "
	       "in all\n", mo->rec.dir, before, after, gap, mo->rec.max_captures,
	       (unsigned long long)(mo->rec.max_total_bytes >> 20));
	if (mo->rec.on_trigger) {
		char limit[32];

		format_duration(mo->rec.on_trigger_timeout_ns, limit, sizeof(limit));
		printf("on trigger: sh -c with the capture's path once it is written, one at a "
		       "time, killed after %s\n", limit);
	}
}

/* Each trigger resolved against the set; one that cannot fire here is said so. */
static int print_triggers(const struct recipe_set *rs, const struct monitor_opts *mo)
{
	for (int i = 0; i < mo->n_triggers; i++) {
		struct flight_trigger t;
		const struct planned_event *pe;
		char shown[256];

		if (!flight_trigger_parse(&t, mo->triggers[i], (const struct recipe *const *)rs->r,
					  rs->n))
			return PK_ERR_USAGE;
		text_escape(t.text, strlen(t.text), shown, sizeof(shown));
		printf("trigger '%s': ", shown);
		flight_trigger_describe(&t, (const struct recipe *const *)rs->r, stdout);
		pe = t.event >= 0 ? &rs->pp[t.recipe]->ev[t.event] : NULL;
		if (pe && pe->chosen < 0)
			printf("  it cannot fire on this kernel: event %s of %s is not traced here "
			       "(%s)\n", pe->decl->name, rs->r[t.recipe]->name,
			       plan_why_not(rs->pp[t.recipe], t.event));
		flight_trigger_free(&t);
	}
	return PK_OK;
}

int monitor_print_plan(const struct recipe_set *rs, const struct monitor_opts *mo)
{
	printf("set: %d recipe%s in one instance, one reader:", rs->n, rs->n == 1 ? "" : "s");
	for (int k = 0; k < rs->n; k++)
		printf(" %s", rs->r[k]->name);
	printf("\n");
	for (int k = 0; k < rs->n_dropped; k++)
		printf("skipped: %s (this kernel cannot run it: the lines above)\n", rs->dropped[k]);
	plan_print_set((const struct plan *const *)rs->pp, rs->n);
	print_metrics(mo);
	print_pairs(rs, mo);
	print_guard(mo);
	if (!mo->rec.dir) {
		printf("recorder: off (no --record)\n");
		return PK_OK;
	}
	print_history(mo);
	return print_triggers(rs, mo);
}
