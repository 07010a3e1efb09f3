// SPDX-License-Identifier: GPL-2.0-or-later
/* Display formats. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/syscall.h>

#include "output/format.h"
#include "test.h"

static struct recipe *fmt_recipe(void)
{
	static const char *const names[] = {
		"decimal", "hex", "ipv4", "ipv6", "inet", "sockaddr", "port", "tcp_state",
		"errno", "ksym", "string", "syscall",
	};
	struct strbuf sb = { 0 };
	struct recipe *r;
	char *path;

	sb_addf(&sb, "{\"probekit\":1,\"name\":\"f\",\"description\":\"d\",\"fields\":{");
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		sb_addf(&sb, "%s\"f_%s\":{\"format\":\"%s\"}", i ? "," : "", names[i], names[i]);
	sb_addf(&sb, "},\"events\":{\"e\":{\"any\":[{\"tracepoint\":\"a:b\",\"fields\":{}}]}},"
		"\"output\":{\"columns\":[\"f_inet:f_port\"]}}");
	path = write_temp("fmt.json", sb.buf);
	r = recipe_load(path);
	free(path);
	sb_release(&sb);
	return r;
}

static void text(struct format_ctx *fc, const char *field, struct value v, const char *want)
{
	char buf[128];

	v.present = true;
	format_value(fc, recipe_field_index(fc->recipe, field), &v, buf, sizeof(buf));
	CHECK_STR(buf, want);
}

static void formats_as_text(void)
{
	struct recipe *r = fmt_recipe();
	struct format_ctx fc = { .recipe = r };
	struct value v = { 0 };
	uint8_t sa6[28] = { 0 };
	char buf[128];

	CHECK(r != NULL);
	if (!r)
		return;
	text(&fc, "f_decimal", (struct value){ .num = (uint64_t)-5 }, "-5");
	text(&fc, "f_hex", (struct value){ .num = 0xffff888012345678ULL }, "0xffff888012345678");
	text(&fc, "f_port", (struct value){ .num = 443 }, "443");
	text(&fc, "f_tcp_state", (struct value){ .num = 1 }, "ESTABLISHED");
	text(&fc, "f_tcp_state", (struct value){ .num = 12 }, "NEW_SYN_RECV");
	text(&fc, "f_tcp_state", (struct value){ .num = 99 }, "99");
	text(&fc, "f_errno", (struct value){ .num = (uint64_t)-ENOMEM }, "-ENOMEM");
	text(&fc, "f_errno", (struct value){ .num = 0 }, "0");
	/* this machine's numbers, named by libseccomp */
	text(&fc, "f_syscall", (struct value){ .num = SYS_getppid }, "getppid");
	text(&fc, "f_syscall", (struct value){ .num = SYS_openat }, "openat");
	text(&fc, "f_syscall", (struct value){ .num = 100000 }, "100000");
	text(&fc, "f_ksym", (struct value){ .num = 0x1234 }, "0x1234");
	text(&fc, "f_string", (struct value){ .str = "nginx\0junk", .len = 5 }, "nginx");
	/* kernel text shown to a terminal: control bytes and non-UTF-8 escaped */
	text(&fc, "f_string", (struct value){ .str = "a\x1b[2J\x9b", .len = 6 }, "a\\x1b[2J\\x9b");

	value_set_addr(&v, (const uint8_t[]){ 10, 0, 0, 1 }, 4);
	text(&fc, "f_ipv4", v, "10.0.0.1");
	inet_pton(AF_INET6, "::ffff:192.168.1.2", v.addr);
	value_set_addr(&v, v.addr, 16);
	text(&fc, "f_inet", v, "192.168.1.2");	/* v4-mapped shown as IPv4 */
	inet_pton(AF_INET6, "2001:db8::1", v.addr);
	value_set_addr(&v, v.addr, 16);
	text(&fc, "f_ipv6", v, "2001:db8::1");

	/* struct sockaddr_in6 as in tcp:tcp_probe: family, port (be), flowinfo, addr */
	sa6[0] = AF_INET6;
	sa6[2] = 0x01, sa6[3] = 0xbb;
	inet_pton(AF_INET6, "::1", sa6 + 8);
	value_set_addr(&v, sa6, 28);
	text(&fc, "f_sockaddr", v, "[::1]:443");

	struct value port = { .present = true, .num = 8080 };

	format_endpoint(&v, &port, buf, sizeof(buf));
	CHECK_STR(buf, "[::1]:8080");
	value_set_addr(&v, (const uint8_t[]){ 127, 0, 0, 1 }, 4);
	format_endpoint(&v, &port, buf, sizeof(buf));
	CHECK_STR(buf, "127.0.0.1:8080");
	v.present = false;
	format_endpoint(&v, &port, buf, sizeof(buf));
	CHECK_STR(buf, "-");
	format_value(&fc, recipe_field_index(r, "f_hex"), &v, buf, sizeof(buf));
	CHECK_STR(buf, "-");
	recipe_free(r);
}

