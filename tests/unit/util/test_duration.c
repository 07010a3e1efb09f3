// SPDX-License-Identifier: GPL-2.0-or-later
/* Durations: units, and nothing a double cannot turn into nanoseconds. */
#include "test.h"
#include "util/clock.h"
#include "util/duration.h"

static void durations_parse_and_refuse(void)
{
	uint64_t ns = 0;

	CHECK(parse_duration_ns("200ms", &ns) && ns == 200000000);
	CHECK(parse_duration_ns("1.5s", &ns) && ns == 1500000000);
	CHECK(parse_duration_ns("10", &ns) && ns == 10000000000ULL);
	CHECK(parse_duration_ns("500us", &ns) && ns == 500000);
	CHECK(!parse_duration_ns("", &ns));
	CHECK(!parse_duration_ns("-1s", &ns));
	CHECK(!parse_duration_ns("5 parsecs", &ns));
	/* found by fuzz_params: these once reached an undefined float cast */
	CHECK(!parse_duration_ns("9999999999999999999999999999999s", &ns));
	CHECK(!parse_duration_ns("1e300h", &ns));
	CHECK(!parse_duration_ns("inf", &ns));
	CHECK(!parse_duration_ns("nan", &ns));
	CHECK(!parse_duration_ns("-nan", &ns));
	CHECK(parse_duration_ns("500y", &ns) == false);
}

/* The capture writer's UTC dates (no libc lock): the same as gmtime_r's. */
static void utc_dates_agree_with_gmtime(void)
{
	static const int64_t at[] = { 0, 59, 86399, 86400, 951782400 /* 2000-02-29 */,
				      951868800, 4107542399 /* 2100-02-28T23:59:59 */,
				      1798761599 /* 2026-12-31T23:59:59 */, 253402300799 };
	int bad = 0;

	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		for (int64_t d = -2; d <= 2; d++) {
			time_t t = (time_t)(at[i] + d * 3601);
			struct tm want, got;

			if (t < 0)
				continue;
			gmtime_r(&t, &want);
			clock_utc(t, &got);
			bad += want.tm_year != got.tm_year || want.tm_mon != got.tm_mon ||
			       want.tm_mday != got.tm_mday || want.tm_hour != got.tm_hour ||
			       want.tm_min != got.tm_min || want.tm_sec != got.tm_sec;
		}
	}
	/* and every day of 400 years, at noon */
	for (int64_t day = 0; day < 146097; day++) {
		time_t t = (time_t)(day * 86400 + 43200);
		struct tm want, got;

		gmtime_r(&t, &want);
		clock_utc(t, &got);
		bad += want.tm_year != got.tm_year || want.tm_mon != got.tm_mon ||
		       want.tm_mday != got.tm_mday;
	}
	CHECK(bad == 0);
}

const struct unit_test duration_tests[] = {
	{ "clock: UTC dates by arithmetic agree with gmtime_r", utc_dates_agree_with_gmtime },
	{ "duration: units parse; out of range, inf and NaN are refused", durations_parse_and_refuse },
	{ NULL, NULL },
};
