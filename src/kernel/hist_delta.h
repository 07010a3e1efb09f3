/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_HIST_DELTA_H
#define PROBEKIT_HIST_DELTA_H

/*
 * What each row of a histogram gained since the last reading. A row's hits
 * only grow while its trigger lives, so a monitor that reads a count
 * histogram whole at every metrics write adds only the difference to its
 * counts. Rows are told apart by their numeric keys (an execname key is its
 * pid: the name is the one the row was made with). Memory grows with the
 * histogram's rows, which the kernel bounds (the trigger's size).
 */
#include <stddef.h>
#include <stdint.h>

#include "kernel/hist.h"

struct hist_delta_row {
	uint64_t keys[HIST_MAX_KEYS];
	uint64_t hits;
	int n_keys;	/* 0: a free slot */
};

struct hist_delta {
	struct hist_delta_row *slots;	/* open addressing, a power of two */
	size_t cap, used;
};

/* The row's hits not taken before (all of them the first time); remembers them. */
uint64_t hist_delta_take(struct hist_delta *d, const struct hist_row *row);
void hist_delta_free(struct hist_delta *d);

#endif
