/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_EXPLAIN_H
#define PROBEKIT_EXPLAIN_H

/*
 * Where a slow pair's wait went (run --explain): for the thread of the pair's
 * end event (the reader), within the window of that one wait, the time it was
 * runnable but not running (and who ran on its CPU instead), running (and its
 * system calls), off CPU, and the softirq time on its CPU while it ran or
 * waited there. Built from the same run's scheduler, system call and softirq
 * events, which the recipe declares (with "when": "--explain") and names in a
 * latency's "explain" object (probekit-recipe(5), EXPLAIN).
 *
 * explain_recipe.c parses the object, explain_timeline.c keeps the recent
 * history of threads and CPUs, explain_report.c answers for one window.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "output/sink.h"
#include "record/record.h"
#include "recipe/schema.h"

/* The roles events play in an explanation. */
enum explain_role {
	XR_NONE,
	XR_SWITCH,		/* a CPU switches from prev_tid (in prev_state) to next_tid */
	XR_WAKEUP,		/* woken_tid becomes runnable */
	XR_SYS_ENTER,		/* the record's thread enters system call nr */
	XR_SYS_EXIT,
	XR_SOFTIRQ_ENTRY,	/* the record's CPU runs softirq vector vec */
	XR_SOFTIRQ_EXIT,
};

/* A latency's "explain" object: which events and fields play which role. */
struct explain_decl {
	int ev_switch, ev_wakeup[2], ev_sys_enter, ev_sys_exit, ev_si_entry, ev_si_exit;
	int f_prev_tid, f_prev_task, f_prev_state, f_next_tid, f_woken_tid, f_nr, f_vec;
	int f_thread;		/* the explained thread on the end event: a field, or FIELD_PID */
};

/*
 * Parse obj (the "explain" of the analysis at path) whose explained items end
 * with event end_ev (the thread is named there); NULL after a schema error.
 */
struct explain_decl *explain_parse(struct schema *s, const char *path, json_t *obj, int end_ev);
/* The role of recipe event ev (XR_NONE: none). */
enum explain_role explain_role_of(const struct explain_decl *d, int ev);
/* The thread an explained item's end record names. */
static inline int explain_thread_of(const struct explain_decl *d, const struct record *rec)
{
	return (int)rec->values[d->f_thread].num;
}
/* The fields an event of this role needs (sets fields[i]). */
void explain_uses(const struct explain_decl *d, int ev, bool *fields);
void explain_describe(const struct explain_decl *d, const struct recipe *r, FILE *f);

/* One run's history of threads and CPUs, bounded (explain_timeline.c). */
struct explain;

struct explain *explain_open(const struct explain_decl *d, const struct recipe *r);
void explain_close(struct explain *x);
/* A record: kept if its event plays a role (true), else nothing is done (false). */
bool explain_feed(struct explain *x, const struct record *rec);
/* A record in thread tid's own context (the pair's end): it is running there. */
void explain_running(struct explain *x, int tid, int cpu, uint64_t ts);
/* Events were lost: what came before ts is no longer known whole. */
void explain_lost(struct explain *x);

/* Where tid's window [from, to] went: a report through the sink (text and JSON). */
void explain_window(struct explain *x, struct sink *sink, const char *analysis, int tid,
		    uint64_t from, uint64_t to);

#endif
