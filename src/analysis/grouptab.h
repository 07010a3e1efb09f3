/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_GROUPTAB_H
#define PROBEKIT_GROUPTAB_H

#include "record/record.h"
#include "recipe/recipe.h"

/* Key values of one group, copied out of the record (strings included). */
struct group {
	uint64_t hash;
	struct value *vals;	/* n_cols * 2: field, port field */
	char (*strs)[64];	/* copies of its string keys; NULL if none */
	void *payload;		/* payload_size bytes, zeroed; the start of the group's one allocation */
};

/*
 * Groups keyed by columns' values. Allocates per new group only, and at most
 * GROUPTAB_MAX groups: records of further keys go to one overflow group whose
 * keys are absent (shown as -), and are counted, so a flood of flows cannot
 * grow memory without bound.
 */
#define GROUPTAB_MAX 4096

struct grouptab {
	const struct column *cols;
	int n_cols;
	int *key_fields;	/* n_cols * 2: column k/2's field (k even) or port field (k odd), -1 none */
	size_t payload_size;
	struct group *slots;	/* open addressing */
	size_t cap, used;
	struct group overflow;	/* vals NULL until the first record beyond the cap */
	uint64_t overflowed;	/* records that went to it */
};

void grouptab_init(struct grouptab *t, const struct column *cols, int n_cols, size_t payload_size);
/* The payload of the group vals belongs to, created if new. */
void *grouptab_get(struct grouptab *t, const struct value *vals);
/* All groups, in table order (the overflow group last); caller frees the array. */
struct group **grouptab_list(const struct grouptab *t, size_t *n);
void grouptab_free(struct grouptab *t, void (*free_payload)(void *));

#endif
