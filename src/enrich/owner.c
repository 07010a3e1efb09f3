// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Socket owners (see owner.h). Per record: is it about a socket? Did it run
 * in a process (the decoder leaves pid absent in interrupt context)? Then
 * that process owns the socket, and the cache learns it. Else the cache
 * answers, else the socket table (owner_table.h), read again only when a
 * socket first seen after the last read is unknown, at most every 100 ms,
 * and within 1% of the run's time once the first 250 ms of reads are spent
 * (a burst of new connections at the start is served at once).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#include "enrich/owner.h"
#include "enrich/owner_table.h"
#include "output/format.h"
#include "output/sink.h"
#include "util/clock.h"
#include "util/util.h"

#define CACHE_WAYS 8
#define CACHE_SETS 1024			/* 8192 sockets; the least recently used goes */
#define TGID_SLOTS 1024
#define TGID_TTL_NS 1000000000LL	/* thread ids get reused */
#define REFRESH_MIN_NS 100000000LL	/* between two reads of the socket table */
#define REFRESH_SHARE 100		/* reads take at most 1/100 of the run's time... */
#define REFRESH_ALLOWANCE_NS 250000000LL	/* ...after the first 250 ms of them (a burst of new sockets) */
#define UNKNOWN_LISTED 16

const char *const owner_source_names[OWNER_NR_SOURCES] = {
	[OWNER_NONE] = "none", [OWNER_CONTEXT] = "context", [OWNER_EARLIER] = "earlier",
	[OWNER_TABLE] = "table", [OWNER_SHARED] = "shared", [OWNER_LISTENER] = "listener",
	[OWNER_UNKNOWN] = "unknown",
};

/* What the record says of its socket. */
struct sock_id {
	uint64_t key;		/* the socket's address, else the tuple's hash */
	uint64_t remote;	/* hash of remote address:port, 0: not in the record */
	bool has_tuple;		/* both ends (lport may still be 0 in SYN_SENT) */
	const struct value *laddr, *raddr;
	uint16_t lport, rport;
};

struct cached_owner {
	uint64_t key;		/* 0: empty */
	uint64_t remote;	/* a reused socket address shows as another remote end */
	uint64_t used;		/* LRU stamp */
	int64_t first_unknown;	/* UNKNOWN: when first missed (monotonic ns) */
	uint32_t gen;		/* UNKNOWN: the last table generation that did not know it */
	int pid, tid;		/* tid: the thread it was learned from (CONTEXT) */
	uint8_t source;
	uint8_t len;
	char comm[16];
	/* for the report of unknown sockets */
	uint8_t family, laddr[16], raddr[16];
	uint16_t lport, rport;
	bool has_tuple;
};

struct tgid_slot {
	int tid, tgid;		/* tgid -1: a kernel thread */
	int64_t stamp;
};

struct owner_state {
	const struct owner_cfg *cfg;
	const struct recipe *recipe;
	struct cached_owner *cache;
	uint64_t clock;
	struct tgid_slot tgids[TGID_SLOTS];
	struct owner_table *table;	/* NULL: not live (recorded pages) */
	uint32_t gen;			/* table reads so far */
	int64_t opened, last_read_start, next_read;
	int64_t read_ns;		/* the reads' total cost */
	const char *why_not;		/* the table could not be read */
	const char *incomplete;		/* a read missed a namespace's sockets (sock_diag failed there) */
	uint64_t events[OWNER_NR_SOURCES];
	uint64_t evicted;
};

static void *owner_open(const struct enrich_env *env)
{
	struct owner_state *st;

	if (!env->recipe->owner)
		return NULL;
	st = xcalloc(1, sizeof(*st));
	st->cfg = env->recipe->owner;
	st->recipe = env->recipe;
	st->opened = clock_ns(CLOCK_MONOTONIC);
	st->cache = xcalloc(CACHE_SETS * CACHE_WAYS, sizeof(*st->cache));
	if (env->tracing_dir)	/* live: the sockets are this host's now */
		st->table = owner_table_new();
	return st;
}

