// SPDX-License-Identifier: GPL-2.0
/*
 * tbench N CMD [ARG...] [-- CMD [ARG...]]...: run each CMD N times (stdout
 * to /dev/null, stdin /dev/null, stderr kept), each run after the previous
 * one ended, and print the wall time of one run (fork + exec + the command
 * + wait), one line per CMD in their order:
 *
 *   runs=N median_us=.. p10_us=.. p90_us=.. min_us=.. max_us=..
 *
 * With several CMDs they take turns, one run each: under TCG the guest's
 * speed changes for seconds at a time, and in turns such a change falls on
 * every CMD alike instead of on whichever ran then.
 *
 * Exits 1 if a run failed (its status is printed), 2 on a usage error.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#define MAX_CMDS	8

extern char **environ;

static void usage(void)
{
	fprintf(stderr, "usage: tbench N CMD [ARG...] [-- CMD [ARG...]]...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	posix_spawn_file_actions_t fa;
	char **cmd[MAX_CMDS];
	long long *t[MAX_CMDS];
	int n, i, k, st, ncmd = 0;
	pid_t pid;

	if (argc < 3 || (n = atoi(argv[1])) < 1)
		usage();
	/* split argv at each "--" into the commands */
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			argv[i] = NULL;
			continue;
		}
		if (argv[i - 1] && i > 2)
			continue;
		if (ncmd == MAX_CMDS)
			usage();
		cmd[ncmd] = argv + i;
		t[ncmd] = calloc(n, sizeof(**t));
		if (!t[ncmd]) {
			perror("tbench");
			return 1;
		}
		ncmd++;
	}
	if (!ncmd)
		usage();
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	for (i = 0; i < n; i++) {
		for (k = 0; k < ncmd; k++) {
			long long t0 = now_ns();
			int err = posix_spawnp(&pid, cmd[k][0], &fa, NULL,
					       cmd[k], environ);

			if (err) {
				/* posix_spawn returns its error, not errno */
				fprintf(stderr, "tbench: %s: %s\n", cmd[k][0],
					strerror(err));
				return 1;
			}
			if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) ||
			    WEXITSTATUS(st)) {
				fprintf(stderr, "tbench: %s: status %#x\n",
					cmd[k][0], st);
				return 1;
			}
			t[k][i] = now_ns() - t0;
		}
	}
	for (k = 0; k < ncmd; k++) {
		long long *v = t[k];

		qsort(v, n, sizeof(*v), cmp_ll);
		printf("runs=%d median_us=%lld p10_us=%lld p90_us=%lld min_us=%lld max_us=%lld\n",
		       n, v[n / 2] / 1000, v[n / 10] / 1000, v[n * 9 / 10] / 1000,
		       v[0] / 1000, v[n - 1] / 1000);
	}
	return 0;
}
