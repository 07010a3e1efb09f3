/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_REQRESP_RUN_H
#define PROBEKIT_REQRESP_RUN_H

/*
 * The request/response analysis's run state, shared by its files:
 * reqresp_analysis.c (records in), reqresp_groups.c (statistics per server
 * port and per connection), reqresp_report.c (the views).
 */
#include "analysis/explain.h"
#include "analysis/reqresp.h"
#include "kernel/listeners.h"

#define RR_IGNORED 3		/* a role --role leaves out */
#define RR_MAX_CONN_GROUPS 4096	/* per-connection statistics kept; the rest counted */

/* Whose statistics: a role and server port, or one connection. No padding: hashed and compared as bytes. */
struct rr_gkey {
	uint16_t role, family, lport, rport;
	uint8_t laddr[16], raddr[16];
};

struct rr_group {
	struct rr_gkey k;
	bool from_open, not_open;	/* reported: from_open && !not_open (a lost request renumbers) */
	uint64_t pipelined, bytes_in, bytes_out;
	struct stats total, last, wait, app;
	struct stats interval;		/* total, this -i interval (port groups) */
	uint64_t interval_pipelined;
};

struct rr_gtab {
	struct rr_group **slots;	/* open addressing */
	size_t cap, used;
};

struct rr_run {
	const struct reqresp_decl *d;
	int only_role;			/* --role: RR_SERVER, RR_CLIENT, or 0 */
	uint64_t port;			/* -p port=N: 0 none */
	struct rr_table t;
	struct listeners listeners;
	bool listeners_read;
	struct rr_gtab ports, conns;
	uint64_t conns_not_kept;	/* connections beyond RR_MAX_CONN_GROUPS */
	struct value *line;		/* scratch record values for -t lines */
	struct record rec;
	struct explain *explain;	/* --explain: the history slow requests are explained from */
};

/* The statistics group of key k, created if new and create; NULL if not. */
struct rr_group *gtab_get(struct rr_gtab *g, const struct rr_gkey *k, bool create);
void gtab_free(struct rr_gtab *g);
/* Groups by role, then most requests first; caller frees. */
struct rr_group **gtab_sorted(const struct rr_gtab *g, size_t *n);
/* A finished exchange into a group's statistics (pipelined ones are only counted). */
void group_add(struct rr_group *g, const struct rr_exchange *x);

const char *role_name(int role);
/* The summary and the -i interval, through the sink. */
void rr_report_summary(struct analysis *a);
/* The same view to another sink (the monitor's metrics): requests answered so far. */
void rr_report_summary_to(struct analysis *a, struct sink *s);
void rr_report_interval(struct analysis *a, double seconds);

#endif
