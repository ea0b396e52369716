// SPDX-License-Identifier: GPL-2.0
/*
 * Claims: taking a whole IOMMU group away from the kernel.
 *
 * A claim arms the veto first (hooks.c refuses every kernel DMA-API driver
 * that tries to bind to a device of a vetoed group), then unbinds the kernel
 * DMA-API drivers if asked to, then takes DMA ownership of the group, which
 * switches it to a domain that blocks all DMA.  No driver can slip in
 * between.  Where the kernel's DMA ownership refuses those drivers by itself
 * (5.19+), a claim needs the veto only while it unbinds them; on 5.10 while
 * it is held.  The first claim that needs it arms it, and it stays armed
 * until unload (hooks.c), vetoing only claimed groups.  Releasing gives
 * ownership back (the default domain returns), unpublishes the claim, which
 * ends the veto on its group, and, if asked to, probes the unbound devices
 * again.
 *
 * A claim belongs to the netlink socket that made it unless it is
 * persistent: the NETLINK_URELEASE notifier sees the socket close (exit,
 * crash, SIGKILL) and a worker releases its claims.
 *
 * Locking: iogroup_claim_lock serialises claims and releases and may be
 * held while drivers are unbound or probed, which calls the PCI bus
 * notifiers: so the bus notifier never takes it (a PF's remove deletes its
 * VFs from inside a claim's unbind).  It nests outside iogroup_lock.
 * Readers in atomic context (the veto, the netlink notifier) use RCU; the
 * bus notifier takes a reference on the claim it ends.
 */
#include <linux/device.h>
#include <linux/hashtable.h>
#include <linux/iommu.h>
#include <linux/kallsyms.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/pci.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/net_namespace.h>
#include <net/netlink.h>

#include "shadow.h"

/* A device whose driver a claim unbound. */
struct iogroup_unbound {
	struct list_head node;
	struct device *dev;		/* get_device() reference */
	char driver[IOGROUP_DRIVER_NAME_MAX];
};

struct iogroup_claim {
	struct hlist_node node;		/* in iogroup_claims */
	u32 group_id;
	struct iommu_group *grp;	/* iommu_group_ref_get() reference */
	u32 portid;			/* the socket it belongs to */
	bool persistent;
	bool restore;
	bool owned;			/* claimed: the unbound list is complete */
	unsigned long flags;		/* IOGROUP_CLAIM_* bits */
	struct mutex own_lock;		/* taking, giving back DMA ownership */
	refcount_t ref;			/* iogroup_claims', the notifier's */
	pid_t pid;
	char comm[TASK_COMM_LEN];
	u64 since;
	struct list_head unbound;
	struct iogroup_compat_claim compat;
	struct rcu_work free_work;	/* frees it after a grace period */
};

/* struct iogroup_claim flags */
enum {
	IOGROUP_CLAIM_HELD,	/* DMA ownership held (own_lock) */
	IOGROUP_CLAIM_CLOSED,	/* its socket closed: the reaper releases it */
	IOGROUP_CLAIM_GONE,	/* its group's last device is leaving (own_lock) */
};

static DEFINE_MUTEX(iogroup_claim_lock);
/*
 * The claims by group id, written under iogroup_claim_lock, read under RCU.
 * A group's kernel drivers are refused (the veto) while it is in here.  A
 * hash table, not an xarray: a claim+release on a VM's start path then
 * allocates and frees nothing but the claim.
 */
static DEFINE_HASHTABLE(iogroup_claims, 6);
/*
 * PCI devices between BUS_NOTIFY_DEL_DEVICE and BUS_NOTIFY_REMOVED_DEVICE
 * (where the IOMMU core takes them out of their group), indexed by the
 * device's address: xa_mk_value(group id).  Their groups take no new claim
 * meanwhile: one made there would outlive the group's last device, which
 * the IOMMU core WARNs about on 6.6+.  Written by the bus notifier only.
 */
