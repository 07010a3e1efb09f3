/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_DURATION_H
#define PROBEKIT_DURATION_H

#include <stdbool.h>
#include <stdint.h>

/* "500us", "2ms", "1.5s", "10" (seconds), "2m", "1h"; false if not a duration. */
bool parse_duration_ns(const char *text, uint64_t *ns);

#endif
