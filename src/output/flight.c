// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The flight recorder: events into the ring, triggers checked as they come,
 * captures started from the loop (never from a sink call) and written by a
 * child process (flight_capture.c), the command run without waiting for
 * either (flight_hook.c); the recorder's metrics, its carry across a
 * reload, its end.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "output/flight_impl.h"
#include "util/clock.h"

static bool check_dir(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || access(dir, W_OK) < 0) {
		pk_error("--record %s: not a writable directory", dir);
		return false;
	}
	return true;
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

/* (flight_impl.h) */
long flight_format_line(struct flight *fl, int k, const char *blob)
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
	if (flight_format_line(fl, t->recipe, (const char *)fl->blob))	/* the entry just kept */
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

void flight_poll(struct flight *fl)
{
	int64_t now = clock_ns(CLOCK_MONOTONIC);

	flight_reap_hook(fl, false);
	flight_reap_writer(fl, 0);
	/* one capture written at a time: the next waits, its window kept */
	if (fl->p.active && !fl->w.pid && (fl->now_ts >= fl->p.fire_ts + fl->o.after_ns ||
			     now >= fl->p.fire_mono + (int64_t)fl->o.after_ns + QUIET_SLACK_NS))
		flight_write_capture(fl, false);
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
		flight_reap_writer(fl, left);
	if (fl->w.pid) {
		fl->failed++;
		pk_warn("--record: a capture is dropped: the last one is still being written");
		fl->p.active = false;
		return;
	}
	/* short only if the after-time has not come (it may have, behind the last) */
	flight_write_capture(fl, fl->now_ts < fl->p.fire_ts + fl->o.after_ns);
}

/* A reload: the pending capture started, the writer and the command left running for the next. */
void flight_close_carry(struct flight *fl, struct flight_carry *c)
{
	if (!fl)
		return;
	flight_reap_writer(fl, 0);
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
		flight_reap_writer(fl, until - clock_ns(CLOCK_MONOTONIC));
	if (fl->w.pid) {	/* stuck: killed, and not waited for */
		capture_writer_kill(&fl->w);
		fl->failed++;
	}
	if (hook_until > until)
		hook_until = until;
	if (fl->hook > 0 && fl->hook_deadline > hook_until)
		fl->hook_deadline = hook_until;
	while (fl->hook > 0) {
		flight_reap_hook(fl, false);
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
	flight_reap_writer(fl, 0);
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
