/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_RECORD_H
#define PROBEKIT_RECORD_H

/*
 * The bottom of the pipeline: one decoded event as every later stage sees it.
 * Depends on nothing but util/hash.h, so analyses, enrichers and sinks need no planner.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/hash.h"

/* An address parameter or key: AF_INET or AF_INET6, network order, IPv4 in the first 4 bytes. */
struct inet_value {
	int family;
	uint8_t addr[16];
};

/* One field of one event; storage is preallocated per run. */
struct value {
	bool present;
	uint16_t family;	/* addresses: AF_INET / AF_INET6 */
	uint16_t port;		/* sockaddr: host order */
	uint64_t num;		/* integers; raw timestamps for time */
	uint8_t addr[16];	/* addresses, network order */
	const char *str;	/* strings: into the record, or an enricher's cache; NULL: unknown */
	int len;
};

/* A decoded event: valid until the next record (values are reused). */
struct record {
	int event;		/* index into recipe->events */
	uint64_t ts;		/* trace clock, ns */
	int cpu;
	bool bh_off;		/* in a task, bottom halves off: maybe a receive it only drove (a TUN write) */
	struct value *values;	/* recipe->n_fields slots, built-ins first */
	int n_values;
};

/* Address value from raw bytes: 4 (IPv4), 16 (IPv6, v4-mapped shown as IPv4), 28 (sockaddr). */
void value_set_addr(struct value *v, const uint8_t *raw, int size);
bool value_addr_equal(const struct value *v, const struct inet_value *a);
/* Same key: presence, number, address, port and string bytes (inline: every pair's group). */
static inline bool value_equal(const struct value *a, const struct value *b)
{
	if (a->present != b->present)
		return false;
	if (!a->present)
		return true;
	if (a->family != b->family || a->port != b->port || a->num != b->num || a->len != b->len)
		return false;
	if (a->family) {	/* a value without a family holds no address (its bytes are zero) */
		uint64_t x[2], y[2];

		memcpy(x, a->addr, 16);	/* two words, not a call to memcmp */
		memcpy(y, b->addr, 16);
		if (x[0] != y[0] || x[1] != y[1])
			return false;
	}
	return !a->str || !memcmp(a->str, b->str, a->len);
}

/*
 * Mix v into hash h. The value's words are multiplied by constants
 * independently (the CPU overlaps them) and mixed into h once: a chain of
 * four dependent mixes per value was a tenth of a run's time on group keys.
 * Strings byte-wise (see util/hash.h).
 */
static inline uint64_t value_hash(uint64_t h, const struct value *v)
{
	uint64_t a[2], w;

	if (!v->present)
		return hash_mix(h, 0);
	w = (1 | (uint64_t)v->family << 8 | (uint64_t)v->port << 24) * 0xff51afd7ed558ccdULL +
	    v->num * 0xc4ceb9fe1a85ec53ULL;
	if (v->family) {	/* an address: its 16 bytes; other values have none */
		memcpy(a, v->addr, sizeof(a));
		w += a[0] * 0x9e3779b97f4a7c15ULL + (a[1] ^ (a[1] >> 31)) * 0xd6e8feb86659fd93ULL;
	}
	h = hash_mix(h, w ^ (w >> 32));
	return v->str ? hash_bytes(h, v->str, v->len) : h;
}

#endif
