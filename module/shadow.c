// SPDX-License-Identifier: GPL-2.0
/*
 * The shadow of every IOMMU group, kept live from the kprobe handlers'
 * events by a worker.
 *
 * What comes from where:
 *  - a device's driver: from the probe and release hooks only (the hooks
 *    are what is being checked); read from the kernel when the device first
 *    enters the shadow and on a resync;
 *  - group membership, current domain, iommu_group_dma_owner_claimed():
 *    read from the kernel when a hook says they changed;
 *  - the user-space owner (pid, command, caller): from the claim hook, the
 *    kernel keeps no such record.
 * The verification compares the hook-driven part with the kernel and reports
 * any difference as drift; a lost hook event (a kretprobe miss, a full
 * ring) makes the worker rebuild the shadow from the kernel (a resync).
 */
#include <linux/device.h>
#include <linux/iommu.h>
#include <linux/kallsyms.h>
#include <linux/log2.h>
#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>

#include "shadow.h"

#define IOGROUP_RING_SIZE	1024
#define IOGROUP_VERIFY_PERIOD	(30 * HZ)
#define IOGROUP_SETTLE_DELAY	(HZ / 2)
/*
 * How long the worker lets hook events gather before it applies them: one
 * wake-up and one verification per burst (a driver bind is a probe, a
 * dma_configure and often an unbind) instead of one per event, which woke
 * the worker from inside every probe.  Queries and claims flush the queue
 * first, so they never see an event late.  While a watcher listens it
 * waits for the events: they gather for event_watch_us instead, timed by
 * an hrtimer (a jiffies timer could not wait less than a tick, 4 ms at
 * HZ=250).
 */
static unsigned int event_batch_ms = 10;
module_param(event_batch_ms, uint, 0444);
MODULE_PARM_DESC(event_batch_ms,
		 "ms the worker lets hook events gather while no watcher listens (1-1000, default 10; higher only to test a full event ring)");
static unsigned int event_watch_us = 1000;
module_param(event_watch_us, uint, 0444);
MODULE_PARM_DESC(event_watch_us,
		 "us the worker lets hook events gather while a watcher listens (0-1000000, default 1000; 0: a wake-up per event)");
#define IOGROUP_BATCH_DELAY	msecs_to_jiffies(event_batch_ms)

/* Guards the shadow: iogroup_groups, every group and device in it. */
DEFINE_MUTEX(iogroup_lock);
DEFINE_XARRAY(iogroup_groups);
struct iogroup_stats iogroup_stats;
u64 iogroup_generation;
atomic_t iogroup_inflight = ATOMIC_INIT(0);

/*
 * The hooks hand their events to the worker through a ring allocated at
 * load: a kprobe handler copies its event into the next free slot under
 * iogroup_queue_lock, and allocates nothing.  An allocation there, freed
 * later on the worker's CPU, was a measurable part of what iogroup added
 * to a driver bind+unbind (README, Performance).  The worker applies the
 * slots from the head in place, the hooks meanwhile filling the ones
 * behind them, then gives them back.  A full ring drops the event and
 * forces a resync.
 */
static unsigned int event_ring = IOGROUP_RING_SIZE;
module_param(event_ring, uint, 0444);
MODULE_PARM_DESC(event_ring,
		 "hook events the worker's ring holds (a power of two, 4-65536, default 1024; lower only to test lost events)");
static struct iogroup_hook_event *iogroup_ring;
static unsigned int iogroup_ring_head;	/* the oldest slot not applied */
static unsigned int iogroup_ring_len;	/* slots in use */
/*
 * The groups changed since they were last verified (iogroup_grp.dirty),
 * so that a batch of events verifies what it touched without walking every
 * group.  iogroup_lock held.
 */
static LIST_HEAD(iogroup_dirty);
static DEFINE_SPINLOCK(iogroup_queue_lock);
static bool iogroup_queue_overflow;
static struct workqueue_struct *iogroup_wq;
/* Started by the first event a watcher waits for; wakes the worker. */
static struct hrtimer iogroup_watch_timer;
static unsigned long iogroup_last_missed;

/*
 * After lost events: resync passes until one could read every device under
 * its lock; drift checks wait meanwhile.  iogroup_lock held for both.
 */
static bool iogroup_repair_pending;
static bool iogroup_resync_busy;
/*
 * The shadow is compared with the kernel only between the first scan and
 * unload: while the hooks are registered or unregistered one by one it
 * does not follow the kernel, and a difference would be no drift.
 */
static bool iogroup_checking;

static void iogroup_work_fn(struct work_struct *work);
static void iogroup_verify_fn(struct work_struct *work);
static void iogroup_settle_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(iogroup_work, iogroup_work_fn);
static DECLARE_DELAYED_WORK(iogroup_verify_work, iogroup_verify_fn);
static DECLARE_DELAYED_WORK(iogroup_settle_work, iogroup_settle_fn);
static void iogroup_busy_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(iogroup_busy_work, iogroup_busy_fn);

/* ---- hook side: atomic context ---------------------------------------- */

/**
 * iogroup_hook_event_init() - start an event in a kprobe handler
 * @ev: the event, on the handler's stack
 * @type: what happened
 *
 * Atomic context.  Records the time and the current task.
 */
void iogroup_hook_event_init(struct iogroup_hook_event *ev,
			     enum iogroup_hook_type type)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	/*
	 * Not the clocksource (ktime_get_boottime_ns()), which may be an
	 * HPET read, microseconds in every bind and unbind: the scheduler's
	 * clock (a TSC read where the TSC is stable, a per-CPU clamped one
	 * where it is not), which the worker turns into boottime.
	 */
	ev->ts = local_clock();
	ev->pid = task_tgid_nr(current);
	/* no task_lock() in a kprobe handler: the lockless copy of 6.13+ */
	strscpy(ev->comm, current->comm, sizeof(ev->comm));
}

static struct iogroup_hook_event *iogroup_ring_slot(unsigned int i)
{
	return &iogroup_ring[i & (event_ring - 1)];
}

