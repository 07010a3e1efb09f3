// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: parameter values and filter expansion. The input is
 * "CLAUSE\0NAME=VALUE\0NAME=VALUE..." against a recipe with parameters of
 * every type: -p assignments and ${...} references never crash or leak, and
 * an expanded filter is always one line. The clause is also tried as a
 * --cpu list and as a monitor's --trigger (matched against an empty record).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/registry.h"
#include "output/flight_trigger.h"
#include "recipe/params.h"
#include "recipe/recipe.h"
#include "util/cpulist.h"
#include "util/textsafe.h"

static const char base[] =
	"{\"probekit\":1,\"name\":\"f\",\"description\":\"d\","
	"\"parameters\":{\"port\":{\"type\":\"port\"},\"n\":{\"type\":\"int\",\"default\":-3},"
	"\"addr\":{\"type\":\"inet\"},\"dev\":{\"type\":\"string\",\"default\":\"lo\"}},"
	"\"fields\":{\"lport\":{\"format\":\"port\"}},"
	"\"events\":{\"e\":{\"any\":[{\"tracepoint\":\"tcp:tcp_probe\",\"fields\":{\"lport\":\"sport\"},"
	"\"filter\":[\"sport == ${port}\",\"x == ${n}\",\"name == \\\"${dev}\\\"\"]}]}},"
	"\"output\":{\"columns\":[\"time\",\"lport\"]}}";

static struct recipe *r;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	r = recipe_load_buffer(base, sizeof(base) - 1, "params.json");
	if (!r)
		abort();
	return 0;
}

/* Every input starts from the recipe's defaults. */
static void reset_params(void)
{
	for (int i = 0; i < r->n_params; i++) {
		struct param *p = &r->params[i];

		free(p->value);
		p->value = p->def ? xstrdup(p->def) : NULL;
		if (p->def)
			param_parse(p, p->def);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size);	/* stops at the first NUL */
	const char *end = (const char *)data + size;
	struct strbuf out = { 0 };
	char *err = NULL, *f;
	bool unset;

	reset_params();
	{
		cpu_set_t set;

		if (cpulist_parse(text, &set) && !CPU_COUNT(&set))
			abort();	/* a list it accepts names at least one CPU */
	}
	{
		const struct recipe *set[1] = { r };
		struct flight_trigger t;
		struct value v[64] = { 0 };
		struct record rec = { .values = v, .n_values = r->n_fields };
		struct format_ctx fc = { .recipe = r };

		if (flight_trigger_parse(&t, text, set, 1)) {
			if (t.recipe != 0 || (t.event < 0 && t.field < 0))
				abort();
			for (int i = 0; i < 3; i++)
				flight_trigger_match(&t, &fc, 0, &rec, i != 1);
			flight_trigger_free(&t);
		}
	}
	/* the rest: NUL-separated assignments, as -p gives them */
	for (const char *a = (const char *)data + strlen(text) + 1; a < end;) {
		char *assign = xstrndup(a, end - a);

		recipe_set_param(r, assign);
		a += strlen(assign) + 1;
		free(assign);
	}
	if (filter_clause_expand(r, text, &out, &unset, &err) && out.buf && !unset &&
	    text_is_single_line(text) && !text_is_single_line(out.buf))
		abort();	/* a value brought a control byte into the filter */
	f = alt_filter(r, &r->events[0].alts[0]);
	if (f && !text_is_single_line(f))
		abort();
	free(f);
	free(err);
	sb_release(&out);
	free(text);
	return 0;
}
