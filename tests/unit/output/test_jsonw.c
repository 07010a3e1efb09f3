// SPDX-License-Identifier: GPL-2.0-or-later
/* The allocation-free JSON writer of event lines writes what jansson writes. */
#include <stdlib.h>
#include <jansson.h>

#include "output/jsonw.h"
#include "test.h"

static char *written(const char *s, size_t len)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	jw_string(f, s, len);
	fclose(f);
	return buf;
}

static void strings_as_jansson_writes_them(void)
{
	static const char *const cases[] = {
		"", "plain", "quote\" back\\slash /slash", "\x01\x1f\x7f\b\f\n\r\t", "caf\xc3\xa9",
		"bidi \xe2\x80\xae override", "emoji \xf0\x9f\x98\x80", "c1 \xc2\x9b csi", "\xe2\x82\xac",
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		json_t *j = json_string(cases[i]);
		char *want = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ENCODE_ANY);
		char *got = written(cases[i], strlen(cases[i]));

		CHECK(jw_utf8_valid(cases[i], strlen(cases[i])));
		CHECK_STR(got, want);
		free(got);
		free(want);
		json_decref(j);
	}
	/* what jansson refuses, the writer's callers must not pass */
	CHECK(!jw_utf8_valid("\xc0\x80", 2));		/* overlong NUL */
	CHECK(!jw_utf8_valid("\xed\xa0\x80", 3));	/* a surrogate */
	CHECK(!jw_utf8_valid("\xf4\x90\x80\x80", 4));	/* past U+10FFFF */
	CHECK(!jw_utf8_valid("\xe2\x82", 2));		/* cut short */
	CHECK(!jw_utf8_valid("\x9b", 1));
}

const struct unit_test jsonw_tests[] = {
	{ "jsonw: strings escaped as jansson escapes them", strings_as_jansson_writes_them },
	{ NULL, NULL },
};
