// SPDX-License-Identifier: GPL-2.0-or-later
/* A filter's shape checked before libtraceevent parses it (see filter_shape.h). */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "plan/filter_shape.h"

struct scan {
	const char *s, *start;
	const char *why;
	int depth;
};

static void skip_space(struct scan *sc)
{
	while (*sc->s == ' ' || *sc->s == '\t')
		sc->s++;
}

static bool fail(struct scan *sc, const char *why)
{
	if (!sc->why)
		sc->why = why;
	return false;
}

static bool word(struct scan *sc)
{
	const char *b = sc->s;

	while (isalnum((unsigned char)*sc->s) || *sc->s == '_')
		sc->s++;
	return sc->s > b;
}

static bool field(struct scan *sc)
{
	if (!isalpha((unsigned char)*sc->s) && *sc->s != '_')
		return fail(sc, "a field name expected");
	return word(sc);
}

static bool op(struct scan *sc)
{
	static const char *const ops[] = { "==", "!=", "<=", ">=", "<", ">", "&", "~" };

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strncmp(sc->s, ops[i], strlen(ops[i])) &&
		    !(ops[i][0] == '&' && sc->s[1] == '&')) {
			sc->s += strlen(ops[i]);
			return true;
		}
	return fail(sc, "a comparison (== != < <= > >= & ~) expected");
}

static bool value(struct scan *sc)
{
	char q = *sc->s;

	if (q == '"' || q == '\'') {
		const char *end = strchr(sc->s + 1, q);

		if (!end)
			return fail(sc, "a quoted value that does not end");
		for (const char *c = sc->s + 1; c < end; c++)
			if (*c == '\\' || (unsigned char)*c < 0x20 || *c == 0x7f)
				return fail(sc, "a backslash or control byte in a quoted value");
		sc->s = end + 1;
		return true;
	}
	if (*sc->s == '-')
		sc->s++;
	if (!word(sc))
		return fail(sc, "a number, a word or a quoted string expected");
	return true;
}

static bool expr(struct scan *sc);

/* ( expr ) | FIELD OP VALUE */
static bool primary(struct scan *sc)
{
	if (*sc->s == '(') {
		if (++sc->depth > FILTER_MAX_DEPTH)
			return fail(sc, "'!' and parentheses nested too deep");
		sc->s++;
		if (!expr(sc))
			return false;
		skip_space(sc);
		if (*sc->s != ')')
			return fail(sc, "a ')' expected");
		sc->s++;
		sc->depth--;
		return true;
	}
	if (!field(sc))
		return false;
	skip_space(sc);
	if (!op(sc))
		return false;
	skip_space(sc);
	return value(sc);
}

/* '!'... primary: a run of '!' counts as nesting (libtraceevent recurses on each) */
static bool unary(struct scan *sc)
{
	int bangs = 0;
	bool ok;

	skip_space(sc);
	while (*sc->s == '!' && sc->s[1] != '=') {
		if (++sc->depth > FILTER_MAX_DEPTH)
			return fail(sc, "'!' and parentheses nested too deep");
		bangs++;
		sc->s++;
		skip_space(sc);
	}
	ok = primary(sc);
	sc->depth -= bangs;
	return ok;
}

static bool expr(struct scan *sc)
{
	if (!unary(sc))
		return false;
	for (;;) {
		skip_space(sc);
		if (strncmp(sc->s, "&&", 2) && strncmp(sc->s, "||", 2))
			return true;
		sc->s += 2;
		if (!unary(sc))
			return false;
	}
}

const char *filter_shape_error(const char *text, size_t *at)
{
	struct scan sc = { .s = text, .start = text };

	if (expr(&sc)) {
		skip_space(&sc);
		if (!*sc.s)
			return NULL;
		fail(&sc, "'&&' or '||' expected");
	}
	*at = (size_t)(sc.s - sc.start);
	return sc.why;
}
