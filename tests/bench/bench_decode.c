// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * make bench-decode: nanoseconds per event for reading ring-buffer pages,
 * decoding records and pairing them, on generated pages of tcp_probe and
 * tcp_rcv_space_adjust records (the tcp-rcvq-latency recipe, formats of a
 * 6.x kernel from the fixtures), two CPUs merged in time order, in 64 KiB
 * sub-buffers as a run reads them on 6.8+. Through the engine, as a run
 * goes: reader, decoder, enrichers, every analysis, a sink.
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <event-parse.h>

#include "engine/engine.h"
#include "engine/registry.h"
#include "kernel/caps.h"
#include "kernel/reader.h"
#include "output/capture_writer.h"
#include "output/flight.h"
#include "output/flight_ring.h"
#include "pagegen.h"

#define EVENTS_PER_CPU 400000
#define SOCKETS 1024
/* the sub-buffer a run reads on 6.8+ (buffer_subbuf_size_kb 64); -DSUBBUF=4096: older kernels */
#ifndef SUBBUF
#define SUBBUF 65536
#endif

/* A sink that keeps the latency report's pair count: the benchmark's check. */
static json_int_t pairs = -1;

static void no_record(struct sink *s, const struct record *rec, const char *type,
		      const char *analysis)
{
	(void)s, (void)rec, (void)type, (void)analysis;
}

static void keep_pairs(struct sink *s, const struct report_view *v)
{
	json_t *obj = v->json(v->self, &s->fc);

	if (!strcmp(json_string_value(json_object_get(obj, "type")), "latency"))
		pairs = json_integer_value(json_object_get(obj, "pairs"));
	json_decref(obj);
}

static const struct sink_ops check_sink = { .name = "check", .record = no_record,
					    .report = keep_pairs };

static void count_record(void *ctx, void *data, int size, unsigned long long ts, int cpu)
{
	(void)data, (void)size, (void)ts, (void)cpu;
	(*(uint64_t *)ctx)++;
}

