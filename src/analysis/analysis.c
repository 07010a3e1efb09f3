// SPDX-License-Identifier: GPL-2.0-or-later
/* Questions about a recipe's analyses. */
#include <stdlib.h>
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

int analysis_group_option(const struct analysis *a, struct column **cols, int *n)
{
	char **groups = a->opts ? a->opts->groups : NULL;
	int want = 0;

	*cols = NULL;
	*n = 0;
	while (groups && groups[want])
		want++;
	if (!want)
		return PK_OK;
	*cols = xcalloc(want, sizeof(**cols));
	for (int k = 0; k < want; k++) {
		char *err;

		if (!column_parse(a->recipe, groups[k], &(*cols)[k], &err)) {
			pk_error("-g %s: %s", groups[k], err);
			free(err);
			return PK_ERR_USAGE;
		}
		(*n)++;
	}
	return PK_OK;
}

void analysis_group_option_free(struct column *cols, int n)
{
	for (int k = 0; k < n; k++)
		free(cols[k].title);
	free(cols);
}

bool recipe_explains(const struct recipe *r)
{
	for (int i = 0; i < r->n_analyses; i++)
		if (r->analyses[i].ops->explains && r->analyses[i].ops->explains(r->analyses[i].cfg))
			return true;
	return false;
}

/* A group key of a row as the record's value: a number, or (comm) the task's name. */
void kernel_row_value(const struct hist_row *row, int k, int field, struct value *v)
{
	if (field == FIELD_COMM)
		*v = (struct value){ .present = true, .str = row->names[k], .len = row->name_len[k] };
	else
		*v = (struct value){ .present = true, .num = row->keys[k] };
}
