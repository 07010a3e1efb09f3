// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The request/response analysis at run time: records in, connections'
 * exchanges out (reqresp_conn.c), statistics per role and server port and
 * per connection, slow requests as lines, interval and final reports.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/reqresp.h"
#include "analysis/stats_view.h"
#include "kernel/listeners.h"
#include "util/hash.h"

enum { TCP_ESTABLISHED = 1, TCP_SYN_SENT = 2, TCP_SYN_RECV = 3, TCP_CLOSE = 7, TCP_LISTEN = 10 };
#define RR_IGNORED 3		/* a role --role leaves out */
#define RR_MAX_CONN_GROUPS 4096	/* per-connection statistics kept; the rest counted */

/* Whose statistics: a role and server port, or one connection. */
struct rr_gkey {
	uint8_t role;
	uint16_t family, lport, rport;
	uint8_t laddr[16], raddr[16];
};

struct rr_group {
	struct rr_gkey k;
	bool from_open;
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
};

static uint64_t gkey_hash(const struct rr_gkey *k)
{
	return hash_bytes(HASH_SEED, k, sizeof(*k));
}

static struct rr_group *gtab_get(struct rr_gtab *g, const struct rr_gkey *k, bool create)
{
	size_t i;

	if (g->used * 2 >= g->cap) {	/* grow: keeps probes short */
		struct rr_gtab n = { xcalloc(g->cap ? 2 * g->cap : 64, sizeof(void *)),
				     g->cap ? 2 * g->cap : 64, g->used };

		for (size_t j = 0; j < g->cap; j++)
			if (g->slots[j]) {
				for (i = gkey_hash(&g->slots[j]->k) & (n.cap - 1); n.slots[i];
				     i = (i + 1) & (n.cap - 1))
					;
				n.slots[i] = g->slots[j];
			}
		free(g->slots);
		*g = n;
	}
	for (i = gkey_hash(k) & (g->cap - 1); g->slots[i]; i = (i + 1) & (g->cap - 1))
		if (!memcmp(&g->slots[i]->k, k, sizeof(*k)))
			return g->slots[i];
	if (!create)
		return NULL;
	g->slots[i] = xcalloc(1, sizeof(struct rr_group));
	g->slots[i]->k = *k;
	g->used++;
	return g->slots[i];
}

static void group_free(struct rr_group *g)
{
	stats_free(&g->total);
	stats_free(&g->last);
	stats_free(&g->wait);
	stats_free(&g->app);
	stats_free(&g->interval);
	free(g);
}

static void gtab_free(struct rr_gtab *g)
{
	for (size_t i = 0; i < g->cap; i++)
		if (g->slots[i])
			group_free(g->slots[i]);
	free(g->slots);
}

static int by_requests(const void *a, const void *b)
{
	const struct rr_group *x = *(struct rr_group *const *)a, *y = *(struct rr_group *const *)b;
	uint64_t cx = x->total.count + x->pipelined, cy = y->total.count + y->pipelined;

	if (x->k.role != y->k.role)
		return x->k.role - y->k.role;
	return cx < cy ? 1 : cx > cy ? -1 : x->k.lport - y->k.lport;
}

/* Groups by role, then most requests first; caller frees. */
static struct rr_group **gtab_sorted(const struct rr_gtab *g, size_t *n)
{
	struct rr_group **v = xcalloc(g->used + 1, sizeof(*v));

	*n = 0;
	for (size_t i = 0; i < g->cap; i++)
		if (g->slots[i])
			v[(*n)++] = g->slots[i];
	qsort(v, *n, sizeof(*v), by_requests);
	return v;
}

static uint16_t server_port(const struct rr_conn *c)
{
	return c->role == RR_SERVER ? c->lport : c->rport;
}

static struct rr_group *port_group(struct rr_run *run, const struct rr_conn *c)
{
	struct rr_gkey k = { .role = c->role, .lport = server_port(c) };