/**
 * iogroup_hook_queue() - hand an event to the worker
 * @ev: the event, from iogroup_hook_event_init()
 * @dev: the device the worker needs, or NULL; the slot takes a reference
 *
 * Atomic context.  With the ring full the event is lost (no reference is
 * taken: the worker's put_device() may sleep) and the worker resyncs.
 */
void iogroup_hook_queue(const struct iogroup_hook_event *ev,
			struct device *dev)
{
	struct iogroup_hook_event *slot;
	unsigned long flags;
	unsigned int len;

	spin_lock_irqsave(&iogroup_queue_lock, flags);
	len = iogroup_ring_len;
	if (len == event_ring) {
		iogroup_queue_overflow = true;
		spin_unlock_irqrestore(&iogroup_queue_lock, flags);
		atomic64_inc(&iogroup_stats.hook_events_dropped);
		queue_delayed_work(iogroup_wq, &iogroup_work, 0);
		return;
	}
	slot = iogroup_ring_slot(iogroup_ring_head + len);
	*slot = *ev;
	slot->dev = dev ? get_device(dev) : NULL;
	iogroup_ring_len = len + 1;
	if (!iogroup_nl_listened()) {
		spin_unlock_irqrestore(&iogroup_queue_lock, flags);
		/* a no-op while the worker's timer is armed */
		queue_delayed_work(iogroup_wq, &iogroup_work,
				   IOGROUP_BATCH_DELAY);
		return;
	}
	/*
	 * Under the lock: one start per burst, and never a later expiry.
	 * Not hrtimer_active(), which holds while the callback runs: the
	 * worker it woke may have read the ring before this event.
	 */
	if (event_watch_us && !hrtimer_is_queued(&iogroup_watch_timer))
		hrtimer_start(&iogroup_watch_timer,
			      ns_to_ktime((u64)event_watch_us * NSEC_PER_USEC),
			      HRTIMER_MODE_REL);
	spin_unlock_irqrestore(&iogroup_queue_lock, flags);
	if (!event_watch_us)
		mod_delayed_work(iogroup_wq, &iogroup_work, 0);
}

/*
 * Hard interrupt context.  Now, even if a batch's jiffies timer was armed
 * before the watcher came.
 */
static enum hrtimer_restart iogroup_watch_timer_fn(struct hrtimer *t)
{
	mod_delayed_work(iogroup_wq, &iogroup_work, 0);
	return HRTIMER_NORESTART;
}

/*
 * A hook's event carries local_clock() when it happened: boottime now, less
 * its age on that clock.  Over the milliseconds an event waits the two
 * clocks run alike; a CPU whose scheduler clock is behind this one's makes
 * the age 0 at worst.
 */
static void iogroup_ring_stamp(unsigned int head, unsigned int n)
{
	u64 boot = ktime_get_boottime_ns(), clk = local_clock();
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct iogroup_hook_event *ev = iogroup_ring_slot(head + i);
		u64 age = clk > ev->ts ? clk - ev->ts : 0;

		ev->ts = boot - min(age, boot);
	}
}

/* Drop the device references of @n slots from @head.  Process context. */
static void iogroup_ring_put(unsigned int head, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct iogroup_hook_event *ev = iogroup_ring_slot(head + i);

		if (ev->dev)
			put_device(ev->dev);
		ev->dev = NULL;
	}
}

/**
 * iogroup_ring_bytes() - memory the event ring holds
 *
 * Return: its size in bytes, fixed at load.
 */
u64 iogroup_ring_bytes(void)
{
	return (u64)event_ring * sizeof(*iogroup_ring);
}

static bool iogroup_queue_idle(void)
{
	bool idle;

	spin_lock_irq(&iogroup_queue_lock);
	idle = !iogroup_ring_len;
	spin_unlock_irq(&iogroup_queue_lock);
	return idle && !atomic_read(&iogroup_inflight) &&
	       !delayed_work_pending(&iogroup_work);
}

/* ---- reading the kernel: process context ------------------------------ */

/**
 * iogroup_driver_manages_dma() - does @drv manage DMA itself?
 * @dev: the device @drv is bound to
 * @drv: its driver
 *
 * Such drivers (vfio-pci, pci-stub, pcieport, ...) are no kernel DMA-API
 * users: they can sit in a group owned by user space.
 *
 * Return: true if @drv manages DMA itself.
 */
bool iogroup_driver_manages_dma(struct device *dev, struct device_driver *drv)
{
	return iogroup_compat_driver_manages_dma(dev, drv);
}

static enum iogroup_domain_type iogroup_domain_type(struct iommu_domain *dom)
{
	if (!dom)
		return IOGROUP_DOMAIN_NONE;
	switch (dom->type) {
	case IOMMU_DOMAIN_BLOCKED:
		return IOGROUP_DOMAIN_BLOCKED;
	case IOMMU_DOMAIN_IDENTITY:
		return IOGROUP_DOMAIN_IDENTITY;
	case IOMMU_DOMAIN_UNMANAGED:
		return IOGROUP_DOMAIN_UNMANAGED;
	case IOMMU_DOMAIN_DMA:
		return IOGROUP_DOMAIN_DMA;
	case IOGROUP_COMPAT_DOMAIN_DMA_FQ:
		return IOGROUP_DOMAIN_DMA_FQ;
	default:
		return IOGROUP_DOMAIN_OTHER;
	}
}

/*
 * Read a device's driver the way dev_driver_string() does: dev->driver may
 * turn NULL under us, but a driver struct stays valid while it is bound, and
 * a driver module is freed only after an RCU grace period.
 */
static void iogroup_dev_read_driver(struct iogroup_dev *d, char *driver,
				    bool *managed)
{
	struct device_driver *drv;

	rcu_read_lock();
	drv = READ_ONCE(d->dev->driver);
	if (drv) {
		strscpy(driver, drv->name, IOGROUP_DRIVER_NAME_MAX);
		*managed = iogroup_driver_manages_dma(d->dev, drv);
	} else {
		driver[0] = '\0';
		*managed = false;
	}
	rcu_read_unlock();
}

