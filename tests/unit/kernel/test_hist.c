// SPDX-License-Identifier: GPL-2.0-or-later
/* The text of the kernel's hist files, as 6.1 and 6.12 print them. */
#include "kernel/hist.h"
#include "test.h"

struct rows {
	int n;
	uint64_t keys[4][3], hits[4];
};

static void keep(void *ctx, const uint64_t *keys, int n_keys, uint64_t hits)
{
	struct rows *r = ctx;

	if (r->n < 4) {
		for (int k = 0; k < n_keys && k < 3; k++)
			r->keys[r->n][k] = keys[k];
		r->hits[r->n++] = hits;
	}
}

static void synthetic_event_histogram(void)
{
	static const char text[] =
		"# event histogram\n#\n# trigger info: hist:keys=g0,lat.buckets=1000:vals=hitcount:"
		"sort=hitcount:size=16384 [active]\n#\n\n"
		"{ g0:       5001, lat: ~ 66000-66999 } hitcount:          1\n"
		"{ g0:      41996, lat: ~ 45000-45999 } hitcount:          2\n"
		"\nTotals:\n    Hits: 3\n    Entries: 2\n    Dropped: 7\n";
	struct rows r = { 0 };
	struct hist_totals t;

	CHECK(hist_parse(text, 2, keep, &r, &t));
	CHECK(r.n == 2);
	CHECK(r.keys[0][0] == 5001 && r.keys[0][1] == 66000 && r.hits[0] == 1);
	CHECK(r.keys[1][0] == 41996 && r.keys[1][1] == 45000 && r.hits[1] == 2);
	CHECK(t.hits == 3 && t.entries == 2 && t.dropped == 7);
}

static void start_histogram_and_refusals(void)
{
	static const char start[] =
		"# event histogram\n#\n\n{ sock_cookie:      16385 } hitcount:        100\n"
		"\nTotals:\n    Hits: 100\n    Entries: 1\n    Dropped: 0\n";
	static const char other_keys[] = "{ a: 1, b: 2 } hitcount: 1\n\nTotals:\n Hits: 1\n"
					 " Entries: 1\n Dropped: 0\n";
	struct rows r = { 0 };
	struct hist_totals t;

	CHECK(hist_parse(start, 1, keep, &r, &t) && r.n == 1 && r.keys[0][0] == 16385);
	CHECK(t.hits == 100);
	CHECK(!hist_parse(other_keys, 1, keep, &r, &t));	/* two keys where one was asked */
	CHECK(!hist_parse("{ a: 1 } hitcount: 1\n", 1, keep, &r, &t));	/* no totals */
	CHECK(!hist_parse("{ a: x } hitcount: 1\n\nTotals:\n Hits: 1\n Entries: 1\n Dropped: 0\n",
			  1, keep, &r, &t));
	CHECK(!hist_parse(start, 0, keep, &r, &t) && !hist_parse(start, HIST_MAX_KEYS + 1, keep, &r, &t));
}

const struct unit_test hist_tests[] = {
	{ "hist: a synthetic event's histogram, buckets and totals", synthetic_event_histogram },
	{ "hist: one key; other shapes are refused", start_histogram_and_refusals },
	{ NULL, NULL },
};
