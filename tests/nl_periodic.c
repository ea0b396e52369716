// SPDX-License-Identifier: GPL-2.0
/*
 * nl_periodic: the module's periodic check of the shadow against the
 * kernel (the "backstop" behind IOGROUP_A_GROUP_DRIFT) runs on a quiet
 * system, finds no drift, and leaves the module answering and unloadable.
 *
 * Every request runs in a child process with a deadline: a request into a
 * hung module blocks in the kernel (D state) and can't be interrupted, so
 * the test reports it instead of hanging with it.  Runs last: it takes up
 * to PERIOD_WAIT_S seconds.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>

#include "iogroup_nl.h"
#include "sysfs_gt.h"
#include "kselftest_harness.h"

#define ANSWER_MS	10000	/* a request must be answered by then */
#define PERIOD_WAIT_S	75	/* the periodic check must run by then */

struct answer {
	int ret;
	int ngroups;
	char msg[256];
	uint64_t stats[IOGROUP_A_STATS_MAX + 1];
};

enum what { STATS, DUMP, RMMOD, MODPROBE };

static void child(enum what w, int fd)
{
	static struct iog_groups gs;
	struct answer a = { 0 };
	struct iog_stats st;
	struct iog_sock s;
	struct iog_err e = { 0 };

	switch (w) {
	case STATS:
	case DUMP:
		a.ret = iog_open(&s, &e);
		if (!a.ret && w == STATS) {
			a.ret = iog_get_stats(&s, &st, &e);
			memcpy(a.stats, st.u64, sizeof(a.stats));
		} else if (!a.ret) {
			a.ret = iog_dump_groups(&s, &gs, &e);
			a.ngroups = gs.n;
		}
		memcpy(a.msg, e.msg, sizeof(a.msg));
		break;
	case RMMOD:
		a.ret = system("rmmod iogroup");
		break;
	case MODPROBE:
		a.ret = system("modprobe iogroup");
		break;
	}
	if (write(fd, &a, sizeof(a)) != sizeof(a))
		_exit(1);
	_exit(0);
}

/*
 * Run `w` in a child; 0 with *a filled if it finished within ANSWER_MS,
 * -ETIMEDOUT if not (the child is left behind: it may be stuck in the
 * kernel for good).
 */
static int timed(enum what w, struct answer *a)
{
	struct pollfd pfd;
	int p[2], r;
	pid_t pid;

	if (pipe(p))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		close(p[0]);
		child(w, p[1]);
	}
	close(p[1]);
	pfd.fd = p[0];
	pfd.events = POLLIN;
	r = poll(&pfd, 1, ANSWER_MS);
	if (r <= 0) {
		close(p[0]);
		return -ETIMEDOUT;
	}
	r = read(p[0], a, sizeof(*a));
	close(p[0]);
	waitpid(pid, NULL, 0);
	return r == sizeof(*a) ? 0 : -EIO;
}

FIXTURE(periodic) {
	int unused;
};

FIXTURE_SETUP(periodic)
{
	self->unused = 0;
}

FIXTURE_TEARDOWN(periodic)
{
}

TEST_F_TIMEOUT(periodic, check_runs_clean, 110)
{
	static struct gt gt;
	struct answer a;
	uint64_t checks0, found0;
	time_t t0;
	int ret;

	if (!gt_module_loaded("iogroup")) {
		ASSERT_EQ(0, timed(MODPROBE, &a));
		ASSERT_EQ(0, a.ret);
	}
	ret = timed(STATS, &a);
	ASSERT_EQ(0, ret) TH_LOG("STATS_GET not answered within %d ms", ANSWER_MS);
	ASSERT_EQ(0, a.ret) TH_LOG("STATS_GET: %s (%s)", strerror(-a.ret), a.msg);
	checks0 = a.stats[IOGROUP_A_STATS_DRIFT_CHECKS];
	found0 = a.stats[IOGROUP_A_STATS_DRIFT_FOUND];
	TH_LOG("drift_checks %llu, waiting up to %d s for the periodic check",
	       (unsigned long long)checks0, PERIOD_WAIT_S);

	/* nothing changes meanwhile: only the periodic check counts */
	t0 = time(NULL);
	for (;;) {
		sleep(2);
		ret = timed(STATS, &a);
		ASSERT_EQ(0, ret)
			TH_LOG("STATS_GET not answered within %d ms, %ld s into the wait "
			       "(module hung by its periodic check?)", ANSWER_MS,
			       (long)(time(NULL) - t0));
		ASSERT_EQ(0, a.ret) TH_LOG("STATS_GET: %s (%s)", strerror(-a.ret), a.msg);
		if (a.stats[IOGROUP_A_STATS_DRIFT_CHECKS] > checks0)
			break;
		ASSERT_GT(PERIOD_WAIT_S, time(NULL) - t0)
			TH_LOG("no periodic check within %d s (drift_checks stays %llu)",
			       PERIOD_WAIT_S, (unsigned long long)checks0);
	}
	TH_LOG("periodic check after %ld s: drift_checks %llu -> %llu",
	       (long)(time(NULL) - t0), (unsigned long long)checks0,
	       (unsigned long long)a.stats[IOGROUP_A_STATS_DRIFT_CHECKS]);
	/* a quiet system has no drift */
	ASSERT_EQ(found0, a.stats[IOGROUP_A_STATS_DRIFT_FOUND]);
	ASSERT_EQ(0, a.stats[IOGROUP_A_STATS_DRIFT_GROUPS]);

	/* still answering, still right */
	ret = timed(DUMP, &a);
	ASSERT_EQ(0, ret) TH_LOG("dump not answered after the periodic check");
	ASSERT_EQ(0, a.ret) TH_LOG("dump: %s (%s)", strerror(-a.ret), a.msg);
	ASSERT_EQ(0, gt_read_all(&gt));
	ASSERT_EQ(gt.n, a.ngroups);

	/* and unloadable */
	ret = timed(RMMOD, &a);
	ASSERT_EQ(0, ret) TH_LOG("rmmod iogroup hangs after a periodic check");
	ASSERT_EQ(0, a.ret) TH_LOG("rmmod iogroup failed");
	ASSERT_FALSE(gt_module_loaded("iogroup"));
	ret = timed(MODPROBE, &a);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, a.ret);
	ASSERT_TRUE(gt_module_loaded("iogroup"));
}

TEST_HARNESS_MAIN
