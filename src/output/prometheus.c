// SPDX-License-Identifier: GPL-2.0-or-later
/* Analyses' report views as Prometheus text exposition (see prometheus.h). */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "output/prometheus.h"
#include "util/hash.h"

struct family {
	char *name, *type, *help;
	struct strbuf samples;
};

/* The series a table was given (recipe, analysis, role, port): kept for good. */
/* Rows that have a series: "TABLE\nROW" keys in a hash set, and a count per table. */
struct pin_table {
	char *name;
	int n;
};

struct prom_pins {
	char **keys;
	int n;
	uint32_t *slots;	/* open addressing: index + 1 into keys, 0 empty */
	uint32_t n_slots;	/* a power of two, at least twice n */
	struct pin_table *tables;
	int n_tables;
};

/* A counter's value carried over a reload (see prom_carry_keep). */
struct carried {
	char *key;		/* name, suffix and labels as written: the series */
	char *recipe;
	char *family, *type, *help;
	double value;
};

struct prom_carry {
	struct carried *c;
	int n;
};

/* A sample that may be carried: its series, recipe label, family and value. */
struct kept {
	char *key, *recipe;
	int fam;
	double value;
};

struct prom {
	struct family *fam;
	int n_fam;
	int max_series;		/* per recipe's table (ports): the rest folded into "other" */
	struct prom_pins *pins;	/* the caller's, across renders; NULL: none kept */
	struct prom_carry *carry;	/* the caller's: counters from before a reload */
	bool *carry_seen;	/* per carried series: sampled anew in this prom */
	struct kept *kept;
	int n_kept, kept_cap;
};

struct prom_pins *prom_pins_new(void)
{
	return xcalloc(1, sizeof(struct prom_pins));
}

void prom_pins_free(struct prom_pins *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->n; i++)
		free(p->keys[i]);
	for (int i = 0; i < p->n_tables; i++)
		free(p->tables[i].name);
	free(p->keys);
	free(p->slots);
	free(p->tables);
	free(p);
}

void prom_set_pins(struct prom *m, struct prom_pins *p)
{
	m->pins = p;
}

static uint32_t *pin_slot(const struct prom_pins *p, const char *key)
{
	uint32_t mask = p->n_slots - 1, i = (uint32_t)hash_bytes(HASH_SEED, key, strlen(key)) & mask;

	while (p->slots[i] && strcmp(p->keys[p->slots[i] - 1], key))
		i = (i + 1) & mask;
	return &p->slots[i];
}

static void pins_grow(struct prom_pins *p)
{
	p->n_slots = p->n_slots ? 2 * p->n_slots : 64;
	free(p->slots);
	p->slots = xcalloc(p->n_slots, sizeof(*p->slots));
	for (int i = 0; i < p->n; i++)
		*pin_slot(p, p->keys[i]) = (uint32_t)i + 1;
}

static struct pin_table *pin_table(struct prom_pins *p, const char *table)
{
	for (int i = 0; i < p->n_tables; i++)	/* a few per recipe */
		if (!strcmp(p->tables[i].name, table))
			return &p->tables[i];
	p->tables = xrealloc(p->tables, (p->n_tables + 1) * sizeof(*p->tables));
	p->tables[p->n_tables] = (struct pin_table){ .name = xstrdup(table) };
	return &p->tables[p->n_tables++];
}

/*
 * Does this table row get a series of its own? Once given one it keeps it
 * (a row moving in and out of the busiest would make its counter and
 * "other" jump back); new rows get one while the table has fewer than max.
 */
static bool pinned(struct prom *m, const char *table, const char *row)
{
	struct prom_pins *p = m->pins;
	char *key = xasprintf("%s\n%s", table, row);
	struct pin_table *t;
	uint32_t *slot;

	if (2 * (p->n + 1) > (int)p->n_slots)
		pins_grow(p);
	slot = pin_slot(p, key);
	if (*slot || (t = pin_table(p, table))->n >= m->max_series) {
		free(key);
		return *slot != 0;
	}
	t->n++;
	p->keys = xrealloc(p->keys, (p->n + 1) * sizeof(*p->keys));
	p->keys[p->n++] = key;
	*slot = (uint32_t)p->n;
	return true;
}

struct prom *prom_new(void)
{
	struct prom *m = xcalloc(1, sizeof(struct prom));

	m->max_series = PROM_MAX_SERIES;
	return m;
}

void prom_set_max_series(struct prom *m, int n)
{
	m->max_series = n > 0 ? n : 1;
}

