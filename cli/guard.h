/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host-impact guard: would taking these devices away from their kernel
 * drivers hurt the host?  A device is "in use by the host" when it
 *  - backs a mounted file system or a swap area (directly, through a
 *    partition, or under a dm/md device through its slaves),
 *  - carries a network interface (or one enslaved to a bridge, bond, ...)
 *    that is up and has an address other than an IPv6 link-local one,
 *  - drives the console or the boot display (PCI display class with
 *    boot_vga = 1, or a framebuffer /sys/class/graphics/fbN of it).
 * A device "carries" what sysfs places below it: a resolved sysfs path
 * containing "/BDF/".  Bridges are skipped: claiming a bridge takes away
 * no device behind it.
 */
#ifndef IOGROUP_CLI_GUARD_H
#define IOGROUP_CLI_GUARD_H

#include <stdbool.h>
#include <stddef.h>

struct ig_guard_dev {
	const char *name;		/* "0000:00:02.0" */
	bool bridge;
};

struct ig_guard_env {
	const char *sysfs;		/* "/sys" */
	const char *proc;		/* "/proc" */
	/*
	 * Has interface @ifname an address (other than IPv6 link-local)?
	 * 1 yes, 0 no.  NULL: ask getifaddrs().
	 */
	int (*has_address)(const char *ifname, void *arg);
	void *arg;
};

struct ig_guard_hit {
	char device[64];
	char reason[400];		/* "backs the mounted file system /" */
};

struct ig_guard_hits {
	size_t n;
	struct ig_guard_hit *hit;
};

/* /sys and /proc, or IOGROUP_SYSFS_ROOT and IOGROUP_PROC_ROOT (tests). */
void ig_guard_env_default(struct ig_guard_env *env);

/*
 * Find what of the host depends on @devs.  Returns 0 with @out filled
 * (out->n = 0: nothing), or -ENOMEM.  Unreadable files count as nothing.
 */
int ig_guard_check(const struct ig_guard_env *env,
		   const struct ig_guard_dev *devs, size_t n,
		   struct ig_guard_hits *out);
void ig_guard_hits_free(struct ig_guard_hits *h);

#endif
