/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * iogroup: IOMMU group DMA-ownership inspection over generic netlink.
 *
 * This header is the single contract between the iogroup kernel module, the
 * iogroup CLI and the tests.  include/iogroup.yaml describes the same family
 * in YNL form.  The family is only visible in the initial network namespace.
 *
 * Wire rules:
 *  - Family name IOGROUP_FAMILY_NAME, version IOGROUP_FAMILY_VERSION (never
 *    bumped: the API only grows by appending commands and attributes).
 *  - Every request is strictly validated; an unknown attribute, a wrong type
 *    or length, or a missing attribute is refused with an errno and an extack
 *    message.
 *  - Queries (GROUP_GET, STATS_GET) are open to every user, like sysfs.
 *  - One group per dump message; devices are repeated nests inside it.
 *    Replies to GROUP_GET (do and dump) use command IOGROUP_CMD_GROUP_GET
 *    and always carry ID, DOMAIN, KERNEL_USERS, OWNER (with KIND), VIABLE
 *    and GENERATION; the other attributes only when they apply.
 *  - Anyone may join the "events" multicast group (like udev's uevents).
 *  - Strings are NUL terminated.  Counters are u64 (padded with the set's
 *    PAD attribute), identifiers u32.
 */
#ifndef _UAPI_LINUX_IOGROUP_H
#define _UAPI_LINUX_IOGROUP_H

#define IOGROUP_FAMILY_NAME	"iogroup"
#define IOGROUP_FAMILY_VERSION	1

/* Multicast group carrying IOGROUP_CMD_EVENT notifications. */
#define IOGROUP_MCGRP_EVENTS	"events"

/* Longest device name accepted in IOGROUP_A_GROUP_DEVICE_NAME, with NUL. */
#define IOGROUP_DEVICE_NAME_MAX	64

/**
 * enum iogroup_cmd - commands of the iogroup family
 * @IOGROUP_CMD_GROUP_GET: read the shadow of IOMMU groups.
 *	do: select one group by IOGROUP_A_GROUP_ID or by the name of one of
 *	its devices in IOGROUP_A_GROUP_DEVICE_NAME (exactly one of the two).
 *	Replies with one IOGROUP_CMD_GROUP_GET message.  -ENOENT: no such
 *	group; -ENODEV: no such device, or the device is in no IOMMU group.
 *	dump: one message per group, ordered by group id; IOGROUP_A_GROUP_ID
 *	or IOGROUP_A_GROUP_DEVICE_NAME narrow it to that group (a filter: no
 *	match, no message).
 * @IOGROUP_CMD_STATS_GET: module counters (do only, no attributes); reply
 *	attributes are in the "stats" set (IOGROUP_A_STATS_*).
 * @IOGROUP_CMD_EVENT: notification sent to the "events" multicast group;
 *	attributes are in the "event" set (IOGROUP_A_EVENT_*).  Not a request.
 * @IOGROUP_CMD_CLAIM: take a whole group away from the kernel: its DMA is
 *	blocked and no kernel DMA-API driver can bind to any of its devices
 *	(drivers that manage DMA themselves, vfio-pci and pci-stub, still
 *	can).  Needs CAP_SYS_ADMIN.  Attributes: IOGROUP_A_GROUP_ID
 *	(required), IOGROUP_A_GROUP_CLAIM_FLAGS (optional).  By default the
 *	claim belongs to the requesting socket and is released when it closes
 *	(process exit, crash, SIGKILL); IOGROUP_CLAIM_F_PERSISTENT makes it
 *	live until IOGROUP_CMD_RELEASE or module unload.  Errors: -ENOENT no
 *	such group; -EBUSY a kernel DMA-API driver is bound (without
 *	IOGROUP_CLAIM_F_UNBIND) or the group is owned already (extack names
 *	the device and driver, or the owner); -EPERM no CAP_SYS_ADMIN;
 *	-EOPNOTSUPP unknown flag bits.  Nothing is changed on error.
 * @IOGROUP_CMD_RELEASE: give a claimed group back: the default domain is
 *	restored (and, if the claim had IOGROUP_CLAIM_F_RESTORE, the drivers it
 *	unbound are probed again).  Needs CAP_SYS_ADMIN.  Attribute:
 *	IOGROUP_A_GROUP_ID.  -ENOENT if iogroup holds no claim on it.
 */
enum iogroup_cmd {
	IOGROUP_CMD_UNSPEC,
	IOGROUP_CMD_GROUP_GET,
	IOGROUP_CMD_STATS_GET,
	IOGROUP_CMD_EVENT,
	IOGROUP_CMD_CLAIM,
	IOGROUP_CMD_RELEASE,

	__IOGROUP_CMD_MAX
};
#define IOGROUP_CMD_MAX (__IOGROUP_CMD_MAX - 1)

/**
 * enum iogroup_domain_type - type of the domain a group is attached to now
 * @IOGROUP_DOMAIN_NONE: no domain attached (or the device is gone).
 * @IOGROUP_DOMAIN_BLOCKED: all DMA blocked (the kernel's blocking domain).
 * @IOGROUP_DOMAIN_IDENTITY: passthrough, DMA addresses are physical.
 * @IOGROUP_DOMAIN_UNMANAGED: a domain managed by a user (VFIO, KVM, iogroup
 *	on kernels without a blocking domain).
 * @IOGROUP_DOMAIN_DMA: the kernel's DMA-API translated domain (strict).
 * @IOGROUP_DOMAIN_DMA_FQ: DMA-API domain with a flush queue (lazy).
 * @IOGROUP_DOMAIN_OTHER: a type this version of iogroup does not name
 *	(SVA, nested, platform, ...).
 */
enum iogroup_domain_type {
	IOGROUP_DOMAIN_NONE,
	IOGROUP_DOMAIN_BLOCKED,
	IOGROUP_DOMAIN_IDENTITY,
	IOGROUP_DOMAIN_UNMANAGED,
	IOGROUP_DOMAIN_DMA,
	IOGROUP_DOMAIN_DMA_FQ,
	IOGROUP_DOMAIN_OTHER,
};

/**
 * enum iogroup_owner_kind - who owns the DMA of a group
 * @IOGROUP_OWNER_NONE: nobody: no driver that uses the kernel DMA API is
 *	bound and no user-space owner holds the group.
 * @IOGROUP_OWNER_KERNEL: the kernel: at least one device of the group is
 *	bound to a driver that uses the kernel DMA API.
 * @IOGROUP_OWNER_USER: a user-space owner (VFIO, iommufd) claimed the group
 *	through the kernel's DMA-ownership interface; see the owner nest.
 * @IOGROUP_OWNER_IOGROUP: claimed through IOGROUP_CMD_CLAIM; the owner nest
 *	gives the claiming process and whether the claim is persistent.
 */
enum iogroup_owner_kind {
	IOGROUP_OWNER_NONE,
	IOGROUP_OWNER_KERNEL,
	IOGROUP_OWNER_USER,
	IOGROUP_OWNER_IOGROUP,
};

/**
 * enum iogroup_claim_flags - bits of IOGROUP_A_GROUP_CLAIM_FLAGS
 * @IOGROUP_CLAIM_F_UNBIND: unbind the kernel DMA-API drivers of the group
 *	first.  The veto on kernel drivers is armed before, so that no driver
 *	can bind in between (udev, a rescan, a racing bind).
 * @IOGROUP_CLAIM_F_RESTORE: with IOGROUP_CLAIM_F_UNBIND, probe the devices
 *	it unbound again when the claim is released.
 * @IOGROUP_CLAIM_F_PERSISTENT: the claim outlives the requesting socket.
 */
enum iogroup_claim_flags {
	IOGROUP_CLAIM_F_UNBIND = 1U << 0,
	IOGROUP_CLAIM_F_RESTORE = 1U << 1,
	IOGROUP_CLAIM_F_PERSISTENT = 1U << 2,
};
#define __IOGROUP_CLAIM_F_ALL	(IOGROUP_CLAIM_F_UNBIND |		\
				 IOGROUP_CLAIM_F_RESTORE |		\
				 IOGROUP_CLAIM_F_PERSISTENT)

