// SPDX-License-Identifier: GPL-2.0-or-later
/* Raw ring-buffer records to field values, with lookups resolved once per event type. */
#include <arpa/inet.h>
#include <byteswap.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <event-parse.h>

#include "decode/decode.h"
#include "plan/plan.h"

/*
 * trace_entry flags: in interrupt context the current task is not the one the
 * event is about. Not the NMI flag: x86 kprobes hit through int3 run in NMI
 * context on behalf of the interrupted task itself.
 */
#define TRACE_FLAG_HARDIRQ 0x08
#define TRACE_FLAG_SOFTIRQ 0x10
#define TRACE_FLAG_BH_OFF 0x80	/* 5.18+ */

static struct tep_format_field *lookup(struct tep_event *ev, const char *name)
{
	return name ? tep_find_any_field(ev, name) : NULL;
}

static struct field_at at_of(const struct tep_format_field *f)
{
	if (!f)
		return (struct field_at){ .end = INT_MAX };
	return (struct field_at){ f->offset, f->size, f->offset + f->size, f->flags };
}

static int resolve_maps(struct event_rt *rt, struct tep_event *ev, const struct alternative *a,
			const struct recipe *r)
{
	rt->maps = xcalloc(a->n_maps, sizeof(*rt->maps));
	rt->n_maps = rt->n_read = a->n_maps;
	for (int i = 0; i < a->n_maps; i++) {
		struct map_rt *m = &rt->maps[i];

		m->map = &a->maps[i];
		m->field = m->map->field;
		m->inet = m->map->inet;
		m->network_order = m->map->network_order;
		m->negative = m->map->negative;
		m->fmt = r->fields[m->field].format;
		m->src = lookup(ev, m->map->source);
		m->family = lookup(ev, m->map->family);
		m->at_most = lookup(ev, m->map->at_most);
		m->ipv4 = lookup(ev, m->map->ipv4);
		m->ipv6[0] = lookup(ev, m->map->ipv6[0]);
		m->ipv6[1] = lookup(ev, m->map->ipv6[1]);
		m->src_at = at_of(m->src);
		m->family_at = at_of(m->family);
		m->ipv4_at = at_of(m->ipv4);
		m->ipv6_at[0] = at_of(m->ipv6[0]);
		m->ipv6_at[1] = at_of(m->ipv6[1]);
		m->at_most_at = at_of(m->at_most);
		if (m->src && r->fields[m->map->field].format == FMT_SYMBOLIC)
			symbols_of_field(ev, m->src->name, &m->names);
		if (m->map->source && !m->src && !m->map->optional) {
			pk_error("%s: field '%s' not in event %s:%s", a->path, m->map->source,
				 ev->system, ev->name);
			return PK_ERR_KERNEL;
		}
	}
	return PK_OK;
}

/* libtraceevent evaluates the recipe event's own filter on records of a shared tracepoint. */
static int own_filter(struct decoder *d, struct event_rt *rt, const struct planned_event *pe)
{
	rt->filter = plan_own_filter(d->tep, pe);
	return rt->filter ? PK_OK : PK_ERR_USAGE;
}

/* Can a record's slot of field f hold anything but zero: does anyone ever write it? */
static bool ever_written(const struct decoder *d, int f)
{
	if (f < FIELD_NR_BUILTIN || d->recipe->fields[f].derived)
		return true;	/* enrichers and analyses write these */
	for (int i = 0; i < d->n_events; i++)
		for (int k = 0; k < d->events[i].n_read; k++)
			if (d->events[i].maps[k].field == f)
				return true;
	return false;
}

/*
 * A record's values are whole values: what another event type, an enricher
 * or an analysis left must not reach group keys. The builtins and the fields
 * an event reads are set whole for every record; of the rest, what someone
 * may have written is zeroed: a field no planned event reads (one of another
 * alternative, or of --explain's events) stays zero and costs nothing (this
 * runs for every record).
 */
static void plan_clears(const struct decoder *d, struct event_rt *rt)
{
	int n = d->recipe->n_fields;

	free(rt->clear);
	rt->clear = xcalloc(n ? n : 1, sizeof(*rt->clear));
	rt->n_clear = 0;
	for (int f = 0; f < n; f++) {
		bool set = f == FIELD_TIME || f == FIELD_CPU || f == FIELD_EVENT || f == FIELD_PID ||
			   f == FIELD_COMM;

		for (int k = 0; k < rt->n_read && !set; k++)
			set = rt->maps[k].field == f;
		if (!set && ever_written(d, f))
			rt->clear[rt->n_clear++] = f;
	}
}

/* Every event's list: which fields are ever written depends on all of them. */
static void plan_all_clears(const struct decoder *d)
{
	for (int i = 0; i < d->n_events; i++)
		plan_clears(d, &d->events[i]);
}

