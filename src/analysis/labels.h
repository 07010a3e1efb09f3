/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_LABELS_H
#define PROBEKIT_LABELS_H

/*
 * A monitor's events per label value (the remote address, the process):
 * the first `cap` values seen get a row of their own, kept for good; later
 * values are summed in an "other" row, and how many distinct values were
 * folded there is estimated by linear counting over a fixed bitmap. Memory
 * is fixed at init: ten thousand peers cost what ten do.
 */
#include <jansson.h>

#include "output/format.h"

#define LABEL_TEXT 24			/* a process name (16) with room */
#define LABEL_FOLD_BITS 4096

struct label_table {
	int field;			/* the record field labelled */
	const char *name;		/* the label's name: "raddr", "comm" */
	int cap, n, n_events;
	struct value *keys;		/* cap values; strings copied into text */
	char (*text)[LABEL_TEXT];
	uint64_t *counts;		/* (cap + 1) rows of n_events; row cap: "other" */
	int *slots;			/* open addressing: index into keys, -1 empty */
	int n_slots;			/* a power of two, at least 2 * cap */
	uint64_t fold_bits[LABEL_FOLD_BITS / 64];
	uint64_t folded_events;
};

void label_table_init(struct label_table *t, const char *name, int field, int cap, int n_events);
void label_table_add(struct label_table *t, const struct value *v, int event);
/* n events of one value at once (a kernel count histogram's row). */
void label_table_add_n(struct label_table *t, const struct value *v, int event, uint64_t n);
/* Distinct values folded into "other" (estimated; exact while few). */
double label_table_folded(const struct label_table *t);
/* {"label": name, "rows": [{"value": text, "per_event": {...}}...], "other": {...}, "folded": n} */
json_t *label_table_json(const struct label_table *t, const struct format_ctx *fc);
void label_table_free(struct label_table *t);

#endif
