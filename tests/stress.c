// SPDX-License-Identifier: GPL-2.0
/*
 * stress: iogroup under load and faults (issue 5, "Load and faults").
 *
 * Phases, each a KTAP test case:
 *  1. hot-plug, on a quiet system: the hot-plug edu (qemu id hpedu) and
 *     e1000e (hpnic) removed and added again with sysfs remove/rescan and
 *     with the guest's own HMP monitor on ttyS2 (device_del/device_add),
 *     unclaimed and claimed.  Each removal must show as GROUP_REMOVED on
 *     the "events" multicast group and in the dump, each addition as
 *     GROUP_ADDED; a claim whose group loses its last device must end (the
 *     module's claim count, RELEASE answering ENOENT, no kernel WARN) and the
 *     re-added device must be usable by VFIO (the ground truth that nobody
 *     owns its group).
 *  2. lost hook events: iogroup reloaded with probe_maxactive=1, drivers
 *     bound in parallel until STATS counts a missed really_probe; then a
 *     RESYNC event must follow and the shadow must equal sysfs again.  The
 *     same with event_ring=4, until events are dropped from the full ring.
 *  3. the soak (IOGROUP_STRESS_SECONDS, or iogroupvm.stress_seconds= on the
 *     kernel command line, default 150 s; it goes on until the module was
 *     unloaded IOGROUP_STRESS_UNLOADS times, or iogroupvm.stress_unloads=,
 *     default 50): raw-netlink
 *     claimers on overlapping groups (releasing, or closing the socket and
 *     leaving it to the reaper), bind/unbind/driver_override loops,
 *     dumps (some with VERIFY) and `iogroup list`, `iogroup watch` watchers
 *     and a raw event reader, `iogroup claim G -- sleep` with the command
 *     or iogroup killed at random, hot-plug through sysfs and the monitor,
 *     and rmmod/modprobe of iogroup, all at once.
 *  4. afterwards, against ground truth: no claim left (STATS, every kernel
 *     driver binds again, VFIO can open the edu groups), every group on
 *     its default domain with an unchanged sysfs type, the dump equal to
 *     sysfs, `iogroup check` clean, any kprobe miss followed by a resync,
 *     and no drift ever reported by the module's own verifier (dmesg).
 *
 * The figures are printed as one diagnostic line:
 *   # figures: claim_cycles=N cli_claims=N hotplug_events=N unload_cycles=N
 *     kprobe_missed=N resyncs=N drift_reports=N
 */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <linux/vfio.h>

#include "iogroup_nl.h"
#include "sysfs_gt.h"
#include "util.h"

#define WAIT_GONE_MS	90000	/* pciehp waits 5 s; a loaded TCG guest far more */
#define WAIT_EVENT_MS	15000
#define NTESTS		13

/* ------------------------------------------------------------ helpers */

static int ntest, nfailed;

static void result(bool ok, const char *name, const char *why)
{
	ntest++;
	nfailed += !ok;
	if (ok)
		printf("ok %d %s\n", ntest, name);
	else
		printf("# %s: %s\nnot ok %d %s\n", name, why, ntest, name);
	fflush(stdout);
}

static __attribute__((format(printf, 1, 2))) void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static bool dev_present(const char *dev)
{
	char p[PATH_MAX];
	struct stat st;

	snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s", dev);
	return stat(p, &st) == 0;
}

/*
 * Wait for @dev to be gone, or back and in an IOMMU group: ACPI hot-plug
 * adds a device from the kernel's hotplug workqueue, and its sysfs
 * directory appears before device_add() has probed the IOMMU and linked
 * the group (a 6.12 run read it in between once).
 */
static bool wait_present(const char *dev, bool present, int ms)
{
	uint64_t end = now_ms() + ms;

	while (present ? !(dev_present(dev) && gt_dev_group(dev) >= 0) :
			 dev_present(dev)) {
		if (now_ms() > end)
			return false;
		sleep_ms(50);
	}
	return true;
}

static int pci_write(const char *dev, const char *file, const char *s)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/%s", dev, file);
	return gt_write(p, s);
}

static int drv_write(const char *drv, const char *file, const char *dev)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "/sys/bus/pci/drivers/%s/%s", drv, file);
	return gt_write(p, dev);
}

static int unbind_dev(const char *dev)
{
	char cur[GT_NAME];

	gt_dev_driver(dev, cur, sizeof(cur));
	if (!cur[0])
		return 0;
	return drv_write(cur, "unbind", dev);
}

/* Bind dev to drv through driver_override ("" = leave it unbound). */
static int override_bind(const char *dev, const char *drv)
{
	int ret;

	if (pci_write(dev, "driver_override", drv) < 0)
		return -errno;
	unbind_dev(dev);
	ret = gt_write("/sys/bus/pci/drivers_probe", dev);
	pci_write(dev, "driver_override", "\n");
	return ret;
}

/*
 * Put dev back on its own driver (drv, "" = none): clear driver_override,
 * unbind another driver, bind drv.  Returns the bind's -errno: with a claim
 * left on the group, a kernel DMA-API driver is refused (EBUSY).
 */
static int restore_driver(const char *dev, const char *drv)
{
	char cur[GT_NAME];

	pci_write(dev, "driver_override", "\n");
	gt_dev_driver(dev, cur, sizeof(cur));
	if (!strcmp(cur, drv))
		return 0;
	if (cur[0] && drv_write(cur, "unbind", dev))
		return -EIO;
	if (!drv[0])
		return 0;
	return drv_write(drv, "bind", dev);
}

/* ------------------------------------------------------ module control */

static int mod_unload(int tries)
{
	while (tries-- > 0) {
		if (!syscall(__NR_delete_module, "iogroup", O_NONBLOCK))
			return 0;
		if (errno == ENOENT)
			return -ENOENT;
		if (errno != EAGAIN && errno != EBUSY && errno != EWOULDBLOCK)
			return -errno;
		sleep_ms(20);
	}
	return -EBUSY;
}

static int mod_load(const char *params)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "modprobe iogroup %s 2>&1", params ? params : "");
	return run(cmd);
}

/* ------------------------------------------------------ the devices */

struct vm {
	char nic[GT_NAME], nic2[GT_NAME], edu[GT_NAME], edu2[GT_NAME];
	char hp_nic[GT_NAME], hp_edu[GT_NAME];
};
static struct vm vm;

static void env_dev(char *dst, const char *var)
{
	const char *v = getenv(var);

	gt_copy(dst, v ? v : "", GT_NAME);
}

/* ------------------------------------------------------ netlink helpers */

static int nl_open(struct iog_sock *s)
{
	struct iog_err e;

	return iog_open(s, &e);
}

