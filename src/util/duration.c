// SPDX-License-Identifier: GPL-2.0-or-later
/* Durations on the command line and in recipes: 500us, 2ms, 1.5s, 10 (seconds), 2m, 1h. */
#include <stdlib.h>
#include <string.h>

#include "util/duration.h"
#include "util/util.h"

bool parse_duration_ns(const char *text, uint64_t *ns)
{
	static const struct { const char *unit; double scale; } units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }, { "m", 60e9 },
		{ "h", 3600e9 }, { "", 1e9 },
	};
	char *end;
	double v = strtod(text, &end);

	/* "!(v >= 0)" also refuses NaN, which compares false with everything */
	if (end == text || !(v >= 0))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (!strcmp(end, units[i].unit)) {
			double scaled = v * units[i].scale + 0.5;

			/* beyond 2^64 ns (584 years, or inf) the cast is undefined */
			if (!(scaled < 18446744073709549568.0))
				return false;
			*ns = (uint64_t)scaled;
			return true;
		}
	return false;
}
