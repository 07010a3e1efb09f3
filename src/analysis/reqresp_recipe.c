// SPDX-License-Identifier: GPL-2.0-or-later
/* The request/response analysis's recipe section: "reqresp", which events and fields play which part. */
#include <stdlib.h>
#include <string.h>

#include "analysis/explain.h"
#include "analysis/reqresp.h"

static int event_ref(struct schema *s, json_t *obj, const char *key, bool required)
{
	char *name = schema_string(s, "reqresp", obj, key, required);
	int ev = -1;

	if (!name)
		return -1;
	ev = recipe_event_index(s->recipe, name);
	if (ev < 0) {
		char *p = path_key("reqresp", key);

		schema_error(s, p, "'%s' is not an event of this recipe", name);
		free(p);
	}
	free(name);
	return ev;
}

static int field_ref(struct schema *s, json_t *obj, const char *key, const char *def)
{
	char *name = schema_string(s, "reqresp", obj, key, false);
	const char *n = name ? name : def;
	int f = n ? recipe_field_index(s->recipe, n) : -1;

	if (name && (f < 0 || s->recipe->fields[f].builtin)) {
		char *p = path_key("reqresp", key);

		schema_error(s, p, "'%s' is not a declared field", name);
		free(p);
		f = -1;
	}
	free(name);
	return f;
}

/* The socket must come with every alternative of every event: it is the connection's key. */
static bool key_mapped(struct schema *s, const struct reqresp_decl *d)
{
	const int evs[] = { d->ev_in, d->ev_read, d->ev_send, d->ev_state };

	for (size_t e = 0; e < ARRAY_SIZE(evs); e++) {
		const struct event_decl *ev;

		if (evs[e] < 0)
			continue;
		ev = &s->recipe->events[evs[e]];
		for (int a = 0; a < ev->n_alts; a++) {
			bool mapped = false;

			for (int m = 0; m < ev->alts[a].n_maps; m++)
				mapped |= ev->alts[a].maps[m].field == d->f_key &&
					  !ev->alts[a].maps[m].optional;
			if (!mapped) {
				schema_error(s, "reqresp.socket", "'%s' is not mapped by %s",
					     s->recipe->fields[d->f_key].name, ev->alts[a].path);
				return false;
			}
		}
	}
	return true;
}

/* Alternatives with labels must agree (as a latency pair's do): couple inbound with the rest. */
static void couple(struct recipe *r, const struct reqresp_decl *d)
{
	const int to[] = { d->ev_read, d->ev_send, d->ev_state };

	for (size_t i = 0; i < ARRAY_SIZE(to); i++) {
		if (to[i] < 0)
			continue;
		r->couplings = xrealloc(r->couplings, (r->n_couplings + 1) * sizeof(*r->couplings));
		r->couplings[r->n_couplings++] = (struct coupling){ d->ev_in, to[i] };
	}
}

/* A field the analysis fills for -t lines: -1 if not declared; its format must hold the value. */
static int line_field(struct schema *s, const char *name, enum field_format want)
{
	int f = recipe_field_index(s->recipe, name);
	enum field_format got;

	if (f < 0)
		return -1;
	got = s->recipe->fields[f].format;
	if (got != want && !(want != FMT_STRING && (got == FMT_DECIMAL || got == FMT_HEX ||
						    got == FMT_DURATION))) {
		char *p = path_key("fields", name);

		schema_error(s, p, "the reqresp analysis fills it: its format must be %s",
			     field_format_name(want));
		free(p);
	}
	return f;
}

