// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Recipes from other teams are untrusted: nothing they say reaches tracefs as
 * more than one command, nothing reaches a terminal as a control byte, and
 * every bound is enforced with one line naming the JSON path.
 */
#include <stdlib.h>

#include "source/fetcharg.h"
#include "recipe/params.h"
#include "recipe/recipe.h"
#include "recipe/limits.h"
#include "session/session.h"
#include "util/textsafe.h"
#include "test.h"

#define HEAD "{\"probekit\":1,\"name\":\"t\",\"description\":\"d\","
#define FIELDS "\"fields\":{\"lport\":{\"format\":\"port\"}},"
#define KPROBE(arg) "\"events\":{\"e\":{\"any\":[{\"kprobe\":\"tcp_sendmsg\",\"args\":{\"sk\":" \
	arg "},\"fields\":{\"lport\":\"sk\"}}]}}}"

/* Load from memory; returns the recipe and what was printed. */
static struct recipe *load(const char *text, char **err)
{
	char *tok = capture_stderr_begin();
	struct recipe *r = recipe_load_buffer(text, strlen(text), "evil.json");

	*err = capture_stderr_end(tok);
	return r;
}

static void refused(const char *text, const char *want)
{
	char *err;
	struct recipe *r = load(text, &err);

	check_refusal(r, err, want, text);
}

static void fetch_args_are_one_token(void)
{
	static const char *const bad[] = {
		"$arg1\n-:victim/probe\np:pkevil/made tcp_sendmsg", "$arg1 x=$arg2", "$arg1\r",
		"$arg1\t", "$arg1;", "$arg1>", "$arg1&", "\"$arg1\"", "$arg1=1", "$argé", "",
	};
	static const char *const good[] = {
		"$arg1", "+16($arg1):u16", "+0(+8(%di)):x64", "$retval", "$comm", "@jiffies+8",
		"$stack2", "+4($arg2):b4@3/32", "+0($arg1):u8[4]", "sk->__sk_common.skc_state",
		"-8(%sp):s32",
	};
	char *why = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		CHECK(!fetcharg_check(bad[i], &why));
		CHECK(why != NULL);
		free(why);
		why = NULL;
	}
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		CHECK(fetcharg_check(good[i], &why));
		if (why)
			fprintf(stderr, "    %s: %s\n", good[i], why);
		free(why);
		why = NULL;
	}
	char long_arg[RECIPE_MAX_FETCHARG + 2];

	memset(long_arg, 'a', sizeof(long_arg) - 1);
	long_arg[sizeof(long_arg) - 1] = '\0';
	CHECK(!fetcharg_check(long_arg, &why));
	free(why);
}

static void hostile_recipes_are_refused_at_load(void)
{
	refused(HEAD FIELDS KPROBE("\"$arg1\\n-:victim/probe\\np:pkevil/made tcp_sendmsg\""),
		"events.e.any[0].args.sk: a string holds a control character");
	refused(HEAD FIELDS KPROBE("\"$arg1 -:victim/probe\""), "events.e.any[0].args.sk: '$arg1 "
		"-:victim/probe' is not one fetch arg: ' ' at offset 5");
	refused(HEAD FIELDS KPROBE("\"$arg1;\""), "events.e.any[0].args.sk: '$arg1;' is not one fetch arg");
	refused(HEAD FIELDS KPROBE("\"$arg1\\u0000x\""), "\\u0000 is not allowed");
	refused(HEAD FIELDS "\"events\":{\"e\":{\"any\":[{\"kprobe\":\"tcp_sendmsg\\n-:victim/probe\","
		"\"fields\":{}}]}}}", "events.e.any[0].kprobe: a string holds a control character");
	refused(HEAD FIELDS "\"events\":{\"e\":{\"any\":[{\"kprobe\":\"tcp_sendmsg x=%di\","
		"\"fields\":{}}]}}}", "events.e.any[0].kprobe: 'tcp_sendmsg x=%di' is not a kernel symbol");
	refused(HEAD FIELDS "\"events\":{\"e\":{\"any\":[{\"tracepoint\":\"tcp:tcp_probe\","
		"\"filter\":\"sport == 1\\n\",\"fields\":{}}]}}}",
		"events.e.any[0].filter: a string holds a control character");
	/* the terminal escape of the report: echoed escaped, never raw */
	refused(HEAD FIELDS "\"events\":{\"e\":{\"any\":[{\"tracepoint\":"
		"\"tcp:\\u001b]0;pwned\\u0007\\u001b[2J\",\"fields\":{}}]}}}",
		"events.e.any[0].tracepoint: a string holds a control character");
}

