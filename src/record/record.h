/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_RECORD_H
#define PROBEKIT_RECORD_H

/*
 * The bottom of the pipeline: one decoded event as every later stage sees it.
 * Depends on nothing, so analyses, enrichers and sinks need no planner.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
	struct value *values;	/* recipe->n_fields slots, built-ins first */
	int n_values;
};

/* Address value from raw bytes: 4 (IPv4), 16 (IPv6, v4-mapped shown as IPv4), 28 (sockaddr). */
void value_set_addr(struct value *v, const uint8_t *raw, int size);
bool value_addr_equal(const struct value *v, const struct inet_value *a);
/* Same key: presence, number, address, port and string bytes. */
bool value_equal(const struct value *a, const struct value *b);
/* Mix v into hash h: word at a time, strings byte-wise (see util/hash.h). */
uint64_t value_hash(uint64_t h, const struct value *v);

#endif
