// SPDX-License-Identifier: GPL-2.0-or-later
/* The table of source kinds: the one place that lists them. */
#include <stdio.h>
#include <string.h>

#include "source/source.h"

extern const struct source_kind tracepoint_source, kprobe_source, kretprobe_source;

/* In enum alt_kind order. */
const struct source_kind *const source_kinds[] = {
	&tracepoint_source,
	&kprobe_source,
	&kretprobe_source,
};
const int n_source_kinds = ARRAY_SIZE(source_kinds);

const struct source_kind *source_kind_of(enum alt_kind kind)
{
	return source_kinds[kind];
}

void source_describe(const struct alternative *a, char *buf, size_t len)
{
	source_kind_of(a->kind)->describe(a, buf, len);
}

const struct source_kind *source_kind_by_name(const char *name)
{
	for (int i = 0; i < n_source_kinds; i++)
		if (!strcmp(source_kinds[i]->name, name))
			return source_kinds[i];
	return NULL;
}

char *source_kind_list(const char *quote, const char *sep)
{
	struct strbuf sb = { 0 };

	for (int i = 0; i < n_source_kinds; i++)
		sb_addf(&sb, "%s%s%s%s", i ? sep : "", quote, source_kinds[i]->name, quote);
	return sb_detach(&sb);
}
