// SPDX-License-Identifier: GPL-2.0-or-later
/* The request/response state machine, its connection table, and the two sides' join. */
#include <netinet/in.h>
#include <stdlib.h>

#include "analysis/reqresp.h"
#include "analysis/reqresp_join.h"
#include "kernel/listeners.h"
#include "test.h"

#define MS 1000000ULL

static struct rr_conn *conn(struct rr_table *t, uint64_t key, int role)
{
	bool created;
	struct rr_conn *c = rr_get(t, key, &created, NULL);

	c->role = (uint8_t)role;
	return c;
}

/* arrive 0, read 3, send 5 and 6, next arrival 20: one exchange, split exactly */
static void server_exchange_split(void)
{
	struct rr_table t;
	struct rr_exchange x;
	struct rr_conn *c;

	rr_table_init(&t, 8);
	c = conn(&t, 1, RR_SERVER);
	CHECK(!rr_step(&t, c, RR_IN, 0, 100, &x));
	CHECK(!rr_step(&t, c, RR_IN, 1 * MS, 50, &x));	/* the rest of the request */
	CHECK(!rr_step(&t, c, RR_READ, 3 * MS, 0, &x));
	CHECK(!rr_step(&t, c, RR_OUT, 5 * MS, 10, &x));
	CHECK(!rr_step(&t, c, RR_OUT, 6 * MS, 20, &x));
	CHECK(rr_step(&t, c, RR_IN, 20 * MS, 100, &x));
	CHECK(!x.pipelined && x.ordinal == 1);
	CHECK(x.total_ns == 5 * MS && x.last_ns == 6 * MS);
	CHECK(x.has_wait && x.wait_ns == 3 * MS && x.has_app && x.app_ns == 2 * MS);
	CHECK(x.bytes_in == 150 && x.bytes_out == 30);
	/* the second request: its answer, then the connection ends */
	CHECK(!rr_step(&t, c, RR_READ, 21 * MS, 0, &x));
	CHECK(!rr_step(&t, c, RR_OUT, 22 * MS, 1, &x));
	CHECK(rr_finish(&t, c, &x) && x.ordinal == 2 && x.total_ns == 2 * MS);
	CHECK(t.c.exchanges == 2 && !t.c.pipelined);
	rr_table_free(&t);
}

/* A read after the answer began, with no arrival since: requests overlapped. */
static void server_pipelining_detected(void)
{
	struct rr_table t;
	struct rr_exchange x;
	struct rr_conn *c;

	rr_table_init(&t, 8);
	c = conn(&t, 1, RR_SERVER);
	rr_step(&t, c, RR_IN, 0, 10, &x);
	rr_step(&t, c, RR_IN, 0, 10, &x);	/* the second request, same burst */
	rr_step(&t, c, RR_READ, 1 * MS, 0, &x);
	rr_step(&t, c, RR_OUT, 2 * MS, 1, &x);
	rr_step(&t, c, RR_READ, 3 * MS, 0, &x);	/* reads the second after answering the first */
	rr_step(&t, c, RR_OUT, 4 * MS, 1, &x);
	CHECK(rr_step(&t, c, RR_IN, 9 * MS, 10, &x) && x.pipelined);
	/* a request read in parts before its answer is not pipelining */
	rr_step(&t, c, RR_READ, 10 * MS, 0, &x);
	rr_step(&t, c, RR_IN, 11 * MS, 10, &x);
	rr_step(&t, c, RR_READ, 12 * MS, 0, &x);
	rr_step(&t, c, RR_OUT, 13 * MS, 1, &x);
	CHECK(rr_finish(&t, c, &x) && !x.pipelined && x.wait_ns == 1 * MS && x.app_ns == 3 * MS);
	CHECK(t.c.pipelined == 1 && t.c.exchanges == 2);
	rr_table_free(&t);
}

static void client_exchange_and_strays(void)
{
	struct rr_table t;
	struct rr_exchange x;
	struct rr_conn *c;

	rr_table_init(&t, 8);
	c = conn(&t, 7, RR_CLIENT);
	CHECK(!rr_step(&t, c, RR_IN, 0, 5, &x));	/* a greeting: no request yet */
	CHECK(!rr_step(&t, c, RR_READ, 0, 0, &x));
	CHECK(t.c.stray_arrivals == 1 && t.c.stray_reads == 1);
	rr_step(&t, c, RR_OUT, 10 * MS, 40, &x);
	rr_step(&t, c, RR_OUT, 10 * MS, 60, &x);	/* written in two parts */
	rr_step(&t, c, RR_IN, 50 * MS, 1000, &x);
	rr_step(&t, c, RR_IN, 51 * MS, 1000, &x);
	rr_step(&t, c, RR_READ, 53 * MS, 0, &x);
	CHECK(rr_step(&t, c, RR_OUT, 60 * MS, 100, &x));
	CHECK(x.total_ns == 40 * MS && x.last_ns == 41 * MS && x.wait_ns == 3 * MS && !x.has_app);
	CHECK(x.bytes_out == 100 && x.bytes_in == 2000);
	/* events were lost: the open request is dropped, ordinals no longer match the peer's */
	c->from_open = true;
	rr_invalidate(&t);
	CHECK(t.c.invalidated == 1 && !c->from_open && !rr_finish(&t, c, &x));
	rr_table_free(&t);
}

