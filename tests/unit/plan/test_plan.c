// SPDX-License-Identifier: GPL-2.0-or-later
/* Planning against fixture tracefs trees of a 3.10 (EL7), a 4.18 (EL8) and a new kernel. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/filter_shape.h"
#include "plan/plan.h"
#include "test.h"

#define EL7 FIXTURE("linux-3.10/sys/kernel/debug/tracing")
#define EL8 FIXTURE("linux-4.18/sys/kernel/tracing")
#define NEW FIXTURE("linux-6.x/sys/kernel/tracing")

struct fx {
	struct recipe *r;
	struct caps c;
	struct plan p;
	int ret;
};

static void plan_on(struct fx *f, const char *dir, const char *arch, char **use, bool no_argn,
		    const char *port)
{
	struct plan_opts o = { .instance = "probekit_42", .use = use, .no_argn = no_argn };

	memset(f, 0, sizeof(*f));
	f->r = recipe_load("../recipes/tcp-retrans.json");
	if (port) {
		char *a = xasprintf("port=%s", port);

		recipe_set_param(f->r, a);
		free(a);
	}
	CHECK(caps_detect(&f->c, dir) == PK_OK);
	f->c.arch = arch;
	f->ret = plan_build(&f->p, f->r, &f->c, &o);
}

static void fx_free(struct fx *f)
{
	plan_free(&f->p);
	caps_free(&f->c);
	recipe_free(f->r);
}

static void finds_debugfs_tracing_dir(void)
{
	char *d = caps_find_tracing_dir(FIXTURE("linux-3.10"));

	CHECK_STR(d, FIXTURE("linux-3.10/sys/kernel/debug/tracing"));
	free(d);
	d = caps_find_tracing_dir(FIXTURE("linux-4.18"));
	CHECK_STR(d, FIXTURE("linux-4.18/sys/kernel/tracing"));
	free(d);
	CHECK(caps_find_tracing_dir(FIXTURE("nowhere")) == NULL);
}

static void capabilities_by_kernel(void)
{
	struct caps c;

	CHECK(caps_detect(&c, EL7) == PK_OK);
	CHECK(c.kprobes && !c.argn && !c.dynamic_events && !c.error_log && !c.hist && !c.synth);
	CHECK_STR(caps_pick_clock(&c), "global");
	caps_free(&c);
	CHECK(caps_detect(&c, EL8) == PK_OK);
	CHECK(c.kprobes && !c.argn && !c.dynamic_events);
	CHECK_STR(caps_pick_clock(&c), "mono");
	caps_free(&c);
	CHECK(caps_detect(&c, NEW) == PK_OK);
	CHECK(c.kprobes && c.argn && c.dynamic_events && c.error_log && c.hist && c.synth);
	CHECK(caps_function_exists(&c, "tcp_retransmit_skb"));
	CHECK(caps_function_exists(&c, "tcp_retransmit_skb+4"));
	CHECK(!caps_function_exists(&c, "tcp_retransmit"));
	caps_free(&c);
}

static void el7_uses_kprobes_with_registers(void)
{
	struct fx f;

	plan_on(&f, EL7, "x86_64", NULL, false, "80");
	CHECK(f.ret == PK_OK);
	CHECK(f.p.ev[0].chosen == 2);
	CHECK_STR(f.p.ev[0].alts[0].reason, "not in this kernel");
	CHECK_CONTAINS(f.p.ev[0].probe, "p:probekit_42/retrans tcp_retransmit_skb sk=%di ");
	CHECK_CONTAINS(f.p.ev[2].probe, "p:probekit_42/tlp tcp_send_loss_probe sk=%di ");
	CHECK_CONTAINS(f.p.ev[0].probe, "sport=+14(%di):u16");
	CHECK_CONTAINS(f.p.ev[1].probe, "daddr=+0(%si):u32");	/* tcp_rtx_synack(sk, req) */
	CHECK_STR(f.p.ev[0].filter, "(sport == 80 || dport == 20480)");
	CHECK_STR(f.p.clock, "global");
	fx_free(&f);

	plan_on(&f, EL7, "aarch64", NULL, false, NULL);
	CHECK_CONTAINS(f.p.ev[0].probe, "sk=%x0 ");
	CHECK_CONTAINS(f.p.ev[1].probe, "+0(%x1)");
	CHECK(f.p.ev[0].filter == NULL);
	fx_free(&f);

	plan_on(&f, EL7, "riscv64", NULL, false, NULL);
	CHECK(f.ret == PK_ERR_KERNEL);
	CHECK_CONTAINS(f.p.ev[0].alts[2].reason, "no register mapping for riscv64");
	fx_free(&f);
}