static struct iogroup_dev *iogroup_dev_new(struct device *dev)
{
	struct iogroup_dev *d;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return NULL;
	d->dev = get_device(dev);
	strscpy(d->name, dev_name(dev), sizeof(d->name));
	strscpy(d->bus, dev->bus ? dev->bus->name : "none", sizeof(d->bus));
	if (dev_is_pci(dev)) {
		struct pci_dev *pdev = to_pci_dev(dev);

		d->is_pci = true;
		d->vendor = pdev->vendor;
		d->device = pdev->device;
		d->class = pdev->class;
		d->bridge = pdev->hdr_type != PCI_HEADER_TYPE_NORMAL;
	}
	iogroup_dev_read_driver(d, d->driver, &d->managed_dma);
	return d;
}

static void iogroup_dev_free(struct iogroup_dev *d)
{
	put_device(d->dev);
	kfree(d);
}

/**
 * iogroup_dev_kernel_dma() - is @d bound to a kernel DMA-API driver?
 * @d: shadow device
 *
 * Return: true if so.
 */
bool iogroup_dev_kernel_dma(const struct iogroup_dev *d)
{
	return d->driver[0] && !d->managed_dma;
}

/**
 * iogroup_dev_blocks_viability() - is @d a reason VFIO refuses its group?
 * @d: shadow device
 *
 * Return: true for a device bound to a kernel DMA-API driver.  On kernels
 * without the ownership API, VFIO also accepts bridges whatever their
 * driver, and so does this.
 */
bool iogroup_dev_blocks_viability(const struct iogroup_dev *d)
{
	if (!iogroup_dev_kernel_dma(d))
		return false;
	return !(IOGROUP_BRIDGES_ALWAYS_VIABLE && d->bridge);
}

struct iogroup_snap {
	struct list_head devs;
	enum iogroup_domain_type domain;
	bool have_domain;
	int err;
};

/* Called with the group's mutex held: no group calls, no device_lock. */
static int iogroup_snap_dev(struct device *dev, void *data)
{
	struct iogroup_snap *snap = data;
	struct iogroup_dev *d;

	if (!snap->have_domain) {
		snap->domain = iogroup_domain_type(iogroup_compat_domain_locked(dev));
		snap->have_domain = true;
	}
	d = iogroup_dev_new(dev);
	if (!d) {
		snap->err = -ENOMEM;
		return -ENOMEM;
	}
	list_add_tail(&d->node, &snap->devs);
	return 0;
}

/**
 * iogroup_read_group() - the devices of a group as the kernel has them now
 * @grp: the group
 * @devs: list to fill with struct iogroup_dev (free with iogroup_free_devs())
 *
 * Process context; takes the group's mutex.
 *
 * Return: the current domain type of the group, or a negative errno.
 */
int iogroup_read_group(struct iommu_group *grp, struct list_head *devs)
{
	struct iogroup_snap snap = { .devs = LIST_HEAD_INIT(snap.devs) };

	iommu_group_for_each_dev(grp, &snap, iogroup_snap_dev);
	list_splice_tail(&snap.devs, devs);
	if (snap.err)
		return snap.err;
	return snap.have_domain ? snap.domain : IOGROUP_DOMAIN_NONE;
}

/**
 * iogroup_free_devs() - free a list from iogroup_read_group()
 * @devs: the list
 */
void iogroup_free_devs(struct list_head *devs)
{
	struct iogroup_dev *d, *tmp;

	list_for_each_entry_safe(d, tmp, devs, node)
		iogroup_dev_free(d);
	INIT_LIST_HEAD(devs);
}

static struct iogroup_dev *
iogroup_find_dev(struct list_head *list, struct device *dev)
{
	struct iogroup_dev *d;

	list_for_each_entry(d, list, node)
		if (d->dev == dev)
			return d;
	return NULL;
}

static void iogroup_insert_dev(struct iogroup_grp *g, struct iogroup_dev *nd)
{
	struct iogroup_dev *d;

	list_for_each_entry(d, &g->devs, node) {
		if (strcmp(nd->name, d->name) < 0) {
			list_add_tail(&nd->node, &d->node);
			g->ndevs++;
			return;
		}
	}
	list_add_tail(&nd->node, &g->devs);
	g->ndevs++;
}

static void iogroup_notify(enum iogroup_event_type type,
			   const struct iogroup_grp *g, const char *device,
			   const char *driver, int err, u64 ts)
{
	iogroup_nl_notify(type, g, device, driver, err, ts);
}

static void iogroup_grp_derive(struct iogroup_grp *g)
{
	struct iogroup_dev *d;
	u32 users = 0;
	bool viable = true;

	list_for_each_entry(d, &g->devs, node) {
		if (iogroup_dev_kernel_dma(d))
			users++;
		if (iogroup_dev_blocks_viability(d))
			viable = false;
	}
	g->kernel_users = users;
	g->viable = viable;
	if (g->user.valid && g->user.iogroup)
		g->owner = IOGROUP_OWNER_IOGROUP;
	else if (g->user.valid)
		g->owner = IOGROUP_OWNER_USER;
	else if (users)
		g->owner = IOGROUP_OWNER_KERNEL;
	else
		g->owner = IOGROUP_OWNER_NONE;
}

static int iogroup_first_domain(struct device *dev, void *data)
{
	*(int *)data = iogroup_domain_type(iogroup_compat_domain_locked(dev));
	return 1;
}

/*
 * The group's domain can change without any hooked function: a write to
 * /sys/kernel/iommu_groups/N/type changes the default domain.  Verifying
 * takes the kernel's word for it.
 */
static void iogroup_grp_verify_domain(struct iogroup_grp *g)
{
	int domain = IOGROUP_DOMAIN_NONE;

	iommu_group_for_each_dev(g->grp, &domain, iogroup_first_domain);
	if (domain == g->domain)
		return;
	g->domain = domain;
	if (!g->user.valid && (domain == IOGROUP_DOMAIN_DMA ||
			       domain == IOGROUP_DOMAIN_DMA_FQ ||
			       domain == IOGROUP_DOMAIN_IDENTITY))
		g->default_domain = domain;
	g->generation++;
	iogroup_generation++;
	iogroup_notify(IOGROUP_EVENT_DOMAIN_CHANGED, g, NULL, NULL, 0,
		       ktime_get_boottime_ns());
}

