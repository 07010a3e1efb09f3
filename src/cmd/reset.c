// SPDX-License-Identifier: GPL-2.0-or-later
/* probekit reset: remove what dead probekit runs left behind, and nothing else. */
#include <stdio.h>
#include <string.h>

#include "kernel/caps.h"
#include "cmd/commands.h"
#include "session/session.h"

int cmd_reset(int argc, char **argv)
{
	struct caps c;
	int ret, removed = 0;

	if (argc > 1) {
		bool help = !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h");

		printf("usage: probekit reset\n\nRemove the tracefs instances and probe groups named "
		       "probekit_<pid> whose\nprocess is gone. Live runs and other tools' state are "
		       "left alone.\n");
		return help ? PK_OK : PK_ERR_USAGE;
	}
	if ((ret = caps_detect(&c, NULL)))
		return ret;
	if (!c.readable) {
		pk_error("%s: cannot read tracefs: reset needs root", c.tracing_dir);
		caps_free(&c);
		return PK_ERR_RUNTIME;
	}
	ret = cleanup_dead_runs(true, &removed);
	if (!removed && !ret)
		printf("nothing to remove\n");
	caps_free(&c);
	return ret;
}
