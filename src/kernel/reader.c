// SPDX-License-Identifier: GPL-2.0-or-later
/* Per-CPU trace_pipe_raw: binary sub-buffers, their records in time order; lost events counted, never silent. */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <kbuffer.h>
#include <tracefs.h>

#include "kernel/reader.h"
#include "util/clock.h"

/* a record stamped this long after our latest read: the two clocks disagree */
#define HOLD_CLOCK_SKEW_NS 1000000000ULL

/* zeros after a page: kbuffer peeks at an event header at the data's end */
#define PAGE_SLACK 64

/*
 * Sub-buffers are read in batches of 64 KiB: with 4 KiB pages (kernels
 * before 6.8, or that refuse buffer_subbuf_size_kb) a read per page was
 * half of a run's cost per event on a busy host (a system call each).
 */
#define BATCH_BYTES 65536

static int batch_size(int page_size)
{
	return page_size >= BATCH_BYTES ? page_size : BATCH_BYTES / page_size * page_size;
}

static void alloc_batch(struct reader *rd, struct cpu_reader *cr)
{
	cr->batch = xcalloc(1, (size_t)rd->batch_size + PAGE_SLACK);
	cr->batch_len = cr->batch_off = 0;
}

/*
 * A pipe to splice whole sub-buffers through: the kernel moves up to a batch
 * of them in one call, and one read takes them all. Without it (no pipe,
 * or a splice the kernel refuses) sub-buffers are read one by one.
 */
static void open_splice_pipe(struct reader *rd, struct cpu_reader *cr)
{
	cr->pipe[0] = cr->pipe[1] = -1;
	if (rd->batch_size <= rd->page_size)	/* one sub-buffer a batch: a read does it */
		return;
	if (pipe2(cr->pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		cr->pipe[0] = cr->pipe[1] = -1;
		return;
	}
	if (fcntl(cr->pipe[1], F_GETPIPE_SZ) < rd->batch_size &&
	    fcntl(cr->pipe[1], F_SETPIPE_SZ, rd->batch_size) < rd->batch_size) {
		close(cr->pipe[0]);
		close(cr->pipe[1]);
		cr->pipe[0] = cr->pipe[1] = -1;
	}
}

static void close_splice_pipe(struct cpu_reader *cr)
{
	for (int i = 0; i < 2; i++)
		if (cr->pipe[i] >= 0)
			close(cr->pipe[i]);
	cr->pipe[0] = cr->pipe[1] = -1;
}

static int open_cpu(struct reader *rd, int cpu, struct cpu_reader *cr)
{
	char rel[64];
	char *path;

	snprintf(rel, sizeof(rel), "per_cpu/cpu%d/trace_pipe_raw", cpu);
	path = tracefs_instance_get_file(rd->inst, rel);
	cr->cpu = cpu;
	cr->fd = path ? open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) : -1;
	tracefs_put_tracing_file(path);
	if (cr->fd < 0)
		return -1;	/* offline or absent CPU */
	cr->tcpu = tracefs_cpu_alloc_fd(cr->fd, rd->page_size, true);
	cr->kbuf = kbuffer_alloc(KBUFFER_LSIZE_SAME_AS_HOST, KBUFFER_ENDIAN_SAME_AS_HOST);
	if (!cr->tcpu || !cr->kbuf) {
		if (cr->tcpu)
			tracefs_cpu_free_fd(cr->tcpu);
		if (cr->kbuf)
			kbuffer_free(cr->kbuf);
		close(cr->fd);
		return -1;
	}
	alloc_batch(rd, cr);
	open_splice_pipe(rd, cr);
	return 0;
}

int reader_open_fds(struct reader *rd, const int *fds, int n, int page_size)
{
	memset(rd, 0, sizeof(*rd));
	rd->hold_clock = -1;
	rd->page_size = page_size;
	rd->batch_size = batch_size(page_size);
	rd->cpus = xcalloc(n, sizeof(*rd->cpus));
	for (int i = 0; i < n; i++) {
		struct cpu_reader *cr = &rd->cpus[rd->n_cpus];

		cr->cpu = i;
		cr->fd = fds[i];
		cr->tcpu = tracefs_cpu_alloc_fd(fds[i], page_size, true);
		cr->kbuf = kbuffer_alloc(KBUFFER_LSIZE_SAME_AS_HOST, KBUFFER_ENDIAN_SAME_AS_HOST);
		cr->pipe[0] = cr->pipe[1] = -1;	/* files: read as they are */
		if (!cr->tcpu || !cr->kbuf)
			return PK_ERR_RUNTIME;
		alloc_batch(rd, cr);
		rd->n_cpus++;
	}
	return PK_OK;
}

