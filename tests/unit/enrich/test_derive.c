// SPDX-License-Identifier: GPL-2.0-or-later
/* The derive enricher: a remembered field recalled per key, and forgotten when events were lost. */
#include <string.h>

#include "enrich/derive.h"
#include "enrich/enrich.h"
#include "recipe/recipe.h"
#include "test.h"

/* tcp-retrans: ca_state remembered from cong by sk, recalled by a retransmission of that sk. */
static void remembered_until_events_are_lost(void)
{
	struct recipe *r = recipe_load("../recipes/tcp-retrans.json");
	struct value vals[64];
	struct record rec = { .values = vals };
	int cong, retrans, sk, ca;
	void *st;

	CHECK(r != NULL);
	if (!r)
		return;
	cong = recipe_event_index(r, "cong");
	retrans = recipe_event_index(r, "retrans");
	sk = recipe_field_index(r, "sk");
	ca = recipe_field_index(r, "ca_state");
	CHECK(cong >= 0 && retrans >= 0 && sk >= 0 && ca >= 0 && r->n_fields <= 64);
	st = derive_enricher.open(&(struct enrich_env){ .recipe = r });
	CHECK(st != NULL && derive_enricher.lost != NULL);
	if (!st || cong < 0 || retrans < 0 || sk < 0 || ca < 0) {
		recipe_free(r);
		return;
	}
	rec.n_values = r->n_fields;
	memset(vals, 0, sizeof(vals));
	rec.event = cong;
	vals[sk] = (struct value){ .present = true, .num = 0x1234 };
	vals[ca] = (struct value){ .present = true, .num = 4 };	/* loss: an RTO */
	derive_enricher.enrich(st, &rec);

	memset(vals, 0, sizeof(vals));
	rec.event = retrans;
	vals[sk] = (struct value){ .present = true, .num = 0x1234 };
	derive_enricher.enrich(st, &rec);
	CHECK(vals[ca].present && vals[ca].num == 4);

	/* the congestion state may have changed among the lost events: unknown */
	derive_enricher.lost(st);
	memset(vals, 0, sizeof(vals));
	vals[sk] = (struct value){ .present = true, .num = 0x1234 };
	derive_enricher.enrich(st, &rec);
	CHECK(!vals[ca].present);

	/* remembered again after the loss */
	rec.event = cong;
	vals[ca] = (struct value){ .present = true, .num = 3 };
	derive_enricher.enrich(st, &rec);
	memset(vals, 0, sizeof(vals));
	rec.event = retrans;
	vals[sk] = (struct value){ .present = true, .num = 0x1234 };
	derive_enricher.enrich(st, &rec);
	CHECK(vals[ca].present && vals[ca].num == 3);
	derive_enricher.close(st);
	recipe_free(r);
}

const struct unit_test derive_tests[] = {
	{ "derive: a remembered field recalled per key, forgotten when events were lost",
	  remembered_until_events_are_lost },
	{ NULL, NULL },
};
