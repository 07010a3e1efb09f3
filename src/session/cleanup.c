// SPDX-License-Identifier: GPL-2.0-or-later
/* Leftovers of dead runs (kill -9, crashes): their instances and probe groups, nothing else. */
#include <ctype.h>
#include <dirent.h>
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

/* One event's triggers, each written back with '!' (as trace-cmd clears them). */
static int clear_event_triggers(struct tracefs_instance *inst, const char *sys, const char *ev)
{
	char *text = tracefs_event_file_read(inst, sys, ev, "trigger", NULL);
	int left = 0;

	for (char *line = text, *next; line && *line; line = next) {
		char *mark, *cmd;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (*line == '#' || !*line)
			continue;
		mark = strstr(line, " [");	/* " [active]", " [paused]" */
		if (mark)
			*mark = '\0';
		cmd = xasprintf("!%s", line);
		if (tracefs_event_file_append(inst, sys, ev, "trigger", cmd) < 0)
			left++;	/* a variable another trigger still reads: the next pass */
		free(cmd);
	}
	free(text);
	return left;
}

/* A dead run's hist triggers hold its instance: remove them, readers of variables first. */
static void clear_instance_triggers(struct tracefs_instance *inst)
{
	char *dir = tracefs_instance_get_file(inst, "events");
	DIR *systems;

	for (int pass = 0; dir && pass < 3; pass++) {
		struct dirent *s;
		int left = 0;

		systems = opendir(dir);
		while (systems && (s = readdir(systems))) {
			char *path = xasprintf("%s/%s", dir, s->d_name);
			DIR *events = s->d_name[0] == '.' ? NULL : opendir(path);
			struct dirent *e;

			while (events && (e = readdir(events)))
				if (e->d_name[0] != '.' && e->d_type == DT_DIR)
					left += clear_event_triggers(inst, s->d_name, e->d_name);
			if (events)
				closedir(events);
			free(path);
		}
		if (systems)
			closedir(systems);
		if (!left)
			break;
	}
	tracefs_put_tracing_file(dir);
}

/* probekit_<pid>_<n>: the synthetic events of run <pid>; 0 when not ours. */
static int synth_name_pid(const char *name)
{
	const char *us = strrchr(name, '_');
	char run[64];

	if (!us || us == name || (size_t)(us - name) >= sizeof(run) || !isdigit((unsigned char)us[1]))
		return 0;
	for (const char *d = us + 1; *d; d++)
		if (!isdigit((unsigned char)*d))
			return 0;
	memcpy(run, name, us - name);
	run[us - name] = '\0';
	return run_name_pid(run);
}

/* Synthetic events of dead runs (after their instances: triggers hold them). */
static int remove_synthetic_events(bool verbose, int *removed)
{
	char *text = tracefs_instance_file_read(NULL, "synthetic_events", NULL);
	int ret = PK_OK;

	for (char *line = text, *next; line && *line; line = next) {
		char name[128], *cmd;
		int pid;

		next = strchr(line, '\n');
		next = next ? next + 1 : line + strlen(line);
		if (sscanf(line, "%127[^ \t\n]", name) != 1 || !(pid = synth_name_pid(name)) ||
		    run_alive(pid))
			continue;
		cmd = xasprintf("!%s", name);
		if (tracefs_instance_file_append(NULL, "synthetic_events", cmd) < 0) {
			pk_error("cannot remove synthetic event %s: %s", name, strerror(errno));
			ret = PK_ERR_RUNTIME;
		} else {
			(*removed)++;
			if (verbose)
				printf("removed synthetic event %s (pid %d is gone)\n", name, pid);
		}
		free(cmd);
	}
	free(text);
	return ret;
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
		if (inst && tracefs_instance_destroy(inst) < 0 && errno == EBUSY)
			clear_instance_triggers(inst);	/* the kernel-paired latencies' */
		if (inst && (!tracefs_instance_exists(*n) || tracefs_instance_destroy(inst) == 0)) {
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
	ret = remove_synthetic_events(verbose, removed) ?: ret;
	return probes_remove_if(NULL, of_dead_run, count_removed,
				&(struct reset_count){ verbose, removed }) ?: ret;
}
