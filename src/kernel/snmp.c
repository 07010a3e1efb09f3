// SPDX-License-Identifier: GPL-2.0-or-later
/* Kernel MIB counters from /proc/net/snmp and /proc/net/netstat ("Tcp: names" / "Tcp: values"). */
#include <stdlib.h>
#include <string.h>

#include "kernel/snmp.h"
#include "util/util.h"

void snmp_take(struct snmp_snapshot *ss)
{
	ss->snmp = read_file("/proc/net/snmp", NULL);
	ss->netstat = read_file("/proc/net/netstat", NULL);
}

void snmp_free(struct snmp_snapshot *ss)
{
	free(ss->snmp);
	free(ss->netstat);
	ss->snmp = ss->netstat = NULL;
}

/* Field index of name in the header line, then the same index in the next line. */
static bool lookup(const char *text, const char *group, const char *name, uint64_t *out)
{
	size_t glen = strlen(group), nlen = strlen(name);

	for (const char *line = text; line && *line; ) {
		const char *next = strchr(line, '\n');
		int idx = 0;

		if (!strncmp(line, group, glen) && line[glen] == ':' && next) {
			for (const char *p = line + glen + 1; p < next; idx++) {
				p += strspn(p, " ");
				if (!strncmp(p, name, nlen) && strchr(" \n", p[nlen])) {
					const char *v = next + 1 + glen + 1;

					for (int k = 0; k < idx && v; k++) {
						v = strchr(v + strspn(v, " "), ' ');
					}
					if (!v)
						return false;
					*out = strtoull(v, NULL, 10);
					return true;
				}
				p += strcspn(p, " \n");
			}
			return false;
		}
		line = next ? next + 1 : NULL;
	}
	return false;
}

bool snmp_get(const struct snmp_snapshot *ss, const char *spec, uint64_t *out)
{
	const char *colon = strchr(spec, ':');
	char group[64];

	if (!colon || colon - spec >= (long)sizeof(group))
		return false;
	memcpy(group, spec, colon - spec);
	group[colon - spec] = '\0';
	return (ss->snmp && lookup(ss->snmp, group, colon + 1, out)) ||
	       (ss->netstat && lookup(ss->netstat, group, colon + 1, out));
}
