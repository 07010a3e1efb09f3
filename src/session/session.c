// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A run's footprint in tracefs: one instance and one dynamic-event group,
 * both named probekit_<pid>. Nothing global is written: not the top-level
 * buffer, not current_tracer, not other tools' probes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tracefs.h>

#include "kernel/formats.h"
#include "session/session.h"
#include "source/source.h"
#include "util/textsafe.h"

char *kernel_error_line(struct tracefs_instance *inst, bool with_command)
{
	char *log = tracefs_error_last(inst);
	char *err, *cmd, *line;

	if (!log || !*log) {
		free(log);
		return NULL;
	}
	/* "[ 123.4] trace_kprobe: error: Failed to ...\n  Command: ...\n   ^" */
	err = strstr(log, "error: ");
	err = err ? err + 7 : log;
	cmd = with_command ? strstr(log, "Command: ") : NULL;
	line = xasprintf("%.*s%s%.*s", (int)strcspn(err, "\n"), err, cmd ? " (command: " : "",
			 cmd ? (int)strcspn(cmd + 9, "\n") : 0, cmd ? cmd + 9 : "");
	if (cmd) {
		char *full = xasprintf("%s)", line);

		free(line);
		line = full;
	}
	free(log);
	return line;
}

/*
 * The gate in front of every tracefs write: the kernel runs each line written
 * to kprobe_events/dynamic_events as a command, so text with a newline or
 * other control byte never passes, whatever its origin. Recipes are checked
 * when loaded; this is the second line of defence.
 */
static bool command_text_ok(const char *what, const char *text)
{
	if (text_is_single_line(text))
		return true;
	pk_error("refusing to write %s '%s': it holds a control character", what, text);
	return false;
}

static bool tracks(const struct session *s, const char *event)
{
	for (int i = 0; s->probes && i < s->plan->n_ev; i++)
		if (s->probes[i] && !strcmp(s->plan->ev[i].name, event))
			return true;
	return false;
}

/* Made by this run: by this session or, in a monitor, by another of the group's. */
static bool is_tracked(const struct session *s, const char *event)
{
	if (!s->set)
		return tracks(s, event);
	for (int k = 0; k < s->n_set; k++)
		if (tracks(&s->set[k], event))
			return true;
	return false;
}

static bool untracked(const char *sys, const char *ev, void *ctx)
{
	(void)sys;
	return !is_tracked(ctx, ev);
}

static bool any_probe(const char *sys, const char *ev, void *ctx)
{
	(void)sys;
	(void)ev;
	(void)ctx;
	return true;
}

/*
 * Remove what is in our probe group but not tracked: a write the kernel
 * refused may still have run part of it. With all, the tracked ones go too.
 */
static int sweep_group(struct session *s, bool all)
{
	return probes_remove_if(s->plan->instance, all ? any_probe : untracked, NULL, s);
}

/*
 * Create the chosen probe of event i. When the kernel refuses it, *reason says
 * why (its error_log line) and *recipe_error whether the recipe is to blame
 * (a bad fetch arg) rather than the kernel (a missing or unprobeable symbol).
 */
