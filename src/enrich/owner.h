/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_OWNER_H
#define PROBEKIT_OWNER_H

/*
 * Socket owners: the process that owns the socket an event is about,
 * whatever context the event fired in (timers and softirqs run on behalf of
 * nobody). Learned from the recipe's events that run in the owner's process
 * (sends, reads, connects), else from the kernel's socket table of every
 * network namespace joined with /proc/PID/fd (kernel/sockets.h), cached,
 * bounded, and refreshed only when an unknown socket appears. The record's
 * pid and comm become the owner's; the built-in field owner says where the
 * owner came from.
 *
 * The recipe says which fields identify a socket:
 *	"owner": { "socket": "sk", "local": "laddr:lport", "remote": "raddr:rport" }
 */
#include <stdio.h>
#include <jansson.h>

#include "enrich/enrich.h"

struct owner_cfg {
	int socket;			/* the socket's address (skaddr), -1: none */
	struct column local, remote;	/* address:port, field -1: none */
};

/* Where an event's owner came from: the owner field's value. */
enum owner_source {
	OWNER_NONE,	/* not an event about a socket */
	OWNER_CONTEXT,	/* the event ran in the owner's process */
	OWNER_EARLIER,	/* an earlier event of the socket did */
	OWNER_TABLE,	/* the socket table and /proc: one process holds it */
	OWNER_SHARED,	/* the same, held by several (a forked server): one named */
	OWNER_LISTENER,	/* the same, of its listener: a connection not yet accept()ed */
	OWNER_UNKNOWN,
	OWNER_NR_SOURCES
};

extern const char *const owner_source_names[OWNER_NR_SOURCES];

struct schema;
bool owner_parse(struct schema *s, json_t *root);
/* One line for plan and show. */
void owner_describe(const struct owner_cfg *c, const struct recipe *r, FILE *f);

extern const struct enricher_ops owner_enricher;

#endif
