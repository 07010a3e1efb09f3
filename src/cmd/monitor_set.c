// SPDX-License-Identifier: GPL-2.0-or-later
/* The monitor's recipe set: loaded, parameterised, fingerprinted, planned (see monitor.h). */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/monitor.h"
#include "util/textsafe.h"

#define SET_LINE_MAX 4096
#define SET_WORDS_MAX 64

/*
 * -p NAME=VALUE: for every recipe that declares NAME (an error when none
 * does); -p RECIPE:NAME=VALUE: for that recipe alone.
 */
static int apply_params(struct recipe **r, int n, char **params)
{
	for (char **a = params; a && *a; a++) {
		const char *eq = strchr(*a, '='), *colon = strchr(*a, ':');
		const char *assign = colon && colon < eq ? colon + 1 : *a;
		char *only = assign != *a ? xstrndup(*a, colon - *a) : NULL;
		char *name = eq ? xstrndup(assign, eq - assign) : NULL;
		int applied = 0, ret = PK_OK;

		for (int k = 0; name && k < n && !ret; k++)
			if ((!only || !strcmp(only, r[k]->name)) && recipe_param_index(r[k], name) >= 0) {
				ret = recipe_set_param(r[k], assign);
				applied++;
			}
		if (!ret && !applied)
			pk_error("-p %s: %s has a parameter '%s'", *a,
				 only ? "no recipe of that name given" : "no recipe given",
				 name ? name : *a);
		free(name);
		free(only);
		if (ret || !applied)
			return PK_ERR_USAGE;
	}
	return PK_OK;
}

static int add(struct loaded_set *ls, const char *name)
{
	int ret;

	if (ls->n == MONITOR_MAX_RECIPES) {
		pk_error("monitor: at most %d recipes", MONITOR_MAX_RECIPES);
		return PK_ERR_USAGE;
	}
	if ((ret = load_recipe(name, &ls->r[ls->n])))
		return ret;
	ls->n++;
	return PK_OK;
}

/* A line of --set FILE: RECIPE [NAME=VALUE...]; '#' starts a comment. */
static int set_line(struct loaded_set *ls, char *line, const char *file, int lineno)
{
	char *words[SET_WORDS_MAX], *save = NULL, *w, *hash = strchr(line, '#');
	int n = 0, ret;
	size_t len;

	if (hash)
		*hash = '\0';
	len = strlen(line);
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	for (char *t = line; *t; t++)
		if (*t == '\t')
			*t = ' ';
	if (!text_is_single_line(line)) {
		pk_error("%s:%d: a control byte in the line", file, lineno);
		return PK_ERR_USAGE;
	}
	for (w = strtok_r(line, " \t\r\n", &save); w && n < SET_WORDS_MAX;
	     w = strtok_r(NULL, " \t\r\n", &save))
		words[n++] = w;
	if (!n)
		return PK_OK;
	if (n == SET_WORDS_MAX) {
		pk_error("%s:%d: more than %d words", file, lineno, SET_WORDS_MAX - 1);
		return PK_ERR_USAGE;
	}
	if ((ret = add(ls, words[0])))
		return ret;
	for (int i = 1; i < n; i++) {
		if (!strchr(words[i], '=')) {
			pk_error("%s:%d: '%s' is not NAME=VALUE", file, lineno, words[i]);
			return PK_ERR_USAGE;
		}
		if ((ret = recipe_set_param(ls->r[ls->n - 1], words[i]))) {
			pk_error("%s:%d: the parameter above", file, lineno);
			return ret;
		}
	}
	return PK_OK;
}

static int read_set_file(struct loaded_set *ls, const char *file)
{
	FILE *f = fopen(file, "r");
	char line[SET_LINE_MAX];
	int lineno = 0, ret = PK_OK;

	if (!f) {
		pk_error("--set %s: %s", file, strerror(errno));
		return PK_ERR_USAGE;
	}
	while (!ret && fgets(line, sizeof(line), f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			pk_error("%s:%d: a line longer than %d bytes", file, lineno, SET_LINE_MAX - 2);
			ret = PK_ERR_USAGE;
		} else {
			ret = set_line(ls, line, file, lineno);
		}
	}
	fclose(f);
	return ret;
}

/* The recipe file's bytes and every parameter's value: what makes a recipe "the same". */
static char *fingerprint(const struct recipe *r)
{
	struct strbuf sb = { 0 };
	size_t len = 0;
	char *text = read_file(r->path, &len);

	sb_addn(&sb, text ? text : "", text ? len : 0);
	free(text);
	for (int i = 0; i < r->n_params; i++)
		sb_addf(&sb, "\n%s=%s", r->params[i].name,	/* compared with strcmp: no NUL */
			r->params[i].value ? r->params[i].value : "");
	if (!sb.buf)
		sb_addf(&sb, "%s", "");
	return sb_detach(&sb);
}

