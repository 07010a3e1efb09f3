// SPDX-License-Identifier: GPL-2.0-or-later
/* Tracepoints: events the kernel has; the recipe's fields must be in this kernel's format. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <event-parse.h>

#include "kernel/formats.h"
#include "source/source.h"

static bool tp_parse(struct schema *s, const char *path, struct alternative *a, const char *target)
{
	const char *colon = strchr(target, ':');

	if (colon) {
		a->system = xstrndup(target, colon - target);
		a->event = xstrdup(colon + 1);
	}
	if (!colon || !recipe_is_identifier(a->system) || !recipe_is_identifier(a->event)) {
		char *p = path_key(path, "tracepoint");

		schema_error(s, p, "'%s' is not SYSTEM:EVENT", target);
		free(p);
	}
	return !s->failed;
}

static void tp_describe(const struct alternative *a, char *buf, size_t len)
{
	snprintf(buf, len, "tracepoint %s:%s", a->system, a->event);
}

/* Only the formats of the tracepoints the recipe names: see kernel/formats.h. */
static void tp_prepare(const struct source_env *env, const struct alternative *a)
{
	formats_load_event(env->tep, env->caps->tracing_dir, a->system, a->event);
}

static char *check_source_size(struct tep_format_field *f, const char *name, int want1, int want2)
{
	if (f->size == want1 || f->size == want2)
		return NULL;
	return xasprintf("field '%s' has %d bytes, expected %d", name, f->size, want1);
}

static char *check_plain(const struct recipe *r, struct tep_event *ev, const struct field_map *m)
{
	enum field_format fmt = r->fields[m->field].format;
	struct tep_format_field *f = tep_find_any_field(ev, m->source);

	if (!f)
		return m->optional ? NULL : xasprintf("field '%s' not in this kernel's format",
						      m->source);
	if (fmt == FMT_IPV4)
		return check_source_size(f, m->source, 4, 4);
	if (fmt == FMT_IPV6)
		return check_source_size(f, m->source, 16, 16);
	if (fmt == FMT_SOCKADDR && f->size < 16)
		return xasprintf("field '%s' is too small for an address", m->source);
	return NULL;
}

/* Why a field map cannot be served by this tracepoint's format, or NULL. */
static char *check_map(const struct recipe *r, struct tep_event *ev, const struct field_map *m)
{
	struct tep_format_field *f;
	char *why;

	if (m->at_most) {
		struct tep_format_field *cap = tep_find_any_field(ev, m->at_most);

		if (!cap)
			return xasprintf("field '%s' not in this kernel's format", m->at_most);
		if ((cap->flags & (TEP_FIELD_IS_ARRAY | TEP_FIELD_IS_SIGNED | TEP_FIELD_IS_STRING)) ||
		    (cap->size != 1 && cap->size != 2 && cap->size != 4 && cap->size != 8))
			return xasprintf("field '%s' is not an unsigned integer", m->at_most);
	}
	if (!m->inet)
		return check_plain(r, ev, m);
	if (m->family && !tep_find_any_field(ev, m->family))
		return xasprintf("field '%s' not in this kernel's format", m->family);
	if (m->ipv4) {
		if (!(f = tep_find_any_field(ev, m->ipv4)))
			return xasprintf("field '%s' not in this kernel's format", m->ipv4);
		if ((why = check_source_size(f, m->ipv4, 4, 4)))
			return why;
	}
	for (int i = 0; i < m->n_ipv6; i++) {
		if (!(f = tep_find_any_field(ev, m->ipv6[i])))
			return xasprintf("field '%s' not in this kernel's format", m->ipv6[i]);
		if ((why = check_source_size(f, m->ipv6[i], m->n_ipv6 == 2 ? 8 : 16, 0)))
			return why;
	}
	return NULL;
}

static char *tp_check(const struct source_env *env, const struct alternative *a, char **args)
{
	struct tep_event *ev;

	*args = NULL;
	if (!caps_tracepoint_exists(env->caps, a->system, a->event))
		return xstrdup("not in this kernel");
	ev = env->tep ? tep_find_event_by_name(env->tep, a->system, a->event) : NULL;
	if (!ev)
		return xasprintf("the format of %s:%s could not be parsed", a->system, a->event);
	for (int i = 0; i < a->n_maps; i++) {
		char *why = check_map(env->recipe, ev, &a->maps[i]);

		if (why)
			return why;
	}
	return NULL;
}

const struct source_kind tracepoint_source = {
	.name = "tracepoint",
	.kind = ALT_TRACEPOINT,
	.parse = tp_parse,
	.describe = tp_describe,
	.prepare = tp_prepare,
	.check = tp_check,
};
