// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host-side test of guard.c over a fake sysfs/procfs tree built in a
 * temporary directory: mounts (partition, dm slave, btrfs by name, bind
 * mount once), swap, network interfaces (up with addresses, through a
 * bridge, down, without address), boot VGA, framebuffer, bridges.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../guard.h"

#include "check.h"
static char root[256];


/* mkdir -p ROOT/path */
static void mkd(const char *path)
{
	char p[1024], *s;

	snprintf(p, sizeof(p), "%s/%s", root, path);
	for (s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	mkdir(p, 0755);
}

static void put(const char *path, const char *content)
{
	char p[1024];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, path);
	f = fopen(p, "w");
	if (!f) {
		perror(p);
		abort();
	}
	fputs(content, f);
	fclose(f);
}

/* ROOT/path -> target (relative, like sysfs) */
static void lnk(const char *target, const char *path)
{
	char p[1024], d[1024], *s;

	snprintf(p, sizeof(p), "%s/%s", root, path);
	snprintf(d, sizeof(d), "%s", path);
	s = strrchr(d, '/');
	if (s) {
		*s = '\0';
		mkd(d);
	}
	if (symlink(target, p)) {
		perror(p);
		abort();
	}
}

#define SATA "sys/devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda"
#define NVME "sys/devices/pci0000:00/0000:00:03.0/nvme/nvme0/nvme0n1"
#define SDB "sys/devices/pci0000:00/0000:00:17.0/ata2/host1/target1:0:0/1:0:0:0/block/sdb"

