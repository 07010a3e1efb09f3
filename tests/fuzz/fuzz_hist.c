// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: the text of a kernel hist file (the kernel's histograms of a
 * latency it paired are read back as text). The first byte picks the number
 * of keys; hist_parse never crashes, reads past the text or calls back with
 * more keys than asked.
 */
#include <stdlib.h>

#include "kernel/hist.h"
#include "util/util.h"

static void row(void *ctx, const uint64_t *keys, int n_keys, uint64_t hits)
{
	uint64_t *sum = ctx;

	if (n_keys < 1 || n_keys > HIST_MAX_KEYS)
		abort();
	*sum += keys[n_keys - 1] + hits;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hist_totals t;
	uint64_t sum = 0;
	char *text;

	if (!size)
		return 0;
	text = xstrndup((const char *)data + 1, size - 1);
	hist_parse(text, data[0] % (HIST_MAX_KEYS + 2), row, &sum, &t);
	free(text);
	return 0;
}
