// SPDX-License-Identifier: GPL-2.0-or-later
/* Command-line plumbing shared by the subcommands that take a recipe. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cli.h"
#include "engine/registry.h"

void strv_push(char ***v, const char *s)
{
	size_t n = 0;

	while (*v && (*v)[n])
		n++;
	*v = xrealloc(*v, (n + 2) * sizeof(char *));
	(*v)[n] = xstrdup(s);
	(*v)[n + 1] = NULL;
}

bool common_opt(int c, struct common_opts *o)
{
	switch (c) {
	case 'p': strv_push(&o->params, optarg); return true;
	case OPT_USE: strv_push(&o->use, optarg); return true;
	case OPT_TRACING_DIR: o->tracing_dir = optarg; return true;
	case OPT_ARCH: o->arch = optarg; return true;
	case OPT_CLOCK: o->clock = optarg; return true;
	case OPT_NO_ARGN: o->no_argn = true; return true;
	case OPT_NO_KERNEL_AGG: o->no_kernel_agg = true; return true;
	case OPT_EXPLAIN: o->explain = true; return true;
	case OPT_BUFFER_KB: {
		char *end;

		o->buffer_kb = strtoul(optarg, &end, 10);
		if (*end || !o->buffer_kb || o->buffer_kb > (1UL << 22)) {
			pk_error("-b %s: a size in KiB per CPU, 1 to 4194304", optarg);
			o->buffer_kb = 0;
			o->bad = true;
		}
		return true;
	}
	}
	return false;
}

void common_opts_free(struct common_opts *o)
{
	free_strv(o->params);
	free_strv(o->use);
}

int cli_usage(const char *text, bool help, struct common_opts *o)
{
	fputs(text, help ? stdout : stderr);
	common_opts_free(o);
	return help ? PK_OK : PK_ERR_USAGE;
}

/* getopt's own message would echo the option raw (opterr is 0): say it escaped. */
int cli_bad_option(const char *text, char **argv, struct common_opts *o)
{
	/* a short option may sit inside a cluster (-qZ): name it alone; a long one
	 * (optopt is then its code, or 0) as written */
	if (optopt > ' ' && optopt < 127)
		pk_error("-%c: unknown option, or one missing its value", optopt);
	else
		pk_error("%s: unknown option, or one missing or not taking a value",
			 argv[optind - 1]);
	return cli_usage(text, false, o);
}

int load_recipe(const char *name, struct recipe **out)
{
	char *path = recipe_resolve(name);

	*out = NULL;
	if (!path) {
		if (strchr(name, '/') || strstr(name, ".json"))
			pk_error("%s: no such recipe file", name);
		else
			pk_error("no recipe '%s' on the search path (see: probekit list)", name);
		return PK_ERR_USAGE;
	}
	*out = recipe_load(path);
	free(path);
	return *out ? PK_OK : PK_ERR_USAGE;
}

int prepare_plan(const char *recipe_name, struct common_opts *o, const char *instance,
		 struct recipe **r, struct caps *c, struct plan *p)
{
	struct plan_opts po = { .instance = instance, .no_argn = o->no_argn, .use = o->use,
				.clock = o->clock, .buffer_kb = o->buffer_kb,
				.ask_kernel = o->ask_kernel, .no_kernel_agg = o->no_kernel_agg,
				.user_pairs = o->user_pairs, .explain = o->explain };
	int ret;

	if (o->bad)
		return PK_ERR_USAGE;
	ret = load_recipe(recipe_name, r);

	for (char **a = o->params; !ret && a && *a; a++)
		ret = recipe_set_param(*r, *a);
	if (ret)
		return ret;
	if ((ret = caps_detect(c, o->tracing_dir)))
		return ret;
	if (o->arch)
		c->arch = o->arch;
	return plan_build(p, *r, c, &po);
}
