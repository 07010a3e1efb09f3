/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_ANALYSIS_H
#define PROBEKIT_ANALYSIS_H

/*
 * What a run computes from its records: listing events, counting them,
 * pairing them into latencies. Each analysis is one struct analysis_ops (as
 * rtla's tool_ops): it parses its own recipe section into its own settings,
 * is fed every record, and reports through the sink. A new one is one file
 * and one line in engine/registry.c.
 */
#include <stdio.h>
#include <jansson.h>

#include "kernel/hist.h"
#include "kernel/loss.h"
#include "output/sink.h"
#include "recipe/schema.h"

/* Options of the run command that analyses may take (-t, -i, -g). */
struct analysis_opts {
	bool threshold;		/* -t given: print pairs at least threshold_ns slow */
	uint64_t threshold_ns;
	uint64_t interval_ns;	/* -i */
	char **groups;		/* -g, NULL-terminated */
	const char *role;	/* --role: server or client */
	bool explain;		/* --explain: follow slow pairs with where the wait went */
	int label_series;	/* monitor: events per remote address and per process, at most this many values each (0: none) */
};

/* What the report needs to know of the run. */
struct run_info {
	double seconds;			/* traced time */
	const struct loss_report *loss;
	/* the overhead guard (--max-cpu, percent of one CPU; 0: none): pauses of tracing */
	double max_cpu, max_cpu_seen, paused_seconds;
	int pauses;
};

struct analysis {
	const struct analysis_ops *ops;
	const struct recipe *recipe;
	void *cfg;			/* this analysis's settings, parsed from the recipe */
	struct sink *sink;
	const struct analysis_opts *opts;
	void *state;
	bool off;			/* init decided this run does not need it */
	bool prints_records;		/* event or pair lines: the sink shows a column header */
	/* set before start: the kernel pairs this latency (hist triggers), no records come */
	const struct kernel_pairs *kernel;
	/* set before start: events the kernel counts for it (their records do not come) */
	const struct kernel_counts **kernel_counts;
	int n_kernel_counts;
};

struct analysis_ops {
	const char *name;
	/* Its lines stand for the events it is made of: the event listing steps aside. */
	bool replaces_listing;
	/* The run options it takes, as their letters: t (-t), i (-i), g (-g), r (--role). */
	const char *run_options;
	/*
	 * Called once per recipe load, with the recipe's root object: parse the
	 * analysis's own section (if present) and add declarations with
	 * recipe_add_analysis(). False after a schema_error.
	 */
	bool (*parse)(struct schema *s, json_t *root);
	/* Does this declaration explain its slow items with --explain (an "explain" object)? */
	bool (*explains)(const void *cfg);
	/* Top-level recipe key of its section, if any (for the unknown-key check). */
	const char *section;
	/* One line for plan and show: what it computes, with its settings. */
	void (*describe)(const void *cfg, const struct recipe *r, FILE *f);
	void (*free_cfg)(void *cfg);
	/*
	 * After init: the fields it reads of records of recipe event `event`
	 * (sets fields[i]); the decoder reads no others. NULL: every field.
	 */
	void (*uses)(const struct analysis *a, int event, bool *fields);
	/* Before tracing: settle options (PK_ERR_USAGE after a message) or set a->off. */
	int (*init)(struct analysis *a);
	void (*start)(struct analysis *a);		/* tracing is on (not for replayed pages) */
	void (*feed)(struct analysis *a, struct record *rec);
	void (*lost)(struct analysis *a);		/* events were lost */
	void (*tick)(struct analysis *a, double seconds);	/* -i interval ended */
	void (*stop)(struct analysis *a);		/* tracing is off, before the teardown (idem) */
	void (*report)(struct analysis *a, const struct run_info *info);
	/*
	 * Optional: the report's view of the state so far, to sink s, changing
	 * nothing (the monitor's metrics, while tracing goes on). Without it the
	 * analysis has no metrics.
	 */
	void (*snapshot)(struct analysis *a, const struct run_info *info, struct sink *s);
	void (*free)(struct analysis *a);
};

/* Does the recipe declare an analysis of these ops? */
bool recipe_has_analysis(const struct recipe *r, const struct analysis_ops *ops);
/* Does an analysis of the recipe take this run option (a letter of run_options)? */
bool recipe_takes_option(const struct recipe *r, char letter);
/* -g: the run's own grouping columns (none: *n = 0); PK_ERR_USAGE after a message. */
int analysis_group_option(const struct analysis *a, struct column **cols, int *n);
void analysis_group_option_free(struct column *cols, int n);
/* Does an analysis of the recipe explain its slow items (run --explain)? */
bool recipe_explains(const struct recipe *r);
/* The settings of its first analysis of these ops, NULL if none. */
void *recipe_analysis_cfg(const struct recipe *r, const struct analysis_ops *ops);

/* Key k of a kernel histogram's row as the value of recipe field `field` (comm: the task's name). */
void kernel_row_value(const struct hist_row *row, int k, int field, struct value *v);

#endif
