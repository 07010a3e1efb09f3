// SPDX-License-Identifier: GPL-2.0-or-later
/* --cpu lists: the kernel's cpulist format, and nothing else. */
#include "test.h"
#include "util/cpulist.h"

static void cpulists_parse_and_refuse(void)
{
	cpu_set_t set;

	CHECK(cpulist_parse("3", &set) && CPU_COUNT(&set) == 1 && CPU_ISSET(3, &set));
	CHECK(cpulist_parse("0,2-4", &set) && CPU_COUNT(&set) == 4 && !CPU_ISSET(1, &set));
	CHECK(!cpulist_parse("", &set));
	CHECK(!cpulist_parse("1,", &set));
	CHECK(!cpulist_parse("4-2", &set));
	CHECK(!cpulist_parse("1 2", &set));
	CHECK(!cpulist_parse("-1", &set));
	CHECK(!cpulist_parse("99999", &set));
	CHECK(!cpulist_parse("0-x", &set));
}

const struct unit_test cpulist_tests[] = {
	{ "cpulist: --cpu lists parse, anything else is refused", cpulists_parse_and_refuse },
	{ NULL, NULL },
};
