/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_CLI_H
#define PROBEKIT_CLI_H

#include <getopt.h>
#include "kernel/caps.h"
#include "plan/plan.h"
#include "recipe/recipe.h"

/* Options shared by plan and run. */
struct common_opts {
	char **params;		/* -p NAME=VALUE, NULL-terminated */
	char **use;		/* --use EVENT=ALT */
	const char *tracing_dir;
	const char *arch;
	const char *clock;
	bool no_argn;
	unsigned long buffer_kb;
	bool bad;		/* an option value was rejected (already reported) */
	bool ask_kernel;	/* run: probe targets are judged by the kernel */
	bool no_kernel_agg;	/* --no-kernel-agg */
	const char *user_pairs;	/* run: an option that needs pairs in user space, and why */
	bool explain;		/* --explain: trace what explains slow pairs */
};

enum { OPT_BUFFER_KB = 'b', OPT_TRACING_DIR = 1000, OPT_ARCH, OPT_NO_ARGN, OPT_USE, OPT_CLOCK, OPT_JSON,
       OPT_ROLE, OPT_CPU, OPT_NO_KERNEL_AGG,
       OPT_EXPLAIN, OPT_MAX_CPU };

#define COMMON_LONG_OPTS \
	{ "param", required_argument, NULL, 'p' }, \
	{ "use", required_argument, NULL, OPT_USE }, \
	{ "tracing-dir", required_argument, NULL, OPT_TRACING_DIR }, \
	{ "arch", required_argument, NULL, OPT_ARCH }, \
	{ "clock", required_argument, NULL, OPT_CLOCK }, \
	{ "no-argn", no_argument, NULL, OPT_NO_ARGN }, \
	{ "no-kernel-agg", no_argument, NULL, OPT_NO_KERNEL_AGG }, \
	{ "explain", no_argument, NULL, OPT_EXPLAIN }, \
	{ "buffer-kb", required_argument, NULL, OPT_BUFFER_KB }, \
	{ "help", no_argument, NULL, 'h' }

#define COMMON_OPTS_HELP \
	"  -p, --param NAME=VALUE  set a recipe parameter (repeatable)\n" \
	"      --use EVENT=ALT     force an alternative: its index, or tracepoint/kprobe/kretprobe\n" \
	"      --no-argn           translate $argN to registers even where the kernel has $argN\n" \
	"      --no-kernel-agg     pair latencies in user space even where the kernel could\n" \
	"      --explain           with -t: follow each slow read (tcp-rcvq-latency), request\n" \
	"                          (tcp-reqresp) or delay (sched-latency) with where its thread\n" \
	"                          spent the wait: waiting for a CPU (and who ran), running (its\n" \
	"                          system calls), off CPU, softirqs\n" \
	"      --clock CLOCK       trace clock for the instance (default: mono, else global)\n" \
	"  -b, --buffer-kb KB      per-CPU ring buffer of the run's instance (default: kernel's)\n" \
	"      --tracing-dir DIR   use DIR as tracefs (default: find or mount it)\n" \
	"      --arch ARCH         architecture for register translation (default: uname -m)\n"

/* Handle one shared option; false if c is not one of them. */
bool common_opt(int c, struct common_opts *o);
void common_opts_free(struct common_opts *o);
void strv_push(char ***v, const char *s);
/* After getopt returned '?': name the bad option (escaped), then the usage. */
int cli_bad_option(const char *text, char **argv, struct common_opts *o);
/* Print usage (stdout for -h, else stderr), free the options, return the exit status. */
int cli_usage(const char *text, bool help, struct common_opts *o);

/* Resolve and load RECIPE (name or path); prints the error itself. */
int load_recipe(const char *name, struct recipe **out);
/* Load the recipe, apply -p, detect capabilities, build the plan. */
int prepare_plan(const char *recipe_name, struct common_opts *o, const char *instance,
		 struct recipe **r, struct caps *c, struct plan *p);

#endif
