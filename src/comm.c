// SPDX-License-Identifier: GPL-2.0-or-later
/* pid -> comm from /proc, in a small direct-mapped cache (no allocation per event). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "format.h"

#define COMM_SLOTS 1024
#define COMM_TTL_NS 1000000000LL	/* pids get reused: re-read after a second */

struct comm_slot {
	int pid;
	bool known;
	char comm[17];
	long long stamp;
};

static struct comm_slot slots[COMM_SLOTS];

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
	if (fd < 0)
		return NULL;
	n = read(fd, s->comm, sizeof(s->comm) - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	s->comm[n] = '\0';
	s->comm[strcspn(s->comm, "\n")] = '\0';
	s->known = true;
	return s->comm;
}
