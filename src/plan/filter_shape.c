// SPDX-License-Identifier: GPL-2.0-or-later
/* A shared filter checked before libtraceevent parses it (see filter_shape.h). */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "plan/filter_shape.h"

#define MAX_DIGITS 20

struct scan {
	const char *s, *start;
	const char *why;
	int depth;
	filter_field_fn kind;
	void *ctx;
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

/* A field of the event's format: its kind, or NONE after saying why. */
static enum filter_field_kind field(struct scan *sc)
{
	const char *b = sc->s;
	enum filter_field_kind k;

	if (!isalpha((unsigned char)*sc->s) && *sc->s != '_') {
		fail(sc, "a field name expected");
		return FILTER_FIELD_NONE;
	}
	while (isalnum((unsigned char)*sc->s) || *sc->s == '_')
		sc->s++;
	k = sc->kind(sc->ctx, b, (size_t)(sc->s - b));
	if (k == FILTER_FIELD_NONE) {
		sc->s = b;
		fail(sc, "not a number or string field of the event");
	}
	return k;
}

/* The longest operator first; "&&" is not '&'. */
static bool op(struct scan *sc, enum filter_field_kind k)
{
	static const char *const ops[] = { "==", "!=", "<=", ">=", "<", ">" };
	size_t n = k == FILTER_FIELD_STRING ? 2 : sizeof(ops) / sizeof(ops[0]);

	for (size_t i = 0; i < n; i++)
		if (!strncmp(sc->s, ops[i], strlen(ops[i]))) {
			sc->s += strlen(ops[i]);
			return true;
		}
	return fail(sc, k == FILTER_FIELD_STRING ? "a string field takes == or != only" :
		    "a comparison (== != < <= > >=) expected");
}

/* Decimal, no leading zero (the kernel reads 010 as octal, 08 not at all), within 64 bits. */
static bool number(struct scan *sc)
{
	static const char max[] = "18446744073709551615";
	const char *b = sc->s;
	size_t n;

	while (isdigit((unsigned char)*sc->s))
		sc->s++;
	n = (size_t)(sc->s - b);
	if (!n || (n > 1 && *b == '0') || n > sizeof(max) - 1 ||
	    (n == sizeof(max) - 1 && strncmp(b, max, n) > 0) || isalnum((unsigned char)*sc->s) ||
	    *sc->s == '_') {
		sc->s = b;
		return fail(sc, "a number field takes a decimal number (no leading zero, at most "
			    "18446744073709551615)");
	}
	return true;
}

/*
 * "..." of printable ASCII but '"', '\' and ',': libtraceevent reads a byte
 * over 0x7f as the end of its token (then a NULL), a ',' anywhere as a list
 * of events, and a one-character '...' as a number.
 */
static bool quoted(struct scan *sc)
{
	const char *end;

	if (*sc->s != '"')
		return fail(sc, "a string field takes a string in double quotes");
	if (!(end = strchr(sc->s + 1, '"')))
		return fail(sc, "a quoted value that does not end");
	for (const char *c = sc->s + 1; c < end; c++)
		if (*c == '\\' || *c == ',' || (unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e) {
			sc->s = c;
			return fail(sc, "a quoted value of printable ASCII but '\\' and ','");
		}
	sc->s = end + 1;
	return true;
}

static bool expr(struct scan *sc);

/* ( expr ) | FIELD OP VALUE */
static bool primary(struct scan *sc)
{
	enum filter_field_kind k;

	skip_space(sc);
	if (*sc->s == '(') {
		if (++sc->depth > FILTER_MAX_DEPTH)
			return fail(sc, "parentheses nested too deep");
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
	if (*sc->s == '!')
		return fail(sc, "no '!' in a filter evaluated in user space (write != or the "
			    "opposite comparison)");
	if ((k = field(sc)) == FILTER_FIELD_NONE)
		return false;
	skip_space(sc);
	if (!op(sc, k))
		return false;
	skip_space(sc);
	return k == FILTER_FIELD_STRING ? quoted(sc) : number(sc);
}

/*
 * One operator per level: libtraceevent reads "a || b && c" as (a || b) && c,
 * the kernel as a || (b && c); parentheses say which.
 */
static bool expr(struct scan *sc)
{
	char joined = 0;

	if (!primary(sc))
		return false;
	for (;;) {
		skip_space(sc);
		if (strncmp(sc->s, "&&", 2) && strncmp(sc->s, "||", 2))
			return true;
		if (joined && *sc->s != joined)
			return fail(sc, "'&&' and '||' mixed without parentheses");
		joined = *sc->s;
		sc->s += 2;
		if (!primary(sc))
			return false;
	}
}

const char *filter_shape_error(const char *text, size_t *at, filter_field_fn kind, void *ctx)
{
	struct scan sc = { .s = text, .start = text, .kind = kind, .ctx = ctx };

	if (expr(&sc)) {
		skip_space(&sc);
		if (!*sc.s)
			return NULL;
		fail(&sc, "'&&' or '||' expected");
	}
	*at = (size_t)(sc.s - sc.start);
	return sc.why;
}
