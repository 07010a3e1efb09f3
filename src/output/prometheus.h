/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_PROMETHEUS_H
#define PROBEKIT_PROMETHEUS_H

/*
 * Prometheus's text exposition (version 0.0.4) of what analyses report: a
 * sink per recipe turns their views into samples labelled with the recipe,
 * and the samples of one family are written together, with HELP and TYPE.
 * Names carry base units (_seconds) and counters end in _total. Labels are
 * the recipe, the analysis and the event: bounded by the recipes, never by
 * the traffic (no addresses or ports).
 *
 *	struct prom *m = prom_new();
 *	sink = prom_sink_open(m, recipe);  engine_snapshot(e, k, sink);  ...
 *	text = prom_render(m);  prom_free(m);
 */
#include "output/sink.h"

struct prom;

/* series of one recipe's table (request/response ports) before the rest is folded */
#define PROM_MAX_SERIES 100

struct prom *prom_new(void);
void prom_set_max_series(struct prom *m, int n);
/*
 * Which rows of a table have series of their own, kept across renders (a
 * row keeps its series; "other" only grows): the caller's, given to each
 * prom it renders with. Without, each render picks the busiest again.
 */
struct prom_pins;
struct prom_pins *prom_pins_new(void);
void prom_pins_free(struct prom_pins *p);
void prom_set_pins(struct prom *m, struct prom_pins *p);
void prom_free(struct prom *m);
/* A sink whose reports become samples of m (with recipe="NAME"); sink_close() it. */
struct sink *prom_sink_open(struct prom *m, const struct recipe *r);
/*
 * One sample of family (its type "counter", "gauge" or "histogram" and help
 * given at its first sample); suffix for histograms (_bucket, _sum, _count)
 * or ""; labels as name, value pairs ending with NULL, values escaped here.
 */
void prom_sample(struct prom *m, const char *family, const char *type, const char *help,
		 const char *suffix, double value, ...) __attribute__((sentinel));
/* The exposition text of every family, in the order of their first samples. */
char *prom_render(struct prom *m);

/*
 * Counters across a monitor's reload (SIGHUP): a recipe kept unchanged gets
 * a new pipeline whose counts start at zero; its counters, and its
 * histograms' and summaries' sums and counts, go on from where they were, so
 * Prometheus sees no reset. Before the reload, prom_carry_keep takes the
 * values of the recipe's samples in the last prom rendered (keep false: a
 * changed recipe, whose series start over); every later prom given the carry
 * adds them to its samples of the same series, and writes those it does not
 * sample as they were.
 */
struct prom_carry;
struct prom_carry *prom_carry_new(void);
void prom_carry_free(struct prom_carry *c);
void prom_set_carry(struct prom *m, struct prom_carry *c);
void prom_carry_keep(struct prom_carry *c, const struct prom *m, const char *recipe, bool keep);

#endif
