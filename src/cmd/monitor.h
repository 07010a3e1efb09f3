/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_CMD_MONITOR_H
#define PROBEKIT_CMD_MONITOR_H

/*
 * probekit monitor, in two files: monitor.c (options, the loop, metrics,
 * the flight recorder, reloads) and monitor_set.c (the recipe set: loaded
 * from the command line and --set FILE, planned in the run's instance, told
 * apart across a reload by a fingerprint of each recipe's file and
 * parameters).
 */
#include "cmd/cli.h"
#include "output/prometheus.h"

#define MONITOR_MAX_RECIPES 32

/* Where the set comes from: read again at every SIGHUP. */
struct set_source {
	char **args;		/* RECIPE arguments */
	int n_args;
	const char *file;	/* --set FILE: "RECIPE [NAME=VALUE...]" per line; NULL: none */
	char **params;		/* -p: NAME=VALUE or RECIPE:NAME=VALUE */
};

/* Recipes loaded and parameterised, not planned yet. */
struct loaded_set {
	struct recipe *r[MONITOR_MAX_RECIPES];
	char *fp[MONITOR_MAX_RECIPES];	/* the file's bytes and the parameters' values */
	int n;
};

/* The recipes that run, their plans and sinks; the skipped ones are gone. */
struct recipe_set {
	struct prom_pins *pins;	/* the metrics' series, kept from one write to the next */
	struct recipe *r[MONITOR_MAX_RECIPES];
	char *fp[MONITOR_MAX_RECIPES];
	struct plan p[MONITOR_MAX_RECIPES];
	struct plan *pp[MONITOR_MAX_RECIPES];
	struct sink *sink[MONITOR_MAX_RECIPES];
	struct sink *observer[MONITOR_MAX_RECIPES];	/* --record */
	int n;
	char *dropped[MONITOR_MAX_RECIPES];	/* the names of those this kernel cannot run */
	int n_dropped;
};

/* Load every recipe of the source; PK_OK, or an exit status after one line. */
int monitor_load(const struct set_source *src, struct loaded_set *ls);
void loaded_set_free(struct loaded_set *ls);
/* Plan each in the run's instance (ls is emptied); one the kernel cannot run is dropped. */
int monitor_plan(struct recipe_set *rs, struct loaded_set *ls, struct caps *c,
		 const struct common_opts *o, const char *instance);
/* Sinks, plans, recipes (not the pins). */
void recipe_set_clear(struct recipe_set *rs);
/* Is recipe name, with this fingerprint, in the loaded set? */
bool loaded_set_has(const struct loaded_set *ls, const char *name, const char *fp);
/* What a capture's header says of a recipe's plan. */
json_t *monitor_plan_json(const struct plan *p);

#endif
