// SPDX-License-Identifier: GPL-2.0-or-later
/* The recipe's "owner" section: which fields identify the socket an event is about. */
#include <stdlib.h>

#include "enrich/owner.h"
#include "recipe/schema.h"

static bool address_port(struct schema *s, const char *path, json_t *sec, const char *key,
			 struct column *c)
{
	char *p = path_key(path, key), *spec = schema_string(s, path, sec, key, false);
	bool ok = true;

	c->field = c->port_field = -1;
	if (spec && parse_column(s, p, spec, c)) {
		enum field_format f = s->recipe->fields[c->field].format;

		if (c->port_field < 0 || (f != FMT_INET && f != FMT_IPV4 && f != FMT_IPV6)) {
			schema_error(s, p, "'%s' is not ADDRESS:PORT (an address field and a port field)",
				     spec);
			ok = false;
		}
	}
	free(spec);
	free(p);
	return ok && !s->failed;
}

static void owner_free(void *cfg)
{
	struct owner_cfg *c = cfg;

	if (c) {
		free(c->local.title);
		free(c->remote.title);
	}
	free(c);
}

bool owner_parse(struct schema *s, json_t *root)
{
	static const char *const keys[] = { "socket", "local", "remote", NULL };
	json_t *sec = schema_get(s, "", root, "owner", JSON_OBJECT, false);
	struct owner_cfg *c;
	char *sock;

	if (!sec)
		return !s->failed;
	if (!schema_known_keys(s, "owner", sec, keys))
		return false;
	c = xcalloc(1, sizeof(*c));
	s->recipe->owner = c;
	s->recipe->free_owner = owner_free;
	c->socket = -1;
	sock = schema_string(s, "owner", sec, "socket", false);
	if (sock) {
		c->socket = recipe_field_index(s->recipe, sock);
		if (c->socket < 0 || s->recipe->fields[c->socket].builtin ||
		    (s->recipe->fields[c->socket].format != FMT_HEX &&
		     s->recipe->fields[c->socket].format != FMT_DECIMAL))
			schema_error(s, "owner.socket", "'%s' is not a declared integer field", sock);
		free(sock);
	}
	if (s->failed || !address_port(s, "owner", sec, "local", &c->local) ||
	    !address_port(s, "owner", sec, "remote", &c->remote))
		return false;
	if ((c->local.field < 0) != (c->remote.field < 0))
		schema_error(s, "owner", "'local' and 'remote' go together");
	else if (c->socket < 0 && c->local.field < 0)
		schema_error(s, "owner", "needs 'socket', or 'local' and 'remote', or all three");
	return !s->failed;
}

void owner_describe(const struct owner_cfg *c, const struct recipe *r, FILE *f)
{
	fprintf(f, "socket owners: pid and comm are the process owning the socket (");
	if (c->socket >= 0)
		fprintf(f, "%s", r->fields[c->socket].name);
	if (c->local.field >= 0)
		fprintf(f, "%s%s:%s %s:%s", c->socket >= 0 ? ", " : "",
			r->fields[c->local.field].name, r->fields[c->local.port_field].name,
			r->fields[c->remote.field].name, r->fields[c->remote.port_field].name);
	fprintf(f, "), from events in its process, else the socket table (sock_diag) and /proc/PID/fd%s\n",
		c->local.field < 0 ? " (not here: no addresses and ports)" : "");
}
