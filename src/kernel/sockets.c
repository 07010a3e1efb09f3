// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * TCP sockets of every network namespace (sock_diag through libnl, which
 * Debian ships as a static archive too: the static build has the table), and
 * their processes (/proc fds).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <netinet/in.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "kernel/sockets.h"

#define NETNS_MAX 1024		/* namespaces read per dump: a host with more gets the first */

struct dump_ctx {
	sock_entry_fn fn;
	void *ctx;
	uint64_t netns;
	int err;		/* the dump's own error, carried in its NLMSG_DONE */
};

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static int on_diag_msg(struct nl_msg *msg, void *data)
{
	const struct dump_ctx *d = data;
	const struct nlmsghdr *nlh = nlmsg_hdr(msg);
	const struct inet_diag_msg *m = nlmsg_data(nlh);
	struct sock_entry e = { 0 };

	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY || nlmsg_datalen(nlh) < (int)sizeof(*m))
		return NL_OK;
	e.family = m->idiag_family;
	e.state = m->idiag_state;
	e.lport = ntohs(m->id.idiag_sport);
	e.rport = ntohs(m->id.idiag_dport);
	memcpy(e.laddr, m->id.idiag_src, e.family == AF_INET ? 4 : 16);
	memcpy(e.raddr, m->id.idiag_dst, e.family == AF_INET ? 4 : 16);
	e.inode = m->idiag_inode;
	e.netns = d->netns;
	d->fn(d->ctx, &e);
	return NL_OK;
}

/*
 * The end of a dump: the kernel puts the dump's error in NLMSG_DONE (no
 * tcp_diag module: -ENOENT), which libnl does not look at.
 */
static int on_dump_done(struct nl_msg *msg, void *data)
{
	struct dump_ctx *d = data;
	const struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int err;

	if (nlmsg_datalen(nlh) >= (int)sizeof(err)) {
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
		d->err = err < 0 ? err : 0;
	}
	return NL_STOP;
}

/* One family's TCP sockets through nl (a sock_diag socket of one namespace); libnl reads to DONE. */
static bool dump_family(struct nl_sock *nl, int family, struct dump_ctx *d)
{
	struct inet_diag_req_v2 req = {
		.sdiag_family = (uint8_t)family, .sdiag_protocol = IPPROTO_TCP, .idiag_states = ~0U,
	};

	d->err = 0;
	if (nl_socket_modify_cb(nl, NL_CB_VALID, NL_CB_CUSTOM, on_diag_msg, d) < 0 ||
	    nl_socket_modify_cb(nl, NL_CB_FINISH, NL_CB_CUSTOM, on_dump_done, d) < 0 ||
	    nl_send_simple(nl, SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, &req, sizeof(req)) < 0)
		return false;
	return nl_recvmsgs_default(nl) >= 0 && !d->err;
}

/* A sock_diag socket in the namespace of /proc/PID (self_ns: ours, to come back to). */
static struct nl_sock *diag_socket_in(const char *pid, int self_ns)
{
	struct nl_sock *nl = NULL;
	char path[300];	/* /proc/ + a d_name */
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/ns/net", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (setns(fd, CLONE_NEWNET) == 0) {
		/* its own default callbacks: not the NLCB environment's (verbose ones print) */
		struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);

		nl = cb ? nl_socket_alloc_cb(cb) : NULL;
		if (cb)
			nl_cb_put(cb);	/* the socket holds its own reference */
		if (nl && nl_connect(nl, NETLINK_SOCK_DIAG) < 0) {
			nl_socket_free(nl);
			nl = NULL;
		}
		/* a socket stays in the namespace it was made in: go home at once */
		if (setns(self_ns, CLONE_NEWNET) < 0)
			abort();	/* in a foreign namespace, nothing after this is right */
	}
	close(fd);
	if (nl) {	/* a dump's datagrams are up to 32 KiB: peek at each one's size */
		nl_socket_enable_msg_peek(nl);
		nl_socket_set_msg_buf_size(nl, 32768);
	}
	return nl;
}

static bool seen_before(const uint64_t *seen, int n, uint64_t ino)
{
	for (int i = 0; i < n; i++)
		if (seen[i] == ino)
			return true;
	return false;
}

int sockets_dump(sock_entry_fn fn, void *ctx, const char **why)
{
	static uint64_t seen[NETNS_MAX];
	int n_seen = 0, self_ns;
	struct dirent *de;
	DIR *proc;

	*why = NULL;
	self_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	proc = opendir("/proc");
	if (self_ns < 0 || !proc) {
		*why = "cannot read /proc";
		goto out;
	}
	while ((de = readdir(proc)) && n_seen < NETNS_MAX) {
		char path[300];	/* /proc/ + a d_name */
		struct stat st;
		struct nl_sock *nl;
		struct dump_ctx d = { .fn = fn, .ctx = ctx };

		if (!all_digits(de->d_name))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/net", de->d_name);
		if (stat(path, &st) < 0 || seen_before(seen, n_seen, st.st_ino))
			continue;
		seen[n_seen++] = st.st_ino;
		d.netns = st.st_ino;
		nl = diag_socket_in(de->d_name, self_ns);
		if (!nl) {
			n_seen--;	/* a process that exited meanwhile: another may share it */
			continue;
		}
		/* IPv4 must be there; a kernel without IPv6 fails the second dump */
		if (!dump_family(nl, AF_INET, &d))
			*why = "a sock_diag dump failed (no tcp_diag module?)";
		else
			dump_family(nl, AF_INET6, &d);
		nl_socket_free(nl);
	}
	if (!n_seen && !*why)
		*why = "cannot open sock_diag in any network namespace";
out:
	if (proc)
		closedir(proc);
	if (self_ns >= 0)
		close(self_ns);
	return n_seen ? n_seen : -1;
}

/* "socket:[12345]" -> 12345, else 0 */
static uint32_t socket_inode(const char *link)
{
	unsigned long ino;
	char *end;

	if (strncmp(link, "socket:[", 8))
		return 0;
	ino = strtoul(link + 8, &end, 10);
	return *end == ']' && ino <= UINT32_MAX ? (uint32_t)ino : 0;
}

static void holders_of(int dirfd, int pid, sock_holder_fn fn, void *ctx)
{
	DIR *fds = fdopendir(dirfd);
	struct dirent *de;

	if (!fds) {
		close(dirfd);
		return;
	}
	while ((de = readdir(fds))) {
		char link[64];
		ssize_t n;
		uint32_t ino;

		if (de->d_name[0] == '.')
			continue;
		n = readlinkat(dirfd, de->d_name, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if ((ino = socket_inode(link)))
			fn(ctx, ino, pid);
	}
	closedir(fds);
}

int sockets_holders(sock_holder_fn fn, void *ctx)
{
	DIR *proc = opendir("/proc");
	struct dirent *de;
	int n = 0;

	if (!proc)
		return 0;
	while ((de = readdir(proc))) {
		char path[300];	/* /proc/ + a d_name */
		int fd;

		if (!all_digits(de->d_name))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", de->d_name);
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue;	/* exited, or a kernel thread's */
		holders_of(fd, atoi(de->d_name), fn, ctx);
		n++;
	}
	closedir(proc);
	return n;
}
