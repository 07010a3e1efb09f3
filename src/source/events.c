// SPDX-License-Identifier: GPL-2.0-or-later
/* The recipe's "events": each event's alternatives, of the kinds in source_kinds[]. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "recipe/limits.h"
#include "recipe/params.h"
#include "source/fetcharg.h"
#include "source/source.h"

static int arg_index(const struct alternative *a, const char *name)
{
	for (int i = 0; i < a->n_args; i++)
		if (!strcmp(a->args[i].name, name))
			return i;
	return -1;
}

static bool check_source(struct schema *s, const char *path, const struct alternative *a,
			 const char *src)
{
	if (!recipe_is_identifier(src)) {
		schema_error(s, path, "'%s' is not a field name", src);
		return false;
	}
	if (source_kind_of(a->kind)->is_probe && arg_index(a, src) < 0) {
		schema_error(s, path, "'%s' is not one of this probe's args", src);
		return false;
	}
	return true;
}

static bool parse_inet_map(struct schema *s, const char *path, struct alternative *a,
			   struct field_map *m, json_t *obj)
{
	char *p = path_key(path, "ipv6");
	json_t *v6 = json_object_get(obj, "ipv6");
	char **halves = NULL;
	int n = 0;

	m->inet = true;
	m->family = schema_string(s, path, obj, "family", false);
	m->ipv4 = schema_string(s, path, obj, "ipv4", false);
	if (v6 && (n = schema_strings(s, p, v6, &halves)) > 2)
		schema_error(s, p, "one 16-byte field, or two 8-byte halves");
	for (int i = 0; i < n; i++) {
		if (i < 2)
			m->ipv6[i] = halves[i];
		else
			free(halves[i]);
	}
	free(halves);
	m->n_ipv6 = n > 2 ? 2 : n;
	free(p);
	if (s->failed)
		return false;
	if (!m->ipv4 && !m->n_ipv6) {
		schema_error(s, path, "an address needs 'ipv4', 'ipv6' or both");
		return false;
	}
	if ((m->family && !check_source(s, path, a, m->family)) ||
	    (m->ipv4 && !check_source(s, path, a, m->ipv4)))
		return false;
	for (int i = 0; i < m->n_ipv6; i++)
		if (!check_source(s, path, a, m->ipv6[i]))
			return false;
	return true;
}

static bool parse_map(struct schema *s, const char *path, struct alternative *a,
		      struct field_map *m, json_t *v)
{
	static const char *const keys[] = {
		"source", "network_order", "optional", "family", "ipv4", "ipv6", "at_most", "negative",
		NULL
	};
	const struct field_decl *f = &s->recipe->fields[m->field];

	if (json_is_string(v)) {
		m->source = xstrdup(json_string_value(v));
		return check_source(s, path, a, m->source);
	}
	if (!json_is_object(v)) {
		schema_error(s, path, "must be a field name or an object");
		return false;
	}
	if (!schema_known_keys(s, path, v, keys))
		return false;
	m->network_order = schema_bool(s, path, v, "network_order", false);
	m->optional = schema_bool(s, path, v, "optional", false);
	m->source = schema_string(s, path, v, "source", false);
	m->at_most = schema_string(s, path, v, "at_most", false);
	m->negative = schema_bool(s, path, v, "negative", false);
	if (s->failed)
		return false;
	if (m->negative && (!m->source || f->format != FMT_ERRNO)) {
		schema_error(s, path, "'negative' keeps a 'source' of a field of format errno");
		return false;
	}
	if (m->at_most && (!m->source || f->format != FMT_DECIMAL)) {
		schema_error(s, path, "'at_most' caps a 'source' of a field of format decimal");
		return false;
	}
	if (m->at_most && !check_source(s, path, a, m->at_most))
		return false;
	if (m->source) {
		if (json_object_get(v, "family") || json_object_get(v, "ipv4") ||
		    json_object_get(v, "ipv6")) {
			schema_error(s, path, "'source' and 'family'/'ipv4'/'ipv6' exclude each other");
			return false;
		}
		return check_source(s, path, a, m->source);
	}
	if (f->format != FMT_INET) {
		schema_error(s, path, "needs 'source' (family/ipv4/ipv6 are for fields of format inet)");
		return false;
	}
	return parse_inet_map(s, path, a, m, v);
}

static bool parse_maps(struct schema *s, const char *path, struct alternative *a, json_t *obj)
{
	const char *name;
	json_t *v;

	a->maps = xcalloc(json_object_size(obj), sizeof(*a->maps));
	json_object_foreach(obj, name, v) {
		char *p = path_key(path, name);
		int idx = recipe_field_index(s->recipe, name);
		bool ok;

		if (idx < 0)
			schema_error(s, p, "not a field declared in 'fields'");
		else if (s->recipe->fields[idx].builtin)
			schema_error(s, p, "'%s' is built in and cannot be mapped", name);
		ok = !s->failed;
		if (ok) {
			a->maps[a->n_maps].field = idx;
			ok = parse_map(s, p, a, &a->maps[a->n_maps++], v);
		}
		free(p);
		if (!ok)
			return false;
	}
	return true;
}

static bool parse_args(struct schema *s, const char *path, struct alternative *a, json_t *obj)
{
	const char *name;
	json_t *v;

	if (json_object_size(obj) > RECIPE_MAX_ARGS) {
		schema_error(s, path, "more than %d args", RECIPE_MAX_ARGS);
		return false;
	}
	a->args = xcalloc(json_object_size(obj), sizeof(*a->args));
	json_object_foreach(obj, name, v) {
		char *p = path_key(path, name);
		char *why = NULL;

		if (!recipe_is_identifier(name) || !strncmp(name, "common_", 7))
			schema_error(s, p, "arg names are identifiers and do not start with common_");
		else if (!json_is_string(v) || !*json_string_value(v))
			schema_error(s, p, "must be a fetch arg string such as \"+16($arg1):u16\"");
		else if (!fetcharg_check(json_string_value(v), &why))
			schema_error(s, p, "%s", why);
		free(why);
		free(p);
		if (s->failed)
			return false;
		a->args[a->n_args].name = xstrdup(name);
		a->args[a->n_args++].spec = xstrdup(json_string_value(v));
	}
	return true;
}

/* Exactly one key of a source kind: its target string, parsed by the kind. */
static bool parse_kind(struct schema *s, const char *path, struct alternative *a, json_t *obj)
{
	int found = 0;

	for (int k = 0; k < n_source_kinds; k++) {
		char *target = schema_string(s, path, obj, source_kinds[k]->name, false);

		if (!target)
			continue;
		found++;
		a->kind = source_kinds[k]->kind;
		source_kinds[k]->parse(s, path, a, target);
		free(target);
	}
	if (!s->failed && found != 1) {
		char *kinds = source_kind_list("'", ", ");

		schema_error(s, path, "needs exactly one of %s", kinds);
		free(kinds);
	}
	return !s->failed;
}