	return gtab_get(&run->ports, &k, true);
}

static struct rr_group *conn_group(struct rr_run *run, const struct rr_conn *c)
{
	struct rr_gkey k = { .role = c->role, .family = c->family, .lport = c->lport,
			     .rport = c->rport };
	struct rr_group *g;

	memcpy(k.laddr, c->laddr, 16);
	memcpy(k.raddr, c->raddr, 16);
	g = gtab_get(&run->conns, &k, run->conns.used < RR_MAX_CONN_GROUPS);
	if (!g)
		run->conns_not_kept++;
	else
		g->from_open |= c->from_open;
	return g;
}

static void group_add(struct rr_group *g, const struct rr_exchange *x)
{
	g->bytes_in += x->bytes_in;
	g->bytes_out += x->bytes_out;
	if (x->pipelined) {
		g->pipelined++;
		g->interval_pipelined++;
		return;
	}
	stats_add(&g->total, x->total_ns);
	stats_add(&g->interval, x->total_ns);
	stats_add(&g->last, x->last_ns);
	if (x->has_wait)
		stats_add(&g->wait, x->wait_ns);
	if (x->has_app)
		stats_add(&g->app, x->app_ns);
}

static void set_num(struct rr_run *run, int f, uint64_t v)
{
	if (f >= 0) {
		run->line[f].present = true;
		run->line[f].num = v;
	}
}

static void set_addr(struct rr_run *run, int f, uint16_t family, const uint8_t *a)
{
	if (f >= 0) {
		run->line[f].present = true;
		run->line[f].family = family;
		memcpy(run->line[f].addr, a, 16);
	}
}

/* A -t line: the exchange as a record of the recipe's fields. */
static void print_line(struct analysis *a, const struct rr_conn *c, const struct rr_exchange *x)
{
	struct rr_run *run = a->state;
	const struct reqresp_decl *d = run->d;
	static const char *const roles[] = { "-", "server", "client" };

	for (int f = 0; f < run->rec.n_values; f++)
		run->line[f].present = false;
	set_num(run, FIELD_TIME, x->t_begin);
	set_addr(run, d->f_laddr, c->family, c->laddr);
	set_addr(run, d->f_raddr, c->family, c->raddr);
	set_num(run, d->f_lport, c->lport);
	set_num(run, d->f_rport, c->rport);
	set_num(run, d->f_key, c->key);
	set_num(run, d->f_total, x->total_ns);
	if (x->has_wait)
		set_num(run, d->f_wait, x->wait_ns);
	if (x->has_app)
		set_num(run, d->f_app, x->app_ns);
	set_num(run, d->f_bytes_in, x->bytes_in);
	set_num(run, d->f_bytes_out, x->bytes_out);
	set_num(run, d->f_seq, x->ordinal);
	set_num(run, d->f_from_open, c->from_open);
	if (d->f_role >= 0) {
		run->line[d->f_role].present = true;
		run->line[d->f_role].str = roles[c->role < 3 ? c->role : 0];
		run->line[d->f_role].len = (int)strlen(run->line[d->f_role].str);
	}
	run->rec.ts = x->t_begin;
	sink_record(a->sink, &run->rec, "request", d->name);
}

static void account(struct analysis *a, const struct rr_conn *c, const struct rr_exchange *x)
{
	struct rr_run *run = a->state;

	group_add(port_group(run, c), x);
	if (c->group)
		group_add(c->group, x);
	if (a->prints_records && !x->pipelined && x->total_ns >= a->opts->threshold_ns)
		print_line(a, c, x);
}

static void finish(struct analysis *a, struct rr_conn *c)
{
	struct rr_exchange x;

	if (c->role != RR_IGNORED && rr_finish(&((struct rr_run *)a->state)->t, c, &x))
		account(a, c, &x);
}

