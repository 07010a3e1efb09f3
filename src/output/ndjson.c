// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The NDJSON sink: one object per line. Records are written field by field
 * (nothing allocated per event); reports are the analyses' JSON views.
 */
#include <inttypes.h>
#include <string.h>

#include "output/jsonw.h"
#include "output/sink.h"

static void ndjson_record(struct sink *s, const struct record *rec, const char *type,
			  const char *analysis)
{
	const struct recipe *r = s->fc.recipe;
	const char *event = r->events[rec->event].name;

	fputc('{', s->f);
	jw_key(s->f, "type", true);
	jw_string(s->f, type, strlen(type));
	if (analysis) {
		jw_key(s->f, "analysis", false);
		jw_string(s->f, analysis, strlen(analysis));
	}
	jw_key(s->f, "event", false);
	jw_string(s->f, event, strlen(event));
	jw_key(s->f, "ts_ns", false);
	fprintf(s->f, "%" PRId64, (int64_t)rec->values[FIELD_TIME].num);	/* once a line */
	for (int f = 0; f < r->n_fields; f++) {
		if (f == FIELD_EVENT || (f == FIELD_LATENCY && !analysis) ||
		    (f == FIELD_OWNER && !r->owner) || (s->skip_absent && !rec->values[f].present))
			continue;
		jw_key(s->f, r->fields[f].name, false);
		format_json_write(&s->fc, f, &rec->values[f], s->f);
	}
	fputs("}\n", s->f);
}

static void ndjson_report(struct sink *s, const struct report_view *v)
{
	sink_emit_json(s->f, v->json(v->self, &s->fc));
}

const struct sink_ops ndjson_sink = {
	.name = "ndjson",
	.record = ndjson_record,
	.report = ndjson_report,
};
