// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A hist file's text, as the kernel prints it (trace_events_hist.c):
 *   { g0:       5001, lat: ~ 66000-66999 } hitcount:          1
 *   ...
 *   Totals:
 *       Hits: 100
 *       Entries: 2
 *       Dropped: 0
 * Keys are "name: number" or, for a bucketed key, "name: ~ LOW-HIGH".
 */
#include <stdlib.h>
#include <string.h>
#include <tracefs.h>

#include "kernel/hist.h"
#include "util/util.h"

static bool number(const char **p, uint64_t *v)
{
	char *end;

	while (**p == ' ')
		(*p)++;
	if (**p < '0' || **p > '9')
		return false;
	*v = strtoull(*p, &end, 10);
	*p = end;
	return true;
}

/* "name: N" or "name: ~ LOW-HIGH" (LOW is the key); *p after it. */
static bool key(const char **p, uint64_t *v)
{
	uint64_t high;

	while (**p == ' ')
		(*p)++;
	while (**p && **p != ':' && **p != '}' && **p != '\n')
		(*p)++;
	if (**p != ':')
		return false;
	(*p)++;
	while (**p == ' ')
		(*p)++;
	if (**p == '~') {
		(*p)++;
		if (!number(p, v) || **p != '-')
			return false;
		(*p)++;
		return number(p, &high);
	}
	return number(p, v);
}

static bool row(const char *line, int n_keys, uint64_t *keys, uint64_t *hits)
{
	const char *p = line + 1;

	for (int k = 0; k < n_keys; k++) {
		if (!key(&p, &keys[k]))
			return false;
		while (*p == ' ')
			p++;
		if (*p != (k + 1 < n_keys ? ',' : '}'))
			return false;
		p++;
	}
	p = strstr(p, "hitcount:");
	if (!p || p > strchr(line, '\n'))
		return false;
	p += strlen("hitcount:");
	return number(&p, hits);
}

static bool total(const char *text, const char *name, uint64_t *v)
{
	const char *p = strstr(text, name);

	if (!p)
		return false;
	p += strlen(name);
	return number(&p, v);
}

bool hist_parse(const char *text, int n_keys, hist_row_fn fn, void *ctx, struct hist_totals *t)
{
	const char *totals = strstr(text, "\nTotals:");
	uint64_t keys[HIST_MAX_KEYS], hits;

	memset(t, 0, sizeof(*t));
	if (n_keys < 1 || n_keys > HIST_MAX_KEYS || !totals)
		return false;
	for (const char *line = text; line && line < totals; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (*line != '{')
			continue;
		if (!strchr(line, '\n') || !row(line, n_keys, keys, &hits))
			return false;
		fn(ctx, keys, n_keys, hits);
	}
	return total(totals, "Hits:", &t->hits) && total(totals, "Entries:", &t->entries) &&
	       total(totals, "Dropped:", &t->dropped);
}

bool hist_read(struct tracefs_instance *inst, const char *system, const char *event, int n_keys,
	       hist_row_fn fn, void *ctx, struct hist_totals *t)
{
	char *text = tracefs_event_file_read(inst, system, event, "hist", NULL);
	bool ok = text && hist_parse(text, n_keys, fn, ctx, t);

	if (!ok)
		pk_warn("cannot read the kernel's histogram of %s:%s", system, event);
	free(text);
	return ok;
}