static void build(void)
{
	mkd(SATA "/sda1");
	mkd(SATA "/sda2");
	lnk("../../devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda/sda1",
	    "sys/dev/block/8:1");
	lnk("../../devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda/sda2",
	    "sys/class/block/sda2");
	mkd(NVME "/nvme0n1p1");
	mkd("sys/devices/virtual/block/dm-0/slaves");
	lnk("../../../../pci0000:00/0000:00:03.0/nvme/nvme0/nvme0n1/nvme0n1p1",
	    "sys/devices/virtual/block/dm-0/slaves/nvme0n1p1");
	lnk("../../devices/virtual/block/dm-0", "sys/dev/block/253:0");
	mkd(SDB "/sdb1");
	lnk("../../devices/pci0000:00/0000:00:17.0/ata2/host1/target1:0:0/1:0:0:0/block/sdb/sdb1",
	    "sys/class/block/sdb1");

	mkd("proc/self");
	put("proc/self/mountinfo",
	    "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
	    "23 22 253:0 / /home rw - xfs /dev/mapper/vg-home rw\n"
	    "24 22 0:45 / /data\\040x rw - btrfs /dev/sdb1 rw\n"
	    "25 22 0:22 / /proc rw - proc proc rw\n"
	    "26 22 8:1 /srv /srv rw - ext4 /dev/sda1 rw\n"
	    "garbage\n");
	put("proc/swaps",
	    "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
	    "/dev/sda2                               partition\t1000\t0\t-2\n");

	/* eth0: up, address; eth1: up, no address, in br0 (up, address);
	 * eth2: down with an address; eth3: up, no address. */
	mkd("sys/devices/pci0000:00/0000:00:19.0/net/eth0");
	put("sys/devices/pci0000:00/0000:00:19.0/net/eth0/flags", "0x1003\n");
	lnk("../../../0000:00:19.0", "sys/devices/pci0000:00/0000:00:19.0/net/eth0/device");
	lnk("../../devices/pci0000:00/0000:00:19.0/net/eth0", "sys/class/net/eth0");
	mkd("sys/devices/pci0000:00/0000:00:1a.0/net/eth1");
	put("sys/devices/pci0000:00/0000:00:1a.0/net/eth1/flags", "0x1003\n");
	lnk("../../../0000:00:1a.0", "sys/devices/pci0000:00/0000:00:1a.0/net/eth1/device");
	lnk("../../../../virtual/net/br0", "sys/devices/pci0000:00/0000:00:1a.0/net/eth1/upper_br0");
	lnk("../../devices/pci0000:00/0000:00:1a.0/net/eth1", "sys/class/net/eth1");
	mkd("sys/devices/virtual/net/br0");
	put("sys/devices/virtual/net/br0/flags", "0x1003\n");
	lnk("../../devices/virtual/net/br0", "sys/class/net/br0");
	mkd("sys/devices/pci0000:00/0000:00:1b.0/net/eth2");
	put("sys/devices/pci0000:00/0000:00:1b.0/net/eth2/flags", "0x1002\n");
	lnk("../../../0000:00:1b.0", "sys/devices/pci0000:00/0000:00:1b.0/net/eth2/device");
	lnk("../../devices/pci0000:00/0000:00:1b.0/net/eth2", "sys/class/net/eth2");
	mkd("sys/devices/pci0000:00/0000:00:1c.0/net/eth3");
	put("sys/devices/pci0000:00/0000:00:1c.0/net/eth3/flags", "0x1003\n");
	lnk("../../../0000:00:1c.0", "sys/devices/pci0000:00/0000:00:1c.0/net/eth3/device");
	lnk("../../devices/pci0000:00/0000:00:1c.0/net/eth3", "sys/class/net/eth3");

	/* boot VGA 00:02.0; fb1 on 01:00.0 behind the bridge 00:01.0 */
	mkd("sys/devices/pci0000:00/0000:00:02.0");
	put("sys/devices/pci0000:00/0000:00:02.0/class", "0x030000\n");
	put("sys/devices/pci0000:00/0000:00:02.0/boot_vga", "1\n");
	lnk("../../../devices/pci0000:00/0000:00:02.0", "sys/bus/pci/devices/0000:00:02.0");
	mkd("sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/graphics/fb1");
	put("sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/class", "0x030000\n");
	put("sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/boot_vga", "0\n");
	lnk("../../../devices/pci0000:00/0000:00:01.0/0000:01:00.0",
	    "sys/bus/pci/devices/0000:01:00.0");
	lnk("../../../0000:01:00.0",
	    "sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/graphics/fb1/device");
	lnk("../../devices/pci0000:00/0000:00:01.0/0000:01:00.0/graphics/fb1",
	    "sys/class/graphics/fb1");
	/* a non-display device whose boot_vga would say 1: ignored */
	mkd("sys/devices/pci0000:00/0000:00:1f.3");
	put("sys/devices/pci0000:00/0000:00:1f.3/class", "0x040300\n");
	put("sys/devices/pci0000:00/0000:00:1f.3/boot_vga", "1\n");
	lnk("../../../devices/pci0000:00/0000:00:1f.3", "sys/bus/pci/devices/0000:00:1f.3");
}

static int fake_has_address(const char *ifname, void *arg)
{
	(void)arg;
	return !strcmp(ifname, "eth0") || !strcmp(ifname, "br0") ||
	       !strcmp(ifname, "eth2");
}

static struct ig_guard_env env;
static struct ig_guard_hits hits;

/* Run the guard on one device; returns the number of hits. */
static size_t run1(const char *dev, bool bridge)
{
	struct ig_guard_dev d = { .name = dev, .bridge = bridge };

	ig_guard_hits_free(&hits);
	CHECK(ig_guard_check(&env, &d, 1, &hits) == 0);
	return hits.n;
}

static bool hit_has(const char *dev, const char *text)
{
	size_t i;

	for (i = 0; i < hits.n; i++)
		if (!strcmp(hits.hit[i].device, dev) &&
		    strstr(hits.hit[i].reason, text))
			return true;
	return false;
}

static void dump_hits(void)
{
	size_t i;

	for (i = 0; i < hits.n; i++)
		printf("  %s %s\n", hits.hit[i].device, hits.hit[i].reason);
}

