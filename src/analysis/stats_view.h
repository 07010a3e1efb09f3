/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_STATS_VIEW_H
#define PROBEKIT_STATS_VIEW_H

/* Latency statistics shown: as JSON (count, min, avg, percentiles, max in ns) and as table cells. */
#include <stdio.h>
#include <jansson.h>

#include "analysis/stats.h"

json_t *stats_json(const struct stats *s);
/* COUNT [MIN AVG] P50 P90 P99 P99.9 MAX */
void stats_header(FILE *f, bool with_min_avg);
void stats_row(FILE *f, const struct stats *s, bool with_min_avg);

#endif
