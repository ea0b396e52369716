// SPDX-License-Identifier: GPL-2.0
/*
 * sysfswrite FILE STRING: write STRING (no newline added) to FILE with one
 * write(2).  Exit 0 if it succeeded; else print "ERRNO NAME" (e.g.
 * "19 ENODEV") on stdout and exit 1.  The shell can't report the errno of
 * a failed write; the tests compare it with what iogroup reports.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *name;
	ssize_t n;
	int fd, e;

	if (argc != 3) {
		fprintf(stderr, "usage: sysfswrite FILE STRING\n");
		return 2;
	}
	fd = open(argv[1], O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		fprintf(stderr, "sysfswrite: open %s: %s\n", argv[1], strerror(e));
		return 2;
	}
	n = write(fd, argv[2], strlen(argv[2]));
	e = errno;
	close(fd);
	if (n >= 0)
		return 0;
	name = strerrorname_np(e);
	printf("%d %s\n", e, name ? name : "?");
	return 1;
}