static int events_open(struct iog_sock *s)
{
	int ret = nl_open(s), sz = 1 << 20;

	if (!ret) {
		setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
		ret = iog_subscribe(s);
		if (ret)
			iog_close(s);
	}
	return ret;
}

/* Wait for an event of type t (for group g, or any if g < 0). */
static bool wait_event(struct iog_sock *s, uint32_t t, long g, int ms)
{
	uint64_t end = now_ms() + ms;
	struct iog_event ev;

	for (;;) {
		int left = (int)(end - now_ms());

		if (left <= 0)
			return false;
		switch (iog_next_event(s, left, &ev)) {
		case 1:
			break;
		case -ENOBUFS:	/* overrun: what we wait for may follow */
			continue;
		default:
			return false;
		}
		if (ev.has_type && ev.type == t &&
		    (g < 0 || (ev.has_group && ev.group == (uint32_t)g)))
			return true;
	}
}

static int get_stats(struct iog_stats *st)
{
	struct iog_sock s;
	struct iog_err e;
	int ret = nl_open(&s);

	if (ret)
		return ret;
	ret = iog_get_stats(&s, st, &e);
	iog_close(&s);
	return ret;
}

static long stat_u64(const struct iog_stats *st, int a)
{
	return st->len[a] < 0 ? -1 : (long)st->u64[a];
}

/* Wait until iogroup holds no claim (the reaper works asynchronously). */
static long wait_no_claims(int ms)
{
	uint64_t end = now_ms() + ms;
	struct iog_stats st;
	long n = -1;

	do {
		if (!get_stats(&st))
			n = stat_u64(&st, IOGROUP_A_STATS_CLAIMS);
		if (n == 0)
			return 0;
		sleep_ms(100);
	} while (now_ms() < end);
	return n;
}

static int dump(struct iog_sock *s, struct iog_groups *gs, bool verify)
{
	struct iog_msg m;
	struct iog_err e;

	memset(gs, 0, sizeof(*gs));
	iog_msg_init(&m, s->family, NLM_F_DUMP, IOGROUP_CMD_GROUP_GET,
		     IOGROUP_FAMILY_VERSION);
	if (verify)
		iog_put(&m, IOGROUP_A_GROUP_VERIFY, NULL, 0);
	return iog_request(s, &m, iog_groups_cb, gs, &e);
}

static struct iog_groups *gs_buf;
static struct gt *gt_buf;

/*
 * The shadow against sysfs: the same groups, the same devices, the same
 * drivers, no drift; with `settled`, also no iogroup claim and every group
 * on its default domain.  0, or 1 with the difference in why.
 */
static int shadow_vs_sysfs(bool verify, bool settled, char *why, size_t wsz)
{
	struct iog_groups *gs = gs_buf;
	struct gt *gt = gt_buf;
	struct iog_sock s;
	int ret;

	why[0] = '\0';
	if (nl_open(&s)) {
		snprintf(why, wsz, "cannot open the family");
		return 1;
	}
	ret = dump(&s, gs, verify);
	iog_close(&s);
	if (ret) {
		snprintf(why, wsz, "dump: %s", strerror(-ret));
		return 1;
	}
	if (gt_read_all(gt)) {
		snprintf(why, wsz, "cannot read sysfs");
		return 1;
	}
	if (gs->n != gt->n) {
		snprintf(why, wsz, "%d groups in the dump, %d in sysfs", gs->n, gt->n);
		return 1;
	}
	for (int i = 0; i < gt->n; i++) {
		const struct gt_group *t = &gt->g[i];
		const struct iog_group *g = iog_find_group(gs, t->id);

		if (!g) {
			snprintf(why, wsz, "group %u missing from the dump", t->id);
			return 1;
		}
		if (g->bad[0]) {
			snprintf(why, wsz, "group %u: %s", g->id, g->bad);
			return 1;
		}
		if (g->ndev != t->ndev) {
			snprintf(why, wsz, "group %u: %d devices, sysfs %d",
				 t->id, g->ndev, t->ndev);
			return 1;
		}
		for (int d = 0; d < t->ndev; d++) {
			const struct iog_dev *id = iog_group_dev(g, t->dev[d].name);
			const char *drv;

			if (!id) {
				snprintf(why, wsz, "group %u: %s missing", t->id,
					 t->dev[d].name);
				return 1;
			}
			drv = id->has_driver ? id->driver : "";
			if (strcmp(drv, t->dev[d].driver)) {
				snprintf(why, wsz, "%s: driver '%s' in the dump, '%s' in sysfs",
					 t->dev[d].name, drv, t->dev[d].driver);
				return 1;
			}
		}
		if (g->has_drift && g->drift[0]) {
			snprintf(why, wsz, "group %u: drift: %s", t->id, g->drift);
			return 1;
		}
		if (!settled)
			continue;
		if (g->has_owner && (g->owner.kind == IOGROUP_OWNER_IOGROUP ||
				     g->owner.kind == IOGROUP_OWNER_USER)) {
			snprintf(why, wsz, "group %u: owner kind %u", t->id,
				 g->owner.kind);
			return 1;
		}
		if (!g->has_domain || !g->has_default_domain ||
		    g->domain != g->default_domain) {
			snprintf(why, wsz, "group %u: domain %u, default domain %u",
				 t->id, g->domain, g->default_domain);
			return 1;
		}
		if (gt_domain_type(t->type) >= 0 &&
		    (uint32_t)gt_domain_type(t->type) != g->default_domain) {
			snprintf(why, wsz, "group %u: sysfs type %s, dump's default domain %u",
				 t->id, t->type, g->default_domain);
			return 1;
		}
	}
	return 0;
}

/* Poll shadow_vs_sysfs() until it agrees (events are applied by a worker). */
static int wait_shadow(bool settled, char *why, size_t wsz, int ms)
{
	uint64_t end = now_ms() + ms;

	while (shadow_vs_sysfs(true, settled, why, wsz)) {
		if (now_ms() > end)
			return 1;
		sleep_ms(200);
	}
	return 0;
}

static bool in_dump(uint32_t id, const char *dev)
{
	struct iog_sock s;
	const struct iog_group *g;
	bool found = false;

	if (nl_open(&s))
		return false;
	if (!dump(&s, gs_buf, false)) {
		g = iog_find_group(gs_buf, id);
		found = g && (!dev || iog_group_dev(g, dev));
	}
	iog_close(&s);
	return found;
}

/* ------------------------------------------------------ VFIO ground truth */

/*
 * Hand dev (a driverless edu alone in its group) to vfio-pci and take its
 * group as QEMU does; fails if anyone (a leaked claim) owns the group.
 * Leaves dev unbound.  0, or 1 with the step that failed in why.
 */
