/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_DECODE_H
#define PROBEKIT_DECODE_H

#include "plan/plan.h"

struct tep_format_field;

/* One decoded field of one event; storage is preallocated per run. */
struct value {
	bool present;
	uint16_t family;	/* addresses: AF_INET / AF_INET6 */
	uint16_t port;		/* sockaddr: host order */
	uint64_t num;		/* integers; raw timestamps for time */
	uint8_t addr[16];	/* addresses, network order */
	const char *str;	/* strings: points into the record */
	int len;
};

/* Field lookups of one chosen alternative, resolved once when tracing starts. */
struct map_rt {
	const struct field_map *map;
	struct tep_format_field *src, *family, *ipv4, *ipv6[2];
};

struct event_rt {
	int id;			/* tracefs event id (common_type) */
	int decl;		/* index into recipe->events */
	struct map_rt *maps;
	int n_maps;
};

struct decoder {
	const struct recipe *recipe;
	struct tep_handle *tep;
	struct event_rt *events;
	int n_events;
	struct tep_format_field *common_type, *common_pid, *common_flags;
	struct value *values;	/* recipe->n_fields slots, reused for every record */
};

/* Resolve every field of every chosen alternative; tep must hold all events. */
int decoder_init(struct decoder *d, const struct plan *p);
void decoder_free(struct decoder *d);

/*
 * Decode one raw record into d->values. Returns the event_rt, or NULL for a
 * record of another type or one the recipe's match clauses drop.
 */
const struct event_rt *decode_record(struct decoder *d, void *data, int size,
				     unsigned long long ts, int cpu);

/* Address value from raw bytes: 4 (IPv4), 16 (IPv6, v4-mapped shown as IPv4), 28 (sockaddr). */
void value_set_addr(struct value *v, const uint8_t *raw, int size);
bool value_addr_equal(const struct value *v, const struct inet_value *a);

#endif