static void formats_as_json(void)
{
	struct recipe *r = fmt_recipe();
	struct format_ctx fc = { .recipe = r };
	struct value v = { .present = true, .num = 0xffff888012345678ULL };
	char buf[64];
	json_t *j;

	if (!r)
		return;
	j = format_json(&fc, recipe_field_index(r, "f_hex"), &v);
	CHECK_STR(json_string_value(j), "0xffff888012345678");	/* pointers never as numbers */
	json_decref(j);
	v.num = SYS_getppid;	/* a call as {"name", "value"}, as the kernel's symbols */
	j = format_json(&fc, recipe_field_index(r, "f_syscall"), &v);
	CHECK_STR(json_string_value(json_object_get(j, "name")), "getppid");
	CHECK(json_integer_value(json_object_get(j, "value")) == SYS_getppid);
	json_decref(j);
	/* JSON carries the text as it is (jansson escapes it), \xNN only if not UTF-8 */
	struct value sv = { .present = true, .str = "a\x1b[2J\0", .len = 6 };
	char *dump;

	j = format_json(&fc, recipe_field_index(r, "f_string"), &sv);
	dump = json_dumps(j, JSON_ENCODE_ANY);
	CHECK_STR(dump, "\"a\\u001B[2J\"");
	free(dump);
	json_decref(j);
	sv.str = "a\x9b";
	sv.len = 2;
	j = format_json(&fc, recipe_field_index(r, "f_string"), &sv);
	CHECK_STR(json_string_value(j), "a\\x9b");
	json_decref(j);
	v.num = 443;
	j = format_json(&fc, recipe_field_index(r, "f_port"), &v);
	CHECK(json_integer_value(j) == 443);
	json_decref(j);
	v.present = false;
	j = format_json(&fc, recipe_field_index(r, "f_port"), &v);
	CHECK(json_is_null(j));
	json_decref(j);
	v = (struct value){ .present = true, .num = 1000000000ULL };
	fc.wall_offset_ns = 1700000000LL * 1000000000LL;
	j = format_json(&fc, FIELD_TIME, &v);
	CHECK_STR(json_string_value(j), "2023-11-14T22:13:21.000000Z");
	json_decref(j);
	/* from fuzzing: a corrupt record's stamp plus the wall offset overflowed */
	v.num = 7811895293741368296ULL;
	fc.wall_offset_ns = 1796228479059040023LL;
	j = format_json(&fc, FIELD_TIME, &v);
	CHECK_STR(json_string_value(j), "7811895293741368296");
	json_decref(j);
	format_value(&fc, FIELD_TIME, &v, buf, sizeof(buf));
	CHECK_STR(buf, "7811895293741368296");
	v.num = UINT64_MAX;
	format_value(&fc, FIELD_TIME, &v, buf, sizeof(buf));
	CHECK_STR(buf, "18446744073709551615");
	recipe_free(r);
}

const struct unit_test format_tests[] = {
	{ "format: every display format as text", formats_as_text },
	{ "format: JSON values", formats_as_json },
	{ NULL, NULL },
};