static bool parse_fields(struct schema *s, json_t *obj, struct reqresp_decl *d)
{
	d->f_key = field_ref(s, obj, "socket", NULL);
	if (!s->failed && d->f_key < 0)
		schema_error(s, "reqresp", "missing required key 'socket'");
	d->f_laddr = field_ref(s, obj, "laddr", "laddr");
	d->f_lport = field_ref(s, obj, "lport", "lport");
	d->f_raddr = field_ref(s, obj, "raddr", "raddr");
	d->f_rport = field_ref(s, obj, "rport", "rport");
	d->f_bytes = field_ref(s, obj, "bytes", "bytes");
	d->f_oldstate = field_ref(s, obj, "oldstate", "oldstate");
	d->f_newstate = field_ref(s, obj, "newstate", "newstate");
	if (!s->failed && (d->f_laddr < 0 || d->f_lport < 0 || d->f_raddr < 0 || d->f_rport < 0))
		schema_error(s, "reqresp", "the connection needs fields laddr, lport, raddr, rport");
	if (!s->failed && d->ev_state >= 0 && (d->f_oldstate < 0 || d->f_newstate < 0))
		schema_error(s, "reqresp.state", "a state event needs fields oldstate and newstate");
	/* what -t lines show, where the recipe declares them, in a format that holds it */
	d->f_role = line_field(s, "role", FMT_STRING);
	d->f_total = line_field(s, "total", FMT_DURATION);
	d->f_wait = line_field(s, "wait", FMT_DURATION);
	d->f_app = line_field(s, "app", FMT_DURATION);
	d->f_bytes_in = line_field(s, "bytes_in", FMT_DECIMAL);
	d->f_bytes_out = line_field(s, "bytes_out", FMT_DECIMAL);
	d->f_seq = line_field(s, "seq", FMT_DECIMAL);
	d->f_from_open = line_field(s, "from_open", FMT_DECIMAL);
	return !s->failed;
}

static bool parse_section(struct schema *s, json_t *obj, struct reqresp_decl *d)
{
	static const char *const keys[] = {
		"name", "title", "inbound", "read", "send", "state", "socket", "laddr", "lport",
		"raddr", "rport", "bytes", "oldstate", "newstate", "max_connections", "explain", NULL
	};
	json_t *max;

	if (!schema_known_keys(s, "reqresp", obj, keys) ||
	    !(d->name = schema_string(s, "reqresp", obj, "name", true)))
		return false;
	d->title = schema_string(s, "reqresp", obj, "title", false);
	if (!d->title)
		d->title = xstrdup(d->name);
	d->ev_in = event_ref(s, obj, "inbound", true);
	d->ev_read = event_ref(s, obj, "read", true);
	d->ev_send = event_ref(s, obj, "send", true);
	d->ev_state = event_ref(s, obj, "state", false);
	if (s->failed || !parse_fields(s, obj, d) || !key_mapped(s, d))
		return false;
	max = schema_get(s, "reqresp", obj, "max_connections", JSON_INTEGER, false);
	d->max_connections = max ? (int)json_integer_value(max) : 65536;
	if (max && (json_integer_value(max) < 1 || json_integer_value(max) > (1 << 22))) {
		schema_error(s, "reqresp.max_connections", "must be 1 to 4194304");
		return false;
	}
	couple(s->recipe, d);
	if (!s->failed && json_object_get(obj, "explain"))
		d->explain = explain_parse(s, "reqresp", json_object_get(obj, "explain"), d->ev_read);
	return !s->failed;
}

void reqresp_free_cfg(void *cfg)
{
	struct reqresp_decl *d = cfg;

	free(d->name);
	free(d->title);
	free(d->explain);
	free(d);
}

bool reqresp_explains(const void *cfg)
{
	return ((const struct reqresp_decl *)cfg)->explain != NULL;
}

bool reqresp_parse(struct schema *s, json_t *root)
{
	json_t *obj = schema_get(s, "", root, "reqresp", JSON_OBJECT, false);
	struct reqresp_decl *d;

	if (!obj)
		return !s->failed;
	d = xcalloc(1, sizeof(*d));
	recipe_add_analysis(s->recipe, &reqresp_analysis, d, reqresp_free_cfg);
	return parse_section(s, obj, d);
}

void reqresp_describe(const void *cfg, const struct recipe *r, FILE *f)
{
	const struct reqresp_decl *d = cfg;

	fprintf(f, "reqresp %s: per connection by %s: arrivals %s, reads %s, sends %s", d->name,
		r->fields[d->f_key].name, r->events[d->ev_in].name, r->events[d->ev_read].name,
		r->events[d->ev_send].name);
	if (d->ev_state >= 0)
		fprintf(f, ", roles and closes from %s", r->events[d->ev_state].name);
	fprintf(f, "; listeners read at start; at most %d connections\n", d->max_connections);
	if (d->explain)
		explain_describe(d->explain, r, f);
}
