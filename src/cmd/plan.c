// SPDX-License-Identifier: GPL-2.0-or-later
/* probekit plan: the dry run. Changes nothing; works without root. */
#include <stdio.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "cmd/commands.h"

static const char usage_text[] =
	"usage: probekit plan RECIPE [OPTIONS]\n\n"
	"Show the capabilities found, the alternative chosen for each event (and why\n"
	"the others were skipped), and every tracefs write 'run' would make.\n\n"
	COMMON_OPTS_HELP;

int cmd_plan(int argc, char **argv)
{
	static const struct option longopts[] = { COMMON_LONG_OPTS, { 0 } };
	struct common_opts o = { 0 };
	struct recipe *r = NULL;
	struct caps c = { 0 };
	struct plan p = { 0 };
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "p:b:h", longopts, NULL)) != -1) {
		if (opt == '?')
			return cli_bad_option(usage_text, argv, &o);
		if (!common_opt(opt, &o))
			return cli_usage(usage_text, opt == 'h', &o);
	}
	if (optind != argc - 1)
		return cli_usage(usage_text, false, &o);
	ret = prepare_plan(argv[optind], &o, "probekit_<pid>", &r, &c, &p);
	if (ret == PK_OK || (ret == PK_ERR_KERNEL && p.ev)) {
		plan_print(&p);
		if (ret)
			plan_report_unrunnable(&p);
	}
	plan_free(&p);
	caps_free(&c);
	recipe_free(r);
	common_opts_free(&o);
	return ret;
}