/*
 * Nothing in flight, no repair pending, no loss not seen yet (the resync
 * comes first, not a drift report).  iogroup_lock held.
 */
static bool iogroup_quiet(void)
{
	return iogroup_checking && iogroup_queue_idle() &&
	       !iogroup_repair_pending &&
	       iogroup_hooks_probe_missed() + iogroup_hooks_kprobe_missed() ==
	       iogroup_last_missed;
}

/*
 * Is a device of @g locked now?  A probe or release holds its device's
 * lock from before it changes anything until after its hook queued the
 * event.  So after reading the kernel, if no device is locked now and the
 * ring is still empty, no probe or release overlapped the reading: one
 * that began later changed nothing read, one that ended since is in the
 * ring.  Each lock is only tried and let go at once: iogroup_lock is
 * never held while waiting for a device, nor are two devices held.
 */
static bool iogroup_grp_busy(struct iogroup_grp *g)
{
	struct iogroup_dev *d;

	list_for_each_entry(d, &g->devs, node) {
		if (!device_trylock(d->dev))
			return true;
		device_unlock(d->dev);
	}
	return false;
}

/* A device of @g was busy: verify it again a little later. */
static void iogroup_verify_later(struct iogroup_grp *g)
{
	if (list_empty(&g->dirty))
		list_add_tail(&g->dirty, &iogroup_dirty);
	queue_delayed_work(iogroup_wq, &iogroup_busy_work,
			   IOGROUP_SETTLE_DELAY);
}

/*
 * Compare the hook-driven part of the shadow with the kernel.  Only when
 * nothing is in flight and no device of the group is locked: a probe
 * between dma_configure and its return, or a release between dma_cleanup
 * and its hook, is a moment where the two legitimately differ.
 */
static void iogroup_grp_verify(struct iogroup_grp *g)
{
	char driver[IOGROUP_DRIVER_NAME_MAX];
	char drift[IOGROUP_DRIFT_MAX] = "";
	struct iogroup_dev *d;
	bool managed;
	int claimed;

	if (!iogroup_quiet())
		return;

	iogroup_grp_verify_domain(g);
	list_for_each_entry(d, &g->devs, node) {
		iogroup_dev_read_driver(d, driver, &managed);
		if (strcmp(driver, d->driver)) {
			snprintf(drift, sizeof(drift),
				 "%s: kernel has driver '%s', shadow has '%s'",
				 d->name, driver[0] ? driver : "none",
				 d->driver[0] ? d->driver : "none");
			break;
		}
	}
	claimed = iogroup_compat_owner_claimed(g->grp);

	/* a probe or release under way: what was read may be half of it */
	if (iogroup_grp_busy(g)) {
		iogroup_verify_later(g);
		return;
	}
	/*
	 * A probe or release that ended, or a claim or unclaim (no device
	 * lock) that began after the first look may have changed what was
	 * just read: every one of them is in flight or queued until the
	 * worker (this one) applies it, so the comparison counts only if
	 * nothing began meanwhile.  Its event verifies again.
	 */
	if (!iogroup_quiet())
		return;

	atomic64_inc(&iogroup_stats.drift_checks);
	g->kernel_claimed = claimed;
	if (!drift[0] && claimed >= 0 &&
	    claimed != (g->kernel_users || g->user.valid))
		snprintf(drift, sizeof(drift),
			 "kernel says DMA owner %sclaimed, shadow has %u kernel DMA users and %s user owner",
			 claimed ? "" : "not ", g->kernel_users,
			 g->user.valid ? "a" : "no");

	if (drift[0] && strcmp(drift, g->drift)) {
		atomic64_inc(&iogroup_stats.drift_found);
		pr_warn_ratelimited("group %u drifted: %s\n", g->id, drift);
	}
	if (strcmp(drift, g->drift)) {
		strscpy(g->drift, drift, sizeof(g->drift));
		g->generation++;
		iogroup_generation++;
		iogroup_notify(IOGROUP_EVENT_DRIFT, g, NULL, NULL, 0,
			       ktime_get_boottime_ns());
	}
}

/*
 * A resync must not take a probe or release that no hook saw begin (a
 * kretprobe miss, or one under way when the hooks were registered) for its
 * outcome: really_probe() sets dev->driver before the driver's probe and
 * clears it when that fails.  Both hold the device lock throughout, so the
 * driver is read again under it.  Only tried: a device whose lock is held
 * (a probe under way, a vfio-pci remove waiting for its user) is left to
 * the settle work's next pass, and iogroup_lock is never held while
 * waiting for a device.
 */
static void iogroup_read_drivers_locked(struct list_head *devs)
{
	struct iogroup_dev *d;

	list_for_each_entry(d, devs, node) {
		if (!device_trylock(d->dev)) {
			d->unsettled = true;
			iogroup_resync_busy = true;
			continue;
		}
		iogroup_dev_read_driver(d, d->driver, &d->managed_dma);
		device_unlock(d->dev);
	}
}

/*
 * What follows any change of a group: its derived state, an owner event if
 * the owner changed, a new generation if anything did, the kernel's view,
 * and a verification once nothing is in flight.
 */
static void iogroup_grp_settle(struct iogroup_grp *g,
			       enum iogroup_owner_kind old_owner, pid_t old_pid,
			       bool changed, bool notify, u64 now)
{
	if (!g->user.valid && (g->domain == IOGROUP_DOMAIN_DMA ||
			       g->domain == IOGROUP_DOMAIN_DMA_FQ ||
			       g->domain == IOGROUP_DOMAIN_IDENTITY))
		g->default_domain = g->domain;

	iogroup_grp_derive(g);
	if (g->owner != old_owner ||
	    (g->owner == IOGROUP_OWNER_USER && g->user.pid != old_pid)) {
		changed = true;
		if (notify)
			iogroup_notify(IOGROUP_EVENT_OWNER_CHANGED, g, NULL, NULL,
				       0, now);
	}
	if (changed) {
		g->generation++;
		iogroup_generation++;
	}
	g->kernel_claimed = iogroup_compat_owner_claimed(g->grp);
	if (list_empty(&g->dirty))
		list_add_tail(&g->dirty, &iogroup_dirty);
}

