// SPDX-License-Identifier: GPL-2.0-or-later
/* Display formats of field values: text columns and JSON. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <event-parse.h>

#include "output/format.h"
#include "kernel/formats.h"
#include "output/jsonw.h"
#include "output/syscalls.h"
#include "util/clock.h"
#include "util/textsafe.h"

const char *tcp_state_name(uint64_t state)
{
	static const char *const names[] = {
		[1] = "ESTABLISHED", [2] = "SYN_SENT", [3] = "SYN_RECV", [4] = "FIN_WAIT1",
		[5] = "FIN_WAIT2", [6] = "TIME_WAIT", [7] = "CLOSE", [8] = "CLOSE_WAIT",
		[9] = "LAST_ACK", [10] = "LISTEN", [11] = "CLOSING", [12] = "NEW_SYN_RECV",
		[13] = "BOUND_INACTIVE",
	};

	return state < ARRAY_SIZE(names) && names[state] ? names[state] : NULL;
}

void errno_text(int64_t err, char *buf, size_t len)
{
	const char *name = err ? strerrorname_np((int)(err < 0 ? -err : err)) : NULL;

	if (!err)
		snprintf(buf, len, "0");
	else if (name)
		snprintf(buf, len, "%s%s", err < 0 ? "-" : "", name);
	else
		snprintf(buf, len, "%" PRId64, err);
}

static void format_addr(const struct value *v, char *buf, size_t len)
{
	if (!inet_ntop(v->family, v->addr, buf, len))
		snprintf(buf, len, "?");
}

void format_endpoint(const struct value *addr, const struct value *port, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	bool has_port = port && port->present;

	if (!addr->present) {
		snprintf(buf, len, "-");
		return;
	}
	format_addr(addr, a, sizeof(a));
	if (!has_port)
		snprintf(buf, len, "%s", a);
	else if (addr->family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, (unsigned)(uint16_t)port->num);
	else
		snprintf(buf, len, "%s:%u", a, (unsigned)(uint16_t)port->num);
}

/*
 * Wall-clock ns of a trace timestamp; false when it is no time of day (a
 * corrupt record's stamp would overflow, or land before 1970).
 */
static bool wall_time(const struct format_ctx *fc, uint64_t ts, int64_t *wall)
{
	return ts <= INT64_MAX && !__builtin_add_overflow((int64_t)ts, fc->wall_offset_ns, wall) &&
	       *wall >= 0;
}

static void format_time(const struct format_ctx *fc, uint64_t ts, char *buf, size_t len)
{
	struct tm tm;
	int64_t wall;
	time_t sec;

	if (!wall_time(fc, ts, &wall) || (sec = wall / 1000000000, !localtime_r(&sec, &tm))) {
		snprintf(buf, len, "%" PRIu64, ts);	/* the raw stamp, as it came */
		return;
	}
	/* text is for people: their time zone; JSON is UTC */
	snprintf(buf, len, "%02d:%02d:%02d.%06d", tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (int)(wall % 1000000000 / 1000));
}

static void format_ksym(const struct format_ctx *fc, uint64_t addr, char *buf, size_t len)
{
	/* run reads symbols before tracing; this is for other callers (once) */
	const char *fn = fc->tep && formats_load_kallsyms(fc->tep) ? tep_find_function(fc->tep, addr)
								     : NULL;

	if (fn)
		snprintf(buf, len, "%s+0x%llx", fn,
			 addr - tep_find_function_address(fc->tep, addr));
	else
		snprintf(buf, len, "0x%" PRIx64, addr);
}

void format_duration(uint64_t ns, char *buf, size_t len)
{
	if (ns < 1000)
		snprintf(buf, len, "%" PRIu64 " ns", ns);
	else if (ns < 1000000)
		snprintf(buf, len, "%.3f us", ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, len, "%.3f ms", ns / 1e6);
	else
		snprintf(buf, len, "%.3f s", ns / 1e9);
}

