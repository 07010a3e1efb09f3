// SPDX-License-Identifier: GPL-2.0-or-later
/* The recipe's "derive" section: fields remembered per key, and classifications by cases. */
#include <stdlib.h>
#include <string.h>

#include "enrich/derive.h"
#include "recipe/schema.h"

static int field_ref(struct schema *s, const char *path, const char *name)
{
	int f = recipe_field_index(s->recipe, name);

	if (f < 0 || s->recipe->fields[f].builtin)
		schema_error(s, path, "'%s' is not a declared field", name);
	return f;
}

static bool integer_format(enum field_format f)
{
	return f == FMT_DECIMAL || f == FMT_HEX || f == FMT_PORT || f == FMT_TCP_STATE ||
	       f == FMT_ERRNO || f == FMT_SYMBOLIC || f == FMT_KSYM || f == FMT_SYSCALL;
}

static bool parse_key(struct schema *s, const char *path, json_t *obj, struct derived *d)
{
	d->n_key = schema_key_fields(s, path, obj, d->key, DERIVE_KEY_MAX);
	return d->n_key > 0;
}

static bool parse_case(struct schema *s, const char *path, json_t *obj, struct derive_case *c)
{
	static const char *const keys[] = { "event", "field", "in", "value", NULL };
	char *field;
	json_t *in, *v;
	size_t i;

	if (!json_is_object(obj)) {
		schema_error(s, path, "a case is an object");
		return false;
	}
	if (!schema_known_keys(s, path, obj, keys) ||
	    !(c->value = schema_string(s, path, obj, "value", true)))
		return false;
	c->event = schema_event_ref(s, path, obj, "event", false);
	c->field = -1;
	field = schema_string(s, path, obj, "field", false);
	in = schema_get(s, path, obj, "in", JSON_ARRAY, false);
	if (field) {
		char *p = path_key(path, "field");

		c->field = field_ref(s, p, field);
		if (c->field >= 0 && !integer_format(s->recipe->fields[c->field].format))
			schema_error(s, p, "'%s' is not an integer field ('in' lists integers)", field);
		free(p);
	}
	free(field);
	if (!s->failed && (c->field >= 0) != (in != NULL))
		schema_error(s, path, "'field' and 'in' go together");
	if (!s->failed && c->field < 0 && c->event < 0)
		schema_error(s, path, "a case needs an event, a field, or both");
	if (in && (json_array_size(in) == 0 || json_array_size(in) > DERIVE_VALUES_MAX))
		schema_error(s, path, "'in': one to %d integers", DERIVE_VALUES_MAX);
	json_array_foreach(in, i, v) {
		if (s->failed)
			break;
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			schema_error(s, path, "'in': integers of 0 or more");
		else
			c->values[c->n_values++] = (uint64_t)json_integer_value(v);
	}
	return !s->failed;
}

static bool parse_cases(struct schema *s, const char *path, json_t *obj, struct derived *d)
{
	json_t *arr = schema_get(s, path, obj, "cases", JSON_ARRAY, true), *v;
	char *p = path_key(path, "cases");
	size_t i;

	if (arr && (json_array_size(arr) == 0 || json_array_size(arr) > 32))
		schema_error(s, p, "one to 32 cases");
	d->cases = xcalloc(json_array_size(arr) + 1, sizeof(*d->cases));
	json_array_foreach(arr, i, v) {
		char *pi;

		if (s->failed)
			break;
		pi = path_index(p, i);
		d->n_cases++;
		parse_case(s, pi, v, &d->cases[i]);
		free(pi);
	}
	free(p);
	d->otherwise = schema_string(s, path, obj, "else", false);
	return !s->failed;
}

/* "set_by": {EVENT: INTEGER}: records of EVENT set the remembered value to INTEGER. */
static bool parse_set_by(struct schema *s, const char *path, json_t *obj, struct derived *d)
{
	json_t *set = schema_get(s, path, obj, "set_by", JSON_OBJECT, false), *v;
	char *p = path_key(path, "set_by");
	const char *name;

	if (set && json_object_size(set) > DERIVE_KEY_MAX)
		schema_error(s, p, "at most %d events", DERIVE_KEY_MAX);
	json_object_foreach(set, name, v) {
		int ev = recipe_event_index(s->recipe, name);

		if (s->failed)
			break;
		if (ev < 0 || ev == d->from)
			schema_error(s, p, "'%s' is not another event of this recipe", name);
		else if (!json_is_integer(v) || json_integer_value(v) < 0)
			schema_error(s, p, "'%s': an integer of 0 or more", name);
		else {
			d->set_by[d->n_set_by] = ev;
			d->set_to[d->n_set_by++] = (uint64_t)json_integer_value(v);
		}
	}
	free(p);
	return !s->failed;
}

