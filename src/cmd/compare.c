// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probekit compare CLIENT.ndjson SERVER.ndjson: the two sides of the same
 * connections (tcp-reqresp --json runs on the client and the server host),
 * joined by their 4-tuple. Per request, client TOTAL - server TOTAL is the
 * network both ways plus both kernels; no clock needs to agree, each side's
 * times are its own differences.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/reqresp_join.h"
#include "analysis/stats.h"
#include "analysis/stats_view.h"
#include "cmd/cli.h"
#include "cmd/commands.h"
#include "output/format.h"
#include "output/sink.h"
#include "util/duration.h"
#include "util/hash.h"
#include "util/textsafe.h"

static const char usage_text[] =
	"usage: probekit compare CLIENT.ndjson SERVER.ndjson [OPTIONS]\n\n"
	"Join the client side and the server side of the same connections, from two\n"
	"`probekit run tcp-reqresp --json` outputs, or flight recorder captures (with -t 0\n"
	"or in a capture requests are joined one by one; else only their distributions\n"
	"are compared). Prints per connection and\n"
	"overall the client's time, the server's, and their difference: the network both\n"
	"ways and the two kernels; and which side the slow requests came from.\n"
	"The client side is read from the first file, the server side from the second:\n"
	"one run that saw both (one host, namespaces) can be given twice.\n\n"
	"  -t, --threshold TIME    a slow request: client TOTAL at least TIME (default: the\n"
	"                          client's p90 over the joined requests)\n"
	"      --json              one JSON object instead of the tables\n"
	"  -h, --help              this text\n";

/*
 * One connection of one side: a 4-tuple, and its epoch when the tuple was
 * used again (a new socket, or request numbers that start over). The client's
 * epoch k joins the server's epoch k of the crossed tuple.
 */
struct side_conn {
	char laddr[INET6_ADDRSTRLEN], raddr[INET6_ADDRSTRLEN];
	int lport, rport;
	int epoch, prev;		/* prev: index of the tuple's previous epoch, -1 none */
	char sock[32];			/* the socket of its request lines */
	uint64_t last_seq;
	bool not_open;			/* a request line said it was not seen from the handshake */
	bool superseded;		/* a later epoch of its tuple exists: not in the index */
	uint64_t requests, pipelined;
	uint64_t p50, p99;		/* of its summary, ns */
	struct rr_req *reqs;
	size_t n, cap;
	bool matched;
};

struct side {
	const char *path;
	const char *role;		/* "client" or "server" */
	struct side_conn *c;
	size_t n, cap;
	uint32_t *index;		/* open addressing: 1 + index into c, 0 empty */
	size_t index_cap;
	bool summary;			/* a reqresp summary was read */
	size_t request_lines;
};

/* One joined connection's distributions. */
struct joined {
	struct stats client, server, network;
	uint64_t negative;		/* client shorter than server: clocks of two CPUs, lost steps */
	uint64_t slow, slow_server, slow_network;
	uint64_t threshold_ns;
	bool count_slow;
};

static bool normalize_addr(const char *in, char *out)
{
	unsigned char raw[16];

	if (inet_pton(AF_INET, in, raw) == 1)
		return inet_ntop(AF_INET, raw, out, INET6_ADDRSTRLEN) != NULL;
	if (inet_pton(AF_INET6, in, raw) == 1)
		return inet_ntop(AF_INET6, raw, out, INET6_ADDRSTRLEN) != NULL;
	return false;
}

static uint64_t conn_hash(const struct side_conn *k)
{
	return hash_mix(hash_bytes(hash_bytes(HASH_SEED, k->laddr, strlen(k->laddr)), k->raddr,
				   strlen(k->raddr)), (uint64_t)k->lport << 16 | (uint64_t)k->rport);
}

static bool same_conn(const struct side_conn *a, const struct side_conn *b)
{
	return a->lport == b->lport && a->rport == b->rport && !strcmp(a->laddr, b->laddr) &&
	       !strcmp(a->raddr, b->raddr);
}

