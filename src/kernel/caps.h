/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_CAPS_H
#define PROBEKIT_CAPS_H

#include "util/util.h"

/* What the running kernel's tracing offers, read from tracefs (never from the version). */
struct caps {
	char *tracing_dir;	/* tracefs or debugfs/tracing */
	bool readable;		/* could we read it at all (root)? */
	bool instances;
	bool kprobes;		/* kprobe_events */
	bool dynamic_events;
	bool argn;		/* $argN fetch args */
	bool error_log;
	bool hist;		/* hist triggers */
	bool synth;		/* synthetic events */
	bool subbuf_size;	/* buffer_subbuf_size_kb: an instance chooses its sub-buffer size (6.8+) */
	bool buffer_percent;	/* buffer_percent: how full a buffer wakes its reader (5.0+; poll honours it 6.1+) */
	char **clocks;		/* trace_clock choices */
	const char *arch;	/* uname machine, or --arch */
	char *kernel;		/* uname release, for display */
};

/*
 * Detect capabilities. dir NULL: find (and if needed mount) the real
 * tracefs; else use dir as it is (fixture directories in tests).
 */
int caps_detect(struct caps *c, const char *dir);
void caps_free(struct caps *c);
/* tracefs under root ("" for the real one): /sys/kernel/tracing, else debugfs's. */
char *caps_find_tracing_dir(const char *root);
bool caps_has_clock(const struct caps *c, const char *clock);
/* The clock run will use: comparable across CPUs where the kernel has one. */
const char *caps_pick_clock(const struct caps *c);
/* tracing_dir + "/" + rel, caller frees */
char *caps_path(const struct caps *c, const char *rel);
bool caps_tracepoint_exists(const struct caps *c, const char *system, const char *event);
/* Does the kernel know this symbol (available_filter_functions or kallsyms)? */
bool caps_function_exists(const struct caps *c, const char *func);
/* The same for n targets (FUNC[+OFFS]) in one streaming pass over each list. */
void caps_find_functions(const struct caps *c, const char *const *targets, int n, bool *found);
void caps_print(const struct caps *c, bool oneline);

#endif