int reader_open(struct reader *rd, struct tracefs_instance *inst)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	long long subbuf_kb = 0;

	memset(rd, 0, sizeof(*rd));
	rd->hold_clock = -1;
	rd->inst = inst;
	/* sub-buffers may be larger than a page (buffer_subbuf_size_kb, 6.8+) */
	if (tracefs_instance_file_read_number(inst, "buffer_subbuf_size_kb", &subbuf_kb) == 0 &&
	    subbuf_kb > 0)
		rd->page_size = (int)subbuf_kb * 1024;
	else
		rd->page_size = getpagesize();
	rd->batch_size = batch_size(rd->page_size);
	rd->cpus = xcalloc(ncpu, sizeof(*rd->cpus));
	for (int cpu = 0; cpu < ncpu; cpu++) {
		if (open_cpu(rd, cpu, &rd->cpus[rd->n_cpus]) == 0)
			rd->n_cpus++;
	}
	if (!rd->n_cpus) {
		pk_error("cannot open any per_cpu/cpuN/trace_pipe_raw: %s", strerror(errno));
		return PK_ERR_RUNTIME;
	}
	return PK_OK;
}

void reader_wait(struct reader *rd, int timeout_ms)
{
	struct pollfd pfd[256];
	int n = rd->n_cpus < 256 ? rd->n_cpus : 256;

	for (int i = 0; i < n; i++)
		pfd[i] = (struct pollfd){ .fd = rd->cpus[i].fd, .events = POLLIN };
	poll(pfd, n, timeout_ms);
}

/*
 * Sub-buffer header: timestamp, then commit (a long) whose low 27 bits are the
 * data size and high bits flags. Then records, each a 32-bit header of
 * type_len (5 bits) and time delta: 1-28 data of type_len * 4 bytes; 0 data
 * whose length word follows; 29 padding, stepped over by its length word
 * (kbuffer knows no "rest of page" padding inside the data, nor does the
 * kernel write one there); 30/31 time extend / stamp, 8 bytes.
 */
#define COMMIT_SIZE_MASK ((1U << 27) - 1)

static unsigned record_type(uint32_t hdr)
{
	/* a bitfield: type_len is the low 5 bits on little-endian, the high 5 on big */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return hdr >> 27;
#else
	return hdr & 31;
#endif
}

/* Bytes from this record to the next, as kbuffer will step; 0 if it cannot. */
static uint64_t record_step(const uint8_t *rec, uint64_t left)
{
	uint32_t hdr, len = 0;
	unsigned type;

	if (left < 4)
		return 0;
	memcpy(&hdr, rec, 4);
	type = record_type(hdr);
	if (type >= 1 && type <= 28)
		return 4 + type * 4;
	if (type == 30 || type == 31)
		return 8;
	if (left < 8)
		return 0;
	memcpy(&len, rec + 4, 4);
	if (type == 29)
		return 4 + (uint64_t)len;
	return len < 4 ? 0 : 8 + (((uint64_t)len - 4 + 3) & ~3ULL);
}

/*
 * kbuffer trusts the page: a commit larger than the page reads past it, and a
 * padding record of length -4 makes it spin on the same record forever. Walk
 * the headers first; a page whose records do not each move forward inside
 * the committed data is not handed to kbuffer (kernel pages always pass).
 */
static bool page_sane(const struct reader *rd, const void *page)
{
	const uint8_t *data = (const uint8_t *)page + 8 + sizeof(long);
	unsigned long commit;
	uint64_t size, off = 0;

	memcpy(&commit, (const char *)page + 8, sizeof(commit));
	size = commit & COMMIT_SIZE_MASK;
	if (8 + sizeof(long) + size > (size_t)rd->page_size)
		return false;
	while (off < size) {	/* kbuffer reads a header wherever off < size */
		uint64_t step = record_step(data + off, size - off);

		if (!step || off + step > size)
			return false;
		off += step;
	}
	return true;
}