/* Addresses and ports from a record that carries them; the role once they are known. */
static void learn(struct rr_run *run, struct rr_conn *c, const struct value *v)
{
	const struct reqresp_decl *d = run->d;
	const struct value *la = &v[d->f_laddr], *ra = &v[d->f_raddr];

	if (!c->ids && la->present && ra->present && v[d->f_lport].present &&
	    v[d->f_rport].present) {
		c->ids = true;
		c->family = la->family;
		memcpy(c->laddr, la->addr, 16);
		memcpy(c->raddr, ra->addr, 16);
		c->lport = (uint16_t)v[d->f_lport].num;
		c->rport = (uint16_t)v[d->f_rport].num;
	}
	if (!c->ids)
		return;
	if (c->role == RR_UNKNOWN)
		c->role = listeners_match(&run->listeners, c->family, c->laddr, c->lport) ?
			  RR_SERVER : RR_CLIENT;
	if ((run->only_role && c->role != run->only_role) ||
	    (run->port && c->lport != run->port && c->rport != run->port))
		c->role = RR_IGNORED;
}

static struct rr_conn *conn_of(struct analysis *a, uint64_t key)
{
	struct rr_run *run = a->state;
	struct rr_conn evicted, *c;
	bool created;

	c = rr_get(&run->t, key, &created, &evicted);
	if (evicted.used)
		finish(a, &evicted);
	return c;
}

static void keep_group(struct rr_run *run, struct rr_conn *c)
{
	if (c->ids && !c->group && (c->role == RR_SERVER || c->role == RR_CLIENT))
		c->group = conn_group(run, c);
}

static void on_state(struct analysis *a, struct record *rec, uint64_t key)
{
	struct rr_run *run = a->state;
	const struct reqresp_decl *d = run->d;
	const struct value *v = rec->values;
	uint64_t old = v[d->f_oldstate].num, now = v[d->f_newstate].num;
	struct rr_conn *c;

	if (now == TCP_LISTEN && v[d->f_laddr].present && v[d->f_lport].present) {
		struct listener l = { .family = v[d->f_laddr].family,
				      .port = (uint16_t)v[d->f_lport].num };

		memcpy(l.addr, v[d->f_laddr].addr, 16);
		listeners_add(&run->listeners, &l);
	} else if (now == TCP_ESTABLISHED && (old == TCP_SYN_RECV || old == TCP_SYN_SENT)) {
		c = rr_find(&run->t, key);
		if (c) {	/* a reused socket: the old connection is over */
			finish(a, c);
			rr_remove(&run->t, c);
		}
		c = conn_of(a, key);
		c->role = old == TCP_SYN_RECV ? RR_SERVER : RR_CLIENT;
		c->from_open = true;
		learn(run, c, v);
		keep_group(run, c);
	} else if (now == TCP_CLOSE && (c = rr_find(&run->t, key))) {
		finish(a, c);
		rr_remove(&run->t, c);
	}
}

static void reqresp_op_feed(struct analysis *a, struct record *rec)
{
	struct rr_run *run = a->state;
	const struct reqresp_decl *d = run->d;
	const struct value *v = rec->values;
	struct rr_exchange x;
	struct rr_conn *c;
	enum rr_step step;

	if (!v[d->f_key].present)
		return;
	if (rec->event == d->ev_state) {
		on_state(a, rec, v[d->f_key].num);
		return;
	}
	step = rec->event == d->ev_in ? RR_IN : rec->event == d->ev_read ? RR_READ :
	       rec->event == d->ev_send ? RR_OUT : (enum rr_step)-1;
	if ((int)step < 0)
		return;
	/*
	 * Only an event that names the connection creates it: sends without
	 * ports (sock_send_length) of sockets the other events never show (other
	 * ports, UDP-like traffic the filters dropped) must not fill the table.
	 */
	if (v[d->f_laddr].present && v[d->f_lport].present)
		c = conn_of(a, v[d->f_key].num);
	else if (!(c = rr_find(&run->t, v[d->f_key].num))) {
		run->t.c.unknown_role++;
		return;
	}
	if (c->role == RR_IGNORED)
		return;
	if (!c->ids || c->role == RR_UNKNOWN) {
		learn(run, c, v);
		keep_group(run, c);
		if (c->role == RR_IGNORED)
			return;
	}
	if (rr_step(&run->t, c, step, rec->ts,
		    d->f_bytes >= 0 && v[d->f_bytes].present ? v[d->f_bytes].num : 0, &x))
		account(a, c, &x);
}