/* The table: the least recently used goes when full; removal frees the slot. */
static void table_evicts_least_recently_used(void)
{
	struct rr_table t;
	struct rr_conn ev, *c;
	bool created;

	rr_table_init(&t, 3);
	for (uint64_t k = 1; k <= 3; k++)
		rr_get(&t, k, &created, &ev);
	CHECK(rr_find(&t, 1));		/* 1 is now the most recent */
	c = rr_get(&t, 4, &created, &ev);
	CHECK(created && ev.used && ev.key == 2 && t.c.evicted == 1 && !rr_find(&t, 2));
	rr_remove(&t, c);
	CHECK(!rr_find(&t, 4) && t.used == 2);
	c = rr_get(&t, 5, &created, &ev);
	CHECK(created && !ev.used && rr_find(&t, 1) && rr_find(&t, 3) && rr_find(&t, 5));
	rr_table_free(&t);
}

static void listeners_from_proc_text(void)
{
	struct listeners l = { 0 };
	const uint8_t lo[4] = { 127, 0, 0, 1 }, other[4] = { 10, 0, 0, 1 };
	uint8_t v6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };

	listeners_parse(&l, "  sl  local_address rem_address   st tx_queue rx_queue\n"
		"   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000\n"
		"   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000\n"
		"   2: 0100007F:A000 0100007F:1F90 01 00000000:00000000 00:00000000 00000000\n"
		"   3: garbage\n", false);
	listeners_parse(&l, "  sl  local_address                         remote_address\n"
		"   0: 000000FD000000000000000002000000:1389 00000000000000000000000000000000:0000 0A\n",
		true);
	CHECK(l.n == 3);
	CHECK(listeners_match(&l, AF_INET, lo, 8080));
	CHECK(!listeners_match(&l, AF_INET, other, 8080));	/* bound to 127.0.0.1 only */
	CHECK(listeners_match(&l, AF_INET, other, 22));		/* any address */
	CHECK(!listeners_match(&l, AF_INET, lo, 0xA000));	/* an established socket */
	CHECK(listeners_match(&l, AF_INET6, v6, 5001));
	listeners_free(&l);
}

static int calls;
static void count_pair(const struct rr_req *c, const struct rr_req *s, void *ctx)
{
	(void)ctx;
	calls += c->req_bytes == s->req_bytes;
}

static void join_by_number_or_by_sizes(void)
{
	struct rr_req c[6], s[6];
	struct rr_join j;

	for (int i = 0; i < 6; i++) {
		c[i] = (struct rr_req){ .seq = i + 1, .total_ns = 10, .req_bytes = 101 + i,
					.resp_bytes = 9 };
		s[i] = (struct rr_req){ .seq = i + 1, .total_ns = 5, .req_bytes = 104 + i,
					.resp_bytes = 9 };
	}
	/* the server saw 3 requests fewer: its request n is the client's n + 3 */
	calls = 0;
	CHECK(rr_join_requests(c, 6, s, 6, false, &j, count_pair, NULL));
	CHECK(j.shift == -3 && j.joined == 3 && calls == 3);
	/* from the handshake: by number, and sizes that disagree are not joined */
	for (int i = 0; i < 6; i++)
		s[i] = c[i];
	s[2].req_bytes = 1;
	calls = 0;
	CHECK(rr_join_requests(c, 6, s, 6, true, &j, count_pair, NULL));
	CHECK(j.shift == 0 && j.joined == 5 && j.disagree == 1 && calls == 5);
	/* all sizes alike and no handshake: no shift can be told, no join */
	for (int i = 0; i < 6; i++) {
		c[i].req_bytes = s[i].req_bytes = 100;
		s[i].seq = i + 10;
	}
	CHECK(!rr_join_requests(c, 6, s, 6, false, &j, NULL, NULL));
}

const struct unit_test reqresp_tests[] = {
	{ "reqresp: a server exchange, wait and app split", server_exchange_split },
	{ "reqresp: pipelining is detected, parts are not", server_pipelining_detected },
	{ "reqresp: a client exchange, strays, lost events", client_exchange_and_strays },
	{ "reqresp: the table evicts the least recently used", table_evicts_least_recently_used },
	{ "reqresp: listeners from /proc/net/tcp text", listeners_from_proc_text },
	{ "reqresp: the two sides joined by number or sizes", join_by_number_or_by_sizes },
	{ NULL, NULL },
};
