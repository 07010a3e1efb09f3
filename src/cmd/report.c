// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probekit report CAPTURE: a flight recorder's capture (monitor --record)
 * made readable: what fired and where, the events around it as a timeline
 * in seconds from the trigger, and a count of every kind before and after.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "cmd/cli.h"
#include "cmd/commands.h"
#include "util/duration.h"
#include "util/textsafe.h"

static const char usage_text[] =
	"usage: probekit report CAPTURE [OPTIONS]\n\n"
	"Print a flight recorder's capture (probekit monitor --record DIR) for people: what\n"
	"fired, on which host and kernel, which recipes ran; the events around the\n"
	"trigger as a timeline (seconds from it); and per recipe, line type and event\n"
	"how many came before and after it.\n\n"
	"      --around SECONDS    timeline: events this close to the trigger (default 1)\n"
	"      --all               timeline: every event of the capture\n"
	"  -h, --help              this text\n";

enum { OPT_AROUND = 3000, OPT_ALL };

#define MAX_KINDS 256

/* Lines of one recipe, type and event: how many before the trigger and after. */
struct kind {
	char *recipe, *type, *event;
	uint64_t before, after;
};

/* A line of the capture: its time, and where it is in the file (read again to print it). */
struct line_ref {
	int64_t ts;
	long off;
};

struct report {
	const char *path;
	json_t *header;
	int64_t fired;
	uint64_t around_ns;
	bool all;
	struct kind kinds[MAX_KINDS];
	int n_kinds;
	uint64_t lines, other_kinds;
	struct line_ref *refs;
	size_t n_refs, cap_refs;
};

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "?";
}

/* Untrusted text (a capture comes from anywhere) shown escaped. */
static void put(FILE *f, const char *s)
{
	char buf[1024];

	text_escape(s, strlen(s), buf, sizeof(buf));
	fputs(buf, f);
}

static void print_params(json_t *plan)
{
	json_t *params = json_object_get(plan, "parameters"), *v;
	const char *name;
	bool first = true;

	json_object_foreach(params, name, v)
		if (json_is_string(v)) {
			printf("%s", first ? " (" : ", ");
			put(stdout, name);
			putchar('=');
			put(stdout, json_string_value(v));
			first = false;
		}
	if (!first)
		putchar(')');
}

static void print_header(const struct report *rp)
{
	json_t *h = rp->header, *k = json_object_get(h, "kernel"), *r;
	size_t i;

	printf("capture   ");
	put(stdout, rp->path);
	printf("\nfired     ");
	put(stdout, str(h, "fired_at"));
	printf("  ");
	put(stdout, str(h, "trigger"));
	printf("  (%" JSON_INTEGER_FORMAT " trigger(s) in its window; %" JSON_INTEGER_FORMAT
	       " suppressed by the capture interval before it)\n",
	       json_integer_value(json_object_get(h, "triggers")),
	       json_integer_value(json_object_get(h, "suppressed_before")));
	printf("host      ");
	put(stdout, str(h, "host"));
	printf(", ");
	put(stdout, str(k, "sysname"));
	putchar(' ');
	put(stdout, str(k, "release"));
	printf("\nrecipes  ");
	json_array_foreach(json_object_get(h, "recipes"), i, r) {
		putchar(' ');
		put(stdout, str(r, "name"));
		print_params(json_object_get(r, "plan"));
	}
	printf("\nwindow    %.1f s before, %.1f s after: %" JSON_INTEGER_FORMAT " lines%s%s\n",
	       json_number_value(json_object_get(h, "before_s")),
	       json_number_value(json_object_get(h, "after_s")),
	       json_integer_value(json_object_get(h, "events")),
	       json_is_true(json_object_get(h, "cut_short")) ?
		       " (cut short: the monitor stopped before the after-time)" : "",
	       json_is_true(json_object_get(h, "incomplete")) ?
		       " (incomplete: the recorder's memory was full; its start is missing)" : "");
}