/* A page we cannot trust: what it held is lost, and pairing must know. */
static void note_corrupt_page(struct reader *rd, struct cpu_reader *cr)
{
	cr->loss.missed_unknown = true;
	if (rd->on_loss)
		rd->on_loss(rd->loss_ctx);
}

/* The 27-bit time delta beside type_len in a record header. */
static uint32_t record_delta(uint32_t hdr)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return hdr & ((1U << 27) - 1);
#else
	return hdr >> 5;
#endif
}

/* the high bits of a time, which an absolute time-stamp record does not carry */
#define TS_MSB (0x1fULL << 59)

/*
 * The next data record of the loaded sub-buffer into cr->cur, len and ts;
 * false at its end. Time extends, absolute stamps and padding are stepped
 * over, their times applied, as kbuffer does. Written here rather than
 * kbuffer_next_event(): this runs for every record, and Debian builds
 * libtraceevent without optimisation (-O0: ~240 instructions a record,
 * a fifth of probekit's whole cost per event); page_sane() has already
 * checked each step of the walk.
 */
static bool walk(struct cpu_reader *cr)
{
	while (cr->off < cr->size) {
		const uint8_t *rec = cr->data + cr->off;
		uint32_t hdr, word;
		unsigned type;

		memcpy(&hdr, rec, 4);
		type = record_type(hdr);
		cr->off += (uint32_t)record_step(rec, cr->size - cr->off);
		switch (type) {
		case 29:	/* padding */
			cr->ts += record_delta(hdr);
			continue;
		case 30:	/* time extend */
			memcpy(&word, rec + 4, 4);
			cr->ts += ((uint64_t)word << 27) + record_delta(hdr);
			continue;
		case 31:	/* absolute time stamp: the low 59 bits */
			memcpy(&word, rec + 4, 4);
			cr->ts = ((uint64_t)word << 27 | record_delta(hdr)) | (cr->ts & TS_MSB);
			continue;
		case 0:		/* the length word first (itself included) */
			cr->ts += record_delta(hdr);
			cr->cur = (void *)(rec + 8);
			memcpy(&word, rec + 4, 4);
			cr->len = (int)((word - 4 + 3) & ~3U);
			return true;
		default:
			cr->ts += record_delta(hdr);
			cr->cur = (void *)(rec + 4);
			cr->len = (int)type * 4;
			return true;
		}
	}
	cr->cur = NULL;
	return false;
}

/* All of n bytes from fd into buf (a pipe holding them); the count read. */
static ssize_t read_all(int fd, uint8_t *buf, ssize_t n)
{
	ssize_t got = 0, r;

	while (got < n && ((r = read(fd, buf + got, (size_t)(n - got))) > 0 || (r < 0 && errno == EINTR)))
		got += r > 0 ? r : 0;
	return got;
}

/*
 * The next batch of sub-buffers into cr->batch; false when there is none now.
 * Live: the full ones spliced through the pipe, else the one being written
 * (splice moves only full sub-buffers; a read takes a partial one). Files
 * (tests, benchmarks): as many whole pages as a batch holds.
 */
static bool fill(struct reader *rd, struct cpu_reader *cr)
{
	ssize_t n = 0;

	cr->batch_len = cr->batch_off = 0;
	if (cr->pipe[0] >= 0) {
		n = splice(cr->fd, NULL, cr->pipe[1], NULL, (size_t)rd->batch_size,
			   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n > 0) {
			ssize_t got = read_all(cr->pipe[0], cr->batch, n);

			if (got < n) {	/* what stays in the pipe would misalign the next batch */
				close_splice_pipe(cr);
				cr->loss.missed_unknown = true;
				if (rd->on_loss)
					rd->on_loss(rd->loss_ctx);
			}
			n = got / rd->page_size * rd->page_size;
		}
		else if (n < 0 && errno != EAGAIN && errno != EINTR)
			close_splice_pipe(cr);	/* refused: read one by one from now on */
	} else if (!rd->inst) {
		n = read(cr->fd, cr->batch, (size_t)rd->batch_size);
		n = n > 0 ? n / rd->page_size * rd->page_size : 0;
	}
	if (n <= 0 && (n = tracefs_cpu_read(cr->tcpu, cr->batch, true)) > 0 && n < rd->page_size) {
		memset(cr->batch + n, 0, (size_t)(rd->page_size - n));	/* no bytes of an older page */
		n = rd->page_size;
	}
	cr->batch_len = n > 0 ? (int)n : 0;
	return cr->batch_len > 0;
}

