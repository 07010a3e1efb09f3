// SPDX-License-Identifier: GPL-2.0-or-later
/* Group counts and /proc/net/snmp parsing. */
#include <stdlib.h>

#include "kernel/reader.h"
#include "analysis/counts.h"
#include "test.h"

static void counts_per_flow_sorted(void)
{
	struct recipe *r = recipe_load("../recipes/tcp-retrans.json");
	struct value *vals;
	const struct counts_cfg *cfg;
	struct counts s;
	struct group **g;
	size_t n;
	int lport, rport;

	if (!r)
		return;
	vals = xcalloc(r->n_fields, sizeof(*vals));
	lport = recipe_field_index(r, "lport");
	rport = recipe_field_index(r, "rport");
	cfg = recipe_analysis_cfg(r, &counts_analysis);
	counts_init(&s, r, cfg);
	/* 200 flows (forces the table to grow), flow k seen k+1 times */
	for (int k = 0; k < 200; k++)
		for (int i = 0; i <= k; i++) {
			value_set_addr(&vals[recipe_field_index(r, "laddr")],
				       (const uint8_t[]){ 10, 0, 0, 1 }, 4);
			value_set_addr(&vals[recipe_field_index(r, "raddr")],
				       (const uint8_t[]){ 10, 0, 0, 2 }, 4);
			vals[lport] = (struct value){ .present = true, .num = 1000 + k };
			vals[rport] = (struct value){ .present = true, .num = 80 };
			counts_add(&s, vals, 0);
		}
	g = counts_sorted(&s, &n);
	CHECK(n == 200);
	CHECK(s.total == 200 * 201 / 2 && s.per_event[0] == s.total);
	CHECK(group_count(g[0]) == 200 && g[0]->vals[1].num == 1199);
	CHECK(group_count(g[199]) == 1 && g[199]->vals[1].num == 1000);
	free(g);
	counts_free(&s);
	free(vals);
	recipe_free(r);
}

static void snmp_counters(void)
{
	struct snmp_snapshot ss = {
		.snmp = xstrdup("Ip: Forwarding DefaultTTL\nIp: 1 64\n"
				"Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens "
				"AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs\n"
				"Tcp: 1 200 120000 -1 5 6 0 0 2 1000 2000 37 0\n"),
		.netstat = xstrdup("TcpExt: SyncookiesSent TCPLossProbes\nTcpExt: 0 12\n"),
	};
	uint64_t v = 0;

	CHECK(snmp_get(&ss, "Tcp:RetransSegs", &v) && v == 37);
	CHECK(snmp_get(&ss, "Tcp:OutSegs", &v) && v == 2000);
	CHECK(snmp_get(&ss, "Tcp:RtoAlgorithm", &v) && v == 1);
	CHECK(snmp_get(&ss, "TcpExt:TCPLossProbes", &v) && v == 12);
	CHECK(!snmp_get(&ss, "Tcp:Nope", &v));
	CHECK(!snmp_get(&ss, "Udp:InDatagrams", &v));
	snmp_free(&ss);
	CHECK(stats_value("entries: 3\noverrun: 17\ndropped events: 4\n", "overrun") == 17);
	CHECK(stats_value("entries: 3\noverrun: 17\ndropped events: 4\n", "dropped events") == 4);
}

/* A flood of keys: at most GROUPTAB_MAX groups, the rest counted in one overflow group. */
static void groups_are_capped(void)
{
	struct column col = { .title = "K", .field = 0, .port_field = -1 };
	struct grouptab t;
	struct value v = { .present = true };
	struct group **g;
	size_t n;

	grouptab_init(&t, &col, 1, sizeof(uint64_t));
	for (uint64_t k = 0; k < GROUPTAB_MAX + 10; k++) {
		v.num = k;
		(*(uint64_t *)grouptab_get(&t, &v))++;
	}
	v.num = 3;	/* an old key still finds its own group */
	(*(uint64_t *)grouptab_get(&t, &v))++;
	CHECK(t.used == GROUPTAB_MAX && t.overflowed == 10);
	g = grouptab_list(&t, &n);
	CHECK(n == GROUPTAB_MAX + 1 && *(uint64_t *)g[n - 1]->payload == 10);
	CHECK(!g[n - 1]->vals[0].present);
	free(g);
	grouptab_free(&t, NULL);
}

const struct unit_test counts_tests[] = {
	{ "counts: at most GROUPTAB_MAX groups, the rest in one overflow group", groups_are_capped },
	{ "counts: counts per flow, sorted, table growth", counts_per_flow_sorted },
	{ "counts: snmp and per-CPU stats parsing", snmp_counters },
	{ NULL, NULL },
};