/* Records are dispatched by their event id through a table, not by a search. */
static void index_by_id(struct decoder *d)
{
	d->max_id = 0;
	for (int i = 0; i < d->n_events; i++)
		d->max_id = d->events[i].id > d->max_id ? d->events[i].id : d->max_id;
	d->first_of_id = xcalloc((size_t)d->max_id + 1, sizeof(*d->first_of_id));
	for (int id = 0; id <= d->max_id; id++)
		d->first_of_id[id] = -1;
	for (int i = d->n_events - 1; i >= 0; i--) {	/* chains in recipe order */
		d->events[i].next_same = d->first_of_id[d->events[i].id];
		d->first_of_id[d->events[i].id] = i;
	}
}

int decoder_init(struct decoder *d, const struct plan *p)
{
	memset(d, 0, sizeof(*d));
	d->recipe = p->recipe;
	d->tep = p->tep;
	d->rec.values = xcalloc(p->recipe->n_fields, sizeof(*d->rec.values));
	d->rec.n_values = p->recipe->n_fields;
	d->events = xcalloc(p->n_ev, sizeof(*d->events));
	for (int i = 0; i < p->n_ev; i++) {
		const struct planned_event *pe = &p->ev[i];
		struct tep_event *ev;
		int ret;

		if (pe->chosen < 0)
			continue;
		ev = plan_find_event(p->tep, pe->system, pe->name);
		if (!ev) {
			pk_error("event %s:%s: no format loaded", pe->system, pe->name);
			return PK_ERR_RUNTIME;
		}
		if (!d->common_type) {
			d->common_type = tep_find_common_field(ev, "common_type");
			d->common_pid = tep_find_common_field(ev, "common_pid");
			d->common_flags = tep_find_common_field(ev, "common_flags");
			d->type_at = at_of(d->common_type);
			d->pid_at = at_of(d->common_pid);
			d->flags_at = at_of(d->common_flags);
		}
		d->events[d->n_events].id = ev->id;
		d->events[d->n_events].decl = i;
		ret = resolve_maps(&d->events[d->n_events], ev, &pe->decl->alts[pe->chosen],
				   p->recipe);
		if (!ret && pe->filter && plan_event_shared(p, i))
			ret = own_filter(d, &d->events[d->n_events], pe);
		d->n_events++;
		if (ret)
			return ret;
	}
	plan_all_clears(d);
	index_by_id(d);
	return PK_OK;
}

void decoder_free(struct decoder *d)
{
	for (int i = 0; i < d->n_events; i++) {
		for (int k = 0; k < d->events[i].n_maps; k++)
			symbols_free(&d->events[i].maps[k].names);
		free(d->events[i].maps);
		free(d->events[i].clear);
		if (d->events[i].filter)
			tep_filter_free(d->events[i].filter);
	}
	free(d->events);
	free(d->first_of_id);
	free(d->rec.values);
	memset(d, 0, sizeof(*d));
}

/* Does a match clause of a set parameter (-p, applied before tracing) read this field? */
static bool in_match(const struct recipe *r, int field)
{
	for (int i = 0; i < r->n_match; i++)
		for (int k = 0; r->params[r->match[i].param].value && k < r->match[i].n_fields; k++)
			if (r->match[i].fields[k] == field)
				return true;
	return false;
}

void decoder_only(struct decoder *d, int event, const bool *needed)
{
	for (int i = 0; i < d->n_events; i++) {
		struct event_rt *rt = &d->events[i];

		if (rt->decl != event)
			continue;
		rt->n_read = 0;
		for (int k = 0; k < rt->n_maps; k++) {	/* the needed ones first, in order */
			int f = rt->maps[k].map->field;

			if (needed[f] || in_match(d->recipe, f)) {
				struct map_rt m = rt->maps[k];

				memmove(&rt->maps[rt->n_read + 1], &rt->maps[rt->n_read],
					(k - rt->n_read) * sizeof(m));
				rt->maps[rt->n_read++] = m;
			}
		}
	}
	plan_all_clears(d);
}

/* A field's integer, read in place (records are in the host's byte order). */
static inline uint64_t load(const void *data, int offset, int size)
{
	const uint8_t *p = (const uint8_t *)data + offset;
	uint64_t v = 0;

	switch (size) {
	case 1: v = *p; break;
	case 2: { uint16_t x; memcpy(&x, p, 2); v = x; break; }
	case 4: { uint32_t x; memcpy(&x, p, 4); v = x; break; }
	case 8: memcpy(&v, p, 8); break;
	}
	return v;
}

