// SPDX-License-Identifier: GPL-2.0-or-later
/* Decoding raw records built by hand against real tracepoint and kprobe formats. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <event-parse.h>

#include "decode/decode.h"
#include "plan/plan.h"
#include "kprobe_layout.h"
#include "test.h"

#define NEW FIXTURE("linux-6.x/sys/kernel/tracing")

struct dfx {
	struct recipe *r;
	struct caps c;
	struct plan p;
	struct decoder d;
};

static bool setup(struct dfx *f, char **use)
{
	struct plan_opts o = { .instance = "probekit_42", .use = use };

	memset(f, 0, sizeof(*f));
	f->r = recipe_load("../recipes/tcp-retrans.json");
	CHECK(caps_detect(&f->c, NEW) == PK_OK);
	CHECK(plan_build(&f->p, f->r, &f->c, &o) == PK_OK);
	if (use)	/* the kernel's own layout of the recipe's kprobes */
		CHECK(kprobe_layout_parse(f->p.tep) == 0);
	if (decoder_init(&f->d, &f->p) == PK_OK)
		return true;
	CHECK(!"decoder_init failed");
	return false;
}

static void teardown(struct dfx *f)
{
	decoder_free(&f->d);
	plan_free(&f->p);
	caps_free(&f->c);
	recipe_free(f->r);
}

static const struct value *val(struct dfx *f, const char *name)
{
	return &f->d.rec.values[recipe_field_index(f->r, name)];
}

static void put16(uint8_t *rec, int off, uint16_t v) { memcpy(rec + off, &v, 2); }
static void put32(uint8_t *rec, int off, uint32_t v) { memcpy(rec + off, &v, 4); }
static void put64(uint8_t *rec, int off, uint64_t v) { memcpy(rec + off, &v, 8); }

static void tracepoint_ipv4_ipv6_mapped(void)
{
	struct dfx f;
	uint8_t rec[80] = { 0 };
	struct tep_event *ev;

	if (!setup(&f, NULL))
		goto out;
	ev = tep_find_event_by_name(f.p.tep, "tcp", "tcp_retransmit_skb");
	put16(rec, 0, ev->id);
	rec[2] = 0x10;			/* softirq: the current task is a bystander */
	put32(rec, 4, 1234);
	put64(rec, 16, 0xffff888012345678ULL);
	put32(rec, 24, 1);		/* ESTABLISHED */
	put16(rec, 28, 5001);
	put16(rec, 30, 40000);
	put16(rec, 32, AF_INET);
	memcpy(rec + 34, (uint8_t[]){ 10, 0, 0, 1 }, 4);
	memcpy(rec + 38, (uint8_t[]){ 10, 0, 0, 2 }, 4);
	put32(rec, 76, (uint32_t)-11);	/* err = -EAGAIN */
	CHECK(decode_record(&f.d, rec, sizeof(rec), 99, 1) != NULL);
	CHECK(val(&f, "laddr")->family == AF_INET && !memcmp(val(&f, "laddr")->addr, "\x0a\0\0\x01", 4));
	CHECK(!memcmp(val(&f, "raddr")->addr, "\x0a\0\0\x02", 4));
	CHECK(val(&f, "lport")->num == 5001 && val(&f, "rport")->num == 40000);
	CHECK(val(&f, "state")->num == 1);
	CHECK(val(&f, "sk")->num == 0xffff888012345678ULL);
	CHECK((int64_t)val(&f, "err")->num == -11);
	CHECK(!val(&f, "pid")->present);
	CHECK(val(&f, "cpu")->num == 1 && val(&f, "time")->num == 99);

	rec[2] = 0;			/* process context: pid is meaningful */
	put16(rec, 32, AF_INET6);
	inet_pton(AF_INET6, "fd00::1", rec + 42);
	inet_pton(AF_INET6, "::ffff:10.0.0.9", rec + 58);
	CHECK(decode_record(&f.d, rec, sizeof(rec), 100, 0) != NULL);
	CHECK(val(&f, "pid")->present && val(&f, "pid")->num == 1234);
	CHECK(val(&f, "laddr")->family == AF_INET6 && val(&f, "laddr")->addr[0] == 0xfd);
	CHECK(val(&f, "raddr")->family == AF_INET && val(&f, "raddr")->addr[3] == 9);

	/* user-space match on the address parameter */
	CHECK(recipe_set_param(f.r, "addr=10.0.0.7") == PK_OK);
	CHECK(decode_record(&f.d, rec, sizeof(rec), 101, 0) == NULL);
	CHECK(recipe_set_param(f.r, "addr=10.0.0.9") == PK_OK);
	CHECK(decode_record(&f.d, rec, sizeof(rec), 102, 0) != NULL);
	CHECK(recipe_set_param(f.r, "addr=fd00::1") == PK_OK);
	CHECK(decode_record(&f.d, rec, sizeof(rec), 103, 0) != NULL);

	put16(rec, 0, ev->id + 1000);	/* a record of another event type */
	CHECK(decode_record(&f.d, rec, sizeof(rec), 104, 0) == NULL);
out:
	teardown(&f);
}