void prom_free(struct prom *m)
{
	if (!m)
		return;
	for (int i = 0; i < m->n_kept; i++) {
		free(m->kept[i].key);
		free(m->kept[i].recipe);
	}
	free(m->kept);
	free(m->carry_seen);
	for (int i = 0; i < m->n_fam; i++) {
		free(m->fam[i].name);
		free(m->fam[i].type);
		free(m->fam[i].help);
		sb_release(&m->fam[i].samples);
	}
	free(m->fam);
	free(m);
}

static struct family *family(struct prom *m, const char *name, const char *type, const char *help)
{
	struct family *f;

	for (int i = 0; i < m->n_fam; i++)
		if (!strcmp(m->fam[i].name, name))
			return &m->fam[i];
	m->fam = xrealloc(m->fam, (m->n_fam + 1) * sizeof(*m->fam));
	f = &m->fam[m->n_fam++];
	*f = (struct family){ .name = xstrdup(name), .type = xstrdup(type), .help = xstrdup(help) };
	return f;
}

/* A label value: backslash, double quote and newline escaped, as the format wants. */
static void add_label_value(struct strbuf *sb, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			sb_addf(sb, "\\%c", *v);
		else if (*v == '\n')
			sb_addf(sb, "\\n");
		else
			sb_addn(sb, v, 1);
	}
}

static void add_value(struct strbuf *sb, double v)
{
	if (isinf(v))
		sb_addf(sb, v > 0 ? "+Inf" : "-Inf");
	else if (v > -1e15 && v < 1e15 && v == (double)(long long)v)	/* counts: as integers */
		sb_addf(sb, "%lld", (long long)v);
	else
		sb_addf(sb, "%.9g", v);
}

/* Counters, and a histogram's or summary's sums and counts, go on across a reload. */
static bool carryable(const struct family *f, const char *suffix)
{
	return !strcmp(f->type, "counter") || !strcmp(f->type, "histogram") ||
	       (!strcmp(f->type, "summary") && *suffix);
}

static int by_key(const void *a, const void *b)
{
	return strcmp(((const struct carried *)a)->key, ((const struct carried *)b)->key);
}

/* The carry is sorted by key (prom_carry_keep): a lookup per sample, not a scan. */
static double carried_value(struct prom *m, const char *key)
{
	struct carried probe = { .key = (char *)key }, *c;

	if (!m->carry || !m->carry->n ||
	    !(c = bsearch(&probe, m->carry->c, m->carry->n, sizeof(*c), by_key)))
		return 0;
	if (!m->carry_seen)
		m->carry_seen = xcalloc(m->carry->n, sizeof(bool));
	m->carry_seen[c - m->carry->c] = true;
	return c->value;
}

static void keep_sample(struct prom *m, const struct family *f, const char *key,
			const char *recipe, double value)
{
	if (m->n_kept == m->kept_cap) {
		m->kept_cap = m->kept_cap ? 2 * m->kept_cap : 64;
		m->kept = xrealloc(m->kept, m->kept_cap * sizeof(*m->kept));
	}
	m->kept[m->n_kept++] = (struct kept){ .key = xstrdup(key), .recipe = xstrdup(recipe),
					      .fam = (int)(f - m->fam), .value = value };
}

void prom_sample(struct prom *m, const char *name, const char *type, const char *help,
		 const char *suffix, double value, ...)
{
	struct family *f = family(m, name, type, help);
	struct strbuf key = { 0 };
	const char *label, *recipe = NULL;
	va_list ap;
	int n = 0;

	sb_addf(&key, "%s%s", name, suffix);
	va_start(ap, value);
	while ((label = va_arg(ap, const char *))) {
		const char *v = va_arg(ap, const char *);

		sb_addf(&key, "%s%s=\"", n++ ? "," : "{", label);
		add_label_value(&key, v ? v : "");
		sb_addf(&key, "\"");
		if (!strcmp(label, "recipe"))
			recipe = v;
	}
	va_end(ap);
	sb_addf(&key, "%s", n ? "}" : "");
	if (recipe && carryable(f, suffix)) {
		value += carried_value(m, key.buf);
		keep_sample(m, f, key.buf, recipe, value);
	}
	sb_addf(&f->samples, "%s ", key.buf);
	add_value(&f->samples, value);
	sb_addf(&f->samples, "\n");
	sb_release(&key);
}

