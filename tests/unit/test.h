/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_TEST_H
#define PROBEKIT_TEST_H

#include <stdio.h>
#include <string.h>

#include "engine/registry.h"

extern int test_failures;	/* checks failed in the current test */

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "    %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
		test_failures++; \
	} \
} while (0)

#define CHECK_STR(got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	if (!g_ || strcmp(g_, w_)) { \
		fprintf(stderr, "    %s:%d: got \"%s\", want \"%s\"\n", __FILE__, __LINE__, \
			g_ ? g_ : "(null)", w_); \
		test_failures++; \
	} \
} while (0)

#define CHECK_CONTAINS(got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	if (!g_ || !strstr(g_, w_)) { \
		fprintf(stderr, "    %s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__, \
			g_ ? g_ : "(null)", w_); \
		test_failures++; \
	} \
} while (0)

struct unit_test {
	const char *name;
	void (*fn)(void);
};

/* Each test file exports a NULL-terminated table. */
extern const struct unit_test recipe_tests[], plan_tests[], kagg_tests[], fetcharg_tests[], format_tests[],
	decode_tests[], shared_tests[], counts_tests[], latency_tests[], explain_tests[], reader_tests[], hist_tests[], untrusted_tests[], comm_tests[], derive_tests[], owner_tests[], owner_table_tests[],
	jsonw_tests[], engine_tests[], reqresp_tests[], symbols_tests[], cpulist_tests[], duration_tests[], guard_tests[], prometheus_tests[], flight_tests[], capture_writer_tests[], labels_tests[];

/* Helpers shared by the test files (main.c). */
char *write_temp(const char *name, const char *text);	/* returns the path */
char *capture_stderr_begin(void);
char *capture_stderr_end(char *token);			/* returns what was written */
struct recipe;
/* A load that must fail with one escaped line containing want; frees r and err. */
void check_refusal(struct recipe *r, char *err, const char *want, const char *text);
#define FIXTURE(k) "fixtures/" k

#endif