static double seconds(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* The same pages through the reader alone: its share of the figure. */
static double read_only_ns(const int *fds, int n)
{
	struct reader rd = { 0 };
	struct timespec t0, t1;
	uint64_t records = 0;

	int dups[2];

	for (int i = 0; i < n && i < 2; i++) {
		lseek(fds[i], 0, SEEK_SET);
		dups[i] = dup(fds[i]);
	}
	if (reader_open_fds(&rd, dups, n, SUBBUF))
		return -1;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	reader_drain_all(&rd, count_record, &records);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
	reader_close(&rd);
	reader_free(&rd);
	return records ? seconds(&t0, &t1) * 1e9 / (double)records : -1;
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
	/* in memory: a file's pages may be reclaimed between runs, and their reads timed */
	struct pagegen g = { .size = page_size, .off = PG_HDR,
			     .out = fdopen(memfd_create("pages", 0), "w+") };
	uint16_t data_len = 100, id;
	int probe_sk = field(probe, "skaddr")->offset, adjust_sk = field(adjust, "skaddr")->offset;

	g.page = calloc(1, page_size);
	id = probe->id;
	memcpy(a, &id, 2);
	id = adjust->id;
	memcpy(r, &id, 2);
	memcpy(a + field(probe, "data_len")->offset, &data_len, 2);
	for (int i = 0; i < EVENTS_PER_CPU / 2; i++) {
		uint64_t sk = 0xffff888000000000ULL + (uint64_t)((i * 2 + cpu) % SOCKETS) * 4096;
		uint64_t ts = 1000000000ULL + (uint64_t)i * 50000 + cpu * 1000;

		memcpy(a + probe_sk, &sk, 8);
		memcpy(r + adjust_sk, &sk, 8);
		pg_event(&g, a, 136, ts);	/* the records' sizes on 6.18 */
		pg_event(&g, r, 72, ts + 20000);
	}
	pg_flush(&g, 0);
	free(g.page);
	fflush(g.out);
	rewind(g.out);
	return dup(fileno(g.out));
}

/*
 * One pass of the pages through an engine, as a run goes (or, with fl, as a
 * monitor with the flight recorder: every event and pair formatted into its
 * ring); ns per event, or -1.
 */
static double engine_pass(struct plan *p, const struct recipe *r, const int *pages,
			  struct flight *fl)
{
	struct engine_opts eo = { .n_page_fds = 2, .page_size = SUBBUF };
	struct analysis_opts ao = { .threshold = fl != NULL };
	struct sink *observer = NULL;
	FILE *null = NULL;
	struct timespec t0, t1;
	struct engine *e;
	struct sink *sink;
	uint64_t records;
	int fds[2], status;

	for (int i = 0; i < 2; i++) {	/* the engine closes its files: dups, at the start */
		lseek(pages[i], 0, SEEK_SET);
		fds[i] = dup(pages[i]);
	}
	eo.page_fds = fds;
	eo.analysis = &ao;
	pairs = -1;
	if (fl) {
		null = fopen("/dev/null", "w");
		sink = flight_sink(fl, 0, null);	/* its summary text goes nowhere */
		observer = flight_observer(fl, 0);
		eo.observers = &observer;
	} else {
		sink = sink_open(&check_sink, r, stdout, false);
	}
	e = engine_open(p, sink, &eo, &status);
	if (!e)
		return -1;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	while (engine_poll(e))
		;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
	records = engine_records(e);
	engine_report(e);
	engine_close(e);
	sink_close(sink);
	sink_close(observer);
	if (null)
		fclose(null);
	if (fl)
		pairs = EVENTS_PER_CPU;	/* the recorder's summary is text: checked by the plain passes */
	if (records != 2 * EVENTS_PER_CPU || pairs != EVENTS_PER_CPU) {
		fprintf(stderr, "bench-decode: %llu records and %lld pairs, expected %d and %d\n",
			(unsigned long long)records, (long long)pairs, 2 * EVENTS_PER_CPU, EVENTS_PER_CPU);
		return -1;
	}
	return seconds(&t0, &t1) * 1e9 / (double)records;
}

/* The same with the flight recorder (monitor --record): what keeping every event costs. */
static int record_pass(struct plan *p, const struct recipe *r, const int *pages)
{
	char dir[] = "/tmp/bench-record.XXXXXX", *triggers[] = { "tcp-rcvq-latency > 1h", NULL };
	const struct recipe *set[1] = { r };
	struct flight_opts fo = { .dir = dir, .before_ns = 10000000000ULL, .ring_bytes = 64 << 20,
				  .gap_ns = 60000000000ULL, .max_captures = 1,
				  .max_total_bytes = 64 << 20, .triggers = triggers };
	double best = -1;
	int status;

	if (!mkdtemp(dir))
		return 1;
	for (int i = 0; i < 3; i++) {
		struct flight *fl = flight_open(&fo, set, 1, &status);
		double ns = fl ? engine_pass(p, r, pages, fl) : -1;

		flight_close(fl);
		if (ns < 0)
			return 1;
		best = best < 0 || ns < best ? ns : best;
	}
	rmdir(dir);
	printf("bench-decode: with the flight recorder (monitor --record): %.1f ns of CPU per event "
	       "(every event and pair copied into its ring, formatted only into a capture; best of 3)\n", best);
	return 0;
}

static bool fill_nothing(void *ctx, FILE *f)
{
	(void)ctx;
	return fputs("{}\n", f) >= 0;
}

/*
 * What a capture costs the read loop: the fork of the writer process, with
 * the recorder's default 64 MiB ring resident (its page tables are copied);
 * the formatting and the fdatasync are the child's.
 */
static int capture_start_pass(void)
{
	char dir[] = "/tmp/bench-capture.XXXXXX";
	struct flight_ring ring;
	double best = -1;

	if (!mkdtemp(dir))
		return 1;
	flight_ring_init(&ring, 64 << 20);
	for (int i = 0; i < 5; i++) {
		struct capture_writer w = { 0 };
		struct timespec t0, t1;
		int err;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (!capture_writer_start(&w, xasprintf("%s/c", dir), xasprintf("%s/.c.tmp", dir),
					  fill_nothing, NULL))
			return 1;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (capture_writer_wait(&w, 10000000000LL, &err) != 1)
			return 1;
		unlink(w.path);
		capture_writer_free(&w);
		best = best < 0 || seconds(&t0, &t1) < best ? seconds(&t0, &t1) : best;
	}
	flight_ring_free(&ring);
	rmdir(dir);
	printf("bench-decode: a capture costs the read loop %.2f ms (the writer process's fork, "
	       "64 MiB ring resident; best of 5); formatting and syncing are the writer's\n",
	       best * 1e3);
	return 0;
}

/*
 * PASSES passes, each timed in this thread's CPU time (user and system: the
 * kernel's copy of the pages counts, time the host gave to others does not);
 * the best is the figure (a busy host only adds), the others are printed
 * beside it.
 */
#define PASSES 5

int main(void)
{
	char *use[] = { "arrive=1", "read=1", NULL };	/* the tracepoints, not the kprobes */
	struct plan_opts o = { .instance = "probekit_1", .use = use };
	struct recipe *r = recipe_load("../recipes/tcp-rcvq-latency.json");
	double ns[PASSES], best = 0, reading = -1;
	struct caps c;
	struct plan p;
	int pages[2];

	if (!r || caps_detect(&c, "fixtures/linux-6.x/sys/kernel/tracing") ||
	    plan_build(&p, r, &c, &o))
		return 1;
	for (int cpu = 0; cpu < 2; cpu++)
		pages[cpu] = make_pages(plan_find_event(p.tep, "tcp", "tcp_probe"),
					plan_find_event(p.tep, "tcp", "tcp_rcv_space_adjust"), cpu, SUBBUF);
	for (int i = 0; i < PASSES; i++) {
		double rd;

		if ((ns[i] = engine_pass(&p, r, pages, NULL)) < 0)
			return 1;
		best = !i || ns[i] < best ? ns[i] : best;
		rd = read_only_ns(pages, 2);
		reading = reading < 0 || rd < reading ? rd : reading;
	}
	printf("bench-decode: %d records, %d pairs: %.1f ns of CPU per event (read + decode + enrich + "
	       "analyses, 2 CPUs merged; best of %d:", 2 * EVENTS_PER_CPU, EVENTS_PER_CPU, best, PASSES);
	for (int i = 0; i < PASSES; i++)
		printf(" %.1f", ns[i]);
	printf("), of which %.1f reading pages (the kernel's copy and the sub-buffer walk)\n", reading);
	if (record_pass(&p, r, pages) || capture_start_pass())
		return 1;
	for (int i = 0; i < 2; i++)
		close(pages[i]);
	plan_free(&p);
	caps_free(&c);
	recipe_free(r);
	return 0;
}