static DEFINE_XARRAY(iogroup_leaving);

/* The claim of group @id.  RCU read side, or iogroup_claim_lock held. */
static struct iogroup_claim *iogroup_claim_find(u32 id)
{
	struct iogroup_claim *c;

	hash_for_each_possible_rcu(iogroup_claims, c, node, id,
				   lockdep_is_held(&iogroup_claim_lock))
		if (c->group_id == id)
			return c;
	return NULL;
}

static void iogroup_reaper_fn(struct work_struct *work);
static DECLARE_WORK(iogroup_reaper, iogroup_reaper_fn);
/* frees released claims once no RCU reader can see them */
static struct workqueue_struct *iogroup_claims_wq;

/*
 * An extack message with the names of what is at fault.  Kernels before
 * v6.2 ("netlink: add support for formatted extack messages") keep only a
 * pointer to the message, read when the ack is built right after the
 * handler returns: the text goes to a slot of a small ring, which claims
 * (CAP_SYS_ADMIN, a handful at a time) never wrap around in that time.
 */
#define IOGROUP_MSG_SLOTS	32
#define IOGROUP_MSG_LEN		160
static char iogroup_msgs[IOGROUP_MSG_SLOTS][IOGROUP_MSG_LEN];
static atomic_t iogroup_msg_next = ATOMIC_INIT(0);

static __printf(2, 3)
void iogroup_errmsg(struct netlink_ext_ack *extack, const char *fmt, ...)
{
	unsigned int slot;
	va_list args;
	char *msg;

	if (!extack)
		return;
	slot = (unsigned int)atomic_inc_return(&iogroup_msg_next);
	msg = iogroup_msgs[slot % IOGROUP_MSG_SLOTS];
	va_start(args, fmt);
	vsnprintf(msg, IOGROUP_MSG_LEN, fmt, args);
	va_end(args);
	iogroup_compat_set_errmsg(extack, msg);
}

/**
 * iogroup_vetoed() - are kernel DMA-API drivers refused in group @id?
 * @id: group id
 *
 * Any context.
 *
 * Return: true if a claim armed the veto on it.
 */
bool iogroup_vetoed(u32 id)
{
	bool vetoed;

	rcu_read_lock();
	vetoed = iogroup_claim_find(id);
	rcu_read_unlock();
	return vetoed;
}

/**
 * iogroup_claim_is_ours() - is @cookie the DMA owner of an iogroup claim?
 * @id: group id
 * @cookie: the owner passed to iommu_group_claim_dma_owner()
 *
 * Return: true if iogroup's claim of group @id took ownership with it.
 */
bool iogroup_claim_is_ours(u32 id, const void *cookie)
{
	struct iogroup_claim *c;
	bool ours;

	rcu_read_lock();
	c = iogroup_claim_find(id);
	ours = cookie && c &&
	       iogroup_compat_claim_cookie(&c->compat, c) == cookie;
	rcu_read_unlock();
	return ours;
}

/**
 * iogroup_claims_count() - claims held now
 *
 * Claims whose group is going away (left for the reaper) are none.
 *
 * Return: their number.
 */
u32 iogroup_claims_count(void)
{
	struct iogroup_claim *c;
	unsigned int bkt;
	u32 n = 0;

	rcu_read_lock();
	hash_for_each_rcu(iogroup_claims, bkt, c, node)
		if (!test_bit(IOGROUP_CLAIM_GONE, &c->flags))
			n++;
	rcu_read_unlock();
	return n;
}

/**
 * iogroup_claim_put_owner() - the claim's part of the owner nest
 * @skb: message, inside the owner nest
 * @id: group id
 *
 * Return: 0 or -EMSGSIZE.
 */
