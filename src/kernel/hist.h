/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_HIST_H
#define PROBEKIT_HIST_H

/*
 * Latencies the kernel pairs (hist triggers and a synthetic event): what an
 * analysis needs to read them, and the parser of a hist file's text (the
 * kernel offers no other form).
 */
#include <stdbool.h>
#include <stdint.h>

struct tracefs_instance;

/* One latency paired in the kernel, as the session set it up. */
struct kernel_pairs {
	struct tracefs_instance *inst;	/* the run's instance (set by the session) */
	char *synth;			/* synthetic event: fields lat (ns), then the groups */
	const char *start_system, *start_event, *end_system, *end_event;
	/* the hist triggers' keys as written: which histogram of the event is ours */
	const char *start_keys, *end_keys;
	char *synth_keys;
	int n_groups;
	int *group_fields;		/* recipe field of each group key, in order (comm: execname) */
	unsigned bucket_ns;		/* lat.buckets: the resolution of the histogram */
};

/* One histogram of an event the kernel counts: its keys and the recipe field of each. */
struct kernel_count_hist {
	const char *keys;		/* as written in the trigger */
	int n_keys;
	int fields[3];			/* recipe field of key k; -1: a key only the kernel needs */
	int absent;			/* a field its rows do not have (the sign split's other side), or -1 */
};

/* An event the kernel counts per group instead of writing its records (session-made). */
struct kernel_counts {
	struct tracefs_instance *inst;	/* the run's instance (set by the session) */
	const char *system, *event;
	int event_index;		/* recipe event */
	int n_hists;			/* 1, or 2 split by an errno field's sign */
	struct kernel_count_hist hists[2];
};

struct hist_totals {
	uint64_t hits, entries, dropped;
};

#define HIST_MAX_KEYS 8
#define HIST_NAME_MAX 63	/* a task's name (16 bytes today; longer ones are cut) */

/*
 * A row: its keys as numbers in the trigger's order (a bucket: its lower
 * bound; an execname key: the pid, and the task's name as the kernel saved it
 * when the row was made), and its count.
 */
struct hist_row {
	int n_keys;
	uint64_t keys[HIST_MAX_KEYS];
	char names[HIST_MAX_KEYS][HIST_NAME_MAX + 1];
	uint8_t name_len[HIST_MAX_KEYS];
	uint64_t hits;
};

typedef void (*hist_row_fn)(void *ctx, const struct hist_row *row);

/* The keys of a histogram: how many, and which are execname keys (bit k: key k). */
struct hist_shape {
	int n_keys;
	unsigned execname;
};

/*
 * Parse a hist file's text: of its histograms (one per hist trigger of the
 * event), the one whose trigger has these keys, as written in the trigger
 * ("common_pid.execname,g0,lat.buckets=1000"; at most 8): its rows go to fn,
 * its totals to *t. A key "X.execname" is a pid with the task's name (any
 * bytes, a newline too). False when there is no such histogram or its text is
 * not as the kernel prints it.
 */
bool hist_parse(const char *text, const char *keys, hist_row_fn fn, void *ctx, struct hist_totals *t);
/* Read and parse events/SYSTEM/EVENT/hist of the instance; false after a warning. */
bool hist_read(struct tracefs_instance *inst, const char *system, const char *event,
	       const char *keys, hist_row_fn fn, void *ctx, struct hist_totals *t);

#endif