int main(int argc, char **argv)
{
	char sys[300], proc[300];
	struct ig_guard_dev two[2] = {
		{ "0000:00:1f.2", false }, { "0000:00:19.0", false },
	};

	snprintf(root, sizeof(root), "%s/iogroup-guard.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	build();
	snprintf(sys, sizeof(sys), "%s/sys", root);
	snprintf(proc, sizeof(proc), "%s/proc", root);
	env.sysfs = sys;
	env.proc = proc;
	env.has_address = fake_has_address;

	/* partition mounted on / (the bind mount /srv is the same fs), swap */
	CHECK(run1("0000:00:1f.2", false) == 2);
	CHECK(hit_has("0000:00:1f.2", "backs the mounted file system / (ext4 on /dev/sda1)"));
	CHECK(hit_has("0000:00:1f.2", "backs the swap area /dev/sda2"));
	if (argc > 1 && !strcmp(argv[1], "-v"))
		dump_hits();
	/* dm-0 over an NVMe partition */
	CHECK(run1("0000:00:03.0", false) == 1);
	CHECK(hit_has("0000:00:03.0", "/home (xfs on /dev/mapper/vg-home)"));
	/* btrfs (anonymous 0:45) found by its source, escaped mount point */
	CHECK(run1("0000:00:17.0", false) == 1);
	CHECK(hit_has("0000:00:17.0", "/data x (btrfs on /dev/sdb1)"));
	/* network */
	CHECK(run1("0000:00:19.0", false) == 1);
	CHECK(hit_has("0000:00:19.0", "network interface eth0, which is up with addresses"));
	CHECK(run1("0000:00:1a.0", false) == 1);
	CHECK(hit_has("0000:00:1a.0", "eth1 (in br0, which is up"));
	CHECK(run1("0000:00:1b.0", false) == 0);	/* down */
	CHECK(run1("0000:00:1c.0", false) == 0);	/* no address */
	/* display */
	CHECK(run1("0000:00:02.0", false) == 1);
	CHECK(hit_has("0000:00:02.0", "boot display"));
	CHECK(run1("0000:01:00.0", false) == 1);
	CHECK(hit_has("0000:01:00.0", "framebuffer fb1"));
	CHECK(run1("0000:00:1f.3", false) == 0);	/* not a display */
	/* a bridge carries nothing; as a plain device it would */
	CHECK(run1("0000:00:01.0", true) == 0);
	CHECK(run1("0000:00:01.0", false) == 1);
	/* no prefix match: 0000:00:1f.20 is not 0000:00:1f.2 */
	CHECK(run1("0000:00:1f", false) == 0);
	CHECK(run1("0000:00:05.0", false) == 0);

	/* several devices at once */
	ig_guard_hits_free(&hits);
	CHECK(ig_guard_check(&env, two, 2, &hits) == 0);
	CHECK(hits.n == 3 && hit_has("0000:00:19.0", "eth0"));

	/* missing trees: nothing found, no error */
	env.sysfs = "/nonexistent/sys";
	env.proc = "/nonexistent/proc";
	CHECK(run1("0000:00:1f.2", false) == 0);

	/* the environment variables of the CLI */
	setenv("IOGROUP_SYSFS_ROOT", sys, 1);
	setenv("IOGROUP_PROC_ROOT", proc, 1);
	ig_guard_env_default(&env);
	CHECK(!strcmp(env.sysfs, sys) && !strcmp(env.proc, proc) &&
	      !env.has_address);
	unsetenv("IOGROUP_SYSFS_ROOT");
	unsetenv("IOGROUP_PROC_ROOT");
	ig_guard_env_default(&env);
	CHECK(!strcmp(env.sysfs, "/sys") && !strcmp(env.proc, "/proc"));
	/* the real host through getifaddrs(): must not fail */
	env.sysfs = sys;
	env.proc = proc;
	CHECK(run1("0000:00:05.0", false) == 0);
	ig_guard_hits_free(&hits);

	{
		char cmd[400];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		if (system(cmd) != 0)
			fprintf(stderr, "test_guard: could not remove %s\n", root);
	}
	if (failures) {
		fprintf(stderr, "test_guard: %d failure(s)\n", failures);
		return 1;
	}
	printf("test_guard: ok\n");
	return 0;
}
