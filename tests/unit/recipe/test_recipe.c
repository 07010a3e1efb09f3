// SPDX-License-Identifier: GPL-2.0-or-later
/* Recipe parsing: the shipped recipe loads; every validation error is one precise line. */
#include <stdlib.h>
#include <unistd.h>

#include "recipe/params.h"
#include "recipe/recipe.h"
#include "analysis/counts.h"
#include "test.h"

#define HEAD "{\"probekit\":1,\"name\":\"t\",\"description\":\"d\","
#define PARAMS "\"parameters\":{\"port\":{\"type\":\"port\"},\"addr\":{\"type\":\"inet\"}," \
	"\"n\":{\"type\":\"int\",\"default\":7}},"
#define FIELDS "\"fields\":{\"lport\":{\"format\":\"port\"},\"laddr\":{\"format\":\"inet\"}},"
#define ALT_TP "{\"tracepoint\":\"tcp:tcp_retransmit_skb\",\"fields\":{\"lport\":\"sport\"}}"
#define EVENTS(alt) "\"events\":{\"e\":{\"any\":[" alt "]}},"
#define OUTPUT "\"output\":{\"columns\":[\"time\",\"lport\"]}}"

static struct recipe *load_text(const char *text, char **err)
{
	char *path = write_temp("r.json", text);
	char *tok = capture_stderr_begin();
	struct recipe *r = recipe_load(path);

	*err = capture_stderr_end(tok);
	free(path);
	return r;
}

static void expect_error(const char *text, const char *want)
{
	char *err;
	struct recipe *r = load_text(text, &err);

	check_refusal(r, err, want, text);
}

static void shipped_recipe_loads(void)
{
	struct recipe *r = recipe_load("../recipes/tcp-retrans.json");

	CHECK(r != NULL);
	if (!r)
		return;
	CHECK_STR(r->name, "tcp-retrans");
		CHECK(r->events[0].n_alts == 3);
	CHECK(r->n_events == 6 && r->events[2].when_event == 0 && r->events[2].when_kind == ALT_KPROBE);
	CHECK(r->events[3].unlisted && r->events[4].unlisted && r->events[5].unlisted && r->derive);
	CHECK(r->owner != NULL);
	CHECK(r->events[0].alts[2].kind == ALT_KPROBE);
	CHECK_STR(r->events[0].alts[2].args[0].name, "sk");
	CHECK(r->events[1].optional);
	const struct counts_cfg *cc = recipe_analysis_cfg(r, &counts_analysis);

	CHECK(cc && cc->n_group_by == 2 && cc->group_by[0].port_field >= 0);
	recipe_free(r);
}

static void minimal_recipe_loads(void)
{
	char *err;
	struct recipe *r = load_text(HEAD PARAMS FIELDS EVENTS(ALT_TP) OUTPUT, &err);

	CHECK(r != NULL);
	CHECK_STR(err, "");
	if (r) {
		CHECK(r->n_params == 3);
		CHECK_STR(r->params[2].value, "7");	/* default applies */
		CHECK(r->columns[1].field == recipe_field_index(r, "lport"));
	}
	recipe_free(r);
	free(err);
}

static void syntax_errors_name_line_and_column(void)
{
	expect_error("{\n  \"probekit\": 1,\n  \"name\": \"x\" \"oops\"\n}", "r.json:3:");
	expect_error(HEAD "\"name\":\"again\"}", "duplicate");
	expect_error("", "r.json:");
}