static void owner_close(void *state)
{
	struct owner_state *st = state;

	owner_table_free(st->table);
	free(st->cache);
	free(st);
}

static bool socket_of(const struct owner_cfg *c, const struct record *rec, struct sock_id *id)
{
	const struct value *v = rec->values;

	*id = (struct sock_id){ 0 };
	if (c->socket >= 0 && v[c->socket].present && !(id->key = v[c->socket].num))
		return false;	/* about no socket (a reset to a segment nobody wants) */
	if (c->remote.field >= 0 && v[c->remote.field].present && v[c->remote.port_field].present) {
		id->raddr = &v[c->remote.field];
		id->rport = (uint16_t)v[c->remote.port_field].num;
		id->remote = hash_bytes(hash_mix(HASH_SEED, id->rport), id->raddr->addr, 16) | 1;
	}
	if (c->local.field >= 0 && v[c->local.field].present && v[c->local.port_field].present) {
		id->laddr = &v[c->local.field];
		id->lport = (uint16_t)v[c->local.port_field].num;
	}
	id->has_tuple = id->laddr && id->raddr;
	if (!id->key && id->has_tuple)
		id->key = owner_tuple_hash(id->laddr, id->lport, id->raddr, id->rport);
	return id->key != 0;
}

static struct cached_owner *cache_set(struct owner_state *st, uint64_t key)
{
	return &st->cache[(hash_mix(HASH_SEED, key) % CACHE_SETS) * CACHE_WAYS];
}

/* The socket's entry, or NULL; an entry of another connection at a reused address is dropped. */
static struct cached_owner *cache_find(struct owner_state *st, const struct sock_id *id)
{
	struct cached_owner *set = cache_set(st, id->key);

	for (int w = 0; w < CACHE_WAYS; w++) {
		struct cached_owner *o = &set[w];

		if (o->key != id->key)
			continue;
		/* the address of a closed socket, reused: another connection */
		if ((o->remote && id->remote && o->remote != id->remote) ||
		    (o->lport && id->lport && o->lport != id->lport)) {
			o->key = 0;
			return NULL;
		}
		if (!o->remote)
			o->remote = id->remote;
		if (!o->lport)	/* connect() binds the port after SYN_SENT is set */
			o->lport = id->lport;
		o->used = ++st->clock;
		return o;
	}
	return NULL;
}

static struct cached_owner *cache_insert(struct owner_state *st, const struct sock_id *id)
{
	struct cached_owner *set = cache_set(st, id->key), *o = &set[0];

	for (int w = 0; w < CACHE_WAYS && o->key; w++)
		if (!set[w].key || set[w].used < o->used)
			o = &set[w];
	if (o->key)
		st->evicted++;
	memset(o, 0, sizeof(*o));
	o->key = id->key;
	o->remote = id->remote;
	o->used = ++st->clock;
	o->lport = id->lport;
	if ((o->has_tuple = id->has_tuple)) {
		o->family = (uint8_t)id->laddr->family;
		memcpy(o->laddr, id->laddr->addr, 16);
		memcpy(o->raddr, id->raddr->addr, 16);
		o->rport = id->rport;
	}
	return o;
}

static int read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, len - 1);

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n > 0 ? (int)n : -1;
}

/* The process of thread tid; -1 for a kernel thread; tid itself once it has exited. */
static int tgid_of(struct owner_state *st, int tid, int64_t now)
{
	struct tgid_slot *s = &st->tgids[(unsigned)tid % TGID_SLOTS];
	char path[40], buf[1024], *p;
	int tgid = tid, ppid = -1;

	if (s->tid == tid && now - s->stamp < TGID_TTL_NS)
		return s->tgid;
	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	if (read_small(path, buf, sizeof(buf)) > 0) {
		if ((p = strstr(buf, "\nTgid:")))
			tgid = atoi(p + 6);
		if ((p = strstr(buf, "\nPPid:")))
			ppid = atoi(p + 6);
	}
	if (tid == 2 || ppid == 2)	/* kthreadd's children run for nobody's socket */
		tgid = -1;
	*s = (struct tgid_slot){ tid, tgid, now };
	return tgid;
}

