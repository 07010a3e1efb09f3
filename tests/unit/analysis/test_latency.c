// SPDX-License-Identifier: GPL-2.0-or-later
/* Pairing policies and statistics, on hand-made event streams. */
#include <math.h>
#include <stdlib.h>

#include "analysis/latency.h"
#include "test.h"

#define KEY FIELD_NR_BUILTIN	/* the one declared field: the key */
#define FROM 0
#define TO 1

static struct value vals[FIELD_NR_BUILTIN + 1];

static struct latency_decl decl(enum start_policy start, bool consume, uint64_t timeout, int max)
{
	return (struct latency_decl){ .name = "t", .title = "t", .from = FROM, .to = TO,
				      .key = { KEY }, .n_key = 1, .start = start, .consume = consume,
				      .timeout_ns = timeout, .max_pending = max };
}

static int64_t feed(struct latency *l, int event, uint64_t key, uint64_t ts)
{
	memset(vals, 0, sizeof(vals));
	vals[KEY] = (struct value){ .present = true, .num = key };
	return latency_feed(l, event, vals, ts);
}

static void pairs_by_key(void)
{
	struct latency_decl d = decl(START_FIRST, true, 1000000, 16);
	struct latency l;

	latency_init(&l, &d, false);
	CHECK(feed(&l, FROM, 1, 100) == -1);
	CHECK(feed(&l, FROM, 2, 150) == -1);
	CHECK(feed(&l, TO, 2, 400) == 250);	/* keys pair, not order */
	CHECK(vals[FIELD_LATENCY].present && vals[FIELD_LATENCY].num == 250);
	CHECK(feed(&l, TO, 1, 600) == 500);
	CHECK(feed(&l, TO, 1, 700) == -1);	/* consumed */
	CHECK(l.c.pairs == 2 && l.c.unmatched_ends == 1 && l.n_pending == 0);
	CHECK(l.all.count == 2 && l.all.min == 250 && l.all.max == 500);
	vals[KEY].present = false;
	CHECK(latency_feed(&l, FROM, vals, 800) == -1 && l.n_pending == 0);	/* no key, no start */
	latency_free(&l);
}

/* Several start events (a wake-up, a preemption): any starts a pair, the last counts. */
static void several_start_events(void)
{
	struct latency_decl d = decl(START_LAST, true, 1000000, 16);
	struct latency l;

	d.more_from[d.n_more_from++] = 2;
	d.more_from[d.n_more_from++] = 3;
	latency_init(&l, &d, false);
	CHECK(feed(&l, 2, 5, 100) == -1);
	CHECK(feed(&l, TO, 5, 160) == 60);	/* started by the second start event */
	feed(&l, FROM, 5, 200);
	feed(&l, 3, 5, 250);
	CHECK(feed(&l, TO, 5, 300) == 50);	/* the last start, of either event */
	CHECK(feed(&l, 4, 5, 400) == -1 && l.n_pending == 0);	/* another event: nothing */
	CHECK(l.c.pairs == 2 && l.c.restarts == 1);
	CHECK(latency_is_start(&d, 3) && !latency_is_start(&d, TO));
	latency_free(&l);
}

static void several_starts_before_an_end(void)
{
	struct latency_decl first = decl(START_FIRST, true, 1000000, 16);
	struct latency_decl last = decl(START_LAST, true, 1000000, 16);
	struct latency l;

	latency_init(&l, &first, false);
	feed(&l, FROM, 7, 100);
	feed(&l, FROM, 7, 200);
	feed(&l, FROM, 7, 300);
	CHECK(feed(&l, TO, 7, 1000) == 900);	/* from the first */
	CHECK(l.c.restarts == 2 && l.c.starts == 3);
	latency_free(&l);

	latency_init(&l, &last, false);
	feed(&l, FROM, 7, 100);
	feed(&l, FROM, 8, 150);
	feed(&l, FROM, 7, 300);
	CHECK(feed(&l, TO, 7, 1000) == 700);	/* from the last */
	CHECK(l.oldest && l.pool[l.oldest].ts == 150);	/* age order follows the restart */
	latency_free(&l);
}

static void ends_that_do_not_consume(void)
{
	struct latency_decl d = decl(START_FIRST, false, 1000000, 16);
	struct latency l;

	latency_init(&l, &d, false);
	feed(&l, FROM, 1, 100);
	CHECK(feed(&l, TO, 1, 200) == 100);
	CHECK(feed(&l, TO, 1, 500) == 400);	/* still measured from the start */
	CHECK(l.n_pending == 1 && l.c.pairs == 2);
	latency_free(&l);
}

