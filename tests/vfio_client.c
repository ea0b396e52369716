// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_client: a real VFIO client against iogroup's view of ownership.
 *
 * The e1000e NIC's single-device group is handed to vfio-pci with the CLI
 * (`iogroup detach G --driver vfio-pci`, exit 0, sysfs driver link), then a
 * child process does what QEMU does: /dev/vfio/vfio (API version, type1
 * extension), /dev/vfio/G (GET_STATUS viable), GROUP_SET_CONTAINER,
 * SET_IOMMU(TYPE1).  Ground truth is the errno of each ioctl and the
 * child's open file descriptors in /proc; iogroup's GROUP_GET must agree:
 *
 *   - while the child holds the container: owner USER with the child's pid
 *     (which /proc shows holding /dev/vfio/G), domain UNMANAGED;
 *   - after the child exits: owner none, the group still viable;
 *   - while iogroup holds a claim: SET_CONTAINER fails with EPERM (the
 *     kernel's iommu_group_claim_dma_owner() on an owned group), and
 *     GROUP_GET says the owner is iogroup;
 *   - `iogroup reattach G` exits 0 and e1000e is bound again.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <linux/vfio.h>

#include "iogroup_nl.h"
#include "sysfs_gt.h"
#include "util.h"
#include "kselftest_harness.h"

#define NIC_VENDOR	0x8086
#define NIC_DEVICE	0x10d3		/* e1000e in QEMU */
#define NIC_DRIVER	"e1000e"
#define WAIT_MS		5000

static const char *cli(void)
{
	const char *c = getenv("IOGROUP");

	return c && *c ? c : "iogroup";
}

/* Wait until dev's driver is drv ("" = none); true if it got there. */
static bool wait_driver(const char *dev, const char *drv, char *cur, size_t sz)
{
	uint64_t t0 = now_ms();

	for (;;) {
		gt_dev_driver(dev, cur, sz);
		if (!strcmp(cur, drv))
			return true;
		if (now_ms() - t0 > WAIT_MS)
			return false;
		sleep_ms(50);
	}
}

/* ---------------------------------------------------------- the client */

enum stage {
	ST_OPEN_CONTAINER = 1, ST_API_VERSION, ST_CHECK_EXT, ST_OPEN_GROUP,
	ST_GROUP_STATUS, ST_SET_CONTAINER, ST_SET_IOMMU, ST_DEVICE_FD, ST_DONE,
};

static const char *const stage_names[] = {
	"?", "open /dev/vfio/vfio", "VFIO_GET_API_VERSION",
	"VFIO_CHECK_EXTENSION(TYPE1)", "open /dev/vfio/G",
	"VFIO_GROUP_GET_STATUS", "VFIO_GROUP_SET_CONTAINER",
	"VFIO_SET_IOMMU(TYPE1)", "VFIO_GROUP_GET_DEVICE_FD", "done",
};

/* What the child reports over the pipe. */
struct client_report {
	int stage;		/* last stage reached: ST_DONE if all went well */
	int err;		/* errno of the failed step, 0 if none */
	int api_version;
	uint32_t group_flags;	/* VFIO_GROUP_GET_STATUS */
	int pid;
};

struct client {
	pid_t pid;
	int report_fd;		/* read end: the child's report */
	int hold_fd;		/* write end: closing it lets the child exit */
	struct client_report r;
};

/*
 * The child: the VFIO steps up to SET_IOMMU (and GET_DEVICE_FD of `dev`
 * unless NULL), report, then hold everything open until the parent closes
 * the hold pipe.
 */
static void client_child(int group, const char *dev, int report_fd, int hold_fd)
{
	struct client_report r = { .pid = getpid() };
	struct vfio_group_status st = { .argsz = sizeof(st) };
	char p[64], c;
	int container, fd;

	r.stage = ST_OPEN_CONTAINER;
	container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (container < 0)
		goto fail;
	r.stage = ST_API_VERSION;
	r.api_version = ioctl(container, VFIO_GET_API_VERSION);
	if (r.api_version != VFIO_API_VERSION)
		goto fail;
	r.stage = ST_CHECK_EXT;
	if (ioctl(container, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU) <= 0)
		goto fail;
	r.stage = ST_OPEN_GROUP;
	snprintf(p, sizeof(p), "/dev/vfio/%d", group);
	fd = open(p, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		goto fail;
	r.stage = ST_GROUP_STATUS;
	if (ioctl(fd, VFIO_GROUP_GET_STATUS, &st))
		goto fail;
	r.group_flags = st.flags;
	r.stage = ST_SET_CONTAINER;
	if (ioctl(fd, VFIO_GROUP_SET_CONTAINER, &container))
		goto fail;
	r.stage = ST_SET_IOMMU;
	if (ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU))
		goto fail;
	r.stage = ST_DEVICE_FD;
	if (dev && ioctl(fd, VFIO_GROUP_GET_DEVICE_FD, dev) < 0)
		goto fail;
	r.stage = ST_DONE;
	errno = 0;
fail:
	r.err = errno;
	if (write(report_fd, &r, sizeof(r)) != sizeof(r))
		_exit(2);
	/* hold the container and the group until the parent lets go */
	while (read(hold_fd, &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

/* Start the client; returns 0 once it has reported (c->r filled). */
static int client_start_dev(struct client *c, int group, const char *dev)
{
	int rep[2], hold[2];
	ssize_t n;

	memset(c, 0, sizeof(*c));
	c->pid = -1;
	if (pipe2(rep, O_CLOEXEC) || pipe2(hold, O_CLOEXEC))
		return -errno;
	c->pid = fork();
	if (c->pid < 0)
		return -errno;
	if (c->pid == 0) {
		close(rep[0]);
		close(hold[1]);
		client_child(group, dev, rep[1], hold[0]);
	}
	close(rep[1]);
	close(hold[0]);
	c->report_fd = rep[0];
	c->hold_fd = hold[1];
	struct pollfd pfd = { .fd = rep[0], .events = POLLIN };

	if (poll(&pfd, 1, 10000) != 1)
		return -ETIMEDOUT;
	n = read(rep[0], &c->r, sizeof(c->r));
	return n == sizeof(c->r) ? 0 : -EIO;
}

static int client_start(struct client *c, int group)
{
	return client_start_dev(c, group, NULL);
}

/* Let the client go and reap it; its exit status, -1 if abnormal. */
static int client_stop(struct client *c)
{
	int st;

	if (c->pid <= 0)
		return -1;
	close(c->hold_fd);
	close(c->report_fd);
	if (waitpid(c->pid, &st, 0) != c->pid)
		st = -1;
	c->pid = -1;
	return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Does /proc/PID/fd hold `path` open? */
static bool proc_holds(pid_t pid, const char *path)
{
	char d[64], p[PATH_MAX], tgt[PATH_MAX];
	struct dirent *de;
	bool found = false;
	DIR *dir;

	snprintf(d, sizeof(d), "/proc/%d/fd", (int)pid);
	dir = opendir(d);
	if (!dir)
		return false;
	while (!found && (de = readdir(dir))) {
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", d, de->d_name);
		n = readlink(p, tgt, sizeof(tgt) - 1);
		if (n < 0)
			continue;
		tgt[n] = '\0';
		found = !strcmp(tgt, path);
	}
	closedir(dir);
	return found;
}

/* ------------------------------------------------------------ fixture */

FIXTURE(vfio) {
	char nic[64];
	int group;
	char devnode[64];	/* /dev/vfio/G */
	struct iog_sock s;
	struct iog_groups *gs;
	bool detached;		/* the teardown reattaches */
	bool claimed;		/* the teardown releases */
	bool ready;
};

static int claim_req(struct iog_sock *s, uint8_t cmd, uint32_t id, uint32_t flags,
		     struct iog_err *e)
{
	return iog_claim_req(s, cmd, id, cmd == IOGROUP_CMD_CLAIM, flags, e);
}

/* GROUP_GET of our group into self->gs->g[0]; asserts it worked. */
static const struct iog_group *get_group(struct __test_metadata *_metadata,
					 FIXTURE_DATA(vfio) *self)
{
	struct iog_err e;
	int ret = iog_get_group_by_id(&self->s, self->group, self->gs, &e);

	ASSERT_EQ(0, ret) TH_LOG("GROUP_GET %d: %s (%s)", self->group,
				 strerror(-ret), e.msg);
	ASSERT_EQ(1, self->gs->n);
	ASSERT_STREQ("", self->gs->g[0].bad);
	return &self->gs->g[0];
}

/* Poll GROUP_GET until the owner kind is `kind` (WAIT_MS). */
static const struct iog_group *wait_owner(struct __test_metadata *_metadata,
					  FIXTURE_DATA(vfio) *self, uint32_t kind)
{
	uint64_t t0 = now_ms();
	const struct iog_group *g;

	for (;;) {
		g = get_group(_metadata, self);
		if (g->owner.kind == kind || now_ms() - t0 > WAIT_MS)
			return g;
		sleep_ms(50);
	}
}

FIXTURE_SETUP(vfio)
{
	const char *env = getenv("IOGROUP_VM_NIC");
	struct iog_err e;
	int ret;

	self->s.fd = -1;
	self->gs = calloc(1, sizeof(*self->gs));
	ASSERT_NE(NULL, self->gs);
	if (env && *env)
		gt_copy(self->nic, env, sizeof(self->nic));
	else if (gt_find_pci(NIC_VENDOR, NIC_DEVICE, NIC_DRIVER, 0, self->nic,
			     sizeof(self->nic)))
		SKIP(return, "no e1000e NIC bound to e1000e");
	if (access("/sys/bus/pci/drivers/vfio-pci", F_OK) && run("modprobe vfio-pci"))
		SKIP(return, "no vfio-pci driver");
	self->group = gt_dev_group(self->nic);
	ASSERT_LE(0, self->group) TH_LOG("%s has no IOMMU group", self->nic);
	snprintf(self->devnode, sizeof(self->devnode), "/dev/vfio/%d", self->group);
	ret = iog_open(&self->s, &e);
	if (ret == -ENOENT && !gt_module_loaded("iogroup") && !run("modprobe iogroup"))
		ret = iog_open(&self->s, &e);
	ASSERT_EQ(0, ret) TH_LOG("iogroup family: %s (%s)", strerror(-ret), e.msg);
	self->ready = true;
}

FIXTURE_TEARDOWN(vfio)
{
	char cmd[256], cur[64];
	struct iog_err e;

	if (self->claimed)
		claim_req(&self->s, IOGROUP_CMD_RELEASE, self->group, 0, &e);
	iog_close(&self->s);
	if (self->detached) {
		snprintf(cmd, sizeof(cmd), "%s reattach %d >/dev/null 2>&1",
			 cli(), self->group);
		run(cmd);
		if (!wait_driver(self->nic, NIC_DRIVER, cur, sizeof(cur)))
			fprintf(stderr, "# teardown: %s left on '%s'\n", self->nic, cur);
	}
	free(self->gs);
}

/* `iogroup detach G --driver vfio-pci`, checked against sysfs and /dev. */
static void detach(struct __test_metadata *_metadata, FIXTURE_DATA(vfio) *self)
{
	char cmd[256], cur[64];
	uint64_t t0;
	int rc;

	gt_dev_driver(self->nic, cur, sizeof(cur));
	ASSERT_STREQ(NIC_DRIVER, cur) TH_LOG("%s not on %s before the test",
					     self->nic, NIC_DRIVER);
	snprintf(cmd, sizeof(cmd), "%s detach %d --driver vfio-pci", cli(), self->group);
	self->detached = true;
	rc = run(cmd);
	ASSERT_EQ(0, rc) TH_LOG("'%s' exited %d", cmd, rc);
	ASSERT_TRUE(wait_driver(self->nic, "vfio-pci", cur, sizeof(cur)))
		TH_LOG("after detach %s is on '%s'", self->nic, cur);
	for (t0 = now_ms(); access(self->devnode, F_OK) && now_ms() - t0 < WAIT_MS; )
		sleep_ms(50);
	ASSERT_EQ(0, access(self->devnode, R_OK | W_OK))
		TH_LOG("%s: %s", self->devnode, strerror(errno));
}

TEST_F_TIMEOUT(vfio, container_owner, 90)
{
	const struct iog_group *g;
	struct vfio_group_status st = { .argsz = sizeof(st) };
	struct client c;
	int ret, fd;

	if (!self->ready)
		return;
	detach(_metadata, self);

	ret = client_start(&c, self->group);
	ASSERT_EQ(0, ret) TH_LOG("client: %s", strerror(-ret));
	EXPECT_EQ(ST_DONE, c.r.stage) TH_LOG("client: %s failed: %s (api version %d)",
					     stage_names[c.r.stage], strerror(c.r.err),
					     c.r.api_version);
	EXPECT_EQ(VFIO_API_VERSION, c.r.api_version);
	EXPECT_TRUE(c.r.group_flags & VFIO_GROUP_FLAGS_VIABLE)
		TH_LOG("group %d not viable (flags 0x%x)", self->group, c.r.group_flags);
	EXPECT_EQ(c.pid, c.r.pid);
	EXPECT_TRUE(proc_holds(c.pid, self->devnode))
		TH_LOG("/proc/%d/fd does not hold %s", c.pid, self->devnode);

	if (c.r.stage == ST_DONE) {
		g = get_group(_metadata, self);
		EXPECT_EQ(IOGROUP_OWNER_USER, g->owner.kind)
			TH_LOG("VFIO container set, owner kind %u", g->owner.kind);
		EXPECT_TRUE(g->owner.has_pid);
		EXPECT_EQ((uint32_t)c.pid, g->owner.pid);
		EXPECT_TRUE(g->has_domain);
		EXPECT_EQ(IOGROUP_DOMAIN_UNMANAGED, g->domain);
	}
	EXPECT_EQ(0, client_stop(&c));

	g = wait_owner(_metadata, self, IOGROUP_OWNER_NONE);
	EXPECT_EQ(IOGROUP_OWNER_NONE, g->owner.kind)
		TH_LOG("owner kind %u (pid %u) %d ms after the client exited",
		       g->owner.kind, g->owner.pid, WAIT_MS);

	/* the group is as viable as before: VFIO's own word */
	fd = open(self->devnode, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("open %s: %s", self->devnode, strerror(errno));
	EXPECT_EQ(0, ioctl(fd, VFIO_GROUP_GET_STATUS, &st))
		TH_LOG("VFIO_GROUP_GET_STATUS: %s", strerror(errno));
	close(fd);
	EXPECT_EQ(c.r.group_flags & VFIO_GROUP_FLAGS_VIABLE,
		  st.flags & VFIO_GROUP_FLAGS_VIABLE);
}

TEST_F_TIMEOUT(vfio, claim_refuses_container, 90)
{
	const struct iog_group *g;
	bool owner_api;
	struct iog_err e;
	struct client c;
	int ret;

	if (!self->ready)
		return;
	detach(_metadata, self);

	ret = claim_req(&self->s, IOGROUP_CMD_CLAIM, self->group,
			IOGROUP_CLAIM_F_PERSISTENT, &e);
	ASSERT_EQ(0, ret) TH_LOG("claim %d (on vfio-pci): %s (%s)", self->group,
				 strerror(-ret), e.msg);
	self->claimed = true;

	/*
	 * Where the kernel has the DMA-ownership API (iogroup reports
	 * KERNEL_CLAIMED), VFIO takes ownership in SET_CONTAINER:
	 * iommu_group_claim_dma_owner() on an owned group gives EPERM.
	 * Without it (5.10) VFIO takes the group when type1 attaches its
	 * domain in SET_IOMMU: iommu_attach_group() on a group that has a
	 * domain of someone else's gives EBUSY.
	 */
	g = get_group(_metadata, self);
	owner_api = g->has_kernel_claimed;

	ret = client_start(&c, self->group);
	ASSERT_EQ(0, ret) TH_LOG("client: %s", strerror(-ret));
	EXPECT_EQ(owner_api ? ST_SET_CONTAINER : ST_SET_IOMMU, c.r.stage)
		TH_LOG("client stopped at '%s' (%s), expected %s to fail",
		       stage_names[c.r.stage], strerror(c.r.err),
		       owner_api ? "SET_CONTAINER" : "SET_IOMMU");
	EXPECT_EQ(owner_api ? EPERM : EBUSY, c.r.err)
		TH_LOG("%s: %s (%d)", stage_names[c.r.stage], strerror(c.r.err),
		       c.r.err);

	/* and iogroup says why: its own claim */
	g = get_group(_metadata, self);
	EXPECT_EQ(IOGROUP_OWNER_IOGROUP, g->owner.kind)
		TH_LOG("owner kind %u while claimed", g->owner.kind);
	EXPECT_TRUE(g->owner.persistent);
	EXPECT_EQ(0, client_stop(&c));

	ret = claim_req(&self->s, IOGROUP_CMD_RELEASE, self->group, 0, &e);
	ASSERT_EQ(0, ret) TH_LOG("release %d: %s (%s)", self->group, strerror(-ret),
				 e.msg);
	self->claimed = false;

	/* released: the same client gets its container */
	ret = client_start(&c, self->group);
	ASSERT_EQ(0, ret) TH_LOG("client: %s", strerror(-ret));
	EXPECT_EQ(ST_DONE, c.r.stage) TH_LOG("after the release: %s failed: %s",
					     stage_names[c.r.stage], strerror(c.r.err));
	EXPECT_EQ(0, client_stop(&c));
}

TEST_F_TIMEOUT(vfio, reattach, 90)
{
	char cmd[256], cur[64], ovr[64], p[PATH_MAX];
	int rc;

	if (!self->ready)
		return;
	detach(_metadata, self);
	snprintf(cmd, sizeof(cmd), "%s reattach %d", cli(), self->group);
	rc = run(cmd);
	ASSERT_EQ(0, rc) TH_LOG("'%s' exited %d", cmd, rc);
	EXPECT_TRUE(wait_driver(self->nic, NIC_DRIVER, cur, sizeof(cur)))
		TH_LOG("after reattach %s is on '%s'", self->nic, cur);
	gt_dev_path(p, sizeof(p), self->nic, "driver_override");
	ASSERT_EQ(0, gt_read(p, ovr, sizeof(ovr)));
	EXPECT_STREQ("(null)", ovr);
	if (!strcmp(cur, NIC_DRIVER))
		self->detached = false;
}

/* STATS drift_checks and drift_found, and the number of groups. */
static void drift_counts(struct __test_metadata *_metadata,
			 FIXTURE_DATA(vfio) *self, uint64_t *checks,
			 uint64_t *found, uint64_t *groups)
{
	struct iog_stats st;
	struct iog_err e;
	int ret = iog_get_stats(&self->s, &st, &e);

	ASSERT_EQ(0, ret) TH_LOG("STATS_GET: %s (%s)", strerror(-ret), e.msg);
	*checks = st.u64[IOGROUP_A_STATS_DRIFT_CHECKS];
	*found = st.u64[IOGROUP_A_STATS_DRIFT_FOUND];
	*groups = st.u64[IOGROUP_A_STATS_GROUPS];
}

/* A GROUP_GET dump with VERIFY: the module checks every group it can. */
static void verify_all(struct __test_metadata *_metadata,
		       FIXTURE_DATA(vfio) *self)
{
	struct iog_err e;
	int ret = iog_dump_groups_verify(&self->s, self->gs, &e);

	ASSERT_EQ(0, ret) TH_LOG("dump with VERIFY: %s (%s)", strerror(-ret), e.msg);
}

/* Lines of the kernel log that hold both `a` and `b`; -1 on error. */
static int kmsg_count(const char *a, const char *b)
{
	char line[1024];
	int n = 0;
	FILE *f;

	f = popen("dmesg", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, a) && strstr(line, b);
	return pclose(f) ? -1 : n;
}

/*
 * Write `dev` to vfio-pci's unbind in a child, which blocks; its pid.
 * The child lets go of the client's hold pipe, or the client would wait
 * for it, and it for the client.
 */
static pid_t unbind_start(const char *dev, struct client *c)
{
	pid_t pid = fork();

	if (pid == 0) {
		close(c->hold_fd);
		close(c->report_fd);
		_exit(gt_write("/sys/bus/pci/drivers/vfio-pci/unbind", dev) ? 1 : 0);
	}
	return pid;
}

/*
 * A group is compared with the kernel only if none of its devices was
 * locked: a release holds the device's lock from before the bus's DMA
 * cleanup until after its hook queued the event, a window in which the
 * kernel and the shadow legitimately differ (README, "Checking itself").
 * vfio-pci's remove waits, under that lock, for a VFIO user to close the
 * device: the kernel's own word for it is its "blocked until released by
 * user" line (sysfs has no driver link by then, the device still has its
 * driver).  While it waits, VERIFY checks every group but this one and
 * finds no drift; once the user closes the device and the unbind ends,
 * every group is checked again, the shadow has no driver, as sysfs.
 */
TEST_F_TIMEOUT(vfio, verify_waits_for_locked_device, 90)
{
	uint64_t c0, c1, f0, f1, n0, n1, t0;
	const struct iog_group *g;
	const struct iog_dev *d;
	static const char blocked[] =
		"No device request channel registered, blocked until released by user";
	struct client c;
	int ret, st, k0, k;
	char cur[64];
	pid_t unb;

	if (!self->ready)
		return;
	detach(_metadata, self);
	ret = client_start_dev(&c, self->group, self->nic);
	ASSERT_EQ(0, ret) TH_LOG("client: %s", strerror(-ret));
	if (c.r.stage != ST_DONE)
		client_stop(&c);
	ASSERT_EQ(ST_DONE, c.r.stage) TH_LOG("client: %s failed: %s",
					     stage_names[c.r.stage], strerror(c.r.err));

	k0 = kmsg_count(self->nic, blocked);
	ASSERT_LE(0, k0);
	unb = unbind_start(self->nic, &c);
	if (unb < 0)
		client_stop(&c);
	ASSERT_LT(0, unb);
	for (t0 = now_ms(); (k = kmsg_count(self->nic, blocked)) == k0 &&
			    now_ms() - t0 < WAIT_MS; )
		sleep_ms(50);
	EXPECT_LT(k0, k) TH_LOG("vfio-pci's remove of %s did not block", self->nic);
	EXPECT_EQ(0, waitpid(unb, &st, WNOHANG)) TH_LOG("the unbind returned");

	drift_counts(_metadata, self, &c0, &f0, &n0);
	verify_all(_metadata, self);
	drift_counts(_metadata, self, &c1, &f1, &n1);
	EXPECT_EQ(n0, n1);
	EXPECT_EQ(n0 - 1, c1 - c0)
		TH_LOG("VERIFY checked %llu of %llu groups while %s was locked, want all but its own",
		       (unsigned long long)(c1 - c0), (unsigned long long)n0,
		       self->nic);
	EXPECT_EQ(f0, f1) TH_LOG("drift found while %s was locked", self->nic);
	g = iog_find_group(self->gs, self->group);
	ASSERT_NE(NULL, g);
	EXPECT_STREQ("", g->drift);

	/* the user lets go: the remove ends, the unbind returns */
	EXPECT_EQ(0, client_stop(&c));
	ASSERT_EQ(unb, waitpid(unb, &st, 0));
	EXPECT_TRUE(WIFEXITED(st) && !WEXITSTATUS(st)) TH_LOG("unbind failed");
	EXPECT_TRUE(wait_driver(self->nic, "", cur, sizeof(cur)))
		TH_LOG("after the unbind %s is on '%s'", self->nic, cur);
	for (t0 = now_ms();; sleep_ms(50)) {
		g = get_group(_metadata, self);
		d = iog_group_dev(g, self->nic);
		ASSERT_NE(NULL, d);
		if (!d->driver[0] || now_ms() - t0 > WAIT_MS)
			break;
	}
	EXPECT_STREQ("", d->driver) TH_LOG("the shadow still has %s on '%s'",
					   self->nic, d->driver);

	drift_counts(_metadata, self, &c0, &f0, &n0);
	verify_all(_metadata, self);
	drift_counts(_metadata, self, &c1, &f1, &n1);
	EXPECT_EQ(n0, c1 - c0) TH_LOG("VERIFY checked %llu of %llu groups",
				      (unsigned long long)(c1 - c0),
				      (unsigned long long)n0);
	EXPECT_EQ(f0, f1);
	g = iog_find_group(self->gs, self->group);
	ASSERT_NE(NULL, g);
	EXPECT_STREQ("", g->drift);

	/* back on vfio-pci (driver_override), for the teardown's reattach */
	ASSERT_EQ(0, gt_write("/sys/bus/pci/drivers_probe", self->nic));
	EXPECT_TRUE(wait_driver(self->nic, "vfio-pci", cur, sizeof(cur)))
		TH_LOG("after drivers_probe %s is on '%s'", self->nic, cur);
}

TEST_HARNESS_MAIN
