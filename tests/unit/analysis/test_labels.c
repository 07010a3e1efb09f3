// SPDX-License-Identifier: GPL-2.0-or-later
/* The monitor's bounded label tables: first values kept, the rest folded and estimated. */
#include <stdlib.h>
#include <string.h>

#include "analysis/labels.h"
#include "test.h"

static void first_values_get_rows_the_rest_fold(void)
{
	struct label_table t;
	struct value v = { .present = true, .family = 2 };

	label_table_init(&t, "raddr", 0, 10, 2);
	for (int round = 0; round < 3; round++)	/* 1000 addresses, three times each */
		for (int i = 0; i < 1000; i++) {
			v.addr[0] = 10;
			v.addr[2] = (uint8_t)(i >> 8);
			v.addr[3] = (uint8_t)i;
			label_table_add(&t, &v, i % 2);
		}
	CHECK(t.n == 10);
	for (int i = 0; i < 10; i++)	/* each of the first ten: its three events */
		CHECK(t.counts[i * 2] + t.counts[i * 2 + 1] == 3);
	CHECK(t.counts[10 * 2] + t.counts[10 * 2 + 1] == 2970);
	CHECK(t.folded_events == 2970);
	/* 990 distinct values folded: linear counting within a few percent */
	CHECK(label_table_folded(&t) > 940 && label_table_folded(&t) < 1040);
	label_table_free(&t);
}

static void strings_are_copied_and_nothing_folds_below_the_cap(void)
{
	struct label_table t;
	char name[16];
	struct value v = { .present = true };

	label_table_init(&t, "comm", 0, 4, 1);
	strcpy(name, "nginx");
	v.str = name;
	v.len = 5;
	label_table_add(&t, &v, 0);
	strcpy(name, "redis");	/* the record's bytes are reused: the table kept its own */
	label_table_add(&t, &v, 0);
	label_table_add(&t, &v, 0);
	CHECK(t.n == 2 && !strcmp(t.text[0], "nginx") && !strcmp(t.text[1], "redis"));
	CHECK(t.counts[0] == 1 && t.counts[1] == 2);
	CHECK(label_table_folded(&t) == 0 && t.folded_events == 0);
	label_table_free(&t);
}

const struct unit_test labels_tests[] = {
	{ "labels: the first values get rows, the rest fold into other, counted",
	  first_values_get_rows_the_rest_fold },
	{ "labels: string values copied; below the cap nothing folds",
	  strings_are_copied_and_nothing_folds_below_the_cap },
	{ NULL, NULL },
};
