// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test traffic with known shape: a request/response client and server.
 * One small request is outstanding at a time, so every retransmission the
 * kernel makes is exactly one segment (RetransSegs counts segments).
 *
 *   tcpflow server ADDR PORT TIMEOUT_S
 *   tcpflow client ADDR PORT REQUESTS SIZE TIMEOUT_S
 *   tcpflow delay-server ADDR PORT DELAY_MS TIMEOUT_S
 *   tcpflow periodic ADDR PORT REQUESTS SIZE INTERVAL_MS TIMEOUT_S
 *
 * delay-server reads each request exactly DELAY_MS after it became readable
 * (ground truth for receive-queue latency); periodic sends a request, waits
 * for the reply, sleeps INTERVAL_MS.
 *
 * Framed request/response (each request: u32 request length, u32 response
 * length, then the request's bytes; the response is that many bytes):
 *   tcpflow qp-server ADDR PORT Q:P[,Q:P...] TIMEOUT_S
 *   tcpflow rr-client ADDR PORT REQUESTS REQ_SIZE RESP_SIZE DEPTH TIMEOUT_S
 * qp-server gives its i-th connection the i-th Q:P pair (cyclically): it
 * reads each request Q ms after it became readable and answers P ms after
 * the read (ground truth for queue wait and application time); one process
 * per connection, one request per read loop. rr-client writes DEPTH requests,
 * then reads their DEPTH responses (DEPTH 1: serial; more: pipelining).
 *
 *   tcpflow udp ADDR PORT N
 * sends N small UDP datagrams (to a closed port: N drops the kernel counts as
 * Udp:NoPorts).
 *
 *   tcpflow connects ADDR PORT N GIVE_UP_MS TIMEOUT_S
 * makes N connection attempts one after another (each socket closed after);
 * GIVE_UP_MS 0: blocking connect (the kernel decides: established, refused,
 * timed out), else non-blocking, closed by us after GIVE_UP_MS without an
 * answer. Prints "established A refused R timeout T gaveup G".
 *
 * The clients print "lport N" once connected and "done N" at the end.
 * Everything is bounded by TIMEOUT_S (SIGALRM ends the process).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static socklen_t make_addr(const char *host, int port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		return sizeof(*in4);
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		return sizeof(*in6);
	}
	fprintf(stderr, "tcpflow: bad address %s\n", host);
	exit(2);
}

static int serve(const char *host, int port)
{
	struct pollfd fds[64];
	struct sockaddr_storage ss;
	socklen_t len = make_addr(host, port, &ss);
	int one = 1, n = 1;
	char buf[65536];

	fds[0].fd = socket(ss.ss_family, SOCK_STREAM, 0);
	setsockopt(fds[0].fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fds[0].fd, (struct sockaddr *)&ss, len) || listen(fds[0].fd, 16)) {
		perror("tcpflow: bind/listen");
		return 1;
	}
	fds[0].events = POLLIN;
	printf("listening\n");
	fflush(stdout);
	for (;;) {
		if (poll(fds, n, -1) < 0)
			return 1;
		if ((fds[0].revents & POLLIN) && n < 64) {
			fds[n].fd = accept(fds[0].fd, NULL, NULL);
			if (fds[n].fd < 0)
				continue;
			setsockopt(fds[n].fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			fds[n].events = POLLIN;
			fds[n++].revents = 0;	/* not polled yet: nothing to read */
		}
		for (int i = 1; i < n; i++) {
			ssize_t got;

			if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			got = read(fds[i].fd, buf, sizeof(buf));
			if (got <= 0) {
				close(fds[i].fd);
				fds[i--] = fds[--n];
				continue;
			}
			if (write(fds[i].fd, "k", 1) != 1)
				return 1;
		}
	}
}

static int listen_on(const char *host, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(host, port, &ss);
	int one = 1, fd = socket(ss.ss_family, SOCK_STREAM, 0);

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, 16)) {
		perror("tcpflow: bind/listen");
		exit(1);
	}
	return fd;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts))
		;
}

/* Answers each request after delay_ms; with nth > 0 only the nth request (of all) waits. */
static int delay_server(const char *host, int port, int delay_ms, int nth)
{
	int lfd = listen_on(host, port), seen = 0;
	char buf[65536];

	printf("listening\n");
	fflush(stdout);
	for (;;) {
		int fd = accept(lfd, NULL, NULL);

		for (;;) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			ssize_t got;

			if (poll(&p, 1, -1) < 0)
				return 1;
			if (!nth || ++seen == nth)
				sleep_ms(delay_ms);	/* the data waits this long in the socket */
			got = read(fd, buf, sizeof(buf));
			if (got <= 0 || write(fd, "k", 1) != 1)
				break;
		}
		close(fd);
	}
}