/**
 * enum iogroup_event_type - value of IOGROUP_A_EVENT_TYPE
 * @IOGROUP_EVENT_DEVICE_BOUND: a driver was bound to a device (DEVICE,
 *	DRIVER, GROUP_ID).
 * @IOGROUP_EVENT_DEVICE_UNBOUND: a driver was unbound from a device.
 * @IOGROUP_EVENT_BIND_FAILED: a driver's probe of a device failed (ERRNO
 *	holds the positive errno; EPROBE_DEFER (517) for a deferral).
 * @IOGROUP_EVENT_GROUP_ADDED: a new IOMMU group appeared (GROUP_ID).
 * @IOGROUP_EVENT_GROUP_REMOVED: an IOMMU group disappeared (GROUP_ID).
 * @IOGROUP_EVENT_OWNER_CHANGED: the group's owner changed (OWNER, and PID
 *	and COMM for a user-space owner).
 * @IOGROUP_EVENT_DOMAIN_CHANGED: the group's current domain type changed
 *	(DOMAIN).
 * @IOGROUP_EVENT_DEVICE_ADDED: a device joined a group (DEVICE, GROUP_ID).
 * @IOGROUP_EVENT_DEVICE_REMOVED: a device left a group (DEVICE, GROUP_ID).
 * @IOGROUP_EVENT_RESYNC: the module lost probe events (kretprobe instances
 *	exhausted) and rebuilt the shadow from the kernel; listeners should
 *	re-read the groups.
 * @IOGROUP_EVENT_DRIFT: the group's shadow started to disagree with the
 *	kernel (DRIFT holds the text) or agrees again (no DRIFT).
 */