int iogroup_claim_put_owner(struct sk_buff *skb, u32 id)
{
	char text[IOGROUP_DEVICE_NAME_MAX + IOGROUP_DRIVER_NAME_MAX + 1];
	struct iogroup_unbound *u;
	struct iogroup_claim *c;
	int ret = 0;

	rcu_read_lock();
	c = iogroup_claim_find(id);
	/* the unbound list is complete once the claim owns the group */
	if (!c || !smp_load_acquire(&c->owned))
		goto out;
	if ((c->persistent && nla_put_flag(skb, IOGROUP_A_OWNER_PERSISTENT)) ||
	    (c->restore && nla_put_flag(skb, IOGROUP_A_OWNER_RESTORE))) {
		ret = -EMSGSIZE;
		goto out;
	}
	list_for_each_entry(u, &c->unbound, node) {
		snprintf(text, sizeof(text), "%s %s", dev_name(u->dev),
			 u->driver);
		if (nla_put_string(skb, IOGROUP_A_OWNER_UNBOUND, text)) {
			ret = -EMSGSIZE;
			break;
		}
	}
out:
	rcu_read_unlock();
	return ret;
}

/* How many devices of group @id are being removed. */
static unsigned int iogroup_leaving_count(u32 id)
{
	unsigned long idx;
	unsigned int n = 0;
	void *entry;

	xa_for_each(&iogroup_leaving, idx, entry)
		if (xa_to_value(entry) == id)
			n++;
	return n;
}

/*
 * Check that group @id exists and nobody owns it; take a reference on it.
 * The shadow may lag the kernel by the hook events still queued.  When it
 * allows the claim it is taken as it is (the kernel refuses an owned group
 * by itself, and iogroup_claim_refused() explains why from a flushed
 * shadow); before it refuses, it is brought up to date, so that no refusal
 * is stale.  A claim on a VM's start path thus never waits for the worker.
 * iogroup_claim_lock held.
 */
static int iogroup_claim_check(u32 id, struct iommu_group **grpp,
			       struct netlink_ext_ack *extack)
{
	struct iogroup_claim *c;
	struct iogroup_grp *g;
	bool fresh = false;
	int ret = 0;

	c = iogroup_claim_find(id);
	if (c) {
		iogroup_errmsg(extack,
			       "group %u is claimed by iogroup already: pid %d (%s)%s",
			       id, c->pid, c->comm,
			       c->persistent ? ", persistent" : "");
		return -EBUSY;
	}
again:
	mutex_lock(&iogroup_lock);
	g = xa_load(&iogroup_groups, id);
	if (!fresh && (!g || g->owner == IOGROUP_OWNER_USER)) {
		mutex_unlock(&iogroup_lock);
		iogroup_shadow_flush();
		fresh = true;
		goto again;
	}
	if (!g) {
		iogroup_errmsg(extack, "no IOMMU group %u", id);
		ret = -ENOENT;
	} else if (g->owner == IOGROUP_OWNER_USER && g->user.pid) {
		char caller[KSYM_SYMBOL_LEN];

		sprint_symbol_no_offset(caller, g->user.caller);
		iogroup_errmsg(extack,
			       "group %u is owned by user space: pid %d (%s) via %s",
			       id, g->user.pid, g->user.comm, caller);
		ret = -EBUSY;
	} else if (g->owner == IOGROUP_OWNER_USER) {
		iogroup_errmsg(extack,
			       "group %u is owned by user space since before iogroup was loaded",
			       id);
		ret = -EBUSY;
	} else {
		*grpp = g->grp;
		iommu_group_ref_get(g->grp);
	}
	mutex_unlock(&iogroup_lock);
	return ret;
}

/* What iogroup_claim_unbind() looks for, under the group's mutex. */
struct iogroup_claim_scan {
	bool unbind;
	unsigned int ndevs;
	struct list_head found;		/* struct iogroup_unbound */
	int err;
};

/*
 * A device of the group bound to a kernel DMA-API driver (as
 * iogroup_dev_blocks_viability() says of a shadow device) is remembered;
 * without unbind, the first one ends the walk.  Called with the group's
 * mutex held: no group calls, no device_lock.
 */
