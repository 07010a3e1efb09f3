// SPDX-License-Identifier: GPL-2.0-or-later
/* Planning: pick the first alternative of each event this kernel can run, and say why not the others. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <event-parse.h>
#include <tracefs.h>

#include "source/fetcharg.h"
#include "kernel/formats.h"
#include "plan/plan.h"

struct tep_event *plan_find_event(struct tep_handle *tep, const char *system, const char *name)
{
	return tep ? tep_find_event_by_name(tep, system, name) : NULL;
}

static char *check_source_size(struct tep_format_field *f, const char *name, int want1, int want2)
{
	if (f->size == want1 || f->size == want2)
		return NULL;
	return xasprintf("field '%s' has %d bytes, expected %d", name, f->size, want1);
}

/* Why a field map cannot be served by this tracepoint's format, or NULL. */
static char *check_map(const struct recipe *r, struct tep_event *ev, const struct field_map *m)
{
	enum field_format fmt = r->fields[m->field].format;
	struct tep_format_field *f;
	char *why = NULL;

	if (!m->inet) {
		f = tep_find_any_field(ev, m->source);
		if (!f)
			return m->optional ? NULL : xasprintf("field '%s' not in this kernel's format",
							      m->source);
		if (fmt == FMT_IPV4)
			why = check_source_size(f, m->source, 4, 4);
		else if (fmt == FMT_IPV6)
			why = check_source_size(f, m->source, 16, 16);
		else if (fmt == FMT_SOCKADDR || fmt == FMT_INET)
			why = f->size >= 16 || fmt == FMT_INET ? NULL :
			      xasprintf("field '%s' is too small for an address", m->source);
		return why;
	}
	if (m->family && !tep_find_any_field(ev, m->family))
		return xasprintf("field '%s' not in this kernel's format", m->family);
	if (m->ipv4) {
		if (!(f = tep_find_any_field(ev, m->ipv4)))
			return xasprintf("field '%s' not in this kernel's format", m->ipv4);
		if ((why = check_source_size(f, m->ipv4, 4, 4)))
			return why;
	}
	for (int i = 0; i < m->n_ipv6; i++) {
		if (!(f = tep_find_any_field(ev, m->ipv6[i])))
			return xasprintf("field '%s' not in this kernel's format", m->ipv6[i]);
		if ((why = check_source_size(f, m->ipv6[i], m->n_ipv6 == 2 ? 8 : 16, 0)))
			return why;
	}
	return NULL;
}

static char *check_tracepoint(struct plan *p, const struct alternative *a)
{
	struct tep_event *ev;

	if (!caps_tracepoint_exists(p->caps, a->system, a->event))
		return xstrdup("not in this kernel");
	ev = plan_find_event(p->tep, a->system, a->event);
	if (!ev)
		return xasprintf("the format of %s:%s could not be parsed", a->system, a->event);
	for (int i = 0; i < a->n_maps; i++) {
		char *why = check_map(p->recipe, ev, &a->maps[i]);

		if (why)
			return why;
	}
	return NULL;
}

char *probe_args_text(const struct alternative *a, const char *arch, bool argn, char **why)
{
	struct strbuf sb = { 0 };

	for (int i = 0; i < a->n_args; i++) {
		char *err = NULL;
		char *spec = fetcharg_translate(a->args[i].spec, arch, argn, a->kind == ALT_KRETPROBE,
						&err);

		if (!spec) {
			*why = xasprintf("arg %s: %s", a->args[i].name, err);
			free(err);
			sb_release(&sb);
			return NULL;
		}
		sb_addf(&sb, "%s%s=%s", i ? " " : "", a->args[i].name, spec);
		free(spec);
	}
	return sb.buf ? sb_detach(&sb) : xstrdup("");
}

char *probe_command_text(const struct alternative *a, const char *group, const char *event,
			 const char *args)
{
	return xasprintf("%c:%s/%s %s%s%s", a->kind == ALT_KPROBE ? 'p' : 'r', group, event,
			 a->function, *args ? " " : "", args);
}