static int vfio_owns(const char *dev, char *why, size_t wsz)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	int container = -1, fd = -1, g, ret = 1;
	char p[64], drv[GT_NAME];

	if (!gt_module_loaded("vfio_pci")) {
		snprintf(why, wsz, "no vfio_pci");
		return 1;
	}
	override_bind(dev, "vfio-pci");
	gt_dev_driver(dev, drv, sizeof(drv));
	if (strcmp(drv, "vfio-pci")) {
		snprintf(why, wsz, "%s: vfio-pci did not bind (driver '%s')", dev, drv);
		goto out;
	}
	g = gt_dev_group(dev);
	container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	snprintf(p, sizeof(p), "/dev/vfio/%d", g);
	fd = open(p, O_RDWR | O_CLOEXEC);
	if (container < 0 || fd < 0) {
		snprintf(why, wsz, "open %s: %s", p, strerror(errno));
		goto out;
	}
	if (ioctl(fd, VFIO_GROUP_GET_STATUS, &st) ||
	    !(st.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		snprintf(why, wsz, "group %d not viable", g);
		goto out;
	}
	if (ioctl(fd, VFIO_GROUP_SET_CONTAINER, &container)) {
		snprintf(why, wsz, "group %d: VFIO_GROUP_SET_CONTAINER: %s", g,
			 strerror(errno));
		goto out;
	}
	if (ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU)) {
		snprintf(why, wsz, "group %d: VFIO_SET_IOMMU: %s", g, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	if (container >= 0)
		close(container);
	restore_driver(dev, "");
	return ret;
}

/* ------------------------------------------------------ the HMP monitor */

static int mon_fd = -1;
/* the monitor's device_del reaches the guest: ACPI PCI hot-plug (q35) */
static bool mon_hotplug;

static int mon_open(void)
{
	struct termios t;

	mon_fd = open("/dev/ttyS2", O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (mon_fd < 0)
		return -errno;
	if (!tcgetattr(mon_fd, &t)) {
		cfmakeraw(&t);
		tcsetattr(mon_fd, TCSANOW, &t);
	}
	return 0;
}

/* Send one HMP command; its output (until the next prompt) in out. */
static int mon_cmd(const char *cmd, char *out, size_t osz)
{
	uint64_t end;
	size_t n = 0;
	char line[256];

	out[0] = '\0';
	if (mon_fd < 0)
		return -ENODEV;
	while (read(mon_fd, line, sizeof(line)) > 0)	/* stale output */
		;
	snprintf(line, sizeof(line), "%s\r", cmd);
	if (write(mon_fd, line, strlen(line)) != (ssize_t)strlen(line))
		return -errno;
	end = now_ms() + 5000;
	while (now_ms() < end && n + 1 < osz) {
		ssize_t r = read(mon_fd, out + n, osz - n - 1);

		if (r > 0) {
			n += r;
			out[n] = '\0';
			/* the echo of the command, its output, then a prompt */
			if (strstr(out, "(qemu)") && strchr(out, '\n') &&
			    strstr(strchr(out, '\n'), "(qemu)"))
				break;
			continue;
		}
		sleep_ms(20);
	}
	return strstr(out, "Error") ? -EIO : 0;
}

static const char *const hp_add[2] = {
	"device_add e1000e,bus=rp3,id=hpnic",
	"device_add edu,bus=rp4,id=hpedu,dma_mask=0xffffffff",
};

/* The inode of a device's sysfs directory: a new one for a new device. */
static ino_t dev_ino(const char *dev)
{
	char p[PATH_MAX];
	struct stat st;

	snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/", dev);
	return stat(p, &st) ? 0 : st.st_ino;
}

/*
 * device_del/device_add through the monitor; waits for the guest to
 * follow.  A removal counts once the device left, even if it came back
 * at once (on 5.10 the guest's ACPI hot-plug finds it again before qemu
 * let go of it; a loaded guest may not see the gap).
 */
static int mon_replug(int which, bool add, const char *dev)
{
	char cmd[128], out[1024];
	ino_t ino = add ? 0 : dev_ino(dev);

	for (int tries = 0; tries < 10; tries++) {
		if (add)
			snprintf(cmd, sizeof(cmd), "%s", hp_add[which]);
		else
			snprintf(cmd, sizeof(cmd), "device_del %s",
				 which ? "hpedu" : "hpnic");
		if (!mon_cmd(cmd, out, sizeof(out)))
			break;
		/* qemu frees a deleted device once the guest ejected it */
		sleep_ms(500);
	}
	if (add)
		return wait_present(dev, true, WAIT_GONE_MS) ? 0 : -ETIMEDOUT;
	for (uint64_t end = now_ms() + WAIT_GONE_MS, again = now_ms() + 15000;
	     now_ms() < end; sleep_ms(50)) {
		if (dev_ino(dev) != ino)
			return 0;
		/*
		 * The guest sometimes misses the eject request (seen on 6.1,
		 * 5.10 and 7.x): ask again every 15 s; an error (already
		 * gone) is fine, the inode tells.
		 */
		if (now_ms() >= again) {
			snprintf(cmd, sizeof(cmd), "device_del %s",
				 which ? "hpedu" : "hpnic");
			mon_cmd(cmd, out, sizeof(out));
			again = now_ms() + 15000;
		}
	}
	return -ETIMEDOUT;
}

/* ------------------------------------------------------ shared counters */

struct shared {
	volatile int stop;
	long claim_cycles, claim_refused, auto_closed;
	long cli_claims, cli_kills;
	long binds, dumps, events, watch_restarts;
	long hotplug_events, unloads, load_failures;
	long claim_errno[136];
	long dump_ms_max, claim_ms_max, unload_ms_max, load_ms_max;
	char last_msg[128];
};
static struct shared *sh;

static void add(long *p, long v)
{
	__atomic_add_fetch(p, v, __ATOMIC_RELAXED);
}

/* The devices the soak works on, with their own drivers and another one. */
struct bdev {
	const char *name;
	const char *drv;
	const char *alt;
};
static struct bdev bdevs[6];
static int nbdevs;

static const char *pick_dev(void)
{
	return bdevs[rand() % nbdevs].name;
}

/* ------------------------------------------------------ the workers */

static bool errno_expected(int err)
{
	switch (err) {
	case 0: case EBUSY: case ENOENT: case EPERM: case ENODEV:
	case EINTR: case EAGAIN: case ENOMEM:
		return true;
	}
	return false;
}

static void w_claimer(int seed)
{
	struct iog_sock s;
	struct iog_err e;
	bool open = false;

	srand(seed);
	while (!sh->stop) {
		uint32_t flags = 0;
		uint64_t t;
		int g, ret;

		if (!open) {
			if (nl_open(&s)) {
				sleep_ms(50);
				continue;
			}
			open = true;
		}
		g = gt_dev_group(pick_dev());
		if (g < 0) {
			sleep_ms(20);
			continue;
		}
		if (rand() % 3 == 0)
			flags = IOGROUP_CLAIM_F_UNBIND | IOGROUP_CLAIM_F_RESTORE;
		t = now_ms();
		ret = iog_claim_req(&s, IOGROUP_CMD_CLAIM, g, true, flags, &e);
		t = now_ms() - t;
		if ((long)t > sh->claim_ms_max)
			sh->claim_ms_max = t;
		if (ret) {
			add(&sh->claim_refused, 1);
			add(&sh->claim_errno[e.err > 0 && e.err < 136 ? e.err : 0], 1);
			if (e.msg[0])
				snprintf(sh->last_msg, sizeof(sh->last_msg), "%.120s", e.msg);
			if (!errno_expected(e.err) ||
			    (e.err == ENOENT && !e.msg[0])) {
				/*
				 * The family went away with the module (a
				 * reloaded one has a new id): iogroup's own
				 * ENOENT says which group.
				 */
				iog_close(&s);
				open = false;
			}
			sleep_ms(rand() % 20);
			continue;
		}
		sleep_ms(rand() % 40);
		if (rand() % 4 == 0) {
			/* the reaper releases it */
			iog_close(&s);
			open = false;
			add(&sh->auto_closed, 1);
		} else if (iog_claim_req(&s, IOGROUP_CMD_RELEASE, g, false, 0, &e) &&
			   e.err != ENOENT) {
			iog_close(&s);
			open = false;
		}
		add(&sh->claim_cycles, 1);
		sleep_ms(rand() % 20);
	}
	if (open)
		iog_close(&s);
}

static void w_binder(int seed)
{
	srand(seed);
	while (!sh->stop) {
		const struct bdev *d = &bdevs[rand() % nbdevs];

		switch (rand() % 3) {
		case 0:
			unbind_dev(d->name);
			break;
		case 1:
			if (d->drv[0])
				drv_write(d->drv, "bind", d->name);
			break;
		case 2:
			override_bind(d->name, d->alt);
			break;
		}
		add(&sh->binds, 1);
		sleep_ms(20 + rand() % 130);
	}
}

static void w_dumper(int seed)
{
	static struct iog_groups gs;
	struct iog_sock s;
	uint64_t t;
	long i = 0;

	srand(seed);
	while (!sh->stop) {
		if (nl_open(&s)) {
			sleep_ms(50);
			continue;
		}
		t = now_ms();
		dump(&s, &gs, ++i % 5 == 0);
		t = now_ms() - t;
		if ((long)t > sh->dump_ms_max)
			sh->dump_ms_max = t;
		iog_close(&s);
		add(&sh->dumps, 1);
		if (i % 10 == 0)
			run("iogroup list -j >/dev/null 2>&1; iogroup stats >/dev/null 2>&1");
		sleep_ms(20 + rand() % 80);
	}
}

static pid_t spawn(const char *const argv[], bool own_group)
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);

		if (own_group)
			setpgid(0, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

static void w_watchers(void)
{
	static const char *const argv[] = { "iogroup", "watch", NULL };
	pid_t w[2] = { -1, -1 };
	struct iog_sock s;
	struct iog_event ev;
	long unloads = -1;
	bool open = false;
	uint64_t next = 0;

	while (!sh->stop) {
		for (int i = 0; i < 2; i++) {
			if (w[i] > 0 && waitpid(w[i], NULL, WNOHANG) == w[i])
				w[i] = -1;
			if (w[i] < 0) {
				w[i] = spawn(argv, false);
				add(&sh->watch_restarts, 1);
			}
		}
		if (now_ms() > next) {
			/* now and then a watcher goes away mid-stream */
			kill(w[rand() % 2], SIGTERM);
			next = now_ms() + 2000 + rand() % 3000;
		}
		if (open && unloads != sh->unloads) {
			iog_close(&s);
			open = false;
		}
		if (!open) {
			unloads = sh->unloads;
			open = !events_open(&s);
			if (!open) {
				sleep_ms(100);
				continue;
			}
		}
		if (iog_next_event(&s, 200, &ev) > 0)
			add(&sh->events, 1);
	}
	for (int i = 0; i < 2; i++) {
		if (w[i] > 0) {
			kill(w[i], SIGKILL);
			waitpid(w[i], NULL, 0);
		}
	}
	if (open)
		iog_close(&s);
}

/* A child of pid, or -1. */
static pid_t child_of(pid_t pid)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	pid_t found = -1;

	if (!d)
		return -1;
	while ((de = readdir(d)) && found < 0) {
		char p[300], buf[512], *c;
		int ppid;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(p, sizeof(p), "/proc/%s/stat", de->d_name);
		if (gt_read(p, buf, sizeof(buf)))
			continue;
		c = strrchr(buf, ')');
		if (c && sscanf(c + 1, " %*c %d", &ppid) == 1 && ppid == pid)
			found = atoi(de->d_name);
	}
	closedir(d);
	return found;
}

static void w_claim_cmd(int seed)
{
	srand(seed);
	while (!sh->stop) {
		char gs[16];
		const char *argv[] = { "iogroup", "claim", gs, "--", "sleep", "5", NULL };
		const char *dev = rand() % 2 ? vm.edu : vm.hp_edu;
		int g = gt_dev_group(dev), st;
		uint64_t end;
		pid_t pid, c;

		if (g < 0) {
			sleep_ms(50);
			continue;
		}
		snprintf(gs, sizeof(gs), "%d", g);
		pid = spawn(argv, true);
		if (pid < 0)
			break;
		sleep_ms(100 + rand() % 900);
		switch (rand() % 3) {
		case 0:		/* the command dies: iogroup releases */
			c = child_of(pid);
			if (c > 0)
				kill(c, SIGKILL);
			break;
		case 1:		/* iogroup killed: its socket closes */
			kill(pid, SIGKILL);
			break;
		default:	/* everything */
			kill(-pid, SIGKILL);
			break;
		}
		add(&sh->cli_kills, 1);
		end = now_ms() + 10000;
		while (waitpid(pid, &st, WNOHANG) != pid) {
			if (now_ms() > end) {
				kill(-pid, SIGKILL);
				waitpid(pid, &st, 0);
				break;
			}
			sleep_ms(20);
		}
		kill(-pid, SIGKILL);	/* an orphaned sleep */
		add(&sh->cli_claims, 1);
	}
}

static void w_hotplug(int seed)
{
	long i = 0;

	srand(seed);
	while (!sh->stop) {
		i++;
		if (i % 3 == 0 && mon_hotplug) {
			if (!mon_replug(0, false, vm.hp_nic))
				add(&sh->hotplug_events, 1);
			if (!mon_replug(0, true, vm.hp_nic))
				add(&sh->hotplug_events, 1);
		} else {
			const char *dev = i % 3 == 1 ? vm.hp_edu : vm.hp_nic;

			if (!pci_write(dev, "remove", "1") &&
			    wait_present(dev, false, WAIT_GONE_MS))
				add(&sh->hotplug_events, 1);
			sleep_ms(rand() % 300);
			gt_write("/sys/bus/pci/rescan", "1");
			if (wait_present(dev, true, WAIT_GONE_MS))
				add(&sh->hotplug_events, 1);
		}
		sleep_ms(200 + rand() % 800);
	}
}

static void w_reloader(int seed, long target, uint64_t hard_end)
{
	uint64_t t;

	srand(seed);
	while (!sh->stop && sh->unloads < target && now_ms() < hard_end) {
		sleep_ms(100 + rand() % 500);
		t = now_ms();
		if (!mod_unload(250))
			add(&sh->unloads, 1);
		t = now_ms() - t;
		if ((long)t > sh->unload_ms_max)
			sh->unload_ms_max = t;
		sleep_ms(rand() % 200);
		t = now_ms();
		if (mod_load(NULL))
			add(&sh->load_failures, 1);
		t = now_ms() - t;
		if ((long)t > sh->load_ms_max)
			sh->load_ms_max = t;
	}
}

/* ------------------------------------------------------ phases */

static long hotplug_events;
static char uptime0[64] = "0";

/* Remove dev and add it again (sysfs or monitor), claimed or not. */
static void hotplug_case(const char *name, const char *dev, int which,
			 bool monitor, bool claimed)
{
	char why[512] = "";
	struct iog_sock ev, c;
	struct iog_err e;
	struct iog_stats st;
	int g0, g1, ret;
	bool ok = false, have_c = false;

	if (!dev[0] || !dev_present(dev)) {
		printf("ok %d %s # SKIP no hot-plug device\n", ++ntest, name);
		return;
	}
	if (events_open(&ev)) {
		result(false, name, "cannot subscribe to events");
		return;
	}
	g0 = gt_dev_group(dev);
	if (claimed) {
		if (nl_open(&c)) {
			snprintf(why, sizeof(why), "cannot open the family");
			goto out;
		}
		have_c = true;
		ret = iog_claim_req(&c, IOGROUP_CMD_CLAIM, g0, true,
				    IOGROUP_CLAIM_F_UNBIND, &e);
		if (ret) {
			snprintf(why, sizeof(why), "claim %d: %s (%s)", g0,
				 strerror(-ret), e.msg);
			goto out;
		}
	}
	if (monitor)
		ret = mon_replug(which, false, dev);
	else
		ret = pci_write(dev, "remove", "1") ?: (wait_present(dev, false, WAIT_GONE_MS) ? 0 : -ETIMEDOUT);
	if (ret) {
		snprintf(why, sizeof(why), "removing %s: %s", dev, strerror(-ret));
		goto out;
	}
	hotplug_events++;
	if (!wait_event(&ev, IOGROUP_EVENT_GROUP_REMOVED, g0, WAIT_EVENT_MS)) {
		snprintf(why, sizeof(why), "no GROUP_REMOVED event for group %d", g0);
		goto out;
	}
	if (in_dump(g0, NULL)) {
		snprintf(why, sizeof(why), "group %d still in the dump", g0);
		goto out;
	}
	if (claimed) {
		/* the claim ended with the group's last device */
		if (get_stats(&st) || stat_u64(&st, IOGROUP_A_STATS_CLAIMS) != 0) {
			snprintf(why, sizeof(why), "%ld claims held after group %d vanished",
				 stat_u64(&st, IOGROUP_A_STATS_CLAIMS), g0);
			goto out;
		}
		ret = iog_claim_req(&c, IOGROUP_CMD_RELEASE, g0, false, 0, &e);
		if (ret != -ENOENT) {
			snprintf(why, sizeof(why), "RELEASE of vanished group %d: %s",
				 g0, strerror(-ret));
			goto out;
		}
	}
	if (monitor)
		ret = mon_replug(which, true, dev);
	else
		ret = gt_write("/sys/bus/pci/rescan", "1") ?: (wait_present(dev, true, WAIT_GONE_MS) ? 0 : -ETIMEDOUT);
	if (ret) {
		snprintf(why, sizeof(why), "adding %s again: %s", dev, strerror(-ret));
		goto out;
	}
	hotplug_events++;
	g1 = gt_dev_group(dev);
	if (g1 < 0) {
		snprintf(why, sizeof(why), "%s came back in no group", dev);
		goto out;
	}
	if (!wait_event(&ev, IOGROUP_EVENT_GROUP_ADDED, g1, WAIT_EVENT_MS)) {
		snprintf(why, sizeof(why), "no GROUP_ADDED event for group %d", g1);
		goto out;
	}
	if (!in_dump(g1, dev)) {
		snprintf(why, sizeof(why), "group %d with %s not in the dump", g1, dev);
		goto out;
	}
	if (which == 1 && vfio_owns(dev, why, sizeof(why)))
		goto out;
	if (which == 0) {
		/* e1000e probes it again: wait, the comparison needs it */
		for (int i = 0; i < 100; i++) {
			char drv[GT_NAME];

			gt_dev_driver(dev, drv, sizeof(drv));
			if (drv[0])
				break;
			sleep_ms(100);
		}
	}
	if (wait_shadow(true, why, sizeof(why), 10000))
		goto out;
	diag("%s: %s left group %d, came back in group %d", name, dev, g0, g1);
	ok = true;
out:
	if (have_c)
		iog_close(&c);
	iog_close(&ev);
	if (!dev_present(dev)) {
		if (monitor)
			mon_replug(which, true, dev);
		else
			gt_write("/sys/bus/pci/rescan", "1");
	}
	result(ok, name, why);
}

static long exh_missed, exh_resyncs;

/* Bind every device of list to its driver at once; 0 when all are bound. */
static void parallel_bind(const struct bdev *list, int n)
{
	int gate[2];
	pid_t pids[8];

	if (pipe(gate))
		return;
	for (int i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			char c;

			close(gate[1]);
			if (read(gate[0], &c, 1) < 0)
				_exit(1);
			if (list[i].drv[0])
				drv_write(list[i].drv, "bind", list[i].name);
			else
				gt_write("/sys/bus/pci/drivers_probe", list[i].name);
			_exit(0);
		}
	}
	close(gate[0]);
	close(gate[1]);		/* everyone goes */
	for (int i = 0; i < n; i++)
		if (pids[i] > 0)
			waitpid(pids[i], NULL, 0);
}

