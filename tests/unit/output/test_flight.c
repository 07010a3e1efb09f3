// SPDX-License-Identifier: GPL-2.0-or-later
/* The flight recorder's ring (wrapping, pushing out, trimming) and its triggers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/registry.h"
#include "output/flight_ring.h"
#include "output/flight_trigger.h"
#include "test.h"

/* The ring's entries, oldest first, as "ts:line" joined by spaces. */
static char *ring_text(const struct flight_ring *r)
{
	static char out[4096];
	struct flight_entry en;
	uint64_t pos = 0;
	size_t off = 0, n = 0;

	out[0] = '\0';
	while (flight_ring_next(r, &pos, &off, &en))
		n += snprintf(out + n, sizeof(out) - n, "%s%llu:%.*s", n ? " " : "",
			      (unsigned long long)en.ts, (int)en.len, en.line);
	return out;
}

static void ring_wraps_and_pushes_out_the_oldest(void)
{
	struct flight_ring r;
	char line[40];

	flight_ring_init(&r, 128);	/* 4 entries of 32 bytes (16 header + up to 16 text) */
	for (int i = 1; i <= 4; i++) {
		snprintf(line, sizeof(line), "line-%02d-16bytes", i);
		CHECK(flight_ring_push(&r, i, 0, line, 16));
	}
	CHECK_STR(ring_text(&r), "1:line-01-16bytes 2:line-02-16bytes 3:line-03-16bytes 4:line-04-16bytes");
	CHECK(r.evicted == 0);
	CHECK(flight_ring_push(&r, 5, 0, "line-05-16bytes.", 16));	/* full: 1 goes, 5 wraps to the start */
	CHECK_STR(ring_text(&r), "2:line-02-16bytes 3:line-03-16bytes 4:line-04-16bytes 5:line-05-16bytes.");
	CHECK(r.evicted == 1);
	/* a longer entry (48 bytes) needs two old ones' room */
	CHECK(flight_ring_push(&r, 6, 0, "a-longer-line-of-30-bytes-here", 30));
	CHECK_STR(ring_text(&r), "4:line-04-16bytes 5:line-05-16bytes. 6:a-longer-line-of-30-bytes-here");
	CHECK(flight_ring_oldest(&r) == 4);
	flight_ring_trim(&r, 6);
	CHECK_STR(ring_text(&r), "6:a-longer-line-of-30-bytes-here");
	flight_ring_trim(&r, 100);
	CHECK_STR(ring_text(&r), "");
	CHECK(r.count == 0);
	CHECK(!flight_ring_push(&r, 7, 0, line, 200));	/* larger than the ring */
	CHECK(r.too_big == 1);
	for (int i = 0; i < 1000; i++) {	/* many turns: always the newest that fit, in order */
		snprintf(line, sizeof(line), "%d", i);
		CHECK(flight_ring_push(&r, 1000 + i, i % 3, line, (uint32_t)strlen(line) + (i % 7)));
	}
	{
		struct flight_entry en;
		uint64_t pos = 0, last = 0;
		size_t off = 0;
		int n = 0;

		while (flight_ring_next(&r, &pos, &off, &en)) {
			CHECK(en.ts > last);
			last = en.ts;
			n++;
		}
		CHECK(last == 1999);
		CHECK(n >= 3 && (uint64_t)n == r.count);
	}
	flight_ring_free(&r);
}

static struct record *record_of(const struct recipe *r, int event, uint64_t ts)
{
	static struct value v[64];
	static struct record rec;

	memset(v, 0, sizeof(v));
	rec = (struct record){ .event = event, .ts = ts, .values = v, .n_values = r->n_fields };
	return &rec;
}