/* Carried series this prom did not sample (a port quiet since the reload): as they were. */
static void add_unseen_carried(struct prom *m)
{
	for (int i = 0; m->carry && i < m->carry->n; i++) {
		const struct carried *c = &m->carry->c[i];
		struct family *f;

		if (m->carry_seen && m->carry_seen[i])
			continue;
		f = family(m, c->family, c->type, c->help);
		sb_addf(&f->samples, "%s ", c->key);
		add_value(&f->samples, c->value);
		sb_addf(&f->samples, "\n");
		keep_sample(m, f, c->key, c->recipe, c->value);
	}
	free(m->carry_seen);
	m->carry_seen = NULL;
	m->carry = NULL;	/* once per prom */
}

char *prom_render(struct prom *m)
{
	struct strbuf sb = { 0 };

	add_unseen_carried(m);
	for (int i = 0; i < m->n_fam; i++) {
		const struct family *f = &m->fam[i];

		sb_addf(&sb, "# HELP %s %s\n# TYPE %s %s\n", f->name, f->help, f->name, f->type);
		if (f->samples.len)
			sb_addn(&sb, f->samples.buf, f->samples.len);
	}
	if (!sb.buf)
		sb_addf(&sb, "%s", "");
	return sb_detach(&sb);
}

struct prom_carry *prom_carry_new(void)
{
	return xcalloc(1, sizeof(struct prom_carry));
}

static void carried_free(struct carried *c)
{
	free(c->key);
	free(c->recipe);
	free(c->family);
	free(c->type);
	free(c->help);
}

void prom_carry_free(struct prom_carry *c)
{
	if (!c)
		return;
	for (int i = 0; i < c->n; i++)
		carried_free(&c->c[i]);
	free(c->c);
	free(c);
}

void prom_set_carry(struct prom *m, struct prom_carry *c)
{
	m->carry = c;
}

void prom_carry_keep(struct prom_carry *c, const struct prom *m, const char *recipe, bool keep)
{
	int w = 0;

	for (int i = 0; i < c->n; i++) {	/* what was carried of it: replaced or forgotten */
		if (!strcmp(c->c[i].recipe, recipe))
			carried_free(&c->c[i]);
		else
			c->c[w++] = c->c[i];
	}
	c->n = w;
	for (int i = 0; keep && i < m->n_kept; i++) {
		const struct kept *k = &m->kept[i];
		const struct family *f = &m->fam[k->fam];

		if (strcmp(k->recipe, recipe))
			continue;
		c->c = xrealloc(c->c, (c->n + 1) * sizeof(*c->c));
		c->c[c->n++] = (struct carried){ .key = xstrdup(k->key), .recipe = xstrdup(recipe),
						 .family = xstrdup(f->name), .type = xstrdup(f->type),
						 .help = xstrdup(f->help), .value = k->value };
	}
	if (c->n)
		qsort(c->c, c->n, sizeof(*c->c), by_key);
}

static double number(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_number(v) ? json_number_value(v) : 0;
}

/* One row of a label table: its non-zero counts per event. */
static void label_row(struct prom *m, const char *family, const char *help, const char *recipe,
		      const char *label, const char *value, json_t *per_event)
{
	const char *ev;
	json_t *n;

	json_object_foreach(per_event, ev, n)
		if (json_number_value(n) > 0)
			prom_sample(m, family, "counter", help, "", json_number_value(n),
				    "recipe", recipe, "event", ev, label, value, NULL);
}

/* Events per remote address or per process: the first values seen, then "other". */
static void label_table(struct prom *m, const char *recipe, json_t *t)
{
	const char *label = json_string_value(json_object_get(t, "label"));
	bool remote = label && !strcmp(label, "raddr");
	const char *family = remote ? "probekit_events_by_remote_total" :
				      "probekit_events_by_process_total";
	const char *help = remote ? "Events per remote address (the first --max-series; the rest "
				    "in raddr=\"other\")" :
				    "Events per process name (the first --max-series; the rest in "
				    "comm=\"other\")";
	json_t *row, *other;
	char *table;
	double folded;
	size_t i;

	if (!label)
		return;
	/* the analysis caps its own table; the pins cap it across reloads too (a
	 * new table's first values would otherwise add series to the carried ones) */
	table = xasprintf("%s\nlabel %s", recipe, label);
	other = json_deep_copy(json_object_get(t, "other"));
	if (!json_is_object(other)) {
		json_decref(other);
		other = json_object();
	}
	folded = number(t, "folded");
	json_array_foreach(json_object_get(t, "rows"), i, row) {
		const char *value = json_string_value(json_object_get(row, "value"));
		json_t *per_event = json_object_get(row, "per_event"), *n;
		const char *ev;

		if (!value)
			continue;
		/* a process named "other" would make a second series of the folded row's */
		if (strcmp(value, "other") && (!m->pins || pinned(m, table, value))) {
			label_row(m, family, help, recipe, label, value, per_event);
			continue;
		}
		folded += strcmp(value, "other") != 0;
		json_object_foreach(per_event, ev, n)
			json_object_set_new(other, ev, json_real(number(other, ev) +
								 json_number_value(n)));
	}
	label_row(m, family, help, recipe, label, "other", other);
	prom_sample(m, "probekit_label_values_folded", "gauge",
		    "Distinct label values beyond --max-series, counted in \"other\" (estimated)",
		    "", folded, "recipe", recipe, "label", label, NULL);
	json_decref(other);
	free(table);
}

