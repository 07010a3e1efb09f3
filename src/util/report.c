// SPDX-License-Identifier: GPL-2.0-or-later
/* Error and warning lines: one line each, on stderr, prefixed with the program name. */
#include <stdio.h>
#include <stdlib.h>

#include "util/textsafe.h"
#include "util/util.h"

/* Messages quote recipe, parameter and kernel text: one line, control bytes escaped. */
void pk_vreport(const char *prefix, const char *fmt, va_list ap)
{
	char *msg = NULL, *p, *m;

	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	p = text_escape_dup(prefix);	/* file names and JSON paths are text too */
	m = text_escape_dup(msg ? msg : fmt);
	/* one write: stderr is unbuffered, and lines of two writers must not mix */
	fprintf(stderr, "%s: %s%s\n", PK_NAME, p, m);
	free(p);
	free(m);
	free(msg);
}

void pk_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pk_vreport("", fmt, ap);
	va_end(ap);
}

void pk_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pk_vreport("warning: ", fmt, ap);
	va_end(ap);
}
