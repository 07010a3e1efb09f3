/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_DECODE_H
#define PROBEKIT_DECODE_H

#include "decode/symbols.h"
#include "record/record.h"
#include "recipe/recipe.h"

struct plan;
struct tep_handle;
struct tep_format_field;
struct tep_event_filter;

/*
 * Where a field lies in a record, copied from its tep format once: read per
 * record without following a pointer into libtraceevent's structures.
 */
struct field_at {
	int off, size;
	int end;		/* off + size; INT_MAX when the event has no such field */
	unsigned long flags;	/* TEP_FIELD_IS_* */
};

/* Field lookups of one chosen alternative, resolved once when tracing starts. */
struct map_rt {
	const struct field_map *map;
	int field;		/* map->field, its format and flags: read for each record, kept here */
	enum field_format fmt;
	bool inet, network_order, negative;
	struct tep_format_field *src, *family, *ipv4, *ipv6[2];
	struct tep_format_field *at_most;
	struct field_at src_at, family_at, ipv4_at, ipv6_at[2], at_most_at;
	struct symbols names;	/* symbolic fields: the print format's names of the values */
};

struct event_rt {
	int id;			/* tracefs event id (common_type) */
	int decl;		/* index into recipe->events */
	struct map_rt *maps;
	int n_maps;
	int n_read;		/* the first n_read maps are read: fields someone uses */
	int *clear;		/* the fields a record of it does not set: zeroed first */
	int n_clear;
	int next_same;		/* the next recipe event on the same tracefs event; -1 none */
	/* a tracepoint several recipe events share: this one's own filter, in user space */
	struct tep_event_filter *filter;
};

struct decoder {
	const struct recipe *recipe;
	struct tep_handle *tep;
	struct event_rt *events;
	int n_events;
	struct tep_format_field *common_type, *common_pid, *common_flags;
	struct field_at type_at, pid_at, flags_at;	/* their places, copied */
	struct record rec;	/* values: recipe->n_fields slots, reused for every record */
	int *first_of_id;	/* tracefs event id -> its first recipe event (-1 none): dispatch */
	int max_id;
};

/* Resolve every field of every chosen alternative; tep must hold all events. */
int decoder_init(struct decoder *d, const struct plan *p);
void decoder_free(struct decoder *d);
/*
 * Read only the fields needed[] of records of recipe event `event` (and the
 * fields of match clauses whose parameter is set: set them first): the run's
 * consumers said which.
 */
void decoder_only(struct decoder *d, int event, const bool *needed);

/*
 * Decode one raw record into d->rec for the next recipe event it belongs to,
 * from *at on (start at 0, then leave it to decode_next; a tracepoint several
 * recipe events share gives one record per event whose own filter matches). Returns d->rec, or NULL when no
 * further event takes it (another type, its filter or the recipe's match
 * clauses drop it).
 */
struct record *decode_next(struct decoder *d, void *data, int size, unsigned long long ts,
			   int cpu, int *at);
/* The first recipe event's record (a tracepoint of one recipe event). */
struct record *decode_record(struct decoder *d, void *data, int size, unsigned long long ts,
			     int cpu);

#endif
