// SPDX-License-Identifier: GPL-2.0-or-later
/* The dry run: what was found, what was chosen and why, and every tracefs write of a run. */
#include <stdio.h>
#include <string.h>
#include <event-parse.h>

#include "analysis/analysis.h"
#include "enrich/derive.h"
#include "enrich/owner.h"
#include "plan/plan.h"
#include "source/source.h"

static void print_alt(const struct alternative *a, int i, const struct alt_plan *ap)
{
	bool chosen = ap->state == ALT_CHOSEN;
	char target[256];

	source_describe(a, target, sizeof(target));
	printf("  [%d] %-44s %s%s\n", i, target, chosen ? "chosen" : "skipped: ",
	       chosen ? "" : ap->reason ? ap->reason : "not reached");
}

/* Optional fields the chosen tracepoint lacks on this kernel: they show as -. */
static void print_missing_optional(const struct plan *p, const struct planned_event *pe)
{
	const struct alternative *a = &pe->decl->alts[pe->chosen];
	struct tep_event *ev;

	if (source_kind_of(a->kind)->is_probe)
		return;
	ev = plan_find_event(p->tep, pe->system, pe->name);
	for (int i = 0; ev && i < a->n_maps; i++)
		if (a->maps[i].optional && a->maps[i].source &&
		    !tep_find_any_field(ev, a->maps[i].source))
			printf("      no field '%s' in this kernel's %s:%s: %s is shown as -\n",
			       a->maps[i].source, pe->system, pe->name,
			       p->recipe->fields[a->maps[i].field].name);
}

static void print_write(const char *file, const char *op, const char *text)
{
	printf("  %-62s %s %s\n", file, op, text);
}

/* The instance as the first plan of the run makes it (session_open_instance). */
static void print_instance_writes(const struct plan *p, const char *inst)
{
	char file[512];

	print_write(inst, "mkdir", "");
	snprintf(file, sizeof(file), "%s/tracing_on", inst);
	print_write(file, ">", "0");
	snprintf(file, sizeof(file), "%s/trace_clock", inst);
	print_write(file, ">", p->clock);
	if (p->buffer_kb) {
		char kb[32];

		snprintf(kb, sizeof(kb), "%lu", p->buffer_kb);
		snprintf(file, sizeof(file), "%s/buffer_size_kb", inst);
		print_write(file, ">", kb);
	}
	if (p->caps->subbuf_size) {
		snprintf(file, sizeof(file), "%s/buffer_subbuf_size_kb", inst);
		print_write(file, ">", PLAN_SUBBUF_KB);
	}
	if (p->caps->buffer_percent) {
		snprintf(file, sizeof(file), "%s/buffer_percent", inst);
		print_write(file, ">", PLAN_WAKE_PERCENT);
	}
}

/* One plan's filters and enables (session_enable_events). */
static void print_event_writes(const struct plan *p, const char *inst)
{
	char file[512];

	for (int i = 0; i < p->n_ev; i++) {
		const struct planned_event *pe = &p->ev[i];
		char *filter;

		/* a tracepoint several recipe events share: once, with the OR of their filters */
		if (pe->chosen < 0 || plan_first_sharing(p, i) != i || plan_event_paired_in_kernel(p, i))
			continue;	/* paired in the kernel: its trigger, above */
		filter = plan_kernel_filter(p, i);
		if (filter) {
			snprintf(file, sizeof(file), "%s/events/%s/%s/filter", inst, pe->system, pe->name);
			print_write(file, ">", filter);
		}
		free(filter);
		snprintf(file, sizeof(file), "%s/events/%s/%s/enable", inst, pe->system, pe->name);
		print_write(file, ">", "1");
	}
}

