// SPDX-License-Identifier: GPL-2.0-or-later
/* Request/response statistics per role and server port, and per connection. */
#include <stdlib.h>
#include <string.h>

#include "analysis/reqresp_run.h"
#include "util/hash.h"

static uint64_t gkey_hash(const struct rr_gkey *k)
{
	return hash_bytes(HASH_SEED, k, sizeof(*k));
}

struct rr_group *gtab_get(struct rr_gtab *g, const struct rr_gkey *k, bool create)
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

void gtab_free(struct rr_gtab *g)
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

struct rr_group **gtab_sorted(const struct rr_gtab *g, size_t *n)
{
	struct rr_group **v = xcalloc(g->used + 1, sizeof(*v));

	*n = 0;
	for (size_t i = 0; i < g->cap; i++)
		if (g->slots[i])
			v[(*n)++] = g->slots[i];
	qsort(v, *n, sizeof(*v), by_requests);
	return v;
}

void group_add(struct rr_group *g, const struct rr_exchange *x)
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
