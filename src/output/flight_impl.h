/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_FLIGHT_IMPL_H
#define PROBEKIT_FLIGHT_IMPL_H

/*
 * The flight recorder's insides, shared by its files and nothing else:
 * flight.c (the ring kept, triggers, the recorder's life), flight_capture.c
 * (a capture: its window, header and lines, written by a child process;
 * the directory's bounds) and flight_hook.c (the --on-trigger command).
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "output/capture_writer.h"
#include "output/flight.h"
#include "output/flight_ring.h"
#include "output/flight_trigger.h"

#define CAPTURE_PREFIX "probekit-capture-"
#define CAPTURE_SUFFIX ".ndjson"
#define SCRATCH_BYTES 65536
/* A capture is written this long after its after-time even if no later event came. */
#define QUIET_SLACK_NS 1000000000LL
#define CLOSE_WAIT_NS 5000000000LL
/* At the end, the captures being written and the command get this long in all (systemd's
 * TimeoutStopSec is 30 s); at a reload, a pending capture waits this long for the writer. */
#define STOP_WAIT_NS 20000000000LL
#define RELOAD_WAIT_NS 5000000000LL
/* A writer still at it after this long is stuck (a hung disk): killed, the capture counted failed. */
#define WRITER_LIMIT_NS 300000000000LL

/* One recipe's sink context: the pipeline's, or the observer's. */
struct flight_recipe {
	struct flight *fl;
	int k;
	bool observer;
	struct sink *ndjson;	/* formats into the scratch buffer */
	struct format_ctx fc;	/* the recipe's, for lines formatted later */
};

/*
 * A ring entry: the record as decoded, its values copied and their strings
 * after them (formatting waits for a capture: a line per event cost 1.4 us,
 * a copy costs a tenth of that).
 */
struct kept_record {
	uint64_t ts;
	int32_t event, cpu;
	int32_t n_values;
	const char *type, *analysis;	/* static strings and the recipe's names */
};

struct pending {
	bool active;
	const struct flight_trigger *t;
	uint64_t fire_ts;		/* trace clock */
	int64_t fire_mono;
	struct timespec wall;
	int folded;			/* further triggers while it waited */
	char *line;			/* the line that fired it */
};

struct flight {
	struct flight_opts o;
	const struct recipe **recipes;	/* a copy of the caller's array */
	int n;
	json_t **plans;
	struct flight_recipe *ctx;	/* 2n: pipeline sinks, then observers */
	struct flight_trigger *trig;
	int n_trig;
	struct flight_ring ring;
	char *scratch;			/* a line formatted: a capture's, the firing one */
	FILE *scratch_f;
	uint8_t *blob;			/* the entry being kept */
	size_t blob_cap;
	struct value *values;		/* a kept record's values, to format it */
	int values_cap;
	uint64_t now_ts;		/* the newest event's time */
	struct pending p;
	int64_t last_fire_mono;		/* of the last capture; 0: none yet */
	uint64_t captures, suppressed, folded, failed, too_long;
	pid_t hook;
	int64_t hook_deadline;
	struct capture_writer w;	/* the capture being written, if any */
	char *w_trigger;
	uint64_t w_from, w_to, w_events_kept;	/* the child's: its window */
	json_t *w_header;
	uint64_t writer_cpu_ns;		/* of the writers reaped: not in this process's time */
};

/* The entry's NDJSON line into the scratch (NUL-terminated); its length, 0 if too long. */
long flight_format_line(struct flight *fl, int k, const char *blob);
/* The pending capture handed to a child process (flight_capture.c); the loop goes on at once. */
void flight_write_capture(struct flight *fl, bool cut_short);
/* The writer's end, if it came (wait_ns 0: a look); a stuck writer is killed. */
void flight_reap_writer(struct flight *fl, int64_t wait_ns);
/* --on-trigger (flight_hook.c): the command for a capture written, never waited for. */
void flight_run_hook(struct flight *fl, const char *path);
/* Its end, if it came (block: wait); past its time limit it is killed. */
void flight_reap_hook(struct flight *fl, bool block);

#endif
