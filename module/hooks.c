// SPDX-License-Identifier: GPL-2.0
/*
 * The kprobes that keep the shadow live.
 *
 * Every handler runs in atomic context (preemption off, maybe interrupts
 * off): it copies what it needs out of its arguments (names, ids, errno),
 * takes a device reference where the worker needs the device, queues an
 * event and returns.  No sleeping, no group mutex, no shadow access.
 *
 * A probe or release holds the device's lock throughout, and its hook
 * queues the event before the lock is dropped: the verification, which
 * drops a comparison when a device of the group was locked as it ended
 * (iogroup_grp_busy()), needs nothing else from these hooks.  Claims and
 * domain switches take no device lock: their hooks count themselves in
 * flight (iogroup_inflight) from entry to return instead.
 *
 * Hooks, kretprobes (the entry half saves the arguments, the return half
 * sees the outcome) but for the unbind:
 *  - really_probe(): a driver bound or a probe failed, with its errno;
 *  - unbound: an entry kprobe on device_unbind_cleanup() (6.1+), or a
 *    kretprobe on 5.10's __device_release_driver();
 *  - iommu_group_claim_dma_owner() / iommu_group_release_dma_owner(): a
 *    user-space owner (VFIO) took or gave back a group;
 *  - iommu_group_add_device() / iommu_group_remove_device(): hot-plug, and
 *    iommu_probe_device(), which attaches a new device's domain after it
 *    joined its group;
 *  - iommu_attach_group() / iommu_detach_group(): domain switches.
 */
#include <linux/device.h>
#include <linux/iommu.h>
#include <linux/kprobes.h>
#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/string.h>

#include "shadow.h"

struct iogroup_probe_data {
	struct device *dev;
	struct device_driver *drv;
};

struct iogroup_release_data {
	struct device *dev;
	bool had_driver;
	char driver[IOGROUP_DRIVER_NAME_MAX];
};

struct iogroup_group_data {
	struct device *dev;
	u32 group_id;
	bool has_group;
	unsigned long caller;
	const void *cookie;
};

static unsigned long iogroup_arg(struct pt_regs *regs, unsigned int n)
{
	return regs_get_kernel_argument(regs, n);
}

/* Is @dev in a group claimed through iogroup?  Atomic context. */
static bool iogroup_claimed(struct device *dev)
{
	struct iommu_group *grp;
	bool claimed;

	rcu_read_lock();
	grp = READ_ONCE(dev->iommu_group);
	claimed = grp && iogroup_vetoed(iommu_group_id(grp));
	rcu_read_unlock();
	return claimed;
}

/* ---- really_probe ------------------------------------------------------ */

static int iogroup_probe_entry(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	struct iogroup_probe_data *data = (void *)ri->data;

	data->dev = (struct device *)iogroup_arg(regs, 0);
	data->drv = (struct device_driver *)iogroup_arg(regs, 1);
	return 0;
}

static int iogroup_probe_ret(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	struct iogroup_probe_data *data = (void *)ri->data;
	int ret = (int)regs_return_value(regs);
	struct device *dev = data->dev;
	struct iogroup_hook_event ev;
	bool bound;
	int err;

	atomic64_inc(&iogroup_stats.probe_hits);
	bound = READ_ONCE(dev->driver) == data->drv;
	err = iogroup_compat_probe_errno(ret, bound);
	if (bound)
		atomic64_inc(&iogroup_stats.probe_bound);
	else
		atomic64_inc(&iogroup_stats.probe_failed);
	/* a kernel DMA-API driver refused because of a claim (5.19+) */
	if (!IOGROUP_VETO_REPORTS && !bound && ret == -EBUSY &&
	    !iogroup_driver_manages_dma(dev, data->drv) && iogroup_claimed(dev))
		atomic64_inc(&iogroup_stats.vetoes);

	/* err < 0: the errno hook reported this failure already */
	if (READ_ONCE(dev->iommu_group) && err >= 0) {
		iogroup_hook_event_init(&ev, bound ? IOGROUP_HOOK_BOUND :
						     IOGROUP_HOOK_BIND_FAILED);
		strscpy(ev.driver, data->drv->name, sizeof(ev.driver));
		ev.managed_dma = bound &&
				 iogroup_driver_manages_dma(dev, data->drv);
		ev.err = err;
		iogroup_hook_queue(&ev, dev);
	}
	return 0;
}

