// SPDX-License-Identifier: GPL-2.0-only
/* sysfs reads and writes, and running a command (see sysfs.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sysfs.h"

static const char *env_root(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

const char *ig_sysfs_root(void)
{
	return env_root("IOGROUP_SYSFS_ROOT", "/sys");
}

const char *ig_proc_root(void)
{
	return env_root("IOGROUP_PROC_ROOT", "/proc");
}

bool ig_path(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len) {
		buf[0] = '\0';
		return false;
	}
	return true;
}

int ig_write_file(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
	} else {
		n = write(fd, val, len);
		if (n < 0)
			err = -errno;
		else if ((size_t)n != len)
			err = -EIO;
		if (close(fd) < 0 && !err)
			err = -errno;
	}
	if (err)
		fprintf(stderr, "iogroup: %s: %s\n", path, strerror(-err));
	return err;
}

int ig_read_line(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return (int)n;
	}
	close(fd);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int ig_link_name(const char *path, char *buf, size_t len)
{
	char target[4096];
	const char *base;
	ssize_t n;

	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= len)
		return -ENAMETOOLONG;
	strcpy(buf, base);
	return 0;
}

int ig_run(char *const argv[], bool forward, int *status)
{
	sigset_t set, old;
	pid_t pid;
	int wst = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	/* Blocked before the fork: no signal is lost while it starts. */
	if (sigprocmask(SIG_BLOCK, &set, &old) < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		execvp(argv[0], argv);
		fprintf(stderr, "iogroup: %s: %s\n", argv[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	for (;;) {
		siginfo_t si;
		pid_t w;
		int sig = sigwaitinfo(&set, &si);

		if (sig < 0) {
			if (errno == EINTR)
				continue;
			/* Cannot wait for signals: just wait for the child. */
			while ((w = waitpid(pid, &wst, 0)) < 0 && errno == EINTR)
				;
			break;
		}
		if (sig == SIGCHLD) {
			w = waitpid(pid, &wst, WNOHANG);
			if (w == pid)
				break;
			continue;
		}
		/*
		 * SI_KERNEL: the terminal signalled the foreground process
		 * group, the child (in our group) got it too.
		 */
		if (forward && si.si_code != SI_KERNEL)
			kill(pid, sig);
	}
	if (WIFEXITED(wst))
		*status = WEXITSTATUS(wst);
	else if (WIFSIGNALED(wst))
		*status = 128 + WTERMSIG(wst);
	else
		*status = 1;
	return 0;
}
