// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A byte ring of variable-size entries that never straddle the end: an entry
 * that would is written at the start, and the upper part's end is
 * remembered (wrap).
 */
#include <stdlib.h>
#include <string.h>

#include "output/flight_ring.h"
#include "util/util.h"

struct entry_hdr {
	uint64_t ts;
	uint32_t len;
	int32_t recipe;
};

static size_t entry_size(uint32_t len)
{
	return (sizeof(struct entry_hdr) + len + 7) & ~(size_t)7;	/* headers stay aligned */
}

void flight_ring_init(struct flight_ring *r, size_t bytes)
{
	*r = (struct flight_ring){ .cap = bytes & ~(size_t)7 };
	r->buf = xcalloc(1, r->cap);
	/* resident from the start: the ring cycles through all of it anyway, and the
	 * memory a monitor holds should not creep up over its first hours */
	memset(r->buf, 0xff, r->cap);
}

void flight_ring_free(struct flight_ring *r)
{
	free(r->buf);
	r->buf = NULL;
}

static const struct entry_hdr *at(const struct flight_ring *r, size_t off)
{
	return (const struct entry_hdr *)(r->buf + off);
}

static void drop_oldest(struct flight_ring *r)
{
	r->head += entry_size(at(r, r->head)->len);
	if (--r->count == 0) {
		r->head = r->tail = r->wrap = 0;
		return;
	}
	if (r->tail <= r->head && r->head == r->wrap) {	/* the upper part is gone */
		r->head = 0;
		r->wrap = 0;
	}
}

/* Where an entry of size need can go now, or (size_t)-1 when the oldest must go first. */
static size_t room(struct flight_ring *r, size_t need)
{
	if (!r->count)
		return 0;
	if (r->tail > r->head) {		/* one part: free above tail, and below head */
		if (r->cap - r->tail >= need)
			return r->tail;
		if (r->head >= need) {
			r->wrap = r->tail;
			return 0;
		}
		return (size_t)-1;
	}
	return r->head - r->tail >= need ? r->tail : (size_t)-1;	/* wrapped: between */
}

bool flight_ring_push(struct flight_ring *r, uint64_t ts, int recipe, const char *line,
		      uint32_t len)
{
	size_t need = entry_size(len), off;
	struct entry_hdr h = { .ts = ts, .len = len, .recipe = recipe };

	if (need > r->cap) {
		r->too_big++;
		return false;
	}
	while ((off = room(r, need)) == (size_t)-1) {
		if (at(r, r->head)->ts > r->evicted_ts)
			r->evicted_ts = at(r, r->head)->ts;
		drop_oldest(r);
		r->evicted++;
	}
	memcpy(r->buf + off, &h, sizeof(h));
	memcpy(r->buf + off + sizeof(h), line, len);
	r->tail = off + need;
	r->count++;
	return true;
}

uint64_t flight_ring_oldest(const struct flight_ring *r)
{
	return at(r, r->head)->ts;
}

void flight_ring_trim(struct flight_ring *r, uint64_t ts)
{
	while (r->count && at(r, r->head)->ts < ts)
		drop_oldest(r);
}

bool flight_ring_next(const struct flight_ring *r, uint64_t *pos, size_t *off,
		      struct flight_entry *out)
{
	const struct entry_hdr *h;

	if (*pos >= r->count)
		return false;
	if (!*pos)
		*off = r->head;
	else if (r->tail <= r->head && *off == r->wrap && r->wrap)
		*off = 0;
	h = at(r, *off);
	*out = (struct flight_entry){ .ts = h->ts, .recipe = h->recipe, .len = h->len,
				      .line = (const char *)(h + 1) };
	*off += entry_size(h->len);
	(*pos)++;
	return true;
}
