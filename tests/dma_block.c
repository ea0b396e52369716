// SPDX-License-Identifier: GPL-2.0
/*
 * dma_block: a claim really blocks DMA, and a release really gives it back.
 *
 * Ground truth is the device's own DMA and the IOMMU's fault log: QEMU's
 * `edu` device (1234:11e8, no Linux driver), alone in its IOMMU group,
 * copies a random pattern RAM -> edu -> RAM, driven from user space through
 * its BAR (sysfs resource0) with physical addresses from /proc/self/pagemap.
 * The group's default domain is made identity first (sysfs type), so that
 * IOVA == physical address without a driver.
 *
 *   - unclaimed: the round trip copies the pattern;
 *   - claimed (IOGROUP_CMD_CLAIM, persistent): the copy does not happen
 *     (the destination stays untouched) and the kernel logs a DMAR read
 *     fault for this device at the source buffer's address;
 *   - released (IOGROUP_CMD_RELEASE): the group is identity again (sysfs)
 *     and the round trip copies again.
 *
 * The VM must give the edu device dma_mask=0xffffffff (tests/vm/run.sh):
 * its default 28-bit mask clamps addresses above 256 MiB.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/types.h>
#include <time.h>

#include "iogroup_nl.h"
#include "sysfs_gt.h"
#include "util.h"
#include "kselftest_harness.h"

#define EDU_VENDOR	0x1234
#define EDU_DEVICE	0x11e8
#define EDU_ID		0x00
#define EDU_ID_VALUE	0x010000ed	/* major 1, minor 0, 0xed */
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_CNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_CMD_START	0x1
#define EDU_CMD_TO_RAM	0x2		/* direction: edu -> RAM */
#define EDU_BUF		0x40000		/* edu's DMA buffer, in edu space */
#define EDU_BAR_SIZE	(1 << 20)
/*
 * Not 4096: QEMU 7.2's edu has an off-by-one in its range check and aborts
 * the whole VM ("EDU: DMA range ... out of bounds") for a full 4 KiB.
 */
#define DMA_LEN		1024
#define DMA_TIMEOUT_MS	5000		/* the DMA runs from a 100 ms timer */
#define FAULT_WAIT_MS	3000

/* Physical address of a locked page of ours, 0 on failure. */
static uint64_t phys_addr(const void *p)
{
	long psz = sysconf(_SC_PAGESIZE);
	uint64_t ent;
	off_t off = (uintptr_t)p / psz * sizeof(ent);
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = pread(fd, &ent, sizeof(ent), off);
	close(fd);
	if (n != sizeof(ent) || !(ent & (1ull << 63)))
		return 0;
	ent &= (1ull << 55) - 1;
	return ent * psz + (uintptr_t)p % psz;
}

static void wr64(volatile void *bar, unsigned int reg, uint64_t v)
{
	*(volatile uint64_t *)((volatile char *)bar + reg) = v;
}

static uint64_t rd64(volatile void *bar, unsigned int reg)
{
	return *(volatile uint64_t *)((volatile char *)bar + reg);
}

static uint32_t rd32(volatile void *bar, unsigned int reg)
{
	return *(volatile uint32_t *)((volatile char *)bar + reg);
}

/* One edu DMA; 0, or -ETIMEDOUT if the start bit never cleared. */
static int edu_dma(volatile void *bar, uint64_t src, uint64_t dst, uint64_t cmd)
{
	uint64_t t0 = now_ms();
	struct timespec ms = { 0, 1000000 };

	wr64(bar, EDU_DMA_SRC, src);
	wr64(bar, EDU_DMA_DST, dst);
	wr64(bar, EDU_DMA_CNT, DMA_LEN);
	wr64(bar, EDU_DMA_CMD, cmd | EDU_CMD_START);
	while (rd64(bar, EDU_DMA_CMD) & EDU_CMD_START) {
		if (now_ms() - t0 > DMA_TIMEOUT_MS)
			return -ETIMEDOUT;
		nanosleep(&ms, NULL);
	}
	return 0;
}

/* ----------------------------------------------------- kernel log */