static void schema_errors_name_the_path(void)
{
	expect_error(HEAD PARAMS FIELDS EVENTS(ALT_TP) OUTPUT "x", "r.json:");
	expect_error(HEAD "\"bogus\":1," PARAMS FIELDS EVENTS(ALT_TP) OUTPUT, "bogus: unknown key");
	expect_error("{\"probekit\":1,\"name\":\"t\"," FIELDS EVENTS(ALT_TP) OUTPUT,
		     "description: missing required key");
	expect_error("{\"probekit\":2,\"name\":\"t\",\"description\":\"d\"," EVENTS(ALT_TP) OUTPUT,
		     "probekit: recipe format 2 is not supported");
	expect_error(HEAD "\"fields\":{\"n\":{\"format\":\"decimal\"}}," EVENTS(
		"{\"tracepoint\":\"a:b\",\"fields\":{\"n\":{\"source\":\"ret\",\"negative\":true}}}")
		OUTPUT, "'negative' keeps a 'source' of a field of format errno");
	expect_error(HEAD "\"events\":{}," OUTPUT, "events: a recipe needs at least one event");
	expect_error(HEAD "\"name\":5}", "duplicate");
	expect_error("{\"probekit\":1,\"name\":5,\"description\":\"d\"," EVENTS(ALT_TP) OUTPUT,
		     "name: must be a string, not an integer");
	expect_error(HEAD FIELDS "\"events\":{\"e\":{\"any\":[]}}," OUTPUT,
		     "events.e.any: needs at least one alternative");
	expect_error(HEAD FIELDS EVENTS("{\"tracepoint\":\"tcp\",\"fields\":{}}") OUTPUT,
		     "events.e.any[0].tracepoint: 'tcp' is not SYSTEM:EVENT");
	expect_error(HEAD FIELDS EVENTS("{\"tracepoint\":\"a:b\",\"kprobe\":\"f\",\"fields\":{}}") OUTPUT,
		     "events.e.any[0]: needs exactly one of");
	expect_error(HEAD FIELDS EVENTS(ALT_TP ",{\"kprobe\":\"f\",\"args\":{\"sk\":5},\"fields\":{}}")
		     OUTPUT, "events.e.any[1].args.sk: must be a fetch arg string");
	expect_error(HEAD FIELDS EVENTS("{\"kprobe\":\"f\",\"args\":{\"sk\":\"$arg1\"},"
					"\"fields\":{\"lport\":\"nope\"}}") OUTPUT,
		     "events.e.any[0].fields.lport: 'nope' is not one of this probe's args");
	expect_error(HEAD FIELDS EVENTS("{\"tracepoint\":\"a:b\",\"args\":{},\"fields\":{}}") OUTPUT,
		     "events.e.any[0].args: tracepoints have fields of their own");
	expect_error(HEAD FIELDS EVENTS("{\"tracepoint\":\"a:b\",\"fields\":{\"zzz\":\"x\"}}") OUTPUT,
		     "events.e.any[0].fields.zzz: not a field declared in 'fields'");
	expect_error(HEAD FIELDS EVENTS("{\"tracepoint\":\"a:b\",\"fields\":{\"pid\":\"x\"}}") OUTPUT,
		     "fields.pid: 'pid' is built in");
	expect_error(HEAD FIELDS EVENTS("{\"tracepoint\":\"a:b\",\"fields\":{\"lport\":"
					"{\"ipv4\":\"x\"}}}") OUTPUT, "needs 'source'");
	expect_error(HEAD "\"fields\":{\"x\":{\"format\":\"weird\"}}," EVENTS(ALT_TP) OUTPUT,
		     "fields.x.format: unknown format 'weird'");
	expect_error(HEAD "\"fields\":{\"x\":{}}," EVENTS(ALT_TP) OUTPUT,
		     "fields.x.format: missing required key");
	expect_error(HEAD "\"parameters\":{\"p\":{\"type\":\"port\",\"default\":70000}},"
		     EVENTS(ALT_TP) OUTPUT, "parameters.p.default: '70000' is not a valid port");
	expect_error(HEAD "\"parameters\":{\"p\":{\"type\":\"float\"}}," EVENTS(ALT_TP) OUTPUT,
		     "parameters.p.type: unknown type 'float'");
	expect_error(HEAD FIELDS EVENTS(ALT_TP) "\"output\":{\"columns\":[\"nope\"]}}",
		     "output.columns[0]: 'nope' is not a field");
	expect_error(HEAD FIELDS EVENTS(ALT_TP) "\"output\":{\"columns\":[\"lport:laddr\"]}}",
		     "output.columns[0]: ADDR:PORT joins an address field and a port field");
	expect_error(HEAD FIELDS EVENTS(ALT_TP) "\"output\":{}}", "output.columns: missing required");
	expect_error(HEAD FIELDS EVENTS(ALT_TP) "\"output\":{\"columns\":[],\"summary\":"
		     "{\"group_by\":[\"lport\"],\"sort\":\"laddr\"}}}",
		     "output.summary.sort: 'laddr' is neither 'count' nor a group_by field");
	/* from fuzzing: a bad group_by column, then a sort by name read past the columns */
	expect_error(HEAD FIELDS EVENTS(ALT_TP) "\"output\":{\"columns\":[],\"summary\":"
		     "{\"group_by\":[\"lad[r:lport\",\"lport\"],\"sort\":\"counskt\"}}}",
		     "output.summary.group_by[0]: ");
	expect_error(HEAD PARAMS FIELDS EVENTS(ALT_TP) "\"match\":[{\"param\":\"port\",\"fields\":"
		     "[\"laddr\"]}]," OUTPUT, "match[0]: parameter type port cannot be compared");
}