/* ---- driver release ---------------------------------------------------- */

static int iogroup_release_entry(struct kretprobe_instance *ri,
				 struct pt_regs *regs)
{
	struct iogroup_release_data *data = (void *)ri->data;
	struct device_driver *drv;

	data->dev = (struct device *)iogroup_arg(regs, 0);
	/* as dev_driver_string(): the driver stays valid in this section */
	rcu_read_lock();
	drv = READ_ONCE(data->dev->driver);
	data->had_driver = drv;
	if (drv)
		strscpy(data->driver, drv->name, sizeof(data->driver));
	rcu_read_unlock();
	return 0;
}

static int iogroup_release_ret(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	struct iogroup_release_data *data = (void *)ri->data;
	struct device *dev = data->dev;
	struct iogroup_hook_event ev;

	atomic64_inc(&iogroup_stats.release_hits);
	if (data->had_driver && !READ_ONCE(dev->driver) &&
	    READ_ONCE(dev->iommu_group)) {
		iogroup_hook_event_init(&ev, IOGROUP_HOOK_UNBOUND);
		strscpy(ev.driver, data->driver, sizeof(ev.driver));
		iogroup_hook_queue(&ev, dev);
	}
	return 0;
}

/*
 * device_unbind_cleanup(dev), 6.1+: the driver is removed and the bus's DMA
 * cleaned up, dev->driver is about to be cleared.  Under the device lock,
 * which the verification looks at (instead of an in-flight count, which
 * an entry probe could not drop again): a plain kprobe, because a return
 * probe on the release path was most of what this hook cost a driver
 * unbind (README, Performance).  A failed probe's cleanup comes here too,
 * for a driver the shadow never had; the worker ignores an UNBOUND for a
 * driver the shadow does not have.
 */
static int iogroup_unbind_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct device *dev = (struct device *)iogroup_arg(regs, 0);
	struct iogroup_hook_event ev;
	struct device_driver *drv;

	atomic64_inc(&iogroup_stats.release_hits);
	drv = READ_ONCE(dev->driver);
	if (!drv || !READ_ONCE(dev->iommu_group))
		return 0;
	iogroup_hook_event_init(&ev, IOGROUP_HOOK_UNBOUND);
	strscpy(ev.driver, drv->name, sizeof(ev.driver));
	iogroup_hook_queue(&ev, dev);
	return 0;
}

static struct kprobe iogroup_unbind_kp = {
	.symbol_name = IOGROUP_UNBIND_SYMBOL,
	.pre_handler = iogroup_unbind_pre,
};

static bool iogroup_unbind_registered;

/* ---- group-level hooks ------------------------------------------------- */

static void iogroup_save_group(struct iogroup_group_data *data,
			       struct iommu_group *grp)
{
	data->has_group = grp;
	data->group_id = grp ? iommu_group_id(grp) : 0;
}

/* iommu_group_claim_dma_owner(group, owner) */
static int iogroup_claim_entry(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	struct iogroup_group_data *data = (void *)ri->data;

	iogroup_save_group(data, (struct iommu_group *)iogroup_arg(regs, 0));
	data->cookie = (const void *)iogroup_arg(regs, 1);
	data->caller = iogroup_compat_return_address(regs);
	data->dev = NULL;
	/* the kernel's owner count changes before the return handler runs */
	atomic_inc(&iogroup_inflight);
	return 0;
}

static void iogroup_group_event(struct iogroup_group_data *data,
				enum iogroup_hook_type type)
{
	struct iogroup_hook_event ev;

