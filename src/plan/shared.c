// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Several recipe events on one tracepoint (inet_sock_set_state as syn_sent,
 * established, failed): the kernel has one enable and one filter per event
 * type, so the run enables it once with the OR of the recipe events' filters,
 * and the decoder tells the records apart with each event's own filter.
 */
#include <string.h>

#include "plan/plan.h"
#include "util/util.h"

static bool same_event(const struct planned_event *a, const struct planned_event *b)
{
	return a->chosen >= 0 && b->chosen >= 0 && !strcmp(a->system, b->system) &&
	       !strcmp(a->name, b->name);
}

int plan_first_sharing(const struct plan *p, int ev)
{
	for (int i = 0; i < ev; i++)
		if (same_event(&p->ev[i], &p->ev[ev]))
			return i;
	return ev;
}

bool plan_event_shared(const struct plan *p, int ev)
{
	for (int i = 0; i < p->n_ev; i++)
		if (i != ev && same_event(&p->ev[i], &p->ev[ev]))
			return true;
	return false;
}

char *plan_kernel_filter(const struct plan *p, int ev)
{
	struct strbuf sb = { 0 };
	int n = 0;

	if (!plan_event_shared(p, ev))
		return p->ev[ev].filter ? xstrdup(p->ev[ev].filter) : NULL;
	for (int i = 0; i < p->n_ev; i++) {
		if (!same_event(&p->ev[i], &p->ev[ev]))
			continue;
		if (!p->ev[i].filter) {	/* one of them takes every record */
			sb_release(&sb);
			return NULL;
		}
		sb_addf(&sb, "%s(%s)", n++ ? " || " : "", p->ev[i].filter);
	}
	return sb_detach(&sb);
}
