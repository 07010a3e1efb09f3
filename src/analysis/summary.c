// SPDX-License-Identifier: GPL-2.0-or-later
/* End-of-run counts per group (e.g. per flow) and per event. */
#include <stdlib.h>
#include <string.h>

#include "analysis/summary.h"

void summary_init(struct summary *s, const struct recipe *r)
{
	memset(s, 0, sizeof(*s));
	s->recipe = r;
	s->per_event = xcalloc(r->n_events, sizeof(*s->per_event));
	grouptab_init(&s->groups, r->group_by, r->n_group_by, sizeof(uint64_t));
}

/* events that only feed a latency analysis are not counted per group */
void summary_add(struct summary *s, const struct value *vals, int event)
{
	s->total++;
	s->per_event[event]++;
	if (s->recipe->n_group_by)
		(*(uint64_t *)grouptab_get(&s->groups, vals))++;
}

uint64_t group_count(const struct group *g)
{
	return *(const uint64_t *)g->payload;
}

static int sort_key = -1;	/* group_by index, -1: by count */

static int cmp_groups(const void *a, const void *b)
{
	const struct group *ga = *(struct group *const *)a, *gb = *(struct group *const *)b;

	if (sort_key >= 0) {
		const struct value *va = &ga->vals[sort_key * 2], *vb = &gb->vals[sort_key * 2];
		int c = va->num < vb->num ? -1 : va->num > vb->num;

		if (!c)
			c = memcmp(va->addr, vb->addr, sizeof(va->addr));
		if (c)
			return c;
	}
	if (group_count(ga) != group_count(gb))
		return group_count(ga) < group_count(gb) ? 1 : -1;
	return 0;
}

struct group **summary_sorted(const struct summary *s, size_t *n)
{
	struct group **v = grouptab_list(&s->groups, n);
	const struct recipe *r = s->recipe;

	sort_key = -1;
	for (int k = 0; r->sort && k < r->n_group_by; k++)
		if (!strcmp(r->sort, r->fields[r->group_by[k].field].name))
			sort_key = k;
	qsort(v, *n, sizeof(*v), cmp_groups);
	return v;
}

void summary_free(struct summary *s)
{
	grouptab_free(&s->groups, NULL);
	free(s->per_event);
	memset(s, 0, sizeof(*s));
}
