// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Several recipe events on one tracepoint (inet_sock_set_state as syn_sent,
 * established, failed): the kernel has one enable and one filter per event
 * type, so the run enables it once with the OR of the recipe events' filters,
 * and the decoder tells the records apart with each event's own filter.
 */
#include <string.h>
#include <event-parse.h>

#include "plan/filter_shape.h"
#include "plan/plan.h"
#include <stdio.h>
#include <stdlib.h>

#include "util/textsafe.h"
#include "util/util.h"

static bool same_event(const struct planned_event *a, const struct planned_event *b)
{
	return a->chosen >= 0 && b->chosen >= 0 && !strcmp(a->system, b->system) &&
	       !strcmp(a->name, b->name);
}

/* The plans sharing p's instance (p itself when alone). */
static int set_size(const struct plan *p)
{
	return p->set ? p->n_set : 1;
}

static const struct plan *set_at(const struct plan *p, int k)
{
	return p->set ? p->set[k] : p;
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
	for (int k = 0; k < set_size(p); k++) {
		const struct plan *q = set_at(p, k);

		if (q->skipped)
			continue;
		for (int i = 0; i < q->n_ev; i++)
			if ((q != p || i != ev) && same_event(&q->ev[i], &p->ev[ev]))
				return true;
	}
	return false;
}

char *plan_kernel_filter(const struct plan *p, int ev)
{
	struct strbuf sb = { 0 };
	int n = 0;

	if (!plan_event_shared(p, ev))
		return p->ev[ev].filter ? xstrdup(p->ev[ev].filter) : NULL;
	/* in the set's order: every plan sharing it writes the same filter */
	for (int k = 0; k < set_size(p); k++) {
		const struct plan *q = set_at(p, k);

		for (int i = 0; i < q->n_ev && !q->skipped; i++) {
			if (!same_event(&q->ev[i], &p->ev[ev]))
				continue;
			if (!q->ev[i].filter) {	/* one of them takes every record */
				sb_release(&sb);
				return NULL;
			}
			sb_addf(&sb, "%s(%s)", n++ ? " || " : "", q->ev[i].filter);
		}
	}
	return sb_detach(&sb);
}

/* libtraceevent's message ends with the reason, after the filter and a caret line. */
static const char *last_line(const char *why)
{
	const char *nl = strrchr(why, '\n');

	return nl && nl[1] ? nl + 1 : why;
}

/* A field of the event as a filter compares it: a number, a string (a char array), or neither. */
static enum filter_field_kind field_kind(void *ctx, const char *name, size_t len)
{
	struct tep_format_field *f;
	char buf[128];

	if (!ctx || len >= sizeof(buf))
		return FILTER_FIELD_NONE;
	memcpy(buf, name, len);
	buf[len] = '\0';
	if (!(f = tep_find_any_field(ctx, buf)))
		return FILTER_FIELD_NONE;
	if (f->flags & TEP_FIELD_IS_STRING)
		return FILTER_FIELD_STRING;
	if (f->flags & (TEP_FIELD_IS_ARRAY | TEP_FIELD_IS_DYNAMIC) || !f->size || f->size > 8)
		return FILTER_FIELD_NONE;
	return FILTER_FIELD_NUMBER;
}

struct tep_event_filter *plan_own_filter(struct tep_handle *tep, const struct planned_event *pe)
{
	struct tep_event_filter *f;
	enum tep_errno err;
	char why[512], *text;
	const char *bad;
	size_t at = 0;

	/* libtraceevent 1.7's parser frees twice on its error paths: only a
	 * filter it reads without an error reaches it (filter_shape.h) */
	if ((bad = filter_shape_error(pe->filter, &at, field_kind,
				      tep_find_event_by_name(tep, pe->system, pe->name)))) {
		char shown[256];

		text_escape(pe->filter, strlen(pe->filter), shown, sizeof(shown));
		pk_error("%s.filter: '%s' on %s:%s, shared with another event, is evaluated in user "
			 "space: at byte %zu: %s", pe->decl->alts[pe->chosen].path, shown,
			 pe->system, pe->name, at + 1, bad);
		return NULL;
	}
	f = tep_filter_alloc(tep);
	text = xasprintf("%s/%s:%s", pe->system, pe->name, pe->filter);
	err = f ? tep_filter_add_filter_str(f, text) : TEP_ERRNO__MEM_ALLOC_FAILED;
	free(text);
	if (!err)
		return f;
	if (!f || tep_filter_strerror(f, err, why, sizeof(why)))
		snprintf(why, sizeof(why), "cannot parse it");
	pk_error("%s.filter: '%s' on %s:%s, shared with another event, is evaluated in user space: %s",
		 pe->decl->alts[pe->chosen].path, pe->filter, pe->system, pe->name, last_line(why));
	if (f)
		tep_filter_free(f);
	return NULL;
}

int plan_check_shared_filters(const struct plan *p)
{
	for (int i = 0; i < p->n_ev; i++) {
		const struct planned_event *pe = &p->ev[i];
		struct tep_event_filter *f;

		if (pe->chosen < 0 || !pe->filter || !p->tep || !plan_event_shared(p, i))
			continue;
		/* a format this user cannot read (plan as non-root): checked when it runs */
		if (!tep_find_event_by_name(p->tep, pe->system, pe->name))
			continue;
		if (!(f = plan_own_filter(p->tep, pe)))
			return PK_ERR_USAGE;
		tep_filter_free(f);
	}
	return PK_OK;
}

int plan_set_link(struct plan **plans, int n)
{
	int ret = PK_OK;

	for (int k = 0; k < n; k++) {
		plans[k]->set = plans;
		plans[k]->n_set = n;
	}
	for (int k = 0; k < n && !ret; k++) {
		plan_kernel_pairs(plans[k], NULL);
		ret = plan_check_shared_filters(plans[k]);
	}
	return ret;
}
