// SPDX-License-Identifier: GPL-2.0-or-later
/* Kernel tracing capabilities, detected from tracefs files and the tracefs README. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <tracefs.h>

#include "kernel/caps.h"

static const char *const std_dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };

char *caps_path(const struct caps *c, const char *rel)
{
	return xasprintf("%s/%s", c->tracing_dir, rel);
}

static bool has_file(const struct caps *c, const char *rel)
{
	char *p = caps_path(c, rel);
	bool ok = file_exists(p);

	free(p);
	return ok;
}

char *caps_find_tracing_dir(const char *root)
{
	for (size_t i = 0; i < ARRAY_SIZE(std_dirs); i++) {
		char *dir = xasprintf("%s%s", root, std_dirs[i]);
		char *readme = xasprintf("%s/README", dir);
		bool ok = file_exists(readme);

		free(readme);
		if (ok)
			return dir;
		free(dir);
	}
	return NULL;
}

static char *find_tracing_dir(void)
{
	char *dir = caps_find_tracing_dir("");
	const char *d;

	if (dir)
		return dir;
	/* Not mounted (or not visible to us): libtracefs mounts tracefs when root. */
	d = tracefs_tracing_dir();
	return d ? xstrdup(d) : NULL;
}

static void read_clocks(struct caps *c)
{
	char *p = caps_path(c, "trace_clock");
	char *text = read_file(p, NULL), *save = NULL;
	int n = 0;

	free(p);
	c->clocks = xcalloc(1, sizeof(char *));
	if (!text)
		return;
	for (char *t = strtok_r(text, " \n", &save); t; t = strtok_r(NULL, " \n", &save)) {
		size_t len = strlen(t);

		if (t[0] == '[' && t[len - 1] == ']') {	/* the current one */
			t[len - 1] = '\0';
			t++;
		}
		c->clocks = xrealloc(c->clocks, (n + 2) * sizeof(char *));
		c->clocks[n++] = xstrdup(t);
		c->clocks[n] = NULL;
	}
	free(text);
}

int caps_detect(struct caps *c, const char *dir)
{
	static struct utsname uts;
	char *readme, *text;

	memset(c, 0, sizeof(*c));
	uname(&uts);
	c->arch = uts.machine;
	c->kernel = xstrdup(uts.release);
	c->tracing_dir = dir ? xstrdup(dir) : find_tracing_dir();
	if (!c->tracing_dir) {
		pk_error("tracefs is not mounted at /sys/kernel/tracing or /sys/kernel/debug/tracing "
			 "and could not be mounted (are you root?)");
		return PK_ERR_KERNEL;
	}
	/* Fixtures and odd mount points: make libtracefs use the same directory. */
	if (dir && tracefs_set_tracing_dir((char *)dir) < 0) {
		pk_error("%s: cannot use as tracing directory: %s", dir, strerror(errno));
		return PK_ERR_USAGE;
	}
	readme = caps_path(c, "README");
	text = read_file(readme, NULL);
	free(readme);
	c->readable = text != NULL;
	c->instances = has_file(c, "instances");
	c->kprobes = has_file(c, "kprobe_events");
	c->dynamic_events = has_file(c, "dynamic_events");
	c->error_log = has_file(c, "error_log");
	c->subbuf_size = has_file(c, "buffer_subbuf_size_kb");
	c->buffer_percent = has_file(c, "buffer_percent");
	c->argn = c->kprobes && text && strstr(text, "$arg<N>");
	c->hist = (text && strstr(text, "hist:keys")) || has_file(c, "events/sched/sched_switch/hist");
	c->synth = has_file(c, "synthetic_events") || (text && strstr(text, "s:[synthetic/]"));
	read_clocks(c);
	free(text);
	return PK_OK;
}