enum iogroup_event_type {
	IOGROUP_EVENT_UNSPEC,
	IOGROUP_EVENT_DEVICE_BOUND,
	IOGROUP_EVENT_DEVICE_UNBOUND,
	IOGROUP_EVENT_BIND_FAILED,
	IOGROUP_EVENT_GROUP_ADDED,
	IOGROUP_EVENT_GROUP_REMOVED,
	IOGROUP_EVENT_OWNER_CHANGED,
	IOGROUP_EVENT_DOMAIN_CHANGED,
	IOGROUP_EVENT_DEVICE_ADDED,
	IOGROUP_EVENT_DEVICE_REMOVED,
	IOGROUP_EVENT_RESYNC,
	IOGROUP_EVENT_DRIFT,
};

/**
 * enum iogroup_a_group - attributes of a group ("group" set)
 * @IOGROUP_A_GROUP_ID: u32, the IOMMU group number (as in
 *	/sys/kernel/iommu_groups/N).  Request selector of GROUP_GET do; always
 *	present in replies.
 * @IOGROUP_A_GROUP_DEVICE_NAME: string, request only: select the group of
 *	this device (a PCI address such as "0000:00:02.0" or any device name
 *	in sysfs).  At most IOGROUP_DEVICE_NAME_MAX bytes with the NUL.
 * @IOGROUP_A_GROUP_DOMAIN: u32, enum iogroup_domain_type of the domain the
 *	group is attached to now.
 * @IOGROUP_A_GROUP_DEFAULT_DOMAIN: u32, enum iogroup_domain_type of the
 *	group's default domain (what the kernel's DMA API uses), as last seen
 *	while the group had no user-space owner; absent if never seen.
 * @IOGROUP_A_GROUP_KERNEL_USERS: u32, number of devices of the group bound
 *	to a driver that uses the kernel DMA API.
 * @IOGROUP_A_GROUP_OWNER: nest, "owner" set: who owns the group's DMA.
 * @IOGROUP_A_GROUP_VIABLE: u8, 1 if VFIO would accept the group (every
 *	device is unbound, bound to a driver that manages DMA itself, or a
 *	bridge), 0 if not; the devices at fault carry
 *	IOGROUP_A_DEVICE_BLOCKS_VIABILITY.
 * @IOGROUP_A_GROUP_DEVICE: nest, "device" set; repeated, once per device.
 * @IOGROUP_A_GROUP_KERNEL_CLAIMED: u8, present only on kernels that have
 *	iommu_group_dma_owner_claimed(): its value (1 when a kernel driver or
 *	an owner holds the group).  What the shadow is checked against.
 * @IOGROUP_A_GROUP_DRIFT: string, present only when the shadow disagrees
 *	with the kernel: what disagrees, in words.
 * @IOGROUP_A_GROUP_GENERATION: u64, changes whenever this group's shadow
 *	changes.
 * @IOGROUP_A_GROUP_PAD: padding for u64 attributes, ignore.
 * @IOGROUP_A_GROUP_CLAIM_FLAGS: u32, request of CLAIM only: enum
 *	iogroup_claim_flags; absent means 0.
 * @IOGROUP_A_GROUP_VERIFY: flag, request of GROUP_GET (do and dump): check
 *	the shadow against the kernel now, before replying, so that DRIFT is
 *	current (otherwise it is as of the last change or periodic check).
 */