	if (!data->has_group && !data->dev)
		return;
	iogroup_hook_event_init(&ev, type);
	ev.group_id = data->group_id;
	ev.has_group = data->has_group;
	ev.caller = data->caller;
	ev.cookie = data->cookie;
	iogroup_hook_queue(&ev, data->dev);
}

static int iogroup_claim_ret(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	atomic64_inc(&iogroup_stats.claim_hits);
	if (!regs_return_value(regs))
		iogroup_group_event((void *)ri->data, IOGROUP_HOOK_CLAIMED);
	atomic_dec(&iogroup_inflight);
	return 0;
}

/* iommu_group_release_dma_owner(group) */
static int iogroup_group_entry(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	struct iogroup_group_data *data = (void *)ri->data;

	iogroup_save_group(data, (struct iommu_group *)iogroup_arg(regs, 0));
	data->dev = NULL;
	data->caller = 0;
	data->cookie = NULL;
	atomic_inc(&iogroup_inflight);
	return 0;
}

static int iogroup_unclaim_ret(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	atomic64_inc(&iogroup_stats.unclaim_hits);
	iogroup_group_event((void *)ri->data, IOGROUP_HOOK_UNCLAIMED);
	atomic_dec(&iogroup_inflight);
	return 0;
}

/*
 * iommu_attach_group(domain, group) / iommu_detach_group(domain, group):
 * a domain switch, or on kernels without the ownership API the moment a
 * user-space owner (VFIO) takes or gives back the group.
 */
static int iogroup_domain_entry(struct kretprobe_instance *ri,
				struct pt_regs *regs)
{
	struct iogroup_group_data *data = (void *)ri->data;

	iogroup_save_group(data, (struct iommu_group *)iogroup_arg(regs, 1));
	data->dev = NULL;
	data->cookie = (const void *)iogroup_arg(regs, 0);
	data->caller = iogroup_compat_return_address(regs);
	atomic_inc(&iogroup_inflight);
	return 0;
}

static int iogroup_attach_ret(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	if (!regs_return_value(regs)) {
		if (IOGROUP_ATTACH_IS_OWNERSHIP)
			atomic64_inc(&iogroup_stats.claim_hits);
		iogroup_group_event((void *)ri->data,
				    IOGROUP_ATTACH_IS_OWNERSHIP ?
				    IOGROUP_HOOK_CLAIMED : IOGROUP_HOOK_DOMAIN);
	}
	atomic_dec(&iogroup_inflight);
	return 0;
}

static int iogroup_detach_ret(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	if (IOGROUP_ATTACH_IS_OWNERSHIP)
		atomic64_inc(&iogroup_stats.unclaim_hits);
	iogroup_group_event((void *)ri->data, IOGROUP_ATTACH_IS_OWNERSHIP ?
			    IOGROUP_HOOK_UNCLAIMED : IOGROUP_HOOK_DOMAIN);
	atomic_dec(&iogroup_inflight);
	return 0;
}

/*
 * The bus probe (5.10's pci_device_probe(dev)): the errno of a failed
 * ->probe(), which really_probe() swallows there.  dev->driver is still
 * set when it returns.
 */
static int iogroup_errno_entry(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	struct iogroup_probe_data *data = (void *)ri->data;

	data->dev = (struct device *)iogroup_arg(regs, 0);
	data->drv = NULL;
	return 0;
}

static int iogroup_errno_ret(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	struct iogroup_probe_data *data = (void *)ri->data;
	int ret = (int)regs_return_value(regs);
	struct iogroup_hook_event ev;
	struct device_driver *drv;

	if (ret >= 0 || !READ_ONCE(data->dev->iommu_group))
		return 0;
	iogroup_hook_event_init(&ev, IOGROUP_HOOK_BIND_FAILED);
	ev.err = -ret;
	rcu_read_lock();
	drv = READ_ONCE(data->dev->driver);
	if (drv)
		strscpy(ev.driver, drv->name, sizeof(ev.driver));
	rcu_read_unlock();
	iogroup_hook_queue(&ev, data->dev);
	return 0;
}

