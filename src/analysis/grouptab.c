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
	t->key_fields = xcalloc(n_cols ? (size_t)n_cols * 2 : 1, sizeof(*t->key_fields));
	for (int k = 0; k < n_cols * 2; k++)	/* resolved once: every pair looks its group up */
		t->key_fields[k] = k % 2 ? cols[k / 2].port_field : cols[k / 2].field;
}

static int key_field(const struct grouptab *t, int k)
{
	return t->key_fields[k];
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

/*
 * One allocation per group: its payload, then its key values, then copies of
 * its string keys (the record goes away), 64 bytes each, only if it has any.
 */
static void group_alloc(struct grouptab *t, struct group *g, const struct value *vals)
{
	size_t n = (size_t)t->n_cols * 2, head = (t->payload_size + 15) & ~(size_t)15, n_strs = 0;
	char *block;

	for (size_t k = 0; vals && k < n; k++) {
		int f = key_field(t, (int)k);

		n_strs += f >= 0 && vals[f].str;
	}
	block = xcalloc(1, head + n * sizeof(*g->vals) + n_strs * sizeof(*g->strs));
	g->payload = block;
	g->vals = (struct value *)(block + head);
	g->strs = n_strs ? (char (*)[64])(block + head + n * sizeof(*g->vals)) : NULL;
}

static void group_fill(struct grouptab *t, struct group *g, const struct value *vals, uint64_t h)
{
	int n = t->n_cols * 2, s = 0;

	g->hash = h;
	group_alloc(t, g, vals);
	for (int k = 0; k < n; k++) {
		int f = key_field(t, k);

		if (f < 0)
			continue;
		g->vals[k] = vals[f];
		if (vals[f].str) {
			g->vals[k].len = vals[f].len < 63 ? vals[f].len : 63;
			memcpy(g->strs[s], vals[f].str, (size_t)g->vals[k].len);
			g->vals[k].str = g->strs[s++];
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
	if (!t->overflow.vals)
		group_alloc(t, &t->overflow, NULL);
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
		free(t->slots[i].payload);	/* the group's one block */
	}
	if (t->overflow.vals) {
		if (free_payload)
			free_payload(t->overflow.payload);
		free(t->overflow.payload);
	}
	free(t->slots);
	free(t->key_fields);
	memset(t, 0, sizeof(*t));
}
