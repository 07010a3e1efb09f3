// SPDX-License-Identifier: GPL-2.0-or-later
/* The text of the kernel's hist files, as 6.1 and 6.12 print them. */
#include "kernel/hist.h"
#include "kernel/hist_delta.h"
#include "test.h"

#include <string.h>

struct rows {
	int n;
	uint64_t keys[4][3], hits[4];
	char names[4][HIST_NAME_MAX + 1];
};

static void keep(void *ctx, const struct hist_row *row)
{
	struct rows *r = ctx;

	if (r->n < 4) {
		for (int k = 0; k < row->n_keys && k < 3; k++)
			r->keys[r->n][k] = row->keys[k];
		memcpy(r->names[r->n], row->names[0], sizeof(r->names[0]));
		r->hits[r->n++] = row->hits;
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

	CHECK(hist_parse(text, "g0,lat.buckets=1000", keep, &r, &t));
	CHECK(r.n == 2);
	CHECK(r.keys[0][0] == 5001 && r.keys[0][1] == 66000 && r.hits[0] == 1);
	CHECK(r.keys[1][0] == 41996 && r.keys[1][1] == 45000 && r.hits[1] == 2);
	CHECK(t.hits == 3 && t.entries == 2 && t.dropped == 7);
}

static void start_histogram_and_refusals(void)
{
	static const char start[] =
		"# event histogram\n#\n# trigger info: hist:keys=sock_cookie:vals=hitcount:sort=hitcount"
		":size=2048 [active]\n#\n\n{ sock_cookie:      16385 } hitcount:        100\n"
		"\nTotals:\n    Hits: 100\n    Entries: 1\n    Dropped: 0\n";
	static const char other_keys[] = "# trigger info: hist:keys=a:size=8\n"
					 "{ a: 1, b: 2 } hitcount: 1\n\nTotals:\n Hits: 1\n"
					 " Entries: 1\n Dropped: 0\n";
	struct rows r = { 0 };
	struct hist_totals t;

	CHECK(hist_parse(start, "sock_cookie", keep, &r, &t) && r.n == 1 && r.keys[0][0] == 16385);
	CHECK(t.hits == 100);
	CHECK(!hist_parse(start, "sock", keep, &r, &t));	/* no histogram with these keys */
	CHECK(!hist_parse(other_keys, "a", keep, &r, &t));	/* two keys where the trigger has one */
	CHECK(!hist_parse("# trigger info: hist:keys=a:size=8\n{ a: 1 } hitcount: 1\n", "a", keep,
			  &r, &t));	/* no totals */
	CHECK(!hist_parse("# trigger info: hist:keys=a:size=8\n{ a: x } hitcount: 1\n\nTotals:\n"
			  " Hits: 1\n Entries: 1\n Dropped: 0\n", "a", keep, &r, &t));
	CHECK(!hist_parse("{ a: 1 } hitcount: 1\n\nTotals:\n Hits: 1\n Entries: 1\n Dropped: 0\n",
			  "a", keep, &r, &t));	/* a row before any trigger's header */
}

/* sys_exit with two count triggers and the latency's end: each read by its keys. */
static void several_histograms_and_task_names(void)
{
	static const char text[] =
		"# event histogram\n#\n# trigger info: hist:keys=common_pid.execname,id,ret:"
		"vals=hitcount:sort=hitcount:size=16384 if (ret < 0) && (common_pid != 7) [active]\n#\n\n"
		"{ common_pid: syscaller       [      4242], id:        257, ret: 18446744073709551614 }"
		" hitcount:         30\n"
		"\nTotals:\n    Hits: 30\n    Entries: 1\n    Dropped: 0\n\n"
		"# event histogram\n#\n# trigger info: hist:keys=common_pid.execname,id:vals=hitcount:"
		"sort=hitcount:size=16384 if (ret >= 0) && (common_pid != 7) [active]\n#\n\n"
		/* a name of 15 bytes with a newline and what looks like the end of the histogram */
		"{ common_pid: a\nTotals:\n {b: 1     [        99], id:        110 } hitcount:          5\n"
		"{ common_pid: 42              [        43], id:        110 } hitcount:          7\n"
		"\nTotals:\n    Hits: 12\n    Entries: 2\n    Dropped: 3\n\n"
		"# event histogram\n#\n# trigger info: hist:keys=common_pid:vals=hitcount:"
		"pklat=common_timestamp-$pkts:sort=hitcount:size=16384:clock=mono [active]\n#\n\n"
		"{ common_pid:       4242 } hitcount:         31\n"
		"\nTotals:\n    Hits: 31\n    Entries: 1\n    Dropped: 0\n";
	struct rows r = { 0 };
	struct hist_totals t;

	CHECK(hist_parse(text, "common_pid.execname,id,ret", keep, &r, &t));
	CHECK(r.n == 1 && r.keys[0][0] == 4242 && r.keys[0][1] == 257 && r.hits[0] == 30);
	CHECK((int64_t)r.keys[0][2] == -2 && !strcmp(r.names[0], "syscaller"));
	CHECK(t.hits == 30 && t.dropped == 0);
	memset(&r, 0, sizeof(r));
	CHECK(hist_parse(text, "common_pid.execname,id", keep, &r, &t));
	CHECK(r.n == 2 && t.hits == 12 && t.entries == 2 && t.dropped == 3);
	CHECK(!strcmp(r.names[0], "a\nTotals:\n {b: 1") && r.keys[0][0] == 99 && r.hits[0] == 5);
	CHECK(!strcmp(r.names[1], "42") && r.keys[1][0] == 43 && r.keys[1][1] == 110);
	memset(&r, 0, sizeof(r));
	CHECK(hist_parse(text, "common_pid", keep, &r, &t) && r.n == 1 && t.hits == 31);
	CHECK(!hist_parse(text, "common_pid.execname", keep, &r, &t));
}

/* Names any process can take (prctl): empty, all spaces, a leading space; each row stays its own. */
static void names_of_spaces(void)
{
	static const char text[] =
		"# trigger info: hist:keys=common_pid.execname,id:vals=hitcount:size=16384 [active]\n"
		"{ common_pid:                 [      1111], id:          1 } hitcount:          1\n"
		"{ common_pid:   evil          [      1112], id:          1 } hitcount:          2\n"
		"{ common_pid:                 [      1113], id:          1 } hitcount:          3\n"
		"{ common_pid: victim          [      2222], id:          1 } hitcount:        100\n"
		"\nTotals:\n    Hits: 106\n    Entries: 4\n    Dropped: 0\n";
	struct rows r = { 0 };
	struct hist_totals t;

	CHECK(hist_parse(text, "common_pid.execname,id", keep, &r, &t) && r.n == 4);
	CHECK(r.keys[0][0] == 1111 && r.hits[0] == 1 && !strcmp(r.names[0], ""));
	CHECK(r.keys[1][0] == 1112 && r.hits[1] == 2 && !strcmp(r.names[1], "  evil"));
	CHECK(r.keys[2][0] == 1113 && r.hits[2] == 3 && !strcmp(r.names[2], ""));
	CHECK(r.keys[3][0] == 2222 && r.hits[3] == 100 && !strcmp(r.names[3], "victim"));
}

static struct hist_row row_of(int n_keys, uint64_t k0, uint64_t k1, uint64_t hits)
{
	struct hist_row r = { .n_keys = n_keys, .keys = { k0, k1 }, .hits = hits };

	return r;
}

/* A monitor reads a count histogram whole at every write: only what each row gained counts. */
static void delta_of_rows_read_again(void)
{
	struct hist_delta d = { 0 };
	struct hist_row a = row_of(2, 7, 1, 10), b = row_of(2, 7, 2, 3), c = row_of(1, 7, 1, 4);
	uint64_t total = 0;

	CHECK(hist_delta_take(&d, &a) == 10 && hist_delta_take(&d, &b) == 3);
	CHECK(hist_delta_take(&d, &c) == 4);	/* one key fewer: another row */
	CHECK(hist_delta_take(&d, &a) == 0);
	a.hits = 15;
	CHECK(hist_delta_take(&d, &a) == 5 && hist_delta_take(&d, &b) == 0);
	a.hits = 2;	/* fewer: a new trigger's row, all of them new */
	CHECK(hist_delta_take(&d, &a) == 2);
	/* thousands of rows (the table grows), read twice, each gaining its own number */
	for (uint64_t k = 0; k < 5000; k++) {
		struct hist_row r = row_of(2, k, k * 31, k + 1);

		total += hist_delta_take(&d, &r);
	}
	CHECK(total == 5000ULL * 5001 / 2);
	total = 0;
	for (uint64_t k = 0; k < 5000; k++) {
		struct hist_row r = row_of(2, k, k * 31, 2 * (k + 1));

		total += hist_delta_take(&d, &r);
	}
	CHECK(total == 5000ULL * 5001 / 2);
	CHECK(d.used == 5003);
	CHECK(hist_delta_take(&d, &b) == 0);
	hist_delta_free(&d);
	CHECK(!d.slots && !d.used);
}

const struct unit_test hist_tests[] = {
	{ "hist: rows read again give only what they gained", delta_of_rows_read_again },
	{ "hist: task names of spaces, or none, stay their own rows", names_of_spaces },
	{ "hist: a synthetic event's histogram, buckets and totals", synthetic_event_histogram },
	{ "hist: one key; other shapes are refused", start_histogram_and_refusals },
	{ "hist: an event's histograms by their keys; task names of any bytes",
	  several_histograms_and_task_names },
	{ NULL, NULL },
};
