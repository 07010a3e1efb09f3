// SPDX-License-Identifier: GPL-2.0-or-later
/* The latency analysis's recipe section: "latency", an array of pairs of events by key. */
#include <stdlib.h>
#include <string.h>

#include "analysis/explain.h"
#include "analysis/latency.h"
#include "util/duration.h"

static bool parse_key(struct schema *s, const char *path, json_t *obj, struct latency_decl *l)
{
	char *p = path_key(path, "key");
	json_t *v = schema_get(s, path, obj, "key", JSON_ARRAY, false);
	char **names = NULL;
	int n;

	if (!v)
		v = json_object_get(obj, "key");
	if (!v) {
		schema_error(s, p, "missing required key");
		free(p);
		return false;
	}
	n = schema_strings(s, p, v, &names);
	if (n == 0 || n > (int)ARRAY_SIZE(l->key))
		schema_error(s, p, "one to four fields");
	for (int i = 0; i < n; i++) {
		int f = recipe_field_index(s->recipe, names[i]);

		/* of the built-ins, the CPU (softirqs) and the thread (system calls) make keys */
		if (!s->failed && (f < 0 || (s->recipe->fields[f].builtin && f != FIELD_CPU &&
					     f != FIELD_PID)))
			schema_error(s, p, "'%s' is not a declared field (nor cpu or pid)", names[i]);
		if (i < (int)ARRAY_SIZE(l->key))
			l->key[l->n_key++] = f;
		free(names[i]);
	}
	free(names);
	free(p);
	return !s->failed;
}

/* "from": one start event, or an array of up to four (any of them starts a pair). */
static bool parse_from(struct schema *s, const char *path, json_t *obj, struct latency_decl *l)
{
	json_t *v = json_object_get(obj, "from");
	char *p = path_key(path, "from");
	char **names = NULL;
	int n;

	if (!json_is_array(v)) {
		free(p);
		l->from = schema_event_ref(s, path, obj, "from", true);
		return !s->failed;
	}
	n = schema_strings(s, p, v, &names);
	if (n < 1 || n > 1 + (int)ARRAY_SIZE(l->more_from))
		schema_error(s, p, "one to %d events", 1 + (int)ARRAY_SIZE(l->more_from));
	for (int i = 0; i < n; i++) {
		int ev = recipe_event_index(s->recipe, names[i]);

		if (ev < 0)
			schema_error(s, p, "'%s' is not an event of this recipe", names[i]);
		else if (i == 0)
			l->from = ev;
		else if (i <= (int)ARRAY_SIZE(l->more_from))
			l->more_from[l->n_more_from++] = ev;
		free(names[i]);
	}
	free(names);
	free(p);
	return !s->failed;
}

static bool parse_policies(struct schema *s, const char *path, json_t *obj, struct latency_decl *l)
{
	char *start = schema_string(s, path, obj, "start", false);
	char *timeout = schema_string(s, path, obj, "timeout", false);
	json_t *max = schema_get(s, path, obj, "max_pending", JSON_INTEGER, false);
	char *p;

	l->start = START_FIRST;
	if (start && !strcmp(start, "last"))
		l->start = START_LAST;
	else if (start && strcmp(start, "first")) {
		p = path_key(path, "start");
		schema_error(s, p, "'%s' is neither 'first' nor 'last'", start);
		free(p);
	}
	free(start);
	l->consume = schema_bool(s, path, obj, "consume", true);
	l->timeout_ns = 10ULL * 1000000000ULL;
	if (timeout && (!parse_duration_ns(timeout, &l->timeout_ns) || !l->timeout_ns)) {
		p = path_key(path, "timeout");
		schema_error(s, p, "'%s' is not a duration (500ms, 10s, ...)", timeout);
		free(p);
	}
	free(timeout);
	l->max_pending = max ? (int)json_integer_value(max) : 65536;
	if (max && (l->max_pending < 1 || l->max_pending > (1 << 24))) {
		p = path_key(path, "max_pending");
		schema_error(s, p, "must be 1 to 16777216");
		free(p);
	}
	return !s->failed;
}