enum iogroup_a_group {
	IOGROUP_A_GROUP_UNSPEC,
	IOGROUP_A_GROUP_ID,
	IOGROUP_A_GROUP_DEVICE_NAME,
	IOGROUP_A_GROUP_DOMAIN,
	IOGROUP_A_GROUP_DEFAULT_DOMAIN,
	IOGROUP_A_GROUP_KERNEL_USERS,
	IOGROUP_A_GROUP_OWNER,
	IOGROUP_A_GROUP_VIABLE,
	IOGROUP_A_GROUP_DEVICE,
	IOGROUP_A_GROUP_KERNEL_CLAIMED,
	IOGROUP_A_GROUP_DRIFT,
	IOGROUP_A_GROUP_GENERATION,
	IOGROUP_A_GROUP_PAD,
	IOGROUP_A_GROUP_CLAIM_FLAGS,
	IOGROUP_A_GROUP_VERIFY,

	__IOGROUP_A_GROUP_MAX
};
#define IOGROUP_A_GROUP_MAX (__IOGROUP_A_GROUP_MAX - 1)

/**
 * enum iogroup_a_device - attributes of a device ("device" set)
 * @IOGROUP_A_DEVICE_NAME: string, the device name (PCI: "0000:00:02.0").
 * @IOGROUP_A_DEVICE_BUS: string, bus name ("pci", "platform", ...).
 * @IOGROUP_A_DEVICE_VENDOR: u16, PCI vendor id (PCI devices only).
 * @IOGROUP_A_DEVICE_DEVICE: u16, PCI device id (PCI devices only).
 * @IOGROUP_A_DEVICE_CLASS: u32, PCI class code, 24 bits (PCI only).
 * @IOGROUP_A_DEVICE_BRIDGE: flag, the device is a PCI bridge (its header
 *	type is not "normal").
 * @IOGROUP_A_DEVICE_DRIVER: string, the bound driver; absent if unbound.
 * @IOGROUP_A_DEVICE_DRIVER_MANAGED_DMA: flag, the bound driver manages DMA
 *	itself (driver_managed_dma, or on kernels without it VFIO's
 *	allow-list: vfio drivers and pci-stub) and is no kernel DMA user.
 * @IOGROUP_A_DEVICE_KERNEL_DMA: flag, the bound driver uses the kernel DMA
 *	API: it counts in IOGROUP_A_GROUP_KERNEL_USERS.
 * @IOGROUP_A_DEVICE_BLOCKS_VIABILITY: flag, this device is why the group is
 *	not viable for VFIO.
 * @IOGROUP_A_DEVICE_LAST_ERRNO: u32, positive errno of the last failed
 *	probe of this device since the module loaded; absent if none failed.
 * @IOGROUP_A_DEVICE_LAST_FAILED_DRIVER: string, driver of that failed probe.
 */
enum iogroup_a_device {
	IOGROUP_A_DEVICE_UNSPEC,
	IOGROUP_A_DEVICE_NAME,
	IOGROUP_A_DEVICE_BUS,
	IOGROUP_A_DEVICE_VENDOR,
	IOGROUP_A_DEVICE_DEVICE,
	IOGROUP_A_DEVICE_CLASS,
	IOGROUP_A_DEVICE_BRIDGE,
	IOGROUP_A_DEVICE_DRIVER,
	IOGROUP_A_DEVICE_DRIVER_MANAGED_DMA,
	IOGROUP_A_DEVICE_KERNEL_DMA,
	IOGROUP_A_DEVICE_BLOCKS_VIABILITY,
	IOGROUP_A_DEVICE_LAST_ERRNO,
	IOGROUP_A_DEVICE_LAST_FAILED_DRIVER,

	__IOGROUP_A_DEVICE_MAX
};
#define IOGROUP_A_DEVICE_MAX (__IOGROUP_A_DEVICE_MAX - 1)

/**
 * enum iogroup_a_owner - attributes of the owner nest ("owner" set)
 * @IOGROUP_A_OWNER_KIND: u32, enum iogroup_owner_kind.  Always present.
 * @IOGROUP_A_OWNER_PID: u32, user-space owner: pid (thread group id, in the
 *	initial pid namespace) of the process that claimed the group.
 * @IOGROUP_A_OWNER_COMM: string, user-space owner: its command name.
 * @IOGROUP_A_OWNER_CALLER: string, user-space owner: the kernel function
 *	that claimed ownership, with its module, e.g.
 *	"vfio_container_attach_group [vfio]".
 * @IOGROUP_A_OWNER_SINCE: u64, user-space owner: CLOCK_BOOTTIME in ns when
 *	the claim was taken.
 * @IOGROUP_A_OWNER_PAD: padding for u64 attributes, ignore.
 * @IOGROUP_A_OWNER_PERSISTENT: flag, iogroup claim: it outlives its socket.
 * @IOGROUP_A_OWNER_RESTORE: flag, iogroup claim: the drivers it unbound are
 *	probed again on release.
 * @IOGROUP_A_OWNER_UNBOUND: string, iogroup claim: a device whose driver
 *	the claim unbound, as "device driver"; repeated.
 *
 * For a user-space owner or an iogroup claim, PID, COMM and SINCE describe
 * the process that claimed the group.  An owner that claimed the group
 * before iogroup was loaded has no PID.
 */
