// SPDX-License-Identifier: GPL-2.0-or-later
/* The owner enricher without a socket table: learned in context, kept for softirq events, never carried to another connection at a reused socket address. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "enrich/owner.h"
#include "test.h"

enum { SK = FIELD_NR_BUILTIN, LADDR, LPORT, RADDR, RPORT, N_FIELDS };

struct rig {
	struct value vals[N_FIELDS];
	struct record rec;
	struct event_decl events[1];
	struct recipe r;
	struct owner_cfg cfg;
	void *state;
};

static void rig_open(struct rig *g)
{
	struct enrich_env env = { .recipe = &g->r };	/* no tracefs: events only */

	memset(g, 0, sizeof(*g));
	g->rec = (struct record){ .values = g->vals, .n_values = N_FIELDS, .ts = 1000 };
	g->cfg = (struct owner_cfg){ .socket = SK, .local = { NULL, LADDR, LPORT },
				     .remote = { NULL, RADDR, RPORT } };
	g->r = (struct recipe){ .n_fields = N_FIELDS, .owner = &g->cfg, .events = g->events,
				.n_events = 1 };
	env.recipe = &g->r;
	g->state = owner_enricher.open(&env);
}

/* One event about socket sk, lport -> 10.0.0.2:rport, run by pid (0: in softirq). */
static const char *event(struct rig *g, uint64_t sk, int lport, int rport, int pid)
{
	uint8_t a[4] = { 10, 0, 0, 1 }, b[4] = { 10, 0, 0, 2 };

	memset(g->vals, 0, sizeof(g->vals));
	g->vals[SK] = (struct value){ .present = true, .num = sk };
	value_set_addr(&g->vals[LADDR], a, 4);
	value_set_addr(&g->vals[RADDR], b, 4);
	g->vals[LPORT] = (struct value){ .present = true, .num = (uint64_t)lport };
	g->vals[RPORT] = (struct value){ .present = true, .num = (uint64_t)rport };
	g->vals[FIELD_PID] = (struct value){ .present = pid != 0, .num = (uint64_t)pid };
	g->vals[FIELD_COMM] = (struct value){ .present = pid != 0, .str = "unit", .len = 4 };
	owner_enricher.enrich(g->state, &g->rec);
	return g->vals[FIELD_OWNER].present ? g->vals[FIELD_OWNER].str : "absent";
}

static void learned_in_context_kept_for_softirq(void)
{
	struct rig g;
	int self = getpid();

	rig_open(&g);
	CHECK_STR(event(&g, 0x1000, 0, 80, self), "context");	/* SYN_SENT: no port yet */
	CHECK_STR(event(&g, 0x1000, 40000, 80, 0), "earlier");
	CHECK(g.vals[FIELD_PID].present && (int)g.vals[FIELD_PID].num == self);
	CHECK(g.vals[FIELD_COMM].present && g.vals[FIELD_COMM].str);
	/* the same address, another remote end: a new socket, not this owner's */
	CHECK_STR(event(&g, 0x1000, 5001, 40001, 0), "unknown");
	CHECK(!g.vals[FIELD_PID].present && !g.vals[FIELD_COMM].present);
	/* reused by a new connect() of the same process to the same server: a new port */
	CHECK_STR(event(&g, 0x2000, 0, 80, self), "context");
	CHECK_STR(event(&g, 0x2000, 40002, 80, 0), "earlier");
	CHECK_STR(event(&g, 0x2000, 0, 80, getppid()), "context");	/* another process connects */
	CHECK_STR(event(&g, 0x2000, 40003, 80, 0), "earlier");
	CHECK((int)g.vals[FIELD_PID].num == getppid());
	/* a null socket (a reset to a segment nobody wants) is about no socket */
	CHECK_STR(event(&g, 0, 1, 2, 0), "absent");
	owner_enricher.close(g.state);
}

const struct unit_test owner_tests[] = {
	{ "owner: learned in context, kept for softirq, not carried over a reused address",
	  learned_in_context_kept_for_softirq },
	{ NULL, NULL },
};