void format_value(const struct format_ctx *fc, int field, const struct value *v,
		  char *buf, size_t len)
{
	const struct field_decl *f = &fc->recipe->fields[field];
	const char *s;

	if (!v->present) {
		snprintf(buf, len, "-");
		return;
	}
	switch (f->format) {
	case FMT_DECIMAL: snprintf(buf, len, "%" PRId64, (int64_t)v->num); break;
	case FMT_HEX: snprintf(buf, len, "0x%" PRIx64, v->num); break;
	case FMT_PORT: case FMT_CPU: case FMT_PID:
		snprintf(buf, len, "%" PRIu64, v->num);
		break;
	case FMT_IPV4: case FMT_IPV6: case FMT_INET: format_addr(v, buf, len); break;
	case FMT_SOCKADDR: {
		struct value port = { .present = true, .num = v->port };

		format_endpoint(v, &port, buf, len);
		break;
	}
	case FMT_TCP_STATE:
		s = tcp_state_name(v->num);
		if (s)
			snprintf(buf, len, "%s", s);
		else
			snprintf(buf, len, "%" PRIu64, v->num);
		break;
	case FMT_ERRNO: errno_text((int64_t)v->num, buf, len); break;
	case FMT_KSYM: format_ksym(fc, v->num, buf, len); break;
	case FMT_STRING: text_escape(v->str, v->len, buf, len); break;	/* kernel text */
	case FMT_DURATION: format_duration(v->num, buf, len); break;
	case FMT_SYSCALL:
		s = syscall_name(v->num);
		if (s)
			snprintf(buf, len, "%s", s);
		else
			snprintf(buf, len, "%" PRIu64, v->num);
		break;
	case FMT_SYMBOLIC:	/* the kernel's name of the value, else the value */
		if (v->str)
			text_escape(v->str, v->len, buf, len);
		else
			snprintf(buf, len, "%" PRId64, (int64_t)v->num);
		break;
	case FMT_TIME: format_time(fc, v->num, buf, len); break;
	case FMT_COMM:	/* a process names itself: escape it */
		text_escape(v->str ? v->str : "-", v->str ? (size_t)v->len : 1, buf, len);
		break;
	case FMT_EVENT: snprintf(buf, len, "%s", fc->recipe->events[v->num].name); break;
	}
}

int format_width(const struct field_decl *f)
{
	static const int widths[] = {
		[FMT_DECIMAL] = 10, [FMT_HEX] = 18, [FMT_IPV4] = 15, [FMT_IPV6] = 39,
		[FMT_INET] = 15, [FMT_SOCKADDR] = 21, [FMT_PORT] = 5, [FMT_TCP_STATE] = 11,
		[FMT_ERRNO] = 7, [FMT_KSYM] = 24, [FMT_STRING] = 16, [FMT_DURATION] = 11,
		[FMT_SYMBOLIC] = 16, [FMT_SYSCALL] = 16, [FMT_TIME] = 15,
		[FMT_CPU] = 3, [FMT_PID] = 7, [FMT_COMM] = 15, [FMT_EVENT] = 7,
	};
	int w = widths[f->format];
	int t = (int)strlen(f->title);

	return t > w ? t : w;
}

int format_column_width(const struct recipe *r, const struct column *c)
{
	int w = format_width(&r->fields[c->field]);
	int t = (int)strlen(c->title);

	for (int e = 0; r->fields[c->field].format == FMT_EVENT && e < r->n_events; e++)
		if ((int)strlen(r->events[e].name) > w)	/* the recipe's longest event name */
			w = (int)strlen(r->events[e].name);
	if (c->port_field >= 0)	/* [v6 address]:port */
		w = r->fields[c->field].format == FMT_IPV4 ? 21 : 24;
	return t > w ? t : w;
}

void format_key(const struct format_ctx *fc, const struct column *c, const struct value *key,
		char *buf, size_t len)
{
	if (c->port_field >= 0)
		format_endpoint(&key[0], &key[1], buf, len);
	else
		format_value(fc, c->field, &key[0], buf, len);
}

void format_cell(const struct format_ctx *fc, const struct column *c, const struct value *vals,
		 char *buf, size_t len)
{
	if (c->port_field >= 0)
		format_endpoint(&vals[c->field], &vals[c->port_field], buf, len);
	else
		format_value(fc, c->field, &vals[c->field], buf, len);
}

/*
 * How a value goes into JSON: null, an integer, text from the kernel or a
 * process (escaped by the JSON writer, \xNN when not UTF-8), or the text form.
 */
/* JK_SYMBOL: {"name": the kernel's name or null, "value": the number} */
enum json_kind { JK_NULL, JK_INT, JK_RAW_TEXT, JK_TEXT, JK_SYMBOL };

struct json_val {
	enum json_kind kind;
	json_int_t num;
	const char *s;
	size_t len;
	char buf[128];
};

static void iso_time(const struct format_ctx *fc, uint64_t ts, char *buf, size_t len)
{
	struct tm tm;
	int64_t wall;

	/* clock_utc, not gmtime_r: the capture writer, a forked child, formats these */
	if (!wall_time(fc, ts, &wall) || wall < 0) {
		snprintf(buf, len, "%" PRIu64, ts);
		return;
	}
	clock_utc(wall / 1000000000, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (int)(wall % 1000000000 / 1000));
}