static int iogroup_claim_scan_dev(struct device *dev, void *data)
{
	struct iogroup_claim_scan *scan = data;
	char driver[IOGROUP_DRIVER_NAME_MAX] = "";
	struct iogroup_unbound *u;
	struct device_driver *drv;

	scan->ndevs++;
	rcu_read_lock();
	drv = READ_ONCE(dev->driver);
	if (drv && !iogroup_driver_manages_dma(dev, drv) &&
	    !(IOGROUP_BRIDGES_ALWAYS_VIABLE && dev_is_pci(dev) &&
	      to_pci_dev(dev)->hdr_type != PCI_HEADER_TYPE_NORMAL))
		strscpy(driver, drv->name, sizeof(driver));
	rcu_read_unlock();
	if (!driver[0])
		return 0;
	u = kzalloc(sizeof(*u), GFP_KERNEL);
	if (!u) {
		scan->err = -ENOMEM;
		return -ENOMEM;
	}
	u->dev = get_device(dev);
	strscpy(u->driver, driver, sizeof(u->driver));
	list_add_tail(&u->node, &scan->found);
	return scan->unbind ? 0 : 1;
}

/*
 * Find the devices of the group bound to kernel DMA-API drivers, without
 * copying the group: a claim of a group with none (every VM start) reads
 * each device's driver once and allocates nothing that lasts.  Without
 * @unbind the first one is the error; with it, each is unbound (the veto
 * is armed: nothing binds again) and remembered for the restore.
 */
static int iogroup_claim_unbind(struct iogroup_claim *c, bool unbind,
				struct netlink_ext_ack *extack)
{
	struct iogroup_claim_scan scan = {
		.unbind = unbind,
		.found = LIST_HEAD_INIT(scan.found),
	};
	struct iogroup_unbound *u, *tmp;

	iommu_group_for_each_dev(c->grp, &scan, iogroup_claim_scan_dev);
	if (!scan.err && !scan.ndevs) {
		iogroup_errmsg(extack, "group %u has no device", c->group_id);
		return -ENOENT;
	}
	if (!scan.err && !unbind && !list_empty(&scan.found)) {
		u = list_first_entry(&scan.found, struct iogroup_unbound, node);
		iogroup_errmsg(extack,
			       "%s is bound to %s, which uses the kernel DMA API",
			       dev_name(u->dev), u->driver);
		scan.err = -EBUSY;
	}
	list_for_each_entry_safe(u, tmp, &scan.found, node) {
		list_del(&u->node);
		if (scan.err) {
			put_device(u->dev);
			kfree(u);
			continue;
		}
		list_add_tail(&u->node, &c->unbound);
		device_release_driver(u->dev);
	}
	return scan.err;
}

/* Probe again the devices a claim unbound. */
static void iogroup_claim_restore(struct iogroup_claim *c)
{
	struct iogroup_unbound *u;

	list_for_each_entry(u, &c->unbound, node)
		if (!READ_ONCE(u->dev->driver) && device_attach(u->dev) < 0)
			dev_warn(u->dev, "iogroup: probing %s again failed\n",
				 u->driver);
}

static void iogroup_claim_put(struct iogroup_claim *c)
{
	struct iogroup_unbound *u, *tmp;

	if (!refcount_dec_and_test(&c->ref))
		return;

	list_for_each_entry_safe(u, tmp, &c->unbound, node) {
		put_device(u->dev);
		kfree(u);
	}
	iommu_group_put(c->grp);
	kfree(c);
}

/* A released claim, once no RCU reader can see it any more. */
static void iogroup_claim_free_fn(struct work_struct *work)
{
	iogroup_claim_put(container_of(to_rcu_work(work), struct iogroup_claim,
				       free_work));
}

/*
 * Take DMA ownership, unless the group's last device is leaving: the bus
 * notifier gives it back under the same lock, so that no ownership is
 * taken after it ran (the group would lose its last device while owned).
 * Return: 0, -ENODEV if the group is going, or the kernel's error.
 */
