// SPDX-License-Identifier: GPL-2.0-or-later
/* --trigger: parsed once against the recipes, matched per record without allocating. */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "output/flight_trigger.h"
#include "util/duration.h"
#include "util/textsafe.h"

#define MAX_TOKENS 16

/* Words of the text; '>' is a word of its own ("x>5" is "x", ">", "5"). */
static int tokenize(char *s, char **tok)
{
	int n = 0;

	while (*s && n < MAX_TOKENS) {
		while (*s == ' ' || *s == '\t')
			*s++ = '\0';
		if (!*s)
			break;
		if (*s == '>') {
			tok[n++] = ">";
			*s++ = '\0';
			continue;
		}
		tok[n++] = s;
		while (*s && *s != ' ' && *s != '\t' && *s != '>')
			s++;
		if (*s == '>') {	/* keep the '>' for the next round: a word ends here */
			memmove(s + 1, s, strlen(s) + 1);
			*s++ = '\0';
		}
	}
	return *s ? -1 : n;
}

static int find_recipe(const char *name, const struct recipe *const *recipes, int n)
{
	for (int k = 0; k < n; k++)
		if (!strcmp(recipes[k]->name, name))
			return k;
	return -1;
}

/* The field a pair trigger compares when none is named: a request's total, else the pair's latency. */
static int default_field(const struct recipe *r)
{
	int total = recipe_field_index(r, "total");

	return total >= 0 ? total : FIELD_LATENCY;
}

static bool fail(const char *text, const char *why)
{
	char shown[256];

	text_escape(text, strlen(text), shown, sizeof(shown));
	pk_error("--trigger '%s': %s", shown, why);
	return false;
}

static bool parse_count(struct flight_trigger *t, const char *spec)
{
	char *end;
	const char *slash = strchr(spec, '/');
	unsigned long long n = strtoull(spec, &end, 10);

	if (!slash || end != slash || end == spec || n >= TRIGGER_MAX_COUNT ||
	    !parse_duration_ns(slash + 1, &t->window_ns) || !t->window_ns)
		return false;
	t->count = n;
	t->times = xcalloc(n + 1, sizeof(*t->times));
	return true;
}

static bool parse_conds(struct flight_trigger *t, const struct recipe *r, char **tok, int n)
{
	for (int i = 0; i < n; i++) {
		char *eq = strchr(tok[i], '=');

		if (!eq || t->n_cond == TRIGGER_MAX_CONDS)
			return false;
		*eq = '\0';
		t->cond[t->n_cond].field = recipe_field_index(r, tok[i]);
		if (t->cond[t->n_cond].field < 0)
			return false;
		t->cond[t->n_cond++].text = xstrdup(eq + 1);
	}
	return true;
}