static inline uint64_t read_int(const struct field_at *f, void *data, bool network_order)
{
	uint64_t v = load(data, f->off, f->size);

	if (network_order) {
		switch (f->size) {
		case 2: v = bswap_16((uint16_t)v); break;
		case 4: v = bswap_32((uint32_t)v); break;
		case 8: v = bswap_64(v); break;
		}
	}
	if ((f->flags & TEP_FIELD_IS_SIGNED) && f->size < 8) {
		int shift = 64 - 8 * f->size;

		v = (uint64_t)((int64_t)(v << shift) >> shift);
	}
	return v;
}

static void read_string(struct value *v, struct tep_format_field *f, void *data, int size)
{
	int off = f->offset, len = f->size;

	if (f->flags & TEP_FIELD_IS_DYNAMIC) {
		uint32_t loc;

		memcpy(&loc, (char *)data + f->offset, 4);
		off = loc & 0xffff;
		len = loc >> 16;
		if (f->flags & TEP_FIELD_IS_RELATIVE)
			off += f->offset + f->size;
	}
	if (off + len > size)
		return;
	v->str = (char *)data + off;
	v->len = strnlen(v->str, len);
	v->present = true;
}

/* Does field f lie inside a record of size bytes (never for a field the event lacks)? */
static inline bool inside_at(const struct field_at *f, int size)
{
	return f->end <= size;
}

/*
 * Addresses straight into a value decode_as() cleared (value_set_addr's
 * cases for 4 and 16 bytes without its copies: this runs for most records).
 */
static inline void set_ipv4(struct value *v, const uint8_t *p)
{
	v->present = true;
	v->family = AF_INET;
	memcpy(v->addr, p, 4);
}

static inline void set_ipv6(struct value *v, const uint8_t *p)
{
	uint64_t hi;
	uint32_t mid;

	memcpy(&hi, p, 8);
	memcpy(&mid, p + 8, 4);
	if (!hi && mid == htonl(0xffff)) {	/* v4-mapped: a dual-stack socket talking IPv4 */
		set_ipv4(v, p + 12);
		return;
	}
	v->present = true;
	v->family = AF_INET6;
	memcpy(v->addr, p, 16);
}

static void read_inet(struct value *v, const struct map_rt *m, void *data, int size)
{
	uint8_t raw[16];
	int family = 0;

	if (inside_at(&m->family_at, size))
		family = (int)read_int(&m->family_at, data, false);
	if (inside_at(&m->ipv6_at[0], size) && (!m->ipv6[1] || inside_at(&m->ipv6_at[1], size)) &&
	    (family == AF_INET6 || !family || !m->ipv4)) {
		if (m->ipv6[1]) {	/* two u64 loads: record bytes are the memory bytes */
			memcpy(raw, (char *)data + m->ipv6_at[0].off, 8);
			memcpy(raw + 8, (char *)data + m->ipv6_at[1].off, 8);
		} else {
			memcpy(raw, (char *)data + m->ipv6_at[0].off, 16);
		}
		set_ipv6(v, raw);
	} else if (inside_at(&m->ipv4_at, size) && (family == AF_INET || !family)) {
		set_ipv4(v, (uint8_t *)data + m->ipv4_at.off);
	}
}

static void read_map(struct decoder *d, const struct map_rt *m, void *data, int size)
{
	struct value *v = &d->rec.values[m->field];
	enum field_format fmt = m->fmt;

	*v = (struct value){ 0 };	/* whole: absent unless read below */
	if (m->inet) {
		read_inet(v, m, data, size);
		return;
	}
	if (!m->src)
		return;
	switch (fmt) {
	case FMT_STRING:
		read_string(v, m->src, data, size);
		return;
	case FMT_IPV4: case FMT_IPV6: case FMT_INET: case FMT_SOCKADDR:
		if (!inside_at(&m->src_at, size))
			return;
		if (m->src_at.size == 4)
			set_ipv4(v, (uint8_t *)data + m->src_at.off);
		else if (m->src_at.size == 16)
			set_ipv6(v, (uint8_t *)data + m->src_at.off);
		else
			value_set_addr(v, (uint8_t *)data + m->src_at.off, m->src_at.size);
		if (fmt != FMT_SOCKADDR)	/* an address from a sockaddr: its port is not its identity */
			v->port = 0;
		return;
	case FMT_SYMBOLIC:
		if (!inside_at(&m->src_at, size))
			return;
		v->num = read_int(&m->src_at, data, m->network_order);
		v->str = symbols_name(&m->names, (int64_t)v->num);
		v->len = v->str ? (int)strlen(v->str) : 0;
		v->present = true;
		return;
	case FMT_PORT:
		if ((m->src_at.flags & TEP_FIELD_IS_ARRAY) && m->src_at.size >= 4) {
			/* the port of a sockaddr (struct sockaddr_in/in6: sin_port at 2) */
			const uint8_t *sa = (const uint8_t *)data + m->src_at.off;

			if (m->src_at.off + 4 > size)
				return;
			v->num = (uint64_t)(sa[2] << 8 | sa[3]);
			v->present = true;
			return;
		}
		/* fallthrough */
	default:
		if (!inside_at(&m->src_at, size))	/* a short record: absent */
			return;
		v->num = read_int(&m->src_at, data, m->network_order);
		v->present = !m->negative || (int64_t)v->num < 0;
		if (inside_at(&m->at_most_at, size)) {
			uint64_t cap = read_int(&m->at_most_at, data, false);

			v->num = v->num < cap ? v->num : cap;
		}
	}
}

