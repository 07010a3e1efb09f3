// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Readers that are late for known reasons (ground truth for run --explain).
 *
 *   lazyreader server ADDR PORT BUSY_MS CPU TIMEOUT_S
 *   lazyreader hog CPU BURST_MS PAUSE_MS BURSTS
 *
 * server answers tcpflow's clients ("k" per request), one connection at a
 * time, pinned to CPU (-1: anywhere). With BUSY_MS > 0 it is busy before each
 * read: once the request is readable it calls getppid() every 20 us for
 * BUSY_MS ms (spinning in between: a rate any tracer keeps up with), then
 * reads. It prints "read I getppid N" for each read (N calls before it), and
 * "reads R getppid N" at each connection's end (an end is not waited for).
 *
 * hog, named "cpuhog", runs SCHED_FIFO 1 on CPU: BURSTS times it spins for
 * BURST_MS and sleeps PAUSE_MS; a SCHED_OTHER reader on that CPU waits for it.
 * It prints "ready" once pinned and real-time, "done" at the end.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);	/* the vDSO: no system call */
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static int listen_on(const char *host, int port)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int one = 1, fd;

	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		len = sizeof(*in4);
	} else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		len = sizeof(*in6);
	} else {
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) || listen(fd, 16))
		return -1;
	return fd;
}

/* One connection: busy, then read and answer, until the client closes. */
static void serve(int fd, int busy_ms)
{
	unsigned long reads = 0, calls = 0;
	char buf[65536];

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		unsigned long n = 0;
		uint64_t until;
		int queued = 0;

		/* readable with nothing queued: the client closed, nothing to be late for (not
		 * MSG_PEEK: a peek is a read to the kernel, tcp_rcv_space_adjust included) */
		if (poll(&p, 1, -1) < 0 || ioctl(fd, FIONREAD, &queued) || queued <= 0)
			break;
		until = now_ns() + (uint64_t)busy_ms * 1000000ULL;
		for (uint64_t next = now_ns(); busy_ms > 0 && next < until; next += 20000) {
			while (now_ns() < next)
				;
			getppid();
			n++;
		}
		if (read(fd, buf, sizeof(buf)) <= 0 || write(fd, "k", 1) != 1)
			break;
		calls += n;
		printf("read %lu getppid %lu\n", ++reads, n);
	}
	printf("reads %lu getppid %lu\n", reads, calls);
	fflush(stdout);
	close(fd);
}

static int server(const char *host, int port, int busy_ms, int cpu, int timeout_s)
{
	int lfd = listen_on(host, port);

	if (lfd < 0 || pin(cpu)) {
		perror("lazyreader: server");
		return 1;
	}
	alarm(timeout_s);
	printf("listening\n");
	fflush(stdout);
	for (;;) {
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0)
			return 1;
		serve(fd, busy_ms);
	}
}

static int hog(int cpu, int burst_ms, int pause_ms, int bursts)
{
	struct sched_param sp = { .sched_priority = 1 };
	struct timespec pause = { pause_ms / 1000, (long)(pause_ms % 1000) * 1000000L };

	prctl(PR_SET_NAME, "cpuhog");
	if (pin(cpu) || sched_setscheduler(0, SCHED_FIFO, &sp)) {
		perror("lazyreader: hog");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (int i = 0; i < bursts; i++) {
		uint64_t until = now_ns() + (uint64_t)burst_ms * 1000000ULL;

		while (now_ns() < until)
			;
		nanosleep(&pause, NULL);
	}
	printf("done\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 7 && !strcmp(argv[1], "server"))
		return server(argv[2], atoi(argv[3]), atoi(argv[4]), atoi(argv[5]), atoi(argv[6]));
	if (argc == 6 && !strcmp(argv[1], "hog"))
		return hog(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]), atoi(argv[5]));
	fprintf(stderr, "usage: lazyreader server ADDR PORT BUSY_MS CPU TIMEOUT_S\n"
			"       lazyreader hog CPU BURST_MS PAUSE_MS BURSTS\n");
	return 2;
}
