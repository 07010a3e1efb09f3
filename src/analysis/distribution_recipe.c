// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The recipe's "distribution" section: the distribution of one field's value
 * over the records of one event (srtt per remote address, ...), with a unit
 * and a shift. It runs as the latency analysis does (statistics, groups, -t,
 * -i, -g), each record a sample instead of a pair.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/latency.h"

static const struct { const char *name; uint64_t ns; } units[] = {
	{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 },
};

static int field_of(struct schema *s, const char *path, json_t *obj, const char *key,
		    bool required)
{
	char *name = schema_string(s, path, obj, key, required);
	int f = name ? recipe_field_index(s->recipe, name) : 0;

	if (name && (f < 0 || s->recipe->fields[f].builtin)) {
		char *p = path_key(path, key);

		schema_error(s, p, "'%s' is not a declared field", name);
		free(p);
		f = 0;
	}
	free(name);
	return f;
}

static bool parse_unit(struct schema *s, const char *path, json_t *obj, struct latency_decl *d)
{
	char *unit = schema_string(s, path, obj, "unit", true);
	json_t *shift = schema_get(s, path, obj, "shift", JSON_INTEGER, false);
	char *p;

	for (size_t i = 0; unit && i < ARRAY_SIZE(units); i++)
		if (!strcmp(unit, units[i].name))
			d->value_unit_ns = units[i].ns;
	if (unit && !d->value_unit_ns) {
		p = path_key(path, "unit");
		schema_error(s, p, "'%s' is not a unit of time (ns, us, ms, s)", unit);
		free(p);
	}
	free(unit);
	d->value_shift = shift ? (int)json_integer_value(shift) : 0;
	if (shift && (json_integer_value(shift) < 0 || json_integer_value(shift) > 32)) {
		p = path_key(path, "shift");
		schema_error(s, p, "must be 0 to 32");
		free(p);
	}
	return !s->failed;
}

static bool parse_one(struct schema *s, const char *path, json_t *obj, struct latency_decl *d)
{
	static const char *const keys[] = {
		"name", "title", "event", "field", "unit", "shift", "into", "group_by", NULL
	};
	char *event;

	if (!schema_named(s, path, obj, keys, "a distribution", &d->name, &d->title))
		return false;
	if (!(event = schema_string(s, path, obj, "event", true)))
		return false;
	d->from = d->to = recipe_event_index(s->recipe, event);
	if (d->from < 0) {
		char *p = path_key(path, "event");

		schema_error(s, p, "'%s' is not an event of this recipe", event);
		free(p);
	}
	free(event);
	d->value_field = field_of(s, path, obj, "field", true);
	d->into_field = field_of(s, path, obj, "into", false);
	if (s->failed || !parse_unit(s, path, obj, d))
		return false;
	d->max_pending = 1;	/* no pairs wait */
	d->n_group_by = schema_group_by(s, path, obj, &d->group_by);
	return !s->failed;
}

bool distribution_parse(struct schema *s, json_t *root)
{
	return latency_parse_array(s, root, "distribution", &distribution_analysis, parse_one);
}

void distribution_describe(const void *cfg, const struct recipe *r, FILE *f)
{
	const struct latency_decl *d = cfg;

	fprintf(f, "distribution %s: %s of %s", d->name, r->fields[d->value_field].name,
		r->events[d->from].name);
	if (d->value_shift)
		fprintf(f, " >> %d", d->value_shift);
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (units[i].ns == d->value_unit_ns)
			fprintf(f, ", in %s", units[i].name);
	fprintf(f, "\n");
}
