/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_CLOCK_H
#define PROBEKIT_CLOCK_H

#include <stdint.h>
#include <time.h>

int64_t clock_ns(clockid_t id);
/* Trace timestamps to wall-clock time: exact for mono/boot/tai, close for the others. */
int64_t clock_wall_offset(const char *trace_clock);

#endif