static int iogroup_claim_own(struct iogroup_claim *c)
{
	int ret = -ENODEV;

	mutex_lock(&c->own_lock);
	if (!test_bit(IOGROUP_CLAIM_GONE, &c->flags)) {
		ret = iogroup_compat_claim(c->grp, &c->compat, c);
		if (!ret)
			set_bit(IOGROUP_CLAIM_HELD, &c->flags);
	}
	mutex_unlock(&c->own_lock);
	return ret;
}

/*
 * Give DMA ownership back if it is held, once: a release and the bus
 * notifier may race.  @gone: the group's last device is leaving, and no
 * ownership is to be taken any more.
 * Return: true if this call gave it back.
 */
static bool iogroup_claim_unown(struct iogroup_claim *c, bool gone)
{
	bool held;

	mutex_lock(&c->own_lock);
	if (gone)
		set_bit(IOGROUP_CLAIM_GONE, &c->flags);
	held = test_and_clear_bit(IOGROUP_CLAIM_HELD, &c->flags);
	if (held)
		iogroup_compat_unclaim(c->grp, &c->compat, c);
	mutex_unlock(&c->own_lock);
	return held;
}

/*
 * Undo a claim: ownership, veto, drivers.  iogroup_claim_lock held.  The
 * veto, the notifier and dumps may still be looking at the claim: it is
 * freed after a grace period, waited for here only when drivers are to be
 * probed again (a claim+release cycle without unbound drivers is on the
 * path of every VM start).
 */
static void iogroup_claim_drop(struct iogroup_claim *c, bool probe)
{
	iogroup_claim_unown(c, false);
	hash_del_rcu(&c->node);
	if (probe && !list_empty(&c->unbound)) {
		/* drivers come back once no veto can be seen any more */
		synchronize_rcu();
		iogroup_claim_restore(c);
	}
	INIT_RCU_WORK(&c->free_work, iogroup_claim_free_fn);
	queue_rcu_work(iogroup_claims_wq, &c->free_work);
}

/* Say why the kernel refused ownership. */
static int iogroup_claim_refused(struct iogroup_claim *c, int ret,
				 struct netlink_ext_ack *extack)
{
	struct iogroup_grp *g;

	if (ret == -EPERM) {
		/* a driver bound while we were not looking, or an owner */
		if (iogroup_claim_unbind(c, false, extack))
			return -EBUSY;
		/* the shadow names the owner once its events are applied */
		iogroup_shadow_flush();
		mutex_lock(&iogroup_lock);
		g = xa_load(&iogroup_groups, c->group_id);
		if (g && g->owner == IOGROUP_OWNER_USER && g->user.pid)
			iogroup_errmsg(extack,
				       "group %u is owned by user space: pid %d (%s)",
				       c->group_id, g->user.pid, g->user.comm);
		else
			iogroup_errmsg(extack,
				       "group %u is owned already (a user-space owner holds it)",
				       c->group_id);
		mutex_unlock(&iogroup_lock);
		return -EBUSY;
	}
	if (ret == -EBUSY) {
		iogroup_errmsg(extack,
			       "group %u has a user-space domain attached",
			       c->group_id);
		return -EBUSY;
	}
	iogroup_errmsg(extack, "the IOMMU refused to block group %u: %d",
		       c->group_id, ret);
	return ret;
}

/**
 * iogroup_claim() - claim group @id
 * @id: group id
 * @flags: enum iogroup_claim_flags
 * @portid: netlink port of the requesting socket
 * @extack: for the error message
 *
 * Process context; may sleep for long (driver unbinds).  On error nothing
 * is changed: unbound drivers are probed again.
 *
 * Return: 0 or a negative errno.
 */
int iogroup_claim(u32 id, u32 flags, u32 portid,
		  struct netlink_ext_ack *extack)
{
	bool unbind = flags & IOGROUP_CLAIM_F_UNBIND;
	struct iogroup_claim *c;
	const char *sym;
	int ret, tries;