enum iogroup_a_owner {
	IOGROUP_A_OWNER_UNSPEC,
	IOGROUP_A_OWNER_KIND,
	IOGROUP_A_OWNER_PID,
	IOGROUP_A_OWNER_COMM,
	IOGROUP_A_OWNER_CALLER,
	IOGROUP_A_OWNER_SINCE,
	IOGROUP_A_OWNER_PAD,
	IOGROUP_A_OWNER_PERSISTENT,
	IOGROUP_A_OWNER_RESTORE,
	IOGROUP_A_OWNER_UNBOUND,

	__IOGROUP_A_OWNER_MAX
};
#define IOGROUP_A_OWNER_MAX (__IOGROUP_A_OWNER_MAX - 1)

/**
 * enum iogroup_a_stats - reply attributes of STATS_GET ("stats" set)
 *
 * All u64 counters count from module load.
 * @IOGROUP_A_STATS_PROBE_HITS: really_probe returns seen.
 * @IOGROUP_A_STATS_PROBE_BOUND: of those, probes that bound the driver.
 * @IOGROUP_A_STATS_PROBE_FAILED: of those, probes that failed.
 * @IOGROUP_A_STATS_RELEASE_HITS: driver-release hook hits: 5.10's
 *	__device_release_driver(); 6.1+ device_unbind_cleanup(), which a
 *	failed probe's cleanup passes too.
 * @IOGROUP_A_STATS_CLAIM_HITS: kernel DMA-owner claims seen.
 * @IOGROUP_A_STATS_UNCLAIM_HITS: kernel DMA-owner releases seen.
 * @IOGROUP_A_STATS_PROBE_MISSED: really_probe kretprobe instances missed
 *	(the kretprobe's nmissed; each one triggers a resync).
 * @IOGROUP_A_STATS_KPROBE_MISSED: sum of nmissed over the plain kprobes.
 * @IOGROUP_A_STATS_EVENTS_SENT: notifications sent to "events".
 * @IOGROUP_A_STATS_EVENTS_DROPPED: notifications lost (no memory).
 * @IOGROUP_A_STATS_RESYNCS: full rebuilds of the shadow from the kernel.
 * @IOGROUP_A_STATS_DRIFT_CHECKS: group checks against the kernel.
 * @IOGROUP_A_STATS_DRIFT_FOUND: checks that found a disagreement.
 * @IOGROUP_A_STATS_DRIFT_GROUPS: u32, groups that disagree now.
 * @IOGROUP_A_STATS_GROUPS: u32, groups in the shadow now.
 * @IOGROUP_A_STATS_DEVICES: u32, devices in the shadow now.
 * @IOGROUP_A_STATS_HOOKS: string, the kernel functions probed, comma
 *	separated (they differ between kernel versions).
 * @IOGROUP_A_STATS_PAD: padding for u64 attributes, ignore.
 * @IOGROUP_A_STATS_BYTES: u64, memory the shadow holds now, in bytes
 *	(GROUP_BYTES + DEVICE_BYTES).
 * @IOGROUP_A_STATS_VETOES: u64, kernel DMA-API driver binds refused
 *	because their group was claimed through iogroup.
 * @IOGROUP_A_STATS_CLAIMS: u32, iogroup claims held now.
 * @IOGROUP_A_STATS_CLAIMS_TOTAL: u64, claims taken since load.
 * @IOGROUP_A_STATS_AUTO_RELEASES: u64, claims released because their
 *	socket closed.
 * @IOGROUP_A_STATS_GROUP_BYTES: u64, memory the shadow's groups hold now,
 *	in bytes, as allocated (the slab object sizes, ksize()): divided by
 *	GROUPS, the cost of one group.
 * @IOGROUP_A_STATS_DEVICE_BYTES: u64, the same for its devices (divided by
 *	DEVICES, the cost of one device).  BYTES is their sum.
 * @IOGROUP_A_STATS_RING_BYTES: u64, memory the ring that carries the
 *	hooks' events to the worker holds, in bytes: fixed at load, whatever
 *	the number of groups (not in BYTES).
 */