static bool parse_one(struct schema *s, const char *path, const char *name, json_t *obj,
		      struct derived *d)
{
	static const char *const keys[] = {
		"remember_from", "key", "set_by", "cases", "else", NULL
	};
	const struct field_decl *fd;

	d->from = -1;
	if (!json_is_object(obj)) {
		schema_error(s, path, "a derived field is an object");
		return false;
	}
	if (!schema_known_keys(s, path, obj, keys) || (d->field = field_ref(s, path, name)) < 0)
		return false;
	fd = &s->recipe->fields[d->field];
	s->recipe->fields[d->field].derived = true;
	if (json_object_get(obj, "remember_from")) {
		if (json_object_get(obj, "cases") || json_object_get(obj, "else"))
			schema_error(s, path, "either remember_from (and key) or cases (and else)");
		d->from = schema_event_ref(s, path, obj, "remember_from", true);
		if (!s->failed && fd->format == FMT_STRING)
			schema_error(s, path, "a remembered field is a number or an address");
		return !s->failed && parse_key(s, path, obj, d) && parse_set_by(s, path, obj, d);
	}
	if (json_object_get(obj, "key") || json_object_get(obj, "set_by"))
		schema_error(s, path, "'key' and 'set_by' go with remember_from");
	else if (fd->format != FMT_STRING)
		schema_error(s, path, "field '%s' gets a case's value: its format must be string", name);
	return !s->failed && parse_cases(s, path, obj, d);
}

static void derive_free(void *p)
{
	struct derive_cfg *c = p;

	for (int i = 0; i < c->n; i++) {
		for (int k = 0; k < c->d[i].n_cases; k++)
			free(c->d[i].cases[k].value);
		free(c->d[i].cases);
		free(c->d[i].otherwise);
	}
	free(c->d);
	free(c);
}

/* Remembered fields go first: cases may test them. */
static int by_kind(const void *a, const void *b)
{
	const struct derived *x = a, *y = b;

	return (x->from < 0) - (y->from < 0);
}

bool derive_parse(struct schema *s, json_t *root)
{
	json_t *sec = schema_get(s, "", root, "derive", JSON_OBJECT, false), *v;
	struct derive_cfg *c;
	const char *name;

	if (!sec)
		return !s->failed;
	c = xcalloc(1, sizeof(*c));
	c->d = xcalloc(json_object_size(sec) + 1, sizeof(*c->d));
	s->recipe->derive = c;
	s->recipe->free_derive = derive_free;
	json_object_foreach(sec, name, v) {
		char *p = path_key("derive", name);

		parse_one(s, p, name, v, &c->d[c->n++]);
		free(p);
		if (s->failed)
			return false;
	}
	qsort(c->d, c->n, sizeof(*c->d), by_kind);
	return true;
}

static void case_text(const struct derive_case *c, const struct recipe *r,
		      bool (*traced)(const void *ctx, int ev), const void *ctx, FILE *f)
{
	fprintf(f, "%s (", c->value);
	if (c->event >= 0)
		fprintf(f, "event %s%s%s", r->events[c->event].name,
			traced(ctx, c->event) ? "" : ", not traced here", c->field >= 0 ? ", " : "");
	if (c->field >= 0) {
		fprintf(f, "%s in", r->fields[c->field].name);
		for (int k = 0; k < c->n_values; k++)
			fprintf(f, "%s%llu", k ? "," : " ", (unsigned long long)c->values[k]);
	}
	fputc(')', f);
}

void derive_describe(const struct derive_cfg *c, const struct recipe *r,
		     bool (*traced)(const void *ctx, int ev), const void *ctx, FILE *f)
{
	for (int i = 0; c && i < c->n; i++) {
		const struct derived *d = &c->d[i];

		fprintf(f, "derived %s: ", r->fields[d->field].name);
		if (d->from >= 0) {
			fprintf(f, "remembered from event %s%s", r->events[d->from].name,
				traced(ctx, d->from) ? "" : " (not traced here)");
			for (int k = 0; k < d->n_set_by; k++)
				fprintf(f, ", set to %llu by event %s%s", (unsigned long long)d->set_to[k],
					r->events[d->set_by[k]].name,
					traced(ctx, d->set_by[k]) ? "" : " (not traced here)");
			fprintf(f, "; by");
			for (int k = 0; k < d->n_key; k++)
				fprintf(f, " %s", r->fields[d->key[k]].name);
			fputc('\n', f);
			continue;
		}
		for (int k = 0; k < d->n_cases; k++) {
			fputs(k ? ", " : "", f);
			case_text(&d->cases[k], r, traced, ctx, f);
		}
		fprintf(f, "; else %s\n", d->otherwise ? d->otherwise : "-");
	}
}