static void set_comm(struct cached_owner *o, const char *name, int len)
{
	o->len = (uint8_t)(len < (int)sizeof(o->comm) ? len : (int)sizeof(o->comm) - 1);
	memcpy(o->comm, name, o->len);
	o->comm[o->len] = '\0';
}

static bool comm_of_pid(int pid, struct cached_owner *o)
{
	char path[40], buf[32];

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return false;
	buf[strcspn(buf, "\n")] = '\0';
	set_comm(o, buf, (int)strlen(buf));
	return true;
}

/* The record ran in a process: it owns the socket. False for a kernel thread. */
static struct cached_owner *learn(struct owner_state *st, struct record *rec,
				  const struct sock_id *id, struct cached_owner *o)
{
	int tid = (int)rec->values[FIELD_PID].num, tgid;
	const struct value *comm = &rec->values[FIELD_COMM];

	if (o) {	/* the context is authoritative: a reused address starts afresh (SYN_SENT: no port yet) */
		o->lport = id->lport;
		o->remote = id->remote ? id->remote : o->remote;
	}
	if (o && o->source == OWNER_CONTEXT && o->tid == tid)
		return o;
	tgid = tgid_of(st, tid, (int64_t)rec->ts);
	if (tgid < 0)
		return NULL;
	if (!o)
		o = cache_insert(st, id);
	o->source = OWNER_CONTEXT;
	o->pid = tgid;
	o->tid = tid;
	o->len = 0;
	/* the process's name, not the thread's; the thread's if the process is gone */
	if ((tgid == tid || !comm_of_pid(tgid, o)) && comm->str)
		set_comm(o, comm->str, comm->len);
	return o;
}

static void read_table(struct owner_state *st, int64_t now)
{
	const char *why;
	int64_t cost;

	st->last_read_start = now;
	if (!owner_table_refresh(st->table, &why)) {
		if (!st->why_not)
			pk_warn("socket owners: cannot read the socket table (%s): owners come from events only",
				why);
		st->why_not = why;
		st->next_read = INT64_MAX;
		return;
	}
	if (why && !st->incomplete)	/* e.g. no tcp_diag module: the table has no TCP sockets */
		pk_warn("socket owners: the socket table is incomplete (%s)", why);
	st->incomplete = st->incomplete ? st->incomplete : why;
	st->gen++;
	cost = clock_ns(CLOCK_MONOTONIC) - now;
	st->read_ns += cost;
	st->next_read = now + cost + REFRESH_MIN_NS;
}

/* Another read now stays within the budget: 1% of the run's time, past an allowance. */
static bool may_read(const struct owner_state *st, int64_t now)
{
	return now >= st->next_read &&
	       st->read_ns <= (now - st->opened) / REFRESH_SHARE + REFRESH_ALLOWANCE_NS;
}

static bool table_lookup(struct owner_state *st, const struct sock_id *id, struct owner_found *f)
{
	return st->gen && owner_table_find(st->table, id->laddr, id->lport, id->raddr, id->rport,
					   true, f);
}

/* Not known from events: the socket table, read again if this socket may be newer than it. */
static struct cached_owner *from_table(struct owner_state *st, const struct sock_id *id,
				       struct cached_owner *o)
{
	struct owner_found f;
	int64_t now;
	bool hit = false;

	if (!id->has_tuple || !st->table)
		return o;
	if (o && o->gen == st->gen && o->first_unknown < st->last_read_start)
		return o;	/* the last read already missed it, and it is older than that read */
	if (!o || o->gen < st->gen)
		hit = table_lookup(st, id, &f);
	now = clock_ns(CLOCK_MONOTONIC);
	if (!hit && may_read(st, now) && (!o || o->first_unknown >= st->last_read_start)) {
		read_table(st, now);
		hit = table_lookup(st, id, &f);
	}
	if (!o) {
		o = cache_insert(st, id);
		o->first_unknown = now;
	}
	o->gen = st->gen;
	if (!hit)	/* a listener found by an earlier read stays the best known */
		return o->source == OWNER_LISTENER ? o : (o->source = OWNER_UNKNOWN, o);
	o->source = f.listener ? OWNER_LISTENER : f.shared ? OWNER_SHARED : OWNER_TABLE;
	o->pid = f.pid;
	if (!comm_of_pid(f.pid, o))
		o->len = 0;
	return o;
}

