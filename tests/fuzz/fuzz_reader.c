// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: ring-buffer pages as trace_pipe_raw gives them, for a fixed plan
 * (tcp-retrans with its kprobe alternatives, the kernel's own kprobe layout).
 * The input is the pages of two CPUs (split at the middle); the reader walks
 * them, the decoder decodes every record and each value is formatted as text
 * and JSON. Never a crash, an overread or a leak, whatever the pages say.
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <event-parse.h>

#include "decode/decode.h"
#include "output/format.h"
#include "kprobe_layout.h"
#include "kernel/reader.h"

#define NEW "fixtures/linux-6.x/sys/kernel/tracing"
#define PAGE 4096

static struct recipe *recipe;
static struct caps caps;
static struct plan plan;
static struct decoder dec;
static struct format_ctx fc;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char *use[] = { "retrans=kprobe", "synack=kprobe", NULL };
	struct plan_opts o = { .instance = "probekit_42", .use = use };
	(void)argc;
	(void)argv;
	recipe = recipe_load("../recipes/tcp-retrans.json");
	if (!recipe || caps_detect(&caps, NEW) || plan_build(&plan, recipe, &caps, &o) ||
	    kprobe_layout_parse(plan.tep) || decoder_init(&dec, &plan)) {
		fprintf(stderr, "fuzz_reader: run from tests/ (fixtures, recipes)\n");
		exit(1);
	}
	fc.recipe = recipe;
	return 0;
}

static void on_record(void *ctx, void *data, int size, unsigned long long ts, int cpu)
{
	const struct event_rt *ev = decode_record(&dec, data, size, ts, cpu);
	char buf[256];

	(void)ctx;
	if (!ev)
		return;
	for (int f = 0; f < recipe->n_fields; f++) {
		if (f == FIELD_COMM)	/* a pid lookup in /proc: not the decoder's work */
			continue;
		format_value(&fc, f, &dec.values[f], buf, sizeof(buf));
		json_decref(format_json(&fc, f, &dec.values[f]));
	}
}

static void on_loss(void *ctx)
{
	(void)ctx;
}

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t half = size / 2 / PAGE * PAGE;
	int fds[2];
	struct reader rd;

	if (size > 64 * PAGE)
		return 0;
	fds[0] = pages_fd(data, half);
	fds[1] = pages_fd(data + half, size - half);
	if (reader_open_fds(&rd, fds, 2, PAGE) == PK_OK) {
		rd.on_loss = on_loss;
		reader_drain(&rd, on_record, NULL);
	}
	reader_free(&rd);
	return 0;
}
