// SPDX-License-Identifier: GPL-2.0
/*
 * as-user [-u UID] CMD [ARG...]: run CMD with uid and gid UID (default 1000,
 * the guest's "user"), no supplementary groups and HOME=/home/user.
 * Test helper of the iogroup VM (busybox's setpriv lacks --reuid).
 */
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned long id = 1000;
	int i = 1;

	if (argc > 2 && !strcmp(argv[1], "-u")) {
		id = strtoul(argv[2], NULL, 10);
		i = 3;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: as-user [-u UID] CMD [ARG...]\n");
		return 125;
	}
	if (setgroups(0, NULL) || setgid(id) || setuid(id)) {
		perror("as-user");
		return 125;
	}
	setenv("HOME", "/home/user", 1);
	setenv("USER", "user", 1);
	execvp(argv[i], argv + i);
	perror(argv[i]);
	return 127;
}
