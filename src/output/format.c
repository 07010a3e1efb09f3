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

static void format_time(const struct format_ctx *fc, uint64_t ts, char *buf, size_t len)
{
	int64_t wall = (int64_t)ts + fc->wall_offset_ns;
	time_t sec = wall / 1000000000;
	struct tm tm;

	localtime_r(&sec, &tm);	/* text is for people: their time zone; JSON is UTC */
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
	case FMT_TIME: format_time(fc, v->num, buf, len); break;
	case FMT_COMM:
		s = comm_of((int)v->num);	/* a process names itself: escape it */
		text_escape(s ? s : "-", s ? strlen(s) : 1, buf, len);
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
		[FMT_TIME] = 15,
		[FMT_CPU] = 3, [FMT_PID] = 7, [FMT_COMM] = 15, [FMT_EVENT] = 7,
	};
	int w = widths[f->format];
	int t = (int)strlen(f->title);

	return t > w ? t : w;
}

static json_t *json_time(const struct format_ctx *fc, uint64_t ts)
{
	int64_t wall = (int64_t)ts + fc->wall_offset_ns;
	time_t sec = wall / 1000000000;
	char buf[64];
	struct tm tm;

	gmtime_r(&sec, &tm);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (int)(wall % 1000000000 / 1000));
	return json_string(buf);
}

/* Kernel and process text as it is (jansson escapes control characters); \xNN text if not UTF-8. */
static json_t *json_text(const char *s, size_t len)
{
	json_t *j = json_stringn(s, strnlen(s, len));
	char buf[128];

	if (j)
		return j;
	text_escape(s, len, buf, sizeof(buf));
	return json_string(buf);
}

json_t *format_json(const struct format_ctx *fc, int field, const struct value *v)
{
	const struct field_decl *f = &fc->recipe->fields[field];
	const char *comm;
	char buf[128];

	if (!v->present)
		return json_null();
	switch (f->format) {
	case FMT_STRING:
		return json_text(v->str, v->len);
	case FMT_COMM:
		comm = comm_of((int)v->num);
		return comm ? json_text(comm, strlen(comm)) : json_string("-");
	case FMT_DECIMAL: case FMT_PORT: case FMT_CPU: case FMT_PID: case FMT_DURATION:
		if (v->num > INT64_MAX && f->format != FMT_DECIMAL)
			break;
		return json_integer((json_int_t)v->num);
	case FMT_TIME:
		return json_time(fc, v->num);
	default:
		break;
	}
	/* everything else, and 64-bit values jansson cannot hold, as text */
	format_value(fc, field, v, buf, sizeof(buf));
	return json_string(buf);
}
