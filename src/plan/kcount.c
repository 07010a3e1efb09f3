// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Listed events whose records do not come, because the kernel pairs their
 * latency (syscalls' sys_exit): the counts analysis's summary is counted by
 * the kernel too, a hist trigger keyed by the summary's groups (comm: the
 * task's name the kernel saves with the row, common_pid.execname). An errno
 * field (present only when negative) splits the count in two: "if SRC >= 0"
 * without it, "if SRC < 0" keyed by it. A summary the kernel cannot key puts
 * the latency back in user space, and plan says why.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <event-parse.h>

#include "analysis/counts.h"
#include "plan/plan.h"

/* Rows (group keys) of each count histogram; more are counted as dropped. */
#define KCOUNT_ROWS 16384
#define KCOUNT_MAX_KEYS 3

/* One histogram being built: its keys' text and fields. */
struct hist_build {
	char *keys;
	int n_keys;
	int fields[KCOUNT_MAX_KEYS];
};

static const struct field_map *map_of(const struct alternative *a, int field)
{
	for (int i = 0; i < a->n_maps; i++)
		if (a->maps[i].field == field)
			return &a->maps[i];
	return NULL;
}

static bool add_key(struct hist_build *h, const char *name, int field)
{
	char *t;

	if (h->n_keys == KCOUNT_MAX_KEYS)
		return false;
	t = h->keys ? xasprintf("%s,%s", h->keys, name) : xstrdup(name);
	free(h->keys);
	h->keys = t;
	h->fields[h->n_keys++] = field;
	return true;
}

/* The errno field's source, when it is a plain signed integer of the event. */
static bool sign_source(const struct plan *p, int ev, const struct field_map *m)
{
	const struct planned_event *pe = &p->ev[ev];
	struct tep_event *e = plan_find_event(p->tep, pe->system, pe->name);
	struct tep_format_field *f = e && m->source ? tep_find_any_field(e, m->source) : NULL;

	return f && !m->inet && !m->network_order && !m->at_most && (f->flags & TEP_FIELD_IS_SIGNED) &&
	       !(f->flags & (TEP_FIELD_IS_ARRAY | TEP_FIELD_IS_STRING | TEP_FIELD_IS_DYNAMIC)) &&
	       f->size >= 1 && f->size <= 8;
}

/* One group field into both histograms (the sign split's keys go to the negative side). */
static char *add_field(const struct plan *p, int ev, int field, struct hist_build h[2], int *sign)
{
	const struct planned_event *pe = &p->ev[ev];
	const struct alternative *a = &pe->decl->alts[pe->chosen];
	const struct recipe *r = p->recipe;
	const struct field_map *m = map_of(a, field);
	struct tep_format_field *f;
	bool ok;

	if (field == FIELD_COMM && plan_pid_is_current(p, ev))
		ok = add_key(&h[0], "common_pid.execname", field) &&
		     add_key(&h[1], "common_pid.execname", field);
	else if (m && m->negative) {
		if (*sign >= 0 || !sign_source(p, ev, m))
			return xasprintf("its group %s is not one signed integer of the event",
					 r->fields[field].name);
		*sign = field;
		ok = add_key(&h[1], m->source, field);
	} else if (!m && !r->fields[field].builtin) {
		return NULL;	/* the event does not have it: absent, as in user space */
	} else {
		f = plan_plain_source(p, ev, field);
		if (!f)
			return xasprintf("its group %s is not a plain integer of the event",
					 r->fields[field].name);
		ok = add_key(&h[0], f->name, field) && add_key(&h[1], f->name, field);
	}
	return ok ? NULL : xasprintf("it groups by more than %d keys", KCOUNT_MAX_KEYS);
}

/* The keys of the pairing's trigger on event ev (a latency the kernel pairs has it). */
static const char *pairing_keys(const struct plan *p, int ev)
{
	for (int i = 0; i < p->n_kagg; i++)
		if (!p->kagg[i].why_not && p->kagg[i].from == ev)
			return p->kagg[i].key_start;
	for (int i = 0; i < p->n_kagg; i++)
		if (!p->kagg[i].why_not && p->kagg[i].to == ev)
			return p->kagg[i].key_end;
	return "";
}

static char *trigger(const struct hist_build *h, const char *cond, const char *filter)
{
	if (!cond && !filter)
		return xasprintf("hist:keys=%s:size=%d", h->keys, KCOUNT_ROWS);
	if (!cond || !filter)
		return xasprintf("hist:keys=%s:size=%d if %s", h->keys, KCOUNT_ROWS,
				 cond ? cond : filter);
	return xasprintf("hist:keys=%s:size=%d if (%s) && (%s)", h->keys, KCOUNT_ROWS, cond, filter);
}

/* The histograms of event ev for summary cfg, into k; NULL, or why the kernel cannot. */
static char *build(const struct plan *p, const struct counts_cfg *cfg, int ev, struct kcount *k)
{
	const struct planned_event *pe = &p->ev[ev];
	struct hist_build h[2] = { 0 };
	int sign = -1, n;
	char *why = NULL, *cond[2] = { NULL, NULL };
	const char *pair_keys;

	if (cfg->sum_field)
		return xasprintf("it sums a field");
	if (cfg->n_more)
		return xasprintf("it has further tables");
	for (int i = 0; !why && i < cfg->n_group_by; i++) {
		why = add_field(p, ev, cfg->group_by[i].field, h, &sign);
		if (!why && cfg->group_by[i].port_field >= 0)
			why = add_field(p, ev, cfg->group_by[i].port_field, h, &sign);
	}
	n = sign >= 0 ? 2 : 1;
	pair_keys = pairing_keys(p, ev);
	if (!why && !h[0].n_keys && n == 1)	/* a total: the pairing's own histogram counts it */
		add_key(&h[0], pair_keys, -1);
	if (!why && !h[0].n_keys)
		why = xasprintf("it has no group the kernel can key");
	if (!why && n == 2 && !strcmp(h[0].keys, pair_keys))
		why = xasprintf("it keys the event as its pairing does");
	if (why) {
		free(h[0].keys);
		free(h[1].keys);
		return why;
	}
	if (n == 2) {
		const struct field_map *m = map_of(&pe->decl->alts[pe->chosen], sign);

		cond[0] = xasprintf("%s >= 0", m->source);
		cond[1] = xasprintf("%s < 0", m->source);
	}
	k->event = ev;
	k->kc.system = pe->system;
	k->kc.event = pe->name;
	k->kc.event_index = ev;
	k->kc.n_hists = n;
	for (int i = 0; i < 2; i++) {
		struct kernel_count_hist *kh = &k->kc.hists[i];

		if (i < n) {
			/* keyed as its pairing is: that histogram counts it, nothing to make */
			if (n == 2 || strcmp(h[i].keys, pair_keys))
				k->triggers[i] = trigger(&h[i], cond[i], pe->filter);
			kh->keys = h[i].keys;
			kh->n_keys = h[i].n_keys;
			memcpy(kh->fields, h[i].fields, sizeof(kh->fields));
			kh->absent = i == 0 ? sign : -1;
		} else {
			free(h[i].keys);
		}
		free(cond[i]);
	}
	return NULL;
}

/* An unlisted event (context for others): its number alone, from its pairing's histogram. */
static void context_count(const struct plan *p, int ev, struct kcount *k)
{
	const struct planned_event *pe = &p->ev[ev];
	struct kernel_count_hist *kh = &k->kc.hists[0];

	k->event = ev;
	k->kc.system = pe->system;
	k->kc.event = pe->name;
	k->kc.event_index = ev;
	k->kc.n_hists = 1;
	kh->keys = xstrdup(pairing_keys(p, ev));
	kh->n_keys = 1;
	kh->fields[0] = -1;
	kh->absent = -1;
}

static void kcount_clear(struct kcount *k)
{
	for (int i = 0; i < 2; i++) {
		free(k->triggers[i]);
		free((char *)k->kc.hists[i].keys);
	}
	free(k->why_not);
	memset(k, 0, sizeof(*k));
}

void plan_kernel_counts_free(struct plan *p)
{
	for (int i = 0; i < p->n_kcount; i++)
		kcount_clear(&p->kcount[i]);
	free(p->kcount);
	p->kcount = NULL;
	p->n_kcount = 0;
}

/* Event ev goes back to the ring buffer: every latency the kernel would pair it in. */
static void unpair(struct plan *p, int ev, const char *why)
{
	for (int i = 0; i < p->n_kagg; i++) {
		struct kagg *g = &p->kagg[i];

		if (!g->why_not && (g->from == ev || g->to == ev))
			g->why_not = xasprintf("the kernel cannot count event %s for the summary: %s",
					       p->recipe->events[ev].name, why);
	}
}

/* One pass; false when a latency went back to user space (its other event may need a pass). */
static bool count_pass(struct plan *p)
{
	const struct recipe *r = p->recipe;

	for (int i = 0; i < r->n_analyses; i++) {
		if (r->analyses[i].ops != &counts_analysis)
			continue;
		for (int ev = 0; ev < r->n_events; ev++) {
			struct kcount k = { .analysis = i };
			char *why;

			if (!plan_event_paired_in_kernel(p, ev))
				continue;
			if (r->events[ev].unlisted)
				context_count(p, ev, &k);
			why = r->events[ev].unlisted ? NULL : build(p, r->analyses[i].cfg, ev, &k);
			if (why) {
				unpair(p, ev, why);
				free(why);
				return false;
			}
			p->kcount = xrealloc(p->kcount, (p->n_kcount + 1) * sizeof(*p->kcount));
			p->kcount[p->n_kcount++] = k;
		}
	}
	return true;
}

void plan_kernel_counts(struct plan *p)
{
	/* each failed pass un-pairs at least one latency: at most n_kagg + 1 passes */
	do
		plan_kernel_counts_free(p);
	while (!count_pass(p));
}

void plan_print_kernel_counts(const struct plan *p)
{
	for (int i = 0; i < p->n_kcount; i++) {
		const struct kcount *k = &p->kcount[i];

		if (p->recipe->events[k->event].unlisted)
			continue;	/* its number only, from its pairing's histogram */
		if (!k->triggers[0]) {
			printf("summary: event %s counted in the kernel, by its pairing's histogram "
			       "(keys %s)\n", p->recipe->events[k->event].name, k->kc.hists[0].keys);
			continue;
		}
		printf("summary: event %s counted in the kernel (hist trigger%s keyed by its groups%s)\n",
		       p->recipe->events[k->event].name, k->kc.n_hists > 1 ? "s" : "",
		       k->kc.n_hists > 1 ? ", one for each sign of the errno field" : "");
		if (strstr(k->kc.hists[0].keys, ".execname"))
			printf("      a process's name is the one the kernel saved with its group's first event\n");
		for (int h = 0; h < k->kc.n_hists; h++)
			printf("      instances/%s/events/%s/%s/trigger >> %s\n", p->instance,
			       k->kc.system, k->kc.event, k->triggers[h]);
	}
}