static void json_classify(const struct format_ctx *fc, int field, const struct value *v,
			  struct json_val *j)
{
	const struct field_decl *f = &fc->recipe->fields[field];

	j->kind = JK_TEXT;
	j->s = j->buf;
	if (!v->present) {
		j->kind = JK_NULL;
		return;
	}
	switch (f->format) {
	case FMT_STRING:
		j->kind = JK_RAW_TEXT;
		j->s = v->str;
		j->len = strnlen(v->str, v->len);
		return;
	case FMT_COMM:
		j->kind = v->str ? JK_RAW_TEXT : JK_TEXT;
		j->s = v->str ? v->str : "-";
		j->len = v->str ? strnlen(v->str, v->len) : 1;
		return;
	case FMT_DECIMAL: case FMT_PORT: case FMT_CPU: case FMT_PID: case FMT_DURATION:
		if (v->num > INT64_MAX && f->format != FMT_DECIMAL)
			break;
		j->kind = JK_INT;
		j->num = (json_int_t)v->num;
		return;
	case FMT_TIME:
		iso_time(fc, v->num, j->buf, sizeof(j->buf));
		j->len = strlen(j->buf);
		return;
	case FMT_SYMBOLIC:
		j->kind = JK_SYMBOL;
		j->s = v->str;
		j->len = v->str ? strnlen(v->str, v->len) : 0;
		j->num = (json_int_t)(int64_t)v->num;
		return;
	case FMT_SYSCALL:	/* {"name": ..., "value": nr}, as the kernel's names */
		j->kind = JK_SYMBOL;
		j->s = syscall_name(v->num);
		j->len = j->s ? strlen(j->s) : 0;
		j->num = (json_int_t)v->num;
		return;
	default:
		break;
	}
	/* everything else, and 64-bit values jansson cannot hold, as text */
	format_value(fc, field, v, j->buf, sizeof(j->buf));
	j->len = strlen(j->buf);
}

/* Kernel and process text as it is (JSON-escaped); \xNN text if it is not UTF-8. */
static json_t *json_text(const char *s, size_t len)
{
	json_t *j = json_stringn(s, len);
	char buf[128];

	if (j)
		return j;
	text_escape(s, len, buf, sizeof(buf));
	return json_string(buf);
}

json_t *format_json(const struct format_ctx *fc, int field, const struct value *v)
{
	struct json_val j;

	json_classify(fc, field, v, &j);
	switch (j.kind) {
	case JK_NULL: return json_null();
	case JK_INT: return json_integer(j.num);
	case JK_RAW_TEXT: return json_text(j.s, j.len);
	case JK_SYMBOL:
		return json_pack("{s:o,s:I}", "name", j.s ? json_text(j.s, j.len) : json_null(),
				 "value", j.num);
	case JK_TEXT: break;
	}
	return json_stringn(j.s, j.len);
}

/* Kernel text as it is, or as \xNN text where it is not UTF-8 (as json_text does). */
static void write_raw_text(FILE *f, const char *s, size_t len)
{
	char buf[128];

	if (jw_utf8_valid(s, len)) {
		jw_string(f, s, len);
		return;
	}
	text_escape(s, len, buf, sizeof(buf));
	jw_string(f, buf, strlen(buf));
}

/* A decimal integer without printf's parsing (every number of every event line). */
static void write_int(FILE *f, int64_t n)
{
	char buf[24], *p = buf + sizeof(buf);
	uint64_t u = n < 0 ? -(uint64_t)n : (uint64_t)n;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10));
	if (n < 0)
		*--p = '-';
	fwrite_unlocked(p, 1, buf + sizeof(buf) - p, f);
}

void format_json_write(const struct format_ctx *fc, int field, const struct value *v, FILE *f)
{
	struct json_val j;

	json_classify(fc, field, v, &j);
	switch (j.kind) {
	case JK_NULL: fwrite_unlocked("null", 1, 4, f); return;
	case JK_INT: write_int(f, (int64_t)j.num); return;
	case JK_RAW_TEXT:
		write_raw_text(f, j.s, j.len);
		return;
	case JK_SYMBOL:
		fputs("{\"name\":", f);
		if (j.s)
			write_raw_text(f, j.s, j.len);
		else
			fputs("null", f);
		fprintf(f, ",\"value\":%lld}", (long long)j.num);
		return;
	case JK_TEXT: break;
	}
	jw_string(f, j.s, j.len);
}
