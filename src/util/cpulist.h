/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_CPULIST_H
#define PROBEKIT_CPULIST_H

#include <sched.h>
#include <stdbool.h>

/* "0,2-3" (the kernel's cpulist format) into set; false if not one, or out of CPU_SETSIZE. */
bool cpulist_parse(const char *text, cpu_set_t *set);

#endif
