// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * make bench-decode: nanoseconds per event for reading ring-buffer pages,
 * decoding records and pairing them, on generated pages of tcp_probe and
 * tcp_rcv_space_adjust records (the tcp-rcvq-latency recipe, formats of a
 * 6.x kernel from the fixtures), two CPUs merged in time order.
 */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <event-parse.h>

#include "analysis/latency.h"
#include "pagegen.h"
#include "plan/plan.h"
#include "kernel/reader.h"

#define EVENTS_PER_CPU 400000
#define SOCKETS 1024

struct bench {
	struct decoder dec;
	struct latency lat;
	uint64_t records;
};

static void on_record(void *ctx, void *data, int size, unsigned long long ts, int cpu)
{
	struct bench *b = ctx;
	const struct event_rt *rt = decode_record(&b->dec, data, size, ts, cpu);

	b->records++;
	if (rt)
		latency_feed(&b->lat, rt->decl, b->dec.values, ts);
}

static struct tep_format_field *field(struct tep_event *e, const char *name)
{
	struct tep_format_field *f = tep_find_any_field(e, name);

	if (!f) {
		fprintf(stderr, "bench: no field %s in %s\n", name, e->name);
		exit(1);
	}
	return f;
}

/* One CPU's pages: arrival on socket k, then its read 20 us later. */
static int make_pages(struct tep_event *probe, struct tep_event *adjust, int cpu, int page_size)
{
	uint8_t a[256] = { 0 }, r[256] = { 0 };
	struct pagegen g = { .size = page_size, .off = PG_HDR, .out = tmpfile() };
	uint16_t data_len = 100, id;

	g.page = calloc(1, page_size);
	id = probe->id;
	memcpy(a, &id, 2);
	id = adjust->id;
	memcpy(r, &id, 2);
	memcpy(a + field(probe, "data_len")->offset, &data_len, 2);
	for (int i = 0; i < EVENTS_PER_CPU / 2; i++) {
		uint64_t sk = 0xffff888000000000ULL + (uint64_t)((i * 2 + cpu) % SOCKETS) * 4096;
		uint64_t ts = 1000000000ULL + (uint64_t)i * 50000 + cpu * 1000;

		memcpy(a + field(probe, "skaddr")->offset, &sk, 8);
		memcpy(r + field(adjust, "skaddr")->offset, &sk, 8);
		pg_event(&g, a, 136, ts);	/* the records' sizes on 6.18 */
		pg_event(&g, r, 72, ts + 20000);
	}
	pg_flush(&g, 0);
	free(g.page);
	fflush(g.out);
	rewind(g.out);
	return dup(fileno(g.out));
}

int main(void)
{
	char *use[] = { "arrive=1", "read=1", NULL };	/* the tracepoints, not the kprobes */
	struct plan_opts o = { .instance = "probekit_1", .use = use };
	struct recipe *r = recipe_load("../recipes/tcp-rcvq-latency.json");
	struct bench b = { 0 };
	struct reader rd;
	struct timespec t0, t1;
	struct caps c;
	struct plan p;
	int fds[2];
	double ns;

	if (!r || caps_detect(&c, "fixtures/linux-6.x/sys/kernel/tracing") ||
	    plan_build(&p, r, &c, &o) || decoder_init(&b.dec, &p))
		return 1;
	for (int cpu = 0; cpu < 2; cpu++)
		fds[cpu] = make_pages(plan_find_event(p.tep, "tcp", "tcp_probe"),
				      plan_find_event(p.tep, "tcp", "tcp_rcv_space_adjust"), cpu, 4096);
	latency_init(&b.lat, &r->latency[0]);
	if (reader_open_fds(&rd, fds, 2, 4096))
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (b.records < 2 * EVENTS_PER_CPU) {
		uint64_t before = b.records;

		reader_drain(&rd, on_record, &b);
		if (b.records == before)
			break;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = (t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec);
	printf("bench-decode: %llu records, %llu pairs: %.1f ns per event (read + decode + pair, "
	       "2 CPUs merged)\n", (unsigned long long)b.records, (unsigned long long)b.lat.c.pairs,
	       ns / (double)b.records);
	if (b.records != 2 * EVENTS_PER_CPU || b.lat.c.pairs != EVENTS_PER_CPU) {
		fprintf(stderr, "bench-decode: expected %d records and %d pairs\n",
			2 * EVENTS_PER_CPU, EVENTS_PER_CPU);
		return 1;
	}
	reader_free(&rd);
	latency_free(&b.lat);
	decoder_free(&b.dec);
	plan_free(&p);
	caps_free(&c);
	recipe_free(r);
	return 0;
}