/* Room for one more connection in the index (kept at most half full). */
static void index_grow(struct side *s)
{
	size_t cap = s->index_cap ? 2 * s->index_cap : 64;

	if ((s->n + 1) * 2 <= s->index_cap)
		return;
	free(s->index);
	s->index = xcalloc(cap, sizeof(*s->index));
	s->index_cap = cap;
	for (size_t i = 0; i < s->n; i++) {
		size_t h = conn_hash(&s->c[i]) & (cap - 1);

		if (s->c[i].superseded)
			continue;
		while (s->index[h])
			h = (h + 1) & (cap - 1);
		s->index[h] = (uint32_t)(i + 1);
	}
}

/* The index slot of k's tuple: its latest epoch, or the empty slot where it goes. */
static size_t slot_of(struct side *s, const struct side_conn *k)
{
	size_t h;

	index_grow(s);
	for (h = conn_hash(k) & (s->index_cap - 1); s->index[h]; h = (h + 1) & (s->index_cap - 1))
		if (same_conn(&s->c[s->index[h] - 1], k))
			break;
	return h;
}

/* A new connection like k (its tuple's next epoch when prev >= 0), made the tuple's latest. */
static size_t add_conn(struct side *s, const struct side_conn *k, size_t slot, int prev)
{
	if (prev >= 0)
		s->c[prev].superseded = true;
	if (s->n == s->cap)
		s->c = xrealloc(s->c, (s->cap = s->cap ? 2 * s->cap : 16) * sizeof(*s->c));
	s->c[s->n] = (struct side_conn){ .lport = k->lport, .rport = k->rport, .prev = prev,
					 .epoch = prev >= 0 ? s->c[prev].epoch + 1 : 0 };
	memcpy(s->c[s->n].laddr, k->laddr, sizeof(k->laddr));
	memcpy(s->c[s->n].raddr, k->raddr, sizeof(k->raddr));
	s->index[slot] = (uint32_t)(s->n + 1);
	return s->n++;
}

/* The tuple an object names (addresses, ports 0 to 65535); false if it names none. */
static bool tuple_of(json_t *o, struct side_conn *k)
{
	const char *la = json_string_value(json_object_get(o, "laddr"));
	const char *ra = json_string_value(json_object_get(o, "raddr"));
	json_t *lp = json_object_get(o, "lport"), *rp = json_object_get(o, "rport");

	memset(k, 0, sizeof(*k));
	if (!la || !ra || !json_is_integer(lp) || !json_is_integer(rp) ||
	    json_integer_value(lp) < 0 || json_integer_value(lp) > 65535 ||
	    json_integer_value(rp) < 0 || json_integer_value(rp) > 65535 ||
	    !normalize_addr(la, k->laddr) || !normalize_addr(ra, k->raddr))
		return false;
	k->lport = (int)json_integer_value(lp);
	k->rport = (int)json_integer_value(rp);
	return true;
}

/* The latest epoch of the connection an object names, created if new; -1 if it names none. */
static long conn_of(struct side *s, json_t *o)
{
	struct side_conn k;
	size_t slot;

	if (!tuple_of(o, &k))
		return -1;
	slot = slot_of(s, &k);
	if (s->index[slot])
		return (long)s->index[slot] - 1;
	return (long)add_conn(s, &k, slot, -1);
}

static uint64_t num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) && json_integer_value(v) > 0 ? (uint64_t)json_integer_value(v) : 0;
}

static void add_summary(struct side *s, json_t *summary)
{
	json_t *conns = json_object_get(summary, "connections"), *o;
	size_t i;

	s->summary = true;
	json_array_foreach(conns, i, o) {
		struct side_conn *c;
		const char *role = json_string_value(json_object_get(o, "role"));
		long at;

		if (!role || strcmp(role, s->role) || (at = conn_of(s, o)) < 0)
			continue;
		c = &s->c[at];
		c->requests = num(o, "requests");
		c->pipelined = num(o, "pipelined");
		c->p50 = num(json_object_get(o, "total"), "p50_ns");
		c->p99 = num(json_object_get(o, "total"), "p99_ns");
	}
}

/* Request numbers beyond this are not a run's: refused, so shifts cannot overflow. */
#define SEQ_MAX (1ULL << 62)