/*
 * Events the kernel lost before this sub-buffer (commit's high bits): -1
 * when it says some were but not how many. Read here, not with
 * kbuffer_missed_events(), which answers 0 once its load stepped past a
 * leading time extend, as a sub-buffer after a gap often has.
 */
#define COMMIT_MISSED (1UL << 31)
#define COMMIT_MISSED_STORED (1UL << 30)

static long page_missed(const struct reader *rd, const void *page)
{
	unsigned long commit, size;
	long count;

	memcpy(&commit, (const char *)page + 8, sizeof(commit));
	if (!(commit & COMMIT_MISSED))
		return 0;
	size = commit & COMMIT_SIZE_MASK;
	if (!(commit & COMMIT_MISSED_STORED) ||
	    8 + sizeof(long) + size + sizeof(long) > (unsigned long)rd->page_size)
		return -1;
	memcpy(&count, (const char *)page + 8 + sizeof(long) + size, sizeof(count));
	return count > 0 ? count : -1;
}

/* Load this CPU's next sub-buffer; false when none is available now. */
static bool next_page(struct reader *rd, struct cpu_reader *cr)
{
	long missed;
	uint64_t asked;

	do {
		if (cr->batch_off >= cr->batch_len) {
			/* stamped before the read: what it does not return was stamped after, or is late */
			asked = rd->hold_clock >= 0 ? (uint64_t)clock_ns(rd->hold_clock) : 0;
			if (!fill(rd, cr)) {
				cr->empty_at = asked;
				return false;
			}
		}
		cr->page = cr->batch + cr->batch_off;
		cr->batch_off += rd->page_size;
		if (!page_sane(rd, cr->page)) {
			note_corrupt_page(rd, cr);
			continue;
		}
		/* kbuffer reads the header: its time and data size */
		if (kbuffer_load_subbuffer(cr->kbuf, cr->page) < 0)
			return false;
		missed = page_missed(rd, cr->page);
		if (missed > 0)
			cr->loss.missed += missed;
		else if (missed < 0)
			cr->loss.missed_unknown = true;
		if (missed && rd->on_loss)
			rd->on_loss(rd->loss_ctx);
		cr->data = (const uint8_t *)cr->page + 8 + sizeof(long);
		cr->size = (uint32_t)kbuffer_subbuffer_size(cr->kbuf);
		cr->off = 0;
		cr->ts = kbuffer_subbuf_timestamp(cr->kbuf, cr->page);
	} while (!walk(cr));
	return true;
}

static void advance(struct reader *rd, struct cpu_reader *cr, int *pages)
{
	if (!walk(cr) && (*pages)-- > 0)
		next_page(rd, cr);
}

/* The newest record time every CPU is known to be complete to (UINT64_MAX: no bound). */
static uint64_t complete_to(const struct reader *rd)
{
	uint64_t bound = UINT64_MAX;

	for (int i = 0; i < rd->n_cpus; i++) {
		const struct cpu_reader *cr = &rd->cpus[i];
		uint64_t t = cr->empty_at > rd->hold_ns ? cr->empty_at - rd->hold_ns : 0;

		if (!cr->cur && t < bound)
			bound = t;
	}
	return bound;
}

/*
 * Hold best back for the next drain? Not when our clock and the trace clock
 * disagree (a time namespace offsets CLOCK_MONOTONIC; a record stamped well
 * after the latest read): held records would never be released, so time
 * order across CPUs is given up instead.
 */
static bool held(struct reader *rd, const struct cpu_reader *best, uint64_t bound)
{
	uint64_t latest = 0;

	if (rd->hold_clock < 0 || best->ts <= bound)
		return false;
	for (int i = 0; i < rd->n_cpus; i++)
		if (rd->cpus[i].empty_at > latest)
			latest = rd->cpus[i].empty_at;
	if (latest && best->ts > latest + HOLD_CLOCK_SKEW_NS) {
		rd->hold_clock = -1;
		return false;
	}
	return true;
}

