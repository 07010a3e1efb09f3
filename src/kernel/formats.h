/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_FORMATS_H
#define PROBEKIT_FORMATS_H

/*
 * The event parser, built from only what a run needs: events/header_page and
 * the format files of the events it uses. Not from every event, and not from
 * /proc/kallsyms (5 MB, 140 ms per start; seconds under ASan), which is read
 * only when a field is printed as a kernel symbol.
 */
#include <stdbool.h>

struct tep_handle;
struct tep_event;

/* An empty parser for this host's layout, with the ring buffer's page header. */
struct tep_handle *formats_open(const char *tracing_dir);
/* Parse events/SYSTEM/EVENT/format once; NULL when it is absent or unparsable. */
struct tep_event *formats_load_event(struct tep_handle *tep, const char *tracing_dir,
				     const char *system, const char *event);
/* Load /proc/kallsyms into tep the first time it is asked; false if unreadable. */
bool formats_load_kallsyms(struct tep_handle *tep);
/* Free the parser. */
void formats_close(struct tep_handle *tep);

#endif
