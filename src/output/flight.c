// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The flight recorder: events into the ring, triggers checked as they come,
 * captures started from the loop (never from a sink call) and written by a
 * child process (output/capture_writer.h), the command run without waiting
 * for either.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "output/capture_writer.h"
#include "output/flight.h"
#include "output/flight_ring.h"
#include "output/flight_trigger.h"
#include "output/jsonw.h"
#include "util/clock.h"
#include "util/textsafe.h"

#define CAPTURE_PREFIX "probekit-capture-"
#define CAPTURE_SUFFIX ".ndjson"
#define SCRATCH_BYTES 65536
/* A capture is written this long after its after-time even if no later event came. */
#define QUIET_SLACK_NS 1000000000LL
#define CLOSE_WAIT_NS 5000000000LL
/* At the end, the captures being written and the command get this long in all (systemd's
 * TimeoutStopSec is 30 s); at a reload, a pending capture waits this long for the writer. */
#define STOP_WAIT_NS 20000000000LL
#define RELOAD_WAIT_NS 5000000000LL
/* A writer still at it after this long is stuck (a hung disk): killed, the capture counted failed. */
#define WRITER_LIMIT_NS 300000000000LL

/* One recipe's sink context: the pipeline's, or the observer's. */
struct flight_recipe {
	struct flight *fl;
	int k;
	bool observer;
	struct sink *ndjson;	/* formats into the scratch buffer */
	struct format_ctx fc;	/* the recipe's, for lines formatted later */
};

/*
 * A ring entry: the record as decoded, its values copied and their strings
 * after them (formatting waits for a capture: a line per event cost 1.4 us,
 * a copy costs a tenth of that).
 */
struct kept_record {
	uint64_t ts;
	int32_t event, cpu;
	int32_t n_values;
	const char *type, *analysis;	/* static strings and the recipe's names */
};

struct pending {
	bool active;
	const struct flight_trigger *t;
	uint64_t fire_ts;		/* trace clock */
	int64_t fire_mono;
	struct timespec wall;
	int folded;			/* further triggers while it waited */
	char *line;			/* the line that fired it */
};

struct flight {
	struct flight_opts o;
	const struct recipe **recipes;	/* a copy of the caller's array */
	int n;
	json_t **plans;
	struct flight_recipe *ctx;	/* 2n: pipeline sinks, then observers */
	struct flight_trigger *trig;
	int n_trig;
	struct flight_ring ring;
	char *scratch;			/* a line formatted: a capture's, the firing one */
	FILE *scratch_f;
	uint8_t *blob;			/* the entry being kept */
	size_t blob_cap;
	struct value *values;		/* a kept record's values, to format it */
	int values_cap;
	uint64_t now_ts;		/* the newest event's time */
	struct pending p;
	int64_t last_fire_mono;		/* of the last capture; 0: none yet */
	uint64_t captures, suppressed, folded, failed, too_long;
	pid_t hook;
	int64_t hook_deadline;
	struct capture_writer w;	/* the capture being written, if any */
	char *w_trigger;
	uint64_t w_from, w_to, w_events_kept;	/* the child's: its window */
	json_t *w_header;
	uint64_t writer_cpu_ns;		/* of the writers reaped: not in this process's time */
};

static bool check_dir(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || access(dir, W_OK) < 0) {
		pk_error("--record %s: not a writable directory", dir);
		return false;
	}
	return true;
}

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

struct flight *flight_open(const struct flight_opts *o, const struct recipe *const *recipes,
			   int n, int *status)
{
	struct flight *fl = xcalloc(1, sizeof(*fl));

	fl->o = *o;
	fl->recipes = xcalloc(n, sizeof(*fl->recipes));
	memcpy(fl->recipes, recipes, n * sizeof(*recipes));
	fl->n = n;
	for (char **t = o->triggers; t && *t; t++)
		fl->n_trig++;
	fl->trig = xcalloc(fl->n_trig ? fl->n_trig : 1, sizeof(*fl->trig));
	for (int i = 0; i < fl->n_trig; i++)
		if (!flight_trigger_parse(&fl->trig[i], o->triggers[i], recipes, n)) {
			fl->n_trig = i;
			flight_close(fl);
			*status = PK_ERR_USAGE;
			return NULL;
		}
	if (!check_dir(o->dir)) {
		flight_close(fl);
		*status = PK_ERR_USAGE;
		return NULL;
	}
	fl->plans = xcalloc(n, sizeof(*fl->plans));
	fl->ctx = xcalloc(2 * n, sizeof(*fl->ctx));
	fl->scratch = xcalloc(1, SCRATCH_BYTES);
	fl->scratch_f = fmemopen(fl->scratch, SCRATCH_BYTES, "w");
	/* fully buffered: unbuffered, every character was a call into fmemopen (4 us an event) */
	if (fl->scratch_f)
		setvbuf(fl->scratch_f, NULL, _IOFBF, SCRATCH_BYTES);
	if (!fl->scratch_f) {
		pk_error("--record: fmemopen: %s", strerror(errno));
		flight_close(fl);
		*status = PK_ERR_RUNTIME;
		return NULL;
	}
	flight_ring_init(&fl->ring, o->ring_bytes);
	for (int k = 0; k < 2 * n; k++) {
		fl->ctx[k] = (struct flight_recipe){ .fl = fl, .k = k % n, .observer = k >= n };
		fl->ctx[k].ndjson = sink_open(&ndjson_sink, recipes[k % n], fl->scratch_f, false);
		fl->ctx[k].ndjson->skip_absent = true;	/* half an event line is nulls, else */
	}
	return fl;
}

