/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small sysfs/procfs helpers of the write side.  The roots come from
 * IOGROUP_SYSFS_ROOT and IOGROUP_PROC_ROOT (for tests only; default /sys
 * and /proc).
 */
#ifndef IOGROUP_CLI_SYSFS_H
#define IOGROUP_CLI_SYSFS_H

#include <stdbool.h>
#include <stddef.h>

const char *ig_sysfs_root(void);
const char *ig_proc_root(void);

/* snprintf into @buf; false (and an empty @buf) if it did not fit. */
bool ig_path(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Write @val to the file @path in one write(); on failure print
 * "iogroup: <path>: <strerror>" and return -errno.
 */
int ig_write_file(const char *path, const char *val);

/* First line of @path without its newline; -errno. */
int ig_read_line(const char *path, char *buf, size_t len);

/* The last component of the target of the symlink @path; -errno. */
int ig_link_name(const char *path, char *buf, size_t len);

/*
 * Run @argv (execvp) and wait for it.  With @forward, SIGINT, SIGTERM and
 * SIGHUP that iogroup gets are passed on to it (except those the terminal
 * sent to the whole foreground process group, which it got already).
 * *@status is what a shell would report: the exit code, 128+N if killed
 * by signal N, 127 if COMMAND was not found, 126 if it could not be
 * executed.  Returns 0, or -errno if it could not be started.  Returns
 * with SIGINT, SIGTERM, SIGHUP and SIGCHLD blocked.  The child inherits no
 * close-on-exec descriptor (such as the netlink socket).
 */
int ig_run(char *const argv[], bool forward, int *status);

#endif
