/* SPDX-License-Identifier: GPL-2.0 */
/* The host-side unit tests' one assertion: count, report, go on. */
#ifndef IOGROUP_CLI_TESTS_CHECK_H
#define IOGROUP_CLI_TESTS_CHECK_H

#include <stdio.h>

static int failures;

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__,	\
				__LINE__, #cond);			\
			failures++;					\
		}							\
	} while (0)

#endif /* IOGROUP_CLI_TESTS_CHECK_H */
