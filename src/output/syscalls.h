/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_SYSCALLS_H
#define PROBEKIT_SYSCALLS_H

#include <stdint.h>

/*
 * The name of system call nr on this machine's architecture, from libseccomp's
 * tables (maintained with the kernel's), or NULL if it has none. Resolved the
 * first time a number is shown and kept: names are printed, never decoded per
 * event.
 */
const char *syscall_name(uint64_t nr);

#endif