static void kprobe_network_order_and_halves(void)
{
	char *use[] = { "retrans=kprobe", NULL };
	uint8_t rec[KPROBE_REC_SIZE] = { 0 };
	struct dfx f;
	uint8_t v6[16];
	uint16_t be;

	if (!setup(&f, use))
		goto out;
	put16(rec, 0, 3001);
	put64(rec, 16, 0xffff8880aabbccddULL);
	memcpy(rec + 24, (uint8_t[]){ 192, 168, 7, 2 }, 4);	/* skc_daddr: memory bytes */
	memcpy(rec + 28, (uint8_t[]){ 192, 168, 7, 1 }, 4);
	be = htons(443);
	memcpy(rec + 32, &be, 2);				/* skc_dport is big-endian */
	put16(rec, 34, 51000);					/* skc_num is host order */
	put16(rec, 36, AF_INET);
	rec[38] = 2;						/* SYN_SENT */
	CHECK(decode_record(&f.d, rec, sizeof(rec), 1, 0) != NULL);
	CHECK(val(&f, "rport")->num == 443 && val(&f, "lport")->num == 51000);
	CHECK(val(&f, "laddr")->addr[3] == 1 && val(&f, "raddr")->addr[3] == 2);
	CHECK(val(&f, "state")->num == 2);
	/* segments: the skb's count, capped by the segments the kernel asked for */
	CHECK(val(&f, "segs")->present && val(&f, "segs")->num == 0);
	put16(rec, 71, 9);
	put64(rec, 73, 4);
	CHECK(decode_record(&f.d, rec, sizeof(rec), 1, 0) != NULL && val(&f, "segs")->num == 4);
	put64(rec, 73, 64);
	CHECK(decode_record(&f.d, rec, sizeof(rec), 1, 0) != NULL && val(&f, "segs")->num == 9);

	put16(rec, 36, AF_INET6);
	inet_pton(AF_INET6, "2001:db8::42", v6);
	memcpy(rec + 55, v6, 16);	/* two u64 loads keep the memory bytes */
	CHECK(decode_record(&f.d, rec, sizeof(rec), 2, 0) != NULL);
	CHECK(val(&f, "laddr")->family == AF_INET6 && !memcmp(val(&f, "laddr")->addr, v6, 16));
out:
	teardown(&f);
}

/* decoder_only: fields no one reads stay absent; the match clauses' fields are always read. */
static void only_used_fields(void)
{
	struct dfx f;
	uint8_t rec[80] = { 0 };
	struct tep_event *ev;
	bool *needed;
	int retrans;

	if (!setup(&f, NULL))
		goto out;
	needed = calloc(f.r->n_fields, sizeof(*needed));
	needed[recipe_field_index(f.r, "lport")] = true;
	retrans = f.d.events[0].decl;
	CHECK(recipe_set_param(f.r, "addr=10.0.0.2") == PK_OK);	/* -p comes before tracing */
	decoder_only(&f.d, retrans, needed);
	ev = tep_find_event_by_name(f.p.tep, "tcp", "tcp_retransmit_skb");
	CHECK(f.d.events[0].id == ev->id);
	put16(rec, 0, ev->id);
	put32(rec, 24, 1);
	put16(rec, 28, 5001);
	put16(rec, 30, 40000);
	put16(rec, 32, AF_INET);
	memcpy(rec + 34, (uint8_t[]){ 10, 0, 0, 1 }, 4);
	memcpy(rec + 38, (uint8_t[]){ 10, 0, 0, 2 }, 4);
	CHECK(decode_record(&f.d, rec, sizeof(rec), 99, 1) != NULL);
	CHECK(val(&f, "lport")->present && val(&f, "lport")->num == 5001);
	CHECK(!val(&f, "rport")->present && !val(&f, "state")->present && !val(&f, "sk")->present);
	/* laddr and raddr are the set addr parameter's match fields: read, and matched */
	CHECK(val(&f, "laddr")->present && val(&f, "raddr")->present);
	CHECK(recipe_set_param(f.r, "addr=10.0.0.3") == PK_OK);
	CHECK(decode_record(&f.d, rec, sizeof(rec), 101, 1) == NULL);
	free(needed);
	teardown(&f);
	/* without the parameter no one reads them */
	if (!setup(&f, NULL))
		goto out;
	needed = calloc(f.r->n_fields, sizeof(*needed));
	decoder_only(&f.d, f.d.events[0].decl, needed);
	ev = tep_find_event_by_name(f.p.tep, "tcp", "tcp_retransmit_skb");
	put16(rec, 0, ev->id);
	CHECK(decode_record(&f.d, rec, sizeof(rec), 102, 1) != NULL);
	CHECK(!val(&f, "laddr")->present && !val(&f, "lport")->present);
	free(needed);
out:
	teardown(&f);
}

const struct unit_test decode_tests[] = {
	{ "decode: only the fields the run reads", only_used_fields },
	{ "decode: tracepoint IPv4, IPv6, v4-mapped, match", tracepoint_ipv4_ipv6_mapped },
	{ "decode: kprobe byte order and u64 halves", kprobe_network_order_and_halves },
	{ NULL, NULL },
};
