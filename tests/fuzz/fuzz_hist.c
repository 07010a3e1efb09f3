// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: the text of a kernel hist file (the kernel's histograms of a
 * latency it paired are read back as text). The first byte picks the keys
 * asked for; hist_parse never crashes, reads past the text or calls back with
 * more keys than a histogram has.
 */
#include <stdlib.h>

#include "kernel/hist.h"
#include "util/util.h"

static void row(void *ctx, const struct hist_row *r)
{
	uint64_t *sum = ctx;

	if (r->n_keys < 1 || r->n_keys > HIST_MAX_KEYS)
		abort();
	for (int k = 0; k < r->n_keys; k++)
		if (r->name_len[k] > HIST_NAME_MAX || r->names[k][r->name_len[k]])
			abort();
	*sum += r->keys[r->n_keys - 1] + r->hits;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = { "a", "g0,lat.buckets=1000", "common_pid.execname,id",
		"common_pid.execname,id,ret", "common_pid" };
	struct hist_totals t;
	uint64_t sum = 0;
	char *text;

	if (!size)
		return 0;
	text = xstrndup((const char *)data + 1, size - 1);
	hist_parse(text, keys[data[0] % 5], row, &sum, &t);
	free(text);
	return 0;
}
