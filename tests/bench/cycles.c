// SPDX-License-Identifier: GPL-2.0
/*
 * cycles: the benchmark's timed loops, one per subcommand, each printing
 * one line of key=value results (times in ns unless the key says _us):
 *
 *   cycles bind BDF DRIVER N
 *	N cycles of a driver bind and unbind through sysfs
 *	(/sys/bus/pci/drivers/DRIVER/bind, then unbind); the device's
 *	driver_override must name DRIVER already.  median, p10, p90 of a
 *	cycle.
 *   cycles claim GROUP N
 *	iogroup's claim+release of GROUP (raw netlink, one socket) against
 *	VFIO's own cycle on the same group (open /dev/vfio/GROUP,
 *	VFIO_GROUP_SET_CONTAINER, VFIO_GROUP_UNSET_CONTAINER, close; the
 *	container is opened once), alternating in blocks of 10.  Also the
 *	floor of any genetlink request: two round trips of a command the
 *	kernel refuses before it reaches iogroup (unknown command).
 *   cycles switch FILE BDF DRIVER PAIRS
 *	bind+unbind cycles as above with FILE (a debugfs or tracefs switch)
 *	written 1 and 0 in turn, PAIRS blocks of 10 cycles each way: on_ and
 *	off_ median and p90 of a cycle, and each pair's ratio of its blocks'
 *	medians, on / off.
 *   cycles event BDF DRIVER N
 *	N binds of BDF to DRIVER (and unbinds): for each, the time from the
 *	bind write returning to the arrival of iogroup's DEVICE_BOUND event
 *	at a watcher thread, and to the arrival of the kernel's own
 *	"bind" uevent (NETLINK_KOBJECT_UEVENT) at another; median and p99.
 *	Negative: the event was there before the write returned.
 */
#include <fcntl.h>
#include <linux/vfio.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/ioctl.h>
#include <time.h>

#include "iogroup_nl.h"
#include "util.h"

static long long pct(long long *t, int n, int p)
{
	qsort(t, n, sizeof(*t), cmp_ll);
	return t[(long)n * p / 100 >= n ? n - 1 : (long)n * p / 100];
}

static void die(const char *what, int err)
{
	fprintf(stderr, "cycles: %s: %s\n", what, strerror(err));
	exit(1);
}

static void sysfs_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		die(path, errno);
	if (write(fd, val, strlen(val)) < 0)
		die(path, errno);
	close(fd);
}

/* ------------------------------------------------------------ bind */

static char bind_path[256], unbind_path[256];

static void bind_paths(const char *drv)
{
	snprintf(bind_path, sizeof(bind_path), "/sys/bus/pci/drivers/%s/bind", drv);
	snprintf(unbind_path, sizeof(unbind_path), "/sys/bus/pci/drivers/%s/unbind", drv);
}

/* one bind+unbind of @bdf: its time */
static long long bind_cycle(const char *bdf)
{
	long long t0 = now_ns();

	sysfs_write(bind_path, bdf);
	sysfs_write(unbind_path, bdf);
	return now_ns() - t0;
}

static int cmd_bind(const char *bdf, const char *drv, int n)
{
	long long *t = calloc(n, sizeof(*t));

	bind_paths(drv);
	for (int i = 0; i < n; i++)
		t[i] = bind_cycle(bdf);
	printf("cycles=%d median=%lld p10=%lld p90=%lld\n", n,
	       pct(t, n, 50), pct(t, n, 10), pct(t, n, 90));
	return 0;
}

/*
 * Bind+unbind cycles with a switch on and off: PAIRS times 10 cycles each
 * way, the order alternating, the 2 cycles after each switch not counted
 * (TCG translates the patched code again).  Blocks of 10 take a few ms:
 * a change of the host's speed falls on both sides alike.  Each pair of
 * blocks, measured within milliseconds, also gives one ratio: the median
 * of its on block over that of its off block (ratios=, for the report's
 * interval of their median).
 */
#define SWITCH_BLOCK	10
#define SWITCH_WARMUP	2

static long long block_median(const long long *t)
{
	long long b[SWITCH_BLOCK];

	memcpy(b, t, sizeof(b));
	return pct(b, SWITCH_BLOCK, 50);
}

