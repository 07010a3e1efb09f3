// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A latency's "explain" object: the events that tell where a slow pair's wait
 * went, and their fields by role. Every alternative of those events must map
 * the fields its role reads.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/explain.h"

/* A member naming a declared field; -1 after an error. */
static int field_ref(struct schema *s, const char *path, json_t *obj, const char *key)
{
	char *name = schema_string(s, path, obj, key, true);
	int f = name ? recipe_field_index(s->recipe, name) : -1;

	if (name && (f < 0 || s->recipe->fields[f].builtin)) {
		char *p = path_key(path, key);

		schema_error(s, p, "'%s' is not a declared field", name);
		free(p);
		f = -1;
	}
	free(name);
	return f;
}

/* Every alternative of event ev maps field f (not as optional). */
static bool mapped_everywhere(struct schema *s, const char *path, int ev, int f)
{
	const struct event_decl *e = &s->recipe->events[ev];

	for (int a = 0; a < e->n_alts; a++) {
		bool mapped = false;

		for (int m = 0; m < e->alts[a].n_maps; m++)
			mapped |= e->alts[a].maps[m].field == f && !e->alts[a].maps[m].optional;
		if (!mapped) {
			schema_error(s, path, "field '%s' is not mapped by %s",
				     s->recipe->fields[f].name, e->alts[a].path);
			return false;
		}
	}
	return true;
}

/* "thread": the end event's field naming the thread; default its pid (the event ran there). */
static bool parse_thread(struct schema *s, const char *path, json_t *obj, struct explain_decl *d)
{
	d->f_thread = json_object_get(obj, "thread") ? field_ref(s, path, obj, "thread") : FIELD_PID;
	return !s->failed;
}

static bool parse_switch(struct schema *s, const char *path, json_t *obj, struct explain_decl *d)
{
	static const char *const keys[] = { "event", "prev_tid", "prev_task", "prev_state",
					    "next_tid", NULL };
	char *p = path_key(path, "switch");
	json_t *o = schema_get(s, path, obj, "switch", JSON_OBJECT, true);
	bool ok = o && schema_known_keys(s, p, o, keys);

	if (ok) {
		d->ev_switch = schema_event_ref(s, p, o, "event", true);
		d->f_prev_tid = field_ref(s, p, o, "prev_tid");
		d->f_prev_task = field_ref(s, p, o, "prev_task");
		d->f_prev_state = field_ref(s, p, o, "prev_state");
		d->f_next_tid = field_ref(s, p, o, "next_tid");
		ok = !s->failed && mapped_everywhere(s, p, d->ev_switch, d->f_prev_tid) &&
		     mapped_everywhere(s, p, d->ev_switch, d->f_prev_task) &&
		     mapped_everywhere(s, p, d->ev_switch, d->f_prev_state) &&
		     mapped_everywhere(s, p, d->ev_switch, d->f_next_tid);
	}
	free(p);
	return ok;
}

/* "wakeup": {"event": one or two events, "tid": the woken thread}. */
static bool parse_wakeup(struct schema *s, const char *path, json_t *obj, struct explain_decl *d)
{
	static const char *const keys[] = { "event", "tid", NULL };
	char *p = path_key(path, "wakeup"), *pe = path_key(p, "event");
	json_t *o = schema_get(s, path, obj, "wakeup", JSON_OBJECT, true);
	char **names = NULL;
	int n = 0;

	if (o && schema_known_keys(s, p, o, keys) && json_object_get(o, "event"))
		n = schema_strings(s, pe, json_object_get(o, "event"), &names);
	else if (o && !s->failed)
		schema_error(s, pe, "missing required key");
	if (!s->failed && (n < 1 || n > 2))
		schema_error(s, pe, "one or two events");
	for (int i = 0; i < n; i++) {
		int ev = recipe_event_index(s->recipe, names[i]);

		if (ev < 0 && !s->failed)
			schema_error(s, pe, "'%s' is not an event of this recipe", names[i]);
		if (i < 2)
			d->ev_wakeup[i] = ev;
		free(names[i]);
	}
	free(names);
	if (!s->failed)
		d->f_woken_tid = field_ref(s, p, o, "tid");
	for (int i = 0; i < 2 && !s->failed; i++)
		if (d->ev_wakeup[i] >= 0)
			mapped_everywhere(s, p, d->ev_wakeup[i], d->f_woken_tid);
	free(pe);
	free(p);
	return !s->failed;
}

