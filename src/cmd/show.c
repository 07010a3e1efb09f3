// SPDX-License-Identifier: GPL-2.0-or-later
/* probekit show: a recipe's description, parameters, fields, events and alternatives. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "cmd/cli.h"
#include "cmd/commands.h"
#include "plan/plan.h"
#include "source/source.h"
#include "util/textsafe.h"

#define INST "instances/probekit_<pid>"

/* The probe definition as written on a kernel with $argN (arch NULL) or without it. */
static char *probe_command(const struct event_decl *e, const struct alternative *a, const char *arch,
			   char **err)
{
	const struct source_kind *kind = source_kind_of(a->kind);
	char *args = kind->args(a, arch ? arch : "", !arch, err);
	char *cmd = args ? kind->render(a, "probekit_<pid>", e->name, args) : NULL;

	free(args);
	return cmd;
}

static void show_probe_commands(const struct event_decl *e, const struct alternative *a)
{
	static const char *const arches[] = { NULL, "x86_64", "aarch64" };
	char *first = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(arches); i++) {
		char *err = NULL;
		char *cmd = probe_command(e, a, arches[i], &err);
		char *label = arches[i] ? xasprintf("without $argN, %s", arches[i])
					: xstrdup("with $argN");

		if (!cmd)
			printf("      (%s: not run: %s)\n", label, err);
		else if (!first || strcmp(first, cmd))
			printf("      kprobe_events >> %s    (%s)\n", cmd, label);
		if (!first)
			first = cmd;
		else
			free(cmd);
		free(label);
		free(err);
	}
	free(first);
}

/*
 * Everything the recipe can make probekit write to tracefs, per kernel
 * feature set: what a person reviews before running a recipe from elsewhere.
 * (On kernels with dynamic_events the same lines go to that file.)
 */
static void show_commands(const struct recipe *r)
{
	printf("\ntracefs writes this recipe can cause (relative to the tracing directory; <pid> is "
	       "the run's;\nkprobe_events lines go to dynamic_events where the kernel has it):\n");
	printf("  mkdir %s; then its tracing_on (0/1), trace_clock (a clock name), buffer_size_kb "
	       "(-b), buffer_subbuf_size_kb (64, where the kernel has it: 6.8+); rmdir at exit\n",
	       INST);
	for (int i = 0; i < r->n_events; i++) {
		const struct event_decl *e = &r->events[i];

		printf("  %s:\n", e->name);
		for (int j = 0; j < e->n_alts; j++) {
			const struct alternative *a = &e->alts[j];
			bool probe = source_kind_of(a->kind)->is_probe;
			const char *sys = probe ? "probekit_<pid>" : a->system;
			const char *ev = probe ? e->name : a->event;

			printf("    [%d]\n", j);
			if (probe)
				show_probe_commands(e, a);
			if (a->n_filter) {
				printf("      %s/events/%s/%s/filter > ", INST, sys, ev);
				for (int k = 0; k < a->n_filter; k++)
					printf("%s(%s)", k ? " && " : "", a->filter[k]);
				putchar('\n');
			}
			printf("      %s/events/%s/%s/enable > 1\n", INST, sys, ev);
			if (probe)
				printf("      kprobe_events >> -:probekit_<pid>/%s    (at exit)\n",
				       e->name);
		}
	}
	printf("  A filter clause whose ${parameter} is unset is left out; a value is a number, or "
	       "for a string parameter text without quotes, backslashes or control characters.\n"
	       "  A probe made again for another alternative (its latency pair fell back) is named "
	       "EVENT__altN, with the same writes.\n"
	       "  A tracepoint several events choose is enabled once, its filter the OR of theirs.\n");
}

static void show_alt(const struct alternative *a, int i)
{
	char target[256];

	source_describe(a, target, sizeof(target));
	printf("    [%d] %s\n", i, target);
	for (int k = 0; k < a->n_args; k++)
		printf("          arg %s=%s\n", a->args[k].name, a->args[k].spec);
	for (int k = 0; k < a->n_filter; k++)
		printf("          filter %s\n", a->filter[k]);
}

int cmd_show(int argc, char **argv)
{
	struct recipe *r;
	char *path;
	int ret;

	if (argc != 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		printf("usage: probekit show RECIPE\n\nRECIPE is a name on the search path or a file.\n"
		       "Prints its description, parameters, fields and events, then every tracefs\n"
		       "write it can cause, per kernel feature set: review it before running a\n"
		       "recipe received from elsewhere.\n");
		return argc == 2 ? PK_OK : PK_ERR_USAGE;
	}
	if ((ret = load_recipe(argv[1], &r)))
		return ret;
	path = text_escape_dup(r->path);	/* a file name is anyone's text */
	printf("%s — %s\nfile: %s\n", r->name, r->description, path);
	free(path);
	for (int i = 0; i < r->n_notes; i++)
		printf("%s%s\n", i ? "" : "\n", r->notes[i]);
	printf("\nparameters:\n");
	for (int i = 0; i < r->n_params; i++) {
		const struct param *p = &r->params[i];

		printf("  %-12s %-7s %s%s%s%s\n", p->name, param_type_name(p->type),
		       p->help ? p->help : "", p->def ? " (default " : "", p->def ? p->def : "",
		       p->def ? ")" : "");
	}
	if (!r->n_params)
		printf("  (none)\n");
	printf("\nfields:\n");
	for (int i = FIELD_NR_BUILTIN; i < r->n_fields; i++)
		printf("  %-12s %s\n", r->fields[i].name, field_format_name(r->fields[i].format));
	for (int i = 0, shown = 0; i < r->n_analyses; i++)
		if (r->analyses[i].ops->describe) {
			printf("%s", shown++ ? "" : "\n");
			r->analyses[i].ops->describe(r->analyses[i].cfg, r, stdout);
		}
	printf("\nevents (the first alternative the kernel can run is used):\n");
	for (int i = 0; i < r->n_events; i++) {
		printf("  %s%s\n", r->events[i].name, r->events[i].optional ? " (optional)" : "");
		for (int j = 0; j < r->events[i].n_alts; j++)
			show_alt(&r->events[i].alts[j], j);
	}
	show_commands(r);
	recipe_free(r);
	return PK_OK;
}
