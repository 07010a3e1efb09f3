// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pairing two events by key: each start waits in a preallocated pool, found
 * by hash, and ordered by age so that timeouts and evictions take the oldest
 * first in O(1). Nothing is allocated per event.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/latency.h"
#include "util/hash.h"

void latency_init(struct latency *l, const struct latency_decl *d, bool intervals)
{
	memset(l, 0, sizeof(*l));
	l->d = d;
	l->intervals = intervals;
	l->pool = xcalloc(d->max_pending + 1, sizeof(*l->pool));
	/* grown with the pending starts: a small table stays in the CPU's cache */
	l->nbuckets = 1024;
	l->buckets = xcalloc(l->nbuckets, sizeof(*l->buckets));
	/* slots are taken past high_water before any is reused: untouched pages stay unmapped */
	stats_keep_log2(&l->all);	/* the summary's histogram; groups have none */
	/* without -i a group holds only the run's statistics: a third of the memory per flow */
	grouptab_init(&l->groups, d->group_by, d->n_group_by,
		      intervals ? sizeof(struct lat_group_stats)
				: offsetof(struct lat_group_stats, interval));
}

static void free_group_stats(void *p)
{
	stats_free(&((struct lat_group_stats *)p)->all);
}

static void free_group_stats_intervals(void *p)
{
	struct lat_group_stats *g = p;

	stats_free(&g->all);
	stats_free(&g->interval);
	stats_free(&g->before);
}

void latency_free(struct latency *l)
{
	free(l->pool);
	free(l->buckets);
	stats_free(&l->all);
	stats_free(&l->interval);
	stats_free(&l->before);
	grouptab_free(&l->groups, l->intervals ? free_group_stats_intervals : free_group_stats);
	memset(l, 0, sizeof(*l));
}

/*
 * The key's bytes; false when a key field is missing from the record. Per
 * part: family and number, and an address's 16 bytes only where it has one
 * (a socket pointer is 10 bytes to copy and compare, not 26).
 */
static bool make_key(const struct latency *l, const struct value *vals, uint8_t *key,
		     uint16_t *len, uint64_t *hash)
{
	uint64_t h = HASH_SEED;
	size_t n = 0;

	for (int i = 0; i < l->d->n_key; i++) {
		const struct value *v = &vals[l->d->key[i]];

		if (!v->present)
			return false;
		memcpy(key + n, &v->family, 2);
		memcpy(key + n + 2, &v->num, 8);
		n += 10;
		h = hash_mix(hash_mix(h, v->family), v->num);
		if (v->family) {	/* the same words, a fixed two mixes: no byte loop */
			uint64_t a[2];

			memcpy(key + n, v->addr, 16);
			n += 16;
			memcpy(a, v->addr, 16);
			h = hash_mix(hash_mix(h, a[0]), a[1]);
		}
	}
	*len = (uint16_t)n;
	*hash = h;
	return true;
}

static uint32_t find(const struct latency *l, const uint8_t *key, uint16_t len, uint64_t h)
{
	for (uint32_t i = l->buckets[h & (l->nbuckets - 1)]; i; i = l->pool[i].next)
		if (l->pool[i].hash == h && l->pool[i].keylen == len && !memcmp(l->pool[i].key, key, len))
			return i;
	return 0;
}

static void age_unlink(struct latency *l, uint32_t i)
{
	struct pending *p = &l->pool[i];

	if (p->older)
		l->pool[p->older].newer = p->newer;
	else
		l->oldest = p->newer;
	if (p->newer)
		l->pool[p->newer].older = p->older;
	else
		l->newest = p->older;
	p->older = p->newer = 0;
}

static void age_append(struct latency *l, uint32_t i)
{
	l->pool[i].older = l->newest;
	l->pool[i].newer = 0;
	if (l->newest)
		l->pool[l->newest].newer = i;
	else
		l->oldest = i;
	l->newest = i;
}

static void remove_pending(struct latency *l, uint32_t i)
{
	uint32_t *link = &l->buckets[l->pool[i].hash & (l->nbuckets - 1)];

	while (*link != i)
		link = &l->pool[*link].next;
	*link = l->pool[i].next;
	age_unlink(l, i);
	l->pool[i].used = false;
	l->pool[i].next = l->free_list;
	l->free_list = i;
	l->n_pending--;
}

static void expire(struct latency *l, uint64_t now)
{
	while (l->oldest && now > l->pool[l->oldest].ts &&
	       now - l->pool[l->oldest].ts > l->d->timeout_ns) {
		remove_pending(l, l->oldest);
		l->c.timeouts++;
	}
}

/* Twice the buckets, the pending starts rechained: when they outnumber half the buckets. */
static void grow_buckets(struct latency *l)
{
	free(l->buckets);
	l->nbuckets *= 2;
	l->buckets = xcalloc(l->nbuckets, sizeof(*l->buckets));
	for (uint32_t i = 1; i <= l->high_water; i++) {
		uint32_t *b = &l->buckets[l->pool[i].hash & (l->nbuckets - 1)];

		if (!l->pool[i].used)
			continue;
		l->pool[i].next = *b;
		*b = i;
	}
}