	if (flags & ~__IOGROUP_CLAIM_F_ALL) {
		iogroup_errmsg(extack, "unknown claim flags %#x",
			       flags & ~__IOGROUP_CLAIM_F_ALL);
		return -EOPNOTSUPP;
	}
	if ((flags & IOGROUP_CLAIM_F_RESTORE) && !unbind) {
		iogroup_errmsg(extack, "restore needs unbind");
		return -EINVAL;
	}

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->group_id = id;
	c->portid = portid;
	c->persistent = flags & IOGROUP_CLAIM_F_PERSISTENT;
	c->restore = flags & IOGROUP_CLAIM_F_RESTORE;
	c->pid = task_tgid_nr(current);
	get_task_comm(c->comm, current);
	c->since = ktime_get_boottime_ns();
	INIT_LIST_HEAD(&c->unbound);
	mutex_init(&c->own_lock);
	refcount_set(&c->ref, 1);

	mutex_lock(&iogroup_claim_lock);
	ret = iogroup_claim_check(id, &c->grp, extack);
	if (ret)
		goto err_free;

	/* arm the veto, publish the claim so the hooks know it is ours */
	if (unbind || IOGROUP_VETO_EVERY_CLAIM) {
		ret = iogroup_veto_arm(&sym);
		if (ret) {
			iogroup_errmsg(extack, "cannot arm the veto on %s(): %d",
				       sym, ret);
			iommu_group_put(c->grp);
			goto err_free;
		}
	}
	hash_add_rcu(iogroup_claims, &c->node, id);
	/*
	 * Published: from here the bus notifier ends this claim if the
	 * group's last device goes.  Pairs with the barrier there: either it
	 * sees the claim, or this sees the device leaving.
	 */
	smp_mb();
	if (iogroup_leaving_count(id)) {
		iogroup_errmsg(extack, "a device of group %u is being removed",
			       id);
		ret = -ENODEV;
		goto err_drop;
	}

	for (tries = 0; ; tries++) {
		ret = iogroup_claim_unbind(c, unbind, extack);
		if (ret)
			goto err_drop;
		ret = iogroup_claim_own(c);
		/* a probe that was past the veto when it was armed */
		if (ret != -EPERM || !unbind || tries == 3)
			break;
	}
	if (ret && test_bit(IOGROUP_CLAIM_GONE, &c->flags)) {
		iogroup_errmsg(extack, "the last device of group %u is being removed",
			       id);
		ret = -ENODEV;
		goto err_drop;
	}
	if (ret) {
		ret = iogroup_claim_refused(c, ret, extack);
		goto err_drop;
	}
	/* pairs with iogroup_claim_put_owner(): the unbound list is complete */
	smp_store_release(&c->owned, true);
	atomic64_inc(&iogroup_stats.claims_total);
	mutex_unlock(&iogroup_claim_lock);
	/*
	 * A claim held by a socket is routine, one per VM start on a VM
	 * host, and the events say who and when; the kernel log keeps the
	 * persistent ones (boot time, an administrator's) and every release
	 * nobody asked for.  Dynamic debug shows the rest.
	 */
	if (c->persistent)
		pr_info("group %u claimed by pid %d (%s), persistent\n", id,
			c->pid, c->comm);
	else
		pr_debug("group %u claimed by pid %d (%s)\n", id, c->pid,
			 c->comm);
	return 0;

err_drop:
	iogroup_claim_drop(c, true);
	mutex_unlock(&iogroup_claim_lock);
	return ret;
err_free:
	mutex_unlock(&iogroup_claim_lock);
	kfree(c);
	return ret;
}

/**
 * iogroup_release() - release iogroup's claim on group @id
 * @id: group id
 * @extack: for the error message
 *
 * Return: 0, or -ENOENT if iogroup holds no claim on it.
 */