/* A connected TCP socket (TCP_NODELAY), its local port printed as "lport N"; -1 on failure. */
static int connect_to(const char *host, int port)
{
	struct sockaddr_storage ss, local;
	socklen_t len = make_addr(host, port, &ss), llen = sizeof(local);
	int one = 1, fd = socket(ss.ss_family, SOCK_STREAM, 0);

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&ss, len)) {
		perror("tcpflow: connect");
		return -1;
	}
	getsockname(fd, (struct sockaddr *)&local, &llen);
	printf("lport %d\n", ntohs(((struct sockaddr_in *)&local)->sin_port));
	fflush(stdout);
	return fd;
}

static int client(const char *host, int port, int requests, int size, int interval_ms)
{
	char *buf = calloc(1, size);
	int fd = connect_to(host, port), done = 0;
	char reply;

	if (fd < 0)
		return 1;
	memset(buf, 'x', size);
	for (; done < requests; done++) {
		ssize_t got;

		/* one request in flight: a retransmission is one segment */
		if (write(fd, buf, size) != size) {
			printf("write: %s\n", strerror(errno));
			break;
		}
		got = read(fd, &reply, 1);
		if (got != 1) {
			printf("read: %s\n", got ? strerror(errno) : "end of stream");
			break;
		}
		if (interval_ms)
			sleep_ms(interval_ms);
	}
	close(fd);
	free(buf);
	printf("done %d\n", done);
	return done == requests ? 0 : 1;
}

static bool full_read(int fd, void *buf, size_t len)
{
	for (size_t got = 0; got < len;) {
		ssize_t n = read(fd, (char *)buf + got, len - got);

		if (n <= 0)
			return false;
		got += (size_t)n;
	}
	return true;
}

static bool full_write(int fd, const void *buf, size_t len)
{
	for (size_t put = 0; put < len;) {
		ssize_t n = write(fd, (const char *)buf + put, len - put);

		if (n <= 0)
			return false;
		put += (size_t)n;
	}
	return true;
}

/* One connection of qp-server: wait Q, read one request, wait P, answer. */
static void qp_serve(int fd, int q_ms, int p_ms)
{
	static char buf[1 << 20];
	uint32_t hdr[2];

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, -1) < 0)
			break;
		sleep_ms(q_ms);
		if (!full_read(fd, hdr, sizeof(hdr)) || hdr[0] < sizeof(hdr) ||
		    hdr[0] - sizeof(hdr) > sizeof(buf) || hdr[1] > sizeof(buf) ||
		    !full_read(fd, buf, hdr[0] - sizeof(hdr)))
			break;
		sleep_ms(p_ms);
		memset(buf, 'r', hdr[1]);
		if (!full_write(fd, buf, hdr[1]))
			break;
	}
	close(fd);
	_exit(0);
}

static int qp_server(const char *host, int port, const char *pairs)
{
	int lfd = listen_on(host, port), q[16], p[16], n = 0, one = 1;
	const char *s = pairs;

	while (n < 16 && sscanf(s, "%d:%d", &q[n], &p[n]) == 2) {
		n++;
		s = strchr(s, ',');
		if (!s++)
			break;
	}
	if (!n) {
		fprintf(stderr, "tcpflow: bad Q:P list %s\n", pairs);
		return 2;
	}
	signal(SIGCHLD, SIG_IGN);	/* no zombies */
	printf("listening\n");
	fflush(stdout);
	for (int i = 0;; i++) {
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0)
			return 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (fork() == 0) {
			alarm(120);	/* alarms are not inherited */
			close(lfd);
			qp_serve(fd, q[i % n], p[i % n]);
		}
		close(fd);
	}
}

static int rr_client(const char *host, int port, int requests, uint32_t req_size,
		     uint32_t resp_size, int depth)
{
	uint32_t hdr[2] = { req_size < 8 ? 8 : req_size, resp_size };
	char *req = calloc(1, hdr[0]), *resp = calloc(1, resp_size + 1);
	int fd = connect_to(host, port), done = 0;

	if (fd < 0)
		return 1;
	memset(req, 'q', hdr[0]);
	memcpy(req, hdr, sizeof(hdr));
	while (done < requests) {
		int batch = requests - done < depth ? requests - done : depth, ok = 1;

		for (int i = 0; i < batch && ok; i++)
			ok = full_write(fd, req, hdr[0]);
		for (int i = 0; i < batch && ok; i++)
			ok = full_read(fd, resp, resp_size);
		if (!ok)
			break;
		done += batch;
	}
	close(fd);
	free(req);
	free(resp);
	printf("done %d\n", done);
	return done == requests ? 0 : 1;
}

