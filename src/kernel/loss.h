/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_LOSS_H
#define PROBEKIT_LOSS_H

/* Lost events, as the reader reports them at the end of a run: never silent. */
#include <stdbool.h>
#include <stdint.h>

/* Lost events of one CPU: page headers, and the ring buffer's own counters. */
struct cpu_loss {
	int cpu;
	uint64_t missed;	/* sum of counts in page headers */
	bool missed_unknown;	/* a page said "lost some" without a count */
	uint64_t overrun;	/* per_cpu/cpuN/stats, read at the end */
	uint64_t dropped;
};

struct loss_report {
	uint64_t total;		/* the larger of page headers and overrun, plus dropped */
	int n_cpus;
	struct cpu_loss *cpus;
};

/* One CPU's lost events: page headers and "overrun" count the same overwritten events. */
static inline uint64_t cpu_loss_total(const struct cpu_loss *l)
{
	return (l->missed > l->overrun ? l->missed : l->overrun) + l->dropped;
}

#endif