static int cmd_switch(const char *file, const char *bdf, const char *drv,
		      int pairs)
{
	long long *on = calloc(pairs * SWITCH_BLOCK, sizeof(*on));
	long long *off = calloc(pairs * SWITCH_BLOCK, sizeof(*off));
	double *ratio = calloc(pairs, sizeof(*ratio));
	int non = 0, noff = 0;

	if (!on || !off || !ratio)
		die("calloc", ENOMEM);
	bind_paths(drv);
	for (int p = 0; p < pairs; p++) {
		for (int k = 0; k < 2; k++) {
			int st = (p + k) % 2 == 0;

			sysfs_write(file, st ? "1" : "0");
			for (int i = 0; i < SWITCH_WARMUP + SWITCH_BLOCK; i++) {
				long long t = bind_cycle(bdf);

				if (i < SWITCH_WARMUP)
					continue;
				if (st)
					on[non++] = t;
				else
					off[noff++] = t;
			}
		}
		ratio[p] = (double)block_median(on + non - SWITCH_BLOCK) /
			   block_median(off + noff - SWITCH_BLOCK);
	}
	printf("cycles=%d on_median=%lld on_p90=%lld off_median=%lld off_p90=%lld ratios=",
	       non, pct(on, non, 50), pct(on, non, 90), pct(off, noff, 50),
	       pct(off, noff, 90));
	for (int p = 0; p < pairs; p++)
		printf("%s%.4f", p ? "," : "", ratio[p]);
	printf("\n");
	free(on);
	free(off);
	free(ratio);
	return 0;
}

/* ------------------------------------------------------------ claim */

static int cmd_claim(uint32_t id, int n)
{
	long long *ti = calloc(n, sizeof(*ti)), *tv = calloc(n, sizeof(*tv));
	long long *tn = calloc(n, sizeof(*tn));
	char path[64];
	struct iog_sock s;
	struct iog_err e;
	int cfd, gfd, ret, done = 0;

	ret = iog_open(&s, &e);
	if (ret < 0)
		die("iogroup family", -ret);
	cfd = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (cfd < 0)
		die("/dev/vfio/vfio", errno);
	snprintf(path, sizeof(path), "/dev/vfio/%u", id);
	while (done < n) {
		int k = n - done < 10 ? n - done : 10;

		for (int i = 0; i < k; i++) {
			long long t0 = now_ns();

			ret = iog_claim_req(&s, IOGROUP_CMD_CLAIM, id, false, 0, &e);
			if (ret < 0 || e.err)
				die("iogroup claim", e.err ? e.err : -ret);
			ret = iog_claim_req(&s, IOGROUP_CMD_RELEASE, id, false, 0, &e);
			if (ret < 0 || e.err)
				die("iogroup release", e.err ? e.err : -ret);
			ti[done + i] = now_ns() - t0;
		}
		for (int i = 0; i < k; i++) {
			long long t0 = now_ns();

			gfd = open(path, O_RDWR | O_CLOEXEC);
			if (gfd < 0)
				die(path, errno);
			if (ioctl(gfd, VFIO_GROUP_SET_CONTAINER, &cfd) < 0)
				die("VFIO_GROUP_SET_CONTAINER", errno);
			if (ioctl(gfd, VFIO_GROUP_UNSET_CONTAINER) < 0)
				die("VFIO_GROUP_UNSET_CONTAINER", errno);
			close(gfd);
			tv[done + i] = now_ns() - t0;
		}
		for (int i = 0; i < k; i++) {
			long long t0 = now_ns();

			for (int j = 0; j < 2; j++) {
				struct iog_msg m;

				/* past the last command: genl refuses it itself */
				iog_msg_init(&m, s.family, 0, IOGROUP_CMD_MAX + 1,
					     IOGROUP_FAMILY_VERSION);
				iog_request(&s, &m, NULL, NULL, &e);
				if (e.err != EOPNOTSUPP)
					die("unknown command", e.err ? e.err : EPROTO);
			}
			tn[done + i] = now_ns() - t0;
		}
		done += k;
	}
	printf("cycles=%d iogroup_median=%lld iogroup_p90=%lld vfio_median=%lld vfio_p90=%lld floor_median=%lld floor_p90=%lld\n",
	       n, pct(ti, n, 50), pct(ti, n, 90), pct(tv, n, 50), pct(tv, n, 90),
	       pct(tn, n, 50), pct(tn, n, 90));
	return 0;
}

