/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_PLAN_H
#define PROBEKIT_PLAN_H

#include <sys/types.h>
#include "kernel/caps.h"
#include "recipe/recipe.h"

struct tep_handle;
struct tep_event;

/* The outcome for one recipe event: which alternative runs, and why not the others. */
struct planned_event {
	struct event_decl *decl;
	int chosen;		/* index into decl->alts, -1: none runnable */
	int forced;		/* --use: the only alternative tried, -1: none */
	char **why;		/* per alternative: why skipped, or NULL */
	char *system;		/* tracefs system of the chosen event (probe group) */
	char *name;		/* tracefs event name */
	char *probe;		/* kprobes: "p:GROUP/EVENT FUNC ARGS" as written */
	char *probe_args;	/* kprobes: the args part */
	char *filter;		/* kernel filter after substitution, or NULL */
};

struct plan_opts {
	const char *instance;	/* instance and probe group name: probekit_<pid> */
	bool no_argn;		/* use registers even where $argN exists */
	char **use;		/* EVENT=INDEX|tracepoint|kprobe|kretprobe, NULL-terminated */
	const char *clock;	/* override the trace clock */
	unsigned long buffer_kb;	/* per-CPU ring buffer size, 0: the kernel's default */
	bool ask_kernel;	/* run: let the kernel judge probe targets */
};

struct plan {
	struct recipe *recipe;
	struct caps *caps;
	char *instance;		/* instance name == dynamic-event group */
	const char *clock;
	bool argn;		/* $argN used as is */
	bool ask_kernel;
	unsigned long buffer_kb;
	struct planned_event *ev;
	int n_ev;
	struct tep_handle *tep;	/* formats of the events used */
	const char **kfuncs;	/* plan: kprobe targets of the recipe, looked up once */
	bool *kfunc_found;
	int n_kfuncs;
};

/*
 * Choose an alternative for each event. Returns PK_OK, or PK_ERR_KERNEL when a
 * required event has no runnable alternative (the reasons are in the plan
 * and printed), or PK_ERR_USAGE for a bad --use.
 */
int plan_build(struct plan *p, struct recipe *r, struct caps *c, const struct plan_opts *o);
void plan_print(const struct plan *p);
/* One line: why a required event cannot run here. */
void plan_report_unrunnable(const struct plan *p);
/*
 * The kernel refused the chosen alternative of event ev (reason is taken
 * over): choose the next runnable one. PK_ERR_KERNEL when none is left for a
 * required event.
 */
int plan_fallback(struct plan *p, int ev, char *reason);
/* Latency pairs: choose the two events' alternatives with the same label. */
void plan_couple(struct plan *p);
/* Does event ev's "when" hold for the current choices (true without one)? */
bool plan_when_holds(const struct plan *p, int ev);
/* Leave out events whose "when" does not hold for the current choices. */
void plan_apply_when(struct plan *p);
void plan_free(struct plan *p);

/* A probe's fetch args as written ("sk=$arg1 ..."): $argN kept, or registers of arch. */
char *probe_args_text(const struct alternative *a, const char *arch, bool argn, char **why);
/* The probe definition: "p:GROUP/EVENT FUNC ARGS" (r: for kretprobes). */
char *probe_command_text(const struct alternative *a, const char *group, const char *event,
			 const char *args);

/* The tracefs event an alternative's field source lives in. */
struct tep_event *plan_find_event(struct tep_handle *tep, const char *system, const char *name);

#endif
