// SPDX-License-Identifier: GPL-2.0-or-later
/* Small helpers: checked allocation, growable strings, file reads. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"

static void *check_alloc(void *p)
{
	if (!p) {	/* a constant message: nothing to escape, nothing to allocate */
		fputs(PK_NAME ": out of memory\n", stderr);
		abort();
	}
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	return check_alloc(calloc(n ? n : 1, size ? size : 1));
}

void *xrealloc(void *p, size_t size)
{
	return check_alloc(realloc(p, size ? size : 1));
}

char *xstrdup(const char *s)
{
	return check_alloc(strdup(s));
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return check_alloc(n < 0 ? NULL : s);
}

static void sb_grow(struct strbuf *sb, size_t extra)
{
	if (sb->len + extra + 1 <= sb->cap)
		return;
	sb->cap = (sb->len + extra + 1) * 2;
	sb->buf = xrealloc(sb->buf, sb->cap);
}

void sb_addn(struct strbuf *sb, const char *s, size_t n)
{
	sb_grow(sb, n);
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void sb_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	sb_grow(sb, n);
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, n + 1, fmt, ap);
	va_end(ap);
	sb->len += n;
}

char *sb_detach(struct strbuf *sb)
{
	char *s = sb->buf ? sb->buf : xstrdup("");

	sb->buf = NULL;
	sb->len = sb->cap = 0;
	return s;
}

void sb_release(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

/* tracefs and /proc files report size 0: read until EOF. */
char *read_file(const char *path, size_t *len)
{
	struct strbuf sb = { 0 };
	char chunk[4096];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		sb_addn(&sb, chunk, n);
	close(fd);
	if (n < 0) {
		sb_release(&sb);
		return NULL;
	}
	if (len)
		*len = sb.len;
	return sb_detach(&sb);
}

bool file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

char *xstrndup(const char *s, size_t n)
{
	return check_alloc(strndup(s, n));
}

int fork_without_files(void)
{
	int done[2], pid;
	char c;

	/* the child's close_range closes the write end: EOF says its files are gone */
	if (pipe2(done, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		if (close_range(3, ~0U, 0) < 0)	/* before 5.9 */
			for (int fd = 3; fd < 4096; fd++)
				close(fd);
		return 0;
	}
	close(done[1]);
	if (pid > 0)
		while (read(done[0], &c, 1) < 0 && errno == EINTR)
			;
	close(done[0]);
	return pid;
}
