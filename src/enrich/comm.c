// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The comm field: the process name of the record's pid, from /proc, else the
 * kernel's saved_cmdlines (not its names from before the run of pids that had
 * no process then), in a small direct-mapped cache. Resolved when the
 * record is decoded, so a process that exits before the summary keeps its
 * name, and grouping by comm groups by name, not by pid.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <event-parse.h>
#include <tracefs.h>

#include "enrich/enrich.h"

#define COMM_SLOTS 1024
#define COMM_TTL_NS 1000000000ULL	/* pids get reused: re-read after a second */

struct comm_slot {
	int pid;
	bool known;
	uint8_t len;
	char comm[17];
	uint64_t stamp;		/* trace clock of the lookup */
};

/* A saved_cmdlines entry of a pid that had no process when the run began. */
struct stale_name {
	int pid;		/* 0: empty */
	char comm[17];
};

struct comm_cache {
	struct comm_slot slots[COMM_SLOTS];
	struct tep_handle *tep;
	const char *tracing_dir;
	uint64_t cmdlines_loaded;
	struct stale_name *stale;	/* open addressing, stale_cap a power of two */
	size_t stale_cap;
};

static struct stale_name *stale_slot(const struct comm_cache *c, int pid)
{
	size_t i = ((unsigned)pid * 2654435761u) & (c->stale_cap - 1);

	while (c->stale[i].pid && c->stale[i].pid != pid)
		i = (i + 1) & (c->stale_cap - 1);
	return &c->stale[i];
}

/*
 * saved_cmdlines outlives processes: a pid it names that has no process now
 * may be reused during the run by a process it never records, and a name
 * from it would then be the old one. Those entries are kept, once, to be
 * refused later (a name that differs from them is new: taken).
 */
static void note_stale_names(struct comm_cache *c)
{
	char *path = xasprintf("%s/saved_cmdlines", c->tracing_dir);
	char *text = read_file(path, NULL), *line, *save = NULL;
	size_t n = 0;

	free(path);
	for (const char *p = text; p && *p; p++)
		n += *p == '\n';
	for (c->stale_cap = 16; c->stale_cap < 2 * n; c->stale_cap *= 2)
		;
	c->stale = xcalloc(c->stale_cap, sizeof(*c->stale));
	for (line = text ? strtok_r(text, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
		char path[32], comm[17];
		int pid;
		struct stale_name *s;

		if (sscanf(line, "%d %16[^\n]", &pid, comm) != 2 || pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d", pid);
		if (!access(path, F_OK))
			continue;	/* alive: its name is its own */
		s = stale_slot(c, pid);
		s->pid = pid;
		snprintf(s->comm, sizeof(s->comm), "%s", comm);
	}
	free(text);
}

static void *comm_open(const struct enrich_env *env)
{
	struct comm_cache *c = xcalloc(1, sizeof(*c));

	c->tep = env->tep;
	c->tracing_dir = env->tracing_dir;
	if (c->tracing_dir)
		note_stale_names(c);
	return c;
}

static void comm_close(void *state)
{
	struct comm_cache *c = state;

	free(c->stale);
	free(c);
}

/*
 * A process gone before we read its record: the kernel's saved_cmdlines still
 * knows its name (recorded at its context switches while events are on).
 * Reloaded at most ten times a second, only on a miss.
 */
static bool saved_comm(struct comm_cache *c, int pid, uint64_t now, char *out, size_t len)
{
	if (!c->tep || !c->tracing_dir)
		return false;
	if (!tep_is_pid_registered(c->tep, pid) &&
	    (!c->cmdlines_loaded || now - c->cmdlines_loaded > COMM_TTL_NS / 10)) {
		tracefs_load_cmdlines(c->tracing_dir, c->tep);
		c->cmdlines_loaded = now;
	}
	if (!tep_is_pid_registered(c->tep, pid))
		return false;
	snprintf(out, len, "%s", tep_data_comm_from_pid(c->tep, pid));
	/* the name of a process gone before the run: not this one's */
	return !c->stale || stale_slot(c, pid)->pid != pid || strcmp(stale_slot(c, pid)->comm, out);
}

static void lookup(struct comm_cache *c, struct comm_slot *s, int pid, uint64_t now)
{
	char path[32];
	ssize_t n;
	int fd;

	s->pid = pid;
	s->stamp = now;
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, s->comm, sizeof(s->comm) - 1);
	if (fd >= 0)
		close(fd);
	if (n > 0) {
		s->comm[n] = '\0';
		s->comm[strcspn(s->comm, "\n")] = '\0';
		s->known = true;
	} else {
		s->known = saved_comm(c, pid, now, s->comm, sizeof(s->comm));
	}
	s->len = s->known ? (uint8_t)strlen(s->comm) : 0;
}

static void comm_enrich(void *state, struct record *rec)
{
	struct comm_cache *c = state;
	struct value *v = &rec->values[FIELD_COMM];
	int pid = (int)rec->values[FIELD_PID].num;
	struct comm_slot *s;

	if (!rec->values[FIELD_PID].present)
		return;
	s = &c->slots[(unsigned)pid % COMM_SLOTS];
	if (s->pid != pid || !s->stamp || rec->ts - s->stamp > COMM_TTL_NS)
		lookup(c, s, pid, rec->ts ? rec->ts : 1);
	v->present = true;
	v->num = 0;		/* the name is the key, not the pid */
	v->str = s->known ? s->comm : NULL;
	v->len = s->len;
}

/* It reads the pid, which every record has. */
static void comm_uses(void *state, int event, bool *fields)
{
	(void)state, (void)event, (void)fields;
}

const struct enricher_ops comm_enricher = {
	.name = "comm",
	.open = comm_open,
	.enrich = comm_enrich,
	.close = comm_close,
	.uses = comm_uses,
};
