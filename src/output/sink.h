/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_SINK_H
#define PROBEKIT_SINK_H

/*
 * Where a run's output goes: aligned text for people, NDJSON for programs;
 * later a monitor's exporter. Analyses hand over records (event and pair
 * lines) and report views (their results as data, and as text); the sink
 * picks the form. Analyses never test which sink they write to.
 */
#include <stdio.h>
#include <jansson.h>

#include "output/format.h"

/* One result of an analysis (a summary, an interval): as JSON data and as text. */
struct report_view {
	const void *self;
	json_t *(*json)(const void *self, const struct format_ctx *fc);
	void (*text)(const void *self, const struct format_ctx *fc, FILE *f);
};

struct sink;

struct sink_ops {
	const char *name;
	void (*header)(struct sink *s);
	/* type "event" or "pair"; analysis names the pair's analysis (its latency field shown) */
	void (*record)(struct sink *s, const struct record *rec, const char *type,
		       const char *analysis);
	void (*report)(struct sink *s, const struct report_view *v);
};

struct sink {
	const struct sink_ops *ops;
	struct format_ctx fc;
	FILE *f;
	bool quiet;		/* no record lines: results only */
	bool skip_absent;	/* NDJSON: fields without a value left out (the flight recorder) */
	int *widths;		/* text: per column */
	void *ctx;		/* the sink's own (prometheus: the metrics being built) */
};

extern const struct sink_ops text_sink, ndjson_sink;

/* A sink of ops writing to f; fc.tep and fc.wall_offset_ns are the caller's to set. */
struct sink *sink_open(const struct sink_ops *ops, const struct recipe *r, FILE *f, bool quiet);
void sink_header(struct sink *s);
void sink_record(struct sink *s, const struct record *rec, const char *type, const char *analysis);
void sink_report(struct sink *s, const struct report_view *v);
/* The stream failed (a closed pipe): the run ends. */
bool sink_failed(const struct sink *s);
void sink_close(struct sink *s);

/* Shared by views: a JSON object on one line (ASCII only: no raw C1 or bidi for a terminal). */
void sink_emit_json(FILE *f, json_t *obj);

#endif
