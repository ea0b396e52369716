/* SPDX-License-Identifier: GPL-2.0 */
/*
 * util.h: small helpers of the test and bench programs (header only, like
 * iogroup_nl.h and sysfs_gt.h).
 *
 *   now_ns(), now_ms()  CLOCK_MONOTONIC in ns / ms
 *   boot_ns()           CLOCK_BOOTTIME in ns (the module's event times)
 *   sleep_ms(MS)        sleep MS ms, again after a signal
 *   cmp_ll              qsort() comparator of long long, ascending
 *   run(CMD)            exit status of a shell command line, -1 if it did
 *                       not exit
 */
#ifndef IOGROUP_TESTS_UTIL_H
#define IOGROUP_TESTS_UTIL_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <sys/wait.h>

static inline long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline uint64_t boot_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static inline uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ull + ts.tv_nsec / 1000000;
}

static inline void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static inline int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

static inline int run(const char *cmd)
{
	int st = system(cmd);

	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

#endif