static void filter_references_are_checked(void)
{
	expect_error(HEAD PARAMS FIELDS EVENTS("{\"tracepoint\":\"a:b\",\"fields\":{},"
		     "\"filter\":\"sport == ${nope}\"}") OUTPUT,
		     "events.e.any[0].filter: ${nope}: no parameter 'nope'");
	expect_error(HEAD PARAMS FIELDS EVENTS("{\"tracepoint\":\"a:b\",\"fields\":{},"
		     "\"filter\":[\"x == 1\",\"saddr == ${addr}\"]}") OUTPUT,
		     "events.e.any[0].filter[1]: ${addr}: an inet parameter cannot be compared");
	expect_error(HEAD PARAMS FIELDS EVENTS("{\"tracepoint\":\"a:b\",\"fields\":{},"
		     "\"filter\":\"x == ${port:le16}\"}") OUTPUT, "unknown conversion 'le16'");
	expect_error(HEAD PARAMS FIELDS EVENTS("{\"tracepoint\":\"a:b\",\"fields\":{},"
		     "\"filter\":\"x == ${port\"}") OUTPUT, "unterminated");
}

#define OWNER_FIELDS "\"fields\":{\"sk\":{\"format\":\"hex\"},\"lport\":{\"format\":\"port\"}," \
	"\"laddr\":{\"format\":\"inet\"},\"rport\":{\"format\":\"port\"},\"raddr\":{\"format\":\"inet\"}},"
#define OWNER(body) HEAD OWNER_FIELDS EVENTS(ALT_TP) "\"owner\":{" body "}," OUTPUT

static void owner_section_is_checked(void)
{
	char *err;
	struct recipe *r = load_text(OWNER("\"socket\":\"sk\",\"local\":\"laddr:lport\","
					   "\"remote\":\"raddr:rport\""), &err);

	CHECK(r && r->owner);
	free(err);
	recipe_free(r);
	expect_error(OWNER("\"socket\":\"nope\""), "owner.socket: 'nope' is not a declared integer field");
	expect_error(OWNER("\"socket\":\"laddr\""), "owner.socket: 'laddr' is not a declared integer field");
	expect_error(OWNER("\"local\":\"lport:lport\",\"remote\":\"raddr:rport\""),
		     "owner.local: ADDR:PORT joins an address field and a port field");
	expect_error(OWNER("\"socket\":\"sk\",\"local\":\"laddr:lport\""),
		     "owner: 'local' and 'remote' go together");
	expect_error(OWNER(""), "owner: needs 'socket', or 'local' and 'remote'");
	expect_error(OWNER("\"sock\":\"sk\""), "sock");
}

static void params_substitute_and_unset_clauses_drop(void)
{
	char *err;
	struct recipe *r = load_text(HEAD PARAMS FIELDS EVENTS(
		"{\"tracepoint\":\"a:b\",\"fields\":{},\"filter\":[\"sport == ${port} || "
		"dport == ${port:be16}\",\"x == ${n}\",\"common_pid != ${probekit_pid}\"]}") OUTPUT, &err);
	char *f, self[128];

	CHECK(r != NULL);
	free(err);
	if (!r)
		return;
	/* port unset: its clause is left out; probekit_pid is built in, the run's own */
	snprintf(self, sizeof(self), "(x == 7) && (common_pid != %d)", (int)getpid());
	f = alt_filter(r, &r->events[0].alts[0]);
	CHECK_STR(f, self);
	free(f);
	CHECK(recipe_set_param(r, "port=80") == PK_OK);
	f = alt_filter(r, &r->events[0].alts[0]);
	snprintf(self, sizeof(self), "(sport == 80 || dport == 20480) && (x == 7) && (common_pid != %d)",
		 (int)getpid());
	CHECK_STR(f, self);
	free(f);

	char *tok = capture_stderr_begin();

	CHECK(recipe_set_param(r, "port=0") == PK_ERR_USAGE);
	CHECK(recipe_set_param(r, "nope=1") == PK_ERR_USAGE);
	CHECK(recipe_set_param(r, "port") == PK_ERR_USAGE);
	CHECK(recipe_set_param(r, "addr=10.0.0.300") == PK_ERR_USAGE);
	CHECK(recipe_set_param(r, "addr=::1") == PK_OK);
	err = capture_stderr_end(tok);
	CHECK_CONTAINS(err, "parameter port: '0' is not a valid port");
	CHECK_CONTAINS(err, "has no parameter 'nope'");
	CHECK_CONTAINS(err, "-p takes NAME=VALUE");
	CHECK(r->params[1].inet.family == AF_INET6);
	free(err);
	recipe_free(r);
}

const struct unit_test recipe_tests[] = {
	{ "recipe: shipped tcp-retrans loads", shipped_recipe_loads },
	{ "recipe: minimal recipe, defaults", minimal_recipe_loads },
	{ "recipe: syntax errors give file:line:col", syntax_errors_name_line_and_column },
	{ "recipe: schema errors give the JSON path", schema_errors_name_the_path },
	{ "recipe: filter references checked at load", filter_references_are_checked },
	{ "recipe: parameters substitute, unset clauses drop", params_substitute_and_unset_clauses_drop },
	{ "recipe: the owner section is checked", owner_section_is_checked },
	{ NULL, NULL },
};
