// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Events the kernel counted (plan/kcount.c): each histogram's rows into the
 * same groups as records counted in user space. A row is a group and its
 * count; a key the kernel needed alone (fields -1) is skipped, and the sign
 * split's non-negative side has no errno (absent, as a success is).
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/counts.h"

struct count_reading {
	struct counts *c;
	const struct kernel_count_hist *h;
	struct hist_delta *read;
	int event;
	struct value *vals;
	int n_fields;
};

static void count_row(void *ctx, const struct hist_row *row)
{
	struct count_reading *rd = ctx;
	const struct kernel_count_hist *h = rd->h;
	uint64_t gained;

	if (row->n_keys != h->n_keys || !(gained = hist_delta_take(rd->read, row)))
		return;
	memset(rd->vals, 0, rd->n_fields * sizeof(*rd->vals));
	for (int k = 0; k < h->n_keys; k++)
		if (h->fields[k] >= 0)
			kernel_row_value(row, k, h->fields[k], &rd->vals[h->fields[k]]);
	counts_add_n(rd->c, rd->vals, rd->event, gained);
	/* a monitor's per-process (per-address) series, where the histogram keys by it */
	for (int i = 0; i < rd->c->n_labels; i++)
		for (int k = 0; k < h->n_keys; k++)
			if (h->fields[k] == rd->c->labels[i].field &&
			    !rd->c->recipe->events[rd->event].unlisted)
				label_table_add_n(&rd->c->labels[i], &rd->vals[h->fields[k]], rd->event,
						  gained);
}

void counts_read_kernel(struct counts *c, const struct kernel_counts *kc, struct hist_delta *read,
			int n_fields)
{
	struct count_reading rd = { c, NULL, NULL, kc->event_index,
				    xcalloc(n_fields, sizeof(struct value)), n_fields };
	struct hist_totals t;

	for (int i = 0; i < kc->n_hists; i++) {
		rd.h = &kc->hists[i];
		rd.read = &read[i];
		if (hist_read(kc->inst, kc->system, kc->event, rd.h->keys, count_row, &rd, &t))
			c->kernel_dropped += t.dropped;
		else
			c->kernel_unread++;
	}
	free(rd.vals);
}
