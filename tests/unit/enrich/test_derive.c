// SPDX-License-Identifier: GPL-2.0-or-later
/* The derive enricher: a remembered field recalled per key, and forgotten when events were lost. */
#include <string.h>

#include "enrich/derive.h"
#include "enrich/enrich.h"
#include "recipe/recipe.h"
#include "test.h"

/*
 * A record of event for socket 0x1234 through the enricher: ca_state set
 * (-1: absent) as it comes; what the record holds after, -1 when absent.
 */
static int64_t through(void *st, struct value *vals, int n_fields, int event, int sk, int ca,
		       int64_t state)
{
	struct record rec = { .event = event, .values = vals, .n_values = n_fields };

	memset(vals, 0, (size_t)n_fields * sizeof(*vals));
	vals[sk] = (struct value){ .present = true, .num = 0x1234 };
	if (state >= 0)
		vals[ca] = (struct value){ .present = true, .num = (uint64_t)state };
	derive_enricher.enrich(st, &rec);
	return vals[ca].present ? (int64_t)vals[ca].num : -1;
}

/* tcp-retrans: ca_state remembered from cong by sk, recalled by a retransmission of that sk. */
static void remembered_until_events_are_lost(void)
{
	struct recipe *r = recipe_load("../recipes/tcp-retrans.json");
	struct value vals[64];
	int cong, retrans, sk, ca, n;
	void *st;

	CHECK(r != NULL);
	if (!r)
		return;
	cong = recipe_event_index(r, "cong");
	retrans = recipe_event_index(r, "retrans");
	sk = recipe_field_index(r, "sk");
	ca = recipe_field_index(r, "ca_state");
	n = r->n_fields;
	CHECK(cong >= 0 && retrans >= 0 && sk >= 0 && ca >= 0 && n <= 64);
	st = derive_enricher.open(&(struct enrich_env){ .recipe = r });
	CHECK(st != NULL && derive_enricher.lost != NULL);
	if (!st || cong < 0 || retrans < 0 || sk < 0 || ca < 0 || n > 64) {
		recipe_free(r);
		return;
	}
	through(st, vals, n, cong, sk, ca, 4);	/* loss: an RTO */
	CHECK(through(st, vals, n, retrans, sk, ca, -1) == 4);
	/* the congestion state may have changed among the lost events: unknown */
	derive_enricher.lost(st);
	CHECK(through(st, vals, n, retrans, sk, ca, -1) == -1);
	/* remembered again after the loss */
	through(st, vals, n, cong, sk, ca, 3);
	CHECK(through(st, vals, n, retrans, sk, ca, -1) == 3);
	derive_enricher.close(st);
	recipe_free(r);
}

const struct unit_test derive_tests[] = {
	{ "derive: a remembered field recalled per key, forgotten when events were lost",
	  remembered_until_events_are_lost },
	{ NULL, NULL },
};
