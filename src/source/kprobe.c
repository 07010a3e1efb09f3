// SPDX-License-Identifier: GPL-2.0-or-later
/* kprobes: a probe at a kernel function's entry (or an offset in it), made in our group. */
#include <tracefs.h>

#include "source/probe.h"

static bool kp_parse(struct schema *s, const char *path, struct alternative *a, const char *target)
{
	return probe_parse_target(s, path, a, target, "kprobe");
}

static char *kp_args(const struct alternative *a, const char *arch, bool argn, char **why)
{
	return probe_fetch_args(a, arch, argn, false, why);
}

static char *kp_render(const struct alternative *a, const char *group, const char *event,
		       const char *args)
{
	return probe_definition('p', a, group, event, args);
}

static struct tracefs_dynevent *kp_alloc(const struct alternative *a, const char *group,
					 const char *event, const char *args)
{
	return tracefs_kprobe_alloc(group, event, a->function, args);
}

const struct source_kind kprobe_source = {
	.name = "kprobe",
	.kind = ALT_KPROBE,
	.is_probe = true,
	.parse = kp_parse,
	.describe = probe_describe,
	.check = probe_check,
	.args = kp_args,
	.render = kp_render,
	.alloc = kp_alloc,
};