/* In the engine's order (start_sessions): every probe, the instance, each plan's events. */
static void print_writes(const struct plan *const *plans, int n)
{
	const struct plan *p = plans[0];
	const char *dyn = p->caps->dynamic_events ? "dynamic_events" : "kprobe_events";
	char inst[256], file[512];

	snprintf(inst, sizeof(inst), "instances/%s", p->instance);
	printf("tracefs writes of a run, in order (relative to %s):\n", p->caps->tracing_dir);
	for (int k = 0; k < n; k++)
		for (int i = 0; i < plans[k]->n_ev; i++)
			if (plans[k]->ev[i].probe)
				print_write(dyn, ">>", plans[k]->ev[i].probe);
	print_instance_writes(p, inst);
	for (int k = 0; k < n; k++)
		print_event_writes(plans[k], inst);
	snprintf(file, sizeof(file), "%s/tracing_on", inst);
	print_write(file, ">", "1");
	printf("at exit:\n");
	print_write(file, ">", "0");
	print_write(inst, "rmdir", "");
	for (int k = 0; k < n; k++)
		for (int i = 0; i < plans[k]->n_ev; i++)
			if (plans[k]->ev[i].probe) {
				snprintf(file, sizeof(file), "-:%s/%s", plans[k]->ev[i].system,
					 plans[k]->ev[i].name);
				print_write(dyn, ">>", file);
			}
}

static bool event_traced(const void *ctx, int ev)
{
	const struct plan *p = ctx;

	return p->ev[ev].chosen >= 0 && plan_when_holds(p, ev);
}

/* What was found on this kernel: once per run, whatever the recipes. */
static void print_kernel(const struct plan *p)
{
	if (!p->caps->readable)
		printf("NOTE: %s is not readable by this user: nothing below was checked against "
		       "the kernel (run plan as root for real choices)\n", p->caps->tracing_dir);
	printf("capabilities: ");
	caps_print(p->caps, true);
	if (!p->caps->readable)
		printf("clock: not checked\n");
	else
		printf("clock: %s%s\n", p->clock,
		       strcmp(p->clock, "local") ? "" : " (per-CPU: no better clock on this kernel)");
	printf("fetch args: %s\n", p->argn ? "$argN" : "registers for $argN");
}

/* One recipe's choices: parameters, events, analyses, what the kernel does for it. */
static void print_choices(const struct plan *p)
{
	const struct recipe *r = p->recipe;

	printf("parameters:");
	for (int i = 0; i < r->n_params; i++)
		printf(" %s=%s", r->params[i].name, r->params[i].value ? r->params[i].value : "(unset)");
	printf("%s\n", r->n_params ? "" : " (none)");
	for (int i = 0; i < p->n_ev; i++) {
		const struct planned_event *pe = &p->ev[i];

		printf("event %s%s:%s\n", pe->decl->name, pe->decl->optional ? " (optional)" : "",
		       pe->chosen < 0 ? (pe->decl->optional ? " not traced here" : " CANNOT RUN") : "");
		for (int j = 0; j < pe->decl->n_alts; j++)
			print_alt(&pe->decl->alts[j], j, &pe->alts[j]);
		if (pe->chosen >= 0)
			print_missing_optional(p, pe);
		if (pe->chosen >= 0 && !pe->filter)
			printf("      no kernel filter\n");
		if (pe->chosen >= 0 && plan_event_shared(p, i))
			printf("      shares %s:%s with other events: the kernel filters by the OR of "
			       "their filters, each event's own filter is evaluated in user space\n",
			       pe->system, pe->name);
	}
	for (int i = 0; i < r->n_analyses; i++)
		if (r->analyses[i].ops->describe)
			r->analyses[i].ops->describe(r->analyses[i].cfg, r, stdout);
	plan_print_kernel_pairs(p);
	plan_print_kernel_counts(p);
	derive_describe(r->derive, r, event_traced, p, stdout);
	if (r->owner)
		owner_describe(r->owner, r, stdout);
	for (int i = 0; i < r->n_match; i++) {
		const struct param *prm = &r->params[r->match[i].param];

		if (prm->value)
			printf("user-space match: %s == %s (any of %d fields)\n", prm->name, prm->value,
			       r->match[i].n_fields);
	}
}

void plan_print(const struct plan *p)
{
	printf("recipe: %s (%s)\n", p->recipe->name, p->recipe->path);
	print_kernel(p);
	print_choices(p);
	print_writes(&p, 1);
}

void plan_print_set(const struct plan *const *plans, int n)
{
	if (n <= 0)
		return;
	print_kernel(plans[0]);
	for (int k = 0; k < n; k++) {
		printf("recipe %d of %d: %s (%s)\n", k + 1, n, plans[k]->recipe->name,
		       plans[k]->recipe->path);
		print_choices(plans[k]);
	}
	print_writes(plans, n);
}
