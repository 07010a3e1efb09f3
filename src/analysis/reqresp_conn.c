// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Request/response per connection: the serial model and the connection table.
 *
 * Server: a request begins with the first payload that arrives after the
 * last response; the application reads it; the response is what it sends
 * until the next payload arrives. Client: the mirror image (a request begins
 * with a send after the last response). A read after the response began,
 * with no new arrival, means the application answered while request data
 * still waited: requests overlap (pipelining), and the exchange is counted,
 * not timed.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/reqresp.h"
#include "util/hash.h"

void rr_table_init(struct rr_table *t, uint32_t cap)
{
	memset(t, 0, sizeof(*t));
	t->cap = cap;
	t->alloc = cap < 256 ? cap : 256;
	t->pool = xcalloc(t->alloc + 1, sizeof(*t->pool));
	t->nbuckets = 64;
	while (t->nbuckets < cap)
		t->nbuckets <<= 1;
	t->buckets = xcalloc(t->nbuckets, sizeof(*t->buckets));
	t->high_water = 0;
}

/* More slots, doubling up to cap: connections allocate only when the table grows. */
static void grow(struct rr_table *t)
{
	uint32_t n = t->alloc > t->cap / 2 ? t->cap : 2 * t->alloc;

	t->pool = xrealloc(t->pool, (n + 1) * sizeof(*t->pool));
	memset(&t->pool[t->alloc + 1], 0, (n - t->alloc) * sizeof(*t->pool));
	t->alloc = n;
}

void rr_table_free(struct rr_table *t)
{
	free(t->pool);
	free(t->buckets);
	t->pool = NULL;
	t->buckets = NULL;
}

static uint32_t bucket_of(const struct rr_table *t, uint64_t key)
{
	return (uint32_t)(hash_mix(HASH_SEED, key) & (t->nbuckets - 1));
}

static uint32_t index_of(const struct rr_table *t, const struct rr_conn *c)
{
	return (uint32_t)(c - t->pool);
}

static void age_unlink(struct rr_table *t, struct rr_conn *c)
{
	if (c->older)
		t->pool[c->older].newer = c->newer;
	else
		t->oldest = c->newer;
	if (c->newer)
		t->pool[c->newer].older = c->older;
	else
		t->newest = c->older;
	c->older = c->newer = 0;
}

static void age_push(struct rr_table *t, struct rr_conn *c)
{
	uint32_t i = index_of(t, c);

	c->older = t->newest;
	c->newer = 0;
	if (t->newest)
		t->pool[t->newest].newer = i;
	else
		t->oldest = i;
	t->newest = i;
}

struct rr_conn *rr_find(struct rr_table *t, uint64_t key)
{
	for (uint32_t i = t->buckets[bucket_of(t, key)]; i; i = t->pool[i].next)
		if (t->pool[i].key == key) {
			struct rr_conn *c = &t->pool[i];

			if (t->newest != i) {	/* most recently used last */
				age_unlink(t, c);
				age_push(t, c);
			}
			return c;
		}
	return NULL;
}

void rr_remove(struct rr_table *t, struct rr_conn *c)
{
	uint32_t i = index_of(t, c), *p = &t->buckets[bucket_of(t, c->key)];

	while (*p && *p != i)
		p = &t->pool[*p].next;
	if (*p)
		*p = c->next;
	age_unlink(t, c);
	memset(c, 0, sizeof(*c));
	c->next = t->free_list;
	t->free_list = i;
	t->used--;
}

struct rr_conn *rr_get(struct rr_table *t, uint64_t key, bool *created, struct rr_conn *evicted)
{
	struct rr_conn *c = rr_find(t, key);
	uint32_t i, b;

	*created = false;
	if (evicted)
		evicted->used = false;
	if (c)
		return c;
	if (!t->free_list && t->high_water == t->alloc && t->alloc < t->cap)
		grow(t);
	if (!t->free_list && t->high_water == t->alloc) {	/* full: the least recently used goes */
		if (evicted)
			*evicted = t->pool[t->oldest];
		rr_remove(t, &t->pool[t->oldest]);
		t->c.evicted++;
	}
	if (t->free_list) {
		i = t->free_list;
		t->free_list = t->pool[i].next;
	} else {
		i = ++t->high_water;
	}
	c = &t->pool[i];
	memset(c, 0, sizeof(*c));
	c->used = true;
	c->key = key;
	b = bucket_of(t, key);
	c->next = t->buckets[b];
	t->buckets[b] = i;
	age_push(t, c);
	t->used++;
	*created = true;
	return c;
}

static uint64_t since(uint64_t from, uint64_t to)
{
	return to > from ? to - from : 0;	/* stamps of two CPUs may be out of order by a little */
}

