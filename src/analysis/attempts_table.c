// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Attempts under way, by key: a preallocated pool with hash chains and an age
 * list (oldest first) for timeouts and eviction; nothing allocated per event.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/attempts.h"

void att_table_init(struct att_table *t, const struct attempts_decl *d, int n_fields)
{
	uint32_t n = (uint32_t)d->max_pending + 1;

	memset(t, 0, sizeof(*t));
	t->d = d;
	t->n_fields = n_fields;
	t->pool = xcalloc(n, sizeof(*t->pool));
	t->snap = xcalloc((size_t)n * n_fields, sizeof(*t->snap));
	t->strs = xcalloc((size_t)n * n_fields, sizeof(*t->strs));
	for (t->nbuckets = 64; t->nbuckets < n; t->nbuckets <<= 1)
		;
	t->buckets = xcalloc(t->nbuckets, sizeof(*t->buckets));
	t->n_slots = n - 1;	/* taken past high_water before any is reused: untouched pages stay unmapped */
}

void att_table_free(struct att_table *t)
{
	free(t->pool);
	free(t->snap);
	free(t->strs);
	free(t->buckets);
	memset(t, 0, sizeof(*t));
}

static uint64_t key_hash(const struct att_table *t, const struct value *vals)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL;

	for (int k = 0; k < t->d->n_key; k++)
		h = value_hash(h, &vals[t->d->key[k]]);
	return h;
}

static bool same_key(const struct att_table *t, const struct attempt *a, const struct value *vals)
{
	for (int k = 0; k < t->d->n_key; k++)
		if (!value_equal(&a->key[k], &vals[t->d->key[k]]))
			return false;
	return true;
}

bool att_has_key(const struct att_table *t, const struct value *vals)
{
	for (int k = 0; k < t->d->n_key; k++)
		if (!vals[t->d->key[k]].present)
			return false;
	return true;
}

uint32_t att_find(const struct att_table *t, const struct value *vals)
{
	uint64_t h = key_hash(t, vals);

	for (uint32_t i = t->buckets[h & (t->nbuckets - 1)]; i; i = t->pool[i].next)
		if (t->pool[i].hash == h && same_key(t, &t->pool[i], vals))
			return i;
	return 0;
}

static void age_unlink(struct att_table *t, uint32_t i)
{
	struct attempt *a = &t->pool[i];

	if (a->older)
		t->pool[a->older].newer = a->newer;
	else
		t->oldest = a->newer;
	if (a->newer)
		t->pool[a->newer].older = a->older;
	else
		t->newest = a->older;
	a->older = a->newer = 0;
}

void att_remove(struct att_table *t, uint32_t i)
{
	struct attempt *a = &t->pool[i];
	uint32_t *p = &t->buckets[a->hash & (t->nbuckets - 1)];

	while (*p != i)
		p = &t->pool[*p].next;
	*p = a->next;
	age_unlink(t, i);
	a->used = false;
	a->next = t->free_list;
	t->free_list = i;
	t->n_pending--;
}

struct value *att_snapshot(const struct att_table *t, uint32_t i)
{
	return &t->snap[(size_t)i * t->n_fields];
}

/* Keep the start's values; strings are copied, their record or cache entry goes away. */
static void take_snapshot(struct att_table *t, uint32_t i, const struct value *vals)
{
	struct value *s = att_snapshot(t, i);
	char (*strs)[ATT_STR_LEN] = &t->strs[(size_t)i * t->n_fields];

	memcpy(s, vals, t->n_fields * sizeof(*s));
	for (int f = 0; f < t->n_fields; f++) {
		if (!s[f].str)
			continue;
		s[f].len = s[f].len < ATT_STR_LEN - 1 ? s[f].len : ATT_STR_LEN - 1;
		memcpy(strs[f], s[f].str, s[f].len);
		strs[f][s[f].len] = 0;
		s[f].str = strs[f];
	}
}

uint32_t att_start(struct att_table *t, const struct value *vals, uint64_t ts)
{
	uint32_t i = att_find(t, vals);
	struct attempt *a;

	if (i) {	/* a new start of the same key: the old attempt is abandoned */
		t->c.restarts++;
		att_remove(t, i);
	}
	if (!t->free_list && t->high_water < t->n_slots) {
		i = ++t->high_water;
	} else {
		if (!t->free_list) {	/* full: the oldest makes room */
			t->c.evictions++;
			att_remove(t, t->oldest);
		}
		i = t->free_list;
		t->free_list = t->pool[i].next;
	}
	a = &t->pool[i];
	memset(a, 0, sizeof(*a));
	a->used = true;
	a->ts = ts;
	a->hash = key_hash(t, vals);
	for (int k = 0; k < t->d->n_key; k++)
		a->key[k] = vals[t->d->key[k]];
	a->next = t->buckets[a->hash & (t->nbuckets - 1)];
	t->buckets[a->hash & (t->nbuckets - 1)] = i;
	a->older = t->newest;
	if (t->newest)
		t->pool[t->newest].newer = i;
	else
		t->oldest = i;
	t->newest = i;
	t->n_pending++;
	take_snapshot(t, i, vals);
	t->c.starts++;
	return i;
}

void att_expire(struct att_table *t, uint64_t now)
{
	while (t->oldest && now > t->pool[t->oldest].ts &&
	       now - t->pool[t->oldest].ts > t->d->timeout_ns) {
		t->c.timeouts++;
		att_remove(t, t->oldest);
	}
}

void att_invalidate(struct att_table *t)
{
	while (t->oldest) {
		t->c.invalidated++;
		att_remove(t, t->oldest);
	}
}
