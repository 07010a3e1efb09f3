// SPDX-License-Identifier: GPL-2.0-or-later
/* The reader on generated ring-buffer pages: CPUs merged in time order, losses signalled. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "pagegen.h"
#include "kernel/reader.h"
#include "test.h"

struct seen {
	unsigned long long ts[64];
	int cpu[64];
	int size[64];
	uint8_t first[64];
	int n;
	int losses;
};

static void record(void *ctx, void *data, int size, unsigned long long ts, int cpu)
{
	struct seen *s = ctx;

	if (s->n < 64) {
		s->ts[s->n] = ts;
		s->size[s->n] = size;
		s->first[s->n] = *(uint8_t *)data;
		s->cpu[s->n++] = cpu;
	}
}

static void lost(void *ctx)
{
	((struct seen *)ctx)->losses++;
}

/* A file of pages holding events at the given timestamps; missed marks the second page. */
static int pages_of(const uint64_t *ts, int n, int per_page, bool missed)
{
	struct pagegen g = { .size = 4096, .off = PG_HDR, .out = tmpfile() };
	uint8_t rec[24] = { 1 };
	int fd;

	g.page = calloc(1, 4096);
	for (int i = 0; i < n; i++) {
		if (i && i % per_page == 0)
			pg_flush(&g, missed && i == per_page);
		pg_event(&g, rec, sizeof(rec), ts[i]);
	}
	pg_flush(&g, 0);
	free(g.page);
	fflush(g.out);
	rewind(g.out);
	fd = dup(fileno(g.out));
	fclose(g.out);
	return fd;
}

static void merges_cpus_in_time_order(void)
{
	/* CPU 0 and CPU 1 interleave; a gap on CPU 1 needs a time-extend event */
	const uint64_t t0[] = { 100, 300, 500, 700, 900, 1100 };
	const uint64_t t1[] = { 200, 250, 600, 1000, 400000000, 400000100 };
	struct seen s = { 0 };
	struct reader rd;
	int fds[2] = { pages_of(t0, 6, 2, false), pages_of(t1, 6, 3, false) };

	CHECK(reader_open_fds(&rd, fds, 2, 4096) == PK_OK);
	reader_drain(&rd, record, &s);
	CHECK(s.n == 12);
	for (int i = 1; i < s.n; i++)
		if (s.ts[i] < s.ts[i - 1]) {
			fprintf(stderr, "    out of order at %d: %llu after %llu\n", i, s.ts[i], s.ts[i - 1]);
			test_failures++;
		}
	CHECK(s.ts[0] == 100 && s.cpu[0] == 0 && s.ts[1] == 200 && s.cpu[1] == 1);
	CHECK(s.ts[11] == 400000100);
	CHECK(rd.cpus[0].loss.missed == 0 && !rd.cpus[0].loss.missed_unknown);
	reader_free(&rd);
}

static void lost_events_are_signalled(void)
{
	const uint64_t t[] = { 10, 20, 30, 40 };
	struct seen s = { 0 };
	struct reader rd;
	int fds[1] = { pages_of(t, 4, 2, true) };

	CHECK(reader_open_fds(&rd, fds, 1, 4096) == PK_OK);
	rd.on_loss = lost;
	rd.loss_ctx = &s;
	reader_drain(&rd, record, &s);
	CHECK(s.n == 4);
	CHECK(s.losses == 1);
	CHECK(rd.cpus[0].loss.missed_unknown);	/* the flag without a stored count */
	reader_free(&rd);
}

/* A file holding one 4 KiB page: its time, commit word and data (size bytes). */
static int page_fd(uint64_t ts, uint64_t commit, const void *data, size_t size)
{
	uint8_t page[4096] = { 0 };
	FILE *f = tmpfile();
	int fd;

	memcpy(page, &ts, 8);
	memcpy(page + 8, &commit, 8);
	memcpy(page + 16, data, size);
	fwrite(page, 1, sizeof(page), f);
	fflush(f);
	rewind(f);
	fd = dup(fileno(f));
	fclose(f);
	return fd;
}

/*
 * After a gap the kernel's first record is often a time extend: the page's
 * stored count of lost events still counts (kbuffer_missed_events() said 0
 * once its load had stepped past the extend).
 */