int monitor_load(const struct set_source *src, struct loaded_set *ls)
{
	int ret = PK_OK;

	memset(ls, 0, sizeof(*ls));
	for (int i = 0; i < src->n_args && !ret; i++)
		ret = add(ls, src->args[i]);
	/* -p applies to the command line's recipes and the file's alike; a file's
	 * own NAME=VALUE after it */
	if (!ret && src->file) {
		struct loaded_set file_set = { 0 };

		ret = read_set_file(&file_set, src->file);
		for (int i = 0; i < file_set.n; i++) {
			if (ls->n < MONITOR_MAX_RECIPES && !ret)
				ls->r[ls->n++] = file_set.r[i];
			else
				recipe_free(file_set.r[i]);
		}
	}
	for (int i = 0; i < ls->n && !ret; i++)
		for (int j = 0; j < i && !ret; j++)
			if (!strcmp(ls->r[i]->name, ls->r[j]->name)) {
				pk_error("monitor: recipe '%s' is given twice (its metrics would be too)",
					 ls->r[i]->name);
				ret = PK_ERR_USAGE;
			}
	if (!ret && !ls->n) {
		pk_error("monitor: no recipe given (RECIPE arguments or --set FILE)");
		ret = PK_ERR_USAGE;
	}
	if (!ret)
		ret = apply_params(ls->r, ls->n, src->params);
	for (int i = 0; i < ls->n && !ret; i++)
		ls->fp[i] = fingerprint(ls->r[i]);
	if (ret)
		loaded_set_free(ls);
	return ret;
}

void loaded_set_free(struct loaded_set *ls)
{
	for (int i = 0; i < ls->n; i++) {
		recipe_free(ls->r[i]);
		free(ls->fp[i]);
	}
	ls->n = 0;
}

bool recipe_set_has(const struct recipe_set *rs, const char *name, const char *fp)
{
	for (int i = 0; i < rs->n; i++)
		if (!strcmp(rs->r[i]->name, name))
			return !fp || (rs->fp[i] && !strcmp(rs->fp[i], fp));
	return false;
}

int monitor_plan(struct recipe_set *rs, struct loaded_set *ls, struct caps *c,
		 const struct common_opts *o, const char *instance)
{
	int n = ls->n;

	ls->n = 0;	/* the set has them now, or they are freed here */
	for (int k = 0; k < n; k++) {
		char prefix[16];
		struct plan_opts po = { .instance = instance, .clock = o->clock,
					.buffer_kb = o->buffer_kb, .ask_kernel = o->ask_kernel,
					.no_argn = o->no_argn, .probe_prefix = prefix,
					.synth_base = k * 100,
					/* the kernel's histograms are read at every metrics write */
					.no_kernel_agg = o->no_kernel_agg, .user_pairs = o->user_pairs };
		struct plan *p = &rs->p[rs->n];
		int ret;

		snprintf(prefix, sizeof(prefix), "r%d_", k + 1);
		ret = plan_build(p, ls->r[k], c, &po);
		if (ret == PK_ERR_KERNEL) {
			if (p->ev)
				plan_report_unrunnable(p);
			pk_warn("recipe '%s' is skipped: this kernel cannot run it", ls->r[k]->name);
			rs->dropped[rs->n_dropped++] = xstrdup(ls->r[k]->name);
			plan_free(p);
			recipe_free(ls->r[k]);
			free(ls->fp[k]);
			continue;
		}
		if (ret) {
			plan_free(p);
			for (int j = k; j < n; j++) {
				recipe_free(ls->r[j]);
				free(ls->fp[j]);
			}
			return ret;
		}
		rs->r[rs->n] = ls->r[k];
		rs->fp[rs->n] = ls->fp[k];
		rs->pp[rs->n] = p;
		rs->n++;
	}
	if (!rs->n) {
		pk_error("no recipe given can run on this kernel");
		return PK_ERR_KERNEL;
	}
	return plan_set_link(rs->pp, rs->n);
}

void recipe_set_clear(struct recipe_set *rs)
{
	for (int k = 0; k < rs->n; k++) {
		sink_close(rs->sink[k]);
		sink_close(rs->observer[k]);
		plan_free(&rs->p[k]);
		recipe_free(rs->r[k]);
		free(rs->fp[k]);
	}
	for (int k = 0; k < rs->n_dropped; k++)
		free(rs->dropped[k]);
	memset(rs->r, 0, sizeof(*rs) - offsetof(struct recipe_set, r));
}

json_t *monitor_plan_json(const struct plan *p)
{
	const struct recipe *r = p->recipe;
	json_t *params = json_object(), *events = json_object();

	for (int i = 0; i < r->n_params; i++)
		json_object_set_new(params, r->params[i].name,
				    r->params[i].value ? json_string(r->params[i].value) : json_null());
	for (int i = 0; i < p->n_ev; i++) {
		const struct planned_event *pe = &p->ev[i];

		json_object_set_new(events, pe->decl->name,
				    pe->chosen < 0 ? json_null() :
				    json_pack("{s:s,s:s,s:s?,s:s?}", "system", pe->system, "event",
					      pe->name, "probe", pe->probe, "filter", pe->filter));
	}
	return json_pack("{s:s,s:o,s:o}", "path", r->path, "parameters", params, "events", events);
}