void flight_set_plan(struct flight *fl, int k, json_t *plan)
{
	json_decref(fl->plans[k]);
	fl->plans[k] = json_incref(plan);
}

/* The record as an entry: values, then the bytes of their strings. */
static uint32_t pack(struct flight *fl, const struct record *rec, const char *type,
		     const char *analysis)
{
	size_t vbytes = (size_t)rec->n_values * sizeof(struct value), need, at;
	struct kept_record h = { .ts = rec->ts, .event = rec->event, .cpu = rec->cpu,
				 .n_values = rec->n_values, .type = type, .analysis = analysis };
	struct value *v;

	need = sizeof(h) + vbytes;
	for (int i = 0; i < rec->n_values; i++)
		if (rec->values[i].present && rec->values[i].str)
			need += rec->values[i].len;
	if (need > fl->blob_cap) {	/* grows to the largest record once */
		fl->blob_cap = need * 2;
		fl->blob = xrealloc(fl->blob, fl->blob_cap);
	}
	memcpy(fl->blob, &h, sizeof(h));
	v = (struct value *)(fl->blob + sizeof(h));
	memcpy(v, rec->values, vbytes);
	at = sizeof(h) + vbytes;
	for (int i = 0; i < rec->n_values; i++)
		if (v[i].present && v[i].str) {
			memcpy(fl->blob + at, v[i].str, v[i].len);
			v[i].str = (const char *)(uintptr_t)(at + 1);	/* an offset, 0 stays NULL */
			at += v[i].len;
		} else {
			v[i].str = NULL;
		}
	return (uint32_t)at;
}

/* A kept entry back as a record (its strings pointing into the entry). */
static struct record unpack(struct flight *fl, const char *blob)
{
	struct kept_record h;
	struct record rec;

	memcpy(&h, blob, sizeof(h));
	if (h.n_values > fl->values_cap) {
		fl->values_cap = h.n_values;
		fl->values = xrealloc(fl->values, h.n_values * sizeof(*fl->values));
	}
	memcpy(fl->values, blob + sizeof(h), h.n_values * sizeof(*fl->values));
	for (int i = 0; i < h.n_values; i++)
		if (fl->values[i].str)
			fl->values[i].str = blob + ((uintptr_t)fl->values[i].str - 1);
	rec = (struct record){ .event = h.event, .ts = h.ts, .cpu = h.cpu, .values = fl->values,
			       .n_values = h.n_values };
	return rec;
}

/* The entry's NDJSON line into the scratch (NUL-terminated); its length, 0 if too long. */
static long format_line(struct flight *fl, int k, const char *blob)
{
	struct flight_recipe *fr = &fl->ctx[k];
	struct kept_record h;
	struct record rec = unpack(fl, blob);
	long len;

	memcpy(&h, blob, sizeof(h));
	fr->ndjson->fc = fr->fc;
	rewind(fl->scratch_f);
	clearerr(fl->scratch_f);
	ndjson_sink.record(fr->ndjson, &rec, h.type, h.analysis);
	fflush(fl->scratch_f);
	len = ftell(fl->scratch_f);
	if (ferror(fl->scratch_f) || len <= 0 || len >= SCRATCH_BYTES - 1) {
		fl->too_long++;
		return 0;
	}
	fl->scratch[len] = '\0';
	return len;
}