static void start(struct latency *l, const uint8_t *key, uint16_t len, uint64_t h, uint64_t ts)
{
	uint32_t i = find(l, key, len, h);

	l->c.starts++;
	if (i) {
		l->c.restarts++;
		if (l->d->start == START_LAST) {	/* the newest start counts */
			l->pool[i].ts = ts;
			age_unlink(l, i);
			age_append(l, i);
		}
		return;
	}
	if (!l->free_list && l->high_water < (uint32_t)l->d->max_pending) {
		i = ++l->high_water;
	} else {
		if (!l->free_list) {	/* full: the oldest start goes */
			remove_pending(l, l->oldest);
			l->c.evictions++;
		}
		i = l->free_list;
		l->free_list = l->pool[i].next;
	}
	if (l->n_pending >= l->nbuckets / 2 && l->nbuckets < (uint32_t)l->d->max_pending * 2)
		grow_buckets(l);
	l->pool[i] = (struct pending){ .hash = h, .ts = ts, .keylen = len, .used = true };
	memcpy(l->pool[i].key, key, len);
	l->pool[i].next = l->buckets[h & (l->nbuckets - 1)];
	l->buckets[h & (l->nbuckets - 1)] = i;
	age_append(l, i);
	l->n_pending++;
}

struct lat_group_stats *latency_group(struct latency *l, const struct value *vals)
{
	struct lat_group_stats *g = grouptab_get(&l->groups, vals);

	if (!g->all.sub_bits) {	/* new */
		stats_set_resolution(&g->all, STATS_GROUP_SUB_BITS);
		if (l->intervals) {
			stats_set_resolution(&g->interval, STATS_GROUP_SUB_BITS);
			stats_set_resolution(&g->before, STATS_GROUP_SUB_BITS);
		}
	}
	return g;
}

/* A pair's latency or a sample: into the statistics, overall and of its group. */
static int64_t account(struct latency *l, struct value *vals, uint64_t delta)
{
	struct lat_group_stats *g;

	l->c.pairs++;
	stats_add(&l->all, delta);
	if (l->intervals)
		stats_add(&l->interval, delta);
	vals[FIELD_LATENCY] = (struct value){ .present = true, .num = delta };
	if (l->d->n_group_by) {
		g = latency_group(l, vals);
		stats_add(&g->all, delta);
		if (l->intervals)
			stats_add(&g->interval, delta);
	}
	return (int64_t)delta;
}

static int64_t end(struct latency *l, const uint8_t *key, uint16_t len, uint64_t h,
		   struct value *vals, uint64_t ts)
{
	uint32_t i = find(l, key, len, h);
	uint64_t delta;

	if (!i) {
		l->c.unmatched_ends++;
		return -1;
	}
	if (ts < l->pool[i].ts) {
		l->c.negative++;
		remove_pending(l, i);
		return -1;
	}
	delta = ts - l->pool[i].ts;
	if (l->d->consume)
		remove_pending(l, i);
	return account(l, vals, delta);
}

/* A distribution's sample: the field's value, scaled to nanoseconds. */
static int64_t sample(struct latency *l, struct value *vals)
{
	const struct value *v = &vals[l->d->value_field];
	uint64_t ns;

	if (!v->present)
		return -1;
	ns = (v->num >> l->d->value_shift) * l->d->value_unit_ns;
	if (l->d->into_field)
		vals[l->d->into_field] = (struct value){ .present = true, .num = ns };
	return account(l, vals, ns);
}

int64_t latency_feed(struct latency *l, int event, struct value *vals, uint64_t ts)
{
	uint8_t key[LAT_KEY_MAX];
	uint16_t len;
	uint64_t h;

	if (event != l->d->to && !latency_is_start(l->d, event))
		return -1;
	if (l->d->value_field)
		return sample(l, vals);
	expire(l, ts);
	if (!make_key(l, vals, key, &len, &h))
		return -1;
	if (event != l->d->to) {
		start(l, key, len, h, ts);
		return -1;
	}
	return end(l, key, len, h, vals, ts);
}

void latency_invalidate(struct latency *l)
{
	while (l->oldest) {
		remove_pending(l, l->oldest);
		l->c.invalidated++;
	}
}

static void reset_group(void *p)
{
	stats_reset(&((struct lat_group_stats *)p)->interval);
}

void latency_interval_reset(struct latency *l)
{
	size_t n;
	struct group **g = grouptab_list(&l->groups, &n);

	stats_reset(&l->interval);
	for (size_t i = 0; i < n && l->intervals; i++)	/* groups hold interval stats with -i only */
		reset_group(g[i]->payload);
	free(g);
}