static bool matches(const struct decoder *d)
{
	const struct recipe *r = d->recipe;

	for (int i = 0; i < r->n_match; i++) {
		const struct match_clause *mc = &r->match[i];
		const struct param *p = &r->params[mc->param];
		bool any = false;

		if (!p->value)
			continue;
		for (int k = 0; k < mc->n_fields && !any; k++) {
			const struct value *v = &d->rec.values[mc->fields[k]];

			any = p->type == PARAM_INET ? value_addr_equal(v, &p->inet)
						    : v->present && v->num == p->num;
		}
		if (!any)
			return false;
	}
	return true;
}

static bool own_filter_matches(const struct event_rt *rt, void *data, int size,
			       unsigned long long ts, int cpu)
{
	struct tep_record r = { .ts = ts, .cpu = cpu, .data = data, .size = size };

	return !rt->filter || tep_filter_match(rt->filter, &r) == TEP_ERRNO__FILTER_MATCH;
}

/*
 * The next recipe event that takes this record (of type type): *at is 0 at
 * first, then 1 + the index of the next one on the same tracefs event, or -1.
 */
static const struct event_rt *next_event(struct decoder *d, uint64_t type, void *data, int size,
					 unsigned long long ts, int cpu, int *at)
{
	int i = *at ? *at - 1 : type <= (uint64_t)d->max_id ? d->first_of_id[type] : -1;

	for (; i >= 0 && *at >= 0; i = d->events[i].next_same) {
		const struct event_rt *rt = &d->events[i];

		*at = rt->next_same >= 0 ? rt->next_same + 1 : -1;
		if (own_filter_matches(rt, data, size, ts, cpu))
			return rt;
	}
	*at = -1;
	return NULL;
}

/* Fill d->rec as recipe event rt; false when the recipe's match clauses drop it. */
static bool decode_as(struct decoder *d, const struct event_rt *rt, void *data, int size,
		      unsigned long long ts, int cpu)
{
	uint64_t flags;
	struct value *vals = d->rec.values;

	/* whole values (see plan_clears) */
	for (int i = 0; i < rt->n_clear; i++)
		vals[rt->clear[i]] = (struct value){ 0 };
	vals[FIELD_TIME] = (struct value){ .present = true, .num = ts };
	vals[FIELD_CPU] = (struct value){ .present = true, .num = (uint64_t)cpu };
	vals[FIELD_EVENT] = (struct value){ .present = true, .num = (uint64_t)rt->decl };
	flags = load(data, d->flags_at.off, d->flags_at.size);
	vals[FIELD_PID] = (struct value){ .num = read_int(&d->pid_at, data, false) };
	/* In interrupt context (or the idle task) the current task is a bystander. */
	vals[FIELD_PID].present = vals[FIELD_PID].num != 0 &&
		!(flags & (TRACE_FLAG_HARDIRQ | TRACE_FLAG_SOFTIRQ));
	/* the name is an enricher's: the pid's process, resolved once per record */
	vals[FIELD_COMM] = (struct value){ .present = vals[FIELD_PID].present };
	for (int i = 0; i < rt->n_read; i++)
		read_map(d, &rt->maps[i], data, size);
	if (!matches(d))
		return false;
	d->rec.event = rt->decl;
	d->rec.ts = ts;
	d->rec.cpu = cpu;
	d->rec.bh_off = vals[FIELD_PID].present && (flags & TRACE_FLAG_BH_OFF);
	return true;
}

struct record *decode_record(struct decoder *d, void *data, int size, unsigned long long ts,
			     int cpu)
{
	int at = 0;

	return decode_next(d, data, size, ts, cpu, &at);
}

struct record *decode_next(struct decoder *d, void *data, int size, unsigned long long ts,
			   int cpu, int *at)
{
	const struct event_rt *rt;
	uint64_t type;

	if (!inside_at(&d->type_at, size) || !inside_at(&d->pid_at, size))	/* the common header */
		return NULL;
	type = load(data, d->type_at.off, d->type_at.size);
	do {
		rt = next_event(d, type, data, size, ts, cpu, at);
		if (!rt)
			return NULL;
	} while (!decode_as(d, rt, data, size, ts, cpu));
	return &d->rec;
}