/* Keep the record; forget what is older than anyone needs. */
static void keep(struct flight *fl, struct flight_recipe *fr, const struct format_ctx *fc,
		 const struct record *rec, const char *type, const char *analysis)
{
	uint32_t len;
	uint64_t from;

	fl->ctx[fr->k].fc = *fc;	/* the pipeline's: the same for both of its sinks */
	len = pack(fl, rec, type, analysis);
	if (rec->ts > fl->now_ts)
		fl->now_ts = rec->ts;
	from = fl->now_ts > fl->o.before_ns ? fl->now_ts - fl->o.before_ns : 0;
	if (fl->p.active) {	/* a capture waiting for its after-time keeps its before-time */
		uint64_t want = fl->p.fire_ts > fl->o.before_ns ? fl->p.fire_ts - fl->o.before_ns : 0;

		if (want < from)
			from = want;
	}
	flight_ring_trim(&fl->ring, from);
	flight_ring_push(&fl->ring, rec->ts, fr->k, (const char *)fl->blob, len);
}

static void fire(struct flight *fl, struct flight_trigger *t)
{
	int64_t now = clock_ns(CLOCK_MONOTONIC);

	t->fired++;
	if (fl->p.active) {
		fl->p.folded++;
		fl->folded++;
		return;
	}
	if (fl->last_fire_mono && now - fl->last_fire_mono < (int64_t)fl->o.gap_ns) {
		fl->suppressed++;
		return;
	}
	fl->p = (struct pending){ .active = true, .t = t, .fire_ts = fl->now_ts, .fire_mono = now };
	if (format_line(fl, t->recipe, (const char *)fl->blob))	/* the entry just kept */
		fl->p.line = xstrdup(fl->scratch);
	clock_gettime(CLOCK_REALTIME, &fl->p.wall);
	fl->last_fire_mono = now;
}

static void flight_record(struct sink *s, const struct record *rec, const char *type,
			  const char *analysis)
{
	struct flight_recipe *fr = s->ctx;
	struct flight *fl = fr->fl;

	if (!fr->observer && !strcmp(type, "event"))
		return;	/* the listing's copy of an event: the observer keeps it */
	keep(fl, fr, &s->fc, rec, type, analysis);
	for (int i = 0; i < fl->n_trig; i++)
		if (flight_trigger_match(&fl->trig[i], &s->fc, fr->k, rec, fr->observer))
			fire(fl, &fl->trig[i]);
}

static void flight_report(struct sink *s, const struct report_view *v)
{
	text_sink.report(s, v);
}

static const struct sink_ops flight_sink_ops = {
	.name = "flight",
	.record = flight_record,
	.report = flight_report,
};

struct sink *flight_sink(struct flight *fl, int k, FILE *f)
{
	struct sink *s = sink_open(&flight_sink_ops, fl->recipes[k], f, false);

	s->ctx = &fl->ctx[k];
	return s;
}

struct sink *flight_observer(struct flight *fl, int k)
{
	struct sink *s = sink_open(&flight_sink_ops, fl->recipes[k], stderr, false);

	s->ctx = &fl->ctx[fl->n + k];
	return s;
}

/* ---- captures ---- */

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

		if (en.ts < from || en.ts > to || !(len = format_line(fl, en.recipe, en.line)))
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

static void run_hook(struct flight *fl, const char *path);

/* In the writer's child: the header, then the window's lines. */
static bool fill_capture(void *ctx, FILE *f)
{
	struct flight *fl = ctx;

	sink_emit_json(f, fl->w_header);	/* built by the parent: no libc time calls here */
	write_lines(fl, f, fl->w_from, fl->w_to);
	return !ferror(f);
}

/* The pending capture handed to a child process; the loop goes on at once. */
static void write_capture(struct flight *fl, bool cut_short)
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
		run_hook(fl, fl->w.path);
	} else {
		fl->failed++;
		pk_warn("--record: cannot write %s: %s", fl->w.path,
			err > 0 && err < 250 ? strerror(err) : "the writer was killed");
	}
	capture_writer_free(&fl->w);
}

/* wait_ns 0: a look. A writer stuck past WRITER_LIMIT_NS (a hung disk) is killed. */
static void reap_writer(struct flight *fl, int64_t wait_ns)
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

/* ---- --on-trigger ---- */

extern char **environ;

