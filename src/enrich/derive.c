// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The derive enricher: remembered fields from a direct-mapped table per
 * derived field (a key's slot is overwritten by a colliding key: the value is
 * then unknown, never another key's), and cases, first that holds. Lost
 * events make every remembered value unknown: the record that changed it may
 * be among them (tcp-retrans: a congestion state before the loss would
 * classify a retransmission after it).
 */
#include <stdlib.h>
#include <string.h>

#include "enrich/derive.h"

#define REMEMBER_SLOTS 16384

struct remembered {
	uint64_t hash;		/* 0: empty */
	uint64_t epoch;		/* remembered before this many losses: stale if not the current */
	struct value v;
};

struct derive_state {
	const struct recipe *recipe;
	const struct derive_cfg *cfg;
	struct remembered *tables;	/* REMEMBER_SLOTS per derived field */
	uint64_t epoch;			/* losses so far: forgetting costs nothing per slot */
};

static void *derive_open(const struct enrich_env *env)
{
	const struct derive_cfg *cfg = env->recipe->derive;
	struct derive_state *st;

	if (!cfg || !cfg->n)
		return NULL;
	st = xcalloc(1, sizeof(*st));
	st->recipe = env->recipe;
	st->cfg = cfg;
	st->tables = xcalloc((size_t)cfg->n * REMEMBER_SLOTS, sizeof(*st->tables));
	return st;
}

/* 0 when a key field is absent: nothing to remember or recall. */
static uint64_t key_hash(const struct derived *d, const struct value *vals)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL;

	for (int k = 0; k < d->n_key; k++) {
		if (!vals[d->key[k]].present)
			return 0;
		h = value_hash(h, &vals[d->key[k]]);
	}
	return h ? h : 1;
}

static void remember(struct derive_state *st, int i, struct record *rec)
{
	const struct derived *d = &st->cfg->d[i];
	uint64_t h = key_hash(d, rec->values);
	struct remembered *slot;

	if (!h)
		return;
	slot = &st->tables[(size_t)i * REMEMBER_SLOTS + (h & (REMEMBER_SLOTS - 1))];
	for (int k = 0; k < d->n_set_by; k++)
		if (rec->event == d->set_by[k]) {
			*slot = (struct remembered){ h, st->epoch,
						     { .present = true, .num = d->set_to[k] } };
			return;
		}
	if (rec->event == d->from) {
		if (rec->values[d->field].present)
			*slot = (struct remembered){ h, st->epoch, rec->values[d->field] };
	} else if (!rec->values[d->field].present && slot->hash == h && slot->epoch == st->epoch) {
		rec->values[d->field] = slot->v;
	}
}

static bool case_holds(const struct derive_case *c, const struct record *rec)
{
	const struct value *v;

	if (c->event >= 0 && rec->event != c->event)
		return false;
	if (c->field < 0)
		return true;
	v = &rec->values[c->field];
	for (int k = 0; v->present && k < c->n_values; k++)
		if (v->num == c->values[k])
			return true;
	return false;
}

static void classify(const struct derived *d, struct record *rec)
{
	const char *value = d->otherwise;

	for (int k = 0; k < d->n_cases; k++)
		if (case_holds(&d->cases[k], rec)) {
			value = d->cases[k].value;
			break;
		}
	if (value)
		rec->values[d->field] = (struct value){
			.present = true, .str = value, .len = (int)strlen(value) };
}

static void derive_enrich(void *state, struct record *rec)
{
	struct derive_state *st = state;

	for (int i = 0; i < st->cfg->n; i++) {
		if (st->cfg->d[i].from >= 0)
			remember(st, i, rec);
		else
			classify(&st->cfg->d[i], rec);
	}
}

static void derive_close(void *state)
{
	struct derive_state *st = state;

	free(st->tables);
	free(st);
}

static void derive_lost(void *state)
{
	((struct derive_state *)state)->epoch++;
}

const struct enricher_ops derive_enricher = {
	.name = "derive",
	.open = derive_open,
	.enrich = derive_enrich,
	.close = derive_close,
	.lost = derive_lost,
};