static void triggers_parse_and_match(void)
{
	struct recipe *resets = recipe_load("../recipes/tcp-resets.json");
	struct recipe *rr = recipe_load("../recipes/tcp-reqresp.json");
	const struct recipe *set[2] = { resets, rr };
	struct format_ctx fc = { .recipe = resets };
	struct flight_trigger t;
	struct record *rec;
	int lport = recipe_field_index(resets, "lport"), total = recipe_field_index(rr, "total");
	char *err;

	CHECK(resets && rr && lport >= 0 && total >= 0);
	/* a request over 200 ms: the recipe's "total" when not named */
	CHECK(flight_trigger_parse(&t, "tcp-reqresp > 200ms", set, 2));
	CHECK(t.recipe == 1 && t.event == -1 && t.field == total && t.over_ns == 200000000);
	rec = record_of(rr, 0, 1);
	rec->values[total] = (struct value){ .present = true, .num = 300000000 };
	CHECK(flight_trigger_match(&t, &fc, 1, rec, false));
	CHECK(!flight_trigger_match(&t, &fc, 1, rec, true));	/* an event is not a request */
	CHECK(!flight_trigger_match(&t, &fc, 0, rec, false));	/* another recipe */
	rec->values[total].num = 200000000;			/* not over */
	CHECK(!flight_trigger_match(&t, &fc, 1, rec, false));
	flight_trigger_free(&t);
	CHECK(flight_trigger_parse(&t, "tcp-reqresp total>200ms", set, 2));	/* '>' needs no blanks */
	CHECK(t.field == total);
	flight_trigger_free(&t);
	/* any sent reset to local port 3306 */
	CHECK(flight_trigger_parse(&t, "tcp-resets:sent lport=3306", set, 2));
	rec = record_of(resets, recipe_event_index(resets, "sent"), 5);
	rec->values[lport] = (struct value){ .present = true, .num = 3306 };
	CHECK(flight_trigger_match(&t, &fc, 0, rec, true));
	rec->values[lport].num = 3307;
	CHECK(!flight_trigger_match(&t, &fc, 0, rec, true));
	flight_trigger_free(&t);
	/* more than 2 within 1 s: the third inside a second fires, once; the next needs 3 again */
	CHECK(flight_trigger_parse(&t, "tcp-resets:sent > 2/1s", set, 2));
	rec = record_of(resets, recipe_event_index(resets, "sent"), 0);
	{
		uint64_t at[] = { 0, 1500000000ULL, 2000000000ULL, 2400000000ULL, 2500000000ULL,
				  2600000000ULL, 2700000000ULL };
		bool want[] = { false, false, false, true, false, false, true };

		for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
			rec->ts = at[i];
			CHECK(flight_trigger_match(&t, &fc, 0, rec, true) == want[i]);
		}
	}
	flight_trigger_free(&t);
	/* what is refused, each with one line */
	{
		const char *bad[][2] = {
			{ "nosuch > 1s", "no recipe of that name" },
			{ "tcp-resets:nosuch", "no event of that name" },
			{ "tcp-resets:sent nosuch=1", "conditions are FIELD=VALUE" },
			{ "tcp-resets:sent > 5", "N/TIME" },
			{ "tcp-resets:sent > 100000/1s", "N/TIME" },
			{ "tcp-resets", "RECIPE [FIELD] > TIME" },
			{ "tcp-reqresp nosuch > 1s", "no field of that name" },
			{ "tcp-reqresp > soon", "not a time" },
			{ "tcp-reqresp bytes_in > 1s", "that field is not a time" },
			{ "tcp-reqresp > 1s > 2s", "not RECIPE" },
			{ "tcp-resets:sent\x1b[31m", "not one printable line" },
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			char *tok = capture_stderr_begin();

			CHECK(!flight_trigger_parse(&t, bad[i][0], set, 2));
			err = capture_stderr_end(tok);
			CHECK(err && strstr(err, bad[i][1]));
			CHECK(err && !strchr(err, '\x1b'));
			if (!err || !strstr(err, bad[i][1]))
				fprintf(stderr, "    (for %s: %s)\n", bad[i][0], err ? err : "");
			free(err);
		}
	}
	recipe_free(resets);
	recipe_free(rr);
}

const struct unit_test flight_tests[] = {
	{ "flight ring: wraps, pushes out the oldest, trims by time", ring_wraps_and_pushes_out_the_oldest },
	{ "flight triggers: pairs over a time, events with conditions, bursts", triggers_parse_and_match },
	{ NULL, NULL },
};
