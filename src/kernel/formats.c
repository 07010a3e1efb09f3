// SPDX-License-Identifier: GPL-2.0-or-later
/* The event parser from header_page and the needed format files only. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <event-parse.h>

#include "kernel/formats.h"
#include "util/util.h"

static char *tracefs_file(const char *tracing_dir, const char *rel, size_t *len)
{
	char *path = xasprintf("%s/%s", tracing_dir, rel);
	char *text = read_file(path, len);

	free(path);
	return text;
}

struct tep_handle *formats_open(const char *tracing_dir)
{
	struct tep_handle *tep = tep_alloc();
	size_t len;
	char *hdr;

	if (!tep)
		return NULL;
	tep_set_long_size(tep, sizeof(long));
	tep_set_page_size(tep, getpagesize());
	tep_set_file_bigendian(tep, __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__);
	tep_set_local_bigendian(tep, __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__);
	hdr = tracing_dir ? tracefs_file(tracing_dir, "events/header_page", &len) : NULL;
	if (hdr)
		tep_parse_header_page(tep, hdr, len, sizeof(long));
	free(hdr);
	return tep;
}

struct tep_event *formats_load_event(struct tep_handle *tep, const char *tracing_dir,
				     const char *system, const char *event)
{
	struct tep_event *ev = tep_find_event_by_name(tep, system, event);
	char *rel, *text;
	size_t len;

	if (ev)
		return ev;
	rel = xasprintf("events/%s/%s/format", system, event);
	text = tracefs_file(tracing_dir, rel, &len);
	free(rel);
	if (!text)
		return NULL;
	if (tep_parse_event(tep, text, len, system) == TEP_ERRNO__SUCCESS)
		ev = tep_find_event_by_name(tep, system, event);
	free(text);
	return ev;
}

/* The parser kallsyms was tried for: one per run, never again per record. */
static const struct tep_handle *kallsyms_tried;
static bool kallsyms_ok;

bool formats_load_kallsyms(struct tep_handle *tep)
{
	char *text;

	/* once per parser, even when unreadable: never again on the per-event path */
	if (kallsyms_tried == tep)
		return kallsyms_ok;
	kallsyms_tried = tep;
	text = read_file("/proc/kallsyms", NULL);
	kallsyms_ok = text && tep_parse_kallsyms(tep, text) == 0;
	free(text);
	return kallsyms_ok;
}

void formats_close(struct tep_handle *tep)
{
	if (kallsyms_tried == tep)	/* a later parser may get the same address */
		kallsyms_tried = NULL;
	tep_free(tep);
}
