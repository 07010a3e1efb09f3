/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_OWNER_TABLE_H
#define PROBEKIT_OWNER_TABLE_H

/*
 * A snapshot of the kernel's TCP sockets (kernel/sockets.h) indexed by their
 * 4-tuple, each with the process holding it: what `ss -tanp` prints, kept for
 * lookups. Bounded (OWNER_TABLE_MAX sockets), rebuilt whole on refresh.
 */
#include <stdbool.h>
#include <stdint.h>

#include "record/record.h"

#define OWNER_TABLE_MAX 65536	/* sockets kept per snapshot: past that, the rest are unknown */

struct owner_table;

struct owner_found {
	int pid;		/* the holding process (the lowest pid when several hold it) */
	bool shared;		/* several processes hold it (a forked server) */
	bool listener;		/* not the socket itself: the listener of its local port */
};

struct owner_table *owner_table_new(void);
void owner_table_free(struct owner_table *t);
/*
 * Read the kernel's sockets and their holders again; false (and *why) when it
 * could not; true with *why set when some namespace's dump failed.
 */
bool owner_table_refresh(struct owner_table *t, const char **why);
/*
 * The holder of the socket local -> remote (addresses as the decoder makes
 * them, ports in host order); else, when with_listener, of a listening socket
 * on the local port (an accepted connection not yet accept()ed has no file).
 */
bool owner_table_find(const struct owner_table *t, const struct value *laddr, uint16_t lport,
		      const struct value *raddr, uint16_t rport, bool with_listener,
		      struct owner_found *out);
/* Sockets in the last snapshot, and how many did not fit. */
int owner_table_size(const struct owner_table *t, int *dropped);

/* The hash of a 4-tuple (also the owner cache's key without a socket address). */
uint64_t owner_tuple_hash(const struct value *laddr, uint16_t lport, const struct value *raddr,
			  uint16_t rport);

#endif
