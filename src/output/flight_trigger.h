/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_FLIGHT_TRIGGER_H
#define PROBEKIT_FLIGHT_TRIGGER_H

/*
 * When the flight recorder keeps a capture (--trigger), one of:
 *
 *	RECIPE [FIELD] > DURATION       a pair or request of the recipe's analysis
 *	                                whose FIELD (default: total if the recipe
 *	                                has it, else the pair's latency)
 *	                                is over DURATION ("tcp-reqresp total > 200ms")
 *	RECIPE:EVENT [FIELD=VALUE...]   any such event ("tcp-resets:sent lport=3306")
 *	RECIPE:EVENT [FIELD=VALUE...] > N/DURATION
 *	                                more than N such events within DURATION
 *
 * VALUE is compared with the field's text as `run` prints it.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "output/format.h"

#define TRIGGER_MAX_CONDS 8
#define TRIGGER_MAX_COUNT 100000

struct trigger_cond {
	int field;
	char *text;
};

struct flight_trigger {
	char *text;		/* as given (validated: printable, one line) */
	int recipe;		/* index in the set */
	int event;		/* -1: the analyses' pairs and requests */
	int field;		/* pairs: the field compared */
	uint64_t over_ns;	/* pairs: fires above this */
	struct trigger_cond cond[TRIGGER_MAX_CONDS];
	int n_cond;
	uint64_t count, window_ns;	/* events: more than count within window (0: any one) */
	uint64_t *times;	/* the last count+1 matching events' times, a ring */
	uint64_t n_times;
	uint64_t fired;		/* times it fired */
};

/* Parse one --trigger against the set's recipes; false after a one-line message. */
bool flight_trigger_parse(struct flight_trigger *t, const char *text,
			  const struct recipe *const *recipes, int n);
void flight_trigger_free(struct flight_trigger *t);
/* What fires it, in one line for people (monitor --plan). */
void flight_trigger_describe(const struct flight_trigger *t, const struct recipe *const *recipes,
			     FILE *out);
/*
 * Does this record fire t? type: "event" for an observed event, else a
 * pair's or request's line. fc formats the values the conditions compare.
 */
bool flight_trigger_match(struct flight_trigger *t, const struct format_ctx *fc, int recipe,
			  const struct record *rec, bool is_event);

#endif