/*
 * 3.10 (EL7) has the scheduler, system call and softirq tracepoints these
 * recipes and --explain use (formats: an arm64 3.10.40 dump, x86_64 sizes;
 * sys_enter/sys_exit as 3.10 defines them): every event plans, with the
 * fields it maps. (sched_wakeup there has success and target_cpu, unused.)
 */
static void el7_plans_sched_softirq_syscalls_and_explain(void)
{
	static const char *const recipes[] = { "sched-latency", "softirq-latency", "syscalls",
					       "tcp-rcvq-latency" };

	for (size_t i = 0; i < ARRAY_SIZE(recipes); i++) {
		char *path = xasprintf("../recipes/%s.json", recipes[i]);
		struct plan_opts o = { .instance = "probekit_42", .explain = true };
		struct recipe *r = recipe_load(path);
		struct caps c;
		struct plan p;

		CHECK(r && caps_detect(&c, EL7) == PK_OK);
		c.arch = "x86_64";
		CHECK(plan_build(&p, r, &c, &o) == PK_OK);
		for (int e = 0; e < p.n_ev; e++) {
			if (p.ev[e].chosen < 0)
				fprintf(stderr, "    %s: %s not planned: %s\n", recipes[i],
					p.ev[e].decl->name, plan_why_not(&p, e));
			CHECK(p.ev[e].chosen >= 0);
		}
		plan_free(&p);
		caps_free(&c);
		recipe_free(r);
		free(path);
	}
}

static void el8_picks_the_alternative_without_family(void)
{
	struct fx f;

	plan_on(&f, EL8, "x86_64", NULL, false, "443");
	CHECK(f.ret == PK_OK);
	CHECK(f.p.ev[0].chosen == 1);
	CHECK_CONTAINS(f.p.ev[0].alts[0].reason, "field 'family' not in this kernel's format");
	CHECK_CONTAINS(f.p.ev[0].alts[2].reason, "runnable, but [1] comes first");
	/* decisions read states, not the reasons' text */
	CHECK(f.p.ev[0].alts[0].state == ALT_REFUSED && f.p.ev[0].alts[1].state == ALT_CHOSEN);
	CHECK(f.p.ev[0].alts[2].state == ALT_RUNNABLE);
	CHECK(f.p.ev[0].probe == NULL);
	CHECK_STR(f.p.ev[0].system, "tcp");
	CHECK_STR(f.p.ev[0].filter, "(sport == 443 || dport == 443)");
	fx_free(&f);
}

static void new_kernel_uses_argn_unless_told(void)
{
	char *use[] = { "retrans=kprobe", "synack=2", NULL };
	struct fx f;

	plan_on(&f, NEW, "x86_64", NULL, false, NULL);
	CHECK(f.ret == PK_OK && f.p.ev[0].chosen == 0 && f.p.argn);
	/* the tracepoint already reports tail loss probes: tlp is left out */
	CHECK(f.p.ev[2].chosen < 0);
	CHECK_STR(f.p.ev[2].alts[0].reason, "not needed: traced only when retrans=kprobe");
	CHECK(f.p.ev[2].alts[0].state == ALT_NOT_NEEDED);
	fx_free(&f);

	plan_on(&f, NEW, "x86_64", use, false, NULL);
	CHECK(f.ret == PK_OK);
	CHECK(f.p.ev[0].chosen == 2 && f.p.ev[1].chosen == 2);
	CHECK_CONTAINS(f.p.ev[0].alts[0].reason, "not forced");
	CHECK(f.p.ev[0].alts[0].state == ALT_UNCHECKED);
	CHECK_CONTAINS(f.p.ev[0].probe, "sk=$arg1 ");
	fx_free(&f);

	plan_on(&f, NEW, "x86_64", use, true, NULL);
	CHECK(!f.p.argn);
	CHECK_CONTAINS(f.p.ev[0].probe, "sk=%di ");
	fx_free(&f);
}

