// SPDX-License-Identifier: GPL-2.0-or-later
/* Bounded per-label counts for the monitor's metrics (see labels.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/labels.h"

void label_table_init(struct label_table *t, const char *name, int field, int cap, int n_events)
{
	memset(t, 0, sizeof(*t));
	t->name = name;
	t->field = field;
	t->cap = cap;
	t->n_events = n_events;
	t->keys = xcalloc(cap, sizeof(*t->keys));
	t->text = xcalloc(cap, sizeof(*t->text));
	t->counts = xcalloc((size_t)(cap + 1) * n_events, sizeof(*t->counts));
	for (t->n_slots = 16; t->n_slots < 2 * cap; t->n_slots *= 2)
		;
	t->slots = xcalloc(t->n_slots, sizeof(*t->slots));
	memset(t->slots, -1, t->n_slots * sizeof(*t->slots));
}

/* A value's own copy: strings point into records that will be reused. */
static void keep_key(struct label_table *t, int i, const struct value *v)
{
	t->keys[i] = *v;
	if (v->str) {
		int len = v->len < LABEL_TEXT - 1 ? v->len : LABEL_TEXT - 1;

		memcpy(t->text[i], v->str, len);
		t->text[i][len] = '\0';
		t->keys[i].str = t->text[i];
		t->keys[i].len = len;
	}
}

static int row_of(struct label_table *t, const struct value *v)
{
	uint64_t h = value_hash(0x9e3779b97f4a7c15ULL, v);
	int s = (int)(h & (uint64_t)(t->n_slots - 1));

	for (;; s = (s + 1) & (t->n_slots - 1)) {
		int i = t->slots[s];

		if (i < 0)
			break;
		if (value_equal(&t->keys[i], v))
			return i;
	}
	if (t->n < t->cap) {	/* a new value, room for it: its row for good */
		t->slots[s] = t->n;
		keep_key(t, t->n, v);
		return t->n++;
	}
	t->fold_bits[(h >> 20) % LABEL_FOLD_BITS / 64] |= 1ULL << ((h >> 20) % 64);
	t->folded_events++;
	return t->cap;
}

void label_table_add(struct label_table *t, const struct value *v, int event)
{
	t->counts[(size_t)row_of(t, v) * t->n_events + event]++;
}

void label_table_add_n(struct label_table *t, const struct value *v, int event, uint64_t n)
{
	t->counts[(size_t)row_of(t, v) * t->n_events + event] += n;
}

double label_table_folded(const struct label_table *t)
{
	int zero = 0;

	for (int i = 0; i < LABEL_FOLD_BITS / 64; i++)
		zero += 64 - __builtin_popcountll(t->fold_bits[i]);
	if (!zero)
		zero = 1;	/* saturated: the estimate's ceiling */
	return round(LABEL_FOLD_BITS * log((double)LABEL_FOLD_BITS / zero));
}

static json_t *per_event(const struct label_table *t, int row, const struct recipe *r)
{
	json_t *o = json_object();

	for (int e = 0; e < t->n_events; e++)
		json_object_set_new(o, r->events[e].name,
				    json_integer((json_int_t)t->counts[(size_t)row * t->n_events + e]));
	return o;
}

json_t *label_table_json(const struct label_table *t, const struct format_ctx *fc)
{
	json_t *rows = json_array();
	char buf[128];

	for (int i = 0; i < t->n; i++) {
		format_value(fc, t->field, &t->keys[i], buf, sizeof(buf));
		json_array_append_new(rows, json_pack("{s:s,s:o}", "value", buf, "per_event",
						      per_event(t, i, fc->recipe)));
	}
	return json_pack("{s:s,s:o,s:o,s:f,s:I}", "label", t->name, "rows", rows, "other",
			 per_event(t, t->cap, fc->recipe), "folded", label_table_folded(t),
			 "folded_events", (json_int_t)t->folded_events);
}

void label_table_free(struct label_table *t)
{
	free(t->keys);
	free(t->text);
	free(t->counts);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}
