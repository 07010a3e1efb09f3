/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_SESSION_H
#define PROBEKIT_SESSION_H

#include "plan/plan.h"

struct tracefs_instance;
struct tracefs_dynevent;

/* What one run put into tracefs: its instance and its probe group. */
struct session {
	struct plan *plan;
	struct tracefs_instance *inst;
	struct tracefs_dynevent **probes;	/* per planned event; NULL for tracepoints */
	int *probe_alt;				/* the alternative each probe was last made for, -1: none */
	/* monitor: every session of the run's instance, this one among them; the
	 * first makes and removes the instance and the group's leftovers */
	struct session *set;
	int n_set;
};

/* What the kernel refused while a plan was applied: the planner's to answer. */
struct refusal {
	int event;		/* planned event index */
	char *reason;		/* "the kernel rejected '...': error_log line" (caller frees) */
	bool recipe_error;	/* the recipe is to blame (a bad fetch arg), not the kernel */
};

#define SESSION_REFUSED 100	/* not an exit status: the planner picks again */

/* Ready to apply p; nothing is written yet. */
void session_init(struct session *s, struct plan *p);
/*
 * Make the chosen probes; a probe made for an alternative no longer chosen
 * goes, one made again for another is named EVENT__altN. PK_OK, or
 * SESSION_REFUSED with *ref filled, or an error status after a message.
 */
int session_make_probes(struct session *s, struct refusal *ref);
/* The instance, its clock, buffer size, filters and enables; tracing on. */
int session_start_tracing(struct session *s);
/*
 * Sessions of several plans in one instance (monitor): linked (each plan
 * already in a plan set); the first makes the instance, each enables its own
 * events, then session_tracing_on(&set[0]).
 */
void session_set_link(struct session *set, int n);
int session_open_instance(struct session *s);
int session_enable_events(struct session *s);
void session_tracing_off(struct session *s);
/* Turn planned event ev's tracefs event on or off (the overhead guard's shedding). */
bool session_event_switch(struct session *s, int ev, bool on);
/* Tracing on again after a pause (the overhead guard); false when the kernel refused. */
bool session_tracing_on(struct session *s);
/*
 * Latencies the kernel pairs (session/kagg.c): made in the instance before
 * tracing (one the kernel refuses goes back to user space, with a warning),
 * triggers removed before the instance, synthetic events after it.
 */
void session_make_kernel_pairs(struct session *s);
/* The summary's counts of kernel-paired events (session/kcount.c): before and after the pairs. */
void session_make_kernel_counts(struct session *s);
void session_settle_kernel_counts(struct session *s);
void session_remove_kernel_counts(struct session *s);
void session_remove_kernel_triggers(struct session *s);
void session_remove_synthetic_events(struct session *s);
/* Remove the instance and the probes; safe to call twice and after a failed start. */
int session_teardown(struct session *s);
/* The same for linked sessions, in the order the kernel needs (triggers, instance, probes). */
int session_teardown_set(struct session *set, int n);

/* The kernel's last error_log entry as one line (with the command it quotes), or NULL. */
char *kernel_error_line(struct tracefs_instance *inst, bool with_command);

typedef bool (*probe_pick_fn)(const char *system, const char *event, void *ctx);
/*
 * Remove the kprobes of group (NULL: of every group) that doomed() picks,
 * calling removed() (if any) after each. PK_ERR_RUNTIME if one would not go.
 */
int probes_remove_if(const char *group, probe_pick_fn doomed, probe_pick_fn removed, void *ctx);
/* Remove instances and probe groups of probekit runs whose process is gone. */
int cleanup_dead_runs(bool verbose, int *removed);
/* probekit_<pid> -> pid, or 0 when the name is not ours. */
int run_name_pid(const char *name);

#endif