/**
 * iogroup_grp_refresh() - read a group's membership and domain again
 * @g: the group; iogroup_lock held
 * @repair: also take the devices' drivers from the kernel (resync)
 * @notify: send events for what changed
 *
 * Return: the number of devices left in the group.
 */
static unsigned int iogroup_grp_refresh(struct iogroup_grp *g, bool repair,
					bool notify)
{
	enum iogroup_owner_kind old_owner = g->owner;
	u64 now = ktime_get_boottime_ns();
	pid_t old_pid = g->user.pid;
	struct iogroup_dev *d, *tmp, *s;
	bool changed = false;
	LIST_HEAD(devs);
	int domain;

	domain = iogroup_read_group(g->grp, &devs);
	if (domain < 0) {
		/* keep what we had; the next event or resync tries again */
		iogroup_free_devs(&devs);
		return g->ndevs;
	}
	if (repair)
		iogroup_read_drivers_locked(&devs);

	list_for_each_entry_safe(d, tmp, &g->devs, node) {
		if (iogroup_find_dev(&devs, d->dev))
			continue;
		list_del(&d->node);
		g->ndevs--;
		changed = true;
		if (notify)
			iogroup_notify(IOGROUP_EVENT_DEVICE_REMOVED, g, d->name,
				       NULL, 0, now);
		iogroup_dev_free(d);
	}

	list_for_each_entry_safe(s, tmp, &devs, node) {
		list_del(&s->node);
		d = iogroup_find_dev(&g->devs, s->dev);
		if (!d) {
			iogroup_insert_dev(g, s);
			changed = true;
			if (notify)
				iogroup_notify(IOGROUP_EVENT_DEVICE_ADDED, g,
					       s->name, s->driver, 0, now);
			continue;
		}
		if (repair && !s->unsettled && (strcmp(d->driver, s->driver) ||
			       d->managed_dma != s->managed_dma)) {
			strscpy(d->driver, s->driver, sizeof(d->driver));
			d->managed_dma = s->managed_dma;
			changed = true;
		}
		iogroup_dev_free(s);
	}

	if (g->ndevs && domain != g->domain) {
		g->domain = domain;
		changed = true;
		if (notify)
			iogroup_notify(IOGROUP_EVENT_DOMAIN_CHANGED, g, NULL,
				       NULL, 0, now);
	}
	iogroup_grp_settle(g, old_owner, old_pid, changed, notify, now);
	return g->ndevs;
}

static void iogroup_grp_free(struct iogroup_grp *g)
{
	struct iogroup_dev *d, *tmp;

	list_del(&g->dirty);
	list_for_each_entry_safe(d, tmp, &g->devs, node)
		iogroup_dev_free(d);
	iommu_group_put(g->grp);
	kfree(g);
}

/* Refresh @g; drop it from the shadow when it has no device left. */
static void iogroup_grp_update(struct iogroup_grp *g, bool repair, bool notify)
{
	if (iogroup_grp_refresh(g, repair, notify))
		return;
	xa_erase(&iogroup_groups, g->id);
	iogroup_generation++;
	if (notify)
		iogroup_notify(IOGROUP_EVENT_GROUP_REMOVED, g, NULL, NULL, 0,
			       ktime_get_boottime_ns());
	iogroup_grp_free(g);
}

/**
 * iogroup_grp_of() - the shadow group of a device, created if new
 * @dev: a device
 * @notify: send GROUP_ADDED for a new group
 *
 * iogroup_lock held.
 *
 * Return: the group, or NULL if @dev is in no IOMMU group.
 */
static struct iogroup_grp *iogroup_grp_of(struct device *dev, bool notify)
{
	struct iommu_group *grp;
	struct iogroup_grp *g;
	u32 id;

	grp = iommu_group_get(dev);
	if (!grp)
		return NULL;
	id = iommu_group_id(grp);
	g = xa_load(&iogroup_groups, id);
	if (g) {
		iommu_group_put(grp);
		return g;
	}

	g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (!g)
		goto err;
	g->id = id;
	g->grp = grp;
	g->kernel_claimed = -1;
	INIT_LIST_HEAD(&g->devs);
	INIT_LIST_HEAD(&g->dirty);
	if (xa_err(xa_store(&iogroup_groups, id, g, GFP_KERNEL))) {
		kfree(g);
		goto err;
	}
	iogroup_generation++;
	if (notify)
		iogroup_notify(IOGROUP_EVENT_GROUP_ADDED, g, NULL, NULL, 0,
			       ktime_get_boottime_ns());
	return g;
err:
	iommu_group_put(grp);
	return NULL;
}

static int iogroup_scan_dev(struct device *dev, void *data)
{
	bool notify = *(bool *)data;

	if (dev->iommu_group)
		iogroup_grp_of(dev, notify);
	return 0;
}

/*
 * Rebuild the shadow from the kernel: every PCI and platform device's group,
 * every group's membership, domain and drivers.  The user-space owners are
 * kept: the kernel cannot tell who they are.  A group the kernel says is
 * claimed with no kernel driver in it has an owner iogroup did not see claim
 * (before the module was loaded): it is marked as a user owner with no pid.
 */
