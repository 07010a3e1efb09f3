/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_FETCHARG_H
#define PROBEKIT_FETCHARG_H

#include "util/util.h"

/* The register holding function argument n (1-based) on arch, or NULL. */
const char *fetcharg_register(const char *arch, int n);

/*
 * Rewrite a portable fetch arg for this kernel: with $argN support it is
 * returned as is; without, each $argN becomes the architecture's register
 * (%di on x86_64, %x0 on arm64). Returns NULL and sets *err when it cannot.
 */
char *fetcharg_translate(const char *spec, const char *arch, bool argn, bool is_return,
			 char **err);

/* Is spec one well-formed fetch-arg token? *why (caller frees) says why not. */
bool fetcharg_check(const char *spec, char **why);

#endif
