// SPDX-License-Identifier: GPL-2.0-or-later
/* The socket table against sockets this test makes: held by one process, by two (forked), and a listener's. */
#include <arpa/inet.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "enrich/owner_table.h"
#include "test.h"

static uint16_t port_of(int fd, bool peer)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	if ((peer ? getpeername(fd, (struct sockaddr *)&a, &len) :
		    getsockname(fd, (struct sockaddr *)&a, &len)))
		return 0;
	return ntohs(a.sin_port);
}

static int connect_to(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

static bool find(struct owner_table *t, uint16_t lport, uint16_t rport, struct owner_found *f)
{
	uint8_t lo[4] = { 127, 0, 0, 1 };
	struct value a = { 0 };

	value_set_addr(&a, lo, 4);
	return owner_table_find(t, &a, lport, &a, rport, true, f);
}

static void held_once_held_twice_and_listeners(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int l = socket(AF_INET, SOCK_STREAM, 0), c1, s1, c2, s2, p[2];
	struct owner_table *t = owner_table_new();
	struct owner_found f;
	const char *why;
	uint16_t port;
	pid_t child;
	char x;

	if (geteuid()) {	/* entering namespaces (even ours) takes CAP_SYS_ADMIN */
		printf("    not root: skipped\n");
		owner_table_free(t);
		close(l);
		return;
	}
	CHECK(l >= 0 && !bind(l, (struct sockaddr *)&a, sizeof(a)) && !listen(l, 4));
	port = port_of(l, false);
	c1 = connect_to(port);
	s1 = accept(l, NULL, NULL);
	CHECK(c1 >= 0 && s1 >= 0 && !pipe(p));
	child = fork();
	if (child == 0) {	/* holds every fd of the parent's so far */
		close(p[1]);
		if (read(p[0], &x, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(p[0]);
	c2 = connect_to(port);	/* after the fork: the parent's alone */
	s2 = accept(l, NULL, NULL);
	CHECK(child > 0 && c2 >= 0 && s2 >= 0);
	CHECK(owner_table_refresh(t, &why));
	/* the connection both hold: the lower pid (the parent's), shared */
	CHECK(find(t, port, port_of(s1, true), &f) && f.pid == getpid() && f.shared && !f.listener);
	CHECK(find(t, port_of(c1, false), port, &f) && f.pid == getpid() && f.shared);
	/* the one only the parent holds */
	CHECK(find(t, port, port_of(s2, true), &f) && f.pid == getpid() && !f.shared && !f.listener);
	/* a connection the table has not seen: its listener */
	CHECK(find(t, port, 1, &f) && f.listener && f.pid == getpid());
	/* another port: nobody */
	CHECK(!find(t, (uint16_t)(port + 1), 1, &f) || f.pid != getpid());
	close(p[1]);
	waitpid(child, NULL, 0);
	close(c1), close(s1), close(c2), close(s2), close(l);
	owner_table_free(t);
}

const struct unit_test owner_table_tests[] = {
	{ "owner table: held once, held by a forked child (shared), and a listener's",
	  held_once_held_twice_and_listeners },
	{ NULL, NULL },
};