static int create_probe(struct session *s, int i, char **reason, bool *recipe_error)
{
	struct planned_event *pe = &s->plan->ev[i];
	const struct alternative *a = &pe->decl->alts[pe->chosen];
	struct tracefs_dynevent *dev;
	bool missing;
	char *log;
	int err;

	if (!command_text_ok("probe", pe->probe))
		return PK_ERR_USAGE;
	dev = source_kind_of(a->kind)->alloc(a, pe->system, pe->name, pe->probe_args);
	if (!dev) {
		pk_error("%s: cannot build probe '%s'", a->path, pe->probe);
		return PK_ERR_RUNTIME;
	}
	tracefs_error_clear(NULL);
	if (tracefs_dynevent_create(dev) < 0) {
		err = errno;
		log = kernel_error_line(NULL, false);	/* the command is the probe itself */
		*recipe_error = err != ENOENT && !(log && strstr(log, "symbol"));
		/* 5.10 checks $argN before the symbol: "Invalid $-valiable" for a missing one */
		missing = *recipe_error && !caps_function_exists(s->plan->caps, a->function);
		*recipe_error &= !missing;
		*reason = xasprintf("the kernel rejected '%s': %s%s", pe->probe,
				    log ? log : strerror(err),
				    missing ? " (function not in available_filter_functions or "
					      "kallsyms)" : "");
		free(log);
		tracefs_dynevent_free(dev);
		sweep_group(s, false);
		return PK_ERR_KERNEL;
	}
	s->probes[i] = dev;
	/* the probe's format did not exist when the plan loaded formats */
	if (!formats_load_event(s->plan->tep, s->plan->caps->tracing_dir, pe->system, pe->name)) {
		pk_error("%s: cannot read the format of %s/%s", a->path, pe->system, pe->name);
		return PK_ERR_RUNTIME;
	}
	return PK_OK;
}

/*
 * The parser keeps the format of every probe made in this run by its name:
 * a probe made again for another alternative (its pair event fell back) gets
 * a name of its own, or its records would be decoded with the old layout.
 */
static void rename_remade_probe(struct session *s, struct planned_event *pe)
{
	free(pe->name);
	pe->name = xasprintf("%s%s__alt%d", s->plan->probe_prefix ? s->plan->probe_prefix : "",
			     pe->decl->name, pe->chosen);
	free(pe->probe);
	pe->probe = source_kind_of(pe->decl->alts[pe->chosen].kind)->render(
		&pe->decl->alts[pe->chosen], pe->system, pe->name, pe->probe_args);
}

static void destroy_probe(struct session *s, int i)
{
	tracefs_dynevent_destroy(s->probes[i], false);
	tracefs_dynevent_free(s->probes[i]);
	s->probes[i] = NULL;
}

int session_make_probes(struct session *s, struct refusal *ref)
{
	struct plan *p = s->plan;

	for (int i = 0; i < p->n_ev; i++) {
		struct planned_event *pe = &p->ev[i];
		int ret;

		/* a probe no longer chosen, or made for another alternative, goes */
		if (s->probes[i] && (!pe->probe || s->probe_alt[i] != pe->chosen))
			destroy_probe(s, i);
		if (!pe->probe || s->probes[i])
			continue;
		if (s->probe_alt[i] >= 0)	/* a probe was made for this event before */
			rename_remade_probe(s, pe);
		ret = create_probe(s, i, &ref->reason, &ref->recipe_error);
		if (ret == PK_ERR_KERNEL) {
			ref->event = i;
			return SESSION_REFUSED;
		}
		if (ret)
			return ret;
		s->probe_alt[i] = pe->chosen;
	}
	return PK_OK;
}

/* The filter file holds the kernel's reason: "... ^\nparse_error: Field not found". */
static char *filter_reason(struct session *s, const struct planned_event *pe)
{
	char *text = tracefs_event_file_read(s->inst, pe->system, pe->name, "filter", NULL);
	char *p = text ? strstr(text, "parse_error: ") : NULL;
	char *reason;

	if (p) {
		reason = xstrndup(p + 13, strcspn(p + 13, "\n"));
		free(text);
		return reason;
	}
	free(text);
	return kernel_error_line(NULL, true);
}

static int apply_filter(struct session *s, const struct planned_event *pe, const char *filter)
{
	const struct alternative *a = &pe->decl->alts[pe->chosen];
	struct tep_event *ev = plan_find_event(s->plan->tep, pe->system, pe->name);
	char *reason, *now;
	bool ok;

	if (!command_text_ok("filter", filter))
		return PK_ERR_USAGE;
	tracefs_error_clear(NULL);
	tracefs_error_clear(s->inst);
	ok = ev && tracefs_event_filter_apply(s->inst, ev, filter) >= 0;
	if (ok) {
		/* a rejected filter must never pass as an unfiltered event: read it back */
		now = tracefs_event_file_read(s->inst, pe->system, pe->name, "filter", NULL);
		ok = now && strncmp(now, "none", 4) && !strstr(now, "parse_error");
		free(now);
	}
	if (ok)
		return PK_OK;
	reason = filter_reason(s, pe);
	pk_error("%s.filter: the kernel rejected filter '%s' on %s:%s: %s", a->path, filter,
		 pe->system, pe->name, reason ? reason : "no reason given");
	free(reason);
	return PK_ERR_USAGE;
}

