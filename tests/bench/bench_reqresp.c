// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * make bench-reqresp: nanoseconds per event of the request/response analysis
 * alone (the tcp-reqresp recipe): decoded records of 4096 server and client
 * connections, interleaved, each exchange an arrival, a read and two sends
 * (server) or a send, an arrival and a read (client), fed as the engine feeds
 * them; the connection table, the state machine and the statistics. Checks the
 * count of exchanges.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/reqresp.h"
#include "engine/registry.h"

#define CONNS 4096
#define ROUNDS 250

static uint64_t exchanges = 0;

static void no_record(struct sink *s, const struct record *rec, const char *type,
		      const char *analysis)
{
	(void)s, (void)rec, (void)type, (void)analysis;
}

static void keep_count(struct sink *s, const struct report_view *v)
{
	json_t *obj = v->json(v->self, &s->fc);

	exchanges = (uint64_t)json_integer_value(json_object_get(obj, "exchanges"));
	json_decref(obj);
}

static const struct sink_ops check_sink = { .name = "check", .record = no_record,
					    .report = keep_count };

struct fields {
	int sock, laddr, lport, raddr, rport, bytes, old, new;
	int in, read, send, state;
};

static void set(struct record *rec, const struct fields *f, int ev, uint64_t sock, int k,
		uint64_t ts)
{
	const uint8_t a[4] = { 10, 0, (uint8_t)(k >> 8), (uint8_t)k }, b[4] = { 10, 1, 0, 1 };
	bool server = k & 1;

	for (int i = 0; i < rec->n_values; i++)
		rec->values[i].present = false;
	rec->event = ev;
	rec->ts = ts;
	rec->values[f->sock] = (struct value){ .present = true, .num = sock };
	value_set_addr(&rec->values[f->laddr], server ? b : a, 4);
	value_set_addr(&rec->values[f->raddr], server ? a : b, 4);
	rec->values[f->lport] = (struct value){ .present = true, .num = server ? 80 : 40000 + k };
	rec->values[f->rport] = (struct value){ .present = true, .num = server ? 40000 + k : 80 };
	rec->values[f->bytes] = (struct value){ .present = true, .num = 100 };
}

int main(void)
{
	struct recipe *r = recipe_load("../recipes/tcp-reqresp.json");
	struct analysis_opts opts = { 0 };
	struct analysis a = { .ops = &reqresp_analysis, .opts = &opts };
	struct fields f;
	struct record rec;
	struct timespec t0, t1;
	uint64_t ts = 1000000, events = 0;
	double ns;

	if (!r) {
		fprintf(stderr, "bench-reqresp: run from tests/\n");
		return 1;
	}
	f = (struct fields){ recipe_field_index(r, "sock"), recipe_field_index(r, "laddr"),
		recipe_field_index(r, "lport"), recipe_field_index(r, "raddr"),
		recipe_field_index(r, "rport"), recipe_field_index(r, "bytes"),
		recipe_field_index(r, "oldstate"), recipe_field_index(r, "newstate"),
		recipe_event_index(r, "arrive"), recipe_event_index(r, "read"),
		recipe_event_index(r, "send"), recipe_event_index(r, "state") };
	a.recipe = r;
	a.cfg = recipe_analysis_cfg(r, &reqresp_analysis);
	a.sink = sink_open(&check_sink, r, stdout, true);
	rec.values = calloc(r->n_fields, sizeof(*rec.values));
	rec.n_values = r->n_fields;
	if (a.ops->init(&a))
		return 1;
	/* connections accepted (odd) and opened (even) during the run */
	for (int k = 0; k < CONNS; k++) {
		set(&rec, &f, f.state, 0x1000 + k, k, ts++);
		rec.values[f.old] = (struct value){ .present = true, .num = k & 1 ? 3 : 2 };
		rec.values[f.new] = (struct value){ .present = true, .num = 1 };
		a.ops->feed(&a, &rec);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int round = 0; round < ROUNDS; round++)
		for (int k = 0; k < CONNS; k++) {
			static const int server[] = { 0, 1, 2, 2 }, client[] = { 2, 0, 1, 1 };
			const int *steps = k & 1 ? server : client;

			for (int s = 0; s < 4; s++) {
				int ev = steps[s] == 0 ? f.in : steps[s] == 1 ? f.read : f.send;

				set(&rec, &f, ev, 0x1000 + k, k, ts += 997);
				a.ops->feed(&a, &rec);
				events++;
			}
		}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
	a.ops->report(&a, &(struct run_info){ 0 });
	printf("bench-reqresp: %llu events, %llu exchanges, %d connections: %.1f ns per event "
	       "(connection lookup, state machine, statistics)\n", (unsigned long long)events,
	       (unsigned long long)exchanges, CONNS, ns / (double)events);
	a.ops->free(&a);
	sink_close(a.sink);
	free(rec.values);
	recipe_free(r);
	/* each connection's last exchange ends with the run: all of them count */
	if (exchanges != (uint64_t)CONNS * ROUNDS) {
		fprintf(stderr, "bench-reqresp: expected %d exchanges\n", CONNS * ROUNDS);
		return 1;
	}
	return 0;
}
