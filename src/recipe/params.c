// SPDX-License-Identifier: GPL-2.0-or-later
/* Recipe parameters: typed values from -p NAME=VALUE, and their use in kernel filters. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "recipe/params.h"
#include "recipe/limits.h"
#include "util/textsafe.h"

static bool parse_u64(const char *text, uint64_t *out)
{
	char *end;

	if (!*text || *text == '-')
		return false;
	errno = 0;
	*out = strtoull(text, &end, 0);
	return !errno && !*end;
}

bool param_parse(struct param *p, const char *text)
{
	switch (p->type) {
	case PARAM_PORT:
		return parse_u64(text, &p->num) && p->num >= 1 && p->num <= 65535;
	case PARAM_INT:
		if (*text == '-') {
			char *end;

			errno = 0;
			p->num = (uint64_t)strtoll(text, &end, 0);
			return !errno && !*end;
		}
		return parse_u64(text, &p->num);
	case PARAM_INET:
		memset(&p->inet, 0, sizeof(p->inet));
		if (inet_pton(AF_INET, text, p->inet.addr) == 1) {
			p->inet.family = AF_INET;
			return true;
		}
		if (inet_pton(AF_INET6, text, p->inet.addr) == 1) {
			p->inet.family = AF_INET6;
			return true;
		}
		return false;
	case PARAM_STRING:
		/* substituted inside the recipe's quotes: keep the filter one well-formed line */
		return strlen(text) <= PARAM_MAX_STRING && !strpbrk(text, "\"\\") &&
		       text_is_single_line(text);
	}
	return false;
}

int recipe_set_param(struct recipe *r, const char *assignment)
{
	const char *eq = strchr(assignment, '=');
	char *name;
	struct param *p;
	int i;

	if (!eq || eq == assignment) {
		pk_error("-p takes NAME=VALUE, not '%s'", assignment);
		return PK_ERR_USAGE;
	}
	name = xstrdup(assignment);
	name[eq - assignment] = '\0';
	i = recipe_param_index(r, name);
	if (i < 0) {
		pk_error("%s: recipe '%s' has no parameter '%s' (see: probekit show %s)",
			 r->path, r->name, name, r->name);
		free(name);
		return PK_ERR_USAGE;
	}
	free(name);
	p = &r->params[i];
	if (!param_parse(p, eq + 1)) {
		pk_error("parameter %s: '%s' is not a valid %s", p->name, eq + 1,
			 param_type_name(p->type));
		return PK_ERR_USAGE;
	}
	free(p->value);
	p->value = xstrdup(eq + 1);
	return PK_OK;
}

static void emit_value(const struct param *p, const char *mod, struct strbuf *out)
{
	if (!strcmp(mod, "be16"))
		sb_addf(out, "%u", (unsigned)htons((uint16_t)p->num));
	else if (!strcmp(mod, "be32"))
		sb_addf(out, "%u", (unsigned)htonl((uint32_t)p->num));
	else if (p->type == PARAM_STRING)
		sb_addf(out, "%s", p->value);
	else
		sb_addf(out, "%lld", (long long)p->num);
}

static bool expand_ref(const struct recipe *r, const char *ref, struct strbuf *out,
		       bool *unset, char **err)
{
	char *name = xstrdup(ref);
	char *mod = strchr(name, ':');
	const struct param *p;
	int i;

	if (mod)
		*mod++ = '\0';
	if (!mod && !strcmp(name, "probekit_pid")) {	/* built in: the run's own process */
		if (out)
			sb_addf(out, "%d", (int)getpid());
		free(name);
		return true;
	}
	i = recipe_param_index(r, name);
	if (i < 0) {
		*err = xasprintf("${%s}: no parameter '%s' in 'parameters'", ref, name);
		goto fail;
	}
	p = &r->params[i];
	if (p->type == PARAM_INET) {
		*err = xasprintf("${%s}: an inet parameter cannot be compared in a kernel filter "
				 "(16-byte addresses); use the recipe's 'match'", ref);
		goto fail;
	}
	if (mod && strcmp(mod, "be16") && strcmp(mod, "be32")) {
		*err = xasprintf("${%s}: unknown conversion '%s' (be16, be32)", ref, mod);
		goto fail;
	}
	if (mod && p->type == PARAM_STRING) {
		*err = xasprintf("${%s}: %s applies to numbers", ref, mod);
		goto fail;
	}
	if (out) {
		if (!p->value)
			*unset = true;
		else
			emit_value(p, mod ? mod : "", out);
	}
	free(name);
	return true;
fail:
	free(name);
	return false;
}

bool filter_clause_expand(const struct recipe *r, const char *clause, struct strbuf *out,
			  bool *unset, char **err)
{
	const char *s = clause;

	if (unset)
		*unset = false;
	while (*s) {
		const char *start = strstr(s, "${");
		const char *end;
		char *ref;
		bool ok;

		if (!start) {
			if (out)
				sb_addn(out, s, strlen(s));
			break;
		}
		if (out)
			sb_addn(out, s, start - s);
		end = strchr(start, '}');
		if (!end) {
			*err = xasprintf("unterminated '${' in filter \"%s\"", clause);
			return false;
		}
		ref = xstrndup(start + 2, end - start - 2);
		ok = expand_ref(r, ref, out, unset, err);
		free(ref);
		if (!ok)
			return false;
		s = end + 1;
	}
	return true;
}

char *alt_filter(const struct recipe *r, const struct alternative *alt)
{
	struct strbuf sb = { 0 };
	int used = 0;

	for (int i = 0; i < alt->n_filter; i++) {
		struct strbuf clause = { 0 };
		bool unset = false;
		char *err = NULL;

		/* references were checked at load time */
		if (filter_clause_expand(r, alt->filter[i], &clause, &unset, &err) && !unset)
			sb_addf(&sb, "%s(%s)", used++ ? " && " : "", clause.buf ? clause.buf : "");
		free(err);
		sb_release(&clause);
	}
	return used ? sb_detach(&sb) : NULL;
}
