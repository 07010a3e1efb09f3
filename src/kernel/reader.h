/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_READER_H
#define PROBEKIT_READER_H

#include "kernel/loss.h"
#include "util/util.h"

struct tracefs_instance;
struct tracefs_cpu;
struct kbuffer;

struct cpu_reader {
	int cpu;
	int fd;
	struct tracefs_cpu *tcpu;
	struct cpu_loss loss;
	int pipe[2];		/* live: whole sub-buffers are spliced through it (-1: files) */
	uint8_t *batch;		/* sub-buffers read at once: batch_len bytes, from batch_off on unread */
	int batch_len, batch_off;
	void *page;		/* the sub-buffer being walked (in batch) */
	struct kbuffer *kbuf;
	void *cur;		/* next record of this CPU, NULL when drained */
	int len;		/* its size */
	unsigned long long ts;	/* its time */
	const uint8_t *data;	/* the sub-buffer's records, size bytes (page_sane() checked) */
	uint32_t size, off;	/* off: the record after cur */
	uint64_t empty_at;	/* trace clock when a read last found nothing */
};

typedef void (*record_fn)(void *ctx, void *data, int size, unsigned long long ts, int cpu);

struct reader {
	struct tracefs_instance *inst;
	struct cpu_reader *cpus;
	int n_cpus;
	int page_size;
	int batch_size;		/* bytes of sub-buffers one read takes: a whole number of them */
	void (*on_loss)(void *ctx);	/* a page says events were lost */
	void *loss_ctx;
	/*
	 * Time order across CPUs (set when the trace clock is a clock user space
	 * can read, e.g. CLOCK_MONOTONIC for mono; -1: none): a CPU found empty
	 * at time T may still commit events stamped a little before T, so a drain
	 * hands over records only up to the oldest such T less hold_ns, and
	 * keeps the newer ones for the next drain. Without it, an event of one
	 * CPU can come after a later one of another (a connection's first data
	 * before its handshake).
	 */
	int hold_clock;
	uint64_t hold_ns;
};

/* Open per_cpu/cpuN/trace_pipe_raw of every CPU, non-blocking. */
int reader_open(struct reader *rd, struct tracefs_instance *inst);
/* The same over files of ring-buffer pages, one per CPU (tests, benchmarks); takes the fds. */
int reader_open_fds(struct reader *rd, const int *fds, int n, int page_size);
/* Wait up to timeout_ms for data; interrupted by signals. */
void reader_wait(struct reader *rd, int timeout_ms);
/* Hand the records available now to fn, merged across CPUs in time order (see hold_clock). */
void reader_drain(struct reader *rd, record_fn fn, void *ctx);
/* Every record left, none held back (tracing is off: nothing older can come). */
void reader_drain_all(struct reader *rd, record_fn fn, void *ctx);
/* Read the ring buffer's overrun/dropped counters (before the instance goes). */
void reader_read_stats(struct reader *rd);
uint64_t reader_lost_total(const struct reader *rd);
/* Copy the loss counts out (the reader may go first); free lr->cpus. */
void reader_loss_report(const struct reader *rd, struct loss_report *lr);
/* Close the files (the instance cannot go while they are open); the loss counts stay. */
void reader_close(struct reader *rd);
void reader_free(struct reader *rd);

/* Parse "name: N" from a per_cpu stats text. */
uint64_t stats_value(const char *text, const char *name);

#endif
