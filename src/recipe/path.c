// SPDX-License-Identifier: GPL-2.0-or-later
/* Where recipes are found: ./recipes, $PROBEKIT_RECIPES (colon-separated), PREFIX/share. */
#include <stdlib.h>
#include <string.h>

#include "recipe/recipe.h"

#ifndef PK_RECIPE_DIR
#define PK_RECIPE_DIR "/usr/local/share/probekit/recipes"
#endif

void free_strv(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

char **recipe_search_path(void)
{
	const char *env = getenv("PROBEKIT_RECIPES");
	char **v = xcalloc(2, sizeof(char *));
	int n = 0;

	v[n++] = xstrdup("./recipes");
	if (env && *env) {
		char *copy = xstrdup(env), *save = NULL;

		for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
			v = xrealloc(v, (n + 2) * sizeof(char *));
			v[n++] = xstrdup(d);
		}
		free(copy);
	}
	v = xrealloc(v, (n + 2) * sizeof(char *));
	v[n++] = xstrdup(PK_RECIPE_DIR);
	v[n] = NULL;
	return v;
}

char *recipe_resolve(const char *name)
{
	char **dirs;
	char *found = NULL;

	/* anything that looks like a path is taken as one */
	if (strchr(name, '/') || strstr(name, ".json"))
		return file_exists(name) ? xstrdup(name) : NULL;
	dirs = recipe_search_path();
	for (char **d = dirs; *d && !found; d++) {
		char *p = xasprintf("%s/%s.json", *d, name);

		if (file_exists(p))
			found = p;
		else
			free(p);
	}
	free_strv(dirs);
	return found;
}
