// SPDX-License-Identifier: GPL-2.0-or-later
/* Planning: pick the first alternative of each event this kernel can run, and say why not the others. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <event-parse.h>
#include <tracefs.h>

#include "kernel/formats.h"
#include "plan/plan.h"
#include "source/source.h"

struct tep_event *plan_find_event(struct tep_handle *tep, const char *system, const char *name)
{
	return tep ? tep_find_event_by_name(tep, system, name) : NULL;
}

/* The probe's fetch args for this kernel ($argN or registers). */
static char *plan_args(const struct plan *p, const struct alternative *a, char **why)
{
	return source_kind_of(a->kind)->args(a, p->caps->arch, p->argn, why);
}

/*
 * plan predicts from the symbol lists (run asks the kernel): every kprobe
 * target of the recipe in one pass, so a 5 MB kallsyms is read at most once.
 */
static void find_kfuncs(struct plan *p)
{
	const struct recipe *r = p->recipe;

	if (p->ask_kernel || !p->caps->kprobes)
		return;
	for (int i = 0; i < r->n_events; i++)
		for (int j = 0; j < r->events[i].n_alts; j++)
			if (source_kind_of(r->events[i].alts[j].kind)->is_probe) {
				p->kfuncs = xrealloc(p->kfuncs, (p->n_kfuncs + 1) * sizeof(char *));
				p->kfuncs[p->n_kfuncs++] = r->events[i].alts[j].function;
			}
	p->kfunc_found = xcalloc(p->n_kfuncs, sizeof(bool));
	caps_find_functions(p->caps, p->kfuncs, p->n_kfuncs, p->kfunc_found);
}

static bool kfunc_known(const void *ctx, const char *func)
{
	const struct plan *p = ctx;

	for (int i = 0; i < p->n_kfuncs; i++)
		if (!strcmp(p->kfuncs[i], func))
			return p->kfunc_found[i];
	return false;
}

static struct source_env source_env(const struct plan *p)
{
	return (struct source_env){ .recipe = p->recipe, .caps = p->caps, .tep = p->tep,
				    .argn = p->argn, .ask_kernel = p->ask_kernel,
				    .function_known = kfunc_known, .ctx = p };
}

/* Why this kernel cannot run a, or NULL; *args for a probe. */
static char *check_alt(const struct plan *p, const struct alternative *a, char **args)
{
	struct source_env env = source_env(p);

	return source_kind_of(a->kind)->check(&env, a, args);
}

static void set_state(struct alt_plan *ap, enum alt_state state, char *reason)
{
	free(ap->reason);
	ap->state = state;
	ap->reason = reason;
}

static int forced_alt(const struct event_decl *e, char **use, int *forced)
{
	size_t len = strlen(e->name);

	*forced = -1;
	for (char **u = use; u && *u; u++) {
		const char *val = *u + len + 1;

		if (strncmp(*u, e->name, len) || (*u)[len] != '=')
			continue;
		for (int i = 0; i < e->n_alts; i++) {
			char idx[16];

			snprintf(idx, sizeof(idx), "%d", i);
			if (!strcmp(val, idx) || !strcmp(val, source_kind_of(e->alts[i].kind)->name)) {
				*forced = i;
				return PK_OK;
			}
		}
		char *kinds = source_kind_list("", ", ");

		pk_error("--use %s: event '%s' has no alternative '%s' (an index 0-%d, or %s)", *u,
			 e->name, val, e->n_alts - 1, kinds);
		free(kinds);
		return PK_ERR_USAGE;
	}
	return PK_OK;
}

static void select_alt(struct plan *p, struct planned_event *pe, int i, char *args)
{
	const struct alternative *a = &pe->decl->alts[i];

	const struct source_kind *kind = source_kind_of(a->kind);

	pe->chosen = i;
	set_state(&pe->alts[i], ALT_CHOSEN, NULL);
	pe->filter = alt_filter(p->recipe, a);
	if (!kind->is_probe) {
		pe->system = xstrdup(a->system);
		pe->name = xstrdup(a->event);
		free(args);
		return;
	}
	/* probes: in our group, named after the recipe's event */
	pe->system = xstrdup(p->instance);
	pe->name = xasprintf("%s%s", p->probe_prefix ? p->probe_prefix : "", pe->decl->name);
	pe->probe_args = args;
	pe->probe = kind->render(a, pe->system, pe->name, args);
}

static void clear_choice(struct planned_event *pe)
{
	free(pe->system);
	free(pe->name);
	free(pe->probe);
	free(pe->probe_args);
	free(pe->filter);
	pe->system = pe->name = pe->probe = pe->probe_args = pe->filter = NULL;
	pe->chosen = -1;
}