static void begin(struct rr_conn *c, uint64_t ts, uint64_t bytes, bool inbound)
{
	c->phase = RR_ASK;
	c->ordinal++;
	c->t_begin = ts;
	c->read_seen = c->pipelined = false;
	c->bytes_in = inbound ? bytes : 0;
	c->bytes_out = inbound ? 0 : bytes;
}

static void answer(struct rr_conn *c, uint64_t ts, uint64_t bytes, bool inbound)
{
	c->phase = RR_ANSWER;
	c->t_first_resp = c->t_last_resp = ts;
	if (inbound)
		c->bytes_in += bytes;
	else
		c->bytes_out += bytes;
}

bool rr_finish(struct rr_table *t, struct rr_conn *c, struct rr_exchange *x)
{
	bool server = c->role == RR_SERVER;

	if (c->phase != RR_ANSWER) {
		c->phase = RR_IDLE;
		return false;
	}
	memset(x, 0, sizeof(*x));
	x->pipelined = c->pipelined;
	x->ordinal = c->ordinal;
	x->t_begin = c->t_begin;
	x->total_ns = since(c->t_begin, c->t_first_resp);
	x->last_ns = since(c->t_begin, c->t_last_resp);
	x->bytes_in = c->bytes_in;
	x->bytes_out = c->bytes_out;
	if (server && c->read_seen) {
		x->has_wait = x->has_app = true;
		x->wait_ns = since(c->t_begin, c->t_first_read);
		x->app_ns = since(c->t_first_read, c->t_first_resp);
	} else if (!server && c->read_seen) {
		x->has_wait = true;
		x->wait_ns = since(c->t_first_resp, c->t_read_after);
	}
	t->c.exchanges++;
	t->c.pipelined += c->pipelined;
	c->phase = RR_IDLE;
	return true;
}

static bool server_step(struct rr_table *t, struct rr_conn *c, enum rr_step step, uint64_t ts,
			uint64_t bytes, struct rr_exchange *x)
{
	bool done = false;

	switch (step) {
	case RR_IN:
		if (c->phase == RR_ANSWER)
			done = rr_finish(t, c, x);
		if (c->phase == RR_IDLE) {
			begin(c, ts, bytes, true);
		} else {	/* more of the request (or, if read already, the next one) */
			c->bytes_in += bytes;
		}
		break;
	case RR_READ:
		if (c->phase == RR_IDLE) {
			t->c.stray_reads++;
		} else if (c->phase == RR_ANSWER) {
			c->pipelined = true;	/* request data read after the answer began */
		} else {
			if (!c->read_seen)
				c->t_first_read = ts;
			c->read_seen = true;
		}
		break;
	case RR_OUT:
		if (c->phase == RR_IDLE)
			t->c.stray_sends++;
		else if (c->phase == RR_ASK)
			answer(c, ts, bytes, false);
		else {
			c->t_last_resp = ts;
			c->bytes_out += bytes;
		}
		break;
	}
	return done;
}

static bool client_step(struct rr_table *t, struct rr_conn *c, enum rr_step step, uint64_t ts,
			uint64_t bytes, struct rr_exchange *x)
{
	bool done = false;

	switch (step) {
	case RR_OUT:
		if (c->phase == RR_ANSWER)
			done = rr_finish(t, c, x);
		if (c->phase == RR_IDLE)
			begin(c, ts, bytes, false);
		else
			c->bytes_out += bytes;	/* a request written in parts */
		break;
	case RR_IN:
		if (c->phase == RR_IDLE)
			t->c.stray_arrivals++;
		else if (c->phase == RR_ASK)
			answer(c, ts, bytes, true);
		else {
			c->t_last_resp = ts;
			c->bytes_in += bytes;
		}
		break;
	case RR_READ:
		if (c->phase == RR_IDLE)
			t->c.stray_reads++;
		else if (c->phase == RR_ANSWER && !c->read_seen) {
			c->t_read_after = ts;
			c->read_seen = true;
		}
		break;
	}
	return done;
}

bool rr_step(struct rr_table *t, struct rr_conn *c, enum rr_step step, uint64_t ts,
	     uint64_t bytes, struct rr_exchange *x)
{
	if (c->role == RR_SERVER)
		return server_step(t, c, step, ts, bytes, x);
	if (c->role == RR_CLIENT)
		return client_step(t, c, step, ts, bytes, x);
	t->c.unknown_role++;
	return false;
}

void rr_invalidate(struct rr_table *t)
{
	for (uint32_t i = t->oldest; i; i = t->pool[i].newer) {
		struct rr_conn *c = &t->pool[i];

		if (c->phase != RR_IDLE)
			t->c.invalidated++;
		c->phase = RR_IDLE;
		c->from_open = false;	/* a request may be missing: ordinals no longer match */
	}
}
