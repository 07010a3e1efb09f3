// SPDX-License-Identifier: GPL-2.0-or-later
/* The client's and the server's requests of one connection, paired (probekit compare). */
#include <stdlib.h>

#include "analysis/reqresp_join.h"

/* Unknown sizes (0) agree with anything: kprobe paths may not count bytes. */
static bool same_size(uint64_t a, uint64_t b)
{
	return !a || !b || a == b;
}

static bool agree(const struct rr_req *c, const struct rr_req *s)
{
	return same_size(c->req_bytes, s->req_bytes) && same_size(c->resp_bytes, s->resp_bytes);
}

/* Walk the pairs at a shift: count them, and hand the agreeing ones to each(). */
static void walk(const struct rr_req *c, size_t nc, const struct rr_req *s, size_t ns, long shift,
		 struct rr_join *j, void (*each)(const struct rr_req *, const struct rr_req *, void *),
		 void *ctx)
{
	size_t i = 0, k = 0;

	j->shift = shift;
	j->joined = j->disagree = 0;
	while (i < nc && k < ns) {
		long long want = (long long)c[i].seq + shift;

		if ((long long)s[k].seq < want) {
			k++;
		} else if ((long long)s[k].seq > want) {
			i++;
		} else {
			if (agree(&c[i], &s[k])) {
				j->joined++;
				if (each)
					each(&c[i], &s[k], ctx);
			} else {
				j->disagree++;
			}
			i++;
			k++;
		}
	}
}

bool rr_join_requests(const struct rr_req *c, size_t nc, const struct rr_req *s, size_t ns,
		      bool from_open, struct rr_join *out,
		      void (*each)(const struct rr_req *c, const struct rr_req *s, void *ctx),
		      void *ctx)
{
	struct rr_join best = { 0 }, j;
	size_t smaller = nc < ns ? nc : ns;
	bool fits_elsewhere = false;

	if (from_open) {
		walk(c, nc, s, ns, 0, out, each, ctx);
		return out->joined > 0;
	}
	for (long shift = -RR_JOIN_MAX_SHIFT; shift <= RR_JOIN_MAX_SHIFT; shift++) {
		walk(c, nc, s, ns, shift, &j, NULL, NULL);
		if (j.joined > best.joined)
			best = j;
	}
	/* the sizes must tell: under any other shift that overlaps, most pairs disagree */
	for (long shift = -RR_JOIN_MAX_SHIFT; shift <= RR_JOIN_MAX_SHIFT; shift++) {
		if (shift == best.shift)
			continue;
		walk(c, nc, s, ns, shift, &j, NULL, NULL);
		fits_elsewhere |= j.joined + j.disagree >= 2 && j.joined >= j.disagree;
	}
	*out = best;
	if (!smaller || fits_elsewhere || best.joined * 2 < smaller ||
	    best.disagree * 10 > best.joined)
		return false;
	walk(c, nc, s, ns, best.shift, out, each, ctx);
	return true;
}