static bool parse_filter(struct schema *s, const char *path, struct alternative *a, json_t *v)
{
	char *p = path_key(path, "filter");
	char *err = NULL;
	int n = schema_strings(s, p, v, &a->filter);

	a->n_filter = n < 0 ? 0 : n;
	for (int i = 0; i < a->n_filter && !s->failed; i++) {
		if (strlen(a->filter[i]) > RECIPE_MAX_FILTER) {
			char *pi = v && json_is_array(v) ? path_index(p, i) : xstrdup(p);

			schema_error(s, pi, "a filter clause has at most %d bytes", RECIPE_MAX_FILTER);
			free(pi);
		} else if (!filter_clause_expand(s->recipe, a->filter[i], NULL, NULL, &err)) {
			char *pi = v && json_is_array(v) ? path_index(p, i) : xstrdup(p);

			schema_error(s, pi, "%s", err);
			free(pi);
			free(err);
		}
	}
	free(p);
	return !s->failed;
}

static bool parse_alt(struct schema *s, const char *path, struct alternative *a, json_t *obj)
{
	static const char *const common[] = { "args", "fields", "filter", "label" };
	const char *keys[ARRAY_SIZE(common) + RECIPE_MAX_SECTIONS + 1];
	json_t *args, *fields, *filter;
	size_t n = 0;
	char *p;

	a->path = xstrdup(path);
	if (!json_is_object(obj)) {
		schema_error(s, path, "an alternative is an object");
		return false;
	}
	for (int k = 0; k < n_source_kinds; k++)	/* the kinds' keys first, for messages */
		keys[n++] = source_kinds[k]->name;
	for (size_t i = 0; i < ARRAY_SIZE(common); i++)
		keys[n++] = common[i];
	keys[n] = NULL;
	a->label = schema_string(s, path, obj, "label", false);
	if (!schema_known_keys(s, path, obj, keys) || !parse_kind(s, path, a, obj))
		return false;
	args = schema_get(s, path, obj, "args", JSON_OBJECT, false);
	if (args && !source_kind_of(a->kind)->is_probe) {
		p = path_key(path, "args");
		schema_error(s, p, "tracepoints have fields of their own; args are for kprobes");
		free(p);
	}
	if (s->failed)
		return false;
	p = path_key(path, "args");
	if (args && !parse_args(s, p, a, args)) {
		free(p);
		return false;
	}
	free(p);
	fields = schema_get(s, path, obj, "fields", JSON_OBJECT, true);
	if (!fields)
		return false;
	p = path_key(path, "fields");
	if (!parse_maps(s, p, a, fields)) {
		free(p);
		return false;
	}
	free(p);
	filter = json_object_get(obj, "filter");
	return !filter || parse_filter(s, path, a, filter);
}