static void run_hook(struct flight *fl, const char *path)
{
	char *env_path, **env;
	int n = 0;
	pid_t pid;

	if (!fl->o.on_trigger)
		return;
	if (fl->hook > 0) {
		pk_warn("--on-trigger: the command still runs for the last capture; not run for %s",
			path);
		return;
	}
	/* built before fork: the child only calls what is safe after fork in threads */
	while (environ[n])
		n++;
	env = xcalloc(n + 2, sizeof(*env));
	memcpy(env, environ, n * sizeof(*env));
	env[n] = env_path = xasprintf("PROBEKIT_CAPTURE=%s", path);
	/* nothing of the monitor's: an open trace_pipe_raw would keep the
	 * instance from being removed while the command runs */
	pid = fork_without_files();
	if (pid == 0) {
		sigset_t none;
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

		setpgid(0, 0);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		if (null >= 0)
			dup2(null, 0);	/* the copy on 0 is not close-on-exec */
		execle("/bin/sh", "sh", "-c", fl->o.on_trigger, "sh", path, (char *)NULL, env);
		_exit(127);
	}
	if (pid < 0) {
		pk_warn("--on-trigger: cannot start the command: %s", strerror(errno));
	} else {
		setpgid(pid, pid);	/* both sides: whichever runs first */
		fl->hook = pid;
		fl->hook_deadline = clock_ns(CLOCK_MONOTONIC) + (int64_t)fl->o.on_trigger_timeout_ns;
	}
	free(env_path);
	free(env);
}

static void reap_hook(struct flight *fl, bool block)
{
	int st;
	pid_t got;

	if (fl->hook <= 0)
		return;
	got = waitpid(fl->hook, &st, block ? 0 : WNOHANG);
	if (got == 0) {
		if (clock_ns(CLOCK_MONOTONIC) < fl->hook_deadline)
			return;
		kill(-fl->hook, SIGKILL);
		pk_warn("--on-trigger: the command ran out of time (%.0f s): killed",
			fl->o.on_trigger_timeout_ns / 1e9);
		got = waitpid(fl->hook, &st, 0);
	}
	if (got == fl->hook && WIFEXITED(st) && WEXITSTATUS(st))
		pk_warn("--on-trigger: the command exited with %d", WEXITSTATUS(st));
	fl->hook = 0;
}

void flight_poll(struct flight *fl)
{
	int64_t now = clock_ns(CLOCK_MONOTONIC);

	reap_hook(fl, false);
	reap_writer(fl, 0);
	/* one capture written at a time: the next waits, its window kept */
	if (fl->p.active && !fl->w.pid && (fl->now_ts >= fl->p.fire_ts + fl->o.after_ns ||
			     now >= fl->p.fire_mono + (int64_t)fl->o.after_ns + QUIET_SLACK_NS))
		write_capture(fl, false);
}

uint64_t flight_writer_cpu_ns(const struct flight *fl)
{
	return fl ? fl->writer_cpu_ns : 0;
}

void flight_metrics(const struct flight *fl, struct prom *m)
{
	prom_sample(m, "probekit_capture_writer_cpu_seconds_total", "counter",
		    "CPU time of the processes that wrote captures (in probekit_cpu_seconds_total)",
		    "", fl->writer_cpu_ns / 1e9, NULL);
	for (int i = 0; i < fl->n_trig; i++)
		prom_sample(m, "probekit_triggers_total", "counter",
			    "Times a flight recorder trigger fired", "", (double)fl->trig[i].fired,
			    "trigger", fl->trig[i].text, NULL);
	prom_sample(m, "probekit_captures_total", "counter",
		    "Captures the flight recorder wrote", "", (double)fl->captures, NULL);
	prom_sample(m, "probekit_captures_suppressed_total", "counter",
		    "Triggers that came sooner than --capture-interval after a capture", "",
		    (double)fl->suppressed, NULL);
	prom_sample(m, "probekit_captures_failed_total", "counter",
		    "Captures that could not be written", "", (double)fl->failed, NULL);
	prom_sample(m, "probekit_recorder_events", "gauge",
		    "Events held in the flight recorder's ring", "", (double)fl->ring.count, NULL);
	prom_sample(m, "probekit_recorder_evicted_total", "counter",
		    "Events pushed out of the full ring before --before seconds", "",
		    (double)fl->ring.evicted, NULL);
}

static void flight_free(struct flight *fl);

/*
 * The pending capture at the end of a recorder, started if the writer is
 * free by then (the one being written first, until the deadline).
 */
static void start_pending(struct flight *fl, int64_t until)
{
	int64_t left = until - clock_ns(CLOCK_MONOTONIC);

	if (!fl->p.active)
		return;
	if (fl->w.pid && left > 0)
		reap_writer(fl, left);
	if (fl->w.pid) {
		fl->failed++;
		pk_warn("--record: a capture is dropped: the last one is still being written");
		fl->p.active = false;
		return;
	}
	/* short only if the after-time has not come (it may have, behind the last) */
	write_capture(fl, fl->now_ts < fl->p.fire_ts + fl->o.after_ns);
}