static struct kind *kind_of(struct report *rp, const char *recipe, const char *type,
			    const char *event)
{
	for (int i = 0; i < rp->n_kinds; i++) {
		struct kind *k = &rp->kinds[i];

		if (!strcmp(k->recipe, recipe) && !strcmp(k->type, type) && !strcmp(k->event, event))
			return k;
	}
	if (rp->n_kinds == MAX_KINDS)
		return NULL;
	rp->kinds[rp->n_kinds] = (struct kind){ .recipe = xstrdup(recipe), .type = xstrdup(type),
						.event = xstrdup(event) };
	return &rp->kinds[rp->n_kinds++];
}

/* One timeline line: time from the trigger, recipe, type, event, then the fields that have a value. */
static void print_line(json_t *o, double rel)
{
	const char *key;
	json_t *v;

	printf("  %+11.6f  ", rel / 1e9);
	put(stdout, str(o, "recipe"));
	putchar(' ');
	if (strcmp(str(o, "type"), "event")) {
		put(stdout, str(o, "type"));
		putchar(' ');
	}
	put(stdout, str(o, "event"));
	json_object_foreach(o, key, v) {
		char *text;

		if (json_is_null(v) || !strcmp(key, "recipe") || !strcmp(key, "type") ||
		    !strcmp(key, "event") || !strcmp(key, "ts_ns") || !strcmp(key, "time"))
			continue;
		text = json_is_string(v) ? xstrdup(json_string_value(v)) :
					   json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		putchar(' ');
		put(stdout, key);
		putchar('=');
		put(stdout, text ? text : "?");
		free(text);
	}
	putchar('\n');
}

/* Count the line's kind; remember where it is for the timeline. */
static void take_line(struct report *rp, json_t *o, long off)
{
	json_t *ts = json_object_get(o, "ts_ns");
	int64_t rel;

	if (__builtin_sub_overflow((int64_t)json_integer_value(ts), rp->fired, &rel))
		rel = INT64_MAX;	/* a capture from elsewhere: nonsense times stay far away */
	struct kind *k = kind_of(rp, str(o, "recipe"), str(o, "type"), str(o, "event"));

	rp->lines++;
	if (!k)
		rp->other_kinds++;
	else if (rel < 0)
		k->before++;
	else
		k->after++;
	if (!json_is_integer(ts) || (!rp->all && (rel == INT64_MIN || (uint64_t)llabs(rel) > rp->around_ns)))
		return;
	if (rp->n_refs == rp->cap_refs) {
		rp->cap_refs = rp->cap_refs ? 2 * rp->cap_refs : 1024;
		rp->refs = xrealloc(rp->refs, rp->cap_refs * sizeof(*rp->refs));
	}
	rp->refs[rp->n_refs++] = (struct line_ref){ .ts = json_integer_value(ts), .off = off };
}

static int by_time(const void *a, const void *b)
{
	const struct line_ref *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;	/* stable: file order */
}

/* The timeline in time order (a request's line carries its start, written at its end). */
static void print_timeline(struct report *rp, FILE *f)
{
	json_t *fired_by = json_object_get(rp->header, "fired_by");
	char *line = NULL;
	size_t cap = 0;
	bool marked = false;

	printf("\ntimeline (seconds from the trigger; %s):\n",
	       rp->all ? "every line" : "lines within --around");
	qsort(rp->refs, rp->n_refs, sizeof(*rp->refs), by_time);
	for (size_t i = 0; i < rp->n_refs; i++) {
		ssize_t len;
		json_t *o;

		if (!marked && rp->refs[i].ts >= rp->fired) {	/* compared, never subtracted */
			printf("  %+11.6f  ---- the trigger fired ----\n", 0.0);
			marked = true;
		}
		if (fseek(f, rp->refs[i].off, SEEK_SET) || (len = getline(&line, &cap, f)) <= 0 ||
		    !(o = json_loadb(line, (size_t)len, 0, NULL)))
			continue;
		print_line(o, (double)rp->refs[i].ts - (double)rp->fired);
		if (fired_by) {
			json_object_del(o, "recipe");
			if (json_equal(o, fired_by))
				printf("  %11s  ^^^^ this line fired the trigger\n", "");
		}
		json_decref(o);
	}
	if (!marked)
		printf("  %+11.6f  ---- the trigger fired ----\n", 0.0);
	free(line);
}

