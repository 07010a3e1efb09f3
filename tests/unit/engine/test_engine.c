// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The engine end to end on recorded pages: kprobe records of tcp-retrans
 * through reader, decoder, enrichers, analyses and each sink, as a run goes.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <unistd.h>
#include <jansson.h>

#include "engine/engine.h"
#include "kernel/caps.h"
#include "kprobe_layout.h"
#include "pagegen.h"
#include "test.h"

#define NEW FIXTURE("linux-6.x/sys/kernel/tracing")
#define PAGE 4096
#define FLOWS 3

/* One CPU's pages: flow k (local port 40000+k) retransmits k+1 times; pid 0 (interrupt). */
static int retrans_pages(void)
{
	struct pagegen g = { .size = PAGE, .off = PG_HDR, .out = tmpfile() };
	uint64_t ts = 1000;

	g.page = calloc(1, PAGE);
	for (int k = 0; k < FLOWS; k++)
		for (int i = 0; i <= k; i++) {
			uint8_t rec[KPROBE_REC_SIZE] = { 0 };
			uint16_t v = 3001, be = htons(443), port = 40000 + k, fam = AF_INET;

			memcpy(rec, &v, 2);
			memcpy(rec + 24, (uint8_t[]){ 10, 0, 0, 2 }, 4);
			memcpy(rec + 28, (uint8_t[]){ 10, 0, 0, 1 }, 4);
			memcpy(rec + 32, &be, 2);
			memcpy(rec + 34, &port, 2);
			memcpy(rec + 36, &fam, 2);
			rec[38] = 1;
			pg_event(&g, rec, sizeof(rec), ts += 1000);
		}
	pg_flush(&g, 0);
	free(g.page);
	fflush(g.out);
	rewind(g.out);
	return dup(fileno(g.out));
}

/* Run the engine over the pages with sink ops; returns what the sink wrote. */
static char *replay(const struct sink_ops *ops)
{
	char *use[] = { "retrans=kprobe", "synack=kprobe", NULL };
	struct plan_opts o = { .instance = "probekit_42", .use = use };
	struct recipe *r = recipe_load("../recipes/tcp-retrans.json");
	struct analysis_opts ao = { 0 };
	struct engine_opts eo = { .analysis = &ao, .n_page_fds = 1, .page_size = PAGE };
	int fd = retrans_pages(), status;
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);
	struct engine *e;
	struct sink *sink;
	struct caps c;
	struct plan p;

	eo.page_fds = &fd;
	CHECK(r && caps_detect(&c, NEW) == PK_OK);
	CHECK(plan_build(&p, r, &c, &o) == PK_OK && kprobe_layout_parse(p.tep) == 0);
	sink = sink_open(ops, r, f, false);
	e = engine_open(&p, sink, &eo, &status);
	CHECK(e != NULL);
	if (e) {
		while (engine_poll(e))
			;
		CHECK(engine_records(e) == FLOWS * (FLOWS + 1) / 2);
		engine_report(e);
		CHECK(engine_close(e) == PK_OK);
	}
	sink_close(sink);
	fclose(f);
	plan_free(&p);
	caps_free(&c);
	recipe_free(r);
	return out;
}

static void ndjson_events_then_summary(void)
{
	static const char *const first_keys[] = { "type", "event", "ts_ns", "time", "cpu", "pid", "comm" };
	char *out = replay(&ndjson_sink), *line, *save = NULL;
	int events = 0, summaries = 0;

	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_error_t err;
		json_t *obj = json_loads(line, 0, &err);
		const char *type = json_string_value(json_object_get(obj, "type"));
		void *it = json_object_iter(obj);

		CHECK(obj != NULL);
		if (!obj)
			continue;
		if (!strcmp(type, "event")) {
			events++;
			/* the order of the jansson-built objects before the writer */
			for (size_t k = 0; k < ARRAY_SIZE(first_keys) && it; k++) {
				CHECK_STR(json_object_iter_key(it), first_keys[k]);
				it = json_object_iter_next(obj, it);
			}
			CHECK(json_is_null(json_object_get(obj, "pid")));	/* interrupt context */
			CHECK(json_is_null(json_object_get(obj, "comm")));
			CHECK_STR(json_string_value(json_object_get(obj, "laddr")), "10.0.0.1");
			CHECK(json_integer_value(json_object_get(obj, "rport")) == 443);
		} else if (!strcmp(type, "summary")) {
			summaries++;
			CHECK(json_integer_value(json_object_get(obj, "events")) == FLOWS * (FLOWS + 1) / 2);
			CHECK(json_array_size(json_object_get(obj, "groups")) == FLOWS);
		}
		json_decref(obj);
	}
	CHECK(events == FLOWS * (FLOWS + 1) / 2 && summaries == 1);
	free(out);
}

static void text_header_lines_and_groups(void)
{
	char *out = replay(&text_sink);

	CHECK(!strncmp(out, "TIME", 4));	/* the column header comes first */
	CHECK_CONTAINS(out, "10.0.0.1:40002");
	CHECK_CONTAINS(out, "--- tcp-retrans: ");
	CHECK_CONTAINS(out, " 6 events");
	CHECK(strstr(out, "{") == NULL);
	free(out);
}

const struct unit_test engine_tests[] = {
	{ "engine: recorded pages, NDJSON events in order, one summary", ndjson_events_then_summary },
	{ "engine: recorded pages, text header, lines, summary", text_header_lines_and_groups },
	{ NULL, NULL },
};
