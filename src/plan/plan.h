/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_PLAN_H
#define PROBEKIT_PLAN_H

#include <sys/types.h>
#include "kernel/caps.h"
#include "kernel/hist.h"
#include "recipe/recipe.h"

/*
 * The run's instance, where the kernel lets it choose: 64 KiB sub-buffers
 * (6.8+: a sixteenth of the reads of 4 KiB pages), and a reader woken when a
 * CPU's buffer is half full (buffer_percent; poll honours it on 6.1+) or at
 * its poll timeout, 200 ms at most.
 */
#define PLAN_SUBBUF_KB "64"
#define PLAN_WAKE_PERCENT "50"

struct tep_handle;
struct tep_event_filter;
struct tep_event;
struct tep_format_field;

/*
 * Where an alternative stands. Decisions (coupling, "when", fallback) read
 * the state; the reason is for people (plan's output, error lines).
 */
enum alt_state {
	ALT_UNCHECKED,		/* not looked at: not forced, or tracefs not readable */
	ALT_RUNNABLE,		/* this kernel can run it; another was chosen */
	ALT_CHOSEN,
	ALT_REFUSED,		/* this kernel cannot run it, or refused it when it was made */
	ALT_NOT_NEEDED,		/* its event's "when" does not hold */
};

struct alt_plan {
	enum alt_state state;
	char *reason;		/* why not chosen; NULL when chosen */
};

/* The outcome for one recipe event: which alternative runs, and why not the others. */
struct planned_event {
	struct event_decl *decl;
	int chosen;		/* index into decl->alts, -1: none runnable */
	int forced;		/* --use: the only alternative tried, -1: none */
	struct alt_plan *alts;	/* per alternative */
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
	bool no_kernel_agg;	/* --no-kernel-agg: latencies are paired in user space */
	const char *user_pairs;	/* run options that need pairs in user space: why (-t, -g, -i) */
	bool explain;		/* --explain: events with "when": "--explain" are traced */
	/* monitor: this recipe's names in the run's group apart from the others' */
	const char *probe_prefix;	/* before its probes' names ("r2_"); NULL: none */
	int synth_base;			/* its synthetic events are numbered from here */
};

/* A latency analysis the kernel may pair (plan/kagg.c): the commands, or why not. */
struct kagg {
	int analysis;		/* index into recipe->analyses (a latency) */
	int from, to;		/* its events */
	char *why_not;		/* NULL: paired in the kernel */
	const char *key_start, *key_end;	/* the key's field on each event */
	struct tep_format_field **group_src;	/* each group key's field on the end event */
	char *synth_def;	/* synthetic_events line */
	char *start_trigger, *end_trigger, *synth_trigger;	/* hist triggers as written */
	struct kernel_pairs kp;	/* what the analysis reads, once the session made it */
	unsigned made;		/* what the session wrote (and removes): session/kagg.c */
};

/*
 * A listed event whose records do not come (the kernel pairs its latency),
 * counted by the kernel for a counts analysis (plan/kcount.c): one hist
 * trigger keyed by the summary's groups, or two split by an errno field's sign.
 */
struct kcount {
	int analysis;		/* index into recipe->analyses (counts) */
	int event;
	char *triggers[2];	/* as written */
	char *why_not;		/* set by the session when the kernel refused it */
	unsigned made;		/* bit i: triggers[i] is in the kernel */
	struct kernel_counts kc;	/* what the analysis reads */
};

