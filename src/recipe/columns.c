// SPDX-License-Identifier: GPL-2.0-or-later
/* Recipe schema: user-space match clauses and output columns. */
#include <stdlib.h>
#include <string.h>

#include "recipe/limits.h"
#include "recipe/schema.h"

static bool is_address(enum field_format f)
{
	return f == FMT_IPV4 || f == FMT_IPV6 || f == FMT_INET;
}

void columns_use(const struct column *c, int n, bool *fields)
{
	for (int i = 0; i < n; i++) {
		fields[c[i].field] = true;
		if (c[i].port_field >= 0)
			fields[c[i].port_field] = true;
	}
}

bool column_parse(const struct recipe *r, const char *spec, struct column *c, char **err)
{
	char *name = xstrdup(spec);
	char *port = strchr(name, ':');

	*err = NULL;
	c->port_field = -1;
	if (port)
		*port++ = '\0';
	c->field = recipe_field_index(r, name);
	if (c->field < 0)
		*err = xasprintf("'%s' is not a field (declared or built-in)", name);
	else if (port) {
		c->port_field = recipe_field_index(r, port);
		if (c->port_field < 0)
			*err = xasprintf("'%s' is not a field", port);
		else if (!is_address(r->fields[c->field].format) ||
			 r->fields[c->port_field].format != FMT_PORT)
			*err = xstrdup("ADDR:PORT joins an address field and a port field");
	}
	if (!*err)
		c->title = port ? xasprintf("%s:%s", r->fields[c->field].title,
					    r->fields[c->port_field].title)
				: xstrdup(r->fields[c->field].title);
	free(name);
	return !*err;
}

/* "field" or "addr:port" (shown joined, [v6]:port). */
bool parse_column(struct schema *s, const char *path, const char *spec, struct column *c)
{
	char *err;

	if (!column_parse(s->recipe, spec, c, &err)) {
		schema_error(s, path, "%s", err);
		free(err);
	}
	return !s->failed;
}

int parse_columns(struct schema *s, const char *path, json_t *v, struct column **out)
{
	char **specs;
	int n = schema_strings(s, path, v, &specs);

	if (n < 0)
		return -1;
	*out = xcalloc(n, sizeof(**out));
	for (int i = 0; i < n; i++) {
		char *p = path_index(path, i);

		if (!s->failed)
			parse_column(s, p, specs[i], &(*out)[i]);
		free(p);
		free(specs[i]);
	}
	free(specs);
	return n;
}

static bool parse_match_clause(struct schema *s, const char *path, json_t *obj,
			       struct match_clause *m)
{
	static const char *const keys[] = { "param", "fields", NULL };
	struct recipe *r = s->recipe;
	char *param, **names = NULL;
	json_t *fields;
	int n;

	if (!json_is_object(obj)) {
		schema_error(s, path, "a match clause is {\"param\": NAME, \"fields\": [FIELD...]}");
		return false;
	}
	if (!schema_known_keys(s, path, obj, keys) ||
	    !(param = schema_string(s, path, obj, "param", true)))
		return false;
	m->param = recipe_param_index(r, param);
	if (m->param < 0)
		schema_error(s, path, "no parameter '%s'", param);
	free(param);
	fields = schema_get(s, path, obj, "fields", JSON_ARRAY, true);
	if (s->failed || !fields)
		return false;
	n = schema_strings(s, path, fields, &names);
	m->fields = xcalloc(n > 0 ? n : 1, sizeof(int));
	for (int i = 0; i < n; i++) {
		int f = recipe_field_index(r, names[i]);
		enum param_type t = r->params[m->param].type;

		/* of the built-ins, a CPU or a thread can be matched */
		if (f < 0 || (r->fields[f].builtin && f != FIELD_CPU && f != FIELD_PID))
			schema_error(s, path, "'%s' is not a declared field (nor cpu or pid)", names[i]);
		else if ((t == PARAM_INET) != is_address(r->fields[f].format))
			schema_error(s, path, "parameter type %s cannot be compared with field '%s' (%s)",
				     param_type_name(t), names[i], field_format_name(r->fields[f].format));
		m->fields[m->n_fields++] = f;
		free(names[i]);
	}
	free(names);
	return !s->failed;
}

static bool parse_match(struct schema *s, json_t *root)
{
	json_t *arr = schema_get(s, "", root, "match", JSON_ARRAY, false);
	struct recipe *r = s->recipe;
	json_t *v;
	size_t i;

	if (!arr)
		return !s->failed;
	r->match = xcalloc(json_array_size(arr), sizeof(*r->match));
	json_array_foreach(arr, i, v) {
		char *p = path_index("match", i);
		bool ok = parse_match_clause(s, p, v, &r->match[r->n_match++]);

		free(p);
		if (!ok)
			return false;
	}
	return true;
}

/* output's keys: columns, and the "output.KEY" sections' */
static bool known_output_keys(struct schema *s, json_t *out)
{
	const char *keys[RECIPE_MAX_SECTIONS + 2];
	int n = 0;

	keys[n++] = "columns";
	for (int i = 0; i < s->n_output_keys && n < RECIPE_MAX_SECTIONS + 1; i++)
		if (!strncmp(s->output_keys[i].key, "output.", 7))
			keys[n++] = s->output_keys[i].key + 7;
	keys[n] = NULL;
	return schema_known_keys(s, "output", out, keys);
}

bool recipe_parse_output(struct schema *s, json_t *root)
{
	struct recipe *r = s->recipe;
	json_t *out, *v;
	int n;

	if (!parse_match(s, root))
		return false;
	out = schema_get(s, "", root, "output", JSON_OBJECT, true);
	if (!out || !known_output_keys(s, out))
		return false;
	v = schema_get(s, "output", out, "columns", JSON_ARRAY, true);
	if (!v)
		return false;
	n = parse_columns(s, "output.columns", v, &r->columns);
	r->n_columns = n < 0 ? 0 : n;
	return !s->failed;
}
