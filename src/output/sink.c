// SPDX-License-Identifier: GPL-2.0-or-later
/* The sink interface: one entry per form of output, chosen once per run. */
#include <stdlib.h>

#include "output/sink.h"

struct sink *sink_open(const struct sink_ops *ops, const struct recipe *r, FILE *f, bool quiet)
{
	struct sink *s = xcalloc(1, sizeof(*s));

	s->ops = ops;
	s->fc.recipe = r;
	s->f = f;
	s->quiet = quiet;
	s->widths = xcalloc(r->n_columns, sizeof(int));
	for (int i = 0; i < r->n_columns; i++)
		s->widths[i] = format_column_width(r, &r->columns[i]);
	return s;
}

void sink_header(struct sink *s)
{
	if (!s->quiet && s->ops->header)
		s->ops->header(s);
}

void sink_record(struct sink *s, const struct record *rec, const char *type, const char *analysis)
{
	if (s->quiet)
		return;
	s->ops->record(s, rec, type, analysis);
	fflush(s->f);	/* lines as they happen, also into a pipe */
}

void sink_report(struct sink *s, const struct report_view *v)
{
	s->ops->report(s, v);
	fflush(s->f);
}

bool sink_failed(const struct sink *s)
{
	return ferror(s->f);
}

void sink_close(struct sink *s)
{
	if (!s)
		return;
	free(s->widths);
	free(s);
}

void sink_emit_json(FILE *f, json_t *obj)
{
	json_dumpf(obj, f, JSON_COMPACT | JSON_ENSURE_ASCII);
	fputc('\n', f);
	json_decref(obj);
}
