// SPDX-License-Identifier: GPL-2.0
/*
 * asuser UID COMMAND [ARG...]: run COMMAND as user and group UID, with no
 * supplementary groups (for the unprivileged cases of the shell tests).
 * Exit 126 if the drop fails, 127 if COMMAND cannot be run.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char *end;
	long id;

	if (argc < 3) {
		fprintf(stderr, "usage: asuser UID COMMAND [ARG...]\n");
		return 2;
	}
	id = strtol(argv[1], &end, 10);
	if (*end || id <= 0) {
		fprintf(stderr, "asuser: bad uid '%s'\n", argv[1]);
		return 2;
	}
	if (setgroups(0, NULL) || setgid(id) || setuid(id)) {
		fprintf(stderr, "asuser: cannot become %ld: %s\n", id, strerror(errno));
		return 126;
	}
	if (getuid() != id || geteuid() != id || getgid() != id) {
		fprintf(stderr, "asuser: still privileged\n");
		return 126;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "asuser: %s: %s\n", argv[2], strerror(errno));
	return 127;
}
