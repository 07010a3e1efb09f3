// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Seeds for fuzz_reader: pages of real-shaped kprobe records, a time extend, a
 * lost-events flag; and a request/response exchange in the 6.x tracepoints
 * (fixture IDs and offsets) for the tcp-reqresp run, and drops for net-drops.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kprobe_layout.h"
#include "pagegen.h"

static void record(uint8_t *rec, uint16_t id, uint16_t family, uint16_t port)
{
	memset(rec, 0, KPROBE_REC_SIZE);
	memcpy(rec, &id, 2);
	rec[4] = 42;				/* common_pid */
	rec[24] = 10; rec[27] = 2;		/* daddr 10.0.0.2 */
	rec[28] = 10; rec[31] = 1;		/* saddr 10.0.0.1 */
	memcpy(rec + 32, &port, 2);
	memcpy(rec + 36, &family, 2);
	rec[38] = 1;				/* ESTABLISHED */
	memset(rec + 39, 0xfd, 32);		/* IPv6 halves */
}

/* A seed file DIR/NAME of 4096-byte pages; pages_close() writes the last one. */
static struct pagegen pages_open(const char *dir, const char *name)
{
	struct pagegen g = { .size = 4096, .off = PG_HDR };
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	g.out = fopen(path, "w");
	g.page = calloc(1, 4096);
	if (!g.out || !g.page)
		exit(1);
	return g;
}

static void pages_close(struct pagegen *g)
{
	pg_flush(g, 0);
	fclose(g->out);
	free(g->page);
}

static void seed(const char *dir, const char *name, int n, uint64_t step, int missed)
{
	struct pagegen g = pages_open(dir, name);
	uint8_t rec[KPROBE_REC_SIZE];

	for (int i = 0; i < n; i++) {
		record(rec, 3001 + i % 3, i % 2 ? 10 : 2, (uint16_t)(5000 + i));
		pg_event(&g, rec, sizeof(rec), 1000 + i * step);
		if (missed && i == n / 2)
			pg_flush(&g, 1);
	}
	pages_close(&g);
}

static void put(uint8_t *rec, int off, uint64_t v, int size)
{
	memcpy(rec + off, &v, (size_t)size);	/* little-endian */
}

/* One connection accepted, then requests: arrival, read, send, and a close. */
static void seed_reqresp(const char *dir)
{
	enum { PROBE = 2273, ADJUST = 2277, SEND = 2284, STATE = 2287 };
	const uint64_t sk = 0xffff888012345678ULL;
	struct pagegen g = pages_open(dir, "reqresp");
	uint8_t rec[136];
	uint64_t ts = 1000;

	for (int i = 0; i < 12; i++) {
		int kind = i == 0 ? STATE : i == 11 ? -STATE : (int[]){ PROBE, ADJUST, SEND }[(i - 1) % 3];
		int len = kind == PROBE ? 136 : kind == ADJUST ? 72 : kind == SEND ? 28 : 72;

		memset(rec, 0, sizeof(rec));
		put(rec, 0, (uint64_t)(kind < 0 ? -kind : kind), 2);
		if (kind == PROBE) {
			put(rec, 8, 2 | (80 << 24), 4);		/* sockaddr_in: AF_INET, port 80 */
			put(rec, 12, 0x0100000a, 4);		/* 10.0.0.1 */
			put(rec, 36, 2 | (0x3930ULL << 16), 4);
			put(rec, 40, 0x0200000a, 4);
			put(rec, 64, 80, 2);
			put(rec, 66, 12345, 2);
			put(rec, 68, 2, 2);
			put(rec, 76, 100, 2);			/* data_len */
			put(rec, 128, sk, 8);
		} else if (kind == ADJUST) {
			put(rec, 8, sk, 8);
			put(rec, 16, 80, 2);
			put(rec, 18, 12345, 2);
			put(rec, 20, 2, 2);
		} else if (kind == SEND) {
			put(rec, 8, sk, 8);
			put(rec, 16, 2, 2);
			put(rec, 18, 6, 2);
			put(rec, 20, 200, 4);			/* ret */
		} else {
			put(rec, 8, sk, 8);
			put(rec, 16, kind > 0 ? 3 : 1, 4);	/* SYN_RECV -> ESTABLISHED, then CLOSE */
			put(rec, 20, kind > 0 ? 1 : 7, 4);
			put(rec, 24, 80, 2);
			put(rec, 26, 12345, 2);
			put(rec, 28, 2, 2);
			put(rec, 30, 6, 2);
			put(rec, 32, 0x0100000a, 4);
			put(rec, 36, 0x0200000a, 4);
		}
		pg_event(&g, rec, len, ts += 1000000);
	}
	pages_close(&g);
}

/* Drops of skb:kfree_skb (fixture ID and offsets), reasons known and unknown. */
static void seed_drops(const char *dir)
{
	struct pagegen g = pages_open(dir, "drops");
	uint8_t rec[40];

	for (int i = 0; i < 8; i++) {
		memset(rec, 0, sizeof(rec));
		put(rec, 0, 2310, 2);
		put(rec, 8, 0xffff888000001000ULL + (uint64_t)i * 256, 8);	/* skbaddr */
		put(rec, 16, 0xffffffff81000000ULL + (uint64_t)i * 64, 8);	/* location */
		put(rec, 32, i % 2 ? 0x86dd : 0x800, 2);
		put(rec, 36, (uint64_t)(i < 6 ? 2 + i : 100000 + i), 4);	/* reason */
		pg_event(&g, rec, sizeof(rec), 1000 + (uint64_t)i * 1000);
	}
	pages_close(&g);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen_pages DIR\n");
		return 2;
	}
	seed(argv[1], "one", 1, 0, 0);
	seed(argv[1], "many", 120, 1000, 0);
	seed(argv[1], "extend", 10, 1ULL << 30, 0);
	seed(argv[1], "missed", 60, 10, 1);
	seed_reqresp(argv[1]);
	seed_drops(argv[1]);
	return 0;
}
