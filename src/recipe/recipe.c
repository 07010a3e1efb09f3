// SPDX-License-Identifier: GPL-2.0-or-later
/* Recipe files: loading, top-level schema, parameters and field declarations; freeing. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recipe/limits.h"
#include "recipe/schema.h"

static void add_builtin_fields(struct recipe *r)
{
	static const struct { const char *name, *title; enum field_format f; } b[] = {
		[FIELD_TIME] = { "time", "TIME", FMT_TIME },
		[FIELD_CPU] = { "cpu", "CPU", FMT_CPU },
		[FIELD_PID] = { "pid", "PID", FMT_PID },
		[FIELD_COMM] = { "comm", "COMM", FMT_COMM },
		[FIELD_EVENT] = { "event", "EVENT", FMT_EVENT },
		[FIELD_LATENCY] = { "latency", "LATENCY", FMT_DURATION },
		[FIELD_OWNER] = { "owner", "OWNER", FMT_STRING },
	};

	r->fields = xcalloc(FIELD_NR_BUILTIN, sizeof(*r->fields));
	for (int i = 0; i < FIELD_NR_BUILTIN; i++) {
		r->fields[i].name = xstrdup(b[i].name);
		r->fields[i].title = xstrdup(b[i].title);
		r->fields[i].format = b[i].f;
		r->fields[i].builtin = true;
	}
	r->n_fields = FIELD_NR_BUILTIN;
}

static char *default_title(const char *name)
{
	char *t = xstrdup(name);

	for (char *p = t; *p; p++)
		*p = toupper((unsigned char)*p);
	return t;
}

static bool parse_field(struct schema *s, const char *path, const char *name, json_t *obj)
{
	static const char *const keys[] = { "format", "title", NULL };
	struct recipe *r = s->recipe;
	struct field_decl *f;
	char *fmt;
	int i;

	if (!recipe_is_identifier(name) || recipe_field_index(r, name) >= 0) {
		schema_error(s, path, "%s", recipe_field_index(r, name) >= 0 ?
			     "is a built-in field name" : "field names are identifiers ([A-Za-z_][A-Za-z0-9_]*)");
		return false;
	}
	if (!schema_known_keys(s, path, obj, keys))
		return false;
	fmt = schema_string(s, path, obj, "format", true);
	if (!fmt)
		return false;
	for (i = 0; i < FMT_TIME; i++)
		if (!strcmp(fmt, field_format_name(i)))
			break;
	if (i == FMT_TIME) {
		char *p = path_key(path, "format");

		schema_error(s, p, "unknown format '%s' (decimal, hex, ipv4, ipv6, inet, sockaddr, "
			     "port, tcp_state, errno, ksym, string, duration, symbolic)", fmt);
		free(p);
		free(fmt);
		return false;
	}
	free(fmt);
	r->fields = xrealloc(r->fields, (r->n_fields + 1) * sizeof(*r->fields));
	f = &r->fields[r->n_fields++];
	*f = (struct field_decl){ .name = xstrdup(name), .format = i };
	f->title = schema_string(s, path, obj, "title", false);
	if (!f->title)
		f->title = default_title(name);
	return !s->failed;
}

static bool parse_param(struct schema *s, const char *path, const char *name, json_t *obj)
{
	static const char *const keys[] = { "type", "help", "default", NULL };
	struct recipe *r = s->recipe;
	struct param *p;
	json_t *def;
	char *type;
	int i;

	if (!recipe_is_identifier(name)) {
		schema_error(s, path, "parameter names are identifiers ([A-Za-z_][A-Za-z0-9_]*)");
		return false;
	}
	if (!schema_known_keys(s, path, obj, keys) ||
	    !(type = schema_string(s, path, obj, "type", true)))
		return false;
	for (i = 0; i < PARAM_NR_TYPES; i++)
		if (!strcmp(type, param_type_name(i)))
			break;
	if (i == PARAM_NR_TYPES) {
		char *pp = path_key(path, "type");

		schema_error(s, pp, "unknown type '%s' (port, int, inet, string)", type);
		free(pp);
		free(type);
		return false;
	}
	free(type);
	r->params = xrealloc(r->params, (r->n_params + 1) * sizeof(*r->params));
	p = &r->params[r->n_params++];
	memset(p, 0, sizeof(*p));
	p->name = xstrdup(name);
	p->type = i;
	p->help = schema_string(s, path, obj, "help", false);
	def = json_object_get(obj, "default");
	if (def && !json_is_null(def)) {
		char *pp = path_key(path, "default");

		if (json_is_string(def))
			p->def = xstrdup(json_string_value(def));
		else if (json_is_integer(def))
			p->def = xasprintf("%lld", (long long)json_integer_value(def));
		else
			schema_error(s, pp, "must be a string or an integer");
		if (p->def && !param_parse(p, p->def))
			schema_error(s, pp, "'%s' is not a valid %s", p->def, param_type_name(p->type));
		else if (p->def)
			p->value = xstrdup(p->def);
		free(pp);
	}
	return !s->failed;
}

/* The core's keys, then the top-level keys of the sections: all a recipe may have. */
static bool known_top_keys(struct schema *s, json_t *root, const struct recipe_section *sec,
			   int n_sec)
{
	static const char *const core[] = {
		"probekit", "name", "description", "notes", "parameters", "fields", "match", "output",
	};
	const char *keys[ARRAY_SIZE(core) + RECIPE_MAX_SECTIONS + 1];
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(core); i++)
		keys[n++] = core[i];
	for (int i = 0; i < n_sec && n < ARRAY_SIZE(keys) - 1; i++)
		if (*sec[i].key && !strchr(sec[i].key, '.'))
			keys[n++] = sec[i].key;
	keys[n] = NULL;
	return schema_known_keys(s, "", root, keys);
}

