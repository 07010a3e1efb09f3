// SPDX-License-Identifier: GPL-2.0-or-later
/* probekit info: the kernel's tracing capabilities, one per line. */
#include <stdio.h>
#include <string.h>

#include "cmd/cli.h"
#include "cmd/commands.h"

int cmd_info(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "tracing-dir", required_argument, NULL, OPT_TRACING_DIR },
		{ "help", no_argument, NULL, 'h' }, { 0 }
	};
	static const char usage_text[] = "usage: probekit info [--tracing-dir DIR]\n\nThe kernel's "
		"tracing capabilities, one per line (NAME: VALUE).\n";
	struct common_opts none = { 0 };
	const char *dir = NULL;
	struct caps c;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (opt == OPT_TRACING_DIR) {
			dir = optarg;
			continue;
		}
		if (opt == '?')
			return cli_bad_option(usage_text, argv, &none);
		return cli_usage(usage_text, opt == 'h', &none);
	}
	if (optind != argc) {
		pk_error("info takes no arguments");
		return PK_ERR_USAGE;
	}
	if ((ret = caps_detect(&c, dir)))
		return ret;
	caps_print(&c, false);
	printf("clock_for_run: %s\n", caps_pick_clock(&c));
	caps_free(&c);
	return PK_OK;
}