/* iommu_group_add_device(group, dev) */
static int iogroup_add_entry(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	struct iogroup_group_data *data = (void *)ri->data;

	data->has_group = false;
	data->dev = (struct device *)iogroup_arg(regs, 1);
	data->caller = 0;
	data->cookie = NULL;
	return 0;
}

static int iogroup_add_ret(struct kretprobe_instance *ri,
			   struct pt_regs *regs)
{
	if (!regs_return_value(regs))
		iogroup_group_event((void *)ri->data, IOGROUP_HOOK_MEMBERSHIP);
	return 0;
}

/* iommu_probe_device(dev) */
static int iogroup_probe_device_entry(struct kretprobe_instance *ri,
				      struct pt_regs *regs)
{
	struct iogroup_group_data *data = (void *)ri->data;

	data->has_group = false;
	data->dev = (struct device *)iogroup_arg(regs, 0);
	data->caller = 0;
	data->cookie = NULL;
	return 0;
}

/* iommu_group_remove_device(dev) */
static int iogroup_remove_entry(struct kretprobe_instance *ri,
				struct pt_regs *regs)
{
	struct iogroup_group_data *data = (void *)ri->data;
	struct device *dev = (struct device *)iogroup_arg(regs, 0);

	iogroup_save_group(data, READ_ONCE(dev->iommu_group));
	data->dev = NULL;
	data->caller = 0;
	data->cookie = NULL;
	return 0;
}

static int iogroup_remove_ret(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	iogroup_group_event((void *)ri->data, IOGROUP_HOOK_MEMBERSHIP);
	return 0;
}

/* ---- the veto ---------------------------------------------------------- */

/*
 * Runs instead of the vetoed function (IOGROUP_VETO_SYMBOL: the bus's
 * dma_configure(), or driver_probe_device() on 5.10) when a kernel DMA-API
 * driver binds to a device of a claimed group: the probe fails with -EBUSY
 * before anything took a DMA-ownership count, as the kernel's own
 * ownership check would make it.  The vetoed functions return int.
 */
static noinline int iogroup_veto_ebusy(void)
{
	return -EBUSY;
}

/*
 * Entry of the vetoed function.  Drivers that manage DMA themselves pass,
 * and so do bridges where VFIO accepts them whatever their driver, and a
 * call with no driver (newer kernels configure DMA at IOMMU probe time).
 * Changing the instruction pointer and returning 1 is the kprobes way to
 * change the execution path (Documentation/trace/kprobes.rst): the probed
 * function is skipped and iogroup_veto_ebusy() returns to its caller.
 */
static int iogroup_veto_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct iogroup_hook_event ev;
	struct device_driver *drv;
	struct device *dev;

	dev = iogroup_compat_veto_args(regs, &drv);
	if (!drv || !iogroup_claimed(dev) ||
	    iogroup_driver_manages_dma(dev, drv) ||
	    (IOGROUP_BRIDGES_ALWAYS_VIABLE && dev_is_pci(dev) &&
	     to_pci_dev(dev)->hdr_type != PCI_HEADER_TYPE_NORMAL))
		return 0;
	if (IOGROUP_VETO_REPORTS) {
		/* else really_probe()'s hook sees the -EBUSY and counts it */
		atomic64_inc(&iogroup_stats.vetoes);
		iogroup_hook_event_init(&ev, IOGROUP_HOOK_BIND_FAILED);
		strscpy(ev.driver, drv->name, sizeof(ev.driver));
		ev.err = EBUSY;
		iogroup_hook_queue(&ev, dev);
	}
	instruction_pointer_set(regs, (unsigned long)iogroup_veto_ebusy);
	return 1;
}

/* A post handler makes kprobes-on-ftrace register as IP-modifying. */
static void iogroup_veto_post(struct kprobe *p, struct pt_regs *regs,
			      unsigned long flags)
{
}

struct iogroup_veto {
	struct kprobe kp;
	bool optional;
	bool registered;
};

