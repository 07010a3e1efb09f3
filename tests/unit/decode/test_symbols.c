// SPDX-License-Identifier: GPL-2.0-or-later
/* Names of values from an event's own print format (__print_symbolic). */
#include <stdlib.h>
#include <event-parse.h>

#include "decode/symbols.h"
#include "output/format.h"
#include "test.h"

static const char format[] =
	"name: kfree_skb\n"
	"ID: 1234\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
	"\tfield:void * skbaddr;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:unsigned short protocol;\toffset:16;\tsize:2;\tsigned:0;\n"
	"\tfield:enum skb_drop_reason reason;\toffset:20;\tsize:4;\tsigned:0;\n\n"
	"print fmt: \"skbaddr=%p protocol=%u reason: %s\", REC->skbaddr, REC->protocol, "
	"__print_symbolic(REC->reason, { 2, \"NOT_SPECIFIED\" }, { 77, \"NETFILTER_DROP\" }, "
	"{ 3, \"NO_SOCKET\" }, { SKB_DROP_REASON_MAX, \"MAX\" })\n";

static void names_from_the_print_format(void)
{
	struct tep_handle *tep = tep_alloc();
	struct tep_event *ev = NULL;
	struct symbols s;

	CHECK(tep_parse_format(tep, &ev, format, sizeof(format) - 1, "skb") == 0 && ev);
	if (!ev) {
		tep_free(tep);
		return;
	}
	symbols_of_field(ev, "reason", &s);
	CHECK(s.n == 3);	/* an enum name the kernel left unresolved is skipped */
	CHECK_STR(symbols_name(&s, 77), "NETFILTER_DROP");
	CHECK_STR(symbols_name(&s, 2), "NOT_SPECIFIED");
	CHECK_STR(symbols_name(&s, 3), "NO_SOCKET");
	CHECK(!symbols_name(&s, 4) && !symbols_name(&s, -1));
	symbols_free(&s);
	symbols_of_field(ev, "protocol", &s);	/* printed as a number: no table */
	CHECK(s.n == 0 && !symbols_name(&s, 2));
	symbols_free(&s);
	tep_free(tep);
}

/* A symbolic value: its name as text, {"name", "value"} in both JSON writers. */
static void symbolic_values_shown(void)
{
	struct recipe *r = recipe_load("../recipes/net-drops.json");
	struct format_ctx fc = { .recipe = r };
	struct value known = { .present = true, .num = 77, .str = "NETFILTER_DROP", .len = 14 };
	struct value unknown = { .present = true, .num = 5 };
	const struct value *v[] = { &known, &unknown };
	const char *want[] = { "{\"name\":\"NETFILTER_DROP\",\"value\":77}",
			       "{\"name\":null,\"value\":5}" };
	char buf[64];
	int f;

	CHECK(r != NULL);
	if (!r)
		return;
	f = recipe_field_index(r, "reason");
	format_value(&fc, f, &known, buf, sizeof(buf));
	CHECK_STR(buf, "NETFILTER_DROP");
	format_value(&fc, f, &unknown, buf, sizeof(buf));
	CHECK_STR(buf, "5");
	for (int i = 0; i < 2; i++) {
		char *mem = NULL, *dumped;
		size_t len = 0;
		FILE *m = open_memstream(&mem, &len);
		json_t *j = format_json(&fc, f, v[i]);

		format_json_write(&fc, f, v[i], m);
		fclose(m);
		dumped = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
		CHECK_STR(mem, want[i]);
		CHECK_STR(dumped, want[i]);
		free(dumped);
		json_decref(j);
		free(mem);
	}
	recipe_free(r);
}

const struct unit_test symbols_tests[] = {
	{ "symbols: a symbolic value as text and JSON", symbolic_values_shown },
	{ "symbols: names of a field's values from the print format", names_from_the_print_format },
	{ NULL, NULL },
};
