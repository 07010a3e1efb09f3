// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit test runner: runs every table, prints "N passed, N failed". Run from tests/. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/util.h"
#include "recipe/recipe.h"
#include "util/textsafe.h"
#include "test.h"

int test_failures;
static char tmpdir[] = "/tmp/probekit-unit-XXXXXX";

char *write_temp(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
	return path;
}

static int saved_fd = -1;

char *capture_stderr_begin(void)
{
	char *path = xasprintf("%s/stderr", tmpdir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	fflush(stderr);
	saved_fd = dup(2);
	dup2(fd, 2);
	close(fd);
	return path;
}

char *capture_stderr_end(char *path)
{
	char *text;

	fflush(stderr);
	dup2(saved_fd, 2);
	close(saved_fd);
	text = read_file(path, NULL);
	unlink(path);
	free(path);
	return text;
}

void check_refusal(struct recipe *r, char *err, const char *want, const char *text)
{
	size_t len = err ? strlen(err) : 0;
	int lines = 0;

	CHECK(r == NULL);
	CHECK_CONTAINS(err, want);
	for (size_t i = 0; i < len; i++)
		lines += err[i] == '\n';
	CHECK(lines == 1);
	/* the message's own final newline is its only control byte */
	CHECK(len && !text_find_control(err, len - 1));
	if (r || !err || !strstr(err, want))
		fprintf(stderr, "    (for recipe %s)\n", text);
	recipe_free(r);
	free(err);
}

int main(void)
{
	const struct unit_test *tables[] = {
		recipe_tests, plan_tests, kagg_tests, fetcharg_tests, format_tests, decode_tests, shared_tests, counts_tests,
		latency_tests, explain_tests, reader_tests, hist_tests, untrusted_tests, comm_tests, derive_tests, owner_tests, owner_table_tests, jsonw_tests, engine_tests, reqresp_tests, symbols_tests, cpulist_tests, duration_tests, guard_tests, prometheus_tests, flight_tests, capture_writer_tests, labels_tests,
	};
	int passed = 0, failed = 0;

	if (!mkdtemp(tmpdir))
		return 1;
	for (size_t t = 0; t < ARRAY_SIZE(tables); t++) {
		for (const struct unit_test *u = tables[t]; u->name; u++) {
			test_failures = 0;
			u->fn();
			printf("%s %s\n", test_failures ? "FAIL" : "ok  ", u->name);
			if (test_failures)
				failed++;
			else
				passed++;
		}
	}
	if (system(NULL)) {
		char *cmd = xasprintf("rm -rf %s", tmpdir);

		if (system(cmd)) {
			/* leftovers in /tmp are harmless */
		}
		free(cmd);
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
