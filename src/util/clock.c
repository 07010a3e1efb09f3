// SPDX-License-Identifier: GPL-2.0-or-later
/* Clocks: the run's own, and the trace clock's distance from wall-clock time. */
#include <string.h>

#include "util/clock.h"

int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t clock_wall_offset(const char *trace_clock)
{
	clockid_t id = CLOCK_MONOTONIC;

	if (!strcmp(trace_clock, "boot"))
		id = CLOCK_BOOTTIME;
	else if (!strcmp(trace_clock, "mono_raw"))
		id = CLOCK_MONOTONIC_RAW;
	else if (!strcmp(trace_clock, "tai"))
		id = CLOCK_TAI;
	return clock_ns(CLOCK_REALTIME) - clock_ns(id);
}

/* Days since 1970-01-01 to a civil date (H. Hinnant's days_from_civil, inverted). */
void clock_utc(int64_t sec, struct tm *tm)
{
	int64_t days = sec / 86400, rem = sec % 86400;

	if (rem < 0) {
		rem += 86400;
		days--;
	}
	days += 719468;
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	int64_t doe = days - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t mday = doy - (153 * mp + 2) / 5 + 1, mon = mp < 10 ? mp + 3 : mp - 9;

	*tm = (struct tm){ .tm_year = (int)(yoe + era * 400 + (mon <= 2) - 1900),
			   .tm_mon = (int)mon - 1, .tm_mday = (int)mday,
			   .tm_hour = (int)(rem / 3600), .tm_min = (int)(rem / 60 % 60),
			   .tm_sec = (int)(rem % 60) };
}
