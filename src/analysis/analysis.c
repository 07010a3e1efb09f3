// SPDX-License-Identifier: GPL-2.0-or-later
/* Questions about a recipe's analyses. */
#include <string.h>

#include "analysis/analysis.h"

bool recipe_has_analysis(const struct recipe *r, const struct analysis_ops *ops)
{
	for (int i = 0; i < r->n_analyses; i++)
		if (r->analyses[i].ops == ops)
			return true;
	return false;
}

void *recipe_analysis_cfg(const struct recipe *r, const struct analysis_ops *ops)
{
	for (int i = 0; i < r->n_analyses; i++)
		if (r->analyses[i].ops == ops)
			return r->analyses[i].cfg;
	return NULL;
}

bool recipe_takes_option(const struct recipe *r, char letter)
{
	for (int i = 0; i < r->n_analyses; i++)
		if (r->analyses[i].ops->run_options && strchr(r->analyses[i].ops->run_options, letter))
			return true;
	return false;
}
