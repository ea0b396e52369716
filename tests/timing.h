/* SPDX-License-Identifier: GPL-2.0 */
/*
 * timing.h: the monotonic clock and sleeps of the test and bench programs
 * (header only, like iogroup_nl.h and sysfs_gt.h).
 *
 *   now_ns(), now_ms()  CLOCK_MONOTONIC in ns / ms
 *   sleep_ms(MS)        sleep MS ms, again after a signal
 *   cmp_ll              qsort() comparator of long long, ascending
 */
#ifndef IOGROUP_TESTS_TIMING_H
#define IOGROUP_TESTS_TIMING_H

#include <errno.h>
#include <stdint.h>
#include <time.h>

static inline long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
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

#endif