struct plan {
	struct recipe *recipe;
	struct caps *caps;
	char *instance;		/* instance name == dynamic-event group */
	const char *clock;
	bool argn;		/* $argN used as is */
	bool ask_kernel;
	bool explain;		/* --explain */
	unsigned long buffer_kb;
	struct planned_event *ev;
	int n_ev;
	struct tep_handle *tep;	/* formats of the events used */
	struct kagg *kagg;	/* one per latency analysis */
	int n_kagg;
	struct kcount *kcount;	/* listed events the kernel counts */
	int n_kcount;
	struct plan_opts kagg_opts;
	char *probe_prefix;	/* monitor: before its probes' names; NULL: none */
	int synth_base;
	/*
	 * monitor: every plan sharing the run's instance, this one among them,
	 * in order (plan_set_link); NULL: a run of its own. A tracepoint two of
	 * them choose is one enable with the OR of all their filters.
	 */
	struct plan **set;
	int n_set;
	bool skipped;		/* monitor: refused by the kernel; out of its set's sharing */
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
/*
 * A monitor's set, linked (plan_set_link): what was found once, each recipe's
 * choices, and the tracefs writes of the whole set in the engine's order.
 */
void plan_print_set(const struct plan *const *plans, int n);
/* One line: why a required event cannot run here. */
void plan_report_unrunnable(const struct plan *p);
/*
 * The kernel refused the chosen alternative of event ev when it was made
 * (reason taken over): choose the next runnable one, pair latency events
 * again and re-apply "when". PK_OK when every required event still has a
 * choice; else the one-line report, and PK_ERR_USAGE when the recipe is to
 * blame (recipe_error), PK_ERR_KERNEL when the kernel is.
 */
int plan_refuse(struct plan *p, int ev, char *reason, bool recipe_error);
/* Does event ev's "when" hold for the current choices (true without one)? */
bool plan_when_holds(const struct plan *p, int ev);
/* Why event ev is not traced (its last alternative's reason); for warnings. */
const char *plan_why_not(const struct plan *p, int ev);
void plan_free(struct plan *p);

/*
 * Several recipe events may choose one tracepoint (plan/shared.c): the first
 * of them (plan_first_sharing(p, ev) == ev) enables it with
 * plan_kernel_filter, the OR of their filters (NULL: no filter; caller
 * frees); plan_event_shared says the decoder must tell their records apart.
 */
int plan_first_sharing(const struct plan *p, int ev);
/*
 * Plans that trace in one instance (monitor): linked, then their latencies
 * decided again (a tracepoint another recipe reads cannot be paired in the
 * kernel: its records must reach the ring buffer) and shared filters checked.
 */
int plan_set_link(struct plan **plans, int n);
bool plan_event_shared(const struct plan *p, int ev);
char *plan_kernel_filter(const struct plan *p, int ev);
/* A shared event's own filter, compiled by libtraceevent; NULL after a one-line message. */
struct tep_event_filter *plan_own_filter(struct tep_handle *tep, const struct planned_event *pe);
/* Each shared event's own filter parses as libtraceevent evaluates it; else PK_ERR_USAGE. */
int plan_check_shared_filters(const struct plan *p);

/*
 * Latencies the kernel pairs (plan/kagg.c): decided for the current choices
 * (o NULL: the options given before), the commands, plan's lines about them.
 * An event paired in the kernel is not written to the ring buffer.
 */
void plan_kernel_pairs(struct plan *p, const struct plan_opts *o);
void plan_kernel_pairs_free(struct plan *p);
const struct kagg *plan_event_paired_in_kernel(const struct plan *p, int ev);
/*
 * Listed events of kernel-paired latencies: counted by the kernel for the
 * counts analysis, or their latencies go back to user space with the reason
 * (plan/kcount.c; called by plan_kernel_pairs).
 */
void plan_kernel_counts(struct plan *p);
void plan_kernel_counts_free(struct plan *p);
void plan_print_kernel_counts(const struct plan *p);
/* Is event ev's pid the task it fired in (no recipe mapping of pid)? */
bool plan_pid_is_current(const struct plan *p, int ev);
/*
 * The plain integer field (at most 8 bytes, no conversion) recipe field
 * `field` comes from in event ev's chosen alternative (pid: common_pid), or NULL.
 */
struct tep_format_field *plan_plain_source(const struct plan *p, int ev, int field);
void plan_print_kernel_pairs(const struct plan *p);

/* The tracefs event an alternative's field source lives in. */
struct tep_event *plan_find_event(struct tep_handle *tep, const char *system, const char *name);

#endif
