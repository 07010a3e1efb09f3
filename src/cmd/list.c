// SPDX-License-Identifier: GPL-2.0-or-later
/* probekit list: the recipes on the search path, one line each. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "engine/registry.h"
#include "recipe/recipe.h"
#include "util/textsafe.h"

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The first directory on the path that has a name wins, as in recipe_resolve(). */
static bool seen(char **names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

static int collect(const char *dir, char ***names, int n)
{
	struct dirent *d;
	DIR *dh = opendir(dir);

	if (!dh)
		return n;
	while ((d = readdir(dh))) {
		size_t len = strlen(d->d_name);
		char *name;

		if (len <= 5 || strcmp(d->d_name + len - 5, ".json"))
			continue;
		name = xstrndup(d->d_name, len - 5);
		if (seen(*names, n, name)) {
			free(name);
			continue;
		}
		*names = xrealloc(*names, (n + 1) * sizeof(char *));
		(*names)[n++] = name;
	}
	closedir(dh);
	return n;
}

int cmd_list(int argc, char **argv)
{
	char **dirs, **names = NULL;
	int n = 0, bad = 0;

	if (argc > 1) {
		bool help = !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h");

		printf("usage: probekit list\n\nRecipes on the search path: ./recipes, "
		       "$PROBEKIT_RECIPES (colon-separated), %s.\n", PK_RECIPE_DIR);
		return help ? PK_OK : PK_ERR_USAGE;
	}
	dirs = recipe_search_path();
	for (char **d = dirs; *d; d++)
		n = collect(*d, &names, n);
	free_strv(dirs);
	qsort(names, n, sizeof(char *), by_name);
	for (int i = 0; i < n; i++) {
		char *path = recipe_resolve(names[i]), shown[256];
		struct recipe *r = path ? recipe_load(path) : NULL;

		if (r) {	/* a file name in a shared directory is anyone's text */
			text_escape(names[i], strlen(names[i]), shown, sizeof(shown));
			printf("%-24s %s\n", shown, r->description);
		}
		else
			bad++;
		recipe_free(r);
		free(path);
		free(names[i]);
	}
	free(names);
	return bad ? PK_ERR_USAGE : PK_OK;
}
