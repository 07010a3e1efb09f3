/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_CMD_MONITOR_H
#define PROBEKIT_CMD_MONITOR_H

/*
 * probekit monitor, in four files: monitor.c (options, the loop, the
 * flight recorder, reloads), monitor_metrics.c (what is served and written
 * for node_exporter), monitor_set.c (the recipe set: loaded from the
 * command line and --set FILE, planned in the run's instance, told apart
 * across a reload by a fingerprint of each recipe's file and parameters)
 * and monitor_dryrun.c (--plan: the set and the monitor's decisions shown).
 */
#include <sched.h>

#include "cmd/cli.h"
#include "engine/engine.h"
#include "output/flight.h"
#include "output/prometheus.h"

#define MONITOR_MAX_RECIPES 32
#define MONITOR_MAX_TRIGGERS 32

struct monitor_opts {
	const char *listen;	/* ADDR:PORT */
	const char *textfile;	/* directory */
	uint64_t every_ns;
	int max_series;
	uint64_t duration_ns;
	double max_cpu;
	bool pin;
	cpu_set_t cpus;
	struct flight_opts rec;		/* --record: rec.dir set */
	char *triggers[MONITOR_MAX_TRIGGERS + 1];
	int n_triggers;
	bool dry_run;		/* --plan */
};

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
/* Does the planned set run recipe name (with this fingerprint, unless NULL)? */
bool recipe_set_has(const struct recipe_set *rs, const char *name, const char *fp);
/* --plan: the planned set and the monitor's decisions on stdout; PK_ERR_USAGE: a bad trigger. */
int monitor_print_plan(const struct recipe_set *rs, const struct monitor_opts *mo);
/* What a capture's header says of a recipe's plan. */
json_t *monitor_plan_json(const struct plan *p);

/* What lives across reloads, and the set that runs now. */
struct monitor {
	const struct monitor_opts *mo;
	const struct set_source *src;
	const struct common_opts *o;
	struct caps *c;
	char instance[64];
	struct recipe_set sets[2];	/* a reload plans the next set while this one runs */
	struct recipe_set *rs;		/* the one that runs */
	struct engine *e;
	struct flight *fl;
	struct analysis_opts an;
	struct metrics_http *http;
	struct prom_pins *pins;
	struct prom_carry *carry;	/* counters of recipes a reload kept */
	uint64_t records_base, lost_base;	/* of the engines before the last reload */
	int reloads;
	int64_t deadline;		/* -d: when the monitor ends, reloads or not (0: never) */
	struct flight_carry fcarry;	/* the recorder's counters and command across reloads */
};

/* The metrics text to the file and the endpoint; *keep (if wanted) gets the samples. */
void monitor_write_metrics(struct monitor *mon, struct prom **keep);
/* --textfile: the file goes with the monitor (node_exporter would serve it as current). */
void monitor_remove_textfile(const char *dir);

#endif
