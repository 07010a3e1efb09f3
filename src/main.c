// SPDX-License-Identifier: GPL-2.0-or-later
/* probekit: dispatch to the subcommand. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"
#include "util/util.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *summary;
} commands[] = {
	{ "list", cmd_list, "list the recipes on the search path" },
	{ "show", cmd_show, "describe a recipe: parameters, events, every tracefs write it can cause" },
	{ "plan", cmd_plan, "dry run: what run would choose and write to tracefs (a set: monitor --plan)" },
	{ "run", cmd_run, "trace with a recipe until Ctrl-C or -d SECONDS" },
	{ "monitor", cmd_monitor, "several recipes at once until stopped; metrics for Prometheus" },
	{ "compare", cmd_compare, "join a client's and a server's tcp-reqresp --json runs" },
	{ "report", cmd_report, "print a flight recorder's capture (monitor --record)" },
	{ "info", cmd_info, "the kernel's tracing capabilities" },
	{ "reset", cmd_reset, "remove what dead probekit runs left in tracefs" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: probekit COMMAND [OPTIONS] [ARGS]\n\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-7s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'probekit COMMAND --help' for a command's options; probekit(8), "
		"probekit-recipe(5).\nExit status: 0 ok, 1 runtime error, 2 usage or recipe error, "
		"3 the kernel lacks what the recipe needs.\n");
}

int main(int argc, char **argv)
{
	opterr = 0;	/* getopt would echo a bad option raw: cli_bad_option escapes it */
	if (argc < 2) {
		usage(stderr);
		return PK_ERR_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return PK_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("probekit %s\n", PK_VERSION);
		return PK_OK;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	pk_error("unknown command '%s' (see: probekit --help)", argv[1]);
	return PK_ERR_USAGE;
}
