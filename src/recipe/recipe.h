/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_RECIPE_H
#define PROBEKIT_RECIPE_H

#include <netinet/in.h>
#include "record/record.h"
#include "util/util.h"

#define RECIPE_FORMAT_VERSION 1

enum param_type { PARAM_PORT, PARAM_INT, PARAM_INET, PARAM_STRING };
#define PARAM_NR_TYPES (PARAM_STRING + 1)

struct param {
	char *name;
	enum param_type type;
	char *help;
	char *def;		/* default as text, NULL if none */
	char *value;		/* effective value as text, NULL if unset */
	uint64_t num;		/* PARAM_PORT, PARAM_INT */
	struct inet_value inet;	/* PARAM_INET */
};

/* How a field value is shown; see probekit-recipe(5), FIELD FORMATS. */
enum field_format {
	FMT_DECIMAL, FMT_HEX, FMT_IPV4, FMT_IPV6, FMT_INET, FMT_SOCKADDR,
	FMT_PORT, FMT_TCP_STATE, FMT_ERRNO, FMT_KSYM, FMT_STRING, FMT_DURATION, FMT_SYMBOLIC,
	FMT_SYSCALL,
	/* built-in fields, filled from the record header */
	FMT_TIME, FMT_CPU, FMT_PID, FMT_COMM, FMT_EVENT,
};

struct field_decl {
	char *name;
	char *title;		/* column header */
	enum field_format format;
	bool builtin;
	bool derived;		/* filled by the "derive" section (an enricher), not by events */
};

/* Built-in fields occupy the first slots of recipe->fields. */
enum {
	FIELD_TIME, FIELD_CPU, FIELD_PID, FIELD_COMM, FIELD_EVENT,
	FIELD_LATENCY,		/* set on the end event of a pair: its latency, ns */
	FIELD_OWNER,		/* events about a socket: where pid and comm came from (enrich/owner.h) */
	FIELD_NR_BUILTIN
};

/* Where one common field comes from in one alternative. */
struct field_map {
	int field;		/* index in recipe->fields */
	bool network_order;	/* integer stored big-endian (kprobe loads of be16/be32) */
	bool optional;		/* absent source: value shown as "-" instead of skipping */
	bool inet;		/* composite address: family + ipv4 + ipv6 sources */
	char *source;		/* plain: the event field (tracepoint field or probe arg) */
	char *at_most;		/* plain integer: capped by this field's value (a limit passed along) */
	bool negative;		/* errno: present only when negative (a system call's error return) */
	char *family;		/* inet: field holding AF_INET/AF_INET6, may be NULL */
	char *ipv4;		/* inet: 4-byte array or u32 loaded from memory */
	char *ipv6[2];		/* inet: one 16-byte array, or two u64 halves */
	int n_ipv6;
};

/* Source kinds: each one's behaviour is in source/ (source_kinds[], in this order). */
enum alt_kind { ALT_TRACEPOINT, ALT_KPROBE, ALT_KRETPROBE };

struct fetch_arg {
	char *name;
	char *spec;		/* portable spec: $arg1, +16($arg1):u16, $retval ... */
};

struct alternative {
	enum alt_kind kind;
	char *system;		/* tracepoint system */
	char *event;		/* tracepoint event */
	char *function;		/* kprobe/kretprobe symbol[+offs] */
	struct fetch_arg *args;
	int n_args;
	struct field_map *maps;
	int n_maps;
	char **filter;		/* clauses, ANDed; ${param} substituted */
	int n_filter;
	char *path;		/* JSON path, for messages: events.retrans.any[0] */
	char *label;		/* latency pairs: alternatives of the two events must agree */
};

struct event_decl {
	char *name;
	char *when;		/* "EVENT=KIND" or "--explain" as written, resolved after all events */
	bool optional;		/* no runnable alternative: skip instead of failing */
	bool unlisted;		/* "listed": false: feeds derived fields and analyses, no lines or groups */
	int when_event;		/* traced only if this event runs ... (-1: always) */
	enum alt_kind when_kind;	/* ... an alternative of this kind */
	bool when_explain;	/* traced only with run --explain */
	struct alternative *alts;
	int n_alts;
};