static bool parse_one(struct schema *s, const char *path, json_t *obj, struct latency_decl *l)
{
	static const char *const keys[] = {
		"name", "title", "from", "to", "key", "start", "consume", "timeout", "max_pending",
		"group_by", "explain", NULL
	};

	if (!schema_named(s, path, obj, keys, "a latency analysis", &l->name, &l->title))
		return false;
	if (!parse_from(s, path, obj, l))
		return false;
	l->to = schema_event_ref(s, path, obj, "to", true);
	if (s->failed || !parse_key(s, path, obj, l) ||
	    !parse_policies(s, path, obj, l))
		return false;
	if (latency_is_start(l, l->to)) {
		schema_error(s, path, "'from' and 'to' are the same event");
		return false;
	}
	for (int e = 0; e < 2 + l->n_more_from; e++) {
		const struct event_decl *ev = &s->recipe->events[e == 0 ? l->from : e == 1 ? l->to :
								  l->more_from[e - 2]];

		for (int a = 0; a < ev->n_alts; a++)
			for (int k = 0; k < l->n_key; k++) {
				bool mapped = s->recipe->fields[l->key[k]].builtin;	/* every record's */

				for (int m = 0; m < ev->alts[a].n_maps; m++)
					mapped |= ev->alts[a].maps[m].field == l->key[k] &&
						  !ev->alts[a].maps[m].optional;
				if (!mapped) {
					schema_error(s, path, "key field '%s' is not mapped by %s",
						     s->recipe->fields[l->key[k]].name, ev->alts[a].path);
					return false;
				}
			}
	}
	s->recipe->couplings = xrealloc(s->recipe->couplings,
					(s->recipe->n_couplings + 1) * sizeof(struct coupling));
	s->recipe->couplings[s->recipe->n_couplings++] = (struct coupling){ l->from, l->to };
	for (int i = 0; i < l->n_more_from; i++) {
		s->recipe->couplings = xrealloc(s->recipe->couplings,
						(s->recipe->n_couplings + 1) * sizeof(struct coupling));
		s->recipe->couplings[s->recipe->n_couplings++] =
			(struct coupling){ l->more_from[i], l->to };
	}
	l->n_group_by = schema_group_by(s, path, obj, &l->group_by);
	if (!s->failed && json_object_get(obj, "explain"))
		l->explain = explain_parse(s, path, json_object_get(obj, "explain"), l->to);
	return !s->failed;
}

bool latency_explains(const void *cfg)
{
	return ((const struct latency_decl *)cfg)->explain != NULL;
}

void latency_free_cfg(void *cfg)
{
	struct latency_decl *d = cfg;

	free(d->name);
	free(d->title);
	for (int k = 0; k < d->n_group_by; k++)
		free(d->group_by[k].title);
	free(d->group_by);
	free(d->explain);
	free(d);
}

bool latency_parse_array(struct schema *s, json_t *root, const char *key,
			 const struct analysis_ops *ops,
			 bool (*one)(struct schema *s, const char *path, json_t *obj,
				     struct latency_decl *d))
{
	json_t *arr = schema_get(s, "", root, key, JSON_ARRAY, false);
	json_t *v;
	size_t i;

	if (!arr)
		return !s->failed;
	json_array_foreach(arr, i, v) {
		struct latency_decl *d = xcalloc(1, sizeof(*d));
		char *p = path_index(key, i);
		bool ok;

		recipe_add_analysis(s->recipe, ops, d, latency_free_cfg);
		ok = one(s, p, v, d);
		free(p);
		if (!ok)
			return false;
	}
	return true;
}

bool latency_parse(struct schema *s, json_t *root)
{
	return latency_parse_array(s, root, "latency", &latency_analysis, parse_one);
}

void latency_describe(const void *cfg, const struct recipe *r, FILE *f)
{
	const struct latency_decl *d = cfg;

	fprintf(f, "latency %s: %s", d->name, r->events[d->from].name);
	for (int i = 0; i < d->n_more_from; i++)
		fprintf(f, "|%s", r->events[d->more_from[i]].name);
	fprintf(f, " -> %s by", r->events[d->to].name);
	for (int k = 0; k < d->n_key; k++)
		fprintf(f, " %s", r->fields[d->key[k]].name);
	fprintf(f, "; %s start wins, %s, timeout %.3f s, at most %d pending\n",
		d->start == START_FIRST ? "first" : "last",
		d->consume ? "an end consumes its start" : "starts are kept", d->timeout_ns / 1e9,
		d->max_pending);
	if (d->explain)
		explain_describe(d->explain, r, f);
}
