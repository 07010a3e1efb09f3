/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_CAPTURE_WRITER_H
#define PROBEKIT_CAPTURE_WRITER_H

/*
 * A file written off the read loop: a child process fills it from its
 * copy-on-write view of the caller's memory (the flight recorder's ring as
 * it was at the fork), syncs it and renames it to its final name, while the
 * parent goes on tracing. The child holds none of the parent's files (an open
 * trace_pipe_raw would keep the instance from being removed), ignores the
 * stop signals so a capture under way is finished, and dies with the parent
 * (its hidden file is then left for the next monitor to remove).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct capture_writer {
	pid_t pid;		/* 0: none running */
	int64_t started;	/* CLOCK_MONOTONIC */
	bool killed;		/* SIGKILL sent */
	int64_t cpu_ns;		/* the child's CPU time (user and system), once it ended */
	char *path, *tmp;	/* final and hidden names */
};

/* Fills f; false on an error (errno set). Runs in the child. */
typedef bool (*capture_fill_fn)(void *ctx, FILE *f);

/*
 * Start the child writing tmp (created, filled, synced) then renaming it to
 * path. False if it could not start (errno set): nothing was written.
 * The writer takes path and tmp (malloc'd).
 */
bool capture_writer_start(struct capture_writer *w, char *path, char *tmp,
			  capture_fill_fn fill, void *ctx);
/*
 * Has the child ended? 1: the file is under its final name; 0: still running;
 * -1: it failed (*err: errno, or 0 if it was killed). After 1 or -1 the
 * writer is free again and path is the caller's to read until the next start.
 */
int capture_writer_poll(struct capture_writer *w, int *err);
/*
 * Wait until it ends, at most timeout_ns; then kill it and wait 2 s more (a
 * child stuck in the kernel, on a hung disk, may not die yet: 0, still there).
 */
int capture_writer_wait(struct capture_writer *w, int64_t timeout_ns, int *err);
/* SIGKILL, once; a later poll sees its end (its hidden file removed then). */
void capture_writer_kill(struct capture_writer *w);
void capture_writer_free(struct capture_writer *w);

#endif
