// SPDX-License-Identifier: GPL-2.0
/*
 * tbench N CMD [ARG...]: run CMD N times (stdout to /dev/null, stdin
 * /dev/null, stderr kept), each after the previous one ended, and print the
 * wall time of one run (fork + exec + the command + wait):
 *
 *   runs=N median_us=.. p10_us=.. p90_us=.. min_us=.. max_us=..
 *
 * Exits 1 if a run failed (its status is printed).
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

extern char **environ;

int main(int argc, char **argv)
{
	posix_spawn_file_actions_t fa;
	long long *t;
	int n, i, st;
	pid_t pid;

	if (argc < 3 || (n = atoi(argv[1])) < 1) {
		fprintf(stderr, "usage: tbench N CMD [ARG...]\n");
		return 2;
	}
	t = calloc(n, sizeof(*t));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	for (i = 0; i < n; i++) {
		long long t0 = now_ns();

		if (posix_spawnp(&pid, argv[2], &fa, NULL, argv + 2, environ)) {
			perror("tbench: spawn");
			return 1;
		}
		if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
			fprintf(stderr, "tbench: %s: status %#x\n", argv[2], st);
			return 1;
		}
		t[i] = now_ns() - t0;
	}
	qsort(t, n, sizeof(*t), cmp_ll);
	printf("runs=%d median_us=%lld p10_us=%lld p90_us=%lld min_us=%lld max_us=%lld\n",
	       n, t[n / 2] / 1000, t[n / 10] / 1000, t[n * 9 / 10] / 1000,
	       t[0] / 1000, t[n - 1] / 1000);
	return 0;
}
