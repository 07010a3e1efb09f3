// SPDX-License-Identifier: GPL-2.0-or-later
/* The socket table of owners: sock_diag's sockets by 4-tuple, joined with /proc/PID/fd. */
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "enrich/owner_table.h"
#include "kernel/sockets.h"
#include "util/util.h"

#define NO_ENTRY UINT32_MAX

struct table_sock {
	struct value laddr, raddr;	/* normalized as the decoder does (v4-mapped is IPv4) */
	uint16_t lport, rport;
	uint8_t state;
	bool shared;
	uint32_t inode;
	int pid;
};

struct owner_table {
	struct table_sock *socks;
	int n, cap, dropped;
	uint32_t *by_tuple, *by_inode;	/* open addressing: indexes into socks */
	uint32_t mask;			/* both indexes: size - 1 */
};

uint64_t owner_tuple_hash(const struct value *laddr, uint16_t lport, const struct value *raddr,
			  uint16_t rport)
{
	uint64_t h = hash_mix(HASH_SEED, (uint64_t)lport | (uint64_t)rport << 16 |
				  (uint64_t)laddr->family << 32 | (uint64_t)raddr->family << 48);
	uint64_t w[4];

	memcpy(w, laddr->addr, 16);
	memcpy(w + 2, raddr->addr, 16);
	for (int i = 0; i < 4; i++)
		h = hash_mix(h, w[i]);
	return h ? h : 1;	/* 0 is an empty key to the owner cache */
}

static bool same_addr(const struct value *a, const struct value *b)
{
	return a->family == b->family && !memcmp(a->addr, b->addr, 16);
}

struct owner_table *owner_table_new(void)
{
	return xcalloc(1, sizeof(struct owner_table));
}

void owner_table_free(struct owner_table *t)
{
	if (!t)
		return;
	free(t->socks);
	free(t->by_tuple);
	free(t->by_inode);
	free(t);
}

static void on_socket(void *ctx, const struct sock_entry *e)
{
	struct owner_table *t = ctx;
	struct table_sock *s;
	int size = e->family == AF_INET ? 4 : 16;

	if (t->n == OWNER_TABLE_MAX) {
		t->dropped++;
		return;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 1024;
		t->socks = xrealloc(t->socks, t->cap * sizeof(*t->socks));
	}
	s = &t->socks[t->n++];
	memset(s, 0, sizeof(*s));
	value_set_addr(&s->laddr, e->laddr, size);
	value_set_addr(&s->raddr, e->raddr, size);
	s->lport = e->lport;
	s->rport = e->rport;
	s->state = e->state;
	s->inode = e->inode;
}

static uint32_t inode_slot(const struct owner_table *t, uint32_t inode)
{
	uint32_t i = (uint32_t)hash_mix(HASH_SEED, inode) & t->mask;

	while (t->by_inode[i] != NO_ENTRY && t->socks[t->by_inode[i]].inode != inode)
		i = (i + 1) & t->mask;
	return i;
}

/* A process holds socket `inode`: the lowest pid is named, several make it shared. */
static void on_holder(void *ctx, uint32_t inode, int pid)
{
	struct owner_table *t = ctx;
	uint32_t i = t->by_inode[inode_slot(t, inode)];
	struct table_sock *s;

	if (i == NO_ENTRY)
		return;		/* not a TCP socket, or one opened after the dump */
	s = &t->socks[i];
	if (s->pid && s->pid != pid)
		s->shared = true;
	if (!s->pid || pid < s->pid)
		s->pid = pid;
}

static void index_sockets(struct owner_table *t)
{
	uint32_t size = 1024;

	while (size < 2 * (uint32_t)t->n)
		size *= 2;
	if (size - 1 != t->mask || !t->by_tuple) {
		free(t->by_tuple);
		free(t->by_inode);
		t->by_tuple = xcalloc(size, sizeof(*t->by_tuple));
		t->by_inode = xcalloc(size, sizeof(*t->by_inode));
		t->mask = size - 1;
	}
	memset(t->by_tuple, 0xff, size * sizeof(*t->by_tuple));
	memset(t->by_inode, 0xff, size * sizeof(*t->by_inode));
	for (int k = 0; k < t->n; k++) {
		struct table_sock *s = &t->socks[k];
		uint32_t i = (uint32_t)owner_tuple_hash(&s->laddr, s->lport, &s->raddr, s->rport) &
			     t->mask;

		while (t->by_tuple[i] != NO_ENTRY)	/* the same tuple in another namespace: first wins */
			i = (i + 1) & t->mask;
		t->by_tuple[i] = k;
		if (s->inode && t->by_inode[i = inode_slot(t, s->inode)] == NO_ENTRY)
			t->by_inode[i] = k;
	}
}

bool owner_table_refresh(struct owner_table *t, const char **why)
{
	t->n = t->dropped = 0;
	if (sockets_dump(on_socket, t, why) < 0)	/* *why may be set after a partial read */
		return false;
	index_sockets(t);
	sockets_holders(on_holder, t);
	return true;
}

static bool found(const struct table_sock *s, bool listener, struct owner_found *out)
{
	if (!s->pid)
		return false;	/* no file: TIME_WAIT, orphaned, not yet accepted */
	*out = (struct owner_found){ s->pid, s->shared, listener };
	return true;
}

/* A listener on lport at laddr or the wildcard (IPv6 :: takes IPv4 too). */
static bool listener_of(const struct owner_table *t, const struct value *laddr, uint16_t lport,
			struct owner_found *out)
{
	static const uint8_t any[16];

	for (int k = 0; k < t->n; k++) {
		const struct table_sock *s = &t->socks[k];

		if (s->state != TCP_LISTEN || s->lport != lport)
			continue;
		if ((same_addr(&s->laddr, laddr) || !memcmp(s->laddr.addr, any, 16)) &&
		    found(s, true, out))
			return true;
	}
	return false;
}

bool owner_table_find(const struct owner_table *t, const struct value *laddr, uint16_t lport,
		      const struct value *raddr, uint16_t rport, bool with_listener,
		      struct owner_found *out)
{
	uint32_t i;

	if (!t->by_tuple)
		return false;
	i = (uint32_t)owner_tuple_hash(laddr, lport, raddr, rport) & t->mask;
	for (; t->by_tuple[i] != NO_ENTRY; i = (i + 1) & t->mask) {
		const struct table_sock *s = &t->socks[t->by_tuple[i]];

		if (s->lport == lport && s->rport == rport && same_addr(&s->laddr, laddr) &&
		    same_addr(&s->raddr, raddr) && s->state != TCP_LISTEN)
			return found(s, false, out) ||
			       (with_listener && listener_of(t, laddr, lport, out));
	}
	return with_listener && listener_of(t, laddr, lport, out);
}

int owner_table_size(const struct owner_table *t, int *dropped)
{
	*dropped = t->dropped;
	return t->n;
}
