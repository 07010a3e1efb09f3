// SPDX-License-Identifier: GPL-2.0-or-later
/* Portable kprobe fetch args: $argN for kernels that lack it (before 4.20). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "source/fetcharg.h"
#include "recipe/limits.h"

struct arch_regs {
	const char *const *names;	/* uname -m spellings */
	const char *const *regs;	/* argument registers, in order */
	int n;
};

static const char *const x86_64_names[] = { "x86_64", "amd64", NULL };
static const char *const x86_64_regs[] = { "%di", "%si", "%dx", "%cx", "%r8", "%r9" };
static const char *const arm64_names[] = { "aarch64", "arm64", NULL };
static const char *const arm64_regs[] = { "%x0", "%x1", "%x2", "%x3", "%x4", "%x5", "%x6", "%x7" };

static const struct arch_regs arches[] = {
	{ x86_64_names, x86_64_regs, ARRAY_SIZE(x86_64_regs) },
	{ arm64_names, arm64_regs, ARRAY_SIZE(arm64_regs) },
};

const char *fetcharg_register(const char *arch, int n)
{
	for (size_t i = 0; i < ARRAY_SIZE(arches); i++)
		for (const char *const *a = arches[i].names; *a; a++)
			if (!strcmp(*a, arch))
				return n >= 1 && n <= arches[i].n ? arches[i].regs[n - 1] : NULL;
	return NULL;
}

static bool arch_known(const char *arch)
{
	return fetcharg_register(arch, 1) != NULL;
}

char *fetcharg_translate(const char *spec, const char *arch, bool argn, bool is_return,
			 char **err)
{
	struct strbuf sb = { 0 };
	const char *s = spec;

	if (argn || !strstr(spec, "$arg"))
		return xstrdup(spec);
	if (is_return) {
		/* at return the argument registers hold whatever the callee left there */
		*err = xasprintf("'%s': $argN in a kretprobe needs a kernel with $argN support", spec);
		return NULL;
	}
	if (!arch_known(arch)) {
		*err = xasprintf("'%s': no $argN on this kernel and no register mapping for %s",
				 spec, arch);
		return NULL;
	}
	while (*s) {
		const char *p = strstr(s, "$arg");
		const char *reg;
		char *end;
		long n;

		if (!p || !isdigit((unsigned char)p[4])) {
			size_t len = p ? (size_t)(p + 4 - s) : strlen(s);

			sb_addn(&sb, s, len);
			s += len;
			continue;
		}
		sb_addn(&sb, s, p - s);
		n = strtol(p + 4, &end, 10);
		reg = fetcharg_register(arch, (int)n);
		if (!reg) {
			*err = xasprintf("'%s': $arg%ld is not passed in a register on %s", spec, n, arch);
			sb_release(&sb);
			return NULL;
		}
		sb_addf(&sb, "%s", reg);
		s = end;
	}
	return sb_detach(&sb);
}

/*
 * One token of the kernel's fetch-arg grammar ($argN, %reg, @sym+off, $stack,
 * $retval, $comm, +|-off(ARG), :type, :b<w>@<o>/<s>, :type[N], BTF a->b):
 * no space, newline, quote, '=' or ';' that could end it and start another
 * command, whatever the kernel's version.
 */
bool fetcharg_check(const char *spec, char **why)
{
	size_t len = strlen(spec);

	if (!len || len > RECIPE_MAX_FETCHARG) {
		*why = xasprintf("a fetch arg has 1 to %d bytes", RECIPE_MAX_FETCHARG);
		return false;
	}
	for (const char *c = spec; *c; c++)
		if ((!isalnum((unsigned char)*c) && !strchr("_$%@+-():.[]>/", *c)) ||
		    (*c == '>' && (c == spec || c[-1] != '-'))) {	/* '>' only in BTF's "->" */
			*why = xasprintf("'%s' is not one fetch arg: '%c' at offset %zu (allowed: "
					 "letters, digits and _ $ %% @ + - ( ) : . [ ] / ->)", spec,
					 *c, (size_t)(c - spec));
			return false;
		}
	return true;
}
