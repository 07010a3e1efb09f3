// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which latencies the kernel can pair (hist triggers and a synthetic event)
 * and the commands that make it do so; or why not. The kernel keeps the last
 * start of a key in a hist variable and reads it once (an end consumes it),
 * so only "start": "last" with "consume" pairs the same way as user space.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <event-parse.h>

#include "analysis/latency.h"
#include "plan/plan.h"

/* 1 us buckets: the percentile error this path states. */
#define KAGG_BUCKET_NS 1000
/* Rows of (group, latency bucket) the synthetic event's histogram holds. */
#define KAGG_ROWS 32768
/* Keys of a hist trigger (the kernel's TRACING_MAP_KEYS_MAX). */
#define KAGG_MAX_KEYS 3

/*
 * Is the record's pid the task the event fired in? Then its comm is the one
 * the kernel saves with a hist row keyed by common_pid.execname (when the
 * row is made), as the comm enricher names that pid.
 */
bool plan_pid_is_current(const struct plan *p, int ev)
{
	const struct planned_event *pe = &p->ev[ev];
	const struct alternative *a = &pe->decl->alts[pe->chosen];

	for (int i = 0; i < a->n_maps; i++)
		if (a->maps[i].field == FIELD_PID)
			return false;
	return true;
}

struct tep_format_field *plan_plain_source(const struct plan *p, int ev, int field)
{
	const struct planned_event *pe = &p->ev[ev];
	const struct alternative *a = &pe->decl->alts[pe->chosen];
	struct tep_event *e = plan_find_event(p->tep, pe->system, pe->name);

	enum field_format fmt = p->recipe->fields[field].format;

	if (field == FIELD_PID && e && plan_pid_is_current(p, ev))
		return tep_find_common_field(e, "common_pid");
	/* a value the kernel keys must be the number user space keeps (not a name or address) */
	if (fmt == FMT_IPV4 || fmt == FMT_IPV6 || fmt == FMT_INET || fmt == FMT_SOCKADDR ||
	    fmt == FMT_STRING || fmt == FMT_SYMBOLIC)
		return NULL;
	for (int i = 0; e && i < a->n_maps; i++) {
		const struct field_map *m = &a->maps[i];
		struct tep_format_field *f;

		if (m->field != field)
			continue;
		if (m->inet || m->network_order || m->at_most || m->negative || !m->source)
			return NULL;
		f = tep_find_any_field(e, m->source);
		if (!f || (f->flags & (TEP_FIELD_IS_ARRAY | TEP_FIELD_IS_STRING | TEP_FIELD_IS_DYNAMIC |
				       TEP_FIELD_IS_POINTER)) || !f->size || f->size > 8)
			return NULL;
		return f;
	}
	return NULL;
}

/*
 * The synthetic event's type for a field. onmatch() compares the type names
 * (6.1 refused s32 for an int): the field's own name where synthetic events
 * know it, __u16 as u16, else one of the same size and sign.
 */
static const char *synth_type(const struct tep_format_field *f)
{
	static const char *const known[] = { "int", "unsigned int", "short", "unsigned short",
		"long", "unsigned long", "char", "unsigned char", "bool", "pid_t", "gfp_t",
		"u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64" };
	static const char *const u[] = { "u8", "u16", "u32", "u64" }, *const s[] = { "s8", "s16", "s32", "s64" };
	int k = f->size == 1 ? 0 : f->size == 2 ? 1 : f->size == 4 ? 2 : 3;

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(f->type, known[i]))
			return known[i];
	if (!strncmp(f->type, "__", 2))
		for (size_t i = 11; i < sizeof(known) / sizeof(known[0]); i++)
			if (!strcmp(f->type + 2, known[i]))
				return known[i];
	return f->flags & TEP_FIELD_IS_SIGNED ? s[k] : u[k];
}

static void add_group(struct kagg *k, int field, struct tep_format_field *f)
{
	k->kp.group_fields = xrealloc(k->kp.group_fields, (k->kp.n_groups + 1) * sizeof(int));
	k->kp.group_fields[k->kp.n_groups] = field;
	k->group_src = xrealloc(k->group_src, (k->kp.n_groups + 1) * sizeof(*k->group_src));
	k->group_src[k->kp.n_groups++] = f;
}

/* The group columns as plain fields of the end event (comm: its task's name); NULL, or why not. */
static char *groups_of(const struct plan *p, const struct latency_decl *d, struct kagg *k)
{
	for (int i = 0; i < d->n_group_by; i++) {
		const struct column *c = &d->group_by[i];
		int fields[2] = { c->field, c->port_field };

		for (int j = 0; j < 2 && fields[j] >= 0; j++) {
			struct tep_format_field *f = plan_plain_source(p, d->to, fields[j]);

			if (fields[j] == FIELD_COMM && plan_pid_is_current(p, d->to)) {
				add_group(k, FIELD_COMM, NULL);
				continue;
			}
			if (!f)
				return xasprintf("group %s is not a plain integer of %s:%s", c->title,
					   p->ev[d->to].system, p->ev[d->to].name);
			add_group(k, fields[j], f);
		}
	}
	/* the latency's bucket is a key too */
	if (k->kp.n_groups + 1 > KAGG_MAX_KEYS)
		return xasprintf("%d group keys (the kernel's histograms take %d keys, one is the latency)",
				 k->kp.n_groups, KAGG_MAX_KEYS);
	return NULL;
}

