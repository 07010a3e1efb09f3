// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The request/response analysis at run time: records in, roles learned,
 * connections' exchanges out (reqresp_conn.c) into the statistics
 * (reqresp_groups.c), slow requests as lines; the ops (reports:
 * reqresp_report.c).
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/reqresp_run.h"

enum { TCP_ESTABLISHED = 1, TCP_SYN_SENT = 2, TCP_SYN_RECV = 3, TCP_CLOSE = 7, TCP_LISTEN = 10 };

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

/*
 * --explain: where the reader spent the part of the exchange on this host. A
 * server's is all of it (the request's arrival to the first response byte
 * sent: the wait and the application's time); a client's is the wait (the
 * response's arrival to the read). From the thread of its first read.
 */
static void explain_exchange(struct analysis *a, const struct rr_conn *c,
			     const struct rr_exchange *x)
{
	struct rr_run *run = a->state;
	uint64_t from = x->t_begin, to = x->t_begin + x->total_ns;

	if (!x->has_wait)	/* no read seen: no thread to explain it from */
		return;
	if (c->role == RR_CLIENT) {
		from = to;
		to += x->wait_ns;
	}
	explain_window(run->explain, a->sink, run->d->name, c->reader_tid, from, to);
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
	if (run->explain)
		explain_exchange(a, c, x);
}

static void account(struct analysis *a, const struct rr_conn *c, const struct rr_exchange *x)
{
	struct rr_run *run = a->state;

	group_add(port_group(run, c), x);
	if (c->group) {
		group_add(c->group, x);
		((struct rr_group *)c->group)->not_open |= !c->from_open;
	}
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

/*
 * A read runs in its reader's thread. The first read of a request (server) or
 * of a response (client) names the thread its exchange is explained from; an
 * exchange is reported when the next request begins, before any read of it.
 */
static void note_reader(struct rr_run *run, struct rr_conn *c, const struct record *rec)
{
	int tid = explain_thread_of(run->d->explain, rec);
	bool first = c->role == RR_SERVER ? c->phase == RR_ASK && !c->read_seen :
		     c->phase == RR_ANSWER && !c->read_seen;

	explain_running(run->explain, tid, rec->cpu, rec->ts);
	if (first)
		c->reader_tid = tid;
}

static void reqresp_op_feed(struct analysis *a, struct record *rec)
{
	struct rr_run *run = a->state;
	const struct reqresp_decl *d = run->d;
	const struct value *v = rec->values;
	struct rr_exchange x;
	struct rr_conn *c;
	enum rr_step step;

	/* an event may play a role and be the analysis's own too */
	if (run->explain && explain_feed(run->explain, rec) && rec->event != d->ev_in &&
	    rec->event != d->ev_read && rec->event != d->ev_send && rec->event != d->ev_state)
		return;
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
	if (step == RR_READ && run->explain)
		note_reader(run, c, rec);
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
	/* --explain (run checked -t): slow requests are explained from a history from the start */
	if (a->opts && a->opts->explain && run->d->explain)
		run->explain = explain_open(run->d->explain, a->recipe);
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
	struct rr_run *run = a->state;

	rr_invalidate(&run->t);
	if (run->explain)
		explain_lost(run->explain);
}

static void reqresp_op_tick(struct analysis *a, double seconds)
{
	rr_report_interval(a, seconds);
}

static void reqresp_op_report(struct analysis *a, const struct run_info *info)
{
	struct rr_run *run = a->state;

	(void)info;
	/* answered requests whose next request did not come: they end with the run */
	for (uint32_t i = run->t.oldest; i; i = run->t.pool[i].newer)
		finish(a, &run->t.pool[i]);
	rr_report_summary(a);
}

/*
 * The requests timed so far; the last answered one of each connection is not
 * finished here (its end is the next request, or the run's end): no change.
 */
static void reqresp_op_snapshot(struct analysis *a, const struct run_info *info, struct sink *s)
{
	(void)info;
	rr_report_summary_to(a, s);
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
	explain_close(run->explain);
	free(run->line);
	free(run);
}

const struct analysis_ops reqresp_analysis = {
	.name = "reqresp",
	.replaces_listing = true,
	.run_options = "tir",
	.parse = reqresp_parse,
	.explains = reqresp_explains,
	.section = "reqresp",
	.describe = reqresp_describe,
	.free_cfg = reqresp_free_cfg,
	.init = reqresp_op_init,
	.start = reqresp_op_start,
	.feed = reqresp_op_feed,
	.lost = reqresp_op_lost,
	.tick = reqresp_op_tick,
	.report = reqresp_op_report,
	.snapshot = reqresp_op_snapshot,
	.free = reqresp_op_free,
};