/* The probe's fetch args for this kernel ($argN or registers). */
static char *plan_args(const struct plan *p, const struct alternative *a, char **why)
{
	return probe_args_text(a, p->caps->arch, p->argn, why);
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
			if (r->events[i].alts[j].kind != ALT_TRACEPOINT) {
				p->kfuncs = xrealloc(p->kfuncs, (p->n_kfuncs + 1) * sizeof(char *));
				p->kfuncs[p->n_kfuncs++] = r->events[i].alts[j].function;
			}
	p->kfunc_found = xcalloc(p->n_kfuncs, sizeof(bool));
	caps_find_functions(p->caps, p->kfuncs, p->n_kfuncs, p->kfunc_found);
}

static bool kfunc_known(const struct plan *p, const char *func)
{
	for (int i = 0; i < p->n_kfuncs; i++)
		if (!strcmp(p->kfuncs[i], func))
			return p->kfunc_found[i];
	return false;
}

static char *check_kprobe(struct plan *p, const struct alternative *a, char **args)
{
	char *why = NULL;

	*args = NULL;
	if (!p->caps->kprobes)
		return xstrdup("the kernel has no kprobe_events (CONFIG_KPROBE_EVENTS)");
	/* run asks the kernel itself, and quotes its reason when it refuses */
	if (!p->ask_kernel && !kfunc_known(p, a->function))
		return xasprintf("function %s not found in available_filter_functions or kallsyms",
				 a->function);
	*args = plan_args(p, a, &why);
	return why;
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
			if (!strcmp(val, idx) || !strcmp(val, alt_kind_name(e->alts[i].kind))) {
				*forced = i;
				return PK_OK;
			}
		}
		pk_error("--use %s: event '%s' has no alternative '%s' (an index 0-%d, or tracepoint, "
			 "kprobe, kretprobe)", *u, e->name, val, e->n_alts - 1);
		return PK_ERR_USAGE;
	}
	return PK_OK;
}

static void select_alt(struct plan *p, struct planned_event *pe, int i, char *args)
{
	const struct alternative *a = &pe->decl->alts[i];

	pe->chosen = i;
	pe->filter = alt_filter(p->recipe, a);
	if (a->kind == ALT_TRACEPOINT) {
		pe->system = xstrdup(a->system);
		pe->name = xstrdup(a->event);
		free(args);
		return;
	}
	pe->system = xstrdup(p->instance);
	pe->name = xstrdup(pe->decl->name);
	pe->probe_args = args;
	pe->probe = probe_command_text(a, pe->system, pe->name, args);
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
		char *args = NULL, *why = NULL;

		free(pe->why[i]);
		pe->why[i] = NULL;
		if (!p->caps->readable && (pe->forced >= 0 ? i != pe->forced : i > 0)) {
			/* without root nothing can be checked: show what would be tried first */
			pe->why[i] = xstrdup("not checked (tracefs not readable)");
			continue;
		}
		if (pe->forced >= 0 && i != pe->forced) {
			pe->why[i] = xasprintf("not forced (--use %s=%d)", e->name, pe->forced);
			continue;
		}
		if (!p->caps->readable)
			args = a->kind == ALT_TRACEPOINT ? NULL : plan_args(p, a, &why);
		else
			why = a->kind == ALT_TRACEPOINT ? check_tracepoint(p, a)
							: check_kprobe(p, a, &args);
		if (!why && pe->chosen >= 0)
			why = xasprintf("runnable, but [%d] comes first", pe->chosen);
		if (why) {
			pe->why[i] = why;
			free(args);
			continue;
		}
		select_alt(p, pe, i, args);
	}
}

static bool runnable(const struct planned_event *pe, int i)
{
	return pe->chosen == i || (pe->why[i] && !strncmp(pe->why[i], "runnable, but", 13));
}