int iogroup_release(u32 id, struct netlink_ext_ack *extack)
{
	struct iogroup_claim *c;
	bool persistent;

	mutex_lock(&iogroup_claim_lock);
	c = iogroup_claim_find(id);
	if (c && test_bit(IOGROUP_CLAIM_GONE, &c->flags)) {
		/* ended by the bus notifier; the reaper has not removed it yet */
		iogroup_claim_drop(c, false);
		mutex_unlock(&iogroup_claim_lock);
		iogroup_errmsg(extack,
			       "iogroup holds no claim on group %u: its last device was removed",
			       id);
		return -ENOENT;
	}
	if (!c) {
		mutex_unlock(&iogroup_claim_lock);
		iogroup_errmsg(extack, "iogroup holds no claim on group %u", id);
		return -ENOENT;
	}
	persistent = c->persistent;
	iogroup_claim_drop(c, c->restore);
	mutex_unlock(&iogroup_claim_lock);
	if (persistent)
		pr_info("group %u released (it was persistent)\n", id);
	else
		pr_debug("group %u released\n", id);
	return 0;
}

static void iogroup_reaper_fn(struct work_struct *work)
{
	struct iogroup_claim *c;
	struct hlist_node *tmp;
	unsigned int bkt;

	mutex_lock(&iogroup_claim_lock);
	hash_for_each_safe(iogroup_claims, bkt, tmp, c, node) {
		if (test_bit(IOGROUP_CLAIM_GONE, &c->flags)) {
			/* its ownership went back in the bus notifier */
			iogroup_claim_drop(c, false);
			continue;
		}
		if (!test_bit(IOGROUP_CLAIM_CLOSED, &c->flags))
			continue;
		pr_info("group %u released: the socket of pid %d (%s) closed\n",
			c->group_id, c->pid, c->comm);
		iogroup_claim_drop(c, c->restore);
		atomic64_inc(&iogroup_stats.auto_releases);
	}
	mutex_unlock(&iogroup_claim_lock);
}

/*
 * A netlink socket closed.  Blocking chain, process context of whoever
 * closed it: mark its claims and leave the work to the reaper, so that no
 * socket close anywhere waits for iogroup's lock.
 */
static int iogroup_netlink_event(struct notifier_block *nb,
				 unsigned long state, void *ptr)
{
	struct netlink_notify *n = ptr;
	struct iogroup_claim *c;
	bool found = false;
	unsigned int bkt;

	if (state != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !net_eq(n->net, &init_net))
		return NOTIFY_DONE;

	rcu_read_lock();
	hash_for_each_rcu(iogroup_claims, bkt, c, node) {
		if (!c->persistent && c->portid == n->portid &&
		    !test_and_set_bit(IOGROUP_CLAIM_CLOSED, &c->flags))
			found = true;
	}
	rcu_read_unlock();
	if (found)
		schedule_work(&iogroup_reaper);
	return NOTIFY_OK;
}

static struct notifier_block iogroup_netlink_nb = {
	.notifier_call = iogroup_netlink_event,
};

static int iogroup_count_dev(struct device *dev, void *data)
{
	(*(unsigned int *)data)++;
	return 0;
}

/*
 * A PCI device was deleted: the shadow reads its group again (see
 * iogroup_shadow_device_removed(): no hook sees it leave on 6.3+).
 *
 * A PCI device is being deleted (hot-unplug, sysfs remove).  If it is the
 * last device of a claimed group, the claim gives DMA ownership back now,
 * while the device is still in the group: the IOMMU core takes an empty
 * group to be unowned and on its default domain (6.6+ WARN in
 * __iommu_group_free_device() and free the default domain a later release
 * would restore); the reaper removes the claim.  A bus notifier, not a
 * kprobe: giving ownership back sleeps, and BUS_NOTIFY_DEL_DEVICE comes
 * before the device leaves its group (BUS_NOTIFY_REMOVED_DEVICE).  It
 * never takes iogroup_claim_lock: a claim holds it while unbinding
 * drivers, whose remove() may delete devices (a PF its VFs) and so call
 * this notifier, and the notifier chain's lock would order against it.
 */