/* Open /dev/kmsg positioned at its end: later reads see only new records. */
static int kmsg_open_end(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0 && lseek(fd, 0, SEEK_END) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Wait up to timeout_ms for a new record containing `needle`; copy the
 * message into line.  Returns 1 found, 0 not found.
 */
/*
 * Wait for a kernel log record holding every string of needles[]: the
 * DMAR fault line differs between kernels ("[DMA Read NO_PASID] Request
 * device [00:03.0] fault addr 0x1000 [fault reason" on 6.1, the PCI domain
 * in the device on 7.x, "[DMA Read] ... fault addr 1000 [fault reason" on
 * 5.10).
 */
static int kmsg_wait(int fd, const char *const *needles, int nneedles,
		     int timeout_ms, char *line, size_t sz)
{
	uint64_t t0 = now_ms();
	char rec[8192];

	for (;;) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);

		if (n > 0) {
			char *msg = strchr(rec, ';');

			rec[n] = '\0';
			msg = msg ? msg + 1 : rec;
			int i;

			for (i = 0; i < nneedles; i++)
				if (!strstr(msg, needles[i]))
					break;
			if (i == nneedles) {
				char *nl = strchr(msg, '\n');

				if (nl)
					*nl = '\0';
				gt_copy(line, msg, sz);
				return 1;
			}
			continue;
		}
		if (n < 0 && errno == EPIPE)	/* overwritten records: go on */
			continue;
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return 0;
		if ((int)(now_ms() - t0) > timeout_ms)
			return 0;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		poll(&pfd, 1, 100);
	}
}

/* ------------------------------------------------------------ fixture */

FIXTURE(dma) {
	char dev[64];		/* 0000:00:03.0 */
	char rid[16];		/* 00:03.0, as the DMAR messages print it */
	int group;
	char gtype[PATH_MAX];	/* /sys/kernel/iommu_groups/N/type */
	char old_type[32];
	bool type_changed;
	uint16_t old_cmd;
	bool cmd_changed;
	int cfg_fd;
	volatile void *bar;
	unsigned char *src, *dst;
	uint64_t src_pa, dst_pa;
	struct iog_sock s;
	bool claimed;
	bool ready;
};

