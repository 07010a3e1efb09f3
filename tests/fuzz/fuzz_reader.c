// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: ring-buffer pages as trace_pipe_raw gives them, for two fixed
 * plans: tcp-retrans with its kprobe alternatives (the kernel's own kprobe
 * layout), tcp-reqresp with its tracepoints (a 6.x kernel's formats: its
 * connection table and state machine get whatever the pages say), and
 * net-drops (symbolic reasons looked up for whatever value a page holds).
 * The input is the pages of two CPUs (split at the middle), replayed through
 * the engine as a run goes: the reader walks them, the decoder decodes every
 * record, enrichers and analyses take it, and a sink formats each value as
 * text and JSON. Never a crash, an overread or a leak, whatever the pages say.
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <event-parse.h>

#include "engine/engine.h"
#include "engine/registry.h"
#include "kernel/caps.h"
#include "kprobe_layout.h"

#define NEW "fixtures/linux-6.x/sys/kernel/tracing"
#define PAGE 4096

/* Each input goes through two runs: tcp-retrans (kprobes) and tcp-reqresp (tracepoints). */
static struct recipe *recipe, *reqresp, *drops;
static struct caps caps;
static struct plan plan, reqresp_plan, drops_plan;
static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char *use[] = { "retrans=kprobe", "synack=kprobe", NULL };
	struct plan_opts o = { .instance = "probekit_42", .use = use };
	(void)argc;
	(void)argv;
	struct plan_opts tp = { .instance = "probekit_42" };

	recipe = recipe_load("../recipes/tcp-retrans.json");
	reqresp = recipe_load("../recipes/tcp-reqresp.json");
	drops = recipe_load("../recipes/net-drops.json");
	if (!recipe || !reqresp || !drops || caps_detect(&caps, NEW) ||
	    plan_build(&plan, recipe, &caps, &o) || plan_build(&reqresp_plan, reqresp, &caps, &tp) ||
	    plan_build(&drops_plan, drops, &caps, &tp) || kprobe_layout_parse(plan.tep) ||
	    !(devnull = fopen("/dev/null", "we"))) {
		fprintf(stderr, "fuzz_reader: run from tests/ (fixtures, recipes)\n");
		exit(1);
	}
	return 0;
}

/* Every field of every record, as text and as JSON both ways. */
static void format_all(struct sink *s, const struct record *rec, const char *type,
		       const char *analysis)
{
	char buf[256];

	(void)type;
	(void)analysis;
	for (int f = 0; f < rec->n_values; f++) {
		format_value(&s->fc, f, &rec->values[f], buf, sizeof(buf));
		format_json_write(&s->fc, f, &rec->values[f], s->f);
		json_decref(format_json(&s->fc, f, &rec->values[f]));
	}
}

static void report_both(struct sink *s, const struct report_view *v)
{
	json_decref(v->json(v->self, &s->fc));
	v->text(v->self, &s->fc, s->f);
}

static const struct sink_ops fuzz_sink = { .name = "fuzz", .record = format_all,
					   .report = report_both };

static int pages_fd(const uint8_t *data, size_t size)
{
	int fd = memfd_create("pages", MFD_CLOEXEC);

	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	/* the reader reads whole pages: pad the last one with zeros */
	if (size % PAGE && ftruncate(fd, (size / PAGE + 1) * PAGE))
		abort();
	lseek(fd, 0, SEEK_SET);
	return fd;
}

static void replay(struct plan *p, struct recipe *r, const uint8_t *data, size_t size)
{
	size_t half = size / 2 / PAGE * PAGE;
	struct analysis_opts ao = { .threshold = true };	/* every pair and request printed too */
	/* no process names: a /proc lookup per random pid is not the parsers' work */
	struct engine_opts eo = { .analysis = &ao, .n_page_fds = 2, .page_size = PAGE,
				  .no_enrich = true };
	struct sink *sink;
	struct engine *e;
	int fds[2], status;

	fds[0] = pages_fd(data, half);
	fds[1] = pages_fd(data + half, size - half);
	eo.page_fds = fds;
	sink = sink_open(&fuzz_sink, r, devnull, false);
	e = engine_open(p, sink, &eo, &status);
	if (e) {
		while (engine_poll(e))
			;
		engine_report(e);
		engine_close(e);
	}
	sink_close(sink);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 64 * PAGE)
		return 0;
	replay(&plan, recipe, data, size);
	replay(&reqresp_plan, reqresp, data, size);
	replay(&drops_plan, drops, data, size);
	return 0;
}