/*
 * Hook events lost on purpose: iogroup reloaded with the module parameter
 * PARAM set to VALUE (and the options EXTRA), drivers bound in parallel
 * until the STATS counter LOST moves; then the repair must follow: a
 * RESYNC event, a resync in STATS, the shadow equal to sysfs, no group in
 * drift.  The hook misses and the resyncs go to *missed and *resyncs,
 * unless NULL.
 */
static void loss_case(const char *name, const char *param, const char *value,
		      const char *extra, int lost_attr, const char *lost_what,
		      long *missed, long *resyncs)
{
	struct bdev list[6];
	struct iog_stats st;
	struct iog_sock ev;
	char why[512] = "", buf[32], opt[128], path[128];
	long lost = 0, lost0, resyncs0, nresyncs;
	int n = 0, round;
	bool ok = false, have_ev = false, resync_seen;
	struct stat sst;

	if (mod_unload(500) && gt_module_loaded("iogroup")) {
		result(false, name, "cannot unload iogroup");
		return;
	}
	snprintf(opt, sizeof(opt), "%s=%s %s", param, value, extra);
	if (mod_load(opt)) {
		snprintf(why, sizeof(why), "modprobe iogroup %s failed", opt);
		goto out;
	}
	snprintf(path, sizeof(path), "/sys/module/iogroup/parameters/%s", param);
	if (gt_read(path, buf, sizeof(buf)) || strcmp(buf, value) ||
	    stat(path, &sst) || (sst.st_mode & 0777) != 0444) {
		snprintf(why, sizeof(why), "parameter %s: '%s', mode %o",
			 param, buf, sst.st_mode & 0777);
		goto out;
	}
	if (events_open(&ev)) {
		snprintf(why, sizeof(why), "cannot subscribe to events");
		goto out;
	}
	have_ev = true;
	if (get_stats(&st)) {
		snprintf(why, sizeof(why), "STATS_GET failed");
		goto out;
	}
	resyncs0 = stat_u64(&st, IOGROUP_A_STATS_RESYNCS);
	lost0 = stat_u64(&st, lost_attr);

	/* kernel drivers, and the edus through pci-stub */
	list[n++] = (struct bdev){ vm.nic, "e1000e", NULL };
	list[n++] = (struct bdev){ vm.nic2, "e1000", NULL };
	if (vm.hp_nic[0])
		list[n++] = (struct bdev){ vm.hp_nic, "e1000e", NULL };
	list[n++] = (struct bdev){ vm.edu, "", NULL };
	list[n++] = (struct bdev){ vm.edu2, "", NULL };
	if (vm.hp_edu[0])
		list[n++] = (struct bdev){ vm.hp_edu, "", NULL };
	for (round = 0; round < 80 && lost == 0; round++) {
		for (int i = 0; i < n; i++) {
			unbind_dev(list[i].name);
			if (!list[i].drv[0])
				pci_write(list[i].name, "driver_override", "pci-stub");
		}
		parallel_bind(list, n);
		if (!get_stats(&st))
			lost = stat_u64(&st, lost_attr) - lost0;
		if (!lost)	/* else the RESYNC may be among them */
			iog_drain_events(&ev);
	}
	for (int i = 0; i < n; i++)
		if (!list[i].drv[0])
			restore_driver(list[i].name, "");
	diag("%s: %d rounds of %d parallel binds, %s %ld", name, round, n,
	     lost_what, lost);
	if (lost <= 0) {
		snprintf(why, sizeof(why), "no %s after %d rounds", lost_what, round);
		goto out;
	}
	/* the loss is repaired: a RESYNC, then the shadow equals sysfs */
	resync_seen = wait_event(&ev, IOGROUP_EVENT_RESYNC, -1, WAIT_EVENT_MS);
	if (!resync_seen) {
		snprintf(why, sizeof(why), "no RESYNC event after %ld %s", lost, lost_what);
		goto out;
	}
	if (wait_shadow(true, why, sizeof(why), 15000))
		goto out;
	if (get_stats(&st)) {
		snprintf(why, sizeof(why), "STATS_GET failed");
		goto out;
	}
	nresyncs = stat_u64(&st, IOGROUP_A_STATS_RESYNCS) - resyncs0;
	if (missed)
		*missed = stat_u64(&st, IOGROUP_A_STATS_PROBE_MISSED) +
			  stat_u64(&st, IOGROUP_A_STATS_KPROBE_MISSED);
	if (resyncs)
		*resyncs = nresyncs;
	if (nresyncs < 1 || stat_u64(&st, IOGROUP_A_STATS_DRIFT_GROUPS) != 0) {
		snprintf(why, sizeof(why), "resyncs %ld, drift groups %ld", nresyncs,
			 stat_u64(&st, IOGROUP_A_STATS_DRIFT_GROUPS));
		goto out;
	}
	diag("%s: probe_missed=%ld kprobe_missed=%ld events_dropped=%ld resyncs=%ld drift_found=%ld",
	     name, stat_u64(&st, IOGROUP_A_STATS_PROBE_MISSED),
	     stat_u64(&st, IOGROUP_A_STATS_KPROBE_MISSED),
	     stat_u64(&st, IOGROUP_A_STATS_EVENTS_DROPPED), nresyncs,
	     stat_u64(&st, IOGROUP_A_STATS_DRIFT_FOUND));
	ok = true;
out:
	if (have_ev)
		iog_close(&ev);
	mod_unload(500);
	if (mod_load(NULL) && ok) {
		ok = false;
		snprintf(why, sizeof(why), "modprobe iogroup failed");
	}
	result(ok, name, why);
}