/* registered disarmed: see iogroup_veto_arm() */
static struct iogroup_veto iogroup_vetoes[] = {
	{ .kp = { .symbol_name = IOGROUP_VETO_SYMBOL,
		  .pre_handler = iogroup_veto_pre,
		  .post_handler = iogroup_veto_post,
		  .flags = KPROBE_FLAG_DISABLED } },
	{ .kp = { .symbol_name = IOGROUP_VETO_SYMBOL2,
		  .pre_handler = iogroup_veto_pre,
		  .post_handler = iogroup_veto_post,
		  .flags = KPROBE_FLAG_DISABLED },
	  .optional = true },
};

/*
 * The veto sits on a function every driver probe goes through and changes
 * the instruction pointer there.  It is registered disarmed at load, so
 * that a kernel where it cannot be is refused then, and armed by the first
 * claim that needs it (IOGROUP_VETO_EVERY_CLAIM says which do).  Until
 * then no driver probe passes through it, and the function stays free for
 * the other IP-modifying ftrace users (livepatch).
 *
 * Once armed it stays armed until the module unloads; with no claim it
 * vetoes nothing, for the price of one ftrace call per driver probe.
 * Arming and disarming rewrite the kernel's text at a call site that
 * probes on other CPUs run through.  When every claim armed and disarmed
 * it, a soak of claims against binds on 6.12 under QEMU's TCG oopsed in
 * one run of three: a probe jumped to address 0 on its way into that call
 * site.  With the veto left armed two such runs were clean.  The kernel's
 * own text patching has since hung such a guest with no iogroup loaded (a
 * CPU looping on the patch's int3, interrupts off, never taking the sync
 * IPI: README, Performance).  Whatever the cause, the text is now patched
 * once per load, not twice per claim.  The lock orders the first arming
 * against concurrent claims.
 */
static DEFINE_MUTEX(iogroup_veto_lock);
static bool iogroup_veto_armed;	/* every kprobe of the veto enabled */

static void iogroup_veto_disable(size_t n)
{
	while (n--)
		if (iogroup_vetoes[n].registered)
			disable_kprobe(&iogroup_vetoes[n].kp);
}

/**
 * iogroup_veto_arm() - make sure the veto is armed
 * @sym: set to the function that could not be probed, on error
 *
 * Process context, may sleep (kernel text is patched the first time).
 * When it returns, every later call of the vetoed functions sees the veto,
 * which refuses the groups that iogroup_vetoed() names, until
 * iogroup_hooks_exit().
 *
 * Return: 0 or a negative errno (-ENODEV: the hooks are not registered).
 */
int iogroup_veto_arm(const char **sym)
{
	int ret = 0;
	size_t i;

	*sym = IOGROUP_VETO_SYMBOL;
	mutex_lock(&iogroup_veto_lock);
	if (!iogroup_vetoes[0].registered) {
		ret = -ENODEV;
		goto out;
	}
	if (iogroup_veto_armed)
		goto out;
	for (i = 0; i < ARRAY_SIZE(iogroup_vetoes); i++) {
		if (!iogroup_vetoes[i].registered)
			continue;
		ret = enable_kprobe(&iogroup_vetoes[i].kp);
		if (ret) {
			*sym = iogroup_vetoes[i].kp.symbol_name;
			iogroup_veto_disable(i);
			goto out;
		}
	}
	iogroup_veto_armed = true;
out:
	mutex_unlock(&iogroup_veto_lock);
	return ret;
}

/* ---- registration ------------------------------------------------------ */

struct iogroup_hook {
	struct kretprobe rp;
	bool optional;		/* a refinement: the kernel may lack it */
	bool registered;
};

#define IOGROUP_HOOK_OPT(sym, entry, ret, type, active, opt)		\
	{ .rp = {							\
		.kp.symbol_name = (sym),				\
		.entry_handler = (entry),				\
		.handler = (ret),					\
		.data_size = sizeof(type),				\
		.maxactive = (active),					\
	}, .optional = (opt) }
#define IOGROUP_HOOK(sym, entry, ret, type, active)			\
	IOGROUP_HOOK_OPT(sym, entry, ret, type, active, false)

