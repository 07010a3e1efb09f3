/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_SNMP_H
#define PROBEKIT_SNMP_H

/* The kernel's MIB counters: /proc/net/snmp and /proc/net/netstat of this network namespace. */
#include <stdbool.h>
#include <stdint.h>

struct snmp_snapshot {
	char *snmp;
	char *netstat;
};

void snmp_take(struct snmp_snapshot *ss);
/* "Tcp:RetransSegs" -> value; false when the counter does not exist */
bool snmp_get(const struct snmp_snapshot *ss, const char *name, uint64_t *out);
void snmp_free(struct snmp_snapshot *ss);

#endif