/* ------------------------------------------------------------ event */

static const char *ev_bdf;
static atomic_llong ig_at, ue_at;	/* arrival of this round's event, 0: not yet */

static void *ig_watch(void *arg)
{
	struct iog_sock *s = arg;
	struct iog_event ev;

	for (;;) {
		int r = iog_next_event(s, -1, &ev);

		if (r < 0)
			die("iogroup events", -r);
		if (r && ev.type == IOGROUP_EVENT_DEVICE_BOUND &&
		    !strcmp(ev.device, ev_bdf))
			atomic_store(&ig_at, now_ns());
	}
	return NULL;
}

static void *ue_watch(void *arg)
{
	int fd = *(int *)arg;
	char buf[8192];

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);
		long long t = now_ns();
		char *p, *action = NULL, *devpath = NULL;

		if (n < 0) {
			if (errno == EINTR || errno == ENOBUFS)
				continue;
			die("uevent recv", errno);
		}
		buf[n] = '\0';
		for (p = buf; p < buf + n; p += strlen(p) + 1) {
			if (!strncmp(p, "ACTION=", 7))
				action = p + 7;
			else if (!strncmp(p, "DEVPATH=", 8))
				devpath = p + 8;
		}
		if (action && devpath && !strcmp(action, "bind") &&
		    strlen(devpath) >= strlen(ev_bdf) &&
		    !strcmp(devpath + strlen(devpath) - strlen(ev_bdf), ev_bdf))
			atomic_store(&ue_at, t);
	}
	return NULL;
}

static long long wait_for(atomic_llong *at)
{
	long long t, deadline = now_ns() + 5000000000LL;

	while (!(t = atomic_load(at))) {
		if (now_ns() > deadline)
			return 0;
		usleep(100);
	}
	return t;
}

static int cmd_event(const char *bdf, const char *drv, int n)
{
	long long *li = calloc(n, sizeof(*li)), *lu = calloc(n, sizeof(*lu));
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	pthread_t th1, th2;
	struct iog_sock s;
	struct iog_err e;
	int ufd, ret, rcv = 1 << 20;

	ev_bdf = bdf;
	bind_paths(drv);
	ret = iog_open(&s, &e);
	if (ret < 0 || (ret = iog_subscribe(&s)) < 0)
		die("iogroup events", -ret);
	ufd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
	if (ufd < 0 || bind(ufd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("uevent socket", errno);
	setsockopt(ufd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	setsockopt(s.fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	pthread_create(&th1, NULL, ig_watch, &s);
	pthread_create(&th2, NULL, ue_watch, &ufd);
	for (int i = 0; i < n; i++) {
		long long t1, a, b;

		atomic_store(&ig_at, 0);
		atomic_store(&ue_at, 0);
		sysfs_write(bind_path, bdf);
		t1 = now_ns();
		a = wait_for(&ig_at);
		b = wait_for(&ue_at);
		if (!a || !b) {
			fprintf(stderr, "cycles: bind %d: no %s event within 5 s\n",
				i, !a ? "iogroup" : "uevent");
			return 1;
		}
		li[i] = a - t1;
		lu[i] = b - t1;
		sysfs_write(unbind_path, bdf);
		usleep(2000);	/* let the unbind's events pass */
	}
	printf("binds=%d iogroup_median=%lld iogroup_p99=%lld uevent_median=%lld uevent_p99=%lld\n",
	       n, pct(li, n, 50), pct(li, n, 99), pct(lu, n, 50), pct(lu, n, 99));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "bind"))
		return cmd_bind(argv[2], argv[3], atoi(argv[4]));
	if (argc == 4 && !strcmp(argv[1], "claim"))
		return cmd_claim(strtoul(argv[2], NULL, 10), atoi(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "event"))
		return cmd_event(argv[2], argv[3], atoi(argv[4]));
	if (argc == 6 && !strcmp(argv[1], "switch"))
		return cmd_switch(argv[2], argv[3], argv[4], atoi(argv[5]));
	fprintf(stderr, "usage: cycles bind BDF DRIVER N | claim GROUP N | event BDF DRIVER N | switch FILE BDF DRIVER PAIRS\n");
	return 2;
}
