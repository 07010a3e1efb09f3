// SPDX-License-Identifier: GPL-2.0-or-later
/* Strict JSON walking with JSON-path error messages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recipe/limits.h"
#include "recipe/schema.h"
#include "util/textsafe.h"

void schema_error(struct schema *s, const char *path, const char *fmt, ...)
{
	va_list ap;
	char *where;

	if (s->failed)	/* one line: the first error is the one that matters */
		return;
	s->failed = true;
	where = xasprintf("%s: %s: ", s->file, path && *path ? path : "(top level)");
	va_start(ap, fmt);
	pk_vreport(where, fmt, ap);
	va_end(ap);
	free(where);
}

char *path_key(const char *path, const char *key)
{
	return *path ? xasprintf("%s.%s", path, key) : xstrdup(key);
}

char *path_index(const char *path, size_t i)
{
	return xasprintf("%s[%zu]", path, i);
}

bool schema_known_keys(struct schema *s, const char *path, json_t *obj, const char *const *allowed)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		const char *const *a;

		for (a = allowed; *a; a++)
			if (!strcmp(*a, key))
				break;
		if (!*a) {
			char *p = path_key(path, key);

			schema_error(s, p, "unknown key");
			free(p);
			return false;
		}
	}
	return true;
}

static const char *type_name(json_type t)
{
	switch (t) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE: case JSON_FALSE: return "true or false";
	default: return "null";
	}
}

static bool type_matches(json_t *v, json_type want)
{
	if (want == JSON_TRUE || want == JSON_FALSE)
		return json_is_boolean(v);
	return json_typeof(v) == want;
}

json_t *schema_get(struct schema *s, const char *path, json_t *obj, const char *key,
		   json_type type, bool required)
{
	json_t *v = json_object_get(obj, key);
	char *p;

	if (!v || (json_is_null(v) && !required)) {
		if (required) {
			p = path_key(path, key);
			schema_error(s, p, "missing required key");
			free(p);
		}
		return NULL;
	}
	if (!type_matches(v, type)) {
		p = path_key(path, key);
		schema_error(s, p, "must be %s, not %s", type_name(type), type_name(json_typeof(v)));
		free(p);
		return NULL;
	}
	return v;
}

char *schema_string(struct schema *s, const char *path, json_t *obj, const char *key, bool required)
{
	json_t *v = schema_get(s, path, obj, key, JSON_STRING, required);

	return v ? xstrdup(json_string_value(v)) : NULL;
}

int schema_event_ref(struct schema *s, const char *path, json_t *obj, const char *key,
		     bool required)
{
	char *name = schema_string(s, path, obj, key, required);
	int ev = name ? recipe_event_index(s->recipe, name) : -1;

	if (name && ev < 0) {
		char *p = path_key(path, key);

		schema_error(s, p, "'%s' is not an event of this recipe", name);
		free(p);
	}
	free(name);
	return ev;
}

int schema_key_fields(struct schema *s, const char *path, json_t *obj, int *out, int max)
{
	char *p = path_key(path, "key");
	json_t *v = json_object_get(obj, "key");
	char **names = NULL;
	int n = v ? schema_strings(s, p, v, &names) : -1, got = 0;

	if (!v)
		schema_error(s, p, "missing required key");
	else if (n == 0 || n > max)
		schema_error(s, p, "one to %d fields", max);
	for (int i = 0; i < n; i++) {
		int f = recipe_field_index(s->recipe, names[i]);

		if (f < 0 || s->recipe->fields[f].builtin)
			schema_error(s, p, "'%s' is not a declared field", names[i]);
		else if (s->recipe->fields[f].format == FMT_STRING)
			schema_error(s, p, "'%s': a key is a number or an address, not a string",
				     names[i]);
		else if (got < max)
			out[got++] = f;
		free(names[i]);
	}
	free(names);
	free(p);
	return s->failed ? -1 : got;
}

int schema_group_by(struct schema *s, const char *path, json_t *obj, struct column **out)
{
	json_t *g = schema_get(s, path, obj, "group_by", JSON_ARRAY, false);
	char *p;
	int n;

	*out = NULL;
	if (!g)
		return 0;
	p = path_key(path, "group_by");
	n = parse_columns(s, p, g, out);
	free(p);
	return n < 0 ? 0 : n;
}

