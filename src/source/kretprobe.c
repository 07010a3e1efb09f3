// SPDX-License-Identifier: GPL-2.0-or-later
/* kretprobes: a probe at a kernel function's return ($retval), made in our group. */
#include <tracefs.h>

#include "source/probe.h"

static bool krp_parse(struct schema *s, const char *path, struct alternative *a,
		      const char *target)
{
	return probe_parse_target(s, path, a, target, "kretprobe");
}

static char *krp_args(const struct alternative *a, const char *arch, bool argn, char **why)
{
	return probe_fetch_args(a, arch, argn, true, why);
}

static char *krp_render(const struct alternative *a, const char *group, const char *event,
			const char *args)
{
	return probe_definition('r', a, group, event, args);
}

static struct tracefs_dynevent *krp_alloc(const struct alternative *a, const char *group,
					  const char *event, const char *args)
{
	return tracefs_kretprobe_alloc(group, event, a->function, args, 0);
}

const struct source_kind kretprobe_source = {
	.name = "kretprobe",
	.kind = ALT_KRETPROBE,
	.is_probe = true,
	.parse = krp_parse,
	.describe = probe_describe,
	.check = probe_check,
	.args = krp_args,
	.render = krp_render,
	.alloc = krp_alloc,
};
