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
	int n_groups;
	int *group_fields;		/* recipe field of each group key, in order */
	unsigned bucket_ns;		/* lat.buckets: the resolution of the histogram */
};

struct hist_totals {
	uint64_t hits, entries, dropped;
};

/* A row: its keys as numbers in the trigger's order (a bucket: its lower bound), and its count. */
typedef void (*hist_row_fn)(void *ctx, const uint64_t *keys, int n_keys, uint64_t hits);

/*
 * Parse a hist file's text whose rows have n_keys numeric keys (at most 8):
 * rows go to fn, the totals to *t. False when it is not such a hist (a row
 * with other keys, or no totals).
 */
bool hist_parse(const char *text, int n_keys, hist_row_fn fn, void *ctx, struct hist_totals *t);
/* Read and parse events/SYSTEM/EVENT/hist of the instance; false after a warning. */
bool hist_read(struct tracefs_instance *inst, const char *system, const char *event, int n_keys,
	       hist_row_fn fn, void *ctx, struct hist_totals *t);

#define HIST_MAX_KEYS 8

#endif
