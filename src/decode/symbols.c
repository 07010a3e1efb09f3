// SPDX-License-Identifier: GPL-2.0-or-later
/* __print_symbolic tables of an event's print format, as sorted arrays. */
#include <stdlib.h>
#include <string.h>
#include <event-parse.h>

#include "decode/symbols.h"
#include "util/util.h"

/* The symbol list printing field, wherever it sits in the print args. */
static struct tep_print_flag_sym *find(struct tep_print_arg *arg, const char *field)
{
	for (; arg; arg = arg->next) {
		struct tep_print_flag_sym *s = NULL;

		switch (arg->type) {
		case TEP_PRINT_SYMBOL:
			if (arg->symbol.field && arg->symbol.field->type == TEP_PRINT_FIELD &&
			    arg->symbol.field->field.name &&
			    !strcmp(arg->symbol.field->field.name, field))
				return arg->symbol.symbols;
			break;
		case TEP_PRINT_OP:
			s = find(arg->op.left, field);
			if (!s)
				s = find(arg->op.right, field);
			break;
		case TEP_PRINT_TYPE:
			s = find(arg->typecast.item, field);
			break;
		default:
			break;
		}
		if (s)
			return s;
	}
	return NULL;
}

static int by_value(const void *a, const void *b)
{
	int64_t x = ((const struct symbol *)a)->value, y = ((const struct symbol *)b)->value;

	return x < y ? -1 : x > y;
}

void symbols_of_field(struct tep_event *ev, const char *field, struct symbols *out)
{
	struct tep_print_flag_sym *list = find(ev->print_fmt.args, field), *s;
	int n = 0;

	memset(out, 0, sizeof(*out));
	for (s = list; s; s = s->next)
		n++;
	if (!n)
		return;
	out->v = xcalloc(n, sizeof(*out->v));
	for (s = list; s; s = s->next) {
		char *end;
		long long v;

		if (!s->value || !s->str)
			continue;
		v = strtoll(s->value, &end, 0);
		if (end == s->value || *end)	/* an enum name the kernel did not resolve */
			continue;
		out->v[out->n++] = (struct symbol){ v, s->str };
	}
	qsort(out->v, out->n, sizeof(*out->v), by_value);
}

const char *symbols_name(const struct symbols *s, int64_t value)
{
	int lo = 0, hi = s->n - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;

		if (s->v[mid].value == value)
			return s->v[mid].name;
		if (s->v[mid].value < value)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

void symbols_free(struct symbols *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}