static void bad_use_and_unrunnable(void)
{
	char *bad_alt[] = { "retrans=uprobe", NULL };
	char *bad_event[] = { "nope=0", NULL };
	char *tok, *err;
	struct fx f;

	tok = capture_stderr_begin();
	plan_on(&f, NEW, "x86_64", bad_alt, false, NULL);
	CHECK(f.ret == PK_ERR_USAGE);
	fx_free(&f);
	plan_on(&f, NEW, "x86_64", bad_event, false, NULL);
	CHECK(f.ret == PK_ERR_USAGE);
	fx_free(&f);
	err = capture_stderr_end(tok);
	CHECK_CONTAINS(err, "--use retrans=uprobe: event 'retrans' has no alternative 'uprobe'");
	CHECK_CONTAINS(err, "--use nope=0: recipe 'tcp-retrans' has no such event");
	free(err);

	/* the tracepoint alternative forced on a kernel without it */
	char *force_tp[] = { "retrans=0", NULL };

	plan_on(&f, EL7, "x86_64", force_tp, false, NULL);
	CHECK(f.ret == PK_ERR_KERNEL);
	tok = capture_stderr_begin();
	plan_report_unrunnable(&f.p);
	err = capture_stderr_end(tok);
	CHECK_CONTAINS(err, "event 'retrans': no alternative runs on this kernel: [0] tracepoint tcp:tcp_retransmit_skb: not in this kernel; [1] tracepoint tcp:tcp_retransmit_skb: not forced");
	free(err);
	fx_free(&f);
}

/* The kernel refuses a chosen probe at run time: the planner picks again, pairs stay paired. */
static void refusal_picks_the_next_alternative_and_keeps_pairs(void)
{
	struct plan_opts o = { .instance = "probekit_42" };
	struct recipe *r = recipe_load("../recipes/tcp-rcvq-latency.json");
	struct caps c;
	struct plan p;
	int first;

	CHECK(r && caps_detect(&c, NEW) == PK_OK);
	if (!r)
		return;
	CHECK(plan_build(&p, r, &c, &o) == PK_OK);
	first = p.ev[0].chosen;
	CHECK(first >= 0);
	CHECK(plan_refuse(&p, 0, xstrdup("the kernel rejected it: test"), false) == PK_OK);
	CHECK(p.ev[0].alts[first].state == ALT_REFUSED);
	CHECK_STR(p.ev[0].alts[first].reason, "the kernel rejected it: test");
	CHECK(p.ev[0].chosen > first && p.ev[1].chosen >= 0);
	CHECK_STR(p.ev[0].decl->alts[p.ev[0].chosen].label, p.ev[1].decl->alts[p.ev[1].chosen].label);
	/* refused down to the last: a required event cannot run, the recipe is to blame */
	while (p.ev[0].chosen >= 0) {
		char *err = capture_stderr_begin();
		int ret = plan_refuse(&p, 0, xstrdup("refused"), true);

		free(capture_stderr_end(err));
		if (p.ev[0].chosen < 0)
			CHECK(ret == PK_ERR_USAGE);
	}
	plan_free(&p);
	caps_free(&c);
	recipe_free(r);
}

/* comm-like names are strings, "nosuch" is no field, the rest numbers. */
static enum filter_field_kind stub_kind(void *ctx, const char *name, size_t len)
{
	(void)ctx;
	if (len == 6 && !strncmp(name, "nosuch", 6))
		return FILTER_FIELD_NONE;
	return len >= 4 && !strncmp(name + len - 4, "comm", 4) ? FILTER_FIELD_STRING :
								 FILTER_FIELD_NUMBER;
}

static const char *shape(const char *text, size_t *at)
{
	return filter_shape_error(text, at, stub_kind, NULL);
}

/*
 * What a shared filter may be before libtraceevent reads it: the recipes'
 * shapes; not what its parser frees twice on (fuzz_recipe, a review).
 */