static void unmatched_starts_time_out(void)
{
	struct latency_decl d = decl(START_FIRST, true, 1000, 16);
	struct latency l;

	latency_init(&l, &d, false);
	feed(&l, FROM, 1, 0);
	feed(&l, FROM, 2, 500);
	feed(&l, FROM, 3, 2000);		/* 1 and 2 are older than 1000 ns now */
	CHECK(l.c.timeouts == 2 && l.n_pending == 1);
	CHECK(feed(&l, TO, 1, 2100) == -1);
	CHECK(feed(&l, TO, 3, 2100) == 100);
	CHECK(l.c.unmatched_ends == 1);
	latency_free(&l);
}

static void pending_bound_evicts_the_oldest(void)
{
	struct latency_decl d = decl(START_FIRST, true, 1000000000, 3);
	struct latency l;

	latency_init(&l, &d, false);
	for (uint64_t k = 1; k <= 5; k++)
		feed(&l, FROM, k, k * 10);
	CHECK(l.c.evictions == 2 && l.n_pending == 3);
	CHECK(feed(&l, TO, 1, 100) == -1 && feed(&l, TO, 2, 100) == -1);
	CHECK(feed(&l, TO, 3, 100) == 70 && feed(&l, TO, 5, 100) == 50);
	/* the pool is reused after removals, thousands of times over */
	for (uint64_t k = 0; k < 10000; k++) {
		feed(&l, FROM, 100 + k, 1000 + k);
		if (feed(&l, TO, 100 + k, 1001 + k) != 1)
			test_failures++;
	}
	CHECK(l.n_pending == 1 && l.c.pairs == 10002);
	latency_free(&l);
}

static void lost_events_invalidate_pending_starts(void)
{
	struct latency_decl d = decl(START_FIRST, true, 1000000, 16);
	struct latency l;

	latency_init(&l, &d, false);
	feed(&l, FROM, 1, 100);
	feed(&l, FROM, 2, 100);
	latency_invalidate(&l);	/* their ends may be among the lost */
	CHECK(l.c.invalidated == 2 && l.n_pending == 0);
	CHECK(feed(&l, TO, 1, 5000) == -1);
	CHECK(l.all.count == 0);
	latency_free(&l);
}

static void end_before_start_is_not_a_pair(void)
{
	struct latency_decl d = decl(START_FIRST, true, 1000000, 16);
	struct latency l;

	latency_init(&l, &d, false);
	/* an end stamped before its start (clocks of two CPUs that disagree) */
	feed(&l, FROM, 1, 1000);
	CHECK(feed(&l, TO, 1, 900) == -1);
	CHECK(l.c.negative == 1 && l.c.pairs == 0 && l.n_pending == 0);
	latency_free(&l);
}

static void per_group_and_interval_stats(void)
{
	static struct column by_key[] = { { .title = "K", .field = KEY, .port_field = -1 } };
	struct latency_decl d = decl(START_FIRST, true, 1000000, 16);
	struct latency l;
	struct group **g;
	size_t n;

	d.group_by = by_key;
	d.n_group_by = 1;
	latency_init(&l, &d, true);	/* -i */
	for (int i = 0; i < 10; i++) {
		feed(&l, FROM, 1, 1000 * i);
		feed(&l, TO, 1, 1000 * i + 100);
		feed(&l, FROM, 2, 1000 * i);
		feed(&l, TO, 2, 1000 * i + 300);
	}
	g = grouptab_list(&l.groups, &n);
	CHECK(n == 2);
	for (size_t i = 0; i < n; i++) {
		const struct lat_group_stats *s = g[i]->payload;

		CHECK(s->all.count == 10);
		CHECK(stats_percentile(&s->all, 50) == (g[i]->vals[0].num == 1 ? 100 : 300));
	}
	CHECK(l.interval.count == 20);
	latency_interval_reset(&l);
	CHECK(l.interval.count == 0 && l.all.count == 20);
	CHECK(((struct lat_group_stats *)g[0]->payload)->interval.count == 0);
	free(g);
	latency_free(&l);
}

