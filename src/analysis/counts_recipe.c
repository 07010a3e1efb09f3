// SPDX-License-Identifier: GPL-2.0-or-later
/* The counts analysis's recipe section: output.summary (group_by, sort, limit, snmp ratios). */
#include <stdlib.h>
#include <string.h>

#include "analysis/counts.h"

static bool parse_ratio(struct schema *s, const char *path, json_t *obj, struct snmp_ratio *q)
{
	static const char *const keys[] = { "title", "numerator", "denominator", "note", NULL };

	if (!json_is_object(obj)) {
		schema_error(s, path, "must be an object");
		return false;
	}
	if (!schema_known_keys(s, path, obj, keys))
		return false;
	q->title = schema_string(s, path, obj, "title", true);
	q->numerator = schema_string(s, path, obj, "numerator", true);
	q->denominator = schema_string(s, path, obj, "denominator", true);
	q->note = schema_string(s, path, obj, "note", false);
	if (!s->failed && (!strchr(q->numerator, ':') || !strchr(q->denominator, ':')))
		schema_error(s, path, "counters are named GROUP:NAME, e.g. Tcp:RetransSegs");
	return !s->failed;
}

static bool parse_sort(struct schema *s, const char *path, json_t *obj, struct counts_cfg *c)
{
	const struct recipe *r = s->recipe;
	bool found = false;
	char *p;

	c->sort = schema_string(s, path, obj, "sort", false);
	if (!c->sort || !strcmp(c->sort, "count"))
		return !s->failed;
	for (int k = 0; k < c->n_group_by; k++)
		found |= !strcmp(c->sort, r->fields[c->group_by[k].field].name);
	p = path_key(path, "sort");
	if (!found)
		schema_error(s, p, "'%s' is neither 'count' nor a group_by field", c->sort);
	free(p);
	return !s->failed;
}

static bool parse_ratios(struct schema *s, json_t *obj, struct counts_cfg *c)
{
	json_t *v = schema_get(s, "output.summary", obj, "snmp", JSON_ARRAY, false), *e;
	size_t i;

	if (!v || s->failed)
		return !s->failed;
	c->ratios = xcalloc(json_array_size(v), sizeof(*c->ratios));
	json_array_foreach(v, i, e) {
		char *p = path_index("output.summary.snmp", i);

		parse_ratio(s, p, e, &c->ratios[c->n_ratios++]);
		free(p);
		if (s->failed)
			break;
	}
	return !s->failed;
}

/* A table: title, group_by, sort, limit (the summary itself, or one of its "more"). */
static bool parse_table(struct schema *s, const char *path, json_t *obj, struct counts_cfg *c)
{
	json_t *v;
	char *p;

	c->title = schema_string(s, path, obj, "title", false);
	v = schema_get(s, path, obj, "group_by", JSON_ARRAY, false);
	if (v) {
		int n;

		p = path_key(path, "group_by");
		n = parse_columns(s, p, v, &c->group_by);
		free(p);
		c->n_group_by = n < 0 ? 0 : n;
		if (s->failed)	/* the columns after a bad one are not filled in */
			return false;
	}
	if (!parse_sort(s, path, obj, c))
		return false;
	v = schema_get(s, path, obj, "limit", JSON_INTEGER, false);
	c->limit = v ? (int)json_integer_value(v) : 0;
	p = path_key(path, "limit");
	if (v && c->limit < 0)
		schema_error(s, p, "must be 0 (no limit) or more");
	free(p);
	return !s->failed;
}

static bool parse_more(struct schema *s, json_t *obj, struct counts_cfg *c)
{
	static const char *const keys[] = { "title", "group_by", "sort", "limit", NULL };
	json_t *v = schema_get(s, "output.summary", obj, "more", JSON_ARRAY, false), *e;
	size_t i;

	if (!v || s->failed)
		return !s->failed;
	c->more = xcalloc(json_array_size(v) ? json_array_size(v) : 1, sizeof(*c->more));
	json_array_foreach(v, i, e) {
		char *p = path_index("output.summary.more", i);
		struct counts_cfg *t = &c->more[c->n_more++];

		if (!json_is_object(e))
			schema_error(s, p, "must be an object");
		else if (schema_known_keys(s, p, e, keys) && parse_table(s, p, e, t) &&
			 !t->n_group_by)
			schema_error(s, p, "a table needs group_by");
		free(p);
		if (s->failed)
			break;
	}
	return !s->failed;
}

/* "sum": a numeric field totalled beside the counts (segments beside retransmitted skbs). */
static bool parse_sum(struct schema *s, json_t *obj, struct counts_cfg *c)
{
	char *name = schema_string(s, "output.summary", obj, "sum", false);
	int f = name ? recipe_field_index(s->recipe, name) : 0;

	if (name && (f < 0 || s->recipe->fields[f].builtin ||
		     s->recipe->fields[f].format != FMT_DECIMAL))
		schema_error(s, "output.summary.sum", "'%s' is not a declared field of format decimal",
			     name);
	free(name);
	c->sum_field = f > 0 ? f : 0;
	return !s->failed;
}

static bool parse_summary(struct schema *s, json_t *obj, struct counts_cfg *c)
{
	static const char *const keys[] = {
		"title", "group_by", "sort", "limit", "snmp", "more", "sum", NULL
	};

	if (!schema_known_keys(s, "output.summary", obj, keys) ||
	    !parse_table(s, "output.summary", obj, c) || !parse_sum(s, obj, c))
		return false;
	if (!parse_ratios(s, obj, c) || !parse_more(s, obj, c))
		return false;
	for (int k = 0; k < c->n_more; k++)
		c->more[k].sum_field = c->sum_field;
	return true;
}

static void free_table(struct counts_cfg *c)
{
	for (int k = 0; k < c->n_group_by; k++)
		free(c->group_by[k].title);
	free(c->group_by);
	free(c->title);
	free(c->sort);
}

void counts_free_cfg(void *cfg)
{
	struct counts_cfg *c = cfg;

	for (int i = 0; i < c->n_ratios; i++) {
		free(c->ratios[i].title);
		free(c->ratios[i].numerator);
		free(c->ratios[i].denominator);
		free(c->ratios[i].note);
	}
	free(c->ratios);
	free_table(c);
	for (int k = 0; k < c->n_more; k++)
		free_table(&c->more[k]);
	free(c->more);
	free(c);
}

/* Every recipe has counts; output.summary, when present, configures them. */
bool counts_parse(struct schema *s, json_t *root)
{
	struct counts_cfg *c = xcalloc(1, sizeof(*c));
	json_t *out = json_object_get(root, "output");
	json_t *v;

	recipe_add_analysis(s->recipe, &counts_analysis, c, counts_free_cfg);
	if (!json_is_object(out))
		return !s->failed;
	v = schema_get(s, "output", out, "summary", JSON_OBJECT, false);
	return (!v && !s->failed) || (v && parse_summary(s, v, c));
}
