// SPDX-License-Identifier: GPL-2.0-or-later
/* Function probes, what kprobes and kretprobes share. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recipe/limits.h"
#include "source/fetcharg.h"
#include "source/probe.h"

/*
 * SYMBOL[+OFFSET]: a name (never an absolute address, which the kernel would
 * also take), dots for compiler-made names (tcp_sendmsg.cold), an offset in
 * decimal or 0x hex.
 */
static bool is_probe_target(const char *s)
{
	const char *start = s;

	if (strlen(s) > RECIPE_MAX_SYMBOL || !(isalpha((unsigned char)*s) || *s == '_' || *s == '.'))
		return false;
	while (isalnum((unsigned char)*s) || *s == '_' || *s == '.')
		s++;
	if (!*s)
		return true;
	if (*s++ != '+' || s - start < 2)
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		if (!isxdigit((unsigned char)*s))
			return false;
		while (isxdigit((unsigned char)*s))
			s++;
	} else {
		/* the kernel reads +010 as octal: a decimal offset has no leading 0 */
		if (!isdigit((unsigned char)*s) || (s[0] == '0' && s[1]))
			return false;
		while (isdigit((unsigned char)*s))
			s++;
	}
	return !*s;
}

bool probe_parse_target(struct schema *s, const char *path, struct alternative *a,
			const char *target, const char *key)
{
	a->function = xstrdup(target);
	if (!is_probe_target(target)) {
		char *p = path_key(path, key);

		schema_error(s, p, "'%s' is not a kernel symbol[+offset] (a name of letters, digits, "
			     "_ and ., an offset in decimal or 0x hex; at most %d bytes)", target,
			     RECIPE_MAX_SYMBOL);
		free(p);
	}
	return !s->failed;
}

void probe_describe(const struct alternative *a, char *buf, size_t len)
{
	snprintf(buf, len, "%s %s", source_kind_of(a->kind)->name, a->function);
}

char *probe_fetch_args(const struct alternative *a, const char *arch, bool argn, bool is_return,
		       char **why)
{
	struct strbuf sb = { 0 };

	for (int i = 0; i < a->n_args; i++) {
		char *err = NULL;
		char *spec = fetcharg_translate(a->args[i].spec, arch, argn, is_return, &err);

		if (!spec) {
			*why = xasprintf("arg %s: %s", a->args[i].name, err);
			free(err);
			sb_release(&sb);
			return NULL;
		}
		sb_addf(&sb, "%s%s=%s", i ? " " : "", a->args[i].name, spec);
		free(spec);
	}
	return sb.buf ? sb_detach(&sb) : xstrdup("");
}

char *probe_definition(char type, const struct alternative *a, const char *group,
		       const char *event, const char *args)
{
	return xasprintf("%c:%s/%s %s%s%s", type, group, event, a->function, *args ? " " : "", args);
}

char *probe_check(const struct source_env *env, const struct alternative *a, char **args)
{
	char *why = NULL;

	*args = NULL;
	if (!env->caps->kprobes)
		return xstrdup("the kernel has no kprobe_events (CONFIG_KPROBE_EVENTS)");
	/* run asks the kernel itself, and quotes its reason when it refuses */
	if (!env->ask_kernel && !env->function_known(env->ctx, a->function))
		return xasprintf("function %s not found in available_filter_functions or kallsyms",
				 a->function);
	*args = source_kind_of(a->kind)->args(a, env->caps->arch, env->argn, &why);
	return why;
}
