/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_SOURCE_H
#define PROBEKIT_SOURCE_H

/*
 * Where an event comes from: a tracepoint the kernel has, or a probe that
 * probekit makes in its own group (kprobe, kretprobe). One struct
 * source_kind per kind, one file each, listed in source_kinds[] (as
 * libtracefs' dynevents[]): a new kind (uprobe, eprobe, fprobe, synthetic
 * event) is a new file and a new line there.
 */
#include "kernel/caps.h"
#include "recipe/schema.h"

struct tep_handle;
struct tracefs_dynevent;

/* What a kind needs to judge an alternative against this kernel. */
struct source_env {
	const struct recipe *recipe;
	const struct caps *caps;
	struct tep_handle *tep;		/* formats loaded so far */
	bool argn;			/* $argN used as is, else registers */
	bool ask_kernel;		/* run: the kernel judges probe targets when they are made */
	/* plan: was this probe target found in the kernel's symbol lists? */
	bool (*function_known)(const void *ctx, const char *func);
	const void *ctx;
};

struct source_kind {
	const char *name;		/* the recipe key: "tracepoint", "kprobe" ... */
	enum alt_kind kind;
	bool is_probe;			/* made by probekit, in its group probekit_<pid> */
	/* The recipe's target ("tcp:tcp_probe", "tcp_rcv_established+4") into a. */
	bool (*parse)(struct schema *s, const char *path, struct alternative *a, const char *target);
	/* "tracepoint tcp:tcp_probe", "kprobe tcp_rcv_established" */
	void (*describe)(const struct alternative *a, char *buf, size_t len);
	/* Load what check needs (a tracepoint's format), once per plan. */
	void (*prepare)(const struct source_env *env, const struct alternative *a);
	/* Why this kernel cannot run a (caller frees), or NULL; *args: a probe's args. */
	char *(*check)(const struct source_env *env, const struct alternative *a, char **args);
	/* Probes: the fetch args as written for this kernel; *why when they cannot be. */
	char *(*args)(const struct alternative *a, const char *arch, bool argn, char **why);
	/* Probes: the definition "p:GROUP/EVENT FUNC ARGS" as written to tracefs. */
	char *(*render)(const struct alternative *a, const char *group, const char *event,
			const char *args);
	/* Probes: the libtracefs object to create (tracefs_dynevent_create) and destroy. */
	struct tracefs_dynevent *(*alloc)(const struct alternative *a, const char *group,
					  const char *event, const char *args);
};

extern const struct source_kind *const source_kinds[];
extern const int n_source_kinds;

const struct source_kind *source_kind_of(enum alt_kind kind);
/* "tracepoint tcp:tcp_probe", "kprobe tcp_rcv_established": its kind's describe. */
void source_describe(const struct alternative *a, char *buf, size_t len);
/* By recipe key; NULL when none is called so. */
const struct source_kind *source_kind_by_name(const char *name);
/* The kinds' names for messages: ("'", ", ") gives 'tracepoint', 'kprobe' ... Caller frees. */
char *source_kind_list(const char *quote, const char *sep);

#endif
