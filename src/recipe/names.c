// SPDX-License-Identifier: GPL-2.0-or-later
/* A recipe's names: field formats, parameter types, and lookups of fields, events, parameters. */
#include <ctype.h>
#include <string.h>

#include "recipe/limits.h"
#include "recipe/recipe.h"

static const char *const format_names[] = {
	[FMT_DECIMAL] = "decimal", [FMT_HEX] = "hex", [FMT_IPV4] = "ipv4",
	[FMT_IPV6] = "ipv6", [FMT_INET] = "inet", [FMT_SOCKADDR] = "sockaddr",
	[FMT_PORT] = "port", [FMT_TCP_STATE] = "tcp_state", [FMT_ERRNO] = "errno",
	[FMT_KSYM] = "ksym", [FMT_STRING] = "string", [FMT_DURATION] = "duration",
	[FMT_SYMBOLIC] = "symbolic", [FMT_SYSCALL] = "syscall",
	[FMT_TIME] = "time", [FMT_CPU] = "cpu", [FMT_PID] = "pid",
	[FMT_COMM] = "comm", [FMT_EVENT] = "event",
};

static const char *const param_type_names[] = {
	[PARAM_PORT] = "port", [PARAM_INT] = "int", [PARAM_INET] = "inet",
	[PARAM_STRING] = "string",
};

const char *field_format_name(enum field_format f)
{
	return format_names[f];
}

const char *param_type_name(enum param_type t)
{
	return param_type_names[t];
}

int recipe_field_index(const struct recipe *r, const char *name)
{
	for (int i = 0; i < r->n_fields; i++)
		if (!strcmp(r->fields[i].name, name))
			return i;
	return -1;
}

int recipe_event_index(const struct recipe *r, const char *name)
{
	for (int i = 0; i < r->n_events; i++)
		if (!strcmp(r->events[i].name, name))
			return i;
	return -1;
}

void recipe_add_analysis(struct recipe *r, const struct analysis_ops *ops, void *cfg,
			 void (*free_cfg)(void *cfg))
{
	r->analyses = xrealloc(r->analyses, (r->n_analyses + 1) * sizeof(*r->analyses));
	r->analyses[r->n_analyses++] = (struct analysis_decl){ ops, cfg, free_cfg };
}

int recipe_param_index(const struct recipe *r, const char *name)
{
	for (int i = 0; i < r->n_params; i++)
		if (!strcmp(r->params[i].name, name))
			return i;
	return -1;
}

bool recipe_is_identifier(const char *s)
{
	const char *start = s;

	if (!*s || !(isalpha((unsigned char)*s) || *s == '_'))
		return false;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_'))
			return false;
	return s - start <= RECIPE_MAX_NAME;
}

