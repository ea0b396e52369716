/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shadow: iogroup's own copy of every IOMMU group's ownership state.
 *
 * Locking: the shadow (groups, devices, counters below iogroup_lock) is only
 * touched in process context with iogroup_lock held.  The kprobe handlers in
 * hooks.c never touch it: they queue a struct iogroup_hook_event (under a
 * spinlock) and kick the worker, which applies the events and sends the
 * notifications.
 */
#ifndef _IOGROUP_SHADOW_H
#define _IOGROUP_SHADOW_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <linux/xarray.h>
#include <linux/iogroup.h>

struct device;
struct iommu_group;

#define IOGROUP_DRIVER_NAME_MAX	48
#define IOGROUP_BUS_NAME_MAX	16
#define IOGROUP_DRIFT_MAX	256

/* One device of a group, as the shadow knows it. */
struct iogroup_dev {
	struct list_head node;		/* in iogroup_grp.devs, by name */
	struct device *dev;		/* get_device() reference */
	char name[IOGROUP_DEVICE_NAME_MAX];
	char bus[IOGROUP_BUS_NAME_MAX];
	bool is_pci;
	bool bridge;
	u16 vendor;
	u16 device;
	u32 class;
	char driver[IOGROUP_DRIVER_NAME_MAX];	/* "" when unbound */
	bool managed_dma;		/* bound driver manages DMA itself */
	bool unsettled;			/* resync snapshot: lock was busy */
	int last_errno;			/* positive, 0 if none failed */
	char last_failed_driver[IOGROUP_DRIVER_NAME_MAX];
};

/* A user-space owner that claimed the group through the kernel. */
struct iogroup_user_owner {
	bool valid;
	bool iogroup;			/* an IOGROUP_CMD_CLAIM of ours */
	pid_t pid;
	char comm[TASK_COMM_LEN];
	unsigned long caller;		/* return address of the claim */
	u64 since;			/* CLOCK_BOOTTIME ns */
};

/* One IOMMU group. */
struct iogroup_grp {
	u32 id;
	struct iommu_group *grp;	/* iommu_group_get() reference */
	struct list_head devs;
	unsigned int ndevs;
	enum iogroup_domain_type domain;
	enum iogroup_domain_type default_domain;	/* NONE: not seen */
	struct iogroup_user_owner user;
	int kernel_claimed;		/* -1: kernel cannot tell */
	char drift[IOGROUP_DRIFT_MAX];	/* "" when in agreement */
	u64 generation;
	struct list_head dirty;		/* in the list of groups to verify */
	/* derived by iogroup_grp_derive() */
	u32 kernel_users;
	enum iogroup_owner_kind owner;
	bool viable;
};

/* Counters, exposed by STATS_GET. */
struct iogroup_stats {
	atomic64_t probe_hits;
	atomic64_t probe_bound;
	atomic64_t probe_failed;
	atomic64_t release_hits;
	atomic64_t claim_hits;
	atomic64_t unclaim_hits;
	atomic64_t events_sent;
	atomic64_t events_dropped;
	atomic64_t hook_events_dropped;
	atomic64_t resyncs;
	atomic64_t drift_checks;
	atomic64_t drift_found;
	atomic64_t vetoes;
	atomic64_t claims_total;
	atomic64_t auto_releases;
};

/* What a kprobe handler hands to the worker. */
enum iogroup_hook_type {
	IOGROUP_HOOK_BOUND,
	IOGROUP_HOOK_UNBOUND,
	IOGROUP_HOOK_BIND_FAILED,
	IOGROUP_HOOK_CLAIMED,
	IOGROUP_HOOK_UNCLAIMED,
	IOGROUP_HOOK_MEMBERSHIP,	/* a device joined or left a group */
	IOGROUP_HOOK_DOMAIN,		/* a domain was attached or detached */
};

/* A slot of the event ring (shadow.c), filled by iogroup_hook_queue(). */
struct iogroup_hook_event {
	enum iogroup_hook_type type;
	struct device *dev;		/* get_device() reference, or NULL */
	u32 group_id;
	bool has_group;
	char driver[IOGROUP_DRIVER_NAME_MAX];
	bool managed_dma;
	int err;			/* positive errno */
	pid_t pid;
	char comm[TASK_COMM_LEN];
	unsigned long caller;
	const void *cookie;		/* DMA owner cookie of a claim */
	u64 ts;		/* local_clock() in the hook; boottime once applied */
};

extern struct mutex iogroup_lock;
extern struct xarray iogroup_groups;	/* id -> struct iogroup_grp */
extern struct iogroup_stats iogroup_stats;
extern u64 iogroup_generation;		/* whole shadow, for dumps */
extern atomic_t iogroup_inflight;	/* claims, domain switches under way */

int iogroup_shadow_init(void);
void iogroup_shadow_start(void);
void iogroup_shadow_stop(void);
void iogroup_shadow_exit(void);
void iogroup_hook_event_init(struct iogroup_hook_event *ev,
			     enum iogroup_hook_type type);
void iogroup_hook_queue(const struct iogroup_hook_event *ev,
			struct device *dev);
u64 iogroup_ring_bytes(void);
void iogroup_shadow_flush(void);
void iogroup_shadow_device_removed(struct device *dev);
void iogroup_shadow_verify_all(void);
struct iogroup_grp *iogroup_grp_by_device(const char *name);
int iogroup_read_group(struct iommu_group *grp, struct list_head *devs);
void iogroup_free_devs(struct list_head *devs);
bool iogroup_dev_kernel_dma(const struct iogroup_dev *d);
bool iogroup_dev_blocks_viability(const struct iogroup_dev *d);
void iogroup_shadow_counts(u32 *groups, u32 *devices, u64 *grp_bytes,
			   u64 *dev_bytes, u32 *drift);

/* Implemented in hooks.c. */
int iogroup_hooks_init(void);
void iogroup_hooks_exit(void);
unsigned long iogroup_hooks_probe_missed(void);
unsigned long iogroup_hooks_kprobe_missed(void);
const char *iogroup_hooks_names(void);
int iogroup_veto_arm(const char **sym);
bool iogroup_driver_manages_dma(struct device *dev, struct device_driver *drv);

/* Implemented in claim.c. */
struct netlink_ext_ack;
int iogroup_claims_init(void);
void iogroup_claims_exit(void);
int iogroup_claim(u32 id, u32 flags, u32 portid,
		  struct netlink_ext_ack *extack);
int iogroup_release(u32 id, struct netlink_ext_ack *extack);
bool iogroup_claim_is_ours(u32 id, const void *cookie);
bool iogroup_vetoed(u32 id);
u32 iogroup_claims_count(void);
struct sk_buff;
int iogroup_claim_put_owner(struct sk_buff *skb, u32 id);

/* Implemented in netlink.c. */
int iogroup_nl_init(void);
void iogroup_nl_exit(void);
bool iogroup_nl_listened(void);
void iogroup_nl_notify(enum iogroup_event_type type,
		       const struct iogroup_grp *g, const char *device,
		       const char *driver, int err, u64 ts);

#endif /* _IOGROUP_SHADOW_H */