static void probe_targets_are_symbols(void)
{
	static const char *const bad[] = {
		"0xffffffff81000000", "+1", "a+b+c", "tcp_sendmsg+", "tcp_sendmsg+0x", "f+1x",
		"tcp_sendmsg+010",	/* octal to the kernel */
		"1abc", "f g", "f;g",
	};
	static const char *const good[] = {
		"tcp_sendmsg", "tcp_sendmsg+4", "tcp_sendmsg+0x1f", "tcp_sendmsg.cold", "_f", ".f",
		"tcp_sendmsg+0",
	};
	char text[512];

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(text, sizeof(text), HEAD FIELDS "\"events\":{\"e\":{\"any\":[{\"kprobe\":"
			 "\"%s\",\"fields\":{}}]}}}", bad[i]);
		refused(text, "is not a kernel symbol[+offset]");
	}
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		char *err;
		struct recipe *r;

		snprintf(text, sizeof(text), HEAD FIELDS "\"events\":{\"e\":{\"any\":[{\"kprobe\":"
			 "\"%s\",\"fields\":{}}]}},\"output\":{\"columns\":[\"time\"]}}", good[i]);
		r = load(text, &err);
		CHECK(r != NULL);
		if (!r)
			fprintf(stderr, "    %s: %s", good[i], err);
		recipe_free(r);
		free(err);
	}
}

static void terminal_escapes_in_keys_and_names(void)
{
	refused(HEAD FIELDS "\"events\":{\"e\\u001b[2J\":{\"any\":[]}}}",
		"events.e\\x1b[2J: a key holds a control character");
	/* C1 CSI (U+009B) acts like ESC [ on many terminals */
	refused(HEAD "\"fields\":{\"x\":{\"format\":\"port\",\"title\":\"\\u009b2J\"}},"
		KPROBE("\"$arg1\""), "fields.x.title: a string holds a control character");
	refused(HEAD "\"notes\":[\"a\\tb\"]," FIELDS KPROBE("\"$arg1\""),
		"notes[0]: a string holds a control character");
}

static void bounds_are_enforced(void)
{
	struct strbuf sb = { 0 };
	char *err;
	struct recipe *r;

	/* nesting */
	sb_addf(&sb, HEAD "\"notes\":");
	for (int i = 0; i < RECIPE_MAX_DEPTH + 2; i++)
		sb_addf(&sb, "[");
	for (int i = 0; i < RECIPE_MAX_DEPTH + 2; i++)
		sb_addf(&sb, "]");
	sb_addf(&sb, "," FIELDS KPROBE("\"$arg1\""));
	refused(sb.buf, "nested deeper than 16 levels");
	sb_release(&sb);

	/* members: more than 64 args (over the members bound first) */
	sb_addf(&sb, HEAD FIELDS "\"events\":{\"e\":{\"any\":[{\"kprobe\":\"f\",\"args\":{");
	for (int i = 0; i < RECIPE_MAX_MEMBERS + 1; i++)
		sb_addf(&sb, "%s\"a%d\":\"$arg1\"", i ? "," : "", i);
	sb_addf(&sb, "},\"fields\":{}}]}}}");
	refused(sb.buf, "events.e.any[0].args: more than 64 members");
	sb_release(&sb);

	sb_addf(&sb, HEAD FIELDS "\"events\":{\"e\":{\"any\":[{\"kprobe\":\"f\",\"args\":{");
	for (int i = 0; i < RECIPE_MAX_ARGS + 1; i++)
		sb_addf(&sb, "%s\"a%d\":\"$arg1\"", i ? "," : "", i);
	sb_addf(&sb, "},\"fields\":{}}]}}}");
	refused(sb.buf, "events.e.any[0].args: more than 32 args");
	sb_release(&sb);

	sb_addf(&sb, HEAD FIELDS "\"events\":{\"e\":{\"any\":[");
	for (int i = 0; i < RECIPE_MAX_ALTS + 1; i++)
		sb_addf(&sb, "%s{\"kprobe\":\"f\",\"fields\":{}}", i ? "," : "");
	sb_addf(&sb, "]}}}");
	refused(sb.buf, "events.e.any: more than 16 alternatives");
	sb_release(&sb);

	/* strings, names, symbols */
	sb_addf(&sb, HEAD "\"notes\":\"");
	for (int i = 0; i < RECIPE_MAX_STRING + 1; i++)
		sb_addn(&sb, "x", 1);
	sb_addf(&sb, "\"," FIELDS KPROBE("\"$arg1\""));
	refused(sb.buf, "notes: a string longer than 4096 bytes");
	sb_release(&sb);

	sb_addf(&sb, HEAD FIELDS "\"events\":{\"");
	for (int i = 0; i < RECIPE_MAX_EVENT_NAME + 1; i++)
		sb_addn(&sb, "e", 1);
	sb_addf(&sb, "\":{\"any\":[{\"kprobe\":\"f\",\"fields\":{}}]}}}");
	refused(sb.buf, "event names are identifiers ([A-Za-z_][A-Za-z0-9_]*) of at most 56 bytes");
	sb_release(&sb);
	/* "__" is reserved: a re-made probe is named EVENT__altN */
	refused(HEAD FIELDS "\"events\":{\"x__alt1\":{\"any\":[{\"kprobe\":\"f\",\"fields\":{}}]}}}",
		"events.x__alt1: event names are identifiers");
	CHECK(run_name_pid("probekit_123") == 123);
	CHECK(run_name_pid("probekit_012") == 0 && run_name_pid("probekit_+12") == 0 &&
	      run_name_pid("probekit_ 12") == 0 && run_name_pid("probekit_12x") == 0);

	/* the file */
	char *big = xcalloc(1, RECIPE_MAX_BYTES + 2);

	memset(big, ' ', RECIPE_MAX_BYTES + 1);
	char *tok = capture_stderr_begin();

	r = recipe_load_buffer(big, RECIPE_MAX_BYTES + 1, "big.json");
	err = capture_stderr_end(tok);
	CHECK(r == NULL);
	CHECK_CONTAINS(err, "big.json: larger than 1048576 bytes");
	free(err);
	free(big);
}

