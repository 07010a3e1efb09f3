/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_REGISTRY_H
#define PROBEKIT_REGISTRY_H

/*
 * What a run is made of: the analyses and enrichers probekit has, and the
 * recipe sections they and the sources parse. A new analysis or enricher is
 * its own file plus one line here (registry.c).
 */
#include "analysis/analysis.h"
#include "enrich/enrich.h"

extern const struct analysis_ops *const analysis_registry[];
extern const int n_analysis_registry;
extern const struct enricher_ops *const enricher_registry[];
extern const int n_enricher_registry;

/* Load a recipe with every section known (see recipe_read). NULL after printing why. */
struct recipe *recipe_load(const char *path);
struct recipe *recipe_load_buffer(const char *text, size_t len, const char *name);

#endif
