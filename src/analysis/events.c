// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The event listing: every record as a line of the recipe's columns. It
 * steps aside when an analysis's own lines stand for the events (latency
 * pairs are made of them).
 */
#include "analysis/analysis.h"

extern const struct analysis_ops events_analysis;

/* Every recipe lists its events: the declaration carries no settings. */
static bool events_parse(struct schema *s, json_t *root)
{
	(void)root;
	recipe_add_analysis(s->recipe, &events_analysis, NULL, NULL);
	return true;
}

static int events_init(struct analysis *a)
{
	const struct recipe *r = a->recipe;

	for (int i = 0; i < r->n_analyses; i++)
		if (r->analyses[i].ops->replaces_listing)
			a->off = true;
	a->prints_records = !a->off;
	return PK_OK;
}

static void events_feed(struct analysis *a, struct record *rec)
{
	if (!a->recipe->events[rec->event].unlisted)
		sink_record(a->sink, rec, "event", NULL);
}

const struct analysis_ops events_analysis = {
	.name = "events",
	.parse = events_parse,
	.init = events_init,
	.feed = events_feed,
};