static int write_instance(struct session *s, const char *file, const char *val)
{
	if (!command_text_ok(file, val))
		return PK_ERR_USAGE;
	if (tracefs_instance_file_write(s->inst, file, val) >= 0)
		return PK_OK;
	pk_error("instances/%s/%s: cannot write '%s': %s", s->plan->instance, file, val,
		 strerror(errno));
	return PK_ERR_RUNTIME;
}

static int create_instance(struct session *s)
{
	s->inst = tracefs_instance_create(s->plan->instance);
	if (!s->inst) {
		pk_error("cannot create instance %s: %s", s->plan->instance, strerror(errno));
		return PK_ERR_RUNTIME;
	}
	if (!tracefs_instance_is_new(s->inst)) {
		/* someone else's: never adopt (and later delete) it */
		pk_error("instance %s already exists", s->plan->instance);
		tracefs_instance_free(s->inst);
		s->inst = NULL;
		return PK_ERR_RUNTIME;
	}
	return PK_OK;
}

/* Not the first of a monitor's sessions: the instance is the first one's. */
static bool guest(const struct session *s)
{
	return s->set && s != &s->set[0];
}

int session_open_instance(struct session *s)
{
	struct plan *p = s->plan;
	int ret;

	if (guest(s)) {
		s->inst = s->set[0].inst;
		return s->inst ? PK_OK : PK_ERR_RUNTIME;
	}
	if ((ret = create_instance(s)) || (ret = write_instance(s, "tracing_on", "0")) ||
	    (ret = write_instance(s, "trace_clock", p->clock)))
		return ret;
	if (p->buffer_kb) {
		char kb[32];

		snprintf(kb, sizeof(kb), "%lu", p->buffer_kb);
		if ((ret = write_instance(s, "buffer_size_kb", kb)))
			return ret;
	}
	/* where the kernel lets an instance choose (see plan.h); not fatal if refused */
	if (p->caps->subbuf_size)
		tracefs_instance_file_write(s->inst, "buffer_subbuf_size_kb", PLAN_SUBBUF_KB);
	if (p->caps->buffer_percent)
		tracefs_instance_file_write(s->inst, "buffer_percent", PLAN_WAKE_PERCENT);
	return PK_OK;
}

int session_enable_events(struct session *s)
{
	struct plan *p = s->plan;
	int ret;

	if (!s->inst) {	/* libtracefs takes NULL for the top-level buffer: never ours */
		pk_error("internal error: events of %s enabled before the instance exists",
			 p->recipe->name);
		return PK_ERR_RUNTIME;
	}
	session_make_kernel_counts(s);
	session_make_kernel_pairs(s);
	session_settle_kernel_counts(s);
	for (int i = 0; i < p->n_ev; i++) {
		const struct planned_event *pe = &p->ev[i];
		char *filter;

		/* a tracepoint several recipe events share is set up once; one the
		 * kernel pairs has its trigger (with its filter) and no ring buffer */
		if (pe->chosen < 0 || plan_first_sharing(p, i) != i || plan_event_paired_in_kernel(p, i))
			continue;
		filter = plan_kernel_filter(p, i);
		ret = filter ? apply_filter(s, pe, filter) : PK_OK;
		free(filter);
		if (ret)
			return ret;
		if (tracefs_event_file_write(s->inst, pe->system, pe->name, "enable", "1") < 0) {
			pk_error("cannot enable %s:%s: %s", pe->system, pe->name, strerror(errno));
			return PK_ERR_RUNTIME;
		}
	}
	return PK_OK;
}