static bool parse_event(struct schema *s, const char *path, struct event_decl *e, json_t *obj)
{
	static const char *const keys[] = { "any", "optional", "when", "listed", NULL };
	char *p;
	json_t *any, *alt;
	size_t i;

	if (!json_is_object(obj)) {
		schema_error(s, path, "an event is an object with 'any': [alternatives]");
		return false;
	}
	if (!schema_known_keys(s, path, obj, keys))
		return false;
	e->optional = schema_bool(s, path, obj, "optional", false);
	e->unlisted = !schema_bool(s, path, obj, "listed", true);
	e->when_event = -1;
	e->when = schema_string(s, path, obj, "when", false);
	any = schema_get(s, path, obj, "any", JSON_ARRAY, true);
	if (!any)
		return false;
	p = path_key(path, "any");
	if (!json_array_size(any))
		schema_error(s, p, "needs at least one alternative");
	else if (json_array_size(any) > RECIPE_MAX_ALTS)
		schema_error(s, p, "more than %d alternatives", RECIPE_MAX_ALTS);
	e->alts = xcalloc(json_array_size(any), sizeof(*e->alts));
	json_array_foreach(any, i, alt) {
		char *pi = path_index(p, i);
		bool ok;

		e->n_alts++;
		ok = !s->failed && parse_alt(s, pi, &e->alts[i], alt);
		free(pi);
		if (!ok)
			break;
	}
	free(p);
	return !s->failed;
}

/*
 * "when": "EVENT=KIND": traced only when EVENT runs an alternative of KIND;
 * "--explain": only when the run explains slow pairs (run --explain).
 */
static bool resolve_when(struct schema *s, struct event_decl *e, int self)
{
	struct recipe *r = s->recipe;
	char *path = xasprintf("events.%s.when", e->name);
	char *eq = strchr(e->when, '=');
	const struct source_kind *kind = NULL;

	if (!strcmp(e->when, "--explain")) {
		e->when_explain = true;
		eq = NULL;
		goto optional;
	}
	if (eq)
		*eq = '\0';
	for (int i = 0; eq && i < r->n_events; i++)
		if (i != self && !strcmp(r->events[i].name, e->when))
			e->when_event = i;
	if (eq)
		*eq = '=';
	if (eq)
		kind = source_kind_by_name(eq + 1);
	if (!eq || e->when_event < 0 || !kind) {
		char *kinds = source_kind_list("", "|");

		schema_error(s, path, "'%s' is neither OTHER_EVENT=%s nor --explain", e->when,
			     kinds);
		free(kinds);
	} else
		e->when_kind = kind->kind;
optional:
	if (!s->failed && !e->optional)
		schema_error(s, path, "an event with 'when' must also be optional");
	free(path);
	return !s->failed;
}

bool recipe_parse_events(struct schema *s, json_t *root)
{
	json_t *obj = schema_get(s, "", root, "events", JSON_OBJECT, true);
	struct recipe *r = s->recipe;
	const char *name;
	json_t *v;

	if (!obj)
		return false;
	if (!json_object_size(obj)) {
		schema_error(s, "events", "a recipe needs at least one event");
		return false;
	}
	r->events = xcalloc(json_object_size(obj), sizeof(*r->events));
	json_object_foreach(obj, name, v) {
		char *p = path_key("events", name);
		struct event_decl *e = &r->events[r->n_events++];
		bool ok;

		e->name = xstrdup(name);
		/* kernel event names have 64 bytes: leave room for a re-made probe's __altN */
		if (!recipe_is_identifier(name) || strlen(name) > RECIPE_MAX_EVENT_NAME ||
		    strstr(name, "__"))
			schema_error(s, p, "event names are identifiers ([A-Za-z_][A-Za-z0-9_]*) of at "
				     "most %d bytes without '__' (reserved for probekit)",
				     RECIPE_MAX_EVENT_NAME);
		ok = !s->failed && parse_event(s, p, e, v);
		free(p);
		if (!ok)
			return false;
	}
	for (int i = 0; i < r->n_events; i++)
		if (r->events[i].when && !resolve_when(s, &r->events[i], i))
			return false;
	return true;
}
