/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_SUMMARY_H
#define PROBEKIT_SUMMARY_H

#include "analysis/grouptab.h"

/* Counts per group_by key, and per event. Allocates per new group only. */
struct summary {
	const struct recipe *recipe;
	struct grouptab groups;	/* payload: uint64_t count */
	uint64_t total;
	uint64_t *per_event;
};

void summary_init(struct summary *s, const struct recipe *r);
void summary_add(struct summary *s, const struct value *vals, int event);
/* Groups sorted as the recipe says; caller frees the array (not the groups). */
struct group **summary_sorted(const struct summary *s, size_t *n);
uint64_t group_count(const struct group *g);
void summary_free(struct summary *s);

/* /proc/net/snmp and /proc/net/netstat of this network namespace. */
struct snmp_snapshot {
	char *snmp;
	char *netstat;
};
void snmp_take(struct snmp_snapshot *ss);
/* "Tcp:RetransSegs" -> value; false when the counter does not exist */
bool snmp_get(const struct snmp_snapshot *ss, const char *name, uint64_t *out);
void snmp_free(struct snmp_snapshot *ss);

#endif