static void add_request(struct side *s, json_t *o)
{
	const char *role = json_string_value(json_object_get(o, "role"));
	const char *sock = json_string_value(json_object_get(o, "sock"));
	bool client = !strcmp(s->role, "client");
	struct side_conn *c;
	struct rr_req r;
	long at;

	if (!role || strcmp(role, s->role) || (at = conn_of(s, o)) < 0)
		return;
	r = (struct rr_req){ .seq = num(o, "seq"), .total_ns = num(o, "total"),
			     .req_bytes = num(o, client ? "bytes_out" : "bytes_in"),
			     .resp_bytes = num(o, client ? "bytes_in" : "bytes_out") };
	if (r.seq >= SEQ_MAX)
		return;
	c = &s->c[at];
	/* the tuple used again: another socket, or numbers that start over */
	if (c->n && (r.seq <= c->last_seq || (sock && c->sock[0] && strcmp(sock, c->sock)))) {
		struct side_conn k = *c;	/* add_conn may move the array */

		at = (long)add_conn(s, &k, slot_of(s, &k), (int)at);
		c = &s->c[at];
	}
	if (sock && !c->sock[0])
		snprintf(c->sock, sizeof(c->sock), "%s", sock);
	c->last_seq = r.seq;
	c->not_open |= num(o, "from_open") == 0;
	if (c->n == c->cap)
		c->reqs = xrealloc(c->reqs, (c->cap = c->cap ? 2 * c->cap : 64) * sizeof(r));
	c->reqs[c->n++] = r;
	s->request_lines++;
}