/* really_probe sleeps through a driver's probe: many run at once */
#define IOGROUP_PROBE_MAXACTIVE	256

/*
 * For tests: fewer return-probe instances for the probe hooks, so that
 * parallel probes exhaust them and the loss-and-resync path can be seen.
 * Read at load time only (0444).
 */
static unsigned int probe_maxactive = IOGROUP_PROBE_MAXACTIVE;
module_param(probe_maxactive, uint, 0444);
MODULE_PARM_DESC(probe_maxactive,
		 "return-probe instances of the driver-probe hooks (1-4096, default 256; lower only to test lost events)");

static struct iogroup_hook iogroup_hooks[] = {
	IOGROUP_HOOK("really_probe", iogroup_probe_entry, iogroup_probe_ret,
		     struct iogroup_probe_data, IOGROUP_PROBE_MAXACTIVE),
	IOGROUP_HOOK(IOGROUP_RELEASE_SYMBOL, iogroup_release_entry,
		     iogroup_release_ret, struct iogroup_release_data, 64),
	IOGROUP_HOOK("iommu_group_add_device", iogroup_add_entry,
		     iogroup_add_ret, struct iogroup_group_data, 32),
	IOGROUP_HOOK_OPT("iommu_probe_device", iogroup_probe_device_entry,
			 iogroup_add_ret, struct iogroup_group_data, 32, true),
	IOGROUP_HOOK("iommu_group_remove_device", iogroup_remove_entry,
		     iogroup_remove_ret, struct iogroup_group_data, 32),
	IOGROUP_HOOK("iommu_attach_group", iogroup_domain_entry,
		     iogroup_attach_ret, struct iogroup_group_data, 32),
	IOGROUP_HOOK("iommu_detach_group", iogroup_domain_entry,
		     iogroup_detach_ret, struct iogroup_group_data, 32),
	IOGROUP_HOOK(IOGROUP_PROBE_ERRNO_SYMBOL, iogroup_errno_entry,
		     iogroup_errno_ret, struct iogroup_probe_data,
		     IOGROUP_PROBE_MAXACTIVE),
	IOGROUP_HOOK(IOGROUP_CLAIM_SYMBOL, iogroup_claim_entry,
		     iogroup_claim_ret, struct iogroup_group_data, 32),
	IOGROUP_HOOK(IOGROUP_UNCLAIM_SYMBOL, iogroup_group_entry,
		     iogroup_unclaim_ret, struct iogroup_group_data, 32),
};

static char iogroup_hook_names[512];

/**
 * iogroup_hooks_probe_missed() - really_probe returns the kretprobe missed
 *
 * Return: the count since load.
 */
unsigned long iogroup_hooks_probe_missed(void)
{
	struct kretprobe *rp = &iogroup_hooks[0].rp;

	return rp->nmissed + rp->kp.nmissed;
}

/**
 * iogroup_hooks_kprobe_missed() - hits missed by the other hooks
 *
 * Return: the count since load.
 */
unsigned long iogroup_hooks_kprobe_missed(void)
{
	unsigned long missed = 0;
	size_t i;

	for (i = 1; i < ARRAY_SIZE(iogroup_hooks); i++)
		missed += iogroup_hooks[i].rp.nmissed +
			  iogroup_hooks[i].rp.kp.nmissed;
	for (i = 0; i < ARRAY_SIZE(iogroup_vetoes); i++)
		missed += iogroup_vetoes[i].kp.nmissed;
	return missed + iogroup_unbind_kp.nmissed;
}

/**
 * iogroup_hooks_names() - the kernel functions probed, comma separated
 *
 * Return: a static string.
 */
const char *iogroup_hooks_names(void)
{
	return iogroup_hook_names;
}

/**
 * iogroup_hooks_exit() - unregister every hook
 *
 * Waits for running handlers; pending return probes are disarmed by the
 * kprobes core.
 */
