/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_ATTEMPTS_H
#define PROBEKIT_ATTEMPTS_H

/*
 * The attempts analysis (probekit-recipe(5), ATTEMPTS): something that starts
 * with one event and ends with one of several outcomes, per key (a connect:
 * SYN sent, then established, refused, timed out or closed). Events in
 * between are counted (SYN retransmissions) or mark the attempt (a reset
 * received). attempts_recipe.c parses the "attempts" section,
 * attempts_table.c holds the attempts under way, attempts_analysis.c runs and
 * reports.
 */
#include "analysis/analysis.h"
#include "analysis/grouptab.h"
#include "analysis/stats.h"

#define ATT_KEY_MAX 4
#define ATT_OUTCOMES_MAX 8
#define ATT_STR_LEN 32		/* bytes of a string field kept from the start (comm: 16) */

enum att_context { ATT_ANY, ATT_PROCESS, ATT_INTERRUPT };

/* An outcome: the first whose conditions hold when an end event arrives. */
struct att_outcome {
	char *result;		/* its name: established, refused ... */
	int end;		/* event index */
	int after;		/* only if this event was seen in the attempt (-1: any) */
	enum att_context context;	/* only if the end event ran in this context */
};

struct attempts_decl {
	char *name;
	char *title;
	int start;		/* event index */
	int key[ATT_KEY_MAX];	/* field indices */
	int n_key;
	int count_event;	/* events counted per attempt (-1: none) ... */
	int count_field;	/* ... into this field */
	int result_field;	/* the outcome's name goes here (a string field) */
	struct att_outcome outcomes[ATT_OUTCOMES_MAX];
	int n_outcomes;
	uint64_t timeout_ns;	/* attempts with no outcome after this are dropped */
	int max_pending;
	struct column *group_by;
	int n_group_by;
};

extern const struct analysis_ops attempts_analysis;

bool attempts_parse(struct schema *s, json_t *root);
void attempts_describe(const void *cfg, const struct recipe *r, FILE *f);
void attempts_free_cfg(void *cfg);

/* One attempt under way: pool slots linked by index (0: none). */
struct attempt {
	uint64_t hash;
	uint64_t ts;
	uint32_t next;		/* hash chain, or the free list */
	uint32_t older, newer;	/* age list, oldest first */
	uint32_t count;
	uint32_t marks;		/* bit k: the event of outcome k's "after" was seen */
	bool used;
	struct value key[ATT_KEY_MAX];
};

struct att_counters {
	uint64_t starts, restarts, ended, timeouts, evictions, invalidated;
};

struct att_table {
	const struct attempts_decl *d;
	int n_fields;
	struct attempt *pool;	/* max_pending + 1, slot 0 unused */
	struct value *snap;	/* per slot: the start record's values ... */
	char (*strs)[ATT_STR_LEN];	/* ... and its strings, n_fields per slot */
	uint32_t *buckets;
	uint32_t nbuckets;
	uint32_t free_list, oldest, newest, n_pending;
	uint32_t high_water, n_slots;	/* slots above high_water were never used */
	struct att_counters c;
};

void att_table_init(struct att_table *t, const struct attempts_decl *d, int n_fields);
void att_table_free(struct att_table *t);
/* Does the record have every key field? (Absent keys would all be one attempt.) */
bool att_has_key(const struct att_table *t, const struct value *vals);
/* The attempt of this record's key, or 0. */
uint32_t att_find(const struct att_table *t, const struct value *vals);
/* A new attempt from a start record (an old one of the same key is replaced). */
uint32_t att_start(struct att_table *t, const struct value *vals, uint64_t ts);
void att_remove(struct att_table *t, uint32_t i);
/* Drop attempts older than the timeout at time now. */
void att_expire(struct att_table *t, uint64_t now);
/* Events were lost: every attempt under way may have lost its end. */
void att_invalidate(struct att_table *t);
/* The start record's values of attempt i. */
struct value *att_snapshot(const struct att_table *t, uint32_t i);

#endif