/* "syscalls" / "softirqs": {"enter"/"entry": EVENT, "exit": EVENT, FIELD_KEY: field}. */
static bool parse_pair(struct schema *s, const char *path, json_t *obj, const char *key,
		       const char *start_key, const char *field_key, int *start, int *end, int *f)
{
	const char *const keys[] = { start_key, "exit", field_key, NULL };
	char *p = path_key(path, key);
	json_t *o = schema_get(s, path, obj, key, JSON_OBJECT, false);

	*start = *end = *f = -1;
	if (o && schema_known_keys(s, p, o, keys)) {
		*start = schema_event_ref(s, p, o, start_key, true);
		*end = schema_event_ref(s, p, o, "exit", true);
		*f = s->failed ? -1 : field_ref(s, p, o, field_key);
		if (!s->failed && *start == *end)
			schema_error(s, p, "'%s' and 'exit' are the same event", start_key);
		if (!s->failed && mapped_everywhere(s, p, *start, *f))
			mapped_everywhere(s, p, *end, *f);
	}
	free(p);
	return !s->failed;
}

struct explain_decl *explain_parse(struct schema *s, const char *path, json_t *obj, int end_ev)
{
	static const char *const keys[] = { "thread", "switch", "wakeup", "syscalls", "softirqs",
					    NULL };
	struct explain_decl *d = xcalloc(1, sizeof(*d));
	char *p = path_key(path, "explain");

	d->ev_wakeup[0] = d->ev_wakeup[1] = -1;
	if (!json_is_object(obj))
		schema_error(s, p, "an object: switch, wakeup, and optionally syscalls, softirqs");
	else if (schema_known_keys(s, p, obj, keys) && parse_thread(s, p, obj, d) &&
		 parse_switch(s, p, obj, d) &&
		 parse_wakeup(s, p, obj, d) &&
		 parse_pair(s, p, obj, "syscalls", "enter", "nr", &d->ev_sys_enter,
			    &d->ev_sys_exit, &d->f_nr))
		parse_pair(s, p, obj, "softirqs", "entry", "vec", &d->ev_si_entry, &d->ev_si_exit,
			   &d->f_vec);
	/* the thread's field must come with every record that ends an explained item */
	if (!s->failed && d->f_thread != FIELD_PID)
		mapped_everywhere(s, p, end_ev, d->f_thread);
	free(p);
	if (s->failed) {
		free(d);
		return NULL;
	}
	return d;
}

enum explain_role explain_role_of(const struct explain_decl *d, int ev)
{
	if (ev < 0)
		return XR_NONE;
	if (ev == d->ev_switch)
		return XR_SWITCH;
	if (ev == d->ev_wakeup[0] || ev == d->ev_wakeup[1])
		return XR_WAKEUP;
	if (ev == d->ev_sys_enter)
		return XR_SYS_ENTER;
	if (ev == d->ev_sys_exit)
		return XR_SYS_EXIT;
	if (ev == d->ev_si_entry)
		return XR_SOFTIRQ_ENTRY;
	if (ev == d->ev_si_exit)
		return XR_SOFTIRQ_EXIT;
	return XR_NONE;
}

void explain_uses(const struct explain_decl *d, int ev, bool *fields)
{
	switch (explain_role_of(d, ev)) {
	case XR_SWITCH:
		fields[d->f_prev_tid] = fields[d->f_prev_task] = true;
		fields[d->f_prev_state] = fields[d->f_next_tid] = true;
		break;
	case XR_WAKEUP:
		fields[d->f_woken_tid] = true;
		break;
	case XR_SYS_ENTER:
	case XR_SYS_EXIT:
		fields[d->f_nr] = fields[FIELD_PID] = true;
		break;
	case XR_SOFTIRQ_ENTRY:
	case XR_SOFTIRQ_EXIT:
		fields[d->f_vec] = true;
		break;
	case XR_NONE:
		break;
	}
}

void explain_describe(const struct explain_decl *d, const struct recipe *r, FILE *f)
{
	fprintf(f, "  with --explain: where the reader of each slow one spent the wait, from %s",
		r->events[d->ev_switch].name);
	for (int i = 0; i < 2; i++)
		if (d->ev_wakeup[i] >= 0)
			fprintf(f, ", %s", r->events[d->ev_wakeup[i]].name);
	if (d->ev_sys_enter >= 0)
		fprintf(f, ", %s/%s", r->events[d->ev_sys_enter].name,
			r->events[d->ev_sys_exit].name);
	if (d->ev_si_entry >= 0)
		fprintf(f, ", %s/%s", r->events[d->ev_si_entry].name,
			r->events[d->ev_si_exit].name);
	fputc('\n', f);
}
