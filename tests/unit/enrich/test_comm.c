// SPDX-License-Identifier: GPL-2.0-or-later
/* The comm enricher: names resolved at event time, grouped by name, kept after the process exits. */
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <string.h>
#include <unistd.h>
#include <event-parse.h>

#include "analysis/grouptab.h"
#include "enrich/enrich.h"
#include "test.h"

/* A child named name that waits until killed. */
static pid_t named_child(const char *name)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_NAME, name);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)	/* named by now */
		pid = -1;
	close(p[0]);
	return pid;
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void names_by_group_outlive_processes(void)
{
	static const struct column by_comm[] = { { .title = "COMM", .field = FIELD_COMM, .port_field = -1 } };
	struct value vals[FIELD_NR_BUILTIN] = { 0 };
	struct record rec = { .values = vals, .n_values = FIELD_NR_BUILTIN, .ts = 1000 };
	struct recipe r = { .n_fields = FIELD_NR_BUILTIN };
	struct enrich_env env = { .recipe = &r };	/* no tracefs: /proc only */
	void *state = comm_enricher.open(&env);
	pid_t a = named_child("pkunit-same"), b = named_child("pkunit-same");
	struct grouptab t;
	struct group **g;
	size_t n;

	CHECK(a > 0 && b > 0);
	grouptab_init(&t, by_comm, 1, sizeof(uint64_t));
	for (int i = 0; i < 2; i++) {
		vals[FIELD_PID] = (struct value){ .present = true, .num = (uint64_t)(i ? b : a) };
		comm_enricher.enrich(state, &rec);
		CHECK(vals[FIELD_COMM].present && vals[FIELD_COMM].str);
		CHECK(vals[FIELD_COMM].len == 11 && !memcmp(vals[FIELD_COMM].str, "pkunit-same", 11));
		(*(uint64_t *)grouptab_get(&t, vals))++;
	}
	reap(a);
	reap(b);
	/* one group, the name kept though both processes are gone */
	g = grouptab_list(&t, &n);
	CHECK(n == 1 && *(uint64_t *)g[0]->payload == 2);
	CHECK(n == 1 && g[0]->vals[0].len == 11 && !memcmp(g[0]->vals[0].str, "pkunit-same", 11));
	free(g);
	/* a later lookup finds no process: unknown, not another's name */
	rec.ts += 2000000000ULL;
	vals[FIELD_PID] = (struct value){ .present = true, .num = (uint64_t)a };
	comm_enricher.enrich(state, &rec);
	CHECK(vals[FIELD_COMM].present && !vals[FIELD_COMM].str);
	/* interrupt context: no task, no name */
	vals[FIELD_PID].present = false;
	vals[FIELD_COMM] = (struct value){ 0 };
	comm_enricher.enrich(state, &rec);
	CHECK(!vals[FIELD_COMM].present);
	grouptab_free(&t, NULL);
	comm_enricher.close(state);
}

/*
 * saved_cmdlines names a pid with no process (4000000: above any pid_max):
 * stale, a process that later had that pid would get the old name; refused.
 * One alive at the start is named from it once it is gone.
 */
static void stale_saved_names_are_refused(void)
{
	struct value vals[FIELD_NR_BUILTIN] = { 0 };
	struct record rec = { .values = vals, .n_values = FIELD_NR_BUILTIN, .ts = 1000 };
	struct recipe r = { .n_fields = FIELD_NR_BUILTIN };
	struct tep_handle *tep = tep_alloc();
	pid_t alive = named_child("pkunit-alive");
	char *text = xasprintf("4000000 oldname\n%d pkunit-alive\n", (int)alive);
	char *path = write_temp("saved_cmdlines", text), *dir = xstrdup(path);
	struct enrich_env env = { .recipe = &r, .tep = tep };
	void *state;

	*strrchr(dir, '/') = '\0';
	env.tracing_dir = dir;
	state = comm_enricher.open(&env);
	reap(alive);
	vals[FIELD_PID] = (struct value){ .present = true, .num = 4000000 };
	comm_enricher.enrich(state, &rec);
	CHECK(vals[FIELD_COMM].present && !vals[FIELD_COMM].str);	/* not "oldname" */
	vals[FIELD_PID] = (struct value){ .present = true, .num = (uint64_t)alive };
	rec.ts += 2000000000ULL;
	comm_enricher.enrich(state, &rec);
	CHECK(vals[FIELD_COMM].str && !strcmp(vals[FIELD_COMM].str, "pkunit-alive"));
	comm_enricher.close(state);
	tep_free(tep);
	unlink(path);
	free(path);
	free(dir);
	free(text);
}

const struct unit_test comm_tests[] = {
	{ "comm: a name saved_cmdlines kept from before the run is refused",
	  stale_saved_names_are_refused },
	{ "comm: resolved at event time, grouped by name, kept after exit",
	  names_by_group_outlive_processes },
	{ NULL, NULL },
};
