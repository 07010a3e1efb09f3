// SPDX-License-Identifier: GPL-2.0-or-later
/* Seeds for fuzz_reader: pages of real-shaped kprobe records, a time extend, a lost-events flag. */
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

static void seed(const char *dir, const char *name, int n, uint64_t step, int missed)
{
	char path[512];
	struct pagegen g = { .size = 4096, .off = PG_HDR };
	uint8_t rec[KPROBE_REC_SIZE];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	g.out = fopen(path, "w");
	g.page = calloc(1, 4096);
	if (!g.out || !g.page)
		exit(1);
	for (int i = 0; i < n; i++) {
		record(rec, 3001 + i % 3, i % 2 ? 10 : 2, (uint16_t)(5000 + i));
		pg_event(&g, rec, sizeof(rec), 1000 + i * step);
		if (missed && i == n / 2)
			pg_flush(&g, 1);
	}
	pg_flush(&g, 0);
	fclose(g.out);
	free(g.page);
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
	return 0;
}