/* Evaluate alternatives from start on; the first runnable one is chosen. */
static void choose(struct plan *p, struct planned_event *pe, int start)
{
	struct event_decl *e = pe->decl;

	for (int i = start; i < e->n_alts; i++) {
		struct alternative *a = &e->alts[i];
		bool probe = source_kind_of(a->kind)->is_probe;
		char *args = NULL, *why = NULL;

		if (!p->caps->readable && (pe->forced >= 0 ? i != pe->forced : i > 0)) {
			/* without root nothing can be checked: show what would be tried first */
			set_state(&pe->alts[i], ALT_UNCHECKED, xstrdup("not checked (tracefs not readable)"));
			continue;
		}
		if (pe->forced >= 0 && i != pe->forced) {
			set_state(&pe->alts[i], ALT_UNCHECKED,
				  xasprintf("not forced (--use %s=%d)", e->name, pe->forced));
			continue;
		}
		if (!p->caps->readable)
			args = probe ? plan_args(p, a, &why) : NULL;
		else
			why = check_alt(p, a, &args);
		if (why) {
			set_state(&pe->alts[i], ALT_REFUSED, why);
			free(args);
		} else if (pe->chosen >= 0) {
			set_state(&pe->alts[i], ALT_RUNNABLE,
				  xasprintf("runnable, but [%d] comes first", pe->chosen));
			free(args);
		} else {
			select_alt(p, pe, i, args);
		}
	}
}

static bool runnable(const struct planned_event *pe, int i)
{
	return pe->alts[i].state == ALT_RUNNABLE || pe->alts[i].state == ALT_CHOSEN;
}

