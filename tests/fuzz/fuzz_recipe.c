// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: a recipe from a buffer. Whatever the input, loading never
 * crashes or leaks, and a recipe that loads can never make a tracefs write
 * with a newline or control byte: its plan is built on a kernel with kprobes
 * and $argN and on one without, and every probe definition and filter checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/registry.h"
#include "plan/plan.h"
#include "util/textsafe.h"

#define NEW "fixtures/linux-6.x/sys/kernel/tracing"

static struct caps caps;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (caps_detect(&caps, NEW) != PK_OK) {
		fprintf(stderr, "fuzz_recipe: run from tests/ (fixtures)\n");
		exit(1);
	}
	return 0;
}

static void check_writes(struct recipe *r, bool no_argn)
{
	struct plan_opts o = { .instance = "probekit_42", .no_argn = no_argn };
	struct plan p;

	plan_build(&p, r, &caps, &o);
	for (int i = 0; i < p.n_ev; i++) {
		const struct planned_event *pe = &p.ev[i];

		if ((pe->probe && !text_is_single_line(pe->probe)) ||
		    (pe->filter && !text_is_single_line(pe->filter)))
			abort();	/* an accepted recipe would write two commands */
	}
	plan_free(&p);
}

/* Every message a refusal printed: one line each, no raw control byte. */
static void check_messages(const char *text, size_t len)
{
	const char *end = text + len;

	for (const char *line = text; line < end;) {
		const char *nl = memchr(line, '\n', end - line);
		size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);

		if (text_find_control(line, n))
			abort();	/* a message would drive the reader's terminal */
		line += n + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *saved = stderr;
	char *msgs = NULL;
	size_t len = 0;
	struct recipe *r;

	stderr = open_memstream(&msgs, &len);
	r = recipe_load_buffer((const char *)data, size, "fuzz.json");
	if (r) {
		check_writes(r, false);
		check_writes(r, true);
		recipe_free(r);
	}
	fclose(stderr);
	stderr = saved;
	check_messages(msgs, len);
	free(msgs);
	return 0;
}
