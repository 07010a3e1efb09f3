/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_H
#define PROBEKIT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Documented exit statuses (probekit(8), EXIT STATUS). */
enum pk_exit {
	PK_OK = 0,
	PK_ERR_RUNTIME = 1,	/* any other runtime error */
	PK_ERR_USAGE = 2,	/* bad command line or recipe */
	PK_ERR_KERNEL = 3,	/* the kernel lacks what the recipe needs */
};

#define PK_NAME "probekit"
#define PK_VERSION "0.1.0"
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* One line on stderr, prefixed with the program name. */
void pk_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pk_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same with a prefix after the program name ("warning: ", "FILE: PATH: "). */
void pk_vreport(const char *prefix, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Growable string used to build filters, probe definitions and messages. */
struct strbuf {
	char *buf;
	size_t len, cap;
};
void sb_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_addn(struct strbuf *sb, const char *s, size_t n);
char *sb_detach(struct strbuf *sb);
void sb_release(struct strbuf *sb);

/* Read a whole small file (tracefs or /proc) into a NUL-terminated buffer. */
char *read_file(const char *path, size_t *len);
/*
 * fork(), the child holding none of the parent's files but 0, 1 and 2; the
 * parent returns only once the child has closed them (an open trace_pipe_raw
 * would keep the instance from being removed, and the parent may remove it
 * at once). -1 with errno if fork failed.
 */
int fork_without_files(void);
bool file_exists(const char *path);

#endif
