// SPDX-License-Identifier: GPL-2.0-or-later
/* End-of-run counts per group (e.g. per flow), in an open-addressing table. */
#include <stdlib.h>
#include <string.h>

#include "summary.h"

void summary_init(struct summary *s, const struct recipe *r)
{
	memset(s, 0, sizeof(*s));
	s->recipe = r;
	s->per_event = xcalloc(r->n_events, sizeof(*s->per_event));
	if (r->n_group_by) {
		s->cap = 64;
		s->slots = xcalloc(s->cap, sizeof(*s->slots));
	}
}

static int key_field(const struct recipe *r, int k, int half)
{
	return half ? r->group_by[k].port_field : r->group_by[k].field;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

/* Only what a value's format shows takes part in the key. */
static uint64_t hash_value(uint64_t h, const struct value *v)
{
	h = fnv(h, &v->present, sizeof(v->present));
	if (!v->present)
		return h;
	h = fnv(h, &v->family, sizeof(v->family));
	h = fnv(h, &v->port, sizeof(v->port));
	h = fnv(h, &v->num, sizeof(v->num));
	h = fnv(h, v->addr, sizeof(v->addr));
	return v->str ? fnv(h, v->str, v->len) : h;
}

static bool value_equal(const struct value *a, const struct value *b)
{
	if (a->present != b->present)
		return false;
	if (!a->present)
		return true;
	return a->family == b->family && a->port == b->port && a->num == b->num &&
	       !memcmp(a->addr, b->addr, sizeof(a->addr)) && a->len == b->len &&
	       (!a->str || !memcmp(a->str, b->str, a->len));
}

static bool group_matches(const struct summary *s, const struct group *g, const struct value *vals)
{
	for (int k = 0; k < s->recipe->n_group_by * 2; k++) {
		int f = key_field(s->recipe, k / 2, k % 2);

		if (f >= 0 && !value_equal(&g->vals[k], &vals[f]))
			return false;
	}
	return true;
}

static void group_fill(struct summary *s, struct group *g, const struct value *vals, uint64_t h)
{
	int n = s->recipe->n_group_by * 2;

	g->hash = h;
	g->vals = xcalloc(n, sizeof(*g->vals));
	g->strs = xcalloc(n, sizeof(*g->strs));
	for (int k = 0; k < n; k++) {
		int f = key_field(s->recipe, k / 2, k % 2);

		if (f < 0)
			continue;
		g->vals[k] = vals[f];
		if (vals[f].str) {	/* the record goes away: keep our own copy */
			g->vals[k].len = vals[f].len < 63 ? vals[f].len : 63;
			memcpy(g->strs[k], vals[f].str, g->vals[k].len);
			g->vals[k].str = g->strs[k];
		}
	}
	s->used++;
}

static void grow(struct summary *s)
{
	struct group *old = s->slots;
	size_t oldcap = s->cap;

	s->cap *= 2;
	s->slots = xcalloc(s->cap, sizeof(*s->slots));
	for (size_t i = 0; i < oldcap; i++) {
		size_t j;

		if (!old[i].vals)
			continue;
		for (j = old[i].hash & (s->cap - 1); s->slots[j].vals; j = (j + 1) & (s->cap - 1))
			;
		s->slots[j] = old[i];
	}
	free(old);
}

void summary_add(struct summary *s, const struct value *vals, int event)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	s->total++;
	s->per_event[event]++;
	if (!s->recipe->n_group_by)
		return;
	for (int k = 0; k < s->recipe->n_group_by * 2; k++) {
		int f = key_field(s->recipe, k / 2, k % 2);

		if (f >= 0)
			h = hash_value(h, &vals[f]);
	}
	for (i = h & (s->cap - 1); s->slots[i].vals; i = (i + 1) & (s->cap - 1))
		if (s->slots[i].hash == h && group_matches(s, &s->slots[i], vals)) {
			s->slots[i].count++;
			return;
		}
	group_fill(s, &s->slots[i], vals, h);
	s->slots[i].count = 1;
	if (s->used * 2 > s->cap)
		grow(s);
}

static const struct summary *sort_ctx;
static int sort_key = -1;	/* group_by index, -1: by count */

static int cmp_groups(const void *a, const void *b)
{
	const struct group *ga = *(struct group *const *)a, *gb = *(struct group *const *)b;

	if (sort_key >= 0) {
		const struct value *va = &ga->vals[sort_key * 2], *vb = &gb->vals[sort_key * 2];
		int c = va->num < vb->num ? -1 : va->num > vb->num;

		if (!c)
			c = memcmp(va->addr, vb->addr, sizeof(va->addr));
		if (c)
			return c;
	}
	if (ga->count != gb->count)
		return ga->count < gb->count ? 1 : -1;
	return 0;
}

struct group **summary_sorted(const struct summary *s, size_t *n)
{
	struct group **v = xcalloc(s->used, sizeof(*v));
	const struct recipe *r = s->recipe;

	*n = 0;
	for (size_t i = 0; i < s->cap; i++)
		if (s->slots[i].vals)
			v[(*n)++] = &s->slots[i];
	sort_ctx = s;
	sort_key = -1;
	for (int k = 0; r->sort && k < r->n_group_by; k++)
		if (!strcmp(r->sort, r->fields[r->group_by[k].field].name))
			sort_key = k;
	qsort(v, *n, sizeof(*v), cmp_groups);
	return v;
}

void summary_free(struct summary *s)
{
	for (size_t i = 0; i < s->cap; i++) {
		free(s->slots[i].vals);
		free(s->slots[i].strs);
	}
	free(s->slots);
	free(s->per_event);
	memset(s, 0, sizeof(*s));
}
