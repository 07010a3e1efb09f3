/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_FLIGHT_H
#define PROBEKIT_FLIGHT_H

/*
 * The flight recorder (monitor --record DIR): every decoded event and every
 * pair or request line of all recipes, as NDJSON, kept for --before seconds
 * in a bounded ring (output/flight_ring.h). When a trigger fires
 * (output/flight_trigger.h) a capture is written --after seconds later:
 * a header (what fired, the host, the kernel, the recipes and their plans),
 * then the events from before to after, one per line. Captures are at least
 * --capture-interval apart (triggers in between are counted), at most
 * --max-captures and --captures-mb in DIR (the oldest go), written by a
 * child process (output/capture_writer.h) to a hidden file and renamed,
 * named by time. --on-trigger runs a command with
 * the capture's path, in its own process group, killed after its time.
 *
 * The recorder is two sinks per recipe: the pipeline's (pairs and requests,
 * and the summaries, which go to the text sink's stream) and the engine's
 * observer (every decoded event).
 */
#include <stdint.h>

#include "output/capture_writer.h"
#include "output/prometheus.h"
#include "output/sink.h"

struct flight_opts {
	const char *dir;
	uint64_t before_ns, after_ns;
	size_t ring_bytes;
	uint64_t gap_ns;		/* captures at least this far apart */
	int max_captures;
	uint64_t max_total_bytes;	/* of the captures in dir */
	const char *on_trigger;
	uint64_t on_trigger_timeout_ns;
	char **triggers;		/* NULL-terminated */
};

struct flight;

/* Triggers parsed against the recipes, dir checked; NULL with *status after a message. */
struct flight *flight_open(const struct flight_opts *o, const struct recipe *const *recipes,
			   int n, int *status);
/*
 * Once, before the first recorder (not at a reload: a capture of this
 * monitor may be being written): hidden files of dead runs' captures, and of
 * an earlier process with this PID, removed.
 */
void flight_remove_dead_partials(const char *dir);
/* What the capture's header says of recipe k's plan (a reference is taken). */
void flight_set_plan(struct flight *fl, int k, json_t *plan);
/* Recipe k's pipeline sink (pairs, requests; reports as text to f) and its observer. */
struct sink *flight_sink(struct flight *fl, int k, FILE *f);
struct sink *flight_observer(struct flight *fl, int k);
/* Often (every poll): a capture whose after-time has come is written; the command reaped. */
void flight_poll(struct flight *fl);
/* The recorder's metrics. */
void flight_metrics(const struct flight *fl, struct prom *m);
/* The end: the capture being written, the pending one (with what there is) and the command: 20 s in all. */
void flight_close(struct flight *fl);

/*
 * What a reload carries from one recorder to the next (the triggers are the
 * same): counters, so the metrics see no reset; the capture interval's clock;
 * a command still running, left to its own time limit; a capture still
 * being written (its child has its own copy of the ring).
 */
#define FLIGHT_MAX_TRIGGERS 32
struct flight_carry {
	uint64_t captures, suppressed, failed, evicted;
	uint64_t fired[FLIGHT_MAX_TRIGGERS];
	int64_t last_fire_mono;
	int hook;			/* pid, 0: none */
	int64_t hook_deadline;
	struct capture_writer w;	/* a capture still being written */
	char *w_trigger;
	uint64_t w_events_kept;
	uint64_t writer_cpu_ns;
};
/* flight_close for a reload: c gets what the next recorder takes over (c may hold an older carry: it adds up). */
void flight_close_carry(struct flight *fl, struct flight_carry *c);
void flight_take_carry(struct flight *fl, struct flight_carry *c);
/* The monitor's end with a carry no recorder took: its writer and command waited for. */
void flight_carry_release(struct flight_carry *c);
/* CPU time of the capture writers that ended (child processes: not in the monitor's clock). */
uint64_t flight_writer_cpu_ns(const struct flight *fl);

#endif