static bool iogroup_resync(bool notify)
{
	struct iogroup_grp *g;
	unsigned long id;

	iogroup_resync_busy = false;
	bus_for_each_dev(&pci_bus_type, NULL, &notify, iogroup_scan_dev);
	bus_for_each_dev(&platform_bus_type, NULL, &notify, iogroup_scan_dev);
	xa_for_each(&iogroup_groups, id, g) {
		iogroup_grp_update(g, true, notify);
	}
	/*
	 * A device's lock was busy: a probe under way holds a DMA-ownership
	 * count its driver does not show yet, so who owns what is not known
	 * before the next pass.
	 */
	if (iogroup_resync_busy)
		goto out;
	xa_for_each(&iogroup_groups, id, g) {
		/* without the ownership API: a domain of someone else's */
		bool owned = g->kernel_claimed > 0 ||
			     (g->kernel_claimed < 0 &&
			      g->domain == IOGROUP_DOMAIN_UNMANAGED);

		if (owned && !g->kernel_users && !g->user.valid) {
			g->user.valid = true;
			g->user.since = 0;
			iogroup_grp_update(g, false, notify);
		} else if (!owned && g->user.valid && !g->user.pid &&
			   !g->user.since) {
			/* an owner only inferred by an earlier resync left */
			memset(&g->user, 0, sizeof(g->user));
			iogroup_grp_update(g, false, notify);
		}
	}
out:
	atomic64_inc(&iogroup_stats.resyncs);
	return iogroup_resync_busy;
}

static struct iogroup_grp *iogroup_grp_by_id(u32 id)
{
	return xa_load(&iogroup_groups, id);
}

static struct iogroup_dev *
iogroup_shadow_dev(struct device *dev, struct iogroup_grp **gp)
{
	struct iogroup_grp *g;
	struct iogroup_dev *d;
	unsigned long id;

	xa_for_each(&iogroup_groups, id, g) {
		d = iogroup_find_dev(&g->devs, dev);
		if (d) {
			*gp = g;
			return d;
		}
	}
	return NULL;
}

/*
 * The shadow device of @dev, looked for first in the group the kernel has
 * it in (one xarray lookup instead of a walk of every group on each bind
 * and unbind), then everywhere: a device that changed groups is still in
 * its old one until that is read again.
 */
static struct iogroup_dev *
iogroup_shadow_dev_fast(struct device *dev, struct iogroup_grp **gp)
{
	struct iommu_group *grp;
	struct iogroup_grp *g;
	struct iogroup_dev *d;

	grp = iommu_group_get(dev);
	if (grp) {
		g = xa_load(&iogroup_groups, iommu_group_id(grp));
		iommu_group_put(grp);
		d = g ? iogroup_find_dev(&g->devs, dev) : NULL;
		if (d) {
			*gp = g;
			return d;
		}
	}
	return iogroup_shadow_dev(dev, gp);
}

/* Apply one hook event.  iogroup_lock held. */
static void iogroup_apply(struct iogroup_hook_event *ev)
{
	enum iogroup_owner_kind old_owner = IOGROUP_OWNER_NONE;
	struct iogroup_grp *g = NULL;
	struct iogroup_dev *d = NULL;
	pid_t old_pid = 0;

	switch (ev->type) {
	case IOGROUP_HOOK_BOUND:
	case IOGROUP_HOOK_UNBOUND:
	case IOGROUP_HOOK_BIND_FAILED:
		d = iogroup_shadow_dev_fast(ev->dev, &g);
		if (d) {
			old_owner = g->owner;
			old_pid = g->user.pid;
		} else {
			/* not seen join a group yet: read it now */
			g = iogroup_grp_of(ev->dev, true);
			if (g)
				iogroup_grp_update(g, false, true);
			d = iogroup_shadow_dev_fast(ev->dev, &g);
			if (!d)
				break;
			old_owner = g->owner;
			old_pid = g->user.pid;
		}
		if (ev->type == IOGROUP_HOOK_BOUND) {
			strscpy(d->driver, ev->driver, sizeof(d->driver));
			d->managed_dma = ev->managed_dma;
			iogroup_notify(IOGROUP_EVENT_DEVICE_BOUND, g, d->name,
				       ev->driver, 0, ev->ts);
		} else if (ev->type == IOGROUP_HOOK_UNBOUND) {
			/* a failed probe's cleanup (6.1+): nothing was bound */
			if (strcmp(d->driver, ev->driver))
				break;
			d->driver[0] = '\0';
			d->managed_dma = false;
			iogroup_notify(IOGROUP_EVENT_DEVICE_UNBOUND, g, d->name,
				       ev->driver, 0, ev->ts);
		} else {
			d->last_errno = ev->err;
			strscpy(d->last_failed_driver, ev->driver,
				sizeof(d->last_failed_driver));
			iogroup_notify(IOGROUP_EVENT_BIND_FAILED, g, d->name,
				       ev->driver, ev->err, ev->ts);
		}
		/*
		 * The event says what changed: no need to read the group's
		 * membership again (the membership hooks do that), and the
		 * verification that follows compares it all with the kernel.
		 */
		iogroup_grp_settle(g, old_owner, old_pid, true, true, ev->ts);
		break;
	case IOGROUP_HOOK_CLAIMED:
	case IOGROUP_HOOK_UNCLAIMED:
	case IOGROUP_HOOK_DOMAIN:
		g = iogroup_grp_by_id(ev->group_id);
		if (!g)
			break;
		if (ev->type == IOGROUP_HOOK_CLAIMED) {
			g->user.iogroup = iogroup_claim_is_ours(g->id,
								ev->cookie);
			g->user.valid = true;
			g->user.pid = ev->pid;
			memcpy(g->user.comm, ev->comm, sizeof(g->user.comm));
			g->user.caller = ev->caller;
			g->user.since = ev->ts;
		} else if (ev->type == IOGROUP_HOOK_UNCLAIMED) {
			memset(&g->user, 0, sizeof(g->user));
		}
		iogroup_grp_update(g, false, true);
		break;
	case IOGROUP_HOOK_MEMBERSHIP:
		if (ev->has_group) {
			g = iogroup_grp_by_id(ev->group_id);
			if (g)
				iogroup_grp_update(g, false, true);
		}
		/* the group the shadow has it in, which it may have left */
		if (ev->dev && iogroup_shadow_dev(ev->dev, &g))
			iogroup_grp_update(g, false, true);
		if (ev->dev && ev->dev->iommu_group) {
			g = iogroup_grp_of(ev->dev, true);
			if (g)
				iogroup_grp_update(g, false, true);
		}
		break;
	}
}