static void print_summary(const struct report *rp)
{
	printf("\nlines per kind, before and after the trigger:\n");
	printf("  %-20s %-8s %-24s %10s %10s\n", "RECIPE", "TYPE", "EVENT", "BEFORE", "AFTER");
	for (int i = 0; i < rp->n_kinds; i++) {
		const struct kind *k = &rp->kinds[i];
		char r[64], t[32], e[64];

		text_escape(k->recipe, strlen(k->recipe), r, sizeof(r));
		text_escape(k->type, strlen(k->type), t, sizeof(t));
		text_escape(k->event, strlen(k->event), e, sizeof(e));
		printf("  %-20s %-8s %-24s %10" PRIu64 " %10" PRIu64 "\n", r, t, e, k->before,
		       k->after);
	}
	if (rp->other_kinds)
		printf("  (%" PRIu64 " lines of further kinds not counted)\n", rp->other_kinds);
}

/* The first line must be a capture's header; the others its events. */
static int read_capture(struct report *rp, FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int lineno = 0, ret = PK_OK;

	long off = 0;

	while ((len = getline(&line, &cap, f)) > 0 && !ret) {
		json_error_t err;
		json_t *o = json_loadb(line, (size_t)len, 0, &err);
		long at = off;

		off += len;
		lineno++;
		if (!o || !json_is_object(o)) {
			char msg[256];

			text_escape(err.text, strlen(err.text), msg, sizeof(msg));
			pk_error("%s:%d:%d: %s", rp->path, lineno, o ? 1 : err.column,
				 o ? "not a JSON object" : msg);
			ret = PK_ERR_USAGE;
		} else if (lineno == 1) {
			if (strcmp(str(o, "type"), "capture") ||
			    !json_is_integer(json_object_get(o, "fired_ts_ns"))) {
				pk_error("%s:1: not a probekit capture (its first line is the header, "
					 "\"type\":\"capture\")", rp->path);
				ret = PK_ERR_USAGE;
			} else {
				rp->header = json_incref(o);
				rp->fired = json_integer_value(json_object_get(o, "fired_ts_ns"));
				print_header(rp);
			}
		} else {
			take_line(rp, o, at);
		}
		json_decref(o);
	}
	if (!ret && !lineno) {
		pk_error("%s: empty: not a probekit capture", rp->path);
		ret = PK_ERR_USAGE;
	}
	if (!ret) {
		print_timeline(rp, f);
		print_summary(rp);
	}
	free(line);
	return ret;
}

int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "around", required_argument, NULL, OPT_AROUND },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct report rp = { .around_ns = 1000000000ULL };
	struct common_opts none = { 0 };
	FILE *f;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (opt == OPT_ALL) {
			rp.all = true;
		} else if (opt == OPT_AROUND) {
			if (!parse_duration_ns(optarg, &rp.around_ns)) {
				pk_error("--around %s: not a duration (e.g. 1, 500ms)", optarg);
				return PK_ERR_USAGE;
			}
		} else if (opt == '?') {
			return cli_bad_option(usage_text, argv, &none);
		} else {
			return cli_usage(usage_text, opt == 'h', &none);
		}
	}
	if (optind != argc - 1)
		return cli_usage(usage_text, false, &none);
	rp.path = argv[optind];
	if (!(f = fopen(rp.path, "r"))) {
		pk_error("%s: %s", rp.path, strerror(errno));
		return PK_ERR_USAGE;
	}
	ret = read_capture(&rp, f);
	fclose(f);
	json_decref(rp.header);
	free(rp.refs);
	for (int i = 0; i < rp.n_kinds; i++) {
		free(rp.kinds[i].recipe);
		free(rp.kinds[i].type);
		free(rp.kinds[i].event);
	}
	return ret;
}