static int parse_role(const char *s)
{
	if (!s)
		return 0;
	if (!strcmp(s, "server"))
		return RR_SERVER;
	if (!strcmp(s, "client"))
		return RR_CLIENT;
	return -1;
}

static int reqresp_op_init(struct analysis *a)
{
	struct rr_run *run = xcalloc(1, sizeof(*run));
	int port = recipe_param_index(a->recipe, "port");

	a->state = run;
	run->d = a->cfg;
	run->only_role = parse_role(a->opts ? a->opts->role : NULL);
	if (run->only_role < 0) {
		pk_error("--role %s: neither 'server' nor 'client'", a->opts->role);
		return PK_ERR_USAGE;
	}
	if (a->opts && a->opts->groups) {
		pk_error("-g: %s groups by server port and by connection; it takes no -g",
			 run->d->name);
		return PK_ERR_USAGE;
	}
	if (port >= 0 && a->recipe->params[port].value)
		run->port = a->recipe->params[port].num;
	rr_table_init(&run->t, (uint32_t)run->d->max_connections);
	run->line = xcalloc(a->recipe->n_fields, sizeof(*run->line));
	run->rec = (struct record){ .event = run->d->ev_in, .values = run->line,
				    .n_values = a->recipe->n_fields };
	a->prints_records = a->opts && a->opts->threshold;
	return PK_OK;
}

/* Before tracing: which local ports listen now (connections that already exist). */
static void reqresp_op_start(struct analysis *a)
{
	struct rr_run *run = a->state;

	run->listeners_read = listeners_read(&run->listeners, "/proc");
	if (!run->listeners_read)
		pk_warn("%s: cannot read the listening sockets in /proc: connections that exist "
			"already count as clients", run->d->name);
}

static void reqresp_op_lost(struct analysis *a)
{
	rr_invalidate(&((struct rr_run *)a->state)->t);
}

/* ---- reports ---- */

static const char *role_name(int role)
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
		json_object_set_new(o, "from_open", json_boolean(g->from_open));
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

static void reqresp_op_tick(struct analysis *a, double seconds)
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

static void reqresp_op_report(struct analysis *a, const struct run_info *info)
{
	struct rr_run *run = a->state;
	struct report_view v = { run, summary_json, summary_text };

	(void)info;
	/* answered requests whose next request did not come: they end with the run */
	for (uint32_t i = run->t.oldest; i; i = run->t.pool[i].newer)
		finish(a, &run->t.pool[i]);
	sink_report(a->sink, &v);
}

static void reqresp_op_free(struct analysis *a)
{
	struct rr_run *run = a->state;

	if (!run)
		return;
	if (run->t.pool)
		rr_table_free(&run->t);
	gtab_free(&run->ports);
	gtab_free(&run->conns);
	listeners_free(&run->listeners);
	free(run->line);
	free(run);
}

const struct analysis_ops reqresp_analysis = {
	.name = "reqresp",
	.replaces_listing = true,
	.run_options = "tir",
	.parse = reqresp_parse,
	.section = "reqresp",
	.describe = reqresp_describe,
	.free_cfg = reqresp_free_cfg,
	.init = reqresp_op_init,
	.start = reqresp_op_start,
	.feed = reqresp_op_feed,
	.lost = reqresp_op_lost,
	.tick = reqresp_op_tick,
	.report = reqresp_op_report,
	.free = reqresp_op_free,
};
