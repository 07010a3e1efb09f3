/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_LATENCY_H
#define PROBEKIT_LATENCY_H

/*
 * The latency analysis: time from one event to another with the same key
 * (see probekit-recipe(5), LATENCY). latency.c pairs, latency_recipe.c
 * parses the recipe's "latency" section, latency_analysis.c runs and reports.
 */
#include "analysis/analysis.h"
#include "analysis/grouptab.h"
#include "analysis/stats.h"

enum start_policy { START_FIRST, START_LAST };

/* One entry of the recipe's "latency" array. */
struct latency_decl {
	char *name;
	char *title;
	int from, to;		/* event indices */
	int more_from[3];	/* further start events (a task made runnable by a wake-up or a preemption) */
	int n_more_from;
	int key[4];		/* field indices */
	int n_key;
	enum start_policy start;	/* several starts before an end: which one counts */
	bool consume;		/* an end removes its start */
	uint64_t timeout_ns;	/* unmatched starts older than this are dropped */
	int max_pending;	/* bound on pending keys; the oldest is evicted */
	struct column *group_by;
	int n_group_by;
	/*
	 * A distribution ("distribution" section): no pairs, every record of
	 * `from` is a sample of this field, (value >> value_shift) * value_unit_ns
	 * nanoseconds, also written to into_field. 0 (the built-in time, never a
	 * value): none, a pair latency.
	 */
	int value_field;
	int value_shift;
	uint64_t value_unit_ns;
	int into_field;
	struct explain_decl *explain;	/* "explain": what run --explain traces, or NULL */
};

extern const struct analysis_ops latency_analysis, distribution_analysis;

/* Is event one of d's start events? */
static inline bool latency_is_start(const struct latency_decl *d, int event)
{
	if (event == d->from)
		return true;
	for (int i = 0; i < d->n_more_from; i++)
		if (event == d->more_from[i])
			return true;
	return false;
}

/* latency_recipe.c: the "latency" section, and the one-line description. */
bool latency_parse(struct schema *s, json_t *root);
/* A section that is an array of declarations, each parsed by one() and declared as ops. */
bool latency_parse_array(struct schema *s, json_t *root, const char *key,
			 const struct analysis_ops *ops,
			 bool (*one)(struct schema *s, const char *path, json_t *obj,
				     struct latency_decl *d));
void latency_describe(const void *cfg, const struct recipe *r, FILE *f);
void latency_free_cfg(void *cfg);
/* Does this latency explain its slow pairs (an "explain" object)? */
bool latency_explains(const void *cfg);
/* distribution_recipe.c: the "distribution" section (the same runtime, samples instead of pairs). */
bool distribution_parse(struct schema *s, json_t *root);
void distribution_describe(const void *cfg, const struct recipe *r, FILE *f);

#define LAT_KEY_MAX 112

/* A start waiting for its end; pool slots, linked by index (0: none). */
struct pending {
	uint64_t hash;
	uint64_t ts;
	uint32_t next;		/* hash chain */
	uint32_t older, newer;	/* age list: oldest first, for timeouts and eviction */
	uint16_t keylen;
	bool used;
	uint8_t key[LAT_KEY_MAX];
};

struct lat_counters {
	uint64_t pairs;
	uint64_t starts;
	uint64_t restarts;	/* a start while one was pending (kept or replaced per policy) */
	uint64_t unmatched_ends;
	uint64_t timeouts;	/* starts dropped after the timeout */
	uint64_t evictions;	/* starts dropped because max_pending was reached */
	uint64_t invalidated;	/* starts dropped because events were lost */
	uint64_t negative;	/* an end stamped before its start (clock trouble) */
	uint64_t dropped;	/* paired in the kernel: pairs its histogram had no room for */
};

/*
 * Per group: the whole run, and with -i the current interval (and, paired in
 * the kernel, the run's statistics at the last interval: the interval is the
 * difference).
 */
struct lat_group_stats {
	struct stats all, interval, before;
};

struct latency {
	const struct latency_decl *d;
	struct pending *pool;	/* d->max_pending + 1 slots, slot 0 unused */
	uint32_t *buckets;
	uint32_t nbuckets;	/* power of two */
	uint32_t free_list;	/* chained through next */
	uint32_t high_water;	/* slots above it were never used */
	uint32_t oldest, newest;
	uint32_t n_pending;
	struct stats all, interval, before;
	bool intervals;		/* -i: interval statistics are kept (else only the run's) */
	const struct kernel_pairs *kernel;	/* paired in the kernel: read at the end */
	struct lat_counters c;
	struct grouptab groups;	/* payload: struct lat_group_stats */
};

/* intervals (-i): keep each interval's statistics too (a group's payload grows by them). */
void latency_init(struct latency *l, const struct latency_decl *d, bool intervals);
void latency_free(struct latency *l);

/*
 * Feed one decoded record of recipe event `event`. When it ends a pair,
 * returns the latency in ns (and sets vals[FIELD_LATENCY]); else -1.
 */
int64_t latency_feed(struct latency *l, int event, struct value *vals, uint64_t ts);
/* The statistics of the group vals belong to, made (at the groups' resolution) if new. */
struct lat_group_stats *latency_group(struct latency *l, const struct value *vals);
/* latency_kernel.c: the kernel's histograms of a latency it paired, as this run's statistics. */
void latency_read_kernel(struct latency *l, const struct kernel_pairs *kp, int n_fields);
/* -i, paired in the kernel: read it, and the interval is what came since the last read. */
void latency_read_kernel_interval(struct latency *l, const struct kernel_pairs *kp, int n_fields);
/* Events were lost: any pending start may have lost its end. */
void latency_invalidate(struct latency *l);
/* Start a new interval: interval stats go back to zero. */
void latency_interval_reset(struct latency *l);

#endif