static bool parse_header(struct schema *s, json_t *root, const struct recipe_section *sec,
			 int n_sec)
{
	struct recipe *r = s->recipe;
	json_t *v;

	if (!json_is_object(root)) {
		schema_error(s, "", "a recipe is a JSON object");
		return false;
	}
	if (!known_top_keys(s, root, sec, n_sec))
		return false;
	v = schema_get(s, "", root, "probekit", JSON_INTEGER, true);
	if (v && json_integer_value(v) != RECIPE_FORMAT_VERSION)
		schema_error(s, "probekit", "recipe format %lld is not supported (this probekit reads %d)",
			     (long long)json_integer_value(v), RECIPE_FORMAT_VERSION);
	r->name = schema_string(s, "", root, "name", true);
	r->description = schema_string(s, "", root, "description", true);
	v = json_object_get(root, "notes");
	if (v && !s->failed) {
		int n = schema_strings(s, "notes", v, &r->notes);

		r->n_notes = n < 0 ? 0 : n;
	}
	return !s->failed;
}

/* Sections at the top level (output.* ones: after the core's output) */
static bool parse_sections(struct schema *s, json_t *root, const struct recipe_section *sec,
			   int n_sec, bool in_output)
{
	for (int i = 0; i < n_sec; i++)
		if (!strncmp(sec[i].key, "output.", 7) == in_output && !sec[i].parse(s, root))
			return false;
	return !s->failed;
}

struct recipe *recipe_read_buffer(const char *text, size_t len, const char *name,
				  const struct recipe_section *sec, int n_sec)
{
	struct schema s = { .file = name };
	json_error_t jerr;
	struct recipe *r;
	json_t *root;

	if (len > RECIPE_MAX_BYTES) {
		pk_error("%s: larger than %d bytes", name, RECIPE_MAX_BYTES);
		return NULL;
	}
	/* \u0000 is refused: JSON_ALLOW_NUL is not given */
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		if (jerr.line < 0)
			pk_error("%s: %s", name, jerr.text);
		else
			pk_error("%s:%d:%d: %s", name, jerr.line, jerr.column, jerr.text);
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	r->path = xstrdup(name);
	s.recipe = r;
	add_builtin_fields(r);
	s.output_keys = sec;
	s.n_output_keys = n_sec;
	if (!schema_check_limits(&s, root) || !parse_header(&s, root, sec, n_sec) ||
	    !schema_each_object(&s, root, "parameters", parse_param) ||
	    !schema_each_object(&s, root, "fields", parse_field) ||
	    !parse_sections(&s, root, sec, n_sec, false) || !recipe_parse_output(&s, root) ||
	    !parse_sections(&s, root, sec, n_sec, true)) {
		json_decref(root);
		recipe_free(r);
		return NULL;
	}
	json_decref(root);
	return r;
}

/* Read at most one byte over the limit: a huge file is refused, not slurped. */
static char *read_bounded(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf;

	if (!f)
		return NULL;
	buf = xcalloc(1, RECIPE_MAX_BYTES + 2);
	*len = fread(buf, 1, RECIPE_MAX_BYTES + 1, f);
	if (ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

struct recipe *recipe_read(const char *path, const struct recipe_section *sec, int n_sec)
{
	size_t len = 0;
	char *text = read_bounded(path, &len);
	struct recipe *r;

	if (!text) {
		pk_error("%s: cannot read: %s", path, strerror(errno));
		return NULL;
	}
	r = recipe_read_buffer(text, len, path, sec, n_sec);
	free(text);
	return r;
}

static void free_alt(struct alternative *a)
{
	free(a->system);
	free(a->event);
	free(a->function);
	for (int i = 0; i < a->n_args; i++) {
		free(a->args[i].name);
		free(a->args[i].spec);
	}
	free(a->args);
	for (int i = 0; i < a->n_maps; i++) {
		struct field_map *m = &a->maps[i];

		free(m->source);
		free(m->at_most);
		free(m->family);
		free(m->ipv4);
		free(m->ipv6[0]);
		free(m->ipv6[1]);
	}
	free(a->maps);
	for (int i = 0; i < a->n_filter; i++)
		free(a->filter[i]);
	free(a->filter);
	free(a->path);
	free(a->label);
}

static void free_columns(struct column *c, int n)
{
	for (int i = 0; i < n; i++)
		free(c[i].title);
	free(c);
}

void recipe_free(struct recipe *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->n_params; i++) {
		free(r->params[i].name);
		free(r->params[i].help);
		free(r->params[i].def);
		free(r->params[i].value);
	}
	free(r->params);
	for (int i = 0; i < r->n_fields; i++) {
		free(r->fields[i].name);
		free(r->fields[i].title);
	}
	free(r->fields);
	for (int i = 0; i < r->n_events; i++) {
		for (int j = 0; j < r->events[i].n_alts; j++)
			free_alt(&r->events[i].alts[j]);
		free(r->events[i].alts);
		free(r->events[i].name);
		free(r->events[i].when);
	}
	free(r->events);
	free_columns(r->columns, r->n_columns);
	if (r->derive && r->free_derive)
		r->free_derive(r->derive);
	if (r->owner && r->free_owner)
		r->free_owner(r->owner);
	for (int i = 0; i < r->n_analyses; i++)
		if (r->analyses[i].free_cfg)
			r->analyses[i].free_cfg(r->analyses[i].cfg);
	free(r->analyses);
	for (int i = 0; i < r->n_match; i++)
		free(r->match[i].fields);
	free(r->match);
	free(r->couplings);
	for (int i = 0; i < r->n_notes; i++)
		free(r->notes[i]);
	free(r->notes);
	free(r->name);
	free(r->description);
	free(r->path);
	free(r);
}
