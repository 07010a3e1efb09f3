// SPDX-License-Identifier: GPL-2.0-or-later
/* $argN to registers for kernels without $argN. */
#include <stdlib.h>

#include "source/fetcharg.h"
#include "test.h"

static void check_translate(const char *spec, const char *arch, const char *want)
{
	char *err = NULL;
	char *got = fetcharg_translate(spec, arch, false, false, &err);

	CHECK_STR(got, want);
	free(got);
	free(err);
}

static void x86_64_registers(void)
{
	check_translate("$arg1", "x86_64", "%di");
	check_translate("+16($arg2):u16", "x86_64", "+16(%si):u16");
	check_translate("+0(+8($arg3)):u64", "x86_64", "+0(+8(%dx)):u64");
	check_translate("$arg4 $arg5 $arg6", "x86_64", "%cx %r8 %r9");
	check_translate("$retval", "x86_64", "$retval");
	check_translate("$args", "x86_64", "$args");	/* not $argN */
}

static void arm64_registers(void)
{
	check_translate("$arg1", "aarch64", "%x0");
	check_translate("+4($arg8):u32", "arm64", "+4(%x7):u32");
}

static void cannot_translate(void)
{
	char *err = NULL;

	CHECK(fetcharg_translate("$arg7", "x86_64", false, false, &err) == NULL);
	CHECK_CONTAINS(err, "$arg7 is not passed in a register on x86_64");
	free(err);
	err = NULL;
	CHECK(fetcharg_translate("$arg1", "s390x", false, false, &err) == NULL);
	CHECK_CONTAINS(err, "no register mapping for s390x");
	free(err);
	err = NULL;
	CHECK(fetcharg_translate("$arg1", "x86_64", false, true, &err) == NULL);
	CHECK_CONTAINS(err, "kretprobe");
	free(err);
	/* with kernel support the spec goes through untouched */
	char *s = fetcharg_translate("$arg1", "s390x", true, true, &err);

	CHECK_STR(s, "$arg1");
	free(s);
}

const struct unit_test fetcharg_tests[] = {
	{ "fetcharg: x86_64 registers", x86_64_registers },
	{ "fetcharg: arm64 registers", arm64_registers },
	{ "fetcharg: what cannot be translated", cannot_translate },
	{ NULL, NULL },
};