static bool same_label(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Make alternative i of pe the chosen one (it was found runnable before). */
static void rechoose(struct plan *p, struct planned_event *pe, int i, const char *why_old)
{
	char *args = NULL, *why = NULL;
	int old = pe->chosen;

	clear_choice(pe);
	if (old >= 0) {
		free(pe->why[old]);
		pe->why[old] = xstrdup(why_old);
	}
	free(pe->why[i]);
	pe->why[i] = NULL;
	if (pe->decl->alts[i].kind != ALT_TRACEPOINT)
		args = plan_args(p, &pe->decl->alts[i], &why);
	free(why);
	select_alt(p, pe, i, args);
}

void plan_couple(struct plan *p)
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
				rechoose(p, a, i, "runnable, but its pair event has no alternative like it");
			if (b->chosen != j)
				rechoose(p, b, j, "runnable, but its pair event has no alternative like it");
			break;
		}
		if (!same_label(a->decl->alts[a->chosen].label, b->decl->alts[b->chosen].label)) {
			free(b->why[b->chosen]);
			b->why[b->chosen] = xasprintf("no alternative of '%s' pairs with it (label)",
						      a->decl->name);
			clear_choice(b);
		}
	}
}

bool plan_when_holds(const struct plan *p, int ev)
{
	const struct event_decl *e = p->ev[ev].decl;
	const struct planned_event *other;

	if (e->when_event < 0)
		return true;
	other = &p->ev[e->when_event];
	return other->chosen >= 0 && other->decl->alts[other->chosen].kind == e->when_kind;
}

void plan_apply_when(struct plan *p)
{
	for (int i = 0; i < p->n_ev; i++) {
		struct planned_event *pe = &p->ev[i];

		if (pe->chosen < 0 || plan_when_holds(p, i))
			continue;
		free(pe->why[pe->chosen]);
		pe->why[pe->chosen] = xasprintf("not needed: traced only when %s", pe->decl->when);
		clear_choice(pe);
	}
}

int plan_fallback(struct plan *p, int ev, char *reason)
{
	struct planned_event *pe = &p->ev[ev];
	int failed = pe->chosen;

	clear_choice(pe);
	free(pe->why[failed]);
	pe->why[failed] = reason;
	choose(p, pe, failed + 1);
	return pe->chosen >= 0 || pe->decl->optional ? PK_OK : PK_ERR_KERNEL;
}

/* Only the formats of the tracepoints the recipe names: see formats.h. */
static void load_formats(struct plan *p)
{
	p->tep = formats_open(p->caps->readable ? p->caps->tracing_dir : NULL);
	if (!p->tep) {
		pk_error("out of memory");
		abort();
	}
	if (!p->caps->readable)
		return;
	for (int i = 0; i < p->recipe->n_events; i++) {
		const struct event_decl *e = &p->recipe->events[i];

		for (int j = 0; j < e->n_alts; j++)
			if (e->alts[j].kind == ALT_TRACEPOINT)
				formats_load_event(p->tep, p->caps->tracing_dir, e->alts[j].system,
						   e->alts[j].event);
	}
}

int plan_build(struct plan *p, struct recipe *r, struct caps *c, const struct plan_opts *o)
{
	int ret = PK_OK;

	memset(p, 0, sizeof(*p));
	p->recipe = r;
	p->caps = c;
	p->instance = xstrdup(o->instance);
	/* unreadable tracefs: assume a kernel new enough for $argN */
	p->argn = (c->argn || !c->readable) && !o->no_argn;
	p->clock = o->clock ? o->clock : caps_pick_clock(c);
	p->buffer_kb = o->buffer_kb;
	p->ask_kernel = o->ask_kernel;
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
		pe->why = xcalloc(pe->decl->n_alts, sizeof(char *));
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
	for (int i = 0; i < p->n_ev; i++)
		if (p->ev[i].chosen < 0 && !p->ev[i].decl->optional)
			ret = PK_ERR_KERNEL;
	return ret;
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

			alt_describe(&pe->decl->alts[j], target, sizeof(target));
			sb_addf(&sb, "%s[%d] %s: %s", j ? "; " : "", j, target, pe->why[j]);
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

		for (int j = 0; pe->why && j < pe->decl->n_alts; j++)
			free(pe->why[j]);
		free(pe->why);
		free(pe->system);
		free(pe->name);
		free(pe->probe);
		free(pe->probe_args);
		free(pe->filter);
	}
	free(p->ev);
	if (p->tep)
		formats_close(p->tep);
	free(p->kfuncs);
	free(p->kfunc_found);
	free(p->instance);
	memset(p, 0, sizeof(*p));
}
