// SPDX-License-Identifier: GPL-2.0-or-later
/* System call names for the syscall field format, from libseccomp. */
#include <stdlib.h>
#include <seccomp.h>

#include "output/syscalls.h"

#define SYSCALL_NAMES 1024	/* x86-64 numbers run to some 460; other architectures to about 1000 */

const char *syscall_name(uint64_t nr)
{
	static char *names[SYSCALL_NAMES];
	static unsigned char tried[SYSCALL_NAMES];

	if (nr >= SYSCALL_NAMES)
		return NULL;
	if (!tried[nr]) {
		/* a malloc'd string; ours until exit */
		names[nr] = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, (int)nr);
		tried[nr] = 1;
	}
	return names[nr];
}