/* An output column or a group-by key: one field, or address + port. */
struct column {
	char *title;
	int field;
	int port_field;		/* >= 0: shown joined as addr:port */
};

/* User-space filter for what kernel filters cannot compare (16-byte addresses). */
struct match_clause {
	int param;
	int *fields;		/* event kept if any field equals the parameter */
	int n_fields;
};

struct analysis_ops;

/* One analysis the recipe declares; its settings belong to the analysis (analysis/). */
struct analysis_decl {
	const struct analysis_ops *ops;
	void *cfg;
	void (*free_cfg)(void *cfg);
};

/* Two events whose chosen alternatives must carry the same label (a latency pair). */
struct coupling {
	int from, to;		/* event indices */
};

struct recipe {
	char *path;
	char *name;
	char *description;
	char **notes;		/* what exactly is measured, blind spots: shown by show */
	int n_notes;
	struct param *params;
	int n_params;
	struct field_decl *fields;
	int n_fields;
	struct event_decl *events;
	int n_events;
	struct column *columns;
	int n_columns;
	struct match_clause *match;
	int n_match;
	struct analysis_decl *analyses;
	int n_analyses;
	struct coupling *couplings;
	int n_couplings;
	void *derive;		/* the "derive" section (enrich/derive.h), NULL if none */
	void (*free_derive)(void *derive);
	void *owner;		/* the "owner" section (enrich/owner.h), NULL if none */
	void (*free_owner)(void *owner);
};

struct schema;
typedef struct json_t json_t;

/*
 * A part of the recipe parsed by the stage that owns it (events by the
 * sources, "latency" by the latency analysis ...). parse gets the root
 * object; key is its top-level key, or "output.KEY" for a member of output.
 */
struct recipe_section {
	const char *key;
	bool (*parse)(struct schema *s, json_t *root);
};

/*
 * Parse and validate a recipe with these sections (engine/registry.h has the
 * full set: recipe_load). On error prints one line (file:line:col for syntax,
 * file: json.path for schema) and returns NULL.
 */
struct recipe *recipe_read(const char *path, const struct recipe_section *sec, int n_sec);
/* The same from memory; name stands for the file in messages. */
struct recipe *recipe_read_buffer(const char *text, size_t len, const char *name,
				  const struct recipe_section *sec, int n_sec);
void recipe_free(struct recipe *r);
/* Declare an analysis (from its section's parse); the recipe frees cfg with free_cfg. */
void recipe_add_analysis(struct recipe *r, const struct analysis_ops *ops, void *cfg,
			 void (*free_cfg)(void *cfg));
/* A recipe event's index by name, -1 if none. */
int recipe_event_index(const struct recipe *r, const char *name);

int recipe_field_index(const struct recipe *r, const char *name);
/* [A-Za-z_][A-Za-z0-9_]*, at most RECIPE_MAX_NAME bytes */
bool recipe_is_identifier(const char *s);
int recipe_param_index(const struct recipe *r, const char *name);
const char *field_format_name(enum field_format f);
const char *param_type_name(enum param_type t);

/* -p NAME=VALUE; returns PK_OK or PK_ERR_USAGE after printing why. */
int recipe_set_param(struct recipe *r, const char *assignment);
/* Parse a value for a parameter type into p; false if invalid. */
bool param_parse(struct param *p, const char *text);

/*
 * The kernel filter of an alternative with parameters substituted; clauses
 * that use an unset parameter are left out. NULL when no clause remains.
 */
char *alt_filter(const struct recipe *r, const struct alternative *alt);

/* A column from "field" or "addr:port"; *err says why not (caller frees). */
bool column_parse(const struct recipe *r, const char *spec, struct column *c, char **err);
/* Mark the fields n columns show (an address and its port). */
void columns_use(const struct column *c, int n, bool *fields);


/* Find a recipe by name on the search path, or accept a path. */
char *recipe_resolve(const char *name_or_path);
/* Directories searched, in order; NULL-terminated, caller frees with free_strv. */
char **recipe_search_path(void);
void free_strv(char **v);

#endif
