/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_LISTENERS_H
#define PROBEKIT_LISTENERS_H

/*
 * The listening TCP sockets of every network namespace some process is in
 * (/proc/PID/net/tcp and tcp6, once per namespace): which local ports are
 * servers' when a run begins.
 */
#include <stdbool.h>
#include <stdint.h>

struct listener {
	uint16_t family;	/* AF_INET, AF_INET6 */
	uint16_t port;
	uint8_t addr[16];	/* network order; all zero: any address */
};

struct listeners {
	struct listener *v;
	int n, cap;
	int namespaces;		/* how many were read */
};

/* Read them all; proc is "/proc" (tests may point elsewhere). False: none could be read. */
bool listeners_read(struct listeners *l, const char *proc);
void listeners_add(struct listeners *l, const struct listener *x);
/* Does a socket listen on this local address and port (or on any address and this port)? */
bool listeners_match(const struct listeners *l, uint16_t family, const uint8_t *addr, uint16_t port);
/* One /proc/net/tcp[6] text: its LISTEN lines are added. */
void listeners_parse(struct listeners *l, const char *text, bool ipv6);
void listeners_free(struct listeners *l);

#endif