/* Percentiles within 1% (0.4% by construction) on known distributions. */
static void percentile_error_is_bounded(void)
{
	struct stats s = { 0 };
	uint64_t *v = xcalloc(100000, sizeof(*v));
	double worst = 0;

	stats_keep_log2(&s);
	/* uniform 1 us .. 10 s on a log scale, and a tight cluster */
	for (int i = 0; i < 100000; i++) {
		v[i] = (uint64_t)(1000.0 * pow(1e7, (double)i / 99999));
		stats_add(&s, v[i]);
	}
	for (double p = 1; p < 100; p += 0.7) {
		uint64_t exact = v[(int)ceil(p / 100 * 100000) - 1];
		double err = fabs((double)stats_percentile(&s, p) - exact) / exact;

		worst = err > worst ? err : worst;
	}
	printf("    worst percentile error: %.3f%%\n", worst * 100);
	CHECK(worst < 0.01);
	CHECK(s.min == 1000 && s.max == v[99999]);
	CHECK(stats_percentile(&s, 100) == s.max && stats_percentile(&s, 0) == s.min);
	stats_reset(&s);
	for (int i = 0; i < 1000; i++)
		stats_add(&s, 5000000 + i);	/* 5.000 ms .. 5.001 ms */
	CHECK(fabs((double)stats_percentile(&s, 50) - 5000500) / 5000500 < 0.01);
	CHECK(s.log2_us[12] == 1000);	/* 5000 us is in [4096, 8191] */
	stats_reset(&s);
	CHECK(stats_percentile(&s, 50) == 0 && s.count == 0);
	stats_add(&s, 42);
	CHECK(stats_percentile(&s, 99.9) == 42);	/* small values are exact */
	stats_free(&s);
	free(v);
}

/* A field's distribution: each record a sample, scaled by its shift and unit. */
static double worst_error(const struct stats *s, const uint64_t *v, int n)
{
	double worst = 0;

	for (double p = 1; p < 100; p += 0.7) {	/* p * n / 100 lands near integers: the same rounding */
		uint64_t exact = v[(int)(p / 100 * n + 0.999999) - 1];
		double err = fabs((double)stats_percentile(s, p) - exact) / exact;

		worst = err > worst ? err : worst;
	}
	return worst;
}

/*
 * A group of a short flow holds a few buckets in a few hundred bytes; past
 * STATS_SPARSE_MAX buckets they become dense. Same error bound either way, and
 * the difference of a dense and a sparse read is right.
 */
static void few_values_stay_small(void)
{
	struct stats few = { 0 }, many = { 0 }, diff = { 0 }, extra = { 0 };
	uint64_t v[40], w[2000];

	for (int i = 0; i < 40; i++) {
		v[i] = (uint64_t)(1000.0 * pow(1e4, (double)i / 39));	/* 1 us .. 10 ms */
		stats_add(&few, v[i]);
		stats_add(&many, v[i]);
	}
	printf("    40 values in %zu bytes of buckets\n", stats_bytes(&few));
	CHECK(few.dense == NULL && few.n_cells == 40 && stats_bytes(&few) <= 64 * sizeof(struct stats_cell));
	CHECK(worst_error(&few, v, 40) < 0.005);
	for (int i = 0; i < 2000; i++) {
		w[i] = 50000 + (uint64_t)i * 997;	/* 50 us .. 2 ms: hundreds of buckets */
		stats_add(&many, w[i]);
		stats_add(&extra, w[i]);
	}
	CHECK(many.dense != NULL && many.cells == NULL && many.count == 2040);
	CHECK(worst_error(&extra, w, 2000) < 0.005);
	stats_sub(&diff, &many, &few);
	CHECK(diff.count == 2000 && diff.sum == extra.sum);
	for (double p = 1; p < 100; p += 7)
		CHECK(stats_percentile(&diff, p) == stats_percentile(&extra, p) ||
		      fabs((double)stats_percentile(&diff, p) - (double)stats_percentile(&extra, p)) <
			      0.004 * (double)stats_percentile(&extra, p));
	stats_reset(&few);
	CHECK(few.count == 0 && stats_percentile(&few, 50) == 0);
	stats_add(&few, 7);
	CHECK(few.n_cells == 1 && stats_percentile(&few, 50) == 7);
	stats_free(&few);
	stats_free(&many);
	stats_free(&diff);
	stats_free(&extra);
}

