// SPDX-License-Identifier: GPL-2.0-or-later
/* probekit show: a recipe's description, parameters, fields, events and alternatives. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

static void show_alt(const struct alternative *a, int i)
{
	if (a->kind == ALT_TRACEPOINT)
		printf("    [%d] tracepoint %s:%s\n", i, a->system, a->event);
	else
		printf("    [%d] %s %s\n", i, alt_kind_name(a->kind), a->function);
	for (int k = 0; k < a->n_args; k++)
		printf("          arg %s=%s\n", a->args[k].name, a->args[k].spec);
	for (int k = 0; k < a->n_filter; k++)
		printf("          filter %s\n", a->filter[k]);
}

int cmd_show(int argc, char **argv)
{
	struct recipe *r;
	int ret;

	if (argc != 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		printf("usage: probekit show RECIPE\n\nRECIPE is a name on the search path or a file.\n");
		return argc == 2 ? PK_OK : PK_ERR_USAGE;
	}
	if ((ret = load_recipe(argv[1], &r)))
		return ret;
	printf("%s — %s\nfile: %s\n", r->name, r->description, r->path);
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
	for (int i = 0; i < r->n_latency; i++) {
		const struct latency_decl *d = &r->latency[i];

		printf("%slatency %s (%s): %s -> %s\n", i ? "" : "\n", d->name, d->title,
		       r->events[d->from].name, r->events[d->to].name);
	}
	printf("\nevents (the first alternative the kernel can run is used):\n");
	for (int i = 0; i < r->n_events; i++) {
		printf("  %s%s\n", r->events[i].name, r->events[i].optional ? " (optional)" : "");
		for (int j = 0; j < r->events[i].n_alts; j++)
			show_alt(&r->events[i].alts[j], j);
	}
	recipe_free(r);
	return PK_OK;
}