static void lost_count_before_a_time_extend(void)
{
	/* the records, then the count the kernel stores after them */
	uint32_t w[] = { (3 << 5) | 30, 1, (2 << 5) | 1, 0x44, 7, 0 };
	uint64_t commit = (sizeof(w) - 8) | (1ULL << 31) | (1ULL << 30);
	struct seen s = { 0 };
	struct reader rd;
	int fd = page_fd(100, commit, w, sizeof(w));

	CHECK(reader_open_fds(&rd, &fd, 1, 4096) == PK_OK);
	rd.on_loss = lost;
	rd.loss_ctx = &s;
	reader_drain_all(&rd, record, &s);
	CHECK(s.n == 1 && s.ts[0] == 100 + (1ULL << 27) + 3 + 2);
	CHECK(s.losses == 1);
	CHECK(rd.cpus[0].loss.missed == 7 && !rd.cpus[0].loss.missed_unknown);
	reader_free(&rd);
}

/* Drain one CPU's single page; true if it counted as lost. */
static bool drain_page(const uint8_t *page, struct seen *s)
{
	struct reader rd;
	FILE *f = tmpfile();
	int fd;
	bool lost_page;

	fwrite(page, 1, 4096, f);
	fflush(f);
	rewind(f);
	fd = dup(fileno(f));
	fclose(f);
	CHECK(reader_open_fds(&rd, &fd, 1, 4096) == PK_OK);
	rd.on_loss = lost;
	rd.loss_ctx = s;
	reader_drain(&rd, record, s);
	lost_page = rd.cpus[0].loss.missed_unknown;
	reader_free(&rd);
	return lost_page;
}

/* Corrupt pages from the second review: each would make kbuffer spin or read past the data. */
static void corrupt_padding_and_tails_are_dropped(void)
{
	uint8_t page[4096];
	uint64_t ts = 5, commit = 64, size = 4096 - 16 - 1;
	uint32_t null_pad_back[] = { 1 | (1 << 5), 0xabcd, 29, 0xfffffffc };
	uint32_t null_pad_jump[] = { 29, 4, 1 << 5, 0x10000 };
	uint32_t len = (uint32_t)size - 1 - 4, pad = 29 | (1 << 5);
	struct seen s = { 0 };

	alarm(20);
	memset(page, 0, sizeof(page));
	memcpy(page, &ts, 8);
	memcpy(page + 8, &commit, 8);
	memcpy(page + 16, null_pad_back, sizeof(null_pad_back));
	CHECK(drain_page(page, &s) && s.n == 0);

	memcpy(page + 16, null_pad_jump, sizeof(null_pad_jump));
	CHECK(drain_page(page, &s) && s.n == 0);

	/* a header in the last byte of the data: 112 bytes past its end */
	memset(page, 0, sizeof(page));
	memcpy(page, &ts, 8);
	memcpy(page + 8, &size, 8);
	memcpy(page + 16, &pad, 4);
	memcpy(page + 20, &len, 4);
	page[16 + size - 1] = 28 | (1 << 5);
	CHECK(drain_page(page, &s) && s.n == 0);
	CHECK(s.losses == 3);
	alarm(0);
}

