/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_SCHEMA_H
#define PROBEKIT_SCHEMA_H

#include <jansson.h>
#include "recipe/recipe.h"

/*
 * Strict walking of a JSON document: every error names the file and the
 * JSON path (events.retrans.any[1].args.sk) of the offending value.
 */
struct schema {
	const char *file;
	struct recipe *recipe;
	bool failed;
	const struct recipe_section *output_keys;	/* sections "output.KEY" add to output's keys */
	int n_output_keys;
};

void schema_error(struct schema *s, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Reject keys of obj not in the NULL-terminated list allowed. */
bool schema_known_keys(struct schema *s, const char *path, json_t *obj, const char *const *allowed);
/* Fetch a member and check its type; required members that are missing are errors. */
json_t *schema_get(struct schema *s, const char *path, json_t *obj, const char *key,
		   json_type type, bool required);
char *schema_string(struct schema *s, const char *path, json_t *obj, const char *key, bool required);
bool schema_bool(struct schema *s, const char *path, json_t *obj, const char *key, bool def);
/* obj[key] names an event of the recipe: its index, or -1 (absent, or an error). */
int schema_event_ref(struct schema *s, const char *path, json_t *obj, const char *key,
		     bool required);
/* obj's "key": one to max declared fields, numbers or addresses; their count, -1 on error. */
int schema_key_fields(struct schema *s, const char *path, json_t *obj, int *out, int max);
/* obj's optional "group_by" (array of columns) into *out: their count (0: none or an error). */
int schema_group_by(struct schema *s, const char *path, json_t *obj, struct column **out);
/* An analysis's object: only keys, a required "name", a "title" (default: the name). */
bool schema_named(struct schema *s, const char *path, json_t *obj, const char *const *keys,
		  const char *what, char **name, char **title);
/* A string, or an array of strings; returns the count, -1 on error. */
int schema_strings(struct schema *s, const char *path, json_t *v, char ***out);
/* Call fn for each member of the optional object root[key]; each member must be an object. */
bool schema_each_object(struct schema *s, json_t *root, const char *key,
			bool (*fn)(struct schema *s, const char *path, const char *name, json_t *obj));
char *path_key(const char *path, const char *key);
/* Bounds of recipe_limits.h and no control byte in any string or key. */
bool schema_check_limits(struct schema *s, json_t *root);
char *path_index(const char *path, size_t i);

bool recipe_parse_events(struct schema *s, json_t *root);
/* match clauses and output.columns */
bool recipe_parse_output(struct schema *s, json_t *root);
/* "field" or "addr:port" */
bool parse_column(struct schema *s, const char *path, const char *spec, struct column *c);
int parse_columns(struct schema *s, const char *path, json_t *v, struct column **out);

#endif