static int group_ndevs(int group)
{
	char p[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(p, sizeof(p), "/sys/kernel/iommu_groups/%d/devices", group);
	d = opendir(p);
	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* The edu alone in its group: $IOGROUP_VM_EDU, else the first one found. */
static int find_edu(char *dev, size_t sz)
{
	const char *env = getenv("IOGROUP_VM_EDU");

	if (env && *env) {
		gt_copy(dev, env, sz);
		return 0;
	}
	for (int i = 0; i < 8; i++) {
		if (gt_find_pci(EDU_VENDOR, EDU_DEVICE, "", i, dev, sz))
			return -ENOENT;
		if (group_ndevs(gt_dev_group(dev)) == 1)
			return 0;
	}
	return -ENOENT;
}

static int claim_req(struct iog_sock *s, uint8_t cmd, uint32_t id, uint32_t flags,
		     struct iog_err *e)
{
	return iog_claim_req(s, cmd, id, cmd == IOGROUP_CMD_CLAIM, flags, e);
}

FIXTURE_SETUP(dma)
{
	char p[PATH_MAX], drv[64];
	unsigned int vid, did;
	struct iog_err e;
	int ret;

	self->cfg_fd = -1;
	self->s.fd = -1;
	if (find_edu(self->dev, sizeof(self->dev)))
		SKIP(return, "no QEMU edu device (1234:11e8) alone in an IOMMU group");
	gt_dev_path(p, sizeof(p), self->dev, "vendor");
	ASSERT_EQ(0, gt_read_hex(p, &vid));
	gt_dev_path(p, sizeof(p), self->dev, "device");
	ASSERT_EQ(0, gt_read_hex(p, &did));
	ASSERT_TRUE(vid == EDU_VENDOR && did == EDU_DEVICE)
		TH_LOG("%s is %04x:%04x, not an edu", self->dev, vid, did);
	gt_dev_driver(self->dev, drv, sizeof(drv));
	ASSERT_STREQ("", drv) TH_LOG("%s is bound to %s", self->dev, drv);
	self->group = gt_dev_group(self->dev);
	ASSERT_LE(0, self->group) TH_LOG("%s has no IOMMU group", self->dev);
	ASSERT_EQ(1, group_ndevs(self->group));
	/* "0000:00:03.0" -> "00:03.0" */
	ASSERT_EQ(0, strncmp(self->dev, "0000:", 5));
	gt_copy(self->rid, self->dev + 5, sizeof(self->rid));
	TH_LOG("edu %s, group %d", self->dev, self->group);

	ret = iog_open(&self->s, &e);
	if (ret == -ENOENT && !gt_module_loaded("iogroup")) {
		if (system("modprobe iogroup") == 0)
			ret = iog_open(&self->s, &e);
	}
	ASSERT_EQ(0, ret) TH_LOG("iogroup family: %s (%s)", strerror(-ret), e.msg);
	self->ready = true;
}

/*
 * Called by each test, not by the setup: the teardown (which undoes all
 * this) runs only after a completed setup.
 */
static void prepare(struct __test_metadata *_metadata, FIXTURE_DATA(dma) *self)
{
	char p[PATH_MAX], type[32];
	long psz = sysconf(_SC_PAGESIZE);
	uint16_t cmd;
	int fd, ret;

	/* identity default domain: IOVA == physical address */
	snprintf(self->gtype, sizeof(self->gtype),
		 "/sys/kernel/iommu_groups/%d/type", self->group);
	ASSERT_EQ(0, gt_read(self->gtype, self->old_type, sizeof(self->old_type)));
	if (strcmp(self->old_type, "identity")) {
		ret = gt_write(self->gtype, "identity");
		ASSERT_EQ(0, ret) TH_LOG("write identity to %s: %s", self->gtype,
					 strerror(-ret));
		self->type_changed = true;
	}
	ASSERT_EQ(0, gt_read(self->gtype, type, sizeof(type)));
	ASSERT_STREQ("identity", type);

	/* memory space + bus master */
	gt_dev_path(p, sizeof(p), self->dev, "config");
	self->cfg_fd = open(p, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->cfg_fd) TH_LOG("open %s: %s", p, strerror(errno));
	ASSERT_EQ(2, pread(self->cfg_fd, &self->old_cmd, 2, 4));
	cmd = self->old_cmd | 0x6;
	ASSERT_EQ(2, pwrite(self->cfg_fd, &cmd, 2, 4));
	self->cmd_changed = true;
	ASSERT_EQ(2, pread(self->cfg_fd, &cmd, 2, 4));
	ASSERT_EQ(0x6, cmd & 0x6) TH_LOG("command register 0x%04x", cmd);

	gt_dev_path(p, sizeof(p), self->dev, "resource0");
	fd = open(p, O_RDWR | O_SYNC | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("open %s: %s", p, strerror(errno));
	self->bar = mmap(NULL, EDU_BAR_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	ASSERT_NE(MAP_FAILED, self->bar) TH_LOG("mmap resource0: %s", strerror(errno));
	ASSERT_EQ(EDU_ID_VALUE, rd32(self->bar, EDU_ID));

	self->src = mmap(NULL, 2 * psz, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->src);
	self->dst = self->src + psz;
	memset(self->src, 0x5a, 2 * psz);	/* fault the pages in */
	ASSERT_EQ(0, mlock(self->src, 2 * psz)) TH_LOG("mlock: %s", strerror(errno));
	self->src_pa = phys_addr(self->src);
	self->dst_pa = phys_addr(self->dst);
	ASSERT_NE(0, self->src_pa) TH_LOG("no physical address in pagemap");
	ASSERT_NE(0, self->dst_pa);
	ASSERT_GT(1ull << 32, self->dst_pa);	/* the edu's dma_mask */
	ASSERT_GT(1ull << 32, self->src_pa);
	TH_LOG("src phys 0x%llx, dst phys 0x%llx",
	       (unsigned long long)self->src_pa, (unsigned long long)self->dst_pa);
}

FIXTURE_TEARDOWN(dma)
{
	long psz = sysconf(_SC_PAGESIZE);
	struct iog_err e;

	if (self->claimed && self->s.fd >= 0)
		claim_req(&self->s, IOGROUP_CMD_RELEASE, self->group, 0, &e);
	iog_close(&self->s);
	if (self->bar && self->bar != MAP_FAILED)
		munmap((void *)self->bar, EDU_BAR_SIZE);
	if (self->src && self->src != MAP_FAILED)
		munmap(self->src, 2 * psz);
	if (self->cmd_changed)
		pwrite(self->cfg_fd, &self->old_cmd, 2, 4);
	if (self->cfg_fd >= 0)
		close(self->cfg_fd);
	if (self->type_changed && gt_write(self->gtype, self->old_type))
		fprintf(stderr, "# could not restore %s to %s\n", self->gtype,
			self->old_type);
}

/*
 * RAM(src: fresh random pattern) -> edu -> RAM(dst: zeroed).  Returns 1 if
 * dst got the pattern, 0 if dst is untouched (all zero), -1 if dst is
 * something else, -ETIMEDOUT if the device never finished.
 */
static int round_trip(struct __test_metadata *_metadata, FIXTURE_DATA(dma) *self)
{
	int ret;

	ASSERT_EQ(DMA_LEN, getrandom(self->src, DMA_LEN, 0));
	self->src[0] |= 1;	/* never all zero */
	memset(self->dst, 0, DMA_LEN);
	ret = edu_dma(self->bar, self->src_pa, EDU_BUF, 0);
	if (ret)
		return ret;
	ret = edu_dma(self->bar, EDU_BUF, self->dst_pa, EDU_CMD_TO_RAM);
	if (ret)
		return ret;
	if (!memcmp(self->src, self->dst, DMA_LEN))
		return 1;
	for (int i = 0; i < DMA_LEN; i++)
		if (self->dst[i])
			return -1;
	return 0;
}

TEST_F_TIMEOUT(dma, unclaimed_round_trip, 60)
{
	int ret;

	if (!self->ready)
		return;		/* skipped in the setup */
	prepare(_metadata, self);
	ret = round_trip(_metadata, self);
	ASSERT_EQ(1, ret) TH_LOG("DMA round trip without a claim: %s",
				 ret == -ETIMEDOUT ? "device never finished" :
				 ret == 0 ? "nothing arrived" : "wrong data");
}

TEST_F_TIMEOUT(dma, claim_blocks_release_restores, 90)
{
	char needle[160], addr[64], line[512], type[32];
	const char *needles[3];
	struct iog_groups *gs;
	struct iog_err e;
	int kfd, ret;

	if (!self->ready)
		return;		/* skipped in the setup */
	prepare(_metadata, self);

	/* works before the claim */
	ret = round_trip(_metadata, self);
	ASSERT_EQ(1, ret) TH_LOG("DMA without a claim: %d", ret);

	/* claimed: no data moves, and the IOMMU faults the read of src */
	kfd = kmsg_open_end();
	ASSERT_LE(0, kfd) TH_LOG("/dev/kmsg: %s", strerror(errno));
	ret = claim_req(&self->s, IOGROUP_CMD_CLAIM, self->group,
			IOGROUP_CLAIM_F_PERSISTENT, &e);
	ASSERT_EQ(0, ret) TH_LOG("claim group %d: %s (%s)", self->group,
				 strerror(-ret), e.msg);
	self->claimed = true;
	ret = round_trip(_metadata, self);
	EXPECT_NE(-ETIMEDOUT, ret) TH_LOG("edu never finished its DMA");
	EXPECT_NE(1, ret) TH_LOG("DMA went through a claimed group");
	EXPECT_EQ(0, ret) TH_LOG("dst changed by a blocked DMA");
	snprintf(needle, sizeof(needle), "%s] ", self->rid);
	snprintf(addr, sizeof(addr), "%llx [fault reason",
		 (unsigned long long)self->src_pa);
	needles[0] = "DMAR: [DMA Read";
	needles[1] = needle;
	needles[2] = addr;
	ret = kmsg_wait(kfd, needles, 3, FAULT_WAIT_MS, line, sizeof(line));
	close(kfd);
	EXPECT_EQ(1, ret) TH_LOG("no DMAR fault 'DMAR: [DMA Read ... %s ... %s' in the kernel log",
				 needle, addr);
	if (ret == 1)
		TH_LOG("kernel: %s", line);

	/* released: the identity default domain is back, DMA works */
	ret = claim_req(&self->s, IOGROUP_CMD_RELEASE, self->group, 0, &e);
	ASSERT_EQ(0, ret) TH_LOG("release group %d: %s (%s)", self->group,
				 strerror(-ret), e.msg);
	self->claimed = false;
	ASSERT_EQ(0, gt_read(self->gtype, type, sizeof(type)));
	EXPECT_STREQ("identity", type);
	ret = round_trip(_metadata, self);
	EXPECT_EQ(1, ret) TH_LOG("DMA after the release: %s",
				 ret == -ETIMEDOUT ? "device never finished" :
				 ret == 0 ? "nothing arrived" : "wrong data");

	/* iogroup agrees (checked after the ground truth, not instead) */
	gs = calloc(1, sizeof(*gs));
	ASSERT_NE(NULL, gs);
	ret = iog_get_group_by_id(&self->s, self->group, gs, &e);
	ASSERT_EQ(0, ret) TH_LOG("GROUP_GET %d: %s (%s)", self->group,
				 strerror(-ret), e.msg);
	ASSERT_EQ(1, gs->n);
	EXPECT_EQ(IOGROUP_DOMAIN_IDENTITY, gs->g[0].domain);
	EXPECT_EQ(IOGROUP_OWNER_NONE, gs->g[0].owner.kind);
	free(gs);
}

TEST_HARNESS_MAIN