/* Read one side's NDJSON; a line that is not JSON is an error with its place. */
static int read_side(struct side *s)
{
	FILE *f = fopen(s->path, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int lineno = 0, ret = PK_OK;

	if (!f) {
		pk_error("%s: %s", s->path, strerror(errno));
		return PK_ERR_USAGE;
	}
	while ((len = getline(&line, &cap, f)) > 0) {
		json_error_t err;
		json_t *o;
		const char *type;

		lineno++;
		if (strspn(line, " \t\r\n") == (size_t)len)	/* blank, CRLF too */
			continue;
		if (!(o = json_loadb(line, (size_t)len, 0, &err))) {
			char msg[512];

			text_escape(err.text, strlen(err.text), msg, sizeof(msg));
			pk_error("%s:%d:%d: %s", s->path, lineno, err.column, msg);
			ret = PK_ERR_USAGE;
			break;
		}
		type = json_string_value(json_object_get(o, "type"));
		if (type && !strcmp(type, "reqresp"))
			add_summary(s, o);
		else if (type && !strcmp(type, "request"))
			add_request(s, o);
		json_decref(o);
	}
	free(line);
	fclose(f);
	if (!ret && !s->summary && !s->request_lines) {
		pk_error("%s: no tcp-reqresp results (a run's --json output, with its summary)",
			 s->path);
		ret = PK_ERR_USAGE;
	}
	return ret;
}

static int by_seq(const void *a, const void *b)
{
	const struct rr_req *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void add_pair(const struct rr_req *c, const struct rr_req *s, void *ctx)
{
	struct joined *j = ctx;
	uint64_t net = c->total_ns > s->total_ns ? c->total_ns - s->total_ns : 0;

	j->negative += c->total_ns < s->total_ns;
	stats_add(&j->client, c->total_ns);
	stats_add(&j->server, s->total_ns);
	stats_add(&j->network, net);
	if (j->count_slow && c->total_ns >= j->threshold_ns) {
		j->slow++;
		if (s->total_ns >= net)
			j->slow_server++;
		else
			j->slow_network++;
	}
}

struct compare {
	struct side client, server;
	bool json;
	bool threshold_given;
	uint64_t threshold_ns;
};

/* The server's connection of a client's: addresses and ports crossed, the same epoch. */
static struct side_conn *peer_of(struct side *server, const struct side_conn *c)
{
	struct side_conn k = { .lport = c->rport, .rport = c->lport };
	size_t slot;
	long at;

	memcpy(k.laddr, c->raddr, sizeof(k.laddr));
	memcpy(k.raddr, c->laddr, sizeof(k.raddr));
	slot = slot_of(server, &k);
	for (at = (long)server->index[slot] - 1; at >= 0 && server->c[at].epoch > c->epoch;
	     at = server->c[at].prev)
		;
	return at >= 0 && server->c[at].epoch == c->epoch ? &server->c[at] : NULL;
}

struct conn_result {
	struct side_conn *c, *s;
	struct rr_join join;
	bool per_request;
	struct joined j;
};

/* A joined pair counts for its connection and for all. */
struct both {
	struct joined *conn, *all;
};

static void add_both(const struct rr_req *c, const struct rr_req *s, void *ctx)
{
	struct both *b = ctx;

	add_pair(c, s, b->conn);
	add_pair(c, s, b->all);
}

static void add_client(const struct rr_req *c, const struct rr_req *s, void *ctx)
{
	(void)s;
	stats_add(ctx, c->total_ns);
}

/* Seen from the handshake: every request line says so (a lost request renumbers the rest). */
static bool from_open(const struct side_conn *c)
{
	return c->n && !c->not_open;
}

static bool join_conn(struct conn_result *r,
		      void (*each)(const struct rr_req *, const struct rr_req *, void *), void *ctx)
{
	return rr_join_requests(r->c->reqs, r->c->n, r->s->reqs, r->s->n,
				from_open(r->c) && from_open(r->s), &r->join, each, ctx);
}

static void free_joined(struct joined *j)
{
	stats_free(&j->client);
	stats_free(&j->server);
	stats_free(&j->network);
}

static json_t *conn_json(const struct conn_result *r)
{
	json_t *o = json_pack("{s:s,s:i,s:s,s:i,s:s}", "client_addr", r->c->laddr,
			      "client_port", r->c->lport, "server_addr", r->c->raddr,
			      "server_port", r->c->rport, "join",
			      r->per_request ? "request" : "medians");

	if (r->per_request) {
		json_object_set_new(o, "joined", json_integer((json_int_t)r->join.joined));
		json_object_set_new(o, "shift", json_integer(r->join.shift));
		json_object_set_new(o, "client", stats_json(&r->j.client));
		json_object_set_new(o, "server", stats_json(&r->j.server));
		json_object_set_new(o, "network", stats_json(&r->j.network));
	} else {
		json_object_set_new(o, "client_p50_ns", json_integer((json_int_t)r->c->p50));
		json_object_set_new(o, "server_p50_ns", json_integer((json_int_t)r->s->p50));
		json_object_set_new(o, "network_p50_ns", json_integer(
			(json_int_t)(r->c->p50 > r->s->p50 ? r->c->p50 - r->s->p50 : 0)));
	}
	json_object_set_new(o, "disagree", json_integer((json_int_t)r->join.disagree));
	json_object_set_new(o, "server_pipelined", json_integer((json_int_t)r->s->pipelined));
	return o;
}

static void cell(FILE *f, uint64_t ns)
{
	char b[32];

	format_duration(ns, b, sizeof(b));
	fprintf(f, " %11s", b);
}

static void conn_text(FILE *f, const struct conn_result *r)
{
	char name[160];

	snprintf(name, sizeof(name), "%s%s%s:%d -> %s%s%s:%d", strchr(r->c->laddr, ':') ? "[" : "",
		 r->c->laddr, strchr(r->c->laddr, ':') ? "]" : "", r->c->lport,
		 strchr(r->c->raddr, ':') ? "[" : "", r->c->raddr,
		 strchr(r->c->raddr, ':') ? "]" : "", r->c->rport);
	fprintf(f, "%-52s", name);
	if (r->per_request) {
		fprintf(f, " %7zu", r->join.joined);
		cell(f, stats_percentile(&r->j.client, 50));
		cell(f, stats_percentile(&r->j.server, 50));
		cell(f, stats_percentile(&r->j.network, 50));
		cell(f, stats_percentile(&r->j.client, 99));
		cell(f, stats_percentile(&r->j.server, 99));
		cell(f, stats_percentile(&r->j.network, 99));
		fprintf(f, "  per request\n");
	} else {
		fprintf(f, " %7llu", (unsigned long long)r->c->requests);
		cell(f, r->c->p50);
		cell(f, r->s->p50);
		cell(f, r->c->p50 > r->s->p50 ? r->c->p50 - r->s->p50 : 0);
		cell(f, r->c->p99);
		cell(f, r->s->p99);
		fprintf(f, " %11s  medians only\n", "-");
	}
}

struct totals {
	struct joined all;		/* its negative: pairs where the client's time was shorter */
	size_t client_only, server_only, unjoined, disagree, medians_only, pipelined;
};

#define CONN_ROWS 30

static uint64_t client_p99(const struct conn_result *r)
{
	return r->per_request ? stats_percentile(&r->j.client, 99) : r->c->p99;
}

/* Slowest first (the client's p99): the connections a reader looks for. */
static int by_client_p99(const void *a, const void *b)
{
	uint64_t x = client_p99(a), y = client_p99(b);

	return x < y ? 1 : x > y ? -1 : 0;
}

static void report_text(FILE *f, const struct compare *cmp, struct conn_result *res, size_t n,
			const struct totals *t)
{
	fprintf(f, "client side: %s; server side: %s\n", cmp->client.path, cmp->server.path);
	fprintf(f, "NETWORK = client TOTAL - server TOTAL: the network both ways and the two "
		"kernels.\n%-52s %7s %11s %11s %11s %11s %11s %11s\n", "CONNECTION (client -> server)",
		"REQS", "CLIENT-P50", "SERVER-P50", "NETWORK-P50", "CLIENT-P99", "SERVER-P99",
		"NETWORK-P99");
	for (size_t i = 0; i < n && i < CONN_ROWS; i++)
		conn_text(f, &res[i]);
	if (n > CONN_ROWS)
		fprintf(f, "(%zu more connections, less slow at p99: --json lists all)\n",
			n - CONN_ROWS);
	if (t->all.client.count) {
		fprintf(f, "%-52s %7llu", "all requests joined one by one",
			(unsigned long long)t->all.client.count);
		cell(f, stats_percentile(&t->all.client, 50));
		cell(f, stats_percentile(&t->all.server, 50));
		cell(f, stats_percentile(&t->all.network, 50));
		cell(f, stats_percentile(&t->all.client, 99));
		cell(f, stats_percentile(&t->all.server, 99));
		cell(f, stats_percentile(&t->all.network, 99));
		fputc('\n', f);
		char thr[32];

		format_duration(t->all.threshold_ns, thr, sizeof(thr));
		fprintf(f, "Slow requests (client TOTAL >= %s%s): %llu; the server's time was the larger part in %llu, the network's "
			"(and the kernels') in %llu.\n", thr, cmp->threshold_given ? "" : ", its p90",
			(unsigned long long)t->all.slow, (unsigned long long)t->all.slow_server,
			(unsigned long long)t->all.slow_network);
	}
	fprintf(f, "Not joined: %zu connections seen by the client only, %zu by the server only; "
		"%zu joined by medians only (run both sides with -t 0 to join requests); %zu "
		"requests without a partner, %zu whose sizes disagree; %zu pipelined on the server "
		"side (not timed); %llu joined with a client time shorter than the server's "
		"(NETWORK counted 0).\n", t->client_only, t->server_only, t->medians_only,
		t->unjoined, t->disagree, t->pipelined, (unsigned long long)t->all.negative);
}

static json_t *report_json(const struct compare *cmp, struct conn_result *res, size_t n,
			   const struct totals *t)
{
	json_t *conns = json_array();
	json_t *o = json_pack("{s:s,s:s,s:s}", "type", "compare", "client_file", cmp->client.path,
			      "server_file", cmp->server.path);

	for (size_t i = 0; i < n; i++)
		json_array_append_new(conns, conn_json(&res[i]));
	json_object_set_new(o, "connections", conns);
	json_object_set_new(o, "client", stats_json(&t->all.client));
	json_object_set_new(o, "server", stats_json(&t->all.server));
	json_object_set_new(o, "network", stats_json(&t->all.network));
	json_object_set_new(o, "slow", json_pack("{s:I,s:b,s:I,s:I,s:I}", "threshold_ns",
		(json_int_t)t->all.threshold_ns, "threshold_is_p90", !cmp->threshold_given,
		"count", (json_int_t)t->all.slow, "server", (json_int_t)t->all.slow_server,
		"network", (json_int_t)t->all.slow_network));
	json_object_set_new(o, "client_shorter", json_integer((json_int_t)t->all.negative));
	json_object_set_new(o, "not_joined", json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}",
		"client_only", (json_int_t)t->client_only, "server_only", (json_int_t)t->server_only,
		"medians_only", (json_int_t)t->medians_only, "requests", (json_int_t)t->unjoined,
		"disagree", (json_int_t)t->disagree, "server_pipelined", (json_int_t)t->pipelined));
	return o;
}

