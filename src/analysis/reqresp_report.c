// SPDX-License-Identifier: GPL-2.0-or-later
/* The request/response analysis's views: the summary's tables and the -i table, as JSON and text. */
#include <arpa/inet.h>
#include <stdlib.h>

#include "analysis/reqresp_run.h"
#include "analysis/stats_view.h"

const char *role_name(int role)
{
	return role == RR_SERVER ? "server" : role == RR_CLIENT ? "client" : "-";
}

static json_t *group_json(const struct rr_group *g, bool conn)
{
	json_t *o = json_pack("{s:s,s:I,s:I,s:I,s:I}", "role", role_name(g->k.role),
			      "requests", (json_int_t)(g->total.count + g->pipelined),
			      "pipelined", (json_int_t)g->pipelined,
			      "bytes_in", (json_int_t)g->bytes_in,
			      "bytes_out", (json_int_t)g->bytes_out);

	if (conn) {
		char la[INET6_ADDRSTRLEN], ra[INET6_ADDRSTRLEN];

		inet_ntop(g->k.family, g->k.laddr, la, sizeof(la));
		inet_ntop(g->k.family, g->k.raddr, ra, sizeof(ra));
		json_object_set_new(o, "laddr", json_string(la));
		json_object_set_new(o, "lport", json_integer(g->k.lport));
		json_object_set_new(o, "raddr", json_string(ra));
		json_object_set_new(o, "rport", json_integer(g->k.rport));
		json_object_set_new(o, "from_open", json_boolean(g->from_open && !g->not_open));
	} else {
		json_object_set_new(o, "port", json_integer(g->k.lport));
	}
	json_object_set_new(o, "total", stats_json(&g->total));
	json_object_set_new(o, "last", stats_json(&g->last));
	json_object_set_new(o, "wait", stats_json(&g->wait));
	if (g->k.role == RR_SERVER)
		json_object_set_new(o, "app", stats_json(&g->app));
	return o;
}

static json_t *gtab_json(const struct rr_gtab *t, bool conn)
{
	json_t *arr = json_array();
	size_t n;
	struct rr_group **g = gtab_sorted(t, &n);

	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, group_json(g[i], conn));
	free(g);
	return arr;
}

static json_t *summary_json(const void *self, const struct format_ctx *fc)
{
	const struct rr_run *run = self;
	const struct rr_counters *c = &run->t.c;
	json_t *o = json_pack("{s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
		"type", "reqresp", "analysis", run->d->name, "title", run->d->title,
		"exchanges", (json_int_t)c->exchanges, "pipelined", (json_int_t)c->pipelined,
		"stray_sends", (json_int_t)c->stray_sends,
		"stray_arrivals", (json_int_t)c->stray_arrivals,
		"stray_reads", (json_int_t)c->stray_reads, "invalidated", (json_int_t)c->invalidated,
		"evicted", (json_int_t)c->evicted, "unknown_role", (json_int_t)c->unknown_role,
		"connections_not_kept", (json_int_t)run->conns_not_kept,
		"listeners", (json_int_t)run->listeners.n);

	(void)fc;
	json_object_set_new(o, "ports", gtab_json(&run->ports, false));
	json_object_set_new(o, "connections", gtab_json(&run->conns, true));
	return o;
}

static void split_cells(FILE *f, const struct rr_group *g)
{
	char w50[32], w99[32], a50[32], a99[32];

	format_duration(stats_percentile(&g->wait, 50), w50, sizeof(w50));
	format_duration(stats_percentile(&g->wait, 99), w99, sizeof(w99));
	format_duration(stats_percentile(&g->app, 50), a50, sizeof(a50));
	format_duration(stats_percentile(&g->app, 99), a99, sizeof(a99));
	if (g->k.role == RR_SERVER)
		fprintf(f, "  %10s %10s %10s %10s", w50, w99, a50, a99);
	else
		fprintf(f, "  %10s %10s %10s %10s", w50, w99, "-", "-");
}

static void table_header(FILE *f, const char *first)
{
	fprintf(f, "  %-6s %-6s", "ROLE", first);
	stats_header(f, true);
	fprintf(f, "  %10s %10s %10s %10s %9s\n", "WAIT-P50", "WAIT-P99", "APP-P50", "APP-P99",
		"PIPELINED");
}

static void ports_text(FILE *f, const struct rr_run *run)
{
	size_t n;
	struct rr_group **g = gtab_sorted(&run->ports, &n);

	table_header(f, "PORT");
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "  %-6s %-6u", role_name(g[i]->k.role), g[i]->k.lport);
		stats_row(f, &g[i]->total, true);
		split_cells(f, g[i]);
		fprintf(f, " %9llu\n", (unsigned long long)g[i]->pipelined);
	}
	free(g);
}

#define CONN_ROWS 20