static void set_owner(struct owner_state *st, struct record *rec, const struct cached_owner *o,
		      enum owner_source src)
{
	struct value *v = rec->values;

	if (!st->recipe->events[rec->event].unlisted)	/* the report counts what was shown */
		st->events[src]++;
	v[FIELD_OWNER] = (struct value){ .present = true, .str = owner_source_names[src],
					 .len = (int)strlen(owner_source_names[src]) };
	if (src == OWNER_UNKNOWN) {	/* whoever ran is not known to own it */
		v[FIELD_PID].present = v[FIELD_COMM].present = false;
		return;
	}
	v[FIELD_PID] = (struct value){ .present = true, .num = (uint64_t)o->pid };
	v[FIELD_COMM] = (struct value){ .present = true, .str = o->len ? o->comm : NULL,
					.len = o->len };
}

static void owner_enrich(void *state, struct record *rec)
{
	struct owner_state *st = state;
	struct cached_owner *o, *learned = NULL;
	struct sock_id id;

	if (!socket_of(st->cfg, rec, &id)) {
		rec->values[FIELD_OWNER].present = false;
		return;
	}
	o = cache_find(st, &id);
	if (!o && !id.has_tuple && (!rec->values[FIELD_PID].present || rec->bh_off)) {
		rec->values[FIELD_OWNER].present = false;	/* nothing to look it up by */
		return;
	}
	/*
	 * A task with bottom halves off may be driving a receive for others (a
	 * TUN writer, a loopback send): it teaches nothing, as in softirq.
	 */
	if (rec->values[FIELD_PID].present && !rec->bh_off && (learned = learn(st, rec, &id, o)))
		return set_owner(st, rec, learned, OWNER_CONTEXT);
	if (o && o->source == OWNER_CONTEXT)
		return set_owner(st, rec, o, OWNER_EARLIER);
	/* a listener's name is a stand-in: the socket may have had no file yet at that read */
	if (!o || o->source == OWNER_UNKNOWN || o->source == OWNER_LISTENER)
		o = from_table(st, &id, o);
	set_owner(st, rec, o, o ? o->source : OWNER_UNKNOWN);
}

static void owner_uses(void *state, int event, bool *fields)
{
	const struct owner_cfg *c = ((struct owner_state *)state)->cfg;

	(void)event;
	if (c->socket >= 0)
		fields[c->socket] = true;
	if (c->local.field >= 0) {
		fields[c->local.field] = fields[c->local.port_field] = true;
		fields[c->remote.field] = fields[c->remote.port_field] = true;
	}
}

/* The report: where owners came from, and the sockets whose owner stayed unknown. */
struct owner_view {
	const struct owner_state *st;
};

static void endpoint(const struct cached_owner *o, bool local, char *buf, size_t len)
{
	struct value a = { 0 }, p = { .present = true, .num = local ? o->lport : o->rport };

	value_set_addr(&a, local ? o->laddr : o->raddr, o->family == AF_INET ? 4 : 16);
	format_endpoint(&a, &p, buf, len);
}

