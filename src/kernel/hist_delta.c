// SPDX-License-Identifier: GPL-2.0-or-later
/* A histogram's rows' hits since the last reading (see hist_delta.h). */
#include <stdlib.h>
#include <string.h>

#include "kernel/hist_delta.h"
#include "util/util.h"
#include "util/hash.h"

static uint64_t row_hash(const uint64_t *keys, int n)
{
	uint64_t h = HASH_SEED;

	for (int k = 0; k < n; k++)
		h = hash_mix(h, keys[k]);
	return h ^ (uint64_t)n;
}

static struct hist_delta_row *slot_of(struct hist_delta_row *slots, size_t cap,
				      const uint64_t *keys, int n)
{
	size_t i = row_hash(keys, n) & (cap - 1);

	while (slots[i].n_keys &&
	       (slots[i].n_keys != n || memcmp(slots[i].keys, keys, n * sizeof(*keys))))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

/* Twice the room once three quarters are used: lookups stay short. */
static void grow(struct hist_delta *d)
{
	size_t cap = d->cap ? d->cap * 2 : 256;
	struct hist_delta_row *slots = xcalloc(cap, sizeof(*slots));

	for (size_t i = 0; i < d->cap; i++)
		if (d->slots[i].n_keys)
			*slot_of(slots, cap, d->slots[i].keys, d->slots[i].n_keys) = d->slots[i];
	free(d->slots);
	d->slots = slots;
	d->cap = cap;
}

uint64_t hist_delta_take(struct hist_delta *d, const struct hist_row *row)
{
	struct hist_delta_row *s;
	uint64_t gained;
	int n = row->n_keys < 1 ? 1 : row->n_keys > HIST_MAX_KEYS ? HIST_MAX_KEYS : row->n_keys;

	if ((d->used + 1) * 4 > d->cap * 3)
		grow(d);
	s = slot_of(d->slots, d->cap, row->keys, n);
	if (!s->n_keys) {
		s->n_keys = n;
		memcpy(s->keys, row->keys, n * sizeof(*row->keys));
		d->used++;
	}
	/* hits only grow; fewer would be a new trigger's row: all of them are new */
	gained = row->hits >= s->hits ? row->hits - s->hits : row->hits;
	s->hits = row->hits;
	return gained;
}

void hist_delta_free(struct hist_delta *d)
{
	free(d->slots);
	memset(d, 0, sizeof(*d));
}