/* Pages from the reader fuzzer (fuzz_reader): corrupt input ends, and counts as loss. */
static void corrupt_pages_end_and_count_as_loss(void)
{
	const uint64_t t[] = { 10, 20, 30 };
	struct seen s = { 0 };
	struct reader rd;
	uint8_t page[4096] = { 0 };
	uint64_t commit = 8000;	/* more data than a page holds: kbuffer would read past it */
	FILE *f = tmpfile();
	int fds[2];

	memcpy(page + 8, &commit, 8);
	fwrite(page, 1, sizeof(page), f);
	fflush(f);
	rewind(f);
	fds[0] = dup(fileno(f));
	fclose(f);
	fds[1] = pages_of(t, 3, 3, false);
	alarm(20);	/* the looping page made the reader spin forever */
	CHECK(reader_open_fds(&rd, fds, 2, 4096) == PK_OK);
	reader_drain(&rd, record, &s);
	CHECK(s.n == 3);	/* the good CPU is read all the same */
	CHECK(rd.cpus[0].loss.missed_unknown);
	reader_free(&rd);

	int fd = open(FIXTURE("fuzz/reader-loop.bin"), O_RDONLY);
	char *pad = calloc(1, 4096);
	FILE *g = tmpfile();
	ssize_t n = read(fd, pad, 4096);

	CHECK(n > 0);
	fwrite(pad, 1, 4096, g);
	fflush(g);
	rewind(g);
	fds[0] = dup(fileno(g));
	fclose(g);
	close(fd);
	free(pad);
	CHECK(reader_open_fds(&rd, fds, 1, 4096) == PK_OK);
	reader_drain(&rd, record, &s);
	reader_free(&rd);

	/* a padding record of length -4 made kbuffer spin on it (found in review) */
	uint32_t words[] = { 1 | (1 << 5), 0xabcd, 29 | (5 << 5), 0xfffffffc };
	uint64_t ts = 5;
	struct seen ps = { 0 };
	FILE *h = tmpfile();

	memset(page, 0, sizeof(page));
	commit = 64;
	memcpy(page, &ts, 8);
	memcpy(page + 8, &commit, 8);
	memcpy(page + 16, words, sizeof(words));
	fwrite(page, 1, sizeof(page), h);
	fflush(h);
	rewind(h);
	fds[0] = dup(fileno(h));
	fclose(h);
	CHECK(reader_open_fds(&rd, fds, 1, 4096) == PK_OK);
	rd.on_loss = lost;
	rd.loss_ctx = &ps;
	reader_drain(&rd, record, &ps);
	CHECK(ps.n == 0 && ps.losses == 1);	/* pairing hears of the dropped page */
	CHECK(rd.cpus[0].loss.missed_unknown);
	reader_free(&rd);
	alarm(0);
}

/*
 * Every record kind the kernel writes, as kbuffer reads them: data of
 * type_len 1-28 and 0 (a length word first), a time extend, an absolute
 * time stamp (its top bits kept from the page's time), a padding record
 * whose delta counts: each data record's time, size and first byte.
 */
static void record_kinds_and_their_times(void)
{
	const uint64_t page_ts = (3ULL << 59) + 1000;
	uint32_t w[] = {
		(5 << 5) | 2, 0x11, 0,			/* data, 8 bytes, +5 */
		((3 << 5) | 30), 1,			/* time extend: +2^27 + 3 */
		(2 << 5) | 1, 0x22,			/* data, 4 bytes, +2 */
		((7 << 5) | 31), 2,			/* stamp: (2 << 27 | 7), high bits kept */
		(4 << 5) | 29, 8, 0,			/* padding: its length word and 4 bytes, +4 */
		(1 << 5) | 0, 4 + 120,			/* type_len 0: 120 bytes, +1 */
	};
	uint8_t data[sizeof(w) + 120] = { 0 };
	struct seen s = { 0 };
	struct reader rd;
	int fd;

	memcpy(data, w, sizeof(w));
	data[sizeof(w)] = 0x33;
	fd = page_fd(page_ts, sizeof(data), data, sizeof(data));
	CHECK(reader_open_fds(&rd, &fd, 1, 4096) == PK_OK);
	reader_drain_all(&rd, record, &s);
	CHECK(s.losses == 0 && !rd.cpus[0].loss.missed_unknown);
	reader_free(&rd);
	CHECK(s.n == 3);
	CHECK(s.ts[0] == page_ts + 5 && s.size[0] == 8 && s.first[0] == 0x11);
	CHECK(s.ts[1] == page_ts + 5 + (1ULL << 27) + 3 + 2 && s.size[1] == 4 && s.first[1] == 0x22);
	CHECK(s.ts[2] == ((3ULL << 59) | (2ULL << 27 | 7)) + 4 + 1);
	CHECK(s.size[2] == 120 && s.first[2] == 0x33);
}

const struct unit_test reader_tests[] = {
	{ "reader: null padding and a header past the data are dropped",
	  corrupt_padding_and_tails_are_dropped },
	{ "reader: corrupt pages (from fuzzing) end, and count as loss",
	  corrupt_pages_end_and_count_as_loss },
	{ "reader: CPUs merged in time order, time extends", merges_cpus_in_time_order },
	{ "reader: a page's lost-events flag is signalled", lost_events_are_signalled },
	{ "reader: a page's lost count before a leading time extend", lost_count_before_a_time_extend },
	{ "reader: record kinds, their sizes and times (as kbuffer reads them)",
	  record_kinds_and_their_times },
	{ NULL, NULL },
};