static void string_parameters_stay_one_line(void)
{
	struct param p = { .type = PARAM_STRING };

	CHECK(param_parse(&p, "eth0"));
	CHECK(!param_parse(&p, "a\nb"));
	CHECK(!param_parse(&p, "a\rb"));
	CHECK(!param_parse(&p, "a\x1b[2J"));
	CHECK(!param_parse(&p, "a\"b"));
	CHECK(!param_parse(&p, "a\\b"));
	char long_val[PARAM_MAX_STRING + 2];

	memset(long_val, 'v', sizeof(long_val) - 1);
	long_val[sizeof(long_val) - 1] = '\0';
	CHECK(!param_parse(&p, long_val));
}

static void escaping(void)
{
	char out[64];

	text_escape("a\x1b[2Jb\n", 7, out, sizeof(out));
	CHECK_STR(out, "a\\x1b[2Jb\\x0a");
	text_escape("\xc2\x9b" "2J é", 7, out, sizeof(out));
	CHECK_STR(out, "\\xc2\\x9b2J é");
	text_escape("abcdef", 6, out, 4);
	CHECK_STR(out, "abc");
	text_escape("\x1b\x1b", 2, out, 6);	/* no partial escape */
	CHECK_STR(out, "\\x1b");
	text_escape("a\x9b" "2J", 4, out, sizeof(out));	/* raw C1: CSI without UTF-8 */
	CHECK_STR(out, "a\\x9b2J");
	text_escape("\xe2\x80\xae" "abc", 6, out, sizeof(out));	/* right-to-left override */
	CHECK_STR(out, "\\xe2\\x80\\xaeabc");
	text_escape("\xc3\xa9\xc3\xa9", 4, out, 4);	/* never half a character */
	CHECK_STR(out, "\xc3\xa9");
	text_escape("\xc3(\xed\xa0\x80", 5, out, sizeof(out));	/* invalid, surrogate */
	CHECK_STR(out, "\\xc3(\\xed\\xa0\\x80");
	CHECK(text_is_single_line("caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80"));
	CHECK(text_is_single_line("p:g/e f a=$arg1"));
	CHECK(!text_is_single_line("p:g/e f\n-:x/y"));
	CHECK(!text_is_single_line("a\x7f"));

	char *tok = capture_stderr_begin();

	pk_error("event '%s'", "x\x1b]0;t\x07");
	char *err = capture_stderr_end(tok);

	CHECK_STR(err, "probekit: event 'x\\x1b]0;t\\x07'\n");
	free(err);
}

const struct unit_test untrusted_tests[] = {
	{ "untrusted: fetch args are one token of the kernel's grammar", fetch_args_are_one_token },
	{ "untrusted: hostile recipes refused at load, naming the JSON path",
	  hostile_recipes_are_refused_at_load },
	{ "untrusted: probe targets are symbol[+offset], never an address", probe_targets_are_symbols },
	{ "untrusted: control bytes in keys, titles, notes", terminal_escapes_in_keys_and_names },
	{ "untrusted: bounds on depth, members, args, alternatives, strings, size", bounds_are_enforced },
	{ "untrusted: string parameters stay one line", string_parameters_stay_one_line },
	{ "untrusted: messages and text fields escape control bytes", escaping },
	{ NULL, NULL },
};
