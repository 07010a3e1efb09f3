/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_REQRESP_JOIN_H
#define PROBEKIT_REQRESP_JOIN_H

/*
 * Joining the two sides of a connection's requests (probekit compare): the
 * client's request n is the server's request n when both saw the connection
 * from its handshake; else the shift between their numbers is the one under
 * which the most request and response sizes agree. Sizes that disagree at
 * the chosen shift are counted, never joined.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rr_req {
	uint64_t seq;		/* the request's number on its side */
	uint64_t total_ns;
	uint64_t req_bytes;	/* client: sent; server: arrived (0: unknown) */
	uint64_t resp_bytes;	/* client: arrived; server: sent (0: unknown) */
};

struct rr_join {
	long shift;		/* server seq = client seq + shift */
	size_t joined, disagree;	/* pairs at that shift: sizes agree / disagree */
};

#define RR_JOIN_MAX_SHIFT 64

/*
 * Join c[] and s[] (each sorted by seq); calls each() for every joined pair.
 * from_open: both sides saw the handshake, the shift is 0. Otherwise false
 * unless one shift joins at least half of the smaller side with few
 * disagreements and under every other overlapping shift most sizes disagree
 * (sizes that repeat, or are unknown, cannot tell where to join).
 */
bool rr_join_requests(const struct rr_req *c, size_t nc, const struct rr_req *s, size_t ns,
		      bool from_open, struct rr_join *out,
		      void (*each)(const struct rr_req *c, const struct rr_req *s, void *ctx),
		      void *ctx);

#endif
