// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The monitor's metrics: every recipe's (through the Prometheus sink), then
 * its own (records, losses, reloads, CPU, memory, the recorder, the
 * endpoint); rendered once per write, served and written atomically.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/monitor.h"
#include "output/metrics_http.h"
#include "util/clock.h"

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

static void recipe_metrics(struct monitor *mon, struct prom *m)
{
	struct recipe_set *rs = mon->rs;

	for (int k = 0; k < rs->n; k++) {
		struct sink *s = prom_sink_open(m, rs->r[k]);
		int times;
		bool shed = engine_recipe_shed(mon->e, k, &times);

		prom_sample(m, "probekit_recipe_up", "gauge",
			    "1 while the recipe traces, 0 when the kernel refused it", "",
			    engine_recipe_runs(mon->e, k), "recipe", rs->r[k]->name, NULL);
		prom_sample(m, "probekit_recipe_shed", "gauge",
			    "1 while the overhead guard has the recipe turned off", "", shed,
			    "recipe", rs->r[k]->name, NULL);
		prom_sample(m, "probekit_recipe_sheds_total", "counter",
			    "Times the overhead guard turned the recipe off", "", times,
			    "recipe", rs->r[k]->name, NULL);
		engine_snapshot(mon->e, k, s);
		sink_close(s);
	}
	for (int k = 0; k < rs->n_dropped; k++)
		prom_sample(m, "probekit_recipe_up", "gauge",
			    "1 while the recipe traces, 0 when the kernel refused it", "", 0,
			    "recipe", rs->dropped[k], NULL);
}

/* Every recipe's metrics, then the monitor's own: samples, to render. */
static struct prom *metrics(struct monitor *mon)
{
	struct prom *m = prom_new();

	prom_set_max_series(m, mon->mo->max_series);
	prom_set_pins(m, mon->pins);
	prom_set_carry(m, mon->carry);
	recipe_metrics(mon, m);
	prom_sample(m, "probekit_records_read_total", "counter",
		    "Ring-buffer records the monitor read", "",
		    (double)(mon->records_base + engine_records(mon->e)), NULL);
	prom_sample(m, "probekit_lost_events_total", "counter",
		    "Events the ring buffer lost (all recipes)", "",
		    (double)(mon->lost_base + engine_lost(mon->e)), NULL);
	prom_sample(m, "probekit_reloads_total", "counter",
		    "Times the recipe set was reloaded (SIGHUP)", "", mon->reloads, NULL);
	prom_sample(m, "probekit_cpu_seconds_total", "counter",
		    "CPU time the monitor used (user and system; its capture writers' included)", "",
		    (clock_ns(CLOCK_PROCESS_CPUTIME_ID) + flight_writer_cpu_ns(mon->fl)) / 1e9, NULL);
	prom_sample(m, "probekit_resident_memory_bytes", "gauge",
		    "The monitor's resident memory", "", (double)resident_bytes(), NULL);
	if (mon->fl)
		flight_metrics(mon->fl, m);
	if (mon->http) {
		prom_sample(m, "probekit_http_requests_total", "counter",
			    "Requests to the metrics endpoint, answered or refused", "",
			    (double)metrics_http_served(mon->http), "code", "200", NULL);
		prom_sample(m, "probekit_http_requests_total", "counter",
			    "Requests to the metrics endpoint, answered or refused", "",
			    (double)metrics_http_refused(mon->http), "code", "4xx", NULL);
	}
	return m;
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

void monitor_remove_textfile(const char *dir)
{
	char *path = xasprintf("%s/probekit.prom", dir);

	if (unlink(path) < 0 && errno != ENOENT)
		pk_warn("--textfile: cannot remove %s: %s", path, strerror(errno));
	free(path);
}

/* The metrics text to the file and the endpoint; m (if wanted) keeps the samples. */
void monitor_write_metrics(struct monitor *mon, struct prom **keep)
{
	struct prom *m;
	char *text;

	if (!mon->mo->textfile && !mon->http && !keep)
		return;
	m = metrics(mon);
	text = prom_render(m);
	if (mon->mo->textfile)
		write_textfile(mon->mo->textfile, text);
	if (mon->http)
		metrics_http_publish(mon->http, text);	/* it keeps the text */
	else
		free(text);
	if (keep)
		*keep = m;
	else
		prom_free(m);
}
