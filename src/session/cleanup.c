// SPDX-License-Identifier: GPL-2.0-or-later
/* Leftovers of dead runs (kill -9, crashes): their instances and probe groups, nothing else. */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tracefs.h>

#include "session/session.h"

int run_name_pid(const char *name)
{
	char *end;
	long pid;

	const char *digits = name + sizeof(PK_NAME);

	/* exactly probekit_<pid>: strtol alone would take "probekit_ 12", "_+12", "_012" */
	if (strncmp(name, PK_NAME "_", sizeof(PK_NAME)) || *digits < '1' || *digits > '9')
		return 0;
	pid = strtol(digits, &end, 10);
	return *end || pid <= 0 || pid > 0x3fffffff ? 0 : (int)pid;
}

/* A live pid whose comm is not ours is a reused pid: that run is dead too. */
static bool run_alive(int pid)
{
	char path[64], *comm;
	bool ours;

	if (kill(pid, 0) < 0 && errno == ESRCH)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	comm = read_file(path, NULL);
	ours = !comm || !strncmp(comm, PK_NAME, strlen(PK_NAME));
	free(comm);
	return ours;
}

static int remove_instances(bool verbose, int *removed)
{
	/* no regex: libtracefs 1.6.4 leaks it; run_name_pid() matches exactly */
	char **names = tracefs_instances(NULL);
	int ret = PK_OK;

	for (char **n = names; n && *n; n++) {
		int pid = run_name_pid(*n);
		struct tracefs_instance *inst;

		if (!pid || run_alive(pid))
			continue;
		inst = tracefs_instance_alloc(NULL, *n);
		if (inst && tracefs_instance_destroy(inst) == 0) {
			(*removed)++;
			if (verbose)
				printf("removed instance %s (pid %d is gone)\n", *n, pid);
		} else {
			pk_error("cannot remove instance %s: %s", *n, strerror(errno));
			ret = PK_ERR_RUNTIME;
		}
		tracefs_instance_free(inst);
	}
	tracefs_list_free(names);
	return ret;
}

int probes_remove_if(const char *group, probe_pick_fn doomed, probe_pick_fn removed, void *ctx)
{
	struct tracefs_dynevent **all = tracefs_dynevent_get_all(
		TRACEFS_DYNEVENT_KPROBE | TRACEFS_DYNEVENT_KRETPROBE, group);
	int ret = PK_OK;

	for (int i = 0; all && all[i]; i++) {
		char *sys = NULL, *ev = NULL;

		tracefs_dynevent_info(all[i], &sys, &ev, NULL, NULL, NULL);
		if (sys && ev && doomed(sys, ev, ctx)) {
			if (tracefs_dynevent_destroy(all[i], false) == 0) {
				if (removed)
					removed(sys, ev, ctx);
			} else {
				pk_error("cannot remove probe %s/%s: %s", sys, ev, strerror(errno));
				ret = PK_ERR_RUNTIME;
			}
		}
		free(sys);
		free(ev);
	}
	tracefs_dynevent_list_free(all);
	return ret;
}

struct reset_count {
	bool verbose;
	int *removed;
};

static bool of_dead_run(const char *sys, const char *ev, void *ctx)
{
	int pid = run_name_pid(sys);

	(void)ev;
	(void)ctx;
	return pid && !run_alive(pid);
}

static bool count_removed(const char *sys, const char *ev, void *ctx)
{
	struct reset_count *c = ctx;

	(*c->removed)++;
	if (c->verbose)
		printf("removed probe %s/%s (pid %d is gone)\n", sys, ev, run_name_pid(sys));
	return true;
}

int cleanup_dead_runs(bool verbose, int *removed)
{
	int ret;

	*removed = 0;
	/* instances first: a probe enabled in a dead instance cannot be removed */
	ret = remove_instances(verbose, removed);
	return probes_remove_if(NULL, of_dead_run, count_removed,
				&(struct reset_count){ verbose, removed }) ?: ret;
}