static void drain(struct reader *rd, record_fn fn, void *ctx, bool hold)
{
	/* bounded while tracing, so that a flood cannot keep us from signals and the clock */
	int pages = hold ? 1024 * rd->n_cpus : INT_MAX;
	uint64_t bound;

	for (int i = 0; i < rd->n_cpus; i++)
		if (!rd->cpus[i].cur)
			next_page(rd, &rd->cpus[i]);
	bound = hold && rd->hold_clock >= 0 ? complete_to(rd) : UINT64_MAX;
	for (;;) {
		struct cpu_reader *best = NULL;
		uint64_t others = UINT64_MAX;	/* the oldest record any other CPU holds */

		for (int i = 0; i < rd->n_cpus; i++) {
			struct cpu_reader *cr = &rd->cpus[i];

			if (!cr->cur)
				continue;
			if (!best || cr->ts < best->ts) {
				others = best && best->ts < others ? best->ts : others;
				best = cr;
			} else if (cr->ts < others) {
				others = cr->ts;
			}
		}
		/*
		 * A run of best's records up to the others' oldest goes without a
		 * new scan: on a host of many CPUs, a scan per record would cost
		 * more than the record.
		 */
		do {
			/* a CPU found empty may still deliver older records: the next drain's */
			if (!best || (hold && held(rd, best, bound)))
				return;
			/* page_sane() saw this record inside the page's committed data */
			fn(ctx, best->cur, best->len, best->ts, best->cpu);
			advance(rd, best, &pages);
			if (hold && !best->cur && rd->hold_clock >= 0)	/* went empty: a new bound */
				bound = complete_to(rd);
		} while (best->cur && best->ts <= others);
	}
}

void reader_drain(struct reader *rd, record_fn fn, void *ctx)
{
	drain(rd, fn, ctx, true);
}

void reader_drain_all(struct reader *rd, record_fn fn, void *ctx)
{
	drain(rd, fn, ctx, false);
}

uint64_t stats_value(const char *text, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, name, len) && p[len] == ':')
			return strtoull(p + len + 1, NULL, 10);
	return 0;
}

void reader_read_stats(struct reader *rd)
{
	for (int i = 0; i < rd->n_cpus; i++) {
		struct cpu_reader *cr = &rd->cpus[i];
		char rel[64], *text;

		snprintf(rel, sizeof(rel), "per_cpu/cpu%d/stats", cr->cpu);
		text = tracefs_instance_file_read(rd->inst, rel, NULL);
		cr->loss.overrun = stats_value(text, "overrun");
		cr->loss.dropped = stats_value(text, "dropped events");
		free(text);
	}
}

/* "dropped events" are those refused when overwrite is off: added to the larger view. */
uint64_t reader_lost_total(const struct reader *rd)
{
	uint64_t total = 0;

	for (int i = 0; i < rd->n_cpus; i++)
		total += cpu_loss_total(&rd->cpus[i].loss);
	return total;
}

void reader_loss_report(const struct reader *rd, struct loss_report *lr)
{
	lr->total = reader_lost_total(rd);
	lr->n_cpus = rd->n_cpus;
	lr->cpus = xcalloc(rd->n_cpus, sizeof(*lr->cpus));
	for (int i = 0; i < rd->n_cpus; i++) {
		lr->cpus[i] = rd->cpus[i].loss;
		lr->cpus[i].cpu = rd->cpus[i].cpu;
	}
}

void reader_close(struct reader *rd)
{
	for (int i = 0; i < rd->n_cpus; i++) {
		struct cpu_reader *cr = &rd->cpus[i];

		if (cr->fd < 0)
			continue;
		tracefs_cpu_free_fd(cr->tcpu);	/* leaves the fd open */
		close(cr->fd);
		kbuffer_free(cr->kbuf);
		close_splice_pipe(cr);
		free(cr->batch);
		cr->fd = -1;
		cr->tcpu = NULL;
		cr->kbuf = NULL;
		cr->batch = NULL;
		cr->page = NULL;
		cr->cur = NULL;
	}
}

void reader_free(struct reader *rd)
{
	reader_close(rd);
	free(rd->cpus);
	rd->cpus = NULL;
	rd->n_cpus = 0;
}
