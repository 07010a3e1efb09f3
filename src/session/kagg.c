// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Latencies the kernel pairs: the run's synthetic event, and hist triggers in
 * the run's instance (start: keep the time per key; end: onmatch fires the
 * synthetic event with the delta; the synthetic event: a histogram per group
 * and 1 us bucket). Made before tracing starts, removed in reverse order
 * before the instance goes (an instance with triggers cannot be removed).
 * A command the kernel refuses leaves that latency to user space.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <tracefs.h>

#include "session/session.h"
#include "util/textsafe.h"

enum { MADE_SYNTH = 1, MADE_START = 2, MADE_END = 4, MADE_HIST = 8 };

static int append_trigger(struct session *s, const char *sys, const char *ev, const char *text,
			  bool remove)
{
	char *cmd = remove ? xasprintf("!%s", text) : xstrdup(text);
	int ret = tracefs_event_file_append(s->inst, sys, ev, "trigger", cmd);

	free(cmd);
	return ret < 0 ? -1 : 0;
}

static void unmake(struct session *s, struct kagg *k)
{
	const struct kernel_pairs *kp = &k->kp;

	/* the synthetic event's histogram, the end (it reads the start's variable), the start */
	if ((k->made & MADE_HIST) && append_trigger(s, "synthetic", kp->synth, k->synth_trigger, true))
		pk_warn("cannot remove the histogram of %s: %s", kp->synth, strerror(errno));
	if ((k->made & MADE_END) &&
	    append_trigger(s, kp->end_system, kp->end_event, k->end_trigger, true))
		pk_warn("cannot remove the trigger on %s:%s: %s", kp->end_system, kp->end_event,
			strerror(errno));
	if ((k->made & MADE_START) &&
	    append_trigger(s, kp->start_system, kp->start_event, k->start_trigger, true))
		pk_warn("cannot remove the trigger on %s:%s: %s", kp->start_system, kp->start_event,
			strerror(errno));
	k->made &= MADE_SYNTH;
}

static void remove_synth(struct kagg *k)
{
	char *cmd;

	if (!(k->made & MADE_SYNTH))
		return;
	cmd = xasprintf("!%s", k->kp.synth);
	if (tracefs_instance_file_append(NULL, "synthetic_events", cmd) < 0)
		pk_warn("cannot remove synthetic event %s: %s (probekit reset removes it later)",
			k->kp.synth, strerror(errno));
	free(cmd);
	k->made = 0;
}

static bool all_single_line(const struct kagg *k)
{
	return text_is_single_line(k->synth_def) && text_is_single_line(k->start_trigger) &&
	       text_is_single_line(k->end_trigger) && text_is_single_line(k->synth_trigger);
}

/* One latency into the kernel; false (and why in k->why_not) when it refused. */
static bool make_one(struct session *s, struct kagg *k)
{
	const struct kernel_pairs *kp = &k->kp;
	const char *step;
	char *line;

	tracefs_error_clear(NULL);
	tracefs_error_clear(s->inst);
	step = "synthetic event";
	if (tracefs_instance_file_append(NULL, "synthetic_events", k->synth_def) < 0)
		goto refused;
	k->made |= MADE_SYNTH;
	step = "start trigger";
	if (append_trigger(s, kp->start_system, kp->start_event, k->start_trigger, false))
		goto refused;
	k->made |= MADE_START;
	step = "end trigger";
	if (append_trigger(s, kp->end_system, kp->end_event, k->end_trigger, false))
		goto refused;
	k->made |= MADE_END;
	step = "histogram";
	if (append_trigger(s, "synthetic", kp->synth, k->synth_trigger, false))
		goto refused;
	k->made |= MADE_HIST;
	k->kp.inst = s->inst;
	return true;
refused:
	line = kernel_error_line(s->inst, false);
	if (!line)
		line = kernel_error_line(NULL, false);
	k->why_not = xasprintf("the kernel refused the %s: %s", step, line ? line : strerror(errno));
	free(line);
	unmake(s, k);
	remove_synth(k);
	return false;
}

void session_make_kernel_pairs(struct session *s)
{
	for (int i = 0; i < s->plan->n_kagg; i++) {
		struct kagg *k = &s->plan->kagg[i];

		if (k->why_not)
			continue;
		if (!all_single_line(k)) {	/* the gate in front of every write */
			k->why_not = xstrdup("a command held a control character");
			continue;
		}
		if (!make_one(s, k))
			pk_warn("latency %s: paired in user space: %s",
				s->plan->recipe->events[k->to].name, k->why_not);
	}
}

void session_remove_kernel_triggers(struct session *s)
{
	for (int i = 0; s->inst && i < s->plan->n_kagg; i++)
		unmake(s, &s->plan->kagg[i]);
}

void session_remove_synthetic_events(struct session *s)
{
	for (int i = 0; i < s->plan->n_kagg; i++)
		remove_synth(&s->plan->kagg[i]);
}
