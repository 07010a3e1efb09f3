// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sleeper: the scheduler-delay test's ground truth.
 *   sleeper sleep PERIOD_US COUNT   named pksleeper: sleeps to COUNT absolute
 *                                   deadlines PERIOD_US apart (timer slack 1 ns)
 *                                   and prints how late it woke, in ns:
 *                                   "late COUNT P50 P90 AVG"
 *   sleeper busy SECONDS            named pkbusy: spins on the CPU for SECONDS
 * Pin them with taskset to put them on one CPU.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

static uint64_t ns_of(const struct timespec *t)
{
	return (uint64_t)t->tv_sec * 1000000000ULL + (uint64_t)t->tv_nsec;
}

static int by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int sleep_to_deadlines(long period_us, long count)
{
	uint64_t *late = calloc((size_t)count, sizeof(*late)), sum = 0;
	struct timespec next, now;

	prctl(PR_SET_NAME, "pksleeper");
	prctl(PR_SET_TIMERSLACK, 1UL);
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (long i = 0; i < count; i++) {
		uint64_t due;

		next.tv_nsec += period_us * 1000;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		clock_gettime(CLOCK_MONOTONIC, &now);
		due = ns_of(&next);
		late[i] = ns_of(&now) > due ? ns_of(&now) - due : 0;
		sum += late[i];
	}
	qsort(late, (size_t)count, sizeof(*late), by_value);
	printf("late %ld %llu %llu %llu\n", count, (unsigned long long)late[(count - 1) / 2],
	       (unsigned long long)late[(count * 9 - 1) / 10], (unsigned long long)(sum / (uint64_t)count));
	free(late);
	return 0;
}

static int spin(long seconds)
{
	struct timespec t0, t;

	prctl(PR_SET_NAME, "pkbusy");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do
		clock_gettime(CLOCK_MONOTONIC, &t);
	while (t.tv_sec - t0.tv_sec < seconds);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "sleep") && atol(argv[2]) > 0 && atol(argv[3]) > 0 &&
	    atol(argv[3]) <= 1000000)
		return sleep_to_deadlines(atol(argv[2]), atol(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "busy") && atol(argv[2]) > 0 && atol(argv[2]) <= 600)
		return spin(atol(argv[2]));
	fprintf(stderr, "usage: sleeper sleep PERIOD_US COUNT | sleeper busy SECONDS\n");
	return 2;
}