static void distribution_of_a_field(void)
{
	static const char text[] = "{\"probekit\": 1, \"name\": \"d\", \"description\": \"d\", \"fields\": {"
		"\"v\": {\"format\": \"decimal\"}, \"t\": {\"format\": \"duration\"}},"
		"\"events\": {\"e\": {\"any\": [{\"tracepoint\": \"tcp:tcp_probe\","
		"\"fields\": {\"v\": \"srtt\"}}]}},"
		"\"distribution\": [{\"name\": \"v\", \"event\": \"e\", \"field\": \"v\","
		"\"unit\": \"us\", \"shift\": 3, \"into\": \"t\"}], \"output\": {\"columns\": [\"time\", \"t\"]}}";
	char bad[sizeof(text) + 8], *tok, *err;
	struct recipe *r = recipe_load_buffer(text, strlen(text), "d.json");
	const struct latency_decl *d;
	struct latency l;
	struct value *vals;
	int v, t;

	CHECK(r != NULL);
	if (!r)
		return;
	d = recipe_analysis_cfg(r, &distribution_analysis);
	v = recipe_field_index(r, "v");
	t = recipe_field_index(r, "t");
	CHECK(d && d->value_field == v && d->into_field == t && d->value_shift == 3);
	vals = xcalloc(r->n_fields, sizeof(*vals));
	latency_init(&l, d, false);
	for (int i = 1; i <= 100; i++) {
		vals[v] = (struct value){ .present = true, .num = (uint64_t)i * 1000 << 3 };
		CHECK(latency_feed(&l, 0, vals, 0) == (int64_t)i * 1000000);
		CHECK(vals[t].present && vals[t].num == (uint64_t)i * 1000000);
	}
	vals[v].present = false;	/* no value, no sample */
	CHECK(latency_feed(&l, 0, vals, 0) == -1);
	CHECK(l.c.pairs == 100 && l.all.min == 1000000 && l.all.max == 100000000);
	CHECK(stats_percentile(&l.all, 50) >= 49800000 && stats_percentile(&l.all, 50) <= 50200000);
	latency_free(&l);
	free(vals);
	recipe_free(r);
	/* a unit that is not one of time */
	snprintf(bad, sizeof(bad), "%s", text);
	memcpy(strstr(bad, "\"us\""), "\"kb\"", 4);
	tok = capture_stderr_begin();
	r = recipe_load_buffer(bad, strlen(bad), "d.json");
	err = capture_stderr_end(tok);
	CHECK(!r);
	CHECK_CONTAINS(err, "distribution[0].unit: 'kb' is not a unit of time");
	free(err);
}

/* A cumulative histogram read twice (the kernel's): the interval is the difference. */
static void stats_difference_of_two_reads(void)
{
	struct stats before = { 0 }, now = { 0 }, d = { 0 };

	stats_add_n(&before, 1000, 3);
	stats_add_n(&now, 1000, 3);
	stats_add_n(&now, 5000, 2);
	stats_add_n(&now, 2000000, 1);
	stats_sub(&d, &now, &before);
	CHECK(d.count == 3 && d.sum == 2 * 5000 + 2000000);
	CHECK(stats_percentile(&d, 50) >= 4980 && stats_percentile(&d, 50) <= 5020);
	CHECK(d.min >= 4980 && d.min <= 5020 && d.max >= 1990000 && d.max <= 2010000);
	stats_sub(&d, &now, &now);
	CHECK(d.count == 0 && d.min == 0 && d.max == 0 && stats_percentile(&d, 99) == 0);
	stats_free(&before);
	stats_free(&now);
	stats_free(&d);
}

const struct unit_test latency_tests[] = {
	{ "stats: the difference of two reads of a growing histogram", stats_difference_of_two_reads },
	{ "distribution: samples of a field, shift and unit", distribution_of_a_field },
	{ "latency: pairs by key, unmatched ends", pairs_by_key },
	{ "latency: several starts, first and last policies", several_starts_before_an_end },
	{ "latency: several start events", several_start_events },
	{ "latency: ends that do not consume", ends_that_do_not_consume },
	{ "latency: unmatched starts time out", unmatched_starts_time_out },
	{ "latency: pending bound evicts the oldest", pending_bound_evicts_the_oldest },
	{ "latency: lost events invalidate pending starts", lost_events_invalidate_pending_starts },
	{ "latency: an end before its start", end_before_start_is_not_a_pair },
	{ "latency: per group and per interval", per_group_and_interval_stats },
	{ "stats: percentile error within 1%", percentile_error_is_bounded },
	{ "stats: a few values stay sparse and small", few_values_stay_small },
	{ NULL, NULL },
};