static int iogroup_bus_event(struct notifier_block *nb, unsigned long action,
			     void *data)
{
	struct iogroup_claim *c;
	struct device *dev = data;
	struct iommu_group *grp;
	unsigned int n = 0;
	u32 id;

	if (action == BUS_NOTIFY_REMOVED_DEVICE) {
		xa_erase(&iogroup_leaving, (unsigned long)dev);
		iogroup_shadow_device_removed(dev);
		return NOTIFY_OK;
	}
	if (action != BUS_NOTIFY_DEL_DEVICE)
		return NOTIFY_DONE;
	grp = iommu_group_get(dev);
	if (!grp)
		return NOTIFY_DONE;
	id = iommu_group_id(grp);
	iommu_group_for_each_dev(grp, &n, iogroup_count_dev);
	/* without memory a claim in the window is not refused, as before */
	xa_store(&iogroup_leaving, (unsigned long)dev, xa_mk_value(id),
		 GFP_KERNEL);
	/* pairs with iogroup_claim(): it sees the device, or this the claim */
	smp_mb();
	rcu_read_lock();
	c = iogroup_claim_find(id);
	/* every device still in the group is on its way out */
	if (c && (c->grp != grp ||
		  n > max(iogroup_leaving_count(id), 1U) ||
		  !refcount_inc_not_zero(&c->ref)))
		c = NULL;
	rcu_read_unlock();
	if (c) {
		if (iogroup_claim_unown(c, true))
			pr_info("group %u released: its last device %s is being removed\n",
				id, dev_name(dev));
		schedule_work(&iogroup_reaper);
		iogroup_claim_put(c);
	}
	iommu_group_put(grp);
	return NOTIFY_OK;
}

static struct notifier_block iogroup_bus_nb = {
	.notifier_call = iogroup_bus_event,
};

/**
 * iogroup_claims_init() - start following socket closes
 *
 * Return: 0 or a negative errno.
 */
int iogroup_claims_init(void)
{
	int ret;

	iogroup_claims_wq = alloc_workqueue("iogroup_claims", WQ_UNBOUND, 0);
	if (!iogroup_claims_wq)
		return -ENOMEM;
	ret = netlink_register_notifier(&iogroup_netlink_nb);
	if (ret)
		goto err_wq;
	ret = bus_register_notifier(&pci_bus_type, &iogroup_bus_nb);
	if (ret)
		goto err_nl;
	return 0;

err_nl:
	netlink_unregister_notifier(&iogroup_netlink_nb);
err_wq:
	destroy_workqueue(iogroup_claims_wq);
	return ret;
}

/**
 * iogroup_claims_exit() - release every claim
 *
 * The netlink family is gone: no claim can be added.  Drivers are probed
 * again where the claims asked for it.  The claims end before the bus
 * notifier goes: a device deleted in between (a hot-unplug during rmmod)
 * would otherwise leave its group while still claimed.
 */
void iogroup_claims_exit(void)
{
	struct iogroup_claim *c;
	struct hlist_node *tmp;
	unsigned int bkt;

	mutex_lock(&iogroup_claim_lock);
	hash_for_each_safe(iogroup_claims, bkt, tmp, c, node) {
		pr_info("group %u released: module unloading\n", c->group_id);
		iogroup_claim_drop(c, c->restore);
	}
	mutex_unlock(&iogroup_claim_lock);
	bus_unregister_notifier(&pci_bus_type, &iogroup_bus_nb);
	netlink_unregister_notifier(&iogroup_netlink_nb);
	flush_work(&iogroup_reaper);
	/* the frees queued by call_rcu, then the works they queued */
	rcu_barrier();
	destroy_workqueue(iogroup_claims_wq);
	xa_destroy(&iogroup_leaving);
}
