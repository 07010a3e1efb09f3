// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A delay line between two network namespaces, for hosts without netem: a
 * TUN device in each (pkdl0 in NS_A, pkdl1 in NS_B) and this process between
 * them, writing each packet to the other side DELAY_MS after it was read. The
 * delay is the same both ways and applies to every packet (SYNs too), so a
 * request/response over it takes at least 2 * DELAY_MS more.
 *
 *   delayline NS_A NS_B DELAY_MS TIMEOUT_S
 *
 * Prints "ready" once both devices exist (the caller gives them addresses
 * and sets them up); the devices go when the process ends. Bounded by
 * TIMEOUT_S and by its queues (packets beyond them are dropped and counted).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define SLOTS 4096		/* per direction: bounded memory */
#define MAX_PACKET 2048		/* above the devices' MTU */

struct packet {
	int64_t due;		/* CLOCK_MONOTONIC ns */
	int len;
	uint8_t data[MAX_PACKET];
};

/* One direction: read from in, written to out after the delay, in order. */
struct lane {
	int in, out;
	struct packet *q;
	unsigned head, tail;	/* head - tail packets waiting */
	unsigned long forwarded, dropped;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Enter network namespace name (as ip netns add made it). */
static int enter(const char *name)
{
	char path[256];
	int fd, ret;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = setns(fd, CLONE_NEWNET);
	close(fd);
	return ret;
}

/* A TUN device named name in the current namespace: IP packets, no extra header. */
static int tun_open(const char *name)
{
	struct ifreq ifr = { .ifr_flags = IFF_TUN | IFF_NO_PI };
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void take_in(struct lane *l, int64_t delay)
{
	for (;;) {
		struct packet *p = &l->q[l->head % SLOTS];
		ssize_t n;

		if (l->head - l->tail == SLOTS) {	/* full: read and drop */
			uint8_t sink[MAX_PACKET];

			if (read(l->in, sink, sizeof(sink)) <= 0)
				return;
			l->dropped++;
			continue;
		}
		n = read(l->in, p->data, sizeof(p->data));
		if (n <= 0)
			return;
		p->len = (int)n;
		p->due = now_ns() + delay;
		l->head++;
	}
}

/* Write what is due; the time until the next one, in ms (-1: none waiting). */
static int give_out(struct lane *l)
{
	while (l->head != l->tail) {
		struct packet *p = &l->q[l->tail % SLOTS];
		int64_t wait = p->due - now_ns();

		if (wait > 0)
			return (int)(wait / 1000000) + 1;
		if (write(l->out, p->data, p->len) == p->len)
			l->forwarded++;
		else
			l->dropped++;
		l->tail++;
	}
	return -1;
}

static int min_timeout(int a, int b)
{
	return a < 0 ? b : b < 0 ? a : a < b ? a : b;
}

int main(int argc, char **argv)
{
	struct lane lanes[2];
	int64_t delay, end;
	int fd_a, fd_b;

	if (argc != 5) {
		fprintf(stderr, "usage: delayline NS_A NS_B DELAY_MS TIMEOUT_S\n");
		return 2;
	}
	delay = atoll(argv[3]) * 1000000LL;
	end = now_ns() + atoll(argv[4]) * 1000000000LL;
	if (enter(argv[1]) < 0 || (fd_a = tun_open("pkdl0")) < 0 ||
	    enter(argv[2]) < 0 || (fd_b = tun_open("pkdl1")) < 0) {
		fprintf(stderr, "delayline: %s\n", strerror(errno));
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	lanes[0] = (struct lane){ .in = fd_a, .out = fd_b, .q = calloc(SLOTS, sizeof(struct packet)) };
	lanes[1] = (struct lane){ .in = fd_b, .out = fd_a, .q = calloc(SLOTS, sizeof(struct packet)) };
	if (!lanes[0].q || !lanes[1].q)
		return 1;
	printf("ready\n");
	fflush(stdout);
	while (!stop && now_ns() < end) {
		struct pollfd pfd[2] = { { .fd = fd_a, .events = POLLIN }, { .fd = fd_b, .events = POLLIN } };
		int timeout = min_timeout(give_out(&lanes[0]), give_out(&lanes[1]));

		poll(pfd, 2, min_timeout(timeout, 200));
		take_in(&lanes[0], delay);
		take_in(&lanes[1], delay);
	}
	printf("forwarded %lu %lu dropped %lu %lu\n", lanes[0].forwarded, lanes[1].forwarded,
	       lanes[0].dropped, lanes[1].dropped);
	return 0;
}
