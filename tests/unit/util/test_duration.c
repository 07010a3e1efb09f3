// SPDX-License-Identifier: GPL-2.0-or-later
/* Durations: units, and nothing a double cannot turn into nanoseconds. */
#include "test.h"
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

const struct unit_test duration_tests[] = {
	{ "duration: units parse; out of range, inf and NaN are refused", durations_parse_and_refuse },
	{ NULL, NULL },
};
