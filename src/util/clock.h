/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_CLOCK_H
#define PROBEKIT_CLOCK_H

#include <stdint.h>
#include <time.h>

int64_t clock_ns(clockid_t id);
/* Trace timestamps to wall-clock time: exact for mono/boot/tai, close for the others. */
int64_t clock_wall_offset(const char *trace_clock);
/*
 * Seconds since the epoch as a UTC date and time (tm_year from 1900, tm_mon
 * from 0), by arithmetic: no locale, no time zone, no lock, so a forked
 * child of a threaded process (the capture writer) may call it.
 */
void clock_utc(int64_t sec, struct tm *tm);

#endif
