/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_PARAMS_H
#define PROBEKIT_PARAMS_H

#include "recipe/recipe.h"

/*
 * Expand ${name} and ${name:be16}/${name:be32} in one filter clause.
 * With out == NULL only checks the references (at load time). Sets *unset
 * when a referenced parameter has no value: the clause is then left out.
 * Returns false with *err set on a bad reference.
 */
bool filter_clause_expand(const struct recipe *r, const char *clause, struct strbuf *out,
			  bool *unset, char **err);

#endif