void iogroup_hooks_exit(void)
{
	struct kretprobe *rps[ARRAY_SIZE(iogroup_hooks)];
	struct kprobe *kps[ARRAY_SIZE(iogroup_vetoes) + 1];
	int nrp = 0, nkp = 0;
	size_t i;

	/*
	 * In batches: one RCU grace period for all instead of one each,
	 * which is most of the time an unload takes on a busy machine.
	 */
	for (i = 0; i < ARRAY_SIZE(iogroup_vetoes); i++) {
		if (!iogroup_vetoes[i].registered)
			continue;
		kps[nkp++] = &iogroup_vetoes[i].kp;
		iogroup_vetoes[i].registered = false;
	}
	if (iogroup_unbind_registered) {
		kps[nkp++] = &iogroup_unbind_kp;
		iogroup_unbind_registered = false;
	}
	if (nkp)
		unregister_kprobes(kps, nkp);
	iogroup_veto_armed = false;
	for (i = 0; i < ARRAY_SIZE(iogroup_hooks); i++) {
		if (!iogroup_hooks[i].registered)
			continue;
		rps[nrp++] = &iogroup_hooks[i].rp;
		iogroup_hooks[i].registered = false;
	}
	if (nrp)
		unregister_kretprobes(rps, nrp);
}

static void iogroup_hook_name(const char *sym)
{
	if (iogroup_hook_names[0])
		strlcat(iogroup_hook_names, ",", sizeof(iogroup_hook_names));
	strlcat(iogroup_hook_names, sym, sizeof(iogroup_hook_names));
}

/**
 * iogroup_hooks_init() - register every hook, or none
 *
 * A kernel where one of them cannot be probed (inlined, renamed, blacklisted)
 * is refused with a message naming it: iogroup never half-works.
 *
 * Return: 0 or a negative errno.
 */
int iogroup_hooks_init(void)
{
	size_t i;
	int ret;

	if (!probe_maxactive || probe_maxactive > 4096) {
		pr_err("probe_maxactive=%u: must be 1 to 4096\n",
		       probe_maxactive);
		return -EINVAL;
	}
	iogroup_hook_names[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(iogroup_hooks); i++) {
		struct kretprobe *rp = &iogroup_hooks[i].rp;
		const char *sym = rp->kp.symbol_name;

		if (rp->maxactive == IOGROUP_PROBE_MAXACTIVE)
			rp->maxactive = probe_maxactive;

		if (!sym)	/* not needed on this kernel */
			continue;
		ret = register_kretprobe(rp);
		if (ret && iogroup_hooks[i].optional) {
			pr_info("not probing %s(): %d\n", sym, ret);
			continue;
		}
		if (ret) {
			pr_err("cannot probe %s(): %d; this kernel is not supported\n",
			       sym, ret);
			iogroup_hooks_exit();
			return ret;
		}
		iogroup_hooks[i].registered = true;
		iogroup_hook_name(sym);
	}
	if (iogroup_unbind_kp.symbol_name) {
		ret = register_kprobe(&iogroup_unbind_kp);
		if (ret) {
			pr_err("cannot probe %s(): %d; this kernel is not supported\n",
			       iogroup_unbind_kp.symbol_name, ret);
			iogroup_hooks_exit();
			return ret;
		}
		iogroup_unbind_registered = true;
		iogroup_hook_name(iogroup_unbind_kp.symbol_name);
	}
	for (i = 0; i < ARRAY_SIZE(iogroup_vetoes); i++) {
		struct kprobe *kp = &iogroup_vetoes[i].kp;

		if (!kp->symbol_name)
			continue;
		ret = register_kprobe(kp);
		if (ret && iogroup_vetoes[i].optional) {
			pr_info("not probing %s(): %d\n", kp->symbol_name, ret);
			continue;
		}
		if (ret) {
			pr_err("cannot probe %s(): %d; this kernel is not supported\n",
			       kp->symbol_name, ret);
			iogroup_hooks_exit();
			return ret;
		}
		iogroup_vetoes[i].registered = true;
		iogroup_hook_name(kp->symbol_name);
	}
	return 0;
}
