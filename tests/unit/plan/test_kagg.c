// SPDX-License-Identifier: GPL-2.0-or-later
/* Which latencies the kernel pairs, and the commands it gets (fixture: a 6.x tree with hist triggers). */
#include <stdlib.h>

#include "plan/plan.h"
#include "test.h"

#define NEW FIXTURE("linux-6.x/sys/kernel/tracing")

struct kfx {
	struct recipe *r;
	struct caps c;
	struct plan p;
};

static const struct kagg *plan_kagg(struct kfx *f, const char *recipe, const struct plan_opts *extra)
{
	struct plan_opts o = { .instance = "probekit_42" };

	if (extra)
		o = *extra, o.instance = "probekit_42";
	memset(f, 0, sizeof(*f));
	f->r = recipe_load(recipe);
	CHECK(f->r && caps_detect(&f->c, NEW) == PK_OK);
	CHECK(plan_build(&f->p, f->r, &f->c, &o) == PK_OK);
	CHECK(f->p.n_kagg == 1);
	return f->p.n_kagg ? &f->p.kagg[0] : NULL;
}

static void kfx_free(struct kfx *f)
{
	plan_free(&f->p);
	caps_free(&f->c);
	recipe_free(f->r);
}

static void last_start_is_paired_in_the_kernel(void)
{
	struct kfx f;
	const struct kagg *k = plan_kagg(&f, "../tests/vm/recipes/vmtest-kagg.json", NULL);

	CHECK(k && !k->why_not);
	if (k && !k->why_not) {
		CHECK(!strcmp(k->synth_def, "probekit_42_0 u64 lat; u16 g0"));
		CHECK(!strcmp(k->start_trigger,
			      "hist:keys=sock_cookie:pkts=common_timestamp:size=16384:clock=mono if (data_len > 0)"));
		CHECK(!strcmp(k->end_trigger, "hist:keys=sock_cookie:pklat=common_timestamp-$pkts:size=16384:"
			      "clock=mono:onmatch(tcp.tcp_probe).trace(probekit_42_0,$pklat,sport)"));
		CHECK(!strcmp(k->synth_trigger, "hist:keys=g0,lat.buckets=1000:size=32768"));
		CHECK(k->kp.n_groups == 1 && k->kp.bucket_ns == 1000);
		CHECK(plan_event_paired_in_kernel(&f.p, k->from) == k);
	}
	kfx_free(&f);
}

static void why_not_in_the_kernel(void)
{
	struct plan_opts no = { .no_kernel_agg = true }, t = { .user_pairs = "-t prints each pair" };
	struct kfx f;
	const struct kagg *k;

	k = plan_kagg(&f, "../recipes/tcp-rcvq-latency.json", NULL);
	CHECK(k && k->why_not && strstr(k->why_not, "start: first"));
	CHECK(!plan_event_paired_in_kernel(&f.p, 0));
	kfx_free(&f);
	k = plan_kagg(&f, "../tests/vm/recipes/vmtest-kagg.json", &no);
	CHECK(k && k->why_not && !strcmp(k->why_not, "--no-kernel-agg"));
	kfx_free(&f);
	k = plan_kagg(&f, "../tests/vm/recipes/vmtest-kagg.json", &t);
	CHECK(k && k->why_not && !strcmp(k->why_not, "-t prints each pair"));
	kfx_free(&f);
	/* a kernel without hist triggers */
	memset(&f, 0, sizeof(f));
	f.r = recipe_load("../tests/vm/recipes/vmtest-kagg.json");
	CHECK(caps_detect(&f.c, NEW) == PK_OK);
	f.c.hist = false;
	CHECK(plan_build(&f.p, f.r, &f.c, &(struct plan_opts){ .instance = "probekit_42" }) == PK_OK);
	CHECK(f.p.n_kagg == 1 && f.p.kagg[0].why_not &&
	      !strcmp(f.p.kagg[0].why_not, "this kernel has no hist triggers"));
	kfx_free(&f);
}

/*
 * syscalls: grouped by process name and call, paired in the kernel with the
 * name its histogram saves; its summary (name, call, errno) counted by two
 * triggers split by the sign of ret; a total reads the pairing's histogram.
 */
static void syscalls_paired_and_counted_in_the_kernel(void)
{
	struct kfx f;
	const struct kagg *k = plan_kagg(&f, "../recipes/syscalls.json", NULL);
	const struct kcount *c;

	CHECK(k && !k->why_not);
	if (!k || k->why_not || f.p.n_kcount != 2) {
		CHECK(f.p.n_kcount == 2);
		kfx_free(&f);
		return;
	}
	CHECK(!strcmp(k->synth_def, "probekit_42_0 u64 lat; long g1"));
	CHECK(!strcmp(k->synth_trigger, "hist:keys=common_pid.execname,g1,lat.buckets=1000:size=32768"));
	CHECK(k->kp.n_groups == 2 && k->kp.group_fields[0] == FIELD_COMM);
	/* enter is context: its number alone, from the pairing's start histogram */
	c = &f.p.kcount[0];
	CHECK(!strcmp(f.r->events[c->event].name, "enter") && !c->triggers[0] && c->kc.n_hists == 1);
	CHECK(!strcmp(c->kc.hists[0].keys, "common_pid") && c->kc.hists[0].fields[0] == -1);
	c = &f.p.kcount[1];
	CHECK(!strcmp(f.r->events[c->event].name, "exit") && c->kc.n_hists == 2);
	CHECK(strstr(c->triggers[0], "hist:keys=common_pid.execname,id:size=16384 if (ret >= 0) && (") ==
	      c->triggers[0]);
	CHECK(strstr(c->triggers[1], "hist:keys=common_pid.execname,id,ret:size=16384 if (ret < 0) && (") ==
	      c->triggers[1]);
	CHECK(c->kc.hists[0].absent == c->kc.hists[1].fields[2] && c->kc.hists[1].absent == -1);
	kfx_free(&f);
	/* a summary without groups: the pairing's histograms count each event */
	k = plan_kagg(&f, "../tests/vm/recipes/vmtest-kagg.json", NULL);
	CHECK(k && !k->why_not && f.p.n_kcount == 2);
	for (int i = 0; i < f.p.n_kcount; i++)
		CHECK(!f.p.kcount[i].triggers[0] && !strcmp(f.p.kcount[i].kc.hists[0].keys, "sock_cookie") &&
		      f.p.kcount[i].kc.hists[0].fields[0] == -1);
	kfx_free(&f);
}

const struct unit_test kagg_tests[] = {
	{ "kagg: syscalls: names as the kernel saves them, the summary counted by sign",
	  syscalls_paired_and_counted_in_the_kernel },
	{ "kagg: start last, one key, integer groups: the kernel pairs it", last_start_is_paired_in_the_kernel },
	{ "kagg: why not (start first, --no-kernel-agg, -t, no hist triggers)", why_not_in_the_kernel },
	{ NULL, NULL },
};
