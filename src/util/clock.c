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
