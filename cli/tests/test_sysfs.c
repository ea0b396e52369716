// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host-side test of sysfs.c: file helpers and ig_run() (exit status like a
 * shell, signal forwarding, no inherited close-on-exec descriptors).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../sysfs.h"

#include "check.h"


static void unblock(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
}

static int run_sh(const char *script)
{
	char *argv[] = { "sh", "-c", (char *)script, NULL };
	int status = -1;

	CHECK(ig_run(argv, true, &status) == 0);
	unblock();
	return status;
}

static void test_run(void)
{
	char *nope[] = { "/nonexistent/iogroup-test-cmd", NULL };
	char script[128];
	int status = -1, fd, fd2;
	pid_t helper;

	CHECK(run_sh("exit 0") == 0);
	CHECK(run_sh("exit 3") == 3);
	CHECK(run_sh("kill -TERM $$") == 128 + SIGTERM);
	CHECK(run_sh("kill -KILL $$") == 128 + SIGKILL);
	fprintf(stderr, "test_sysfs: (a 'No such file' message follows)\n");
	CHECK(ig_run(nope, false, &status) == 0 && status == 127);
	unblock();

	/* Close-on-exec descriptors (the netlink socket) stay behind. */
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	fd2 = open("/dev/null", O_RDONLY);
	snprintf(script, sizeof(script), "test -e /proc/self/fd/%d", fd);
	CHECK(run_sh(script) == 1);
	snprintf(script, sizeof(script), "test -e /proc/self/fd/%d", fd2);
	CHECK(run_sh(script) == 0);
	close(fd);
	close(fd2);

	/*
	 * A SIGTERM sent to iogroup (by kill(), not by the terminal) is
	 * passed on: the command's trap exits 7.
	 */
	helper = fork();
	if (helper == 0) {
		usleep(300000);
		kill(getppid(), SIGTERM);
		_exit(0);
	}
	CHECK(run_sh("trap 'exit 7' TERM; i=0; while [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; exit 9") == 7);
	waitpid(helper, NULL, 0);

	/* SIGHUP too, and the command's own death by it gives 128+1. */
	helper = fork();
	if (helper == 0) {
		usleep(300000);
		kill(getppid(), SIGHUP);
		_exit(0);
	}
	CHECK(run_sh("sleep 5; exit 9") == 128 + SIGHUP);
	waitpid(helper, NULL, 0);
}

static void test_files(void)
{
	char dir[] = "/tmp/iogroup-sysfs.XXXXXX", p[512], buf[64], q[600];

	if (!mkdtemp(dir))
		abort();
	snprintf(p, sizeof(p), "%s/driver_override", dir);
	fclose(fopen(p, "w"));
	CHECK(ig_write_file(p, "vfio-pci") == 0);
	CHECK(ig_read_line(p, buf, sizeof(buf)) == 0 && !strcmp(buf, "vfio-pci"));
	CHECK(ig_write_file(p, "\n") == 0);
	CHECK(ig_read_line(p, buf, sizeof(buf)) == 0 && !strcmp(buf, ""));
	fprintf(stderr, "test_sysfs: (a 'No such file' message follows)\n");
	snprintf(q, sizeof(q), "%s/nonexistent/bind", dir);
	CHECK(ig_write_file(q, "0000:00:02.0") == -ENOENT);
	CHECK(ig_read_line(q, buf, sizeof(buf)) == -ENOENT);
	snprintf(q, sizeof(q), "%s/driver", dir);
	CHECK(symlink("../../../bus/pci/drivers/e1000e", q) == 0);
	CHECK(ig_link_name(q, buf, sizeof(buf)) == 0 && !strcmp(buf, "e1000e"));
	CHECK(ig_link_name(p, buf, sizeof(buf)) == -EINVAL);
	CHECK(ig_path(buf, 8, "%s", "0123456789") == false && !buf[0]);
	CHECK(ig_path(buf, sizeof(buf), "%s/%d", "a", 1) && !strcmp(buf, "a/1"));
	unlink(q);
	unlink(p);
	rmdir(dir);

	unsetenv("IOGROUP_SYSFS_ROOT");
	CHECK(!strcmp(ig_sysfs_root(), "/sys"));
	setenv("IOGROUP_SYSFS_ROOT", "/tmp/x", 1);
	CHECK(!strcmp(ig_sysfs_root(), "/tmp/x"));
	unsetenv("IOGROUP_SYSFS_ROOT");
	unsetenv("IOGROUP_PROC_ROOT");
	CHECK(!strcmp(ig_proc_root(), "/proc"));
}

int main(void)
{
	/* under nohup the commands would inherit an ignored SIGHUP */
	signal(SIGHUP, SIG_DFL);
	test_files();
	test_run();
	if (failures) {
		fprintf(stderr, "test_sysfs: %d failure(s)\n", failures);
		return 1;
	}
	printf("test_sysfs: ok\n");
	return 0;
}