static bool same_label(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Make alternative i of pe the chosen one (it was found runnable before). */
static void rechoose(struct plan *p, struct planned_event *pe, int i)
{
	char *args = NULL, *why = NULL;
	int old = pe->chosen;

	clear_choice(pe);
	if (old >= 0)	/* still runnable, set aside */
		set_state(&pe->alts[old], ALT_RUNNABLE,
			  xstrdup("runnable, but its pair event has no alternative like it"));
	if (source_kind_of(pe->decl->alts[i].kind)->is_probe)
		args = plan_args(p, &pe->decl->alts[i], &why);
	free(why);
	select_alt(p, pe, i, args);
}

/* Latency pairs: choose the two events' alternatives with the same label. */
static void plan_couple(struct plan *p)
{
	for (int l = 0; l < p->recipe->n_couplings; l++) {
		const struct coupling *d = &p->recipe->couplings[l];
		struct planned_event *a = &p->ev[d->from], *b = &p->ev[d->to];

		if (a->chosen < 0 || b->chosen < 0 ||
		    same_label(a->decl->alts[a->chosen].label, b->decl->alts[b->chosen].label))
			continue;
		/* the first start alternative whose label an end alternative shares */
		for (int i = 0; i < a->decl->n_alts; i++) {
			const char *label = a->decl->alts[i].label;
			int j;

			if (!runnable(a, i))
				continue;
			for (j = 0; j < b->decl->n_alts; j++)
				if (runnable(b, j) && same_label(label, b->decl->alts[j].label))
					break;
			if (j == b->decl->n_alts)
				continue;
			if (a->chosen != i)
				rechoose(p, a, i);
			if (b->chosen != j)
				rechoose(p, b, j);
			break;
		}
		if (!same_label(a->decl->alts[a->chosen].label, b->decl->alts[b->chosen].label)) {
			int old = b->chosen;

			clear_choice(b);
			set_state(&b->alts[old], ALT_REFUSED,
				  xasprintf("no alternative of '%s' pairs with it (label)", a->decl->name));
		}
	}
}

bool plan_when_holds(const struct plan *p, int ev)
{
	const struct event_decl *e = p->ev[ev].decl;
	const struct planned_event *other;

	if (e->when_explain)
		return p->explain;
	if (e->when_event < 0)
		return true;
	other = &p->ev[e->when_event];
	return other->chosen >= 0 && other->decl->alts[other->chosen].kind == e->when_kind;
}

const char *plan_why_not(const struct plan *p, int ev)
{
	const struct planned_event *pe = &p->ev[ev];

	return pe->alts[pe->decl->n_alts - 1].reason;
}

/* Leave out events whose "when" does not hold for the current choices. */
static void plan_apply_when(struct plan *p)
{
	for (int i = 0; i < p->n_ev; i++) {
		struct planned_event *pe = &p->ev[i];
		int old = pe->chosen;

		if (old < 0 || plan_when_holds(p, i))
			continue;
		clear_choice(pe);
		set_state(&pe->alts[old], ALT_NOT_NEEDED, pe->decl->when_explain ?
			  xstrdup("not needed: traced only with --explain") :
			  xasprintf("not needed: traced only when %s", pe->decl->when));
	}
}

static bool every_required_chosen(const struct plan *p)
{
	for (int i = 0; i < p->n_ev; i++)
		if (p->ev[i].chosen < 0 && !p->ev[i].decl->optional)
			return false;
	return true;
}

int plan_refuse(struct plan *p, int ev, char *reason, bool recipe_error)
{
	struct planned_event *pe = &p->ev[ev];
	int failed = pe->chosen;

	clear_choice(pe);
	set_state(&pe->alts[failed], ALT_REFUSED, reason);
	choose(p, pe, failed + 1);
	if (pe->chosen >= 0 || pe->decl->optional) {
		/* the new choice may change its pair's, and what "when" asks for */
		plan_couple(p);
		plan_apply_when(p);
		plan_kernel_pairs(p, NULL);
		if (every_required_chosen(p))
			return PK_OK;
	}
	plan_report_unrunnable(p);
	return recipe_error ? PK_ERR_USAGE : PK_ERR_KERNEL;
}

/* What the kinds need to check their alternatives: tracepoints' formats (see formats.h). */
static void load_formats(struct plan *p)
{
	struct source_env env;

	p->tep = formats_open(p->caps->readable ? p->caps->tracing_dir : NULL);
	if (!p->tep) {
		pk_error("out of memory");
		abort();
	}
	if (!p->caps->readable)
		return;
	env = source_env(p);
	for (int i = 0; i < p->recipe->n_events; i++) {
		const struct event_decl *e = &p->recipe->events[i];

		for (int j = 0; j < e->n_alts; j++)
			if (source_kind_of(e->alts[j].kind)->prepare)
				source_kind_of(e->alts[j].kind)->prepare(&env, &e->alts[j]);
	}
}

int plan_build(struct plan *p, struct recipe *r, struct caps *c, const struct plan_opts *o)
{
	int ret = PK_OK;

	memset(p, 0, sizeof(*p));
	p->recipe = r;
	p->caps = c;
	p->instance = xstrdup(o->instance);
	p->probe_prefix = o->probe_prefix ? xstrdup(o->probe_prefix) : NULL;
	p->synth_base = o->synth_base;
	/* unreadable tracefs: assume a kernel new enough for $argN */
	p->argn = (c->argn || !c->readable) && !o->no_argn;
	p->clock = o->clock ? o->clock : caps_pick_clock(c);
	p->buffer_kb = o->buffer_kb;
	p->ask_kernel = o->ask_kernel;
	p->explain = o->explain;
	if (o->clock && c->readable && !caps_has_clock(c, o->clock)) {
		pk_error("--clock %s: this kernel has no such trace clock", o->clock);
		return PK_ERR_USAGE;
	}
	load_formats(p);
	find_kfuncs(p);
	p->ev = xcalloc(r->n_events, sizeof(*p->ev));
	p->n_ev = r->n_events;
	for (int i = 0; i < r->n_events; i++) {
		struct planned_event *pe = &p->ev[i];

		pe->decl = &r->events[i];
		pe->chosen = -1;
		pe->alts = xcalloc(pe->decl->n_alts, sizeof(*pe->alts));
		if ((ret = forced_alt(pe->decl, o->use, &pe->forced)))
			return ret;
		choose(p, pe, 0);
	}
	for (char **u = o->use; u && *u; u++) {
		bool known = false;

		for (int i = 0; i < r->n_events; i++) {
			size_t len = strlen(r->events[i].name);

			known |= !strncmp(*u, r->events[i].name, len) && (*u)[len] == '=';
		}
		if (!known) {
			pk_error("--use %s: recipe '%s' has no such event (EVENT=ALTERNATIVE)", *u, r->name);
			return PK_ERR_USAGE;
		}
	}
	plan_couple(p);
	plan_apply_when(p);
	if (!every_required_chosen(p))
		return PK_ERR_KERNEL;
	plan_kernel_pairs(p, o);
	return plan_check_shared_filters(p);	/* before any tracefs write */
}

void plan_report_unrunnable(const struct plan *p)
{
	for (int i = 0; i < p->n_ev; i++) {
		const struct planned_event *pe = &p->ev[i];
		struct strbuf sb = { 0 };

		if (pe->chosen >= 0 || pe->decl->optional)
			continue;
		for (int j = 0; j < pe->decl->n_alts; j++) {
			char target[256];

			source_describe(&pe->decl->alts[j], target, sizeof(target));
			sb_addf(&sb, "%s[%d] %s: %s", j ? "; " : "", j, target, pe->alts[j].reason);
		}
		pk_error("%s: event '%s': no alternative runs on this kernel: %s", p->recipe->path,
			 pe->decl->name, sb.buf);
		sb_release(&sb);
		return;
	}
}

void plan_free(struct plan *p)
{
	for (int i = 0; i < p->n_ev; i++) {
		struct planned_event *pe = &p->ev[i];

		for (int j = 0; pe->alts && j < pe->decl->n_alts; j++)
			free(pe->alts[j].reason);
		free(pe->alts);
		free(pe->system);
		free(pe->name);
		free(pe->probe);
		free(pe->probe_args);
		free(pe->filter);
	}
	plan_kernel_pairs_free(p);
	free(p->ev);
	if (p->tep)
		formats_close(p->tep);
	free(p->kfuncs);
	free(p->kfunc_found);
	free(p->instance);
	free(p->probe_prefix);
	memset(p, 0, sizeof(*p));
}