/* Verify the groups the last batch touched, once nothing is in flight. */
static void iogroup_verify_dirty(void)
{
	struct iogroup_grp *g, *tmp;
	LIST_HEAD(todo);

	if (!iogroup_queue_idle())
		return;
	/* a group that was busy goes back on iogroup_dirty */
	list_splice_init(&iogroup_dirty, &todo);
	list_for_each_entry_safe(g, tmp, &todo, dirty) {
		list_del_init(&g->dirty);
		iogroup_grp_verify(g);
	}
}

static void iogroup_busy_fn(struct work_struct *work)
{
	mutex_lock(&iogroup_lock);
	iogroup_verify_dirty();
	mutex_unlock(&iogroup_lock);
}

/*
 * Rebuild the shadow from the kernel and send RESYNC if @always or if it
 * changed; while a device could not be read under its lock, the settle
 * work tries again.  iogroup_lock held.
 */
static void iogroup_resync_notify(bool always)
{
	u64 gen = iogroup_generation;

	iogroup_repair_pending = iogroup_resync(true);
	if (always || iogroup_generation != gen)
		iogroup_notify(IOGROUP_EVENT_RESYNC, NULL, NULL, NULL, 0,
			       ktime_get_boottime_ns());
	if (iogroup_repair_pending)
		mod_delayed_work(iogroup_wq, &iogroup_settle_work,
				 IOGROUP_SETTLE_DELAY);
	iogroup_verify_dirty();
}

/*
 * A hook missed a call (kretprobe instances exhausted, a kprobe hit while
 * another ran) or an event was dropped: rebuild the shadow from the kernel.
 * The calls that went unseen may still be running (a probe takes long): a
 * device whose lock is held is not repaired, and the settle work resyncs
 * again until a pass could read every device under its lock.
 * Every path that looks at the kernel (events, verification, the VERIFY
 * request) checks the miss counters, so a loss is repaired even when no
 * event follows it.  iogroup_lock held.
 */
static void iogroup_check_lost(bool overflow)
{
	unsigned long missed;

	missed = iogroup_hooks_probe_missed() + iogroup_hooks_kprobe_missed();
	if ((!overflow && missed == iogroup_last_missed) || !iogroup_checking)
		return;
	iogroup_last_missed = missed;
	pr_warn_ratelimited("hook events lost, rebuilding the shadow from the kernel\n");
	iogroup_resync_notify(true);
}

static void iogroup_settle_fn(struct work_struct *work)
{
	mutex_lock(&iogroup_lock);
	if (!iogroup_repair_pending || !iogroup_checking)
		goto out;
	if (!iogroup_queue_idle()) {
		/* events first: this pass would only race with them */
		mod_delayed_work(iogroup_wq, &iogroup_settle_work,
				 IOGROUP_SETTLE_DELAY);
		goto out;
	}
	iogroup_resync_notify(false);
	iogroup_check_lost(false);
out:
	mutex_unlock(&iogroup_lock);
}

static void iogroup_work_fn(struct work_struct *work)
{
	unsigned int head, n, i;
	bool overflow;

	spin_lock_irq(&iogroup_queue_lock);
	head = iogroup_ring_head;
	n = iogroup_ring_len;
	overflow = iogroup_queue_overflow;
	iogroup_queue_overflow = false;
	spin_unlock_irq(&iogroup_queue_lock);

	/*
	 * The hooks fill slots behind these n only.  Until the slots are
	 * given back the ring is not idle: nothing verifies meanwhile.
	 */
	iogroup_ring_stamp(head, n);
	mutex_lock(&iogroup_lock);
	for (i = 0; i < n; i++)
		iogroup_apply(iogroup_ring_slot(head + i));
	mutex_unlock(&iogroup_lock);
	/* a last put_device() may sleep: not under iogroup_lock */
	iogroup_ring_put(head, n);
	spin_lock_irq(&iogroup_queue_lock);
	iogroup_ring_head = (head + n) & (event_ring - 1);
	iogroup_ring_len -= n;
	spin_unlock_irq(&iogroup_queue_lock);

	mutex_lock(&iogroup_lock);
	iogroup_check_lost(overflow);
	iogroup_verify_dirty();
	mutex_unlock(&iogroup_lock);
}

static void iogroup_verify_groups(void)
{
	struct iogroup_grp *g;
	unsigned long id;

	mutex_lock(&iogroup_lock);
	iogroup_check_lost(false);
	xa_for_each(&iogroup_groups, id, g)
		iogroup_grp_verify(g);
	mutex_unlock(&iogroup_lock);
}

/*
 * Backstop for changes that escape the hooks.  It runs on iogroup_wq
 * itself, so it must not flush it: events still queued make the
 * verification wait for the next round (iogroup_grp_verify() checks).
 */
static void iogroup_verify_fn(struct work_struct *work)
{
	iogroup_verify_groups();
	queue_delayed_work(iogroup_wq, &iogroup_verify_work,
			   IOGROUP_VERIFY_PERIOD);
}

/**
 * iogroup_shadow_device_removed() - a device was deleted
 * @dev: the device, out of its IOMMU group already
 *
 * Process context (the PCI bus notifier).  Newer kernels (6.12, 7.x) take
 * a deleted device out of its group in the static iommu_release_device(),
 * without the exported iommu_group_remove_device() the hooks probe: the
 * group the shadow has it in is read again from this event.
 */
void iogroup_shadow_device_removed(struct device *dev)
{
	struct iogroup_hook_event ev;

	iogroup_hook_event_init(&ev, IOGROUP_HOOK_MEMBERSHIP);
	iogroup_hook_queue(&ev, dev);
}

/**
 * iogroup_shadow_flush() - wait until every queued hook event is applied
 *
 * Process context, not on iogroup_wq, iogroup_lock not held.
 */
