// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Events the kernel counts for the summary (plan/kcount.c): their hist
 * triggers, made before the latencies' (a refusal puts the latency back in
 * user space before anything of it exists), dropped when their latency was
 * refused after all (its records come then, and are counted there), removed
 * before the latencies' triggers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <tracefs.h>

#include "session/session.h"
#include "util/textsafe.h"

static int write_trigger(struct session *s, const struct kcount *k, int h, bool remove)
{
	char *cmd = remove ? xasprintf("!%s", k->triggers[h]) : xstrdup(k->triggers[h]);
	int ret = tracefs_event_file_append(s->inst, k->kc.system, k->kc.event, "trigger", cmd);

	free(cmd);
	return ret < 0 ? -1 : 0;
}

static void unmake(struct session *s, struct kcount *k)
{
	for (int h = 0; h < k->kc.n_hists; h++)
		if ((k->made & (1u << h)) && write_trigger(s, k, h, true))
			pk_warn("cannot remove a count trigger on %s:%s: %s", k->kc.system, k->kc.event,
				strerror(errno));
	k->made = 0;
	k->kc.inst = NULL;
}

/* The latencies event ev belongs to go back to user space. */
static void unpair(struct plan *p, int ev, const char *why)
{
	for (int i = 0; i < p->n_kagg; i++)
		if (!p->kagg[i].why_not && (p->kagg[i].from == ev || p->kagg[i].to == ev))
			p->kagg[i].why_not = xstrdup(why);
}

static bool make_one(struct session *s, struct kcount *k)
{
	char *line;

	tracefs_error_clear(s->inst);
	for (int h = 0; h < k->kc.n_hists; h++) {
		if (!k->triggers[h])	/* the pairing's histogram counts it */
			continue;
		if (!text_is_single_line(k->triggers[h])) {	/* the gate in front of every write */
			k->why_not = xstrdup("a command held a control character");
			unmake(s, k);
			return false;
		}
		if (write_trigger(s, k, h, false)) {
			line = kernel_error_line(s->inst, false);
			k->why_not = xasprintf("the kernel refused the count of event %s: %s",
					       s->plan->recipe->events[k->event].name,
					       line ? line : strerror(errno));
			free(line);
			unmake(s, k);
			return false;
		}
		k->made |= 1u << h;
	}
	k->kc.inst = s->inst;
	return true;
}

void session_make_kernel_counts(struct session *s)
{
	for (int i = 0; i < s->plan->n_kcount; i++) {
		struct kcount *k = &s->plan->kcount[i];

		if (k->why_not)
			continue;
		if (!plan_event_paired_in_kernel(s->plan, k->event))	/* an earlier count refused */
			k->why_not = xstrdup("its latency is paired in user space");
		else if (!make_one(s, k)) {
			pk_warn("%s; paired in user space", k->why_not);
			unpair(s->plan, k->event, k->why_not);
		}
	}
}

void session_settle_kernel_counts(struct session *s)
{
	for (int i = 0; i < s->plan->n_kcount; i++) {
		struct kcount *k = &s->plan->kcount[i];

		/* made, or reading its pairing's histogram: either way its records now come */
		if (k->kc.inst && !plan_event_paired_in_kernel(s->plan, k->event)) {
			unmake(s, k);
			free(k->why_not);
			k->why_not = xstrdup("its latency is paired in user space");
		}
	}
}

void session_remove_kernel_counts(struct session *s)
{
	for (int i = 0; s->inst && i < s->plan->n_kcount; i++)
		unmake(s, &s->plan->kcount[i]);
}