/* sysfs type of every device's group, to compare before and after. */
struct gtype {
	char dev[GT_NAME];
	char type[32];
};
static struct gtype types0[64];
static int ntypes0;

static int read_types(struct gtype *t, int max)
{
	int n = 0;

	gt_read_all(gt_buf);
	for (int i = 0; i < gt_buf->n; i++)
		for (int d = 0; d < gt_buf->g[i].ndev && n < max; d++) {
			gt_copy(t[n].dev, gt_buf->g[i].dev[d].name, GT_NAME);
			gt_copy(t[n].type, gt_buf->g[i].type, sizeof(t[n].type));
			n++;
		}
	return n;
}

static pid_t start(void (*fn)(int), int seed)
{
	pid_t pid = fork();

	if (pid == 0) {
		fn(seed);
		_exit(0);
	}
	return pid;
}

static void w_watchers_seed(int seed)
{
	srand(seed);
	w_watchers();
}

int main(void)
{
	long secs = 150, unload_target = 50;
	const char *v;
	char why[512] = "", cmdline[1024] = "", *p;
	pid_t pids[16], rl;
	int np = 0, bad_bind = 0, drift_reports = 0;
	uint64_t t0, hard_end;
	struct iog_stats st;
	bool ok;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n1..%d\n", NTESTS);
	gs_buf = calloc(1, sizeof(*gs_buf));
	gt_buf = calloc(1, sizeof(*gt_buf));
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!gs_buf || !gt_buf || sh == MAP_FAILED) {
		printf("Bail out! out of memory\n");
		return 1;
	}
	gt_read("/proc/cmdline", cmdline, sizeof(cmdline));
	p = strstr(cmdline, "iogroupvm.stress_seconds=");
	if (p)
		secs = atol(p + strlen("iogroupvm.stress_seconds="));
	p = strstr(cmdline, "iogroupvm.stress_unloads=");
	if (p)
		unload_target = atol(p + strlen("iogroupvm.stress_unloads="));
	v = getenv("IOGROUP_STRESS_SECONDS");
	if (v)
		secs = atol(v);
	v = getenv("IOGROUP_STRESS_UNLOADS");
	if (v)
		unload_target = atol(v);
	env_dev(vm.nic, "IOGROUP_VM_NIC");
	env_dev(vm.nic2, "IOGROUP_VM_MULTI_NIC");
	env_dev(vm.edu, "IOGROUP_VM_EDU");
	env_dev(vm.edu2, "IOGROUP_VM_MULTI_EDU");
	env_dev(vm.hp_nic, "IOGROUP_VM_HP_NIC");
	env_dev(vm.hp_edu, "IOGROUP_VM_HP_EDU");
	if (!vm.nic[0] || !vm.edu[0] || !vm.nic2[0] || !vm.edu2[0]) {
		printf("1..0 # SKIP not in the iogroup test VM (no IOGROUP_VM_* devices)\n");
		return 4;
	}
	if (!gt_module_loaded("iogroup") && mod_load(NULL)) {
		printf("Bail out! cannot load iogroup\n");
		return 1;
	}
	if (mon_open())
		diag("no monitor on /dev/ttyS2: %s", strerror(errno));
	else if (access("/sys/module/acpiphp", F_OK))
		diag("no ACPI PCI hot-plug in this kernel (no /sys/module/acpiphp): the monitor's device_del goes through it on q35");
	else
		mon_hotplug = true;
	diag("soak %ld s, %ld unload cycles; devices nic %s nic2 %s edu %s edu2 %s hp_nic %s hp_edu %s",
	     secs, unload_target, vm.nic, vm.nic2, vm.edu, vm.edu2, vm.hp_nic,
	     vm.hp_edu);
	ntypes0 = read_types(types0, 64);
	gt_read("/proc/uptime", uptime0, sizeof(uptime0));
	*strchrnul(uptime0, ' ') = '\0';

	/* 1. hot-plug on a quiet system */
	/*
	 * The NIC (a bound driver) through sysfs, the edu through the monitor:
	 * a device_del of the hot-plugged e1000e did not always complete on
	 * 6.1, 5.10 and 7.x guests (no removal within 90 s; not understood
	 * yet, see issue 5's note).
	 */
	hotplug_case("stress.hotplug_sysfs", vm.hp_nic, 0, false, false);
	hotplug_case("stress.hotplug_sysfs_claimed", vm.hp_edu, 1, false, true);
	if (mon_hotplug) {
		hotplug_case("stress.hotplug_monitor", vm.hp_edu, 1, true, false);
		hotplug_case("stress.hotplug_monitor_claimed", vm.hp_edu, 1, true, true);
	} else {
		printf("ok %d stress.hotplug_monitor # SKIP no monitor hot-plug\n", ++ntest);
		printf("ok %d stress.hotplug_monitor_claimed # SKIP no monitor hot-plug\n", ++ntest);
	}

	/* 2. kretprobe instances exhausted, the event ring overflowed */
	loss_case("stress.kretprobe_exhaustion", "probe_maxactive", "1", "",
		  IOGROUP_A_STATS_PROBE_MISSED, "missed really_probe",
		  &exh_missed, &exh_resyncs);
	/*
	 * Events gather for 1 s, listened to (the case watches for RESYNC)
	 * or not: a round's binds fill 4 slots on any kernel.
	 */
	loss_case("stress.event_ring_overflow", "event_ring", "4",
		  "event_batch_ms=1000 event_watch_us=1000000",
		  IOGROUP_A_STATS_EVENTS_DROPPED,
		  "events dropped", NULL, NULL);

	/* 3. the soak */
	nbdevs = 0;
	bdevs[nbdevs++] = (struct bdev){ vm.nic, "e1000e", "vfio-pci" };
	bdevs[nbdevs++] = (struct bdev){ vm.nic2, "e1000", "pci-stub" };
	bdevs[nbdevs++] = (struct bdev){ vm.edu, "", "vfio-pci" };
	bdevs[nbdevs++] = (struct bdev){ vm.edu2, "", "pci-stub" };
	if (vm.hp_nic[0])
		bdevs[nbdevs++] = (struct bdev){ vm.hp_nic, "e1000e", "vfio-pci" };
	if (vm.hp_edu[0])
		bdevs[nbdevs++] = (struct bdev){ vm.hp_edu, "", "pci-stub" };
	t0 = now_ms();
	hard_end = t0 + (secs + 600) * 1000;
	for (int i = 0; i < 3; i++)
		pids[np++] = start(w_claimer, 100 + i);
	pids[np++] = start(w_binder, 200);
	pids[np++] = start(w_dumper, 300);
	pids[np++] = start(w_watchers_seed, 400);
	pids[np++] = start(w_claim_cmd, 500);
	if (vm.hp_nic[0] && vm.hp_edu[0])
		pids[np++] = start(w_hotplug, 600);
	rl = fork();
	if (rl == 0) {
		w_reloader(700, unload_target, hard_end);
		_exit(0);
	}
	for (;;) {
		uint64_t el = now_ms() - t0;
		bool reloads_done = waitpid(rl, NULL, WNOHANG) == rl;

		if (reloads_done)
			rl = -1;
		if ((el >= (uint64_t)secs * 1000 && (reloads_done || rl < 0)) ||
		    now_ms() > hard_end)
			break;
		if (el / 1000 % 30 == 0)
			diag("soak %lus: claim cycles %ld (refused %ld, by socket close %ld), claim -- cmd %ld, binds %ld, dumps %ld, events %ld, hot-plug %ld, unloads %ld",
			     (unsigned long)(el / 1000), sh->claim_cycles,
			     sh->claim_refused, sh->auto_closed, sh->cli_claims,
			     sh->binds, sh->dumps, sh->events, sh->hotplug_events,
			     sh->unloads);
		sleep_ms(1000);
	}
	sh->stop = 1;
	if (rl > 0)
		waitpid(rl, NULL, 0);
	for (int i = 0; i < np; i++)
		waitpid(pids[i], NULL, 0);
	diag("soak done after %lus: claim cycles %ld (refused %ld, by socket close %ld), claim -- cmd %ld, binds %ld, dumps %ld, events %ld, watch restarts %ld, hot-plug %ld, unloads %ld, load failures %ld",
	     (unsigned long)((now_ms() - t0) / 1000), sh->claim_cycles,
	     sh->claim_refused, sh->auto_closed, sh->cli_claims, sh->binds,
	     sh->dumps, sh->events, sh->watch_restarts, sh->hotplug_events,
	     sh->unloads, sh->load_failures);
	why[0] = '\0';
	for (int i = 0; i < 136; i++)
		if (sh->claim_errno[i])
			snprintf(why + strlen(why), sizeof(why) - strlen(why),
				 " %s=%ld", i ? strerror(i) : "other", sh->claim_errno[i]);
	diag("claims refused:%s; last message: %s; slowest claim %ld ms, dump %ld ms, unload %ld ms, load %ld ms",
	     why, sh->last_msg, sh->claim_ms_max, sh->dump_ms_max,
	     sh->unload_ms_max, sh->load_ms_max);
	ok = sh->unloads >= unload_target && sh->load_failures == 0 &&
	     sh->claim_cycles > 0;
	snprintf(why, sizeof(why), "%ld unload cycles of %ld, %ld load failures, %ld claim cycles",
		 sh->unloads, unload_target, sh->load_failures, sh->claim_cycles);
	result(ok, "stress.soak", why);

	/* 4. afterwards: the ground truth */
	if (!gt_module_loaded("iogroup"))
		mod_load(NULL);
	if (vm.hp_nic[0] && !dev_present(vm.hp_nic))
		mon_replug(0, true, vm.hp_nic);
	if (vm.hp_edu[0] && !dev_present(vm.hp_edu)) {
		gt_write("/sys/bus/pci/rescan", "1");
		if (!wait_present(vm.hp_edu, true, 5000))
			mon_replug(1, true, vm.hp_edu);
	}
	gt_write("/sys/bus/pci/rescan", "1");
	{
		long n = wait_no_claims(20000);

		snprintf(why, sizeof(why), "%ld claims still held (STATS)", n);
		why[sizeof(why) - 1] = '\0';
		if (n == 0) {
			/* kernel drivers bind again: no claim vetoes them */
			for (int i = 0; i < nbdevs; i++) {
				int r;

				if (!dev_present(bdevs[i].name)) {
					snprintf(why, sizeof(why), "%s is gone", bdevs[i].name);
					bad_bind++;
					continue;
				}
				r = restore_driver(bdevs[i].name, bdevs[i].drv);
				if (r) {
					snprintf(why, sizeof(why), "bind %s to %s: %s",
						 bdevs[i].name, bdevs[i].drv, strerror(-r));
					bad_bind++;
				}
			}
			/* VFIO takes the edu groups: nobody owns them */
			if (!bad_bind && vfio_owns(vm.edu, why, sizeof(why)))
				bad_bind++;
			if (!bad_bind && vm.hp_edu[0] && vfio_owns(vm.hp_edu, why, sizeof(why)))
				bad_bind++;
		}
		result(n == 0 && !bad_bind, "stress.no_claim_leaked", why);
	}

	{
		struct gtype t1[64];
		int n1 = read_types(t1, 64), bad = 0;

		why[0] = '\0';
		for (int i = 0; i < ntypes0; i++)
			for (int j = 0; j < n1; j++)
				if (!strcmp(types0[i].dev, t1[j].dev) &&
				    strcmp(types0[i].type, t1[j].type)) {
					snprintf(why, sizeof(why), "%.64s: group type %.32s, was %.32s",
						 t1[j].dev, t1[j].type, types0[i].type);
					bad++;
				}
		if (!bad)
			bad = wait_shadow(true, why, sizeof(why), 15000);
		result(!bad, "stress.default_domains", why);
	}

	ok = !wait_shadow(false, why, sizeof(why), 15000);
	result(ok, "stress.shadow_matches_sysfs", why);

	{
		int r = run("iogroup check >/tmp/stress.check 2>&1");
		char out[256] = "";

		gt_read("/tmp/stress.check", out, sizeof(out));
		snprintf(why, sizeof(why), "iogroup check: exit %d: %.256s", r, out);
		result(r == 0, "stress.check_clean", why);
	}

	if (get_stats(&st)) {
		result(false, "stress.kprobe_misses_repaired", "STATS_GET failed");
	} else {
		long m = stat_u64(&st, IOGROUP_A_STATS_PROBE_MISSED) +
			 stat_u64(&st, IOGROUP_A_STATS_KPROBE_MISSED);
		long r = stat_u64(&st, IOGROUP_A_STATS_RESYNCS);

		snprintf(why, sizeof(why), "%ld kprobe misses, %ld resyncs, %ld drift groups",
			 m, r, stat_u64(&st, IOGROUP_A_STATS_DRIFT_GROUPS));
		diag("since the last load: %s, drift found %ld", why,
		     stat_u64(&st, IOGROUP_A_STATS_DRIFT_FOUND));
		/* the load's own scan is one resync */
		result((m == 0 || r >= 2) &&
		       stat_u64(&st, IOGROUP_A_STATS_DRIFT_GROUPS) == 0,
		       "stress.kprobe_misses_repaired", why);
	}

	{
		/* the module's own check found the shadow wrong at some point */
		char cmd[300];
		int r;

		snprintf(cmd, sizeof(cmd),
			 "dmesg | awk -v t=%s '{ s = $0; sub(/^\\[ */, \"\", s); if (s + 0 >= t) print }' | grep 'iogroup: group .* drifted' >/tmp/stress.drift",
			 uptime0);
		r = run(cmd);
		char out[400] = "";

		gt_read("/tmp/stress.drift", out, sizeof(out));
		drift_reports = run("exit $(grep -c . /tmp/stress.drift)");
		snprintf(why, sizeof(why), "%d drift reports in dmesg: %.300s",
			 drift_reports, out);
		/*
		 * The module's verifier compares the shadow with the kernel
		 * whenever nothing is in flight: any report is a shadow that
		 * was wrong, whatever repaired it since.
		 */
		result(r != 0 || drift_reports == 0, "stress.no_drift_reported",
		       why);
	}

	printf("# figures: claim_cycles=%ld cli_claims=%ld hotplug_events=%ld unload_cycles=%ld kprobe_missed=%ld resyncs=%ld drift_reports=%d\n",
	       sh->claim_cycles, sh->cli_claims,
	       hotplug_events + sh->hotplug_events, sh->unloads, exh_missed,
	       exh_resyncs, drift_reports);
	if (ntest != NTESTS)
		diag("ran %d tests, planned %d", ntest, NTESTS);
	return nfailed ? 1 : 0;
}