static char *ineligible(const struct plan *p, const struct plan_opts *o,
			const struct latency_decl *d, struct kagg *k)
{
	const struct recipe *r = p->recipe;
	struct tep_format_field *ks, *ke;

	if (o->no_kernel_agg)
		return xasprintf("--no-kernel-agg");
	if (o->user_pairs)
		return xasprintf("%s", o->user_pairs);
	if (!p->caps->hist || !p->caps->synth)
		return xasprintf("this kernel has no %s", p->caps->hist ? "synthetic events" : "hist triggers");
	if (d->value_field)
		return xasprintf("a distribution");
	if (d->start != START_LAST || !d->consume)
		return xasprintf("start: %s%s — the kernel keeps the last start of a key and an end consumes it",
			   d->start == START_LAST ? "last" : "first", d->consume ? "" : ", consume: false");
	if (d->n_more_from)
		return xasprintf("several start events (the kernel's pairing here takes one)");
	if (d->n_key != 1)
		return xasprintf("a key of %d fields (the kernel's pairing here takes one)", d->n_key);
	if (r->derive)
		return xasprintf("the recipe derives fields in user space");
	if (r->owner)	/* pid and comm become the socket's owner's, not the current task's */
		return xasprintf("the recipe names socket owners in user space");
	for (int i = 0; i < r->n_analyses; i++)
		/* the listing steps aside for a latency; counts total events (none come) */
		if (r->analyses[i].ops != &latency_analysis && r->analyses[i].ops->feed &&
		    strcmp(r->analyses[i].ops->name, "counts") && strcmp(r->analyses[i].ops->name, "events"))
			return xasprintf("the %s analysis reads the same events", r->analyses[i].ops->name);
	for (int i = 0; i < r->n_match; i++)
		if (r->params[r->match[i].param].value)
			return xasprintf("-p %s is matched in user space", r->params[r->match[i].param].name);
	for (int e = 0; e < 2; e++) {
		int ev = e ? d->to : d->from;
		const struct planned_event *pe = &p->ev[ev];

		if (pe->chosen < 0 || pe->decl->alts[pe->chosen].kind != ALT_TRACEPOINT)
			return xasprintf("event %s is not a tracepoint here", pe->decl->name);
		if (plan_event_shared(p, ev))
			return xasprintf("event %s shares its tracepoint", pe->decl->name);
	}
	ks = plan_plain_source(p, d->from, d->key[0]);
	ke = plan_plain_source(p, d->to, d->key[0]);
	if (!ks || !ke || ks->size != ke->size)
		return xasprintf("the key %s is not one plain integer of the same size on both events",
			   r->fields[d->key[0]].name);
	k->key_start = ks->name;
	k->key_end = ke->name;
	return groups_of(p, d, k);
}

static char *trigger(const char *keys, const char *rest, const char *filter)
{
	return xasprintf("hist:keys=%s:%s%s%s", keys, rest, filter ? " if " : "", filter ? filter : "");
}

/*
 * The hist's table for max_pending keys: a power of two, as the kernel wants,
 * at most KAGG_MAX_TABLE. The kernel allocates every entry when the trigger
 * is set (some hundred bytes each, twice: start and end), so 65536 would take
 * some 40 MB of kernel memory for the run; keys beyond are counted as dropped.
 */
#define KAGG_MAX_TABLE (1 << 14)

static int table_size(int max_pending)
{
	int size = 2048;

	while (size < max_pending && size < KAGG_MAX_TABLE)
		size *= 2;
	return size;
}