enum iogroup_a_stats {
	IOGROUP_A_STATS_UNSPEC,
	IOGROUP_A_STATS_PROBE_HITS,
	IOGROUP_A_STATS_PROBE_BOUND,
	IOGROUP_A_STATS_PROBE_FAILED,
	IOGROUP_A_STATS_RELEASE_HITS,
	IOGROUP_A_STATS_CLAIM_HITS,
	IOGROUP_A_STATS_UNCLAIM_HITS,
	IOGROUP_A_STATS_PROBE_MISSED,
	IOGROUP_A_STATS_KPROBE_MISSED,
	IOGROUP_A_STATS_EVENTS_SENT,
	IOGROUP_A_STATS_EVENTS_DROPPED,
	IOGROUP_A_STATS_RESYNCS,
	IOGROUP_A_STATS_DRIFT_CHECKS,
	IOGROUP_A_STATS_DRIFT_FOUND,
	IOGROUP_A_STATS_DRIFT_GROUPS,
	IOGROUP_A_STATS_GROUPS,
	IOGROUP_A_STATS_DEVICES,
	IOGROUP_A_STATS_HOOKS,
	IOGROUP_A_STATS_PAD,
	IOGROUP_A_STATS_BYTES,
	IOGROUP_A_STATS_VETOES,
	IOGROUP_A_STATS_CLAIMS,
	IOGROUP_A_STATS_CLAIMS_TOTAL,
	IOGROUP_A_STATS_AUTO_RELEASES,
	IOGROUP_A_STATS_GROUP_BYTES,
	IOGROUP_A_STATS_DEVICE_BYTES,
	IOGROUP_A_STATS_RING_BYTES,

	__IOGROUP_A_STATS_MAX
};
#define IOGROUP_A_STATS_MAX (__IOGROUP_A_STATS_MAX - 1)

/**
 * enum iogroup_a_event - attributes of IOGROUP_CMD_EVENT ("event" set)
 * @IOGROUP_A_EVENT_TYPE: u32, enum iogroup_event_type.  Always present.
 * @IOGROUP_A_EVENT_SEQ: u64, sequence number, +1 per event sent; a gap
 *	means the listener lost events (socket overrun).
 * @IOGROUP_A_EVENT_TIMESTAMP: u64, CLOCK_BOOTTIME in ns of the change.
 * @IOGROUP_A_EVENT_GROUP_ID: u32, the group concerned.
 * @IOGROUP_A_EVENT_DEVICE: string, the device concerned, if any.
 * @IOGROUP_A_EVENT_DRIVER: string, the driver concerned, if any.
 * @IOGROUP_A_EVENT_ERRNO: u32, BIND_FAILED: positive errno of the probe.
 * @IOGROUP_A_EVENT_OWNER: u32, OWNER_CHANGED: new enum iogroup_owner_kind.
 * @IOGROUP_A_EVENT_PID: u32, OWNER_CHANGED to a user owner: its pid.
 * @IOGROUP_A_EVENT_COMM: string, OWNER_CHANGED to a user owner: command.
 * @IOGROUP_A_EVENT_DOMAIN: u32, DOMAIN_CHANGED: new enum
 *	iogroup_domain_type.
 * @IOGROUP_A_EVENT_PAD: padding for u64 attributes, ignore.
 * @IOGROUP_A_EVENT_DRIFT: string, DRIFT: what disagrees.
 */
enum iogroup_a_event {
	IOGROUP_A_EVENT_UNSPEC,
	IOGROUP_A_EVENT_TYPE,
	IOGROUP_A_EVENT_SEQ,
	IOGROUP_A_EVENT_TIMESTAMP,
	IOGROUP_A_EVENT_GROUP_ID,
	IOGROUP_A_EVENT_DEVICE,
	IOGROUP_A_EVENT_DRIVER,
	IOGROUP_A_EVENT_ERRNO,
	IOGROUP_A_EVENT_OWNER,
	IOGROUP_A_EVENT_PID,
	IOGROUP_A_EVENT_COMM,
	IOGROUP_A_EVENT_DOMAIN,
	IOGROUP_A_EVENT_PAD,
	IOGROUP_A_EVENT_DRIFT,

	__IOGROUP_A_EVENT_MAX
};
#define IOGROUP_A_EVENT_MAX (__IOGROUP_A_EVENT_MAX - 1)

#endif /* _UAPI_LINUX_IOGROUP_H */
