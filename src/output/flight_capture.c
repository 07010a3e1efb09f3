// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The flight recorder's captures: the window of the ring a trigger wants,
 * its header (built here, in the monitor), its lines (formatted by a child
 * process, output/capture_writer.h), and the directory kept within its
 * bounds (count, bytes, half-written files of dead runs).
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "output/flight_impl.h"
#include "output/jsonw.h"
#include "util/clock.h"

/* Hidden files of runs killed while writing: ".probekit-capture-...tmp.PID", PID gone. */
void flight_remove_dead_partials(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		const char *dot = strrchr(de->d_name, '.');
		int pid = dot ? atoi(dot + 1) : 0;

		if (strncmp(de->d_name, "." CAPTURE_PREFIX, strlen(CAPTURE_PREFIX) + 1) || pid <= 0 ||
		    strncmp(dot - 4, ".tmp", 4) ||
		    (pid != getpid() && (kill(pid, 0) == 0 || errno != ESRCH)))	/* ours: PID reused */
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) == 0)
			pk_warn("--record: removed %s/%s, a capture a dead run left half-written", dir,
				de->d_name);
	}
	if (d)
		closedir(d);
}

static bool is_capture_name(const char *name)
{
	size_t n = strlen(name), s = strlen(CAPTURE_SUFFIX);

	return !strncmp(name, CAPTURE_PREFIX, strlen(CAPTURE_PREFIX)) && n > s &&
	       !strcmp(name + n - s, CAPTURE_SUFFIX);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int capture_filter(const struct dirent *de)
{
	return is_capture_name(de->d_name);
}

/* Room for `coming` more captures of about `bytes`: the oldest go (names sort by time). */
static void make_room(struct flight *fl, uint64_t bytes, int coming)
{
	struct dirent **list;
	int n = scandir(fl->o.dir, &list, capture_filter, by_name);
	uint64_t total = bytes, *size;

	if (n < 0)
		return;
	size = xcalloc(n ? n : 1, sizeof(*size));
	for (int i = 0; i < n; i++) {
		struct stat st;
		char *path = xasprintf("%s/%s", fl->o.dir, list[i]->d_name);

		size[i] = stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
		total += size[i];
		free(path);
	}
	for (int i = 0; i < n; i++) {
		if (n - i + coming > fl->o.max_captures || total > fl->o.max_total_bytes) {
			char *path = xasprintf("%s/%s", fl->o.dir, list[i]->d_name);

			if (unlink(path) == 0) {
				total -= size[i];
				pk_warn("--record: removed the oldest capture %s (at most %d captures, "
					"%.0f MB)", path, fl->o.max_captures,
					fl->o.max_total_bytes / 1e6);
			}
			free(path);
		}
		free(list[i]);
	}
	free(list);
	free(size);
}

/* The entries a capture holds, and their bytes as written. */
static uint64_t window(const struct flight *fl, uint64_t from, uint64_t to, uint64_t *bytes)
{
	struct flight_entry en;
	uint64_t pos = 0, n = 0;
	size_t off = 0;

	*bytes = 0;
	while (flight_ring_next(&fl->ring, &pos, &off, &en))
		if (en.ts >= from && en.ts <= to) {
			n++;
			*bytes += en.len + 16 + strlen(fl->recipes[en.recipe]->name);
		}
	return n;
}

static json_t *header(const struct flight *fl, uint64_t from, uint64_t n_events, bool cut_short)
{
	const struct pending *p = &fl->p;
	struct utsname u;
	char host[256] = "", when[64];
	json_t *recipes = json_array(), *h;
	struct tm tm;

	uname(&u);
	gethostname(host, sizeof(host) - 1);
	gmtime_r(&p->wall.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(when + strlen(when), sizeof(when) - strlen(when), ".%06ldZ", p->wall.tv_nsec / 1000);
	for (int k = 0; k < fl->n; k++)
		json_array_append_new(recipes, json_pack("{s:s,s:O?}", "name", fl->recipes[k]->name,
							 "plan", fl->plans[k]));
	h = json_pack("{s:s,s:i,s:s,s:o?,s:s,s:s,s:I,s:i,s:I,s:s,s:{s:s,s:s,s:s},s:o,s:f,s:f,s:I,"
		      "s:b,s:b}",
		      "type", "capture", "version", 1, "trigger", p->t->text,
		      "fired_by", p->line ? json_loads(p->line, 0, NULL) : NULL,
		      "recipe", fl->recipes[p->t->recipe]->name, "fired_at", when,
		      "fired_ts_ns", (json_int_t)p->fire_ts, "triggers", 1 + p->folded,
		      "suppressed_before", (json_int_t)fl->suppressed, "host", host,
		      "kernel", "sysname", u.sysname, "release", u.release, "version", u.version,
		      "recipes", recipes, "before_s", fl->o.before_ns / 1e9,
		      "after_s", fl->o.after_ns / 1e9, "events", (json_int_t)n_events,
		      "cut_short", cut_short,
		      /* the ring pushed out events the window wanted: its start is missing */
		      "incomplete", fl->ring.evicted && fl->ring.evicted_ts >= from);
	return h;
}

/* The window's entries as lines, each with its recipe first. */
static void write_lines(struct flight *fl, FILE *f, uint64_t from, uint64_t to)
{
	struct flight_entry en;
	uint64_t pos = 0;
	size_t off = 0;

	while (flight_ring_next(&fl->ring, &pos, &off, &en)) {
		const char *name = fl->recipes[en.recipe]->name;
		long len;

		if (en.ts < from || en.ts > to || !(len = flight_format_line(fl, en.recipe, en.line)))
			continue;
		fputs("{\"recipe\":", f);
		jw_string(f, name, strlen(name));
		fputc(',', f);
		fwrite(fl->scratch + 1, 1, len - 1, f);	/* the line without its '{' */
	}
}

static char *capture_name(const struct timespec *wall)
{
	struct tm tm;
	char stamp[64];

	gmtime_r(&wall->tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", &tm);
	return xasprintf(CAPTURE_PREFIX "%s.%06ldZ" CAPTURE_SUFFIX, stamp, wall->tv_nsec / 1000);
}

/* In the writer's child: the header, then the window's lines. */
static bool fill_capture(void *ctx, FILE *f)
{
	struct flight *fl = ctx;

	sink_emit_json(f, fl->w_header);	/* built by the parent: no libc time calls here */
	write_lines(fl, f, fl->w_from, fl->w_to);
	return !ferror(f);
}

void flight_write_capture(struct flight *fl, bool cut_short)
{
	uint64_t bytes;
	char *name = capture_name(&fl->p.wall);
	char *path = xasprintf("%s/%s", fl->o.dir, name);
	char *tmp = xasprintf("%s/.%s.tmp.%d", fl->o.dir, name, (int)getpid());

	fl->w_from = fl->p.fire_ts > fl->o.before_ns ? fl->p.fire_ts - fl->o.before_ns : 0;
	fl->w_to = fl->p.fire_ts + fl->o.after_ns;
	fl->w_events_kept = window(fl, fl->w_from, fl->w_to, &bytes);
	make_room(fl, bytes, 1);
	/* the child only formats lines: what needs the time zone lock, or other
	 * locks a thread (the HTTP server's) may hold at the fork, is done here */
	fl->w_header = header(fl, fl->w_from, fl->w_events_kept, cut_short);
	free(fl->w_trigger);
	fl->w_trigger = xstrdup(fl->p.t->text);
	if (!capture_writer_start(&fl->w, path, tmp, fill_capture, fl)) {
		fl->failed++;
		pk_warn("--record: cannot start writing %s/%s: %s", fl->o.dir, name, strerror(errno));
	}
	json_decref(fl->w_header);
	fl->w_header = NULL;
	fl->p.active = false;
	free(fl->p.line);
	fl->p.line = NULL;
	free(name);
}

/* What the writer's end means: a capture counted, said and handed to the command. */
static void capture_written(struct flight *fl, int got, int err)
{
	fl->writer_cpu_ns += fl->w.cpu_ns;
	if (got > 0) {
		fl->captures++;
		make_room(fl, 0, 0);	/* the bound held against an estimate: now against the file */
		fprintf(stderr, "probekit monitor: capture %s: %s (%" PRIu64 " events)\n", fl->w.path,
			fl->w_trigger, fl->w_events_kept);
		flight_run_hook(fl, fl->w.path);
	} else {
		fl->failed++;
		pk_warn("--record: cannot write %s: %s", fl->w.path,
			err > 0 && err < 250 ? strerror(err) : "the writer was killed");
	}
	capture_writer_free(&fl->w);
}

/* A writer stuck past WRITER_LIMIT_NS (a hung disk) is killed. */
void flight_reap_writer(struct flight *fl, int64_t wait_ns)
{
	int err = 0, got;

	if (!fl->w.pid)
		return;
	if (clock_ns(CLOCK_MONOTONIC) - fl->w.started > WRITER_LIMIT_NS)
		capture_writer_kill(&fl->w);
	got = wait_ns ? capture_writer_wait(&fl->w, wait_ns, &err) : capture_writer_poll(&fl->w, &err);
	if (got)
		capture_written(fl, got, err);
}
