// SPDX-License-Identifier: GPL-2.0-or-later
/* The registration tables: one line per analysis, enricher and recipe section. */
#include "analysis/attempts.h"
#include "analysis/counts.h"
#include "analysis/latency.h"
#include "analysis/reqresp.h"
#include "engine/registry.h"
#include "enrich/derive.h"
#include "enrich/owner.h"
#include "recipe/limits.h"

extern const struct analysis_ops events_analysis;

/* In report order. */
const struct analysis_ops *const analysis_registry[] = {
	&events_analysis,
	&counts_analysis,
	&latency_analysis,
	&distribution_analysis,
	&reqresp_analysis,
	&attempts_analysis,
};
const int n_analysis_registry = ARRAY_SIZE(analysis_registry);

const struct enricher_ops *const enricher_registry[] = {
	&comm_enricher,
	&derive_enricher,	/* after comm: a case may one day test it */
	&owner_enricher,	/* after comm: the owner's pid and name replace the event's */
};
const int n_enricher_registry = ARRAY_SIZE(enricher_registry);

/* The sources' "events" first (analyses refer to events), then each analysis's section. */
static int sections(struct recipe_section *sec)
{
	int n = 0;

	sec[n++] = (struct recipe_section){ "events", recipe_parse_events };
	sec[n++] = (struct recipe_section){ "derive", derive_parse };
	sec[n++] = (struct recipe_section){ "owner", owner_parse };
	for (int i = 0; i < n_analysis_registry && n < RECIPE_MAX_SECTIONS; i++)
		sec[n++] = (struct recipe_section){
			analysis_registry[i]->section ? analysis_registry[i]->section : "",
			analysis_registry[i]->parse };
	return n;
}

struct recipe *recipe_load(const char *path)
{
	struct recipe_section sec[RECIPE_MAX_SECTIONS];
	int n = sections(sec);

	return recipe_read(path, sec, n);
}

struct recipe *recipe_load_buffer(const char *text, size_t len, const char *name)
{
	struct recipe_section sec[RECIPE_MAX_SECTIONS];
	int n = sections(sec);

	return recipe_read_buffer(text, len, name, sec, n);
}
