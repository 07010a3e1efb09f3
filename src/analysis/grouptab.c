// SPDX-License-Identifier: GPL-2.0-or-later
/* Groups keyed by the values of some columns (per flow, per port, per comm ...). */
#include <stdlib.h>
#include <string.h>

#include "analysis/grouptab.h"
#include "util/hash.h"

void grouptab_init(struct grouptab *t, const struct column *cols, int n_cols, size_t payload_size)
{
	memset(t, 0, sizeof(*t));
	t->cols = cols;
	t->n_cols = n_cols;
	t->payload_size = payload_size;
	t->cap = 64;
	t->slots = xcalloc(t->cap, sizeof(*t->slots));
}

/* column k/2's field (k even) or its port field (k odd), -1 if none */
static int key_field(const struct grouptab *t, int k)
{
	return k % 2 ? t->cols[k / 2].port_field : t->cols[k / 2].field;
}

static bool group_matches(const struct grouptab *t, const struct group *g, const struct value *vals)
{
	for (int k = 0; k < t->n_cols * 2; k++) {
		int f = key_field(t, k);

		if (f >= 0 && !value_equal(&g->vals[k], &vals[f]))
			return false;
	}
	return true;
}

static void group_fill(struct grouptab *t, struct group *g, const struct value *vals, uint64_t h)
{
	int n = t->n_cols * 2;

	g->hash = h;
	g->vals = xcalloc(n ? n : 1, sizeof(*g->vals));
	g->strs = xcalloc(n ? n : 1, sizeof(*g->strs));
	g->payload = xcalloc(1, t->payload_size);
	for (int k = 0; k < n; k++) {
		int f = key_field(t, k);

		if (f < 0)
			continue;
		g->vals[k] = vals[f];
		if (vals[f].str) {	/* the record goes away: keep our own copy */
			g->vals[k].len = vals[f].len < 63 ? vals[f].len : 63;
			memcpy(g->strs[k], vals[f].str, g->vals[k].len);
			g->vals[k].str = g->strs[k];
		}
	}
	t->used++;
}

static void grow(struct grouptab *t)
{
	struct group *old = t->slots;
	size_t oldcap = t->cap;

	t->cap *= 2;
	t->slots = xcalloc(t->cap, sizeof(*t->slots));
	for (size_t i = 0; i < oldcap; i++) {
		size_t j;

		if (!old[i].vals)
			continue;
		for (j = old[i].hash & (t->cap - 1); t->slots[j].vals; j = (j + 1) & (t->cap - 1))
			;
		t->slots[j] = old[i];
	}
	free(old);
}

/* The group of every key beyond the cap: made once, its keys absent. */
static void *overflow(struct grouptab *t)
{
	int n = t->n_cols * 2;

	if (!t->overflow.vals) {
		t->overflow.vals = xcalloc(n ? n : 1, sizeof(*t->overflow.vals));
		t->overflow.strs = xcalloc(n ? n : 1, sizeof(*t->overflow.strs));
		t->overflow.payload = xcalloc(1, t->payload_size);
	}
	t->overflowed++;
	return t->overflow.payload;
}

void *grouptab_get(struct grouptab *t, const struct value *vals)
{
	uint64_t h = HASH_SEED;
	void *payload;
	size_t i;

	for (int k = 0; k < t->n_cols * 2; k++) {
		int f = key_field(t, k);

		if (f >= 0)
			h = value_hash(h, &vals[f]);
	}
	for (i = h & (t->cap - 1); t->slots[i].vals; i = (i + 1) & (t->cap - 1))
		if (t->slots[i].hash == h && group_matches(t, &t->slots[i], vals))
			return t->slots[i].payload;
	if (t->used >= GROUPTAB_MAX)
		return overflow(t);
	group_fill(t, &t->slots[i], vals, h);
	payload = t->slots[i].payload;
	if (t->used * 2 > t->cap)
		grow(t);
	return payload;
}

struct group **grouptab_list(const struct grouptab *t, size_t *n)
{
	struct group **v = xcalloc(t->used + 1, sizeof(*v));

	*n = 0;
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].vals)
			v[(*n)++] = &t->slots[i];
	if (t->overflow.vals)
		v[(*n)++] = (struct group *)&t->overflow;
	return v;
}

void grouptab_free(struct grouptab *t, void (*free_payload)(void *))
{
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->slots[i].vals)
			continue;
		if (free_payload)
			free_payload(t->slots[i].payload);
		free(t->slots[i].payload);
		free(t->slots[i].vals);
		free(t->slots[i].strs);
	}
	if (t->overflow.vals) {
		if (free_payload)
			free_payload(t->overflow.payload);
		free(t->overflow.payload);
		free(t->overflow.vals);
		free(t->overflow.strs);
	}
	free(t->slots);
	memset(t, 0, sizeof(*t));
}
