/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_FLIGHT_RING_H
#define PROBEKIT_FLIGHT_RING_H

/*
 * The flight recorder's memory: the last events as NDJSON lines, each with
 * its time and recipe, in one preallocated byte ring. A line that does not
 * fit pushes out the oldest; nothing is allocated per event.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct flight_ring {
	uint8_t *buf;
	size_t cap;
	size_t head, tail;	/* oldest entry; where the next one goes */
	size_t wrap;		/* wrapped (tail <= head): where the upper part's entries end */
	uint64_t count;
	uint64_t evicted;	/* pushed out for room (not by age) */
	uint64_t evicted_ts;	/* the newest of them */
	uint64_t too_big;	/* lines larger than the ring */
};

/* What a reader of the ring sees of one entry. */
struct flight_entry {
	uint64_t ts;
	int recipe;
	const char *line;
	uint32_t len;
};

void flight_ring_init(struct flight_ring *r, size_t bytes);
void flight_ring_free(struct flight_ring *r);
/* Append a line; the oldest entries make room. False: larger than the whole ring. */
bool flight_ring_push(struct flight_ring *r, uint64_t ts, int recipe, const char *line,
		      uint32_t len);
/* Forget entries, oldest first, while their time is before ts. */
void flight_ring_trim(struct flight_ring *r, uint64_t ts);
/* The oldest entry's time (the ring is not empty). */
uint64_t flight_ring_oldest(const struct flight_ring *r);
/* Iteration, oldest first: *pos = 0 to start; false at the end. */
bool flight_ring_next(const struct flight_ring *r, uint64_t *pos, size_t *off,
		      struct flight_entry *out);

#endif