/* A reload: the pending capture started, the writer and the command left running for the next. */
void flight_close_carry(struct flight *fl, struct flight_carry *c)
{
	if (!fl)
		return;
	reap_writer(fl, 0);
	start_pending(fl, clock_ns(CLOCK_MONOTONIC) + RELOAD_WAIT_NS);
	c->captures = fl->captures;
	c->suppressed = fl->suppressed;
	c->failed = fl->failed;
	c->evicted = fl->ring.evicted;
	for (int i = 0; i < fl->n_trig && i < FLIGHT_MAX_TRIGGERS; i++)
		c->fired[i] = fl->trig[i].fired;
	c->last_fire_mono = fl->last_fire_mono;
	c->hook = fl->hook;
	c->hook_deadline = fl->hook_deadline;
	fl->hook = 0;	/* the next recorder reaps it */
	c->w = fl->w;	/* and the writer: its child has its own copy of the ring */
	c->w_trigger = fl->w_trigger;
	c->w_events_kept = fl->w_events_kept;
	c->writer_cpu_ns = fl->writer_cpu_ns;
	fl->w = (struct capture_writer){ 0 };
	fl->w_trigger = NULL;
	flight_free(fl);
}

void flight_take_carry(struct flight *fl, struct flight_carry *c)
{
	fl->captures = c->captures;
	fl->suppressed = c->suppressed;
	fl->failed = c->failed;
	fl->ring.evicted = c->evicted;
	for (int i = 0; i < fl->n_trig && i < FLIGHT_MAX_TRIGGERS; i++)
		fl->trig[i].fired = c->fired[i];
	fl->last_fire_mono = c->last_fire_mono;
	fl->hook = c->hook;
	fl->hook_deadline = c->hook_deadline;
	fl->w = c->w;
	fl->w_trigger = c->w_trigger;
	fl->w_events_kept = c->w_events_kept;
	fl->writer_cpu_ns = c->writer_cpu_ns;
	/* the recorder owns them now */
	c->hook = 0;
	c->w = (struct capture_writer){ 0 };
	c->w_trigger = NULL;
}

/* Wait for the writer (until), then the command (a few seconds, not past until). */
static void finish(struct flight *fl, int64_t until)
{
	int64_t hook_until = clock_ns(CLOCK_MONOTONIC) + CLOSE_WAIT_NS;

	if (fl->w.pid && until > clock_ns(CLOCK_MONOTONIC))
		reap_writer(fl, until - clock_ns(CLOCK_MONOTONIC));
	if (fl->w.pid) {	/* stuck: killed, and not waited for */
		capture_writer_kill(&fl->w);
		fl->failed++;
	}
	if (hook_until > until)
		hook_until = until;
	if (fl->hook > 0 && fl->hook_deadline > hook_until)
		fl->hook_deadline = hook_until;
	while (fl->hook > 0) {
		reap_hook(fl, false);
		if (fl->hook > 0)
			usleep(50000);
	}
}

/* The end: the capture being written, the pending one, the command; STOP_WAIT_NS in all. */
void flight_close(struct flight *fl)
{
	int64_t until = clock_ns(CLOCK_MONOTONIC) + STOP_WAIT_NS;

	if (!fl)
		return;
	reap_writer(fl, 0);
	start_pending(fl, until);
	finish(fl, until);
	flight_free(fl);
}

/* A carry no recorder took (the reload's set could not start): its writer and command waited for. */
void flight_carry_release(struct flight_carry *c)
{
	struct flight fl = { .w = c->w, .w_trigger = c->w_trigger, .hook = c->hook,
			     .hook_deadline = c->hook_deadline };

	finish(&fl, clock_ns(CLOCK_MONOTONIC) + STOP_WAIT_NS);
	capture_writer_free(&fl.w);
	free(fl.w_trigger);
	c->hook = 0;
	c->w = (struct capture_writer){ 0 };
	c->w_trigger = NULL;
}

static void flight_free(struct flight *fl)
{
	for (int i = 0; i < fl->n_trig; i++)
		flight_trigger_free(&fl->trig[i]);
	free(fl->trig);
	for (int k = 0; fl->ctx && k < 2 * fl->n; k++)
		sink_close(fl->ctx[k].ndjson);
	for (int k = 0; fl->plans && k < fl->n; k++)
		json_decref(fl->plans[k]);
	free(fl->plans);
	free(fl->ctx);
	free(fl->recipes);
	if (fl->scratch_f)
		fclose(fl->scratch_f);
	free(fl->scratch);
	free(fl->blob);
	free(fl->values);
	flight_ring_free(&fl->ring);
	capture_writer_free(&fl->w);
	free(fl->w_trigger);
	free(fl->p.line);
	free(fl);
}