static void tally(struct totals *t, struct conn_result *res, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct conn_result *r = &res[i];

		t->pipelined += r->s->pipelined;
		if (!r->per_request) {
			t->medians_only++;
			continue;
		}
		t->disagree += r->join.disagree;
		t->unjoined += r->c->n + r->s->n - 2 * r->join.joined - 2 * r->join.disagree;
	}
}

/* The client's connections with their server's. */
static size_t pair_conns(struct compare *cmp, struct conn_result *res, struct totals *t)
{
	size_t n = 0;

	for (size_t i = 0; i < cmp->client.n; i++) {
		struct side_conn *c = &cmp->client.c[i], *s = peer_of(&cmp->server, c);

		if (!s) {
			t->client_only++;
			continue;
		}
		s->matched = true;
		qsort(c->reqs, c->n, sizeof(*c->reqs), by_seq);
		qsort(s->reqs, s->n, sizeof(*s->reqs), by_seq);
		res[n].c = c;
		res[n++].s = s;
	}
	for (size_t i = 0; i < cmp->server.n; i++)
		t->server_only += !cmp->server.c[i].matched;
	return n;
}

/* Two passes: the first finds the joined requests (and the default threshold), the second counts. */
static int compare(struct compare *cmp)
{
	struct conn_result *res = xcalloc(cmp->client.n + 1, sizeof(*res));
	struct totals t = { 0 };
	struct stats clients = { 0 };
	size_t n = pair_conns(cmp, res, &t);

	for (size_t i = 0; i < n; i++)
		res[i].per_request = join_conn(&res[i], add_client, &clients);
	t.all.count_slow = true;
	t.all.threshold_ns = cmp->threshold_given ? cmp->threshold_ns
						  : stats_percentile(&clients, 90);
	for (size_t i = 0; i < n; i++) {
		struct both b = { &res[i].j, &t.all };

		res[i].j.count_slow = true;
		res[i].j.threshold_ns = t.all.threshold_ns;
		if (res[i].per_request)
			join_conn(&res[i], add_both, &b);
	}
	tally(&t, res, n);
	qsort(res, n, sizeof(*res), by_client_p99);
	if (cmp->json)
		sink_emit_json(stdout, report_json(cmp, res, n, &t));
	else
		report_text(stdout, cmp, res, n, &t);
	for (size_t i = 0; i < n; i++)
		free_joined(&res[i].j);
	free_joined(&t.all);
	stats_free(&clients);
	free(res);
	return PK_OK;
}

static void free_side(struct side *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->c[i].reqs);
	free(s->c);
	free(s->index);
}

int cmd_compare(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "threshold", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct compare cmp = { .client.role = "client", .server.role = "server" };
	struct common_opts none = { 0 };
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "t:h", longopts, NULL)) != -1) {
		if (opt == 't' && parse_duration_ns(optarg, &cmp.threshold_ns)) {
			cmp.threshold_given = true;
		} else if (opt == 't') {
			pk_error("-t %s: not a duration (e.g. 500us, 20ms, 1.5s)", optarg);
			return PK_ERR_USAGE;
		} else if (opt == OPT_JSON) {
			cmp.json = true;
		} else if (opt == '?') {
			return cli_bad_option(usage_text, argv, &none);
		} else {
			return cli_usage(usage_text, opt == 'h', &none);
		}
	}
	if (optind != argc - 2)
		return cli_usage(usage_text, false, &none);
	cmp.client.path = argv[optind];
	cmp.server.path = argv[optind + 1];
	ret = read_side(&cmp.client);
	if (!ret)
		ret = read_side(&cmp.server);
	if (!ret)
		ret = compare(&cmp);
	free_side(&cmp.client);
	free_side(&cmp.server);
	return ret;
}
