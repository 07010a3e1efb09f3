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

static void counters_carry_over_a_reload(void)
{
	struct prom_carry *c = prom_carry_new();
	struct prom *m = prom_new();
	char *text;

	/* before the reload: a, kept; b, changed; a gauge and a summary's quantile are not counters */
	prom_sample(m, "ev_total", "counter", "E", "", 5, "recipe", "a", "event", "x", NULL);
	prom_sample(m, "ev_total", "counter", "E", "", 9, "recipe", "a", "event", "quiet", NULL);
	prom_sample(m, "ev_total", "counter", "E", "", 7, "recipe", "b", "event", "x", NULL);
	prom_sample(m, "up", "gauge", "U", "", 1, "recipe", "a", NULL);
	prom_sample(m, "rq_seconds", "summary", "R", "", 0.25, "recipe", "a", "quantile", "0.5", NULL);
	prom_sample(m, "rq_seconds", "summary", "R", "_count", 40, "recipe", "a", NULL);
	free(prom_render(m));
	prom_carry_keep(c, m, "a", true);
	prom_carry_keep(c, m, "b", false);
	prom_free(m);
	/* after: the new pipelines count from zero */
	m = prom_new();
	prom_set_carry(m, c);
	prom_sample(m, "ev_total", "counter", "E", "", 2, "recipe", "a", "event", "x", NULL);
	prom_sample(m, "ev_total", "counter", "E", "", 1, "recipe", "b", "event", "x", NULL);
	prom_sample(m, "up", "gauge", "U", "", 1, "recipe", "a", NULL);
	prom_sample(m, "rq_seconds", "summary", "R", "", 0.5, "recipe", "a", "quantile", "0.5", NULL);
	prom_sample(m, "rq_seconds", "summary", "R", "_count", 3, "recipe", "a", NULL);
	text = prom_render(m);
	CHECK_CONTAINS(text, "ev_total{recipe=\"a\",event=\"x\"} 7\n");
	CHECK_CONTAINS(text, "ev_total{recipe=\"a\",event=\"quiet\"} 9\n");	/* not sampled: as it was */
	CHECK_CONTAINS(text, "ev_total{recipe=\"b\",event=\"x\"} 1\n");	/* changed: from zero */
	CHECK_CONTAINS(text, "up{recipe=\"a\"} 1\n");
	CHECK_CONTAINS(text, "rq_seconds{recipe=\"a\",quantile=\"0.5\"} 0.5\n");
	CHECK_CONTAINS(text, "rq_seconds_count{recipe=\"a\"} 43\n");
	free(text);
	/* a second reload keeps what the last render showed (not the carry added twice) */
	prom_carry_keep(c, m, "a", true);
	prom_free(m);
	m = prom_new();
	prom_set_carry(m, c);
	prom_sample(m, "ev_total", "counter", "E", "", 1, "recipe", "a", "event", "x", NULL);
	text = prom_render(m);
	CHECK_CONTAINS(text, "ev_total{recipe=\"a\",event=\"x\"} 8\n");
	CHECK_CONTAINS(text, "ev_total{recipe=\"a\",event=\"quiet\"} 9\n");
	free(text);
	prom_free(m);
	prom_carry_free(c);
}

/* A summary whose remote-address table holds the addresses given (self), 1 event each. */
static json_t *labels_json(const void *self, const struct format_ctx *fc)
{
	json_t *rows = json_array();

	(void)fc;
	for (const char *const *a = self; *a; a++)
		json_array_append_new(rows, json_pack("{s:s, s:{s:i}}", "value", *a,
						      "per_event", "sent", 1));
	return json_pack("{s:s, s:{}, s:[{s:s, s:o, s:{s:i}, s:i}]}", "type", "summary",
			 "per_event", "labels", "label", "raddr", "rows", rows, "other", "sent", 4,
			 "folded", 3);
}

static char *render_labels(struct prom_pins *pins, struct prom_carry *c, const char *const *addrs,
			   bool keep)
{
	struct recipe r = { .name = "rst" };
	struct report_view v = { addrs, labels_json, NULL };
	struct prom *m = prom_new();
	struct sink *s;
	char *text;

	prom_set_max_series(m, 2);
	prom_set_pins(m, pins);
	prom_set_carry(m, c);
	s = prom_sink_open(m, &r);
	sink_report(s, &v);
	sink_close(s);
	text = prom_render(m);
	if (keep)
		prom_carry_keep(c, m, "rst", true);
	prom_free(m);
	return text;
}

/*
 * After a reload the labels table starts empty and takes the first values it
 * sees: those the carry does not already give series fold into "other", so
 * reloads do not add series beyond --max-series.
 */
static void label_series_stay_capped_across_reloads(void)
{
	static const char *const before[] = { "10.0.0.1", "10.0.0.2", NULL };
	static const char *const after[] = { "10.0.0.2", "10.0.0.3", NULL };
	struct prom_pins *pins = prom_pins_new();
	struct prom_carry *c = prom_carry_new();
	char *text;

	free(render_labels(pins, c, before, true));
	text = render_labels(pins, c, after, false);
	CHECK_CONTAINS(text, "{recipe=\"rst\",event=\"sent\",raddr=\"10.0.0.1\"} 1\n");
	CHECK_CONTAINS(text, "{recipe=\"rst\",event=\"sent\",raddr=\"10.0.0.2\"} 2\n");
	CHECK(!strstr(text, "10.0.0.3"));
	/* other: 4 carried, 4 of the new table's own, 1 of 10.0.0.3 */
	CHECK_CONTAINS(text, "{recipe=\"rst\",event=\"sent\",raddr=\"other\"} 9\n");
	CHECK_CONTAINS(text, "probekit_label_values_folded{recipe=\"rst\",label=\"raddr\"} 4\n");
	free(text);
	prom_carry_free(c);
	prom_pins_free(pins);
	/* a process named "other" is summed into the folded row, not a second series of it */
	{
		static const char *const named_other[] = { "other", "sshd", NULL };
		struct prom_pins *p2 = prom_pins_new();
		struct prom_carry *c2 = prom_carry_new();
		const char *at;
		int rows = 0;

		text = render_labels(p2, c2, named_other, false);
		for (at = text; (at = strstr(at, "raddr=\"other\"}")); at++)
			rows++;
		CHECK(rows == 1);
		CHECK_CONTAINS(text, "{recipe=\"rst\",event=\"sent\",raddr=\"other\"} 5\n");
		free(text);
		prom_carry_free(c2);
		prom_pins_free(p2);
	}
}

const struct unit_test prometheus_tests[] = {
	{ "prometheus: label series stay within --max-series across reloads",
	  label_series_stay_capped_across_reloads },
	{ "prometheus: counters carry over a reload; changed recipes start over",
	  counters_carry_over_a_reload },
	{ "prometheus: a family's samples together, label values escaped",
	  families_are_written_together_and_labels_escaped },
	{ "prometheus: latency buckets cumulative, the same set every time",
	  latency_buckets_are_cumulative_and_always_the_same },
	{ NULL, NULL },
};