/* The summary: events per recipe event, lost events; per remote address and process. */
static void summary(struct prom *m, const char *recipe, json_t *obj)
{
	const char *ev;
	json_t *n, *t;
	size_t i;

	json_object_foreach(json_object_get(obj, "per_event"), ev, n)
		prom_sample(m, "probekit_events_total", "counter",
			    "Events traced, per recipe event", "", json_number_value(n),
			    "recipe", recipe, "event", ev, NULL);
	prom_sample(m, "probekit_recipe_lost_events_total", "counter",
		    "Events the ring buffer lost while this recipe traced (all recipes share it)", "",
		    number(obj, "lost"), "recipe", recipe, NULL);
	json_array_foreach(json_object_get(obj, "labels"), i, t)
		label_table(m, recipe, t);
}

/*
 * le bounds of latency histograms: 2 us to 2^26 us (67 s), the same at every
 * scrape (the report's first bucket is 0 to 2 us)
 */
#define LATENCY_FIRST 1
#define LATENCY_BUCKETS 27

/*
 * A latency: a histogram in seconds, buckets at the report's powers of two
 * of microseconds, all of them every time (an empty one still bounds the
 * next for histogram_quantile, and rate() wants the same set), cumulative as
 * le wants; and the pairs it could not make.
 */
static void latency(struct prom *m, const char *recipe, json_t *obj)
{
	static const char name[] = "probekit_latency_seconds";
	static const char help[] = "Latency from a recipe's start event to its end event";
	const char *an = json_string_value(json_object_get(obj, "analysis"));
	json_t *stats = json_object_get(obj, "stats"), *b;
	double count[LATENCY_BUCKETS] = { 0 }, cum = 0;
	size_t i;

	json_array_foreach(json_object_get(obj, "log2_us"), i, b) {
		/* [from_us, to_us]: to_us + 1 is a power of two, the bucket's bound */
		uint64_t bound = (uint64_t)number(b, "to_us") + 1;
		int k = LATENCY_FIRST;

		while (k < LATENCY_BUCKETS - 1 && (1ULL << k) < bound)
			k++;
		if ((1ULL << k) >= bound)
			count[k] += number(b, "count");
	}
	for (int k = LATENCY_FIRST; k < LATENCY_BUCKETS; k++) {
		char le[32];

		cum += count[k];
		snprintf(le, sizeof(le), "%.9g", (double)(1ULL << k) / 1e6);
		prom_sample(m, name, "histogram", help, "_bucket", cum, "recipe", recipe,
			    "analysis", an, "le", le, NULL);
	}
	prom_sample(m, name, "histogram", help, "_bucket", number(stats, "count"), "recipe", recipe,
		    "analysis", an, "le", "+Inf", NULL);
	prom_sample(m, name, "histogram", help, "_sum", number(stats, "total_ns") / 1e9,
		    "recipe", recipe, "analysis", an, NULL);
	prom_sample(m, name, "histogram", help, "_count", number(stats, "count"),
		    "recipe", recipe, "analysis", an, NULL);
	prom_sample(m, "probekit_latency_timeouts_total", "counter",
		    "Starts whose end did not come in time", "", number(obj, "timeouts"),
		    "recipe", recipe, "analysis", an, NULL);
	prom_sample(m, "probekit_latency_evictions_total", "counter",
		    "Pending starts dropped at the table's cap", "", number(obj, "evictions"),
		    "recipe", recipe, "analysis", an, NULL);
}

/* A request/response summary for one port (or the folded rest): quantiles, sum, count. */
static void request_times(struct prom *m, const char *recipe, const char *an, const char *role,
			  const char *port, json_t *total, bool quantiles)
{
	static const char name[] = "probekit_request_seconds";
	static const char help[] = "Request to response time (a server's: request in, response out)";
	static const char *const q[][2] = { { "0.5", "p50_ns" }, { "0.9", "p90_ns" },
					     { "0.99", "p99_ns" } };

	for (size_t i = 0; quantiles && i < ARRAY_SIZE(q); i++)
		if (json_object_get(total, q[i][1]))
			prom_sample(m, name, "summary", help, "", number(total, q[i][1]) / 1e9,
				    "recipe", recipe, "analysis", an, "role", role, "port", port,
				    "quantile", q[i][0], NULL);
	prom_sample(m, name, "summary", help, "_sum", number(total, "total_ns") / 1e9,
		    "recipe", recipe, "analysis", an, "role", role, "port", port, NULL);
	prom_sample(m, name, "summary", help, "_count", number(total, "count"),
		    "recipe", recipe, "analysis", an, "role", role, "port", port, NULL);
}

