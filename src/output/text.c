// SPDX-License-Identifier: GPL-2.0-or-later
/* The text sink: aligned columns for records, each analysis's text view for reports. */
#include "output/sink.h"

static void text_header(struct sink *s)
{
	const struct recipe *r = s->fc.recipe;

	for (int i = 0; i < r->n_columns; i++)
		fprintf(s->f, "%-*s%s", i == r->n_columns - 1 ? 0 : s->widths[i],
			r->columns[i].title, i == r->n_columns - 1 ? "" : " ");
	fputc('\n', s->f);
	fflush(s->f);
}

static void text_record(struct sink *s, const struct record *rec, const char *type,
			const char *analysis)
{
	const struct recipe *r = s->fc.recipe;
	char buf[128];

	(void)type;
	(void)analysis;
	for (int i = 0; i < r->n_columns; i++) {
		format_cell(&s->fc, &r->columns[i], rec->values, buf, sizeof(buf));
		if (i == r->n_columns - 1)
			fputs(buf, s->f);
		else
			fprintf(s->f, "%-*s ", s->widths[i], buf);
	}
	fputc('\n', s->f);
}

static void text_report(struct sink *s, const struct report_view *v)
{
	v->text(v->self, &s->fc, s->f);
}

const struct sink_ops text_sink = {
	.name = "text",
	.header = text_header,
	.record = text_record,
	.report = text_report,
};