static void filter_shapes(void)
{
	static const char *const good[] = {
		"protocol == 6", "sport == 80 || dport == 80", "comm == \"sys caller\"",
		"((protocol == 6) && (oldstate == 2 && newstate == 1))", "next_comm != \"x\"",
		"common_pid != 42", "prev_state == 0 || prev_state == 256", "  data_len>0  ",
		"(a==1&&b!=2)||c<=3", "ret >= 18446744073709551615", "a == 0", "comm == \"\"",
	};
	static const char *const bad[][2] = {
		{ "newstate == *", "a decimal number" }, { "old,tate == 2", "a comparison" },
		{ "a == 1,", "'&&' or '||'" }, { "a === 2", "a decimal number" },
		{ "(a == 1", "a ')'" }, { "comm == \"x", "does not end" }, { "", "a field name" },
		{ "comm == \"x\\\"\"", "printable ASCII" }, { "1 == a", "a field name" },
		{ "a == 1 &&", "a field name" }, { "a = 1", "a comparison" },
		/* libtraceevent 1.7 frees twice on each of these after an && or || */
		{ "newstate == 1 && sport > -1", "a decimal number" },
		{ "oldstate == 1 && newstate >= newstate", "a decimal number" },
		{ "newstate == 1 && comm < \"abc\"", "== or != only" },
		{ "(newstate == 7) && !!(newstate == 2)", "no '!'" },
		{ "a == 1 && comm == abc", "double quotes" }, { "comm == 5", "double quotes" },
		{ "nosuch == 1", "not a number or string field" }, { "flags & 16", "a comparison" },
		{ "comm ~ \"a*\"", "== or != only" }, { "a == 0x10", "a decimal number" },
		{ "a == 123456789012345678901", "at most 18446744073709551615" },
		{ "a == 18446744073709551616", "at most 18446744073709551615" },
		{ "a == 08", "no leading zero" }, { "a == 010", "no leading zero" },
		/* a second review: a byte over 0x7f (NULL read), a quoted ',' (malloc of
		 * -12), 'x' (a number), && and || mixed (read otherwise than the kernel) */
		{ "comm == \"caf\xc3\xa9\"", "printable ASCII" }, { "comm == \"a,b\"", "printable ASCII" },
		{ "comm == 'x'", "double quotes" }, { "a == 1 || b == 2 && c == 3", "mixed" },
	};
	char deep[2 * FILTER_MAX_DEPTH + 32] = "";
	size_t at;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		const char *why = shape(good[i], &at);

		if (why)
			fprintf(stderr, "    '%s': %s at %zu\n", good[i], why, at);
		CHECK(!why);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *why = shape(bad[i][0], &at);

		if (!why || !strstr(why, bad[i][1]))
			fprintf(stderr, "    '%s': %s\n", bad[i][0], why ? why : "accepted");
		CHECK(why && strstr(why, bad[i][1]));
		CHECK(at <= strlen(bad[i][0]));
	}
	CHECK(shape("a == 1 &&", &at) && at == 9);
	CHECK(shape("nosuch == 1", &at) && at == 0);
	for (int i = 0; i <= FILTER_MAX_DEPTH; i++)
		strcat(deep, "(");
	strcat(deep, "a == 1");
	for (int i = 0; i <= FILTER_MAX_DEPTH; i++)
		strcat(deep, ")");
	CHECK(shape(deep, &at) != NULL);
	CHECK(shape(deep + 1, &at) != NULL);	/* one ')' too many */
	deep[strlen(deep) - 1] = '\0';
	CHECK(!shape(deep + 1, &at));
}

const struct unit_test plan_tests[] = {
	{ "plan: a shared filter's shape, before libtraceevent reads it", filter_shapes },
	{ "plan: a refusal picks the next alternative, pairs stay paired",
	  refusal_picks_the_next_alternative_and_keeps_pairs },
	{ "plan: tracefs found under debugfs (3.10)", finds_debugfs_tracing_dir },
	{ "plan: capabilities per fixture kernel", capabilities_by_kernel },
	{ "plan: 3.10 uses kprobes, registers for $argN", el7_uses_kprobes_with_registers },
	{ "plan: 3.10 plans sched, softirq, syscalls and --explain", el7_plans_sched_softirq_syscalls_and_explain },
	{ "plan: 4.18 picks the alternative without family", el8_picks_the_alternative_without_family },
	{ "plan: new kernel, --use and --no-argn", new_kernel_uses_argn_unless_told },
	{ "plan: bad --use, nothing runnable", bad_use_and_unrunnable },
	{ NULL, NULL },
};