static int udp_burst(const char *host, int port, int n)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(host, port, &ss);
	int fd = socket(ss.ss_family, SOCK_DGRAM, 0), sent = 0;

	for (int i = 0; i < n; i++)
		sent += sendto(fd, "x", 1, 0, (struct sockaddr *)&ss, len) == 1;
	close(fd);
	printf("sent %d\n", sent);
	return sent == n ? 0 : 1;
}

/* One attempt: 0 established, 1 refused, 2 timed out (kernel), 3 given up (us). */
static int connect_once(const struct sockaddr_storage *ss, socklen_t len, int give_up_ms)
{
	int fd = socket(ss->ss_family, SOCK_STREAM | (give_up_ms ? SOCK_NONBLOCK : 0), 0);
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	int err = 0, ret;
	socklen_t elen = sizeof(err);

	if (!connect(fd, (const struct sockaddr *)ss, len))
		ret = 0;
	else if (errno != EINPROGRESS)
		ret = errno == ECONNREFUSED ? 1 : 2;
	else if (poll(&pfd, 1, give_up_ms) == 0)
		ret = 3;
	else {
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
		ret = !err ? 0 : err == ECONNREFUSED ? 1 : 2;
	}
	close(fd);
	return ret;
}

static int connects(const char *host, int port, int n, int give_up_ms)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(host, port, &ss);
	int count[4] = { 0 };

	for (int i = 0; i < n; i++) {
		count[connect_once(&ss, len, give_up_ms)]++;
		printf("attempt %d\n", i + 1);
		fflush(stdout);
	}
	printf("established %d refused %d timeout %d gaveup %d\n", count[0], count[1], count[2],
	       count[3]);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 7 && !strcmp(argv[1], "connects")) {
		alarm(atoi(argv[6]));
		return connects(argv[2], atoi(argv[3]), atoi(argv[4]), atoi(argv[5]));
	}
	if (argc == 5 && !strcmp(argv[1], "udp"))
		return udp_burst(argv[2], atoi(argv[3]), atoi(argv[4]));
	if (argc == 6 && !strcmp(argv[1], "qp-server")) {
		alarm(atoi(argv[5]));
		return qp_server(argv[2], atoi(argv[3]), argv[4]);
	}
	if (argc == 9 && !strcmp(argv[1], "rr-client")) {
		alarm(atoi(argv[8]));
		return rr_client(argv[2], atoi(argv[3]), atoi(argv[4]), (uint32_t)atoi(argv[5]),
				 (uint32_t)atoi(argv[6]), atoi(argv[7]) < 1 ? 1 : atoi(argv[7]));
	}
	if (argc == 5 && !strcmp(argv[1], "server")) {
		alarm(atoi(argv[4]));
		return serve(argv[2], atoi(argv[3]));
	}
	if (argc == 7 && !strcmp(argv[1], "client")) {
		alarm(atoi(argv[6]));
		return client(argv[2], atoi(argv[3]), atoi(argv[4]), atoi(argv[5]), 0);
	}
	if (argc == 6 && !strcmp(argv[1], "delay-server")) {
		alarm(atoi(argv[5]));
		return delay_server(argv[2], atoi(argv[3]), atoi(argv[4]), 0);
	}
	if (argc == 7 && !strcmp(argv[1], "spike-server")) {
		alarm(atoi(argv[6]));
		return delay_server(argv[2], atoi(argv[3]), atoi(argv[5]), atoi(argv[4]));
	}
	if (argc == 8 && !strcmp(argv[1], "periodic")) {
		alarm(atoi(argv[7]));
		return client(argv[2], atoi(argv[3]), atoi(argv[4]), atoi(argv[5]), atoi(argv[6]));
	}
	fprintf(stderr, "usage: tcpflow server ADDR PORT TIMEOUT_S\n"
			"       tcpflow client ADDR PORT REQUESTS SIZE TIMEOUT_S\n"
			"       tcpflow delay-server ADDR PORT DELAY_MS TIMEOUT_S\n"
			"       tcpflow spike-server ADDR PORT NTH DELAY_MS TIMEOUT_S\n"
			"       tcpflow periodic ADDR PORT REQUESTS SIZE INTERVAL_MS TIMEOUT_S\n"
			"       tcpflow qp-server ADDR PORT Q:P[,Q:P...] TIMEOUT_S\n"
			"       tcpflow rr-client ADDR PORT REQUESTS REQ_SIZE RESP_SIZE DEPTH TIMEOUT_S\n"
			"       tcpflow udp ADDR PORT N\n"
			"       tcpflow connects ADDR PORT N GIVE_UP_MS TIMEOUT_S\n");
	return 2;
}
