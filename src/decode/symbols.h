/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_SYMBOLS_H
#define PROBEKIT_SYMBOLS_H

/*
 * Names of a field's values from the event's own print format
 * (__print_symbolic(REC->reason, { 2, "NO_SOCKET" }, ...)): right on every
 * kernel, with no table in probekit. Read once per event type.
 */
#include <stdint.h>

struct tep_event;

struct symbol {
	int64_t value;
	const char *name;	/* into libtraceevent's parsed format: lives as long as it */
};

struct symbols {
	struct symbol *v;	/* sorted by value */
	int n;
};

/* The table of field in ev's print format; empty if it has none. */
void symbols_of_field(struct tep_event *ev, const char *field, struct symbols *out);
/* The name of value, NULL if the table has none. */
const char *symbols_name(const struct symbols *s, int64_t value);
void symbols_free(struct symbols *s);

#endif