void iogroup_shadow_flush(void)
{
	/* runs a batch still gathering now, not after its delay */
	flush_delayed_work(&iogroup_work);
}

/**
 * iogroup_shadow_verify_all() - check every group against the kernel now
 *
 * Process context, not on iogroup_wq, iogroup_lock not held.
 */
void iogroup_shadow_verify_all(void)
{
	iogroup_shadow_flush();
	iogroup_verify_groups();
}

/**
 * iogroup_grp_by_device() - the group holding the device named @name
 * @name: device name
 *
 * iogroup_lock held.
 *
 * Return: the group, or NULL.
 */
struct iogroup_grp *iogroup_grp_by_device(const char *name)
{
	struct iogroup_grp *g;
	struct iogroup_dev *d;
	unsigned long id;

	xa_for_each(&iogroup_groups, id, g)
		list_for_each_entry(d, &g->devs, node)
			if (!strcmp(d->name, name))
				return g;
	return NULL;
}

/**
 * iogroup_shadow_counts() - size of the shadow
 * @groups: groups held
 * @devices: devices held
 * @grp_bytes: memory the groups hold, as allocated (ksize())
 * @dev_bytes: memory their devices hold, as allocated
 * @drift: groups that disagree with the kernel now
 *
 * iogroup_lock held.
 */
void iogroup_shadow_counts(u32 *groups, u32 *devices, u64 *grp_bytes,
			   u64 *dev_bytes, u32 *drift)
{
	struct iogroup_dev *d;
	struct iogroup_grp *g;
	unsigned long id;

	*groups = 0;
	*devices = 0;
	*grp_bytes = 0;
	*dev_bytes = 0;
	*drift = 0;
	xa_for_each(&iogroup_groups, id, g) {
		(*groups)++;
		*devices += g->ndevs;
		*grp_bytes += ksize(g);
		list_for_each_entry(d, &g->devs, node) {
			size_t sz = ksize(d);

			*dev_bytes += sz;
		}
		if (g->drift[0])
			(*drift)++;
	}
}

/**
 * iogroup_shadow_init() - build the shadow from the kernel
 *
 * The hooks must not be registered yet; iogroup_shadow_start() follows.
 *
 * Return: 0 or a negative errno.
 */
int iogroup_shadow_init(void)
{
	if (event_ring < 4 || event_ring > 65536 || !is_power_of_2(event_ring)) {
		pr_err("event_ring=%u: must be a power of two, 4 to 65536\n",
		       event_ring);
		return -EINVAL;
	}
	if (!event_batch_ms || event_batch_ms > 1000) {
		pr_err("event_batch_ms=%u: must be 1 to 1000\n", event_batch_ms);
		return -EINVAL;
	}
	if (event_watch_us > USEC_PER_SEC) {
		pr_err("event_watch_us=%u: must be 0 to 1000000\n",
		       event_watch_us);
		return -EINVAL;
	}
	iogroup_ring = kvcalloc(event_ring, sizeof(*iogroup_ring), GFP_KERNEL);
	if (!iogroup_ring)
		return -ENOMEM;
	/* high priority: events should reach watchers right after the change */
	iogroup_wq = alloc_ordered_workqueue("iogroup", WQ_HIGHPRI);
	if (!iogroup_wq) {
		kvfree(iogroup_ring);
		return -ENOMEM;
	}
	iogroup_compat_hrtimer_setup(&iogroup_watch_timer, iogroup_watch_timer_fn);
	return 0;
}

/**
 * iogroup_shadow_start() - first scan, once the hooks run
 *
 * Events the hooks queue meanwhile are applied after it; applying them is
 * idempotent.
 */
void iogroup_shadow_start(void)
{
	mutex_lock(&iogroup_lock);
	iogroup_last_missed = iogroup_hooks_probe_missed() +
			      iogroup_hooks_kprobe_missed();
	/* a probe under way since before the hooks: look again once done */
	iogroup_repair_pending = iogroup_resync(false);
	iogroup_checking = true;
	if (iogroup_repair_pending)
		mod_delayed_work(iogroup_wq, &iogroup_settle_work,
				 IOGROUP_SETTLE_DELAY);
	iogroup_verify_dirty();
	mutex_unlock(&iogroup_lock);
	queue_delayed_work(iogroup_wq, &iogroup_verify_work,
			   IOGROUP_VERIFY_PERIOD);
}

/**
 * iogroup_shadow_stop() - stop checking the shadow against the kernel
 *
 * Before the hooks go: from then on the shadow no longer follows the
 * kernel, and comparing them would report drift that is none.
 */
void iogroup_shadow_stop(void)
{
	mutex_lock(&iogroup_lock);
	iogroup_checking = false;
	mutex_unlock(&iogroup_lock);
	cancel_delayed_work_sync(&iogroup_verify_work);
	cancel_delayed_work_sync(&iogroup_settle_work);
	cancel_delayed_work_sync(&iogroup_busy_work);
}

/**
 * iogroup_shadow_exit() - free everything
 *
 * The hooks and the netlink family are gone already.
 */
void iogroup_shadow_exit(void)
{
	struct iogroup_grp *g;
	unsigned long id;

	cancel_delayed_work_sync(&iogroup_verify_work);
	/* the hooks are gone: nothing starts it again */
	hrtimer_cancel(&iogroup_watch_timer);
	/* flush_workqueue() does not run a delayed work whose timer is armed */
	flush_delayed_work(&iogroup_work);
	flush_workqueue(iogroup_wq);
	/* after the flush: the last events may have armed it */
	cancel_delayed_work_sync(&iogroup_settle_work);
	cancel_delayed_work_sync(&iogroup_busy_work);
	destroy_workqueue(iogroup_wq);

	/* the hooks are gone and the flush applied every slot, normally */
	iogroup_ring_put(iogroup_ring_head, iogroup_ring_len);
	iogroup_ring_len = 0;
	kvfree(iogroup_ring);

	xa_for_each(&iogroup_groups, id, g)
		iogroup_grp_free(g);
	xa_destroy(&iogroup_groups);
}
