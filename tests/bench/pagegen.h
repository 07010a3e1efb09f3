/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Ring-buffer sub-buffers as the kernel writes them to trace_pipe_raw
 * (64-bit): an 8-byte timestamp, an 8-byte commit (data size, plus a flag
 * for lost events), then events with a 32-bit header of type_len (5 bits)
 * and a time delta (27 bits); a time-extend event carries larger deltas.
 */
#ifndef PROBEKIT_PAGEGEN_H
#define PROBEKIT_PAGEGEN_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define PG_HDR 16
#define PG_MISSED_EVENTS (1ULL << 31)

struct pagegen {
	uint8_t *page;
	int size;
	int off;		/* write position in the page */
	uint64_t last_ts;
	FILE *out;		/* full pages go here */
	int pages;
};

static void pg_put32(struct pagegen *g, uint32_t v)
{
	memcpy(g->page + g->off, &v, 4);
	g->off += 4;
}

static void pg_flush(struct pagegen *g, int missed)
{
	uint64_t commit = (uint64_t)(g->off - PG_HDR) | (missed ? PG_MISSED_EVENTS : 0);

	if (g->off == PG_HDR)
		return;
	memcpy(g->page + 8, &commit, 8);
	fwrite(g->page, 1, g->size, g->out);
	g->pages++;
	memset(g->page, 0, g->size);
	g->off = PG_HDR;
}

/* Append one record (data, len bytes) stamped ts; a new page when full. */
static void pg_event(struct pagegen *g, const void *data, int len, uint64_t ts)
{
	int padded = (len + 3) & ~3, need = 4 + 8 + (padded > 112 ? 4 : 0) + padded;
	uint64_t delta;

	if (g->off + need > g->size)
		pg_flush(g, 0);
	if (g->off == PG_HDR) {	/* a page starts at its own timestamp */
		memcpy(g->page, &ts, 8);
		g->last_ts = ts;
	}
	delta = ts - g->last_ts;
	g->last_ts = ts;
	if (delta >= (1ULL << 27)) {	/* time extend: the rest of the delta */
		pg_put32(g, (uint32_t)((delta & ((1U << 27) - 1)) << 5) | 30);
		pg_put32(g, (uint32_t)(delta >> 27));
		delta = 0;
	}
	if (padded <= 112) {
		pg_put32(g, (uint32_t)(delta << 5) | (uint32_t)(padded / 4));
	} else {	/* type_len 0: the length (itself included) comes first */
		pg_put32(g, (uint32_t)(delta << 5));
		pg_put32(g, (uint32_t)padded + 4);
	}
	memcpy(g->page + g->off, data, len);
	g->off += padded;
}

#endif
