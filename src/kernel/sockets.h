/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_SOCKETS_H
#define PROBEKIT_SOCKETS_H

/*
 * The kernel's TCP sockets, as `ss -tanp` sees them: every network namespace
 * a process is in, dumped through sock_diag netlink (libnl), and which
 * process holds each socket, from /proc/PID/fd. Slow (a walk of every
 * process's fds): callers cache and rate-limit.
 */
#include <stdbool.h>
#include <stdint.h>

struct sock_entry {
	uint8_t family;		/* the socket's: AF_INET / AF_INET6 */
	uint8_t state;		/* TCP_ESTABLISHED ... */
	uint16_t lport, rport;	/* host order */
	uint8_t laddr[16], raddr[16];	/* network order; IPv4 in the first 4 bytes */
	uint32_t inode;		/* 0: no file (TIME_WAIT, orphans, requests) */
	uint64_t netns;		/* the namespace's inode */
};

typedef void (*sock_entry_fn)(void *ctx, const struct sock_entry *e);
typedef void (*sock_holder_fn)(void *ctx, uint32_t inode, int pid);

/*
 * fn for every TCP socket (IPv4 and IPv6, every state) of every network
 * namespace some process is in. Returns the namespaces read, or -1 (and
 * *why) when none could be: no sock_diag, no permission to enter them; *why
 * is also set when a dump failed in some (no tcp_diag module: nothing there).
 */
int sockets_dump(sock_entry_fn fn, void *ctx, const char **why);
/* fn for every socket fd of every process (pid: the process, not a thread); the processes walked. */
int sockets_holders(sock_holder_fn fn, void *ctx);

#endif
