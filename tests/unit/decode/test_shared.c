// SPDX-License-Identifier: GPL-2.0-or-later
/* Several recipe events on one tracepoint: one kernel filter, records told apart in user space. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <event-parse.h>

#include "test.h"
#include "decode/decode.h"
#include "engine/registry.h"
#include "kernel/caps.h"
#include "plan/plan.h"

#define NEW FIXTURE("linux-6.x/sys/kernel/tracing")

static void put16(uint8_t *rec, int off, uint16_t v) { memcpy(rec + off, &v, 2); }
static void put32(uint8_t *rec, int off, uint32_t v) { memcpy(rec + off, &v, 4); }

/* inet_sock_set_state (fixture layout): oldstate 16, newstate 20, protocol 30 */
static int events_of(struct decoder *d, uint8_t *rec, int size, int old, int new, int proto,
		     int *out, int max)
{
	struct record *r;
	int at = 0, n = 0;

	put32(rec, 16, (uint32_t)old);
	put32(rec, 20, (uint32_t)new);
	put16(rec, 30, (uint16_t)proto);
	while ((r = decode_next(d, rec, size, 1, 0, &at)) && n < max)
		out[n++] = r->event;
	return n;
}

static void shared_tracepoint_dispatches_by_own_filter(void)
{
	struct plan_opts o = { .instance = "probekit_42" };
	struct recipe *r = recipe_load("../recipes/tcp-connect.json");
	struct caps c;
	struct plan p;
	struct decoder d;
	uint8_t rec[72] = { 0 };
	int ev[4], n;
	int syn = recipe_event_index(r, "syn_sent"), est = recipe_event_index(r, "established");
	int failed = recipe_event_index(r, "failed");
	char *filter;

	CHECK(caps_detect(&c, NEW) == PK_OK);
	CHECK(plan_build(&p, r, &c, &o) == PK_OK);
	CHECK(plan_event_shared(&p, syn) && plan_event_shared(&p, failed));
	CHECK(plan_first_sharing(&p, est) == syn && plan_first_sharing(&p, syn) == syn);
	CHECK(!plan_event_shared(&p, recipe_event_index(r, "reset")));
	filter = plan_kernel_filter(&p, est);
	CHECK_STR(filter, "((protocol == 6) && (newstate == 2)) || "
			  "((protocol == 6) && (oldstate == 2 && newstate == 1)) || "
			  "((protocol == 6) && (oldstate == 2 && newstate == 7))");
	free(filter);
	CHECK(decoder_init(&d, &p) == PK_OK);
	put16(rec, 0, (uint16_t)tep_find_event_by_name(p.tep, "sock", "inet_sock_set_state")->id);
	put16(rec, 28, AF_INET);
	n = events_of(&d, rec, sizeof(rec), 7, 2, 6, ev, 4);	/* CLOSE -> SYN_SENT */
	CHECK(n == 1 && ev[0] == syn);
	n = events_of(&d, rec, sizeof(rec), 2, 1, 6, ev, 4);	/* SYN_SENT -> ESTABLISHED */
	CHECK(n == 1 && ev[0] == est);
	n = events_of(&d, rec, sizeof(rec), 2, 7, 6, ev, 4);	/* SYN_SENT -> CLOSE */
	CHECK(n == 1 && ev[0] == failed);
	n = events_of(&d, rec, sizeof(rec), 1, 4, 6, ev, 4);	/* ESTABLISHED -> FIN_WAIT1 */
	CHECK(n == 0);
	n = events_of(&d, rec, sizeof(rec), 7, 2, 132, ev, 4);	/* SCTP */
	CHECK(n == 0);
	decoder_free(&d);
	plan_free(&p);
	caps_free(&c);
	recipe_free(r);
}

/* A shared event's filter libtraceevent cannot parse is refused by the plan, before tracefs. */
static void shared_filter_checked_at_plan_time(void)
{
	struct plan_opts o = { .instance = "probekit_42" };
	FILE *f = fopen("../recipes/tcp-connect.json", "r");
	char text[16384], *at, *path;
	size_t n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
	struct recipe *r;
	struct caps c;
	struct plan p;

	if (f)
		fclose(f);
	text[n] = 0;
	at = strstr(text, "oldstate == 2 && newstate == 1");
	CHECK(at != NULL);
	if (!at)
		return;
	/* an operator only the kernel would refuse too; a ',' libtraceevent
	 * would read as a list of events (fuzz_recipe: it asked malloc for -12
	 * bytes); a '*' its parser frees twice (fuzz_recipe) */
	static const char *const bad[3][2] = {
		{ "oldstate === 2 &&", "a number field takes a decimal number" },
		{ "old,tate == 2 && ", "not a number or string field of the event" },
		{ "oldstate == * && ", "a number field takes a decimal number" },
	};

	for (int i = 0; i < 3; i++) {
		char *log;

		memcpy(at, bad[i][0], 17);
		path = write_temp("bad-connect.json", text);
		r = recipe_load(path);
		CHECK(r != NULL && caps_detect(&c, NEW) == PK_OK);
		if (!r) {
			free(path);
			return;
		}
		log = capture_stderr_begin();
		CHECK(plan_build(&p, r, &c, &o) == PK_ERR_USAGE);
		log = capture_stderr_end(log);
		CHECK_CONTAINS(log, bad[i][1]);
		CHECK_CONTAINS(log, "is evaluated in user space: at byte ");
		free(log);
		plan_free(&p);
		caps_free(&c);
		recipe_free(r);
		unlink(path);
		free(path);
	}
}

const struct unit_test shared_tests[] = {
	{ "plan: a shared event's filter is checked before tracing", shared_filter_checked_at_plan_time },
	{ "decode: a shared tracepoint, one record per event whose filter matches",
	  shared_tracepoint_dispatches_by_own_filter },
	{ NULL, NULL },
};
