// SPDX-License-Identifier: GPL-2.0-or-later
/* The monitor's exposition: families together, labels escaped, the same latency buckets always. */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "output/prometheus.h"
#include "test.h"

static void families_are_written_together_and_labels_escaped(void)
{
	struct prom *m = prom_new();
	char *text;

	prom_sample(m, "a_total", "counter", "A things", "", 3, "recipe", "x", NULL);
	prom_sample(m, "b", "gauge", "B", "", 0.5, NULL);
	prom_sample(m, "a_total", "counter", "A things", "", 4, "recipe", "q\"uote\\back\nline", NULL);
	text = prom_render(m);
	CHECK_STR(text, "# HELP a_total A things\n# TYPE a_total counter\n"
			"a_total{recipe=\"x\"} 3\n"
			"a_total{recipe=\"q\\\"uote\\\\back\\nline\"} 4\n"
			"# HELP b B\n# TYPE b gauge\nb 0.5\n");
	free(text);
	prom_free(m);
}

static json_t *latency_json(const void *self, const struct format_ctx *fc)
{
	(void)self, (void)fc;
	/* 3 under 2 us, 2 in [16, 31] us, 1 in [2^26, 2^27) us: past the last le */
	return json_pack("{s:s, s:s, s:{s:i, s:i}, s:[{s:i, s:i, s:i}, {s:i, s:i, s:i}, "
			 "{s:i, s:i, s:i}], s:i, s:i}",
			 "type", "latency", "analysis", "rcvq", "stats", "count", 6, "total_ns", 1500000000,
			 "log2_us", "from_us", 0, "to_us", 1, "count", 3, "from_us", 16, "to_us", 31,
			 "count", 2, "from_us", 67108864, "to_us", 134217727, "count", 1,
			 "timeouts", 7, "evictions", 0);
}

static void latency_buckets_are_cumulative_and_always_the_same(void)
{
	struct recipe r = { .name = "lat" };
	struct report_view v = { NULL, latency_json, NULL };
	struct prom *m = prom_new();
	struct sink *s = prom_sink_open(m, &r);
	char *text;
	int buckets = 0;

	sink_report(s, &v);
	sink_close(s);
	text = prom_render(m);
	for (const char *p = text; (p = strstr(p, "_bucket{")); p++)
		buckets++;
	CHECK(buckets == 27);	/* 2 us .. 2^26 us, and +Inf */
	CHECK(strstr(text, "probekit_latency_seconds_bucket{recipe=\"lat\",analysis=\"rcvq\",le=\"2e-06\"} 3\n"));
	CHECK(strstr(text, "le=\"1.6e-05\"} 3\n"));	/* empty: bounds the next */
	CHECK(strstr(text, "le=\"3.2e-05\"} 5\n"));
	CHECK(strstr(text, "le=\"67.108864\"} 5\n"));
	CHECK(strstr(text, "le=\"+Inf\"} 6\n"));
	CHECK(strstr(text, "probekit_latency_seconds_sum{recipe=\"lat\",analysis=\"rcvq\"} 1.5\n"));
	CHECK(strstr(text, "probekit_latency_timeouts_total{recipe=\"lat\",analysis=\"rcvq\"} 7\n"));
	free(text);
	prom_free(m);
}

const struct unit_test prometheus_tests[] = {
	{ "prometheus: a family's samples together, label values escaped",
	  families_are_written_together_and_labels_escaped },
	{ "prometheus: latency buckets cumulative, the same set every time",
	  latency_buckets_are_cumulative_and_always_the_same },
	{ NULL, NULL },
};
