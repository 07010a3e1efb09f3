// SPDX-License-Identifier: GPL-2.0-or-later
/* Latency statistics as JSON and as table cells, for every analysis that times something. */
#include "analysis/stats_view.h"
#include "output/format.h"

static const struct { const char *name; double p; } pcts[] = {
	{ "p50", 50 }, { "p90", 90 }, { "p99", 99 }, { "p99.9", 99.9 },
};

json_t *stats_json(const struct stats *s)
{
	json_t *obj = json_object();

	json_object_set_new(obj, "count", json_integer((json_int_t)s->count));
	if (!s->count)
		return obj;
	json_object_set_new(obj, "min_ns", json_integer((json_int_t)s->min));
	json_object_set_new(obj, "avg_ns", json_integer((json_int_t)(s->sum / s->count)));
	for (size_t i = 0; i < ARRAY_SIZE(pcts); i++) {
		char key[16];

		snprintf(key, sizeof(key), "%s_ns", pcts[i].name);
		json_object_set_new(obj, key, json_integer((json_int_t)stats_percentile(s, pcts[i].p)));
	}
	json_object_set_new(obj, "max_ns", json_integer((json_int_t)s->max));
	json_object_set_new(obj, "total_ns", json_integer((json_int_t)s->sum));
	return obj;
}

void stats_header(FILE *f, bool with_min_avg)
{
	fprintf(f, "  %10s", "COUNT");
	if (with_min_avg)
		fprintf(f, " %11s %11s", "MIN", "AVG");
	for (size_t i = 0; i < ARRAY_SIZE(pcts); i++) {
		char up[16];

		snprintf(up, sizeof(up), "%s", pcts[i].name);
		for (char *c = up; *c; c++)
			*c = *c >= 'a' && *c <= 'z' ? *c - 32 : *c;
		fprintf(f, " %11s", up);
	}
	fprintf(f, " %11s", "MAX");
}

void stats_row(FILE *f, const struct stats *s, bool with_min_avg)
{
	char buf[32];

	fprintf(f, "  %10llu", (unsigned long long)s->count);
	if (with_min_avg) {
		format_duration(s->min, buf, sizeof(buf));
		fprintf(f, " %11s", buf);
		format_duration(s->count ? s->sum / s->count : 0, buf, sizeof(buf));
		fprintf(f, " %11s", buf);
	}
	for (size_t i = 0; i < ARRAY_SIZE(pcts); i++) {
		format_duration(stats_percentile(s, pcts[i].p), buf, sizeof(buf));
		fprintf(f, " %11s", buf);
	}
	format_duration(s->max, buf, sizeof(buf));
	fprintf(f, " %11s", buf);
}
