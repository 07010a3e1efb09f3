/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_ENRICH_H
#define PROBEKIT_ENRICH_H

/*
 * Enrichers add to a record, when it is decoded, what the ring buffer does
 * not carry (a pid's process name, a socket's owner). Resolved at
 * event time, a name outlives its process. State is the engine's, one per
 * run; nothing is allocated per event.
 */
#include "record/record.h"
#include "recipe/recipe.h"

struct tep_handle;
struct sink;

struct enrich_env {
	const struct recipe *recipe;
	struct tep_handle *tep;		/* the run's parser (saved_cmdlines go into it) */
	const char *tracing_dir;
};

struct enricher_ops {
	const char *name;
	/* State for one run, or NULL when this recipe has nothing to enrich. */
	void *(*open)(const struct enrich_env *env);
	void (*enrich)(void *state, struct record *rec);
	void (*close)(void *state);
	/* The fields it reads of records of recipe event `event` (as analyses); NULL: every one. */
	void (*uses)(void *state, int event, bool *fields);
	/* Optional: what it has to say at the end of the run (before the analyses' reports). */
	void (*report)(void *state, struct sink *sink);
	/* Optional: events were lost (or not traced for a while): what it remembered may be stale. */
	void (*lost)(void *state);
};

extern const struct enricher_ops comm_enricher;

#endif
