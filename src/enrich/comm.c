// SPDX-License-Identifier: GPL-2.0-or-later
/* pid -> comm from /proc, else saved_cmdlines, in a small direct-mapped cache (no allocation per event). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <event-parse.h>
#include <tracefs.h>

#include "output/format.h"

#define COMM_SLOTS 1024
#define COMM_TTL_NS 1000000000LL	/* pids get reused: re-read after a second */

struct comm_slot {
	int pid;
	bool known;
	char comm[17];
	long long stamp;
};

static struct comm_slot slots[COMM_SLOTS];
static struct tep_handle *cmd_tep;
static const char *cmd_dir;
static long long cmd_loaded;

void comm_init(struct tep_handle *tep, const char *tracing_dir)
{
	cmd_tep = tep;
	cmd_dir = tracing_dir;
}

/*
 * A process gone before we read its record: the kernel's saved_cmdlines still
 * knows its name (recorded at its last context switch). Reloaded at most ten
 * times a second, only on a miss.
 */
static bool saved_comm(int pid, long long now, char *out, size_t len)
{
	const char *c;

	if (!cmd_tep)
		return false;
	if (!tep_is_pid_registered(cmd_tep, pid) && now - cmd_loaded > COMM_TTL_NS / 10) {
		tracefs_load_cmdlines(cmd_dir, cmd_tep);
		cmd_loaded = now;
	}
	if (!tep_is_pid_registered(cmd_tep, pid))
		return false;
	c = tep_data_comm_from_pid(cmd_tep, pid);
	snprintf(out, len, "%s", c);
	return true;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

const char *comm_of(int pid)
{
	struct comm_slot *s = &slots[(unsigned)pid % COMM_SLOTS];
	long long now = now_ns();
	char path[32];
	ssize_t n;
	int fd;

	if (s->pid == pid && now - s->stamp < COMM_TTL_NS)
		return s->known ? s->comm : NULL;
	s->pid = pid;
	s->stamp = now;
	s->known = false;
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, s->comm, sizeof(s->comm) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0) {
		s->known = saved_comm(pid, now, s->comm, sizeof(s->comm));
		return s->known ? s->comm : NULL;
	}
	s->comm[n] = '\0';
	s->comm[strcspn(s->comm, "\n")] = '\0';
	s->known = true;
	return s->comm;
}