void caps_free(struct caps *c)
{
	free(c->tracing_dir);
	free(c->kernel);
	if (c->clocks)
		for (char **p = c->clocks; *p; p++)
			free(*p);
	free(c->clocks);
	memset(c, 0, sizeof(*c));
}

bool caps_has_clock(const struct caps *c, const char *clock)
{
	for (char **p = c->clocks; p && *p; p++)
		if (!strcmp(*p, clock))
			return true;
	return false;
}

const char *caps_pick_clock(const struct caps *c)
{
	/* mono: comparable across CPUs and with clock_gettime(); global: EL7's best */
	static const char *const prefer[] = { "mono", "global" };

	for (size_t i = 0; i < ARRAY_SIZE(prefer); i++)
		if (caps_has_clock(c, prefer[i]))
			return prefer[i];
	return "local";
}

bool caps_tracepoint_exists(const struct caps *c, const char *system, const char *event)
{
	char *rel = xasprintf("events/%s/%s/format", system, event);
	bool ok = has_file(c, rel);

	free(rel);
	return ok;
}

/* Does this line of kallsyms ("ADDR TYPE NAME [module]", column 2) or
 * available_filter_functions ("NAME [module]", column 0) name func? */
static bool line_names(const char *line, int column, const char *func, size_t flen)
{
	const char *s = line;

	for (int i = 0; i < column && s; i++) {
		s = strchr(s, ' ');
		s = s ? s + 1 : NULL;
	}
	return s && !strncmp(s, func, flen) && strchr(" \t\n", s[flen]);
}

/* One streaming pass over a symbol list for all names not yet found. */
static void scan_symbols(const char *path, int column, char **funcs, int n, bool *found)
{
	char line[512];
	int left = 0;
	FILE *f;

	for (int i = 0; i < n; i++)
		left += !found[i];
	if (!left || !(f = fopen(path, "re")))
		return;
	while (left && fgets(line, sizeof(line), f))
		for (int i = 0; i < n; i++)
			if (!found[i] && line_names(line, column, funcs[i], strlen(funcs[i]))) {
				found[i] = true;
				left--;
			}
	fclose(f);
}

void caps_find_functions(const struct caps *c, const char *const *targets, int n, bool *found)
{
	char **funcs = xcalloc(n, sizeof(char *));
	char *avail = caps_path(c, "available_filter_functions");

	for (int i = 0; i < n; i++) {
		funcs[i] = xstrndup(targets[i], strcspn(targets[i], "+"));
		found[i] = false;
	}
	scan_symbols(avail, 0, funcs, n, found);
	/* kprobes also attach to functions ftrace does not list; kallsyms is the real kernel's */
	if (strncmp(c->tracing_dir, "/sys/kernel/", 12) == 0)
		scan_symbols("/proc/kallsyms", 2, funcs, n, found);
	for (int i = 0; i < n; i++)
		free(funcs[i]);
	free(funcs);
	free(avail);
}

bool caps_function_exists(const struct caps *c, const char *target)
{
	bool found;

	caps_find_functions(c, &target, 1, &found);
	return found;
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

void caps_print(const struct caps *c, bool oneline)
{
	const char *sep = oneline ? " " : "\n";

	printf("tracefs: %s%s", c->tracing_dir, c->readable ? "" : " (not readable: run as root)");
	printf("%skernel: %s%sarch: %s", sep, c->kernel, sep, c->arch);
	printf("%sinstances: %s%skprobe_events: %s%sdynamic_events: %s%sargN: %s",
	       sep, yes_no(c->instances), sep, yes_no(c->kprobes), sep, yes_no(c->dynamic_events),
	       sep, yes_no(c->argn));
	printf("%serror_log: %s%shist_triggers: %s%ssynthetic_events: %s%strace_clocks:",
	       sep, yes_no(c->error_log), sep, yes_no(c->hist), sep, yes_no(c->synth), sep);
	for (char **p = c->clocks; p && *p; p++)
		printf(" %s", *p);
	printf("\n");
}