static json_t *owner_json(const void *self, const struct format_ctx *fc)
{
	const struct owner_state *st = ((const struct owner_view *)self)->st;
	json_t *obj = json_object(), *by = json_object(), *unknown = json_array();
	uint64_t n_unknown = 0;

	(void)fc;
	for (int s = OWNER_CONTEXT; s < OWNER_NR_SOURCES; s++)
		json_object_set_new(by, owner_source_names[s], json_integer((json_int_t)st->events[s]));
	for (int i = 0; i < CACHE_SETS * CACHE_WAYS; i++) {
		const struct cached_owner *o = &st->cache[i];
		char l[64], r[64];

		if (!o->key || o->source != OWNER_UNKNOWN)
			continue;
		if (n_unknown++ >= UNKNOWN_LISTED || !o->has_tuple)
			continue;
		endpoint(o, true, l, sizeof(l));
		endpoint(o, false, r, sizeof(r));
		json_array_append_new(unknown, json_pack("{s:s,s:s}", "local", l, "remote", r));
	}
	json_object_set_new(obj, "type", json_string("owners"));
	json_object_set_new(obj, "events", by);
	json_object_set_new(obj, "table_reads", json_integer(st->gen));
	json_object_set_new(obj, "table_read_ms",
			    json_real(st->gen ? st->read_ns / 1e6 / st->gen : 0));
	if (st->why_not || !st->table)
		json_object_set_new(obj, "table_unavailable",
				    json_string(st->why_not ? st->why_not : "recorded pages"));
	if (st->incomplete)
		json_object_set_new(obj, "table_incomplete", json_string(st->incomplete));
	json_object_set_new(obj, "cache_evictions", json_integer((json_int_t)st->evicted));
	json_object_set_new(obj, "unknown_sockets", json_integer((json_int_t)n_unknown));
	json_object_set_new(obj, "unknown", unknown);
	return obj;
}

static void owner_text(const void *self, const struct format_ctx *fc, FILE *f)
{
	json_t *obj = owner_json(self, fc), *by = json_object_get(obj, "events"), *u;
	const struct owner_state *st = ((const struct owner_view *)self)->st;
	size_t i;

	fprintf(f, "socket owners of %" PRIu64 " events: %" PRIu64 " in the owner's process, %" PRIu64
		" from its earlier event, %" PRIu64 " from the socket table (%" PRIu64 " shared, %" PRIu64
		" its listener), %" PRIu64 " unknown",
		st->events[OWNER_CONTEXT] + st->events[OWNER_EARLIER] + st->events[OWNER_TABLE] +
		st->events[OWNER_SHARED] + st->events[OWNER_LISTENER] + st->events[OWNER_UNKNOWN],
		st->events[OWNER_CONTEXT], st->events[OWNER_EARLIER],
		st->events[OWNER_TABLE] + st->events[OWNER_SHARED] + st->events[OWNER_LISTENER],
		st->events[OWNER_SHARED], st->events[OWNER_LISTENER], st->events[OWNER_UNKNOWN]);
	if (st->gen)
		fprintf(f, "; socket table read %u times, %.1f ms each%s%s", st->gen,
			st->read_ns / 1e6 / st->gen, st->incomplete ? ", incomplete: " : "",
			st->incomplete ? st->incomplete : "");
	else if (st->why_not)
		fprintf(f, "; socket table not read: %s", st->why_not);
	fprintf(f, "\n");
	(void)by;
	u = json_object_get(obj, "unknown");
	if (json_integer_value(json_object_get(obj, "unknown_sockets"))) {
		fprintf(f, "owner unknown for %" JSON_INTEGER_FORMAT " sockets:",
			json_integer_value(json_object_get(obj, "unknown_sockets")));
		for (i = 0; i < json_array_size(u); i++)
			fprintf(f, " %s->%s",
				json_string_value(json_object_get(json_array_get(u, i), "local")),
				json_string_value(json_object_get(json_array_get(u, i), "remote")));
		fprintf(f, "\n");
	}
	json_decref(obj);
}

static void owner_report(void *state, struct sink *sink)
{
	struct owner_view ov = { state };
	struct report_view v = { &ov, owner_json, owner_text };

	sink_report(sink, &v);
}

const struct enricher_ops owner_enricher = {
	.name = "owner",
	.open = owner_open,
	.enrich = owner_enrich,
	.close = owner_close,
	.uses = owner_uses,
	.report = owner_report,
};