/* The four commands; names carry the run's instance (probekit_<pid>) and the latency's index. */
static void commands(const struct plan *p, const struct latency_decl *d, struct kagg *k, int n)
{
	const struct planned_event *from = &p->ev[k->from], *to = &p->ev[k->to];
	int size = table_size(d->max_pending);
	char *def, *params, *keys, *t;

	k->kp.synth = xasprintf("%s_%d", p->instance, p->synth_base + n);
	k->kp.start_system = from->system;
	k->kp.start_event = from->name;
	k->kp.end_system = to->system;
	k->kp.end_event = to->name;
	k->kp.bucket_ns = KAGG_BUCKET_NS;
	def = xasprintf("%s u64 lat", k->kp.synth);
	params = xstrdup("$pklat");
	keys = xstrdup("");
	for (int i = 0; i < k->kp.n_groups; i++) {
		if (!k->group_src[i]) {	/* the task's name: the synthetic event's own common_pid */
			t = xasprintf("%scommon_pid.execname,", keys);
			free(keys);
			keys = t;
			continue;
		}
		t = xasprintf("%s; %s g%d", def, synth_type(k->group_src[i]), i);
		free(def);
		def = t;
		t = xasprintf("%s,%s", params, k->group_src[i]->name);
		free(params);
		params = t;
		t = xasprintf("%sg%d,", keys, i);
		free(keys);
		keys = t;
	}
	k->synth_def = def;
	/* a time stamp in a hist sets the instance's clock: keep the run's */
	t = xasprintf("pkts=common_timestamp:size=%d:clock=%s", size, p->clock);
	k->start_trigger = trigger(k->key_start, t, from->filter);
	free(t);
	t = xasprintf("pklat=common_timestamp-$pkts:size=%d:clock=%s:onmatch(%s.%s).trace(%s,%s)",
		      size, p->clock, from->system, from->name, k->kp.synth, params);
	k->end_trigger = trigger(k->key_end, t, to->filter);
	free(t);
	k->kp.synth_keys = xasprintf("%slat.buckets=%d", keys, KAGG_BUCKET_NS);
	k->kp.start_keys = k->key_start;
	k->kp.end_keys = k->key_end;
	k->synth_trigger = xasprintf("hist:keys=%s:size=%d", k->kp.synth_keys, KAGG_ROWS);
	free(params);
	free(keys);
}

static void kagg_clear(struct kagg *k)
{
	free(k->why_not);
	free(k->kp.synth);
	free(k->kp.group_fields);
	free(k->kp.synth_keys);
	free(k->group_src);
	free(k->synth_def);
	free(k->start_trigger);
	free(k->end_trigger);
	free(k->synth_trigger);
	memset(k, 0, sizeof(*k));
}

void plan_kernel_pairs(struct plan *p, const struct plan_opts *o)
{
	const struct recipe *r = p->recipe;

	for (int i = 0; i < p->n_kagg; i++)
		kagg_clear(&p->kagg[i]);
	free(p->kagg);
	p->kagg = NULL;
	p->n_kagg = 0;
	if (o)
		p->kagg_opts = *o;
	for (int i = 0; i < r->n_analyses; i++) {
		const struct latency_decl *d = r->analyses[i].cfg;
		struct kagg *k;

		if (r->analyses[i].ops != &latency_analysis)
			continue;
		p->kagg = xrealloc(p->kagg, (p->n_kagg + 1) * sizeof(*p->kagg));
		k = &p->kagg[p->n_kagg++];
		memset(k, 0, sizeof(*k));
		k->analysis = i;
		k->from = d->from;
		k->to = d->to;
		k->why_not = ineligible(p, &p->kagg_opts, d, k);
		if (!k->why_not)
			commands(p, d, k, p->n_kagg - 1);
	}
	plan_kernel_counts(p);
}

void plan_kernel_pairs_free(struct plan *p)
{
	plan_kernel_counts_free(p);
	for (int i = 0; i < p->n_kagg; i++)
		kagg_clear(&p->kagg[i]);
	free(p->kagg);
	p->kagg = NULL;
	p->n_kagg = 0;
}

const struct kagg *plan_event_paired_in_kernel(const struct plan *p, int ev)
{
	for (int i = 0; i < p->n_kagg; i++)
		if (!p->kagg[i].why_not && (p->kagg[i].from == ev || p->kagg[i].to == ev))
			return &p->kagg[i];
	return NULL;
}

void plan_print_kernel_pairs(const struct plan *p)
{
	const struct recipe *r = p->recipe;

	for (int i = 0; i < p->n_kagg; i++) {
		const struct kagg *k = &p->kagg[i];
		const struct latency_decl *d = r->analyses[k->analysis].cfg;

		if (k->why_not) {
			printf("latency %s: paired in user space: %s\n", d->name, k->why_not);
			continue;
		}
		printf("latency %s: paired in the kernel (hist triggers, synthetic event %s; "
		       "latencies in 1 us buckets: percentiles within 1 us + 0.4%%); events %s and %s "
		       "are not written to the ring buffer\n", d->name, k->kp.synth,
		       r->events[k->from].name, r->events[k->to].name);
		printf("      synthetic_events >> %s\n", k->synth_def);
		printf("      instances/%s/events/%s/%s/trigger >> %s\n", p->instance,
		       k->kp.start_system, k->kp.start_event, k->start_trigger);
		printf("      instances/%s/events/%s/%s/trigger >> %s\n", p->instance,
		       k->kp.end_system, k->kp.end_event, k->end_trigger);
		printf("      instances/%s/events/synthetic/%s/trigger >> %s\n", p->instance,
		       k->kp.synth, k->synth_trigger);
	}
}