bool schema_named(struct schema *s, const char *path, json_t *obj, const char *const *keys,
		  const char *what, char **name, char **title)
{
	if (!json_is_object(obj)) {
		schema_error(s, path, "%s is an object", what);
		return false;
	}
	if (!schema_known_keys(s, path, obj, keys) ||
	    !(*name = schema_string(s, path, obj, "name", true)))
		return false;
	*title = schema_string(s, path, obj, "title", false);
	if (!*title)
		*title = xstrdup(*name);
	return true;
}

bool schema_bool(struct schema *s, const char *path, json_t *obj, const char *key, bool def)
{
	json_t *v = schema_get(s, path, obj, key, JSON_TRUE, false);

	return v ? json_is_true(v) : def;
}

int schema_strings(struct schema *s, const char *path, json_t *v, char ***out)
{
	size_t i;
	json_t *e;

	*out = NULL;
	if (json_is_string(v)) {
		*out = xcalloc(1, sizeof(char *));
		(*out)[0] = xstrdup(json_string_value(v));
		return 1;
	}
	if (!json_is_array(v)) {
		schema_error(s, path, "must be a string or an array of strings");
		return -1;
	}
	*out = xcalloc(json_array_size(v), sizeof(char *));
	json_array_foreach(v, i, e) {
		if (!json_is_string(e)) {
			char *p = path_index(path, i);

			schema_error(s, p, "must be a string");
			free(p);
			for (size_t j = 0; j < i; j++)
				free((*out)[j]);
			free(*out);
			*out = NULL;
			return -1;
		}
		(*out)[i] = xstrdup(json_string_value(e));
	}
	return (int)json_array_size(v);
}

bool schema_each_object(struct schema *s, json_t *root, const char *key,
			bool (*fn)(struct schema *s, const char *path, const char *name, json_t *obj))
{
	json_t *obj = schema_get(s, "", root, key, JSON_OBJECT, false);
	const char *name;
	json_t *v;

	json_object_foreach(obj, name, v) {
		char *p = path_key(key, name);
		bool ok = json_is_object(v);

		if (!ok)
			schema_error(s, p, "must be an object");
		else
			ok = fn(s, p, name, v);
		free(p);
		if (!ok)
			return false;
	}
	return !s->failed;
}

static bool check_text(struct schema *s, const char *path, const char *what, const char *text,
		       size_t len)
{
	if (len > RECIPE_MAX_STRING) {
		schema_error(s, path, "%s longer than %d bytes", what, RECIPE_MAX_STRING);
		return false;
	}
	if (text_find_control(text, len)) {
		/* nothing a recipe says may reach tracefs or a terminal as a control byte */
		schema_error(s, path, "%s holds a control character", what);
		return false;
	}
	return true;
}

static bool check_node(struct schema *s, const char *path, json_t *v, int depth)
{
	const char *key;
	json_t *m;
	size_t i;
	bool ok = true;

	if (depth > RECIPE_MAX_DEPTH) {
		schema_error(s, path, "nested deeper than %d levels", RECIPE_MAX_DEPTH);
		return false;
	}
	if (json_is_string(v))
		return check_text(s, path, "a string", json_string_value(v), json_string_length(v));
	if ((json_is_object(v) && json_object_size(v) > RECIPE_MAX_MEMBERS) ||
	    (json_is_array(v) && json_array_size(v) > RECIPE_MAX_MEMBERS)) {
		schema_error(s, path, "more than %d members", RECIPE_MAX_MEMBERS);
		return false;
	}
	json_object_foreach(v, key, m) {
		char *p = path_key(path, key);

		ok = check_text(s, p, "a key", key, strlen(key)) && check_node(s, p, m, depth + 1);
		free(p);
		if (!ok)
			return false;
	}
	json_array_foreach(v, i, m) {
		char *p = path_index(path, i);

		ok = check_node(s, p, m, depth + 1);
		free(p);
		if (!ok)
			return false;
	}
	return true;
}

bool schema_check_limits(struct schema *s, json_t *root)
{
	return check_node(s, "", root, 0);
}
