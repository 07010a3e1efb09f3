/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_PROBE_H
#define PROBEKIT_PROBE_H

/* What function probes (kprobe, kretprobe) share: target syntax, fetch args, checks. */
#include "source/source.h"

/* SYMBOL[+OFFSET] into a->function; key names the recipe key in messages. */
bool probe_parse_target(struct schema *s, const char *path, struct alternative *a,
			const char *target, const char *key);
void probe_describe(const struct alternative *a, char *buf, size_t len);
/* "sk=$arg1 ...": $argN kept, or the registers of arch; is_return allows $retval. */
char *probe_fetch_args(const struct alternative *a, const char *arch, bool argn, bool is_return,
		       char **why);
/* "C:GROUP/EVENT FUNC ARGS" with C 'p' or 'r'. */
char *probe_definition(char type, const struct alternative *a, const char *group,
		       const char *event, const char *args);
/* The kernel has kprobe_events, and (for plan) the function; then the args for this kernel. */
char *probe_check(const struct source_env *env, const struct alternative *a, char **args);

#endif
