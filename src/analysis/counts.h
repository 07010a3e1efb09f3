/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_COUNTS_H
#define PROBEKIT_COUNTS_H

/*
 * The counts analysis: events per recipe event and per group_by key, lost
 * events, and ratios of the kernel's MIB counters over the run. Configured
 * by the recipe's output.summary.
 */
#include "analysis/analysis.h"
#include "analysis/grouptab.h"
#include "analysis/labels.h"
#include "kernel/hist_delta.h"
#include "kernel/snmp.h"

struct snmp_ratio {
	char *title;
	char *numerator;	/* "Tcp:RetransSegs" */
	char *denominator;
	char *note;		/* printed under the ratio: how it relates to the events */
};

/* A group's payload: its count, and the sum of the summed field where present. */
struct count_payload {
	uint64_t count;
	uint64_t sum;
	uint64_t summed;	/* records that had the field */
};

struct counts_cfg {
	char *title;
	struct column *group_by;
	int n_group_by;
	char *sort;		/* "count" or a group_by field's name */
	int limit;
	struct snmp_ratio *ratios;
	int n_ratios;
	int sum_field;		/* output.summary.sum: totals of this field beside counts (0: none) */
	/* output.summary.more: further tables (title, group_by, sort, limit only) */
	struct counts_cfg *more;
	int n_more;
};

struct counts {
	const struct recipe *recipe;
	const struct counts_cfg *cfg;
	struct grouptab groups;	/* payload: uint64_t count */
	struct grouptab *more;	/* one per cfg->more */
	uint64_t total;
	struct count_payload all;	/* every listed record */
	uint64_t *per_event;
	struct snmp_snapshot snmp_start, snmp_end;
	/* events the kernel counted: those its histograms had no room for, histograms not read */
	bool kernel;
	uint64_t kernel_dropped;
	int kernel_unread;
	/* each histogram's rows as last read (two per counted event: the sign split) */
	struct hist_delta *kernel_read;
	bool stopped;	/* the kernel's last reading is in: the instance may be gone */
	/* monitor: listed events per remote address and per process (bounded) */
	struct label_table labels[2];
	int n_labels;
};

extern const struct analysis_ops counts_analysis;

/* output.summary (counts_recipe.c) */
bool counts_parse(struct schema *s, json_t *root);
void counts_free_cfg(void *cfg);

void counts_init(struct counts *c, const struct recipe *r, const struct counts_cfg *cfg);
void counts_add(struct counts *c, const struct value *vals, int event);
/* n events of one group at once (a kernel histogram's row). */
void counts_add_n(struct counts *c, const struct value *vals, int event, uint64_t n);
/*
 * Read the kernel's histograms of an event it counted (counts_kernel.c):
 * what their rows gained since the last reading (read: that event's pair of
 * hist_delta) is added. A monitor reads them at every metrics write, a run
 * once at the end. kernel_dropped is that of this reading: reset it first.
 */
void counts_read_kernel(struct counts *c, const struct kernel_counts *kc, struct hist_delta *read,
			int n_fields);
/* Groups sorted as the recipe says; caller frees the array (not the groups). */
struct group **counts_sorted(const struct counts *c, size_t *n);
/* The same for table k of output.summary.more. */
struct group **counts_sorted_more(const struct counts *c, int k, size_t *n);
uint64_t group_count(const struct group *g);
void counts_free(struct counts *c);

#endif
