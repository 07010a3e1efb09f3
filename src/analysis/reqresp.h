/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_REQRESP_H
#define PROBEKIT_REQRESP_H

/*
 * The request/response analysis (see probekit-recipe(5), REQUEST/RESPONSE):
 * per connection, a state machine over inbound payload, application reads
 * and application sends. reqresp_conn.c is the state machine and the
 * connection table (no I/O, unit-tested), reqresp_recipe.c parses the
 * recipe's "reqresp" section, reqresp_analysis.c runs and reports.
 */
#include "analysis/analysis.h"
#include "analysis/stats.h"

/* The recipe's "reqresp" section: which events and fields play which part. */
struct reqresp_decl {
	char *name;
	char *title;
	int ev_in, ev_read, ev_send, ev_state;	/* event indices; ev_state -1: none */
	int f_key;			/* the socket: same value on every event */
	int f_laddr, f_lport, f_raddr, f_rport;	/* the connection, where events carry it */
	int f_bytes;			/* payload bytes of an arrival, read or send; -1: none */
	int f_oldstate, f_newstate;	/* of the state event */
	int f_role, f_total, f_wait, f_app, f_bytes_in, f_bytes_out, f_seq, f_from_open;	/* -t lines */
	int max_connections;
	struct explain_decl *explain;	/* "explain": what run --explain traces, or NULL */
};

extern const struct analysis_ops reqresp_analysis;

bool reqresp_parse(struct schema *s, json_t *root);
void reqresp_describe(const void *cfg, const struct recipe *r, FILE *f);
void reqresp_free_cfg(void *cfg);
bool reqresp_explains(const void *cfg);

enum rr_role { RR_UNKNOWN, RR_SERVER, RR_CLIENT };
/* IDLE: nothing outstanding; ASK: request bytes on their way; ANSWER: the response began */
enum rr_phase { RR_IDLE, RR_ASK, RR_ANSWER };
enum rr_step { RR_IN, RR_READ, RR_OUT };

/* One request and its response, finished: what the statistics and -t lines get. */
struct rr_exchange {
	bool pipelined;		/* overlapped with another request: counted, not timed */
	uint64_t ordinal;	/* 1, 2, ... on this connection since it was first seen */
	uint64_t t_begin;	/* server: first request byte arrived; client: request sent */
	uint64_t total_ns;	/* -> first response byte (server: sent; client: arrived) */
	uint64_t last_ns;	/* -> last response byte before the next request */
	uint64_t wait_ns;	/* server: arrival -> first read; client: response arrival -> read */
	uint64_t app_ns;	/* server: first read -> first response byte; client: 0 */
	bool has_wait, has_app;
	uint64_t bytes_in, bytes_out;
};

struct rr_conn {
	uint64_t key;
	uint32_t next;			/* hash chain */
	uint32_t older, newer;		/* least recently used first: eviction */
	bool used;
	bool ids;			/* addresses and ports known */
	bool from_open;			/* seen from its handshake: ordinals match the peer's */
	uint8_t role, phase;
	bool read_seen, pipelined;
	uint16_t lport, rport;
	uint16_t family;
	uint8_t laddr[16], raddr[16];
	uint64_t ordinal;
	uint64_t t_begin, t_first_read, t_first_resp, t_last_resp, t_read_after;
	uint64_t bytes_in, bytes_out;
	int reader_tid;			/* the thread of the exchange's first read (--explain) */
	void *group;			/* the analysis's per-connection statistics, NULL: not kept */
};

/* Counters of what did not fit the model. */
struct rr_counters {
	uint64_t exchanges, pipelined;
	uint64_t stray_sends;		/* server sends with no request seen (greeting, before the run) */
	uint64_t stray_arrivals;	/* client arrivals with no request seen (push, before the run) */
	uint64_t stray_reads;		/* reads of data that arrived before anything was seen */
	uint64_t invalidated;		/* exchanges dropped because events were lost */
	uint64_t evicted;		/* connections dropped because the table was full */
	uint64_t unknown_role;		/* events of connections whose addresses were never seen */
};

struct rr_table {
	struct rr_conn *pool;		/* alloc + 1 slots (slot 0 unused), growing up to cap */
	uint32_t *buckets;
	uint32_t nbuckets, cap, alloc, used;
	uint32_t free_list, high_water, oldest, newest;	/* free slots: the list, then above high_water */
	struct rr_counters c;
};

void rr_table_init(struct rr_table *t, uint32_t cap);
void rr_table_free(struct rr_table *t);
/*
 * The connection of key, created if new (evicting the least recently used
 * when cap are in use). Creating may move the pool: earlier pointers are stale.
 */
struct rr_conn *rr_get(struct rr_table *t, uint64_t key, bool *created, struct rr_conn *evicted);
struct rr_conn *rr_find(struct rr_table *t, uint64_t key);
void rr_remove(struct rr_table *t, struct rr_conn *c);

/*
 * One step of connection c at ts (bytes 0: unknown). Returns true when it
 * finished an exchange (the previous request, now that a new one begins),
 * written to *x. The connection's role must be known.
 */
bool rr_step(struct rr_table *t, struct rr_conn *c, enum rr_step step, uint64_t ts,
	     uint64_t bytes, struct rr_exchange *x);
/* The connection ends (closed, evicted, end of run): its open exchange, if answered. */
bool rr_finish(struct rr_table *t, struct rr_conn *c, struct rr_exchange *x);
/* Events were lost: every open exchange may miss a step. */
void rr_invalidate(struct rr_table *t);

#endif
