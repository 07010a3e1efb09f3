// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A hist file's text, as the kernel prints it (trace_events_hist.c):
 *   { g0:       5001, lat: ~ 66000-66999 } hitcount:          1
 *   ...
 *   Totals:
 *       Hits: 100
 *       Entries: 2
 *       Dropped: 0
 * Keys are "name: number" or, for a bucketed key, "name: ~ LOW-HIGH", or for
 * common_pid.execname "common_pid: NAME(16 bytes)[  PID]".
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

/* Past "name:" and the spaces after it; false if the key has no name. */
static bool key_name(const char **p)
{
	while (**p == ' ')
		(*p)++;
	while (**p && **p != ':' && **p != '}' && **p != '\n')
		(*p)++;
	if (**p != ':')
		return false;
	(*p)++;
	while (**p == ' ')
		(*p)++;
	return true;
}

/* "name: N" or "name: ~ LOW-HIGH" (LOW is the key); *p after it. */
static bool key(const char **p, uint64_t *v)
{
	uint64_t high;

	if (!key_name(p))
		return false;
	if (**p == '~') {
		(*p)++;
		if (!number(p, v) || **p != '-')
			return false;
		(*p)++;
		return number(p, &high);
	}
	return number(p, v);
}

/* "[    1234]" at p: the pid; *p after it. */
static bool bracketed_pid(const char **p, uint64_t *v)
{
	if (**p != '[')
		return false;
	(*p)++;
	if (!number(p, v) || **p != ']')
		return false;
	(*p)++;
	return true;
}

/*
 * "common_pid: NAME [    1234]": the kernel prints the saved name raw,
 * padded to 16 bytes ("%-16s["), so any byte may be in it, a newline too:
 * the name is the 16 bytes, not what looks like text. A longer name (should
 * a kernel allow one) ends at the first "[digits]" after them.
 */
static bool execname_key(const char **p, struct hist_row *r, int k)
{
	const char *name, *end;
	size_t len;

	/* "name: " and not a space more: a task's name may begin with spaces, or be empty */
	while (**p == ' ')
		(*p)++;
	while (**p && **p != ':' && **p != '}' && **p != '\n')
		(*p)++;
	if ((*p)[0] != ':' || (*p)[1] != ' ')
		return false;
	name = *p + 2;
	if (strnlen(name, 16) < 16)
		return false;
	end = name + 16;
	while (*end && *end != '[' && end - name < 256)
		end++;
	*p = end;
	if (!bracketed_pid(p, &r->keys[k]))
		return false;
	len = (size_t)(end - name);
	while (len && name[len - 1] == ' ')
		len--;
	len = len < HIST_NAME_MAX ? len : HIST_NAME_MAX;
	memcpy(r->names[k], name, len);
	r->names[k][len] = '\0';
	r->name_len[k] = (uint8_t)len;
	return true;
}

/* One row from line; *next: where the line after it starts. */
static bool row(const char *line, int n_keys, unsigned execname, struct hist_row *r,
		const char **next)
{
	const char *p = line + 1, *eol;

	r->n_keys = n_keys;
	for (int k = 0; k < n_keys; k++) {
		r->names[k][0] = '\0';
		r->name_len[k] = 0;
		if (!((execname >> k) & 1 ? execname_key(&p, r, k) : key(&p, &r->keys[k])))
			return false;
		while (*p == ' ')
			p++;
		if (*p != (k + 1 < n_keys ? ',' : '}'))
			return false;
		p++;
	}
	eol = strchr(p, '\n');
	p = strstr(p, "hitcount:");
	if (!p || !eol || p > eol)
		return false;
	p += strlen("hitcount:");
	*next = eol;
	return number(&p, &r->hits);
}
static bool total(const char *text, const char *name, uint64_t *v)
{
	const char *p = strstr(text, name);

	if (!p)
		return false;
	p += strlen(name);
	return number(&p, v);
}

/* The keys of a trigger as written ("a.execname,b,lat.buckets=1000"): their number and kinds. */
static bool shape_of(const char *keys, size_t len, struct hist_shape *sh)
{
	const char *k = keys, *end = keys + len;

	memset(sh, 0, sizeof(*sh));
	while (k < end) {
		const char *comma = memchr(k, ',', (size_t)(end - k));
		const char *stop = comma ? comma : end;
		size_t n = (size_t)(stop - k);

		if (sh->n_keys == HIST_MAX_KEYS || !n)
			return false;
		if (n > 9 && !memcmp(stop - 9, ".execname", 9))
			sh->execname |= 1u << sh->n_keys;
		sh->n_keys++;
		k = comma ? comma + 1 : end;
	}
	return sh->n_keys > 0;
}

/* "# trigger info: hist:keys=KEYS:..." (a named hist: "hist:NAME:keys="): its keys' shape. */
static bool section_header(const char *line, const char *keys, struct hist_shape *sh, bool *chosen)
{
	static const char info[] = "# trigger info: hist:";
	const char *k, *end;

	if (strncmp(line, info, sizeof(info) - 1))
		return false;
	k = strstr(line, "keys=");
	end = k ? k + strcspn(k, ":\n") : NULL;
	if (!k || end > line + strcspn(line, "\n"))
		return false;
	k += 5;
	*chosen = (size_t)(end - k) == strlen(keys) && !memcmp(k, keys, (size_t)(end - k));
	return shape_of(k, (size_t)(end - k), sh);
}

bool hist_parse(const char *text, const char *keys, hist_row_fn fn, void *ctx, struct hist_totals *t)
{
	struct hist_shape sh = { 0 };
	bool chosen = false;
	const char *next;
	struct hist_row r;

	memset(t, 0, sizeof(*t));
	/*
	 * Line by line, each histogram of the event in turn (every trigger has
	 * one), its rows read whole with its own keys' shape: a task's name may
	 * hold a newline and whatever text looks like a header.
	 */
	for (const char *line = text; line && *line; line = next) {
		next = NULL;
		if (*line == '{') {
			if (!sh.n_keys || !row(line, sh.n_keys, sh.execname, &r, &next))
				return false;
			if (chosen)
				fn(ctx, &r);
		} else if (!strncmp(line, "Totals:", 7) && chosen) {
			return total(line, "Hits:", &t->hits) && total(line, "Entries:", &t->entries) &&
			       total(line, "Dropped:", &t->dropped);
		} else if (!section_header(line, keys, &sh, &chosen) && *line == '#' &&
			   !strncmp(line, "# trigger info:", 15)) {
			return false;	/* a trigger whose keys this parser cannot tell */
		}
		if (!next)
			next = strchr(line, '\n');
		if (next)
			next++;
	}
	return false;
}

bool hist_read(struct tracefs_instance *inst, const char *system, const char *event,
	       const char *keys, hist_row_fn fn, void *ctx, struct hist_totals *t)
{
	char *text = tracefs_event_file_read(inst, system, event, "hist", NULL);
	bool ok = text && hist_parse(text, keys, fn, ctx, t);

	if (!ok)
		pk_warn("cannot read the kernel's histogram of %s:%s (keys %s)", system, event, keys);
	free(text);
	return ok;
}