bool flight_trigger_parse(struct flight_trigger *t, const char *text,
			  const struct recipe *const *recipes, int n)
{
	char *copy, *tok[MAX_TOKENS], *colon;
	int nt, gt = -1;
	bool ok = false;
	const struct recipe *r;

	*t = (struct flight_trigger){ .event = -1, .field = -1 };
	if (!text_is_single_line(text) || strlen(text) > 200)
		return fail(text, "not one printable line of at most 200 bytes");
	copy = xcalloc(1, 2 * strlen(text) + 2);	/* room for the '>' split off */
	strcpy(copy, text);
	nt = tokenize(copy, tok);
	for (int i = 0; i < nt; i++)
		if (!strcmp(tok[i], ">"))
			gt = gt < 0 ? i : -2;
	if (nt <= 0 || gt == -2 || gt == 0 || (gt > 0 && gt != nt - 2)) {
		free(copy);
		return fail(text, "not RECIPE [FIELD] > TIME, RECIPE:EVENT [FIELD=VALUE...] "
			    "or RECIPE:EVENT [FIELD=VALUE...] > N/TIME");
	}
	if ((colon = strchr(tok[0], ':')))
		*colon = '\0';
	t->recipe = find_recipe(tok[0], recipes, n);
	if (t->recipe < 0) {
		free(copy);
		return fail(text, "no recipe of that name is monitored");
	}
	r = recipes[t->recipe];
	t->text = xstrdup(text);
	if (colon) {
		t->event = recipe_event_index(r, colon + 1);
		ok = t->event >= 0 && parse_conds(t, r, tok + 1, (gt > 0 ? gt : nt) - 1) &&
		     (gt < 0 || parse_count(t, tok[gt + 1]));
		if (!ok)
			fail(text, t->event < 0 ? "the recipe has no event of that name" :
				   "conditions are FIELD=VALUE with fields of the recipe; a count is "
				   "N/TIME (e.g. 10/1s)");
	} else {
		t->field = gt == 2 ? recipe_field_index(r, tok[1]) : default_field(r);
		ok = gt > 0 && gt <= 2 && t->field >= 0 &&
		     r->fields[t->field].format == FMT_DURATION &&
		     parse_duration_ns(tok[gt + 1], &t->over_ns);
		if (!ok)
			fail(text, gt < 0 ? "a recipe's trigger is RECIPE [FIELD] > TIME (or name an "
					    "event: RECIPE:EVENT)" :
				   t->field < 0 ? "the recipe has no field of that name" :
				   r->fields[t->field].format != FMT_DURATION ?
					   "that field is not a time (compare times: latency, total...)" :
					   "not a time after '>' (e.g. 200ms)");
	}
	free(copy);
	if (!ok)
		flight_trigger_free(t);
	return ok;
}

void flight_trigger_describe(const struct flight_trigger *t, const struct recipe *const *recipes,
			     FILE *out)
{
	const struct recipe *r = recipes[t->recipe];
	char time[32], window[32];

	if (t->event < 0) {
		format_duration(t->over_ns, time, sizeof(time));
		fprintf(out, "a pair or request of %s whose %s is over %s\n", r->name,
			r->fields[t->field].name, time);
		return;
	}
	if (t->count) {
		format_duration(t->window_ns, window, sizeof(window));
		fprintf(out, "more than %" PRIu64 " events %s of %s within %s", t->count,
			r->events[t->event].name, r->name, window);
	} else {
		fprintf(out, "any event %s of %s", r->events[t->event].name, r->name);
	}
	for (int i = 0; i < t->n_cond; i++)	/* the text is one printable line (parse) */
		fprintf(out, "%s %s printed as \"%s\"", i ? " and" : " whose",
			r->fields[t->cond[i].field].name, t->cond[i].text);
	fputc('\n', out);
}

void flight_trigger_free(struct flight_trigger *t)
{
	for (int i = 0; i < t->n_cond; i++)
		free(t->cond[i].text);
	free(t->times);
	free(t->text);
	t->n_cond = 0;
	t->times = NULL;
	t->text = NULL;
}

static bool conds_hold(const struct flight_trigger *t, const struct format_ctx *fc,
		       const struct record *rec)
{
	char buf[256];

	for (int i = 0; i < t->n_cond; i++) {
		format_value(fc, t->cond[i].field, &rec->values[t->cond[i].field], buf, sizeof(buf));
		if (strcmp(buf, t->cond[i].text))
			return false;
	}
	return true;
}

/* More than count events within the window: the one count back is recent enough. */
static bool burst(struct flight_trigger *t, uint64_t ts)
{
	uint64_t slots = t->count + 1, oldest;

	t->times[t->n_times % slots] = ts;
	t->n_times++;
	if (t->n_times < slots)
		return false;
	oldest = t->times[t->n_times % slots];
	if (ts - oldest > t->window_ns)
		return false;
	t->n_times = 0;	/* a burst fires once: the next needs count+1 events again */
	return true;
}

bool flight_trigger_match(struct flight_trigger *t, const struct format_ctx *fc, int recipe,
			  const struct record *rec, bool is_event)
{
	const struct value *v;

	if (recipe != t->recipe)
		return false;
	if (t->event < 0) {
		if (is_event)
			return false;
		v = &rec->values[t->field];
		return v->present && v->num > t->over_ns;
	}
	if (!is_event || rec->event != t->event || !conds_hold(t, fc, rec))
		return false;
	return !t->count || burst(t, rec->ts);
}