/*
 * Request/response: per server port and role (a client's port is the
 * server's it talks to: never an ephemeral one), at most max_series of them
 * (the busiest when they first come: the report sorts them; a port keeps its
 * series once it has one), the rest summed as port "other" (no quantiles:
 * they do not add up), and how many were folded.
 */
static void reqresp(struct prom *m, const char *recipe, json_t *obj)
{
	const char *an = json_string_value(json_object_get(obj, "analysis"));
	double other_req = 0, other_count = 0, other_ns = 0;
	char *table = xasprintf("%s\n%s", recipe, an ? an : "");
	int folded = 0, kept = 0;
	json_t *g;
	size_t i;

	json_array_foreach(json_object_get(obj, "ports"), i, g) {
		const char *role = json_string_value(json_object_get(g, "role"));
		json_t *total = json_object_get(g, "total");
		char port[16], *row;
		bool own;

		snprintf(port, sizeof(port), "%.0f", number(g, "port"));
		row = xasprintf("%s %s", role ? role : "-", port);
		own = m->pins ? pinned(m, table, row) : kept < m->max_series;
		free(row);
		if (!own) {
			other_req += number(g, "requests");
			other_count += number(total, "count");
			other_ns += number(total, "total_ns");
			folded++;
			continue;
		}
		kept++;
		prom_sample(m, "probekit_requests_total", "counter",
			    "Requests answered (pipelined ones included), by server port", "",
			    number(g, "requests"), "recipe", recipe, "analysis", an, "role", role,
			    "port", port, NULL);
		request_times(m, recipe, an, role, port, total, true);
	}
	if (folded) {
		json_t *t = json_pack("{s:f, s:f}", "count", other_count, "total_ns", other_ns);

		prom_sample(m, "probekit_requests_total", "counter",
			    "Requests answered (pipelined ones included), by server port", "",
			    other_req, "recipe", recipe, "analysis", an, "role", "any",
			    "port", "other", NULL);
		request_times(m, recipe, an, "any", "other", t, false);
		json_decref(t);
	}
	prom_sample(m, "probekit_series_folded", "gauge",
		    "Ports beyond the series cap, counted in port=\"other\"", "", folded,
		    "recipe", recipe, "analysis", an, NULL);
	free(table);
}

/* Attempts (connects): how many ended, by outcome. */
static void attempts(struct prom *m, const char *recipe, json_t *obj)
{
	const char *an = json_string_value(json_object_get(obj, "analysis"));
	json_t *o;
	size_t i;

	json_array_foreach(json_object_get(obj, "outcomes"), i, o)
		prom_sample(m, "probekit_attempts_total", "counter",
			    "Attempts (connects) ended, by outcome", "", number(o, "count"),
			    "recipe", recipe, "analysis", an,
			    "result", json_string_value(json_object_get(o, "result")), NULL);
}

static void prom_report(struct sink *s, const struct report_view *v)
{
	json_t *obj = v->json(v->self, &s->fc);
	const char *type = json_string_value(json_object_get(obj, "type"));
	const char *recipe = s->fc.recipe->name;

	if (!type)
		;
	else if (!strcmp(type, "summary"))
		summary(s->ctx, recipe, obj);
	else if (!strcmp(type, "latency"))
		latency(s->ctx, recipe, obj);
	else if (!strcmp(type, "attempts"))
		attempts(s->ctx, recipe, obj);
	else if (!strcmp(type, "reqresp"))
		reqresp(s->ctx, recipe, obj);
	json_decref(obj);
}

static void prom_record(struct sink *s, const struct record *rec, const char *type,
			const char *analysis)
{
	(void)s, (void)rec, (void)type, (void)analysis;
}

static const struct sink_ops prom_sink_ops = {
	.name = "prometheus", .record = prom_record, .report = prom_report,
};

struct sink *prom_sink_open(struct prom *m, const struct recipe *r)
{
	/* sink_report() flushes the sink's file: stderr, never written here */
	struct sink *s = sink_open(&prom_sink_ops, r, stderr, true);

	s->ctx = m;
	return s;
}
