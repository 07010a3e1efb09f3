// SPDX-License-Identifier: GPL-2.0-or-later
/* The attempts analysis's recipe section: "attempts", an array of start -> outcome declarations. */
#include <stdlib.h>
#include <string.h>

#include "analysis/attempts.h"
#include "util/duration.h"

/* A declared field of one of the formats allowed (FMT_TIME: any but built-ins). */
static int field_ref(struct schema *s, const char *path, json_t *obj, const char *key,
		     enum field_format want)
{
	char *name = schema_string(s, path, obj, key, false);
	int f = name ? recipe_field_index(s->recipe, name) : -1;
	char *p = path_key(path, key);

	if (name && (f < 0 || s->recipe->fields[f].builtin))
		schema_error(s, p, "'%s' is not a declared field", name);
	else if (name && want != FMT_TIME && s->recipe->fields[f].format != want)
		schema_error(s, p, "field '%s' must have format '%s'", name, field_format_name(want));
	free(p);
	free(name);
	return s->failed ? -1 : f;
}

static bool parse_key(struct schema *s, const char *path, json_t *obj, struct attempts_decl *d)
{
	d->n_key = schema_key_fields(s, path, obj, d->key, ATT_KEY_MAX);
	return d->n_key > 0;
}

static bool parse_outcome(struct schema *s, const char *path, json_t *obj, struct att_outcome *o)
{
	static const char *const keys[] = { "result", "end", "after", "context", NULL };
	char *ctx;

	if (!json_is_object(obj)) {
		schema_error(s, path, "an outcome is an object");
		return false;
	}
	if (!schema_known_keys(s, path, obj, keys) ||
	    !(o->result = schema_string(s, path, obj, "result", true)))
		return false;
	o->end = schema_event_ref(s, path, obj, "end", true);
	o->after = schema_event_ref(s, path, obj, "after", false);
	ctx = schema_string(s, path, obj, "context", false);
	o->context = ATT_ANY;
	if (ctx && !strcmp(ctx, "process"))
		o->context = ATT_PROCESS;
	else if (ctx && !strcmp(ctx, "interrupt"))
		o->context = ATT_INTERRUPT;
	else if (ctx) {
		char *p = path_key(path, "context");

		schema_error(s, p, "'%s' is neither 'process' nor 'interrupt'", ctx);
		free(p);
	}
	free(ctx);
	return !s->failed;
}

static bool parse_outcomes(struct schema *s, const char *path, json_t *obj,
			   struct attempts_decl *d)
{
	json_t *arr = schema_get(s, path, obj, "outcomes", JSON_ARRAY, true);
	char *p = path_key(path, "outcomes");
	json_t *v;
	size_t i;

	if (arr && (json_array_size(arr) == 0 || json_array_size(arr) > ATT_OUTCOMES_MAX))
		schema_error(s, p, "one to %d outcomes", ATT_OUTCOMES_MAX);
	json_array_foreach(arr, i, v) {
		char *pi = path_index(p, i);
		struct att_outcome *o = &d->outcomes[d->n_outcomes++];

		parse_outcome(s, pi, v, o);
		if (!s->failed && (o->end == d->start || o->after == d->start))
			schema_error(s, pi, "the start event cannot end or mark an attempt");
		free(pi);
		if (s->failed)
			break;
	}
	free(p);
	return !s->failed;
}

static bool parse_limits(struct schema *s, const char *path, json_t *obj, struct attempts_decl *d)
{
	char *timeout = schema_string(s, path, obj, "timeout", false);
	json_t *max = schema_get(s, path, obj, "max_pending", JSON_INTEGER, false);
	char *p;

	d->timeout_ns = 600ULL * 1000000000ULL;
	if (timeout && (!parse_duration_ns(timeout, &d->timeout_ns) || !d->timeout_ns)) {
		p = path_key(path, "timeout");
		schema_error(s, p, "'%s' is not a duration (500ms, 10s, ...)", timeout);
		free(p);
	}
	free(timeout);
	/* each slot keeps a copy of the start's fields: bounded for an untrusted recipe */
	d->max_pending = 4096;
	if (max && (json_integer_value(max) < 1 || json_integer_value(max) > 65536)) {
		p = path_key(path, "max_pending");
		schema_error(s, p, "must be 1 to 65536");
		free(p);
	} else if (max) {
		d->max_pending = (int)json_integer_value(max);
	}
	return !s->failed;
}

static bool parse_one(struct schema *s, const char *path, json_t *obj, struct attempts_decl *d)
{
	static const char *const keys[] = {
		"name", "title", "key", "start", "count", "count_into", "result_into", "outcomes",
		"timeout", "max_pending", "group_by", NULL
	};

	if (!schema_named(s, path, obj, keys, "an attempts analysis", &d->name, &d->title))
		return false;
	d->start = schema_event_ref(s, path, obj, "start", true);
	d->count_event = schema_event_ref(s, path, obj, "count", false);
	d->count_field = field_ref(s, path, obj, "count_into", FMT_DECIMAL);
	d->result_field = field_ref(s, path, obj, "result_into", FMT_STRING);
	if (s->failed || !parse_key(s, path, obj, d) || !parse_outcomes(s, path, obj, d) ||
	    !parse_limits(s, path, obj, d))
		return false;
	if ((d->count_event >= 0) != (d->count_field >= 0)) {
		schema_error(s, path, "'count' and 'count_into' go together");
		return false;
	}
	d->n_group_by = schema_group_by(s, path, obj, &d->group_by);
	return !s->failed;
}

void attempts_free_cfg(void *cfg)
{
	struct attempts_decl *d = cfg;

	free(d->name);
	free(d->title);
	for (int k = 0; k < d->n_outcomes; k++)
		free(d->outcomes[k].result);
	for (int k = 0; k < d->n_group_by; k++)
		free(d->group_by[k].title);
	free(d->group_by);
	free(d);
}

bool attempts_parse(struct schema *s, json_t *root)
{
	json_t *arr = schema_get(s, "", root, "attempts", JSON_ARRAY, false);
	json_t *v;
	size_t i;

	json_array_foreach(arr, i, v) {
		struct attempts_decl *d = xcalloc(1, sizeof(*d));
		char *p = path_index("attempts", i);
		bool ok;

		d->start = d->count_event = d->count_field = d->result_field = -1;
		recipe_add_analysis(s->recipe, &attempts_analysis, d, attempts_free_cfg);
		ok = parse_one(s, p, v, d);
		free(p);
		if (!ok)
			return false;
	}
	return !s->failed;
}

void attempts_describe(const void *cfg, const struct recipe *r, FILE *f)
{
	const struct attempts_decl *d = cfg;

	fprintf(f, "attempts %s: from %s by", d->name, r->events[d->start].name);
	for (int k = 0; k < d->n_key; k++)
		fprintf(f, " %s", r->fields[d->key[k]].name);
	fprintf(f, " to");
	for (int k = 0; k < d->n_outcomes; k++) {
		const struct att_outcome *o = &d->outcomes[k];

		fprintf(f, "%s %s (%s", k ? "," : "", o->result, r->events[o->end].name);
		if (o->after >= 0)
			fprintf(f, " after %s", r->events[o->after].name);
		if (o->context != ATT_ANY)
			fprintf(f, " in %s context", o->context == ATT_PROCESS ? "process" : "interrupt");
		fputc(')', f);
	}
	if (d->count_event >= 0)
		fprintf(f, "; counts %s", r->events[d->count_event].name);
	fprintf(f, "; timeout %.0f s, at most %d under way\n", d->timeout_ns / 1e9, d->max_pending);
}
