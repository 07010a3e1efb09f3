/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_DERIVE_H
#define PROBEKIT_DERIVE_H

/*
 * Derived fields (the recipe's "derive" section, probekit-recipe(5)): values
 * no event carries, computed when a record is decoded, before any analysis
 * sees it. Two kinds:
 *   remember  the field as the last record of one event with the same key
 *             gave it (a socket's congestion state, for its retransmissions),
 *             or as a constant other events set (a new connection is Open);
 *   cases     the first case that holds names the value (an event, or a
 *             field's value in a list), else a default: a classification.
 * derive_recipe.c parses the section, derive.c is the enricher.
 */
#include <stdio.h>

#include "enrich/enrich.h"

#define DERIVE_KEY_MAX 4
#define DERIVE_VALUES_MAX 8

struct derive_case {
	int event;		/* the record is of this event (-1: any) ... */
	int field;		/* ... and this field's value is one of values (-1: none) */
	uint64_t values[DERIVE_VALUES_MAX];
	int n_values;
	char *value;
};

struct derived {
	int field;		/* the field it fills */
	int from;		/* remember: the event that sets it; -1: cases */
	int set_by[DERIVE_KEY_MAX];	/* remember: events that set it to a constant ... */
	uint64_t set_to[DERIVE_KEY_MAX];	/* ... this one (a new connection: Open) */
	int n_set_by;
	int key[DERIVE_KEY_MAX];
	int n_key;
	struct derive_case *cases;
	int n_cases;
	char *otherwise;	/* cases: no case holds (NULL: left absent) */
};

struct derive_cfg {
	struct derived *d;	/* remembered fields first, then cases */
	int n;
};

extern const struct enricher_ops derive_enricher;

bool derive_parse(struct schema *s, json_t *root);
/* plan: one line per derived field; traced(ev) says whether event ev runs here. */
void derive_describe(const struct derive_cfg *c, const struct recipe *r,
		     bool (*traced)(const void *ctx, int ev), const void *ctx, FILE *f);

#endif