static void conns_text(FILE *f, const struct rr_run *run)
{
	size_t n;
	struct rr_group **g = gtab_sorted(&run->conns, &n);

	fprintf(f, "Per connection (most requests first, at most %d per role):\n", CONN_ROWS);
	table_header(f, "");
	for (size_t i = 0, shown[4] = { 0 }; i < n; i++) {
		char la[INET6_ADDRSTRLEN], ra[INET6_ADDRSTRLEN];
		const struct rr_gkey *k = &g[i]->k;

		if (shown[k->role]++ >= CONN_ROWS)
			continue;
		inet_ntop(k->family, k->laddr, la, sizeof(la));
		inet_ntop(k->family, k->raddr, ra, sizeof(ra));
		fprintf(f, "  %-6s %-6s", role_name(k->role), "");
		stats_row(f, &g[i]->total, true);
		split_cells(f, g[i]);
		fprintf(f, " %9llu  %s%s%s:%u -> %s%s%s:%u\n", (unsigned long long)g[i]->pipelined,
			k->family == AF_INET6 ? "[" : "", la, k->family == AF_INET6 ? "]" : "",
			k->lport, k->family == AF_INET6 ? "[" : "", ra,
			k->family == AF_INET6 ? "]" : "", k->rport);
	}
	free(g);
}

static void summary_text(const void *self, const struct format_ctx *fc, FILE *f)
{
	const struct rr_run *run = self;
	const struct rr_counters *c = &run->t.c;

	(void)fc;
	fprintf(f, "%s (%s): %llu requests, %llu of them pipelined (counted, not timed); "
		"%llu stray sends, %llu stray arrivals, %llu stray reads, %llu invalidated by lost "
		"events, %llu connections evicted; %d listening sockets known\n",
		run->d->title, run->d->name, (unsigned long long)c->exchanges,
		(unsigned long long)c->pipelined, (unsigned long long)c->stray_sends,
		(unsigned long long)c->stray_arrivals, (unsigned long long)c->stray_reads,
		(unsigned long long)c->invalidated, (unsigned long long)c->evicted,
		run->listeners.n);
	if (!c->exchanges)
		return;
	fprintf(f, "TOTAL: server, request arrived -> first response byte sent (= WAIT in the "
		"socket + APP); client, request sent -> first response byte arrived (WAIT: until "
		"read).\nPer server port:\n");
	ports_text(f, run);
	conns_text(f, run);
	if (run->conns_not_kept)
		fprintf(f, "  (%llu more connections counted in the ports only)\n",
			(unsigned long long)run->conns_not_kept);
}

struct rr_interval {
	const struct rr_run *run;
	double seconds;
};

static json_t *interval_json(const void *self, const struct format_ctx *fc)
{
	const struct rr_interval *iv = self;
	json_t *arr = json_array();
	json_t *o = json_pack("{s:s,s:s,s:f}", "type", "interval", "analysis", iv->run->d->name,
			      "seconds", iv->seconds);
	size_t n;
	struct rr_group **g = gtab_sorted(&iv->run->ports, &n);

	(void)fc;
	for (size_t i = 0; i < n; i++) {
		json_t *p = json_pack("{s:s,s:i,s:I}", "role", role_name(g[i]->k.role), "port",
				      g[i]->k.lport, "pipelined",
				      (json_int_t)g[i]->interval_pipelined);

		json_object_set_new(p, "total", stats_json(&g[i]->interval));
		json_array_append_new(arr, p);
	}
	free(g);
	json_object_set_new(o, "ports", arr);
	return o;
}

static void interval_text(const void *self, const struct format_ctx *fc, FILE *f)
{
	const struct rr_interval *iv = self;
	size_t n;
	struct rr_group **g = gtab_sorted(&iv->run->ports, &n);

	(void)fc;
	fprintf(f, "--- %s: %.1f s\n  %-6s %-6s", iv->run->d->title, iv->seconds, "ROLE", "PORT");
	stats_header(f, true);
	fprintf(f, " %9s\n", "PIPELINED");
	for (size_t i = 0; i < n; i++) {
		if (!g[i]->interval.count && !g[i]->interval_pipelined)
			continue;
		fprintf(f, "  %-6s %-6u", role_name(g[i]->k.role), g[i]->k.lport);
		stats_row(f, &g[i]->interval, true);
		fprintf(f, " %9llu\n", (unsigned long long)g[i]->interval_pipelined);
	}
	free(g);
}

void rr_report_interval(struct analysis *a, double seconds)
{
	struct rr_run *run = a->state;
	struct rr_interval iv = { run, seconds };
	struct report_view v = { &iv, interval_json, interval_text };

	sink_report(a->sink, &v);
	for (size_t i = 0; i < run->ports.cap; i++)
		if (run->ports.slots[i]) {
			stats_reset(&run->ports.slots[i]->interval);
			run->ports.slots[i]->interval_pipelined = 0;
		}
}

void rr_report_summary_to(struct analysis *a, struct sink *s)
{
	struct report_view v = { a->state, summary_json, summary_text };

	sink_report(s, &v);
}

void rr_report_summary(struct analysis *a)
{
	rr_report_summary_to(a, a->sink);
}
