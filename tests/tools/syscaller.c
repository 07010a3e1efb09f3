// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * syscaller: known system calls, for the syscalls recipe's test. Built static,
 * so that no loader opens anything: every call below is the test's.
 *   syscaller GETPPID_N ENOENT_M SLEEP_K SLEEP_US
 * makes exactly GETPPID_N getppid(), ENOENT_M openat() of a path that does not
 * exist (each fails with ENOENT) and SLEEP_K nanosleep() of SLEEP_US, each
 * through syscall(2), and prints its own measure of each call (clock_gettime
 * is the vDSO: no system call):
 *   getppid N AVG_NS
 *   openat M ENOENT
 *   nanosleep K P50_NS AVG_NS
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	long n, m, k, us;
	uint64_t total = 0, *sleeps;
	int failed = 0;

	if (argc != 5) {
		fprintf(stderr, "usage: syscaller GETPPID_N ENOENT_M SLEEP_K SLEEP_US\n");
		return 2;
	}
	n = atol(argv[1]), m = atol(argv[2]), k = atol(argv[3]), us = atol(argv[4]);
	if (n < 0 || m < 0 || k < 1 || k > 100000 || us < 1)
		return 2;
	sleeps = calloc((size_t)k, sizeof(*sleeps));
	for (long i = 0; i < n; i++) {
		uint64_t t0 = now_ns();

		syscall(SYS_getppid);
		total += now_ns() - t0;
	}
	printf("getppid %ld %llu\n", n, (unsigned long long)(n ? total / (uint64_t)n : 0));
	for (long i = 0; i < m; i++)
		failed += syscall(SYS_openat, AT_FDCWD, "/nonexistent/probekit-syscaller", O_RDONLY) < 0 &&
			  errno == ENOENT;
	printf("openat %d ENOENT\n", failed);
	total = 0;
	for (long i = 0; i < k; i++) {
		struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
		uint64_t t0 = now_ns();

		syscall(SYS_nanosleep, &ts, NULL);
		sleeps[i] = now_ns() - t0;
		total += sleeps[i];
	}
	qsort(sleeps, (size_t)k, sizeof(*sleeps), by_value);
	printf("nanosleep %ld %llu %llu\n", k, (unsigned long long)sleeps[(k - 1) / 2],
	       (unsigned long long)(total / (uint64_t)k));
	fflush(stdout);
	free(sleeps);
	return failed == m ? 0 : 1;
}