int session_start_tracing(struct session *s)
{
	int ret;

	if ((ret = session_open_instance(s)) || (ret = session_enable_events(s)))
		return ret;
	return write_instance(s, "tracing_on", "1");
}

void session_set_link(struct session *set, int n)
{
	for (int k = 0; k < n; k++) {
		set[k].set = set;
		set[k].n_set = n;
	}
}

void session_init(struct session *s, struct plan *p)
{
	memset(s, 0, sizeof(*s));
	s->plan = p;
	s->probes = xcalloc(p->n_ev, sizeof(*s->probes));
	s->probe_alt = xcalloc(p->n_ev, sizeof(*s->probe_alt));
	for (int i = 0; i < p->n_ev; i++)
		s->probe_alt[i] = -1;	/* none made yet */
}

bool session_event_switch(struct session *s, int ev, bool on)
{
	const struct planned_event *pe = &s->plan->ev[ev];

	return s->inst && tracefs_event_file_write(s->inst, pe->system, pe->name, "enable",
						   on ? "1" : "0") > 0;
}

bool session_tracing_on(struct session *s)
{
	return s->inst && tracefs_instance_file_write(s->inst, "tracing_on", "1") > 0;
}

void session_tracing_off(struct session *s)
{
	if (s->inst)
		tracefs_instance_file_write(s->inst, "tracing_on", "0");
}

/* Before the instance goes: tracing off, the hist triggers (they hold it). */
static void remove_from_instance(struct session *s)
{
	if (!s->inst)
		return;
	session_tracing_off(s);
	session_remove_kernel_counts(s);
	session_remove_kernel_triggers(s);
}

static int destroy_instance(struct session *s)
{
	int ret = PK_OK;

	if (!s->inst)
		return ret;
	/* rmdir disables the instance's events, so the probes become removable */
	if (!guest(s) && tracefs_instance_destroy(s->inst) < 0) {
		pk_error("cannot remove instance %s: %s (probekit reset removes it later)",
			 s->plan->instance, strerror(errno));
		ret = PK_ERR_RUNTIME;
	}
	if (!guest(s))
		tracefs_instance_free(s->inst);
	s->inst = NULL;
	return ret;
}

/* After the instance: synthetic events and probes. */
static int remove_probes(struct session *s)
{
	int ret = PK_OK;

	session_remove_synthetic_events(s);
	for (int i = 0; s->probes && i < s->plan->n_ev; i++) {
		if (!s->probes[i])
			continue;
		if (tracefs_dynevent_destroy(s->probes[i], false) < 0) {
			pk_error("cannot remove probe %s/%s: %s", s->plan->ev[i].system,
				 s->plan->ev[i].name, strerror(errno));
			ret = PK_ERR_RUNTIME;
		}
		tracefs_dynevent_free(s->probes[i]);
		s->probes[i] = NULL;
	}
	return ret;
}

static void free_probe_lists(struct session *s)
{
	free(s->probes);
	s->probes = NULL;
	free(s->probe_alt);
	s->probe_alt = NULL;
}

int session_teardown_set(struct session *set, int n)
{
	int ret = PK_OK;

	for (int k = 0; k < n; k++)
		remove_from_instance(&set[k]);
	for (int k = n - 1; k >= 0; k--)	/* the instance's maker last */
		ret = destroy_instance(&set[k]) ?: ret;
	for (int k = 0; k < n; k++)
		ret = remove_probes(&set[k]) ?: ret;
	/* and whatever else is in our group: nothing of this run outlives it. When a
	 * probe or the instance would not go (reported above), reset removes the
	 * rest later, once this process is gone. */
	if (ret == PK_OK && n && set[0].probes && set[0].plan->caps->kprobes)
		ret = sweep_group(&set[0], true);
	for (int k = 0; k < n; k++)
		free_probe_lists(&set[k]);
	return ret;
}

int session_teardown(struct session *s)
{
	return session_teardown_set(s, 1);
}
