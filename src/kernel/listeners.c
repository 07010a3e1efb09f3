// SPDX-License-Identifier: GPL-2.0-or-later
/* Listening TCP sockets of all network namespaces, from /proc/PID/net/tcp{,6}. */
#include <ctype.h>
#include <dirent.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kernel/listeners.h"
#include "util/util.h"

#define TCP_LISTEN_HEX "0A"

void listeners_add(struct listeners *l, const struct listener *x)
{
	for (int i = 0; i < l->n; i++)
		if (!memcmp(&l->v[i], x, sizeof(*x)))
			return;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 32;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = *x;
}

static bool any_addr(const uint8_t *a)
{
	static const uint8_t zero[16];

	return !memcmp(a, zero, 16);
}

bool listeners_match(const struct listeners *l, uint16_t family, const uint8_t *addr, uint16_t port)
{
	for (int i = 0; i < l->n; i++) {
		const struct listener *x = &l->v[i];

		if (x->port != port)
			continue;
		if (any_addr(x->addr) || (x->family == family && !memcmp(x->addr, addr,
						family == AF_INET ? 4 : 16)))
			return true;
	}
	return false;
}

/* "0100007F:1F90": the address as the kernel's 32-bit words in native order, the port in hex. */
static bool parse_endpoint(const char *s, bool ipv6, struct listener *x)
{
	int words = ipv6 ? 4 : 1;
	unsigned int port;

	memset(x, 0, sizeof(*x));
	x->family = ipv6 ? AF_INET6 : AF_INET;
	for (int w = 0; w < words; w++) {
		char hex[9];
		uint32_t v;

		for (int k = 0; k < 8; k++)
			if (!isxdigit((unsigned char)s[8 * w + k]))
				return false;
		memcpy(hex, s + 8 * w, 8);
		hex[8] = 0;
		v = (uint32_t)strtoul(hex, NULL, 16);
		memcpy(x->addr + 4 * w, &v, 4);
	}
	s += 8 * words;
	if (*s != ':' || sscanf(s + 1, "%4x", &port) != 1)
		return false;
	x->port = (uint16_t)port;
	/* an IPv4-mapped listener is an IPv4 one */
	if (ipv6 && !memcmp(x->addr, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12)) {
		memmove(x->addr, x->addr + 12, 4);
		memset(x->addr + 4, 0, 12);
		x->family = AF_INET;
	}
	return true;
}

void listeners_parse(struct listeners *l, const char *text, bool ipv6)
{
	const char *line = strchr(text, '\n');	/* the first line is the header */

	while (line && *++line) {
		char local[64], remote[64], state[8];
		struct listener x;

		if (sscanf(line, "%*s %63s %63s %7s", local, remote, state) == 3 &&
		    !strcmp(state, TCP_LISTEN_HEX) && parse_endpoint(local, ipv6, &x))
			listeners_add(l, &x);
		line = strchr(line, '\n');
	}
}

static bool read_table(struct listeners *l, const char *path, bool ipv6)
{
	FILE *f = fopen(path, "re");
	char *text = NULL;
	size_t cap = 0, len = 0;

	if (!f)
		return false;
	for (;;) {
		if (cap - len < 4096)
			text = xrealloc(text, cap = cap ? 2 * cap : 65536);
		size_t got = fread(text + len, 1, cap - len - 1, f);

		if (!got)
			break;
		len += got;
	}
	fclose(f);
	text[len] = 0;
	listeners_parse(l, text, ipv6);
	free(text);
	return true;
}

bool listeners_read(struct listeners *l, const char *proc)
{
	DIR *d = opendir(proc);
	struct dirent *e;
	ino_t *seen = NULL;
	int n_seen = 0, cap = 0;

	if (!d)
		return false;
	while ((e = readdir(d))) {
		char path[300];
		struct stat st;
		bool dup = false;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "%s/%s/ns/net", proc, e->d_name);
		if (stat(path, &st))
			continue;	/* gone, or a kernel thread's */
		for (int i = 0; i < n_seen && !dup; i++)
			dup = seen[i] == st.st_ino;
		if (dup)
			continue;
		if (n_seen == cap)
			seen = xrealloc(seen, (cap = cap ? 2 * cap : 64) * sizeof(*seen));
		seen[n_seen++] = st.st_ino;
		snprintf(path, sizeof(path), "%s/%s/net/tcp", proc, e->d_name);
		if (read_table(l, path, false))
			l->namespaces++;
		snprintf(path, sizeof(path), "%s/%s/net/tcp6", proc, e->d_name);
		read_table(l, path, true);
	}
	closedir(d);
	free(seen);
	return l->namespaces > 0;
}

void listeners_free(struct listeners *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}
