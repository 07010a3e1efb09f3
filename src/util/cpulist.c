// SPDX-License-Identifier: GPL-2.0-or-later
/* A CPU list from the command line (--cpu): digits, commas and ranges, nothing else. */
#include "util/cpulist.h"

static bool number(const char **p, int *out)
{
	long v = 0;

	if (**p < '0' || **p > '9')
		return false;
	while (**p >= '0' && **p <= '9') {
		v = v * 10 + (**p - '0');
		if (v >= CPU_SETSIZE)
			return false;
		(*p)++;
	}
	*out = (int)v;
	return true;
}

bool cpulist_parse(const char *text, cpu_set_t *set)
{
	const char *p = text;

	CPU_ZERO(set);
	for (;;) {
		int lo, hi;

		if (!number(&p, &lo))
			return false;
		hi = lo;
		if (*p == '-' && (p++, !number(&p, &hi) || hi < lo))
			return false;
		for (int c = lo; c <= hi; c++)
			CPU_SET(c, set);
		if (*p != ',')
			break;
		p++;	/* a number must follow */
	}
	return *p == '\0' && CPU_COUNT(set) > 0;
}
