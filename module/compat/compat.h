/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything that differs between the kernels iogroup supports lives here;
 * the .c files only use the names below.  Features are detected by Kbuild
 * (see module/Kbuild), not by version numbers: Debian's stable kernels carry
 * backports.
 */
#ifndef _IOGROUP_COMPAT_H
#define _IOGROUP_COMPAT_H

#ifdef __ASSEMBLY__
#else

#include <linux/hrtimer.h>
#include <linux/iommu.h>
#include <linux/kprobes.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/ptrace.h>
#include <linux/string.h>

/*
 * Two generations of the driver core and of DMA ownership are supported:
 * Linux 5.10, and 6.1 onwards.  v5.19's ownership API
 * (iommu_group_dma_owner_claimed() in <linux/iommu.h>, IOGROUP_HAS_DMA_OWNER)
 * tells them apart; no supported kernel lies between v5.14's driver-core
 * change and v5.19.
 */
#ifdef IOGROUP_HAS_DMA_OWNER

/*
 * v5.14 ("driver core: Better distinguish probe errors in really_probe")
 * moved ->probe() into call_driver_probe(), which Debian inlines, and made
 * really_probe() return 0 when bound, a positive errno when ->probe()
 * failed and a negative one for the other failures.
 *
 * A release's last step, after the driver's remove and the bus's
 * dma_cleanup, is one function in 6.1, 6.12 and 7.x, device_unbind_cleanup(),
 * which clears dev->driver: an entry kprobe there sees every unbind, and
 * no return probe on the release path is needed.  A failed probe's cleanup
 * calls it too.
 */
#define IOGROUP_RELEASE_SYMBOL NULL
#define IOGROUP_UNBIND_SYMBOL "device_unbind_cleanup"

static inline int iogroup_compat_probe_errno(int ret, bool bound)
{
	if (bound)
		return 0;
	return ret < 0 ? -ret : ret;
}

/* No separate hook is needed to see a probe's errno. */
#define IOGROUP_PROBE_ERRNO_SYMBOL NULL

/*
 * v5.19 ("iommu: Add DMA ownership management interfaces"): drivers that
 * manage DMA themselves say so, a claimed group refuses the others, and
 * bridges' pcieport manages DMA itself: no special case for bridges.
 * iommu_attach_group() is a domain switch, not a change of owner.
 */
#define IOGROUP_BRIDGES_ALWAYS_VIABLE 0
#define IOGROUP_ATTACH_IS_OWNERSHIP 0
#define IOGROUP_CLAIM_SYMBOL "iommu_group_claim_dma_owner"
#define IOGROUP_UNCLAIM_SYMBOL "iommu_group_release_dma_owner"

/*
 * The veto sits on the bus's dma_configure(), which runs in really_probe()
 * once dev->driver is set, before the bus takes a DMA-ownership count.
 */
#define IOGROUP_VETO_SYMBOL "pci_dma_configure"
#define IOGROUP_VETO_SYMBOL2 "platform_dma_configure"
#define IOGROUP_VETO_REPORTS 0	/* really_probe()'s hook sees -EBUSY */
/*
 * Once a claim holds DMA ownership the kernel refuses kernel DMA-API
 * drivers itself (iommu_device_use_default_domain(): -EBUSY): only a claim
 * that unbinds a group's drivers needs the veto, until it owns the group.
 */
#define IOGROUP_VETO_EVERY_CLAIM 0

/* dma_configure(dev), with dev->driver set by really_probe() */
static inline struct device *
iogroup_compat_veto_args(struct pt_regs *regs, struct device_driver **drv)
{
	struct device *dev = (struct device *)regs_get_kernel_argument(regs, 0);

	*drv = READ_ONCE(dev->driver);
	return dev;
}

static inline int iogroup_compat_owner_claimed(struct iommu_group *grp)
{
	return iommu_group_dma_owner_claimed(grp);
}

/*
 * A claim takes the kernel's DMA ownership: the group moves to its blocking
 * domain and the kernel itself refuses kernel DMA-API drivers from then on.
 */
struct iogroup_compat_claim {
};

static inline int iogroup_compat_claim(struct iommu_group *grp,
				       struct iogroup_compat_claim *cc,
				       void *owner)
{
	return iommu_group_claim_dma_owner(grp, owner);
}

static inline void iogroup_compat_unclaim(struct iommu_group *grp,
					  struct iogroup_compat_claim *cc,
					  void *owner)
{
	iommu_group_release_dma_owner(grp);
}

/* What the kernel's hooks see as the owner of a claim. */
static inline const void *
iogroup_compat_claim_cookie(struct iogroup_compat_claim *cc, void *owner)
{
	return owner;
}

#else /* !IOGROUP_HAS_DMA_OWNER: Linux 5.10 */

/*
 * 5.10: really_probe() returns 1 when bound, 0 when ->probe() failed (the
 * errno is swallowed: IOGROUP_PROBE_ERRNO_SYMBOL sees it), negative for
 * early failures.  device_release_driver_internal() is inlined into the
 * unbind paths: hook __device_release_driver().
 */
#define IOGROUP_RELEASE_SYMBOL "__device_release_driver"
#define IOGROUP_UNBIND_SYMBOL NULL
#define IOGROUP_PROBE_ERRNO_SYMBOL "pci_device_probe"

static inline int iogroup_compat_probe_errno(int ret, bool bound)
{
	if (bound)
		return 0;
	return ret < 0 ? -ret : -1;	/* -1: reported by the errno hook */
}

/*
 * No driver_managed_dma: VFIO's own rule (5.10 drivers/vfio/vfio.c,
 * vfio_dev_viable()) decides: no driver, a vfio driver, pci-stub, or a
 * bridge whatever its driver.  pcieport, which does no DMA, counts as
 * managing it, as v5.19 marked it.
 */
#define IOGROUP_BRIDGES_ALWAYS_VIABLE 1

static inline bool iogroup_compat_driver_allowed(const char *name)
{
	return !strcmp(name, "pci-stub") || !strcmp(name, "pcieport") ||
	       !strncmp(name, "vfio", 4);
}

/*
 * No ownership API: whoever attaches a domain of its own to the group
 * (VFIO's type1 backend, iogroup) owns it until it detaches.
 */
#define IOGROUP_ATTACH_IS_OWNERSHIP 1
#define IOGROUP_CLAIM_SYMBOL NULL
#define IOGROUP_UNCLAIM_SYMBOL NULL

/*
 * No bus dma_cleanup() and no ownership count: the veto refuses the probe
 * before it starts, at driver_probe_device(drv, dev), so that sysfs bind
 * returns EBUSY (a failure inside really_probe() reads as ENODEV there).
 * really_probe() is not reached: the veto reports the failure itself.
 */
#define IOGROUP_VETO_SYMBOL "driver_probe_device"
#define IOGROUP_VETO_SYMBOL2 NULL
#define IOGROUP_VETO_REPORTS 1
/* Nothing else refuses them: every claim needs the veto while it is held. */
#define IOGROUP_VETO_EVERY_CLAIM 1

static inline struct device *
iogroup_compat_veto_args(struct pt_regs *regs, struct device_driver **drv)
{
	*drv = (struct device_driver *)regs_get_kernel_argument(regs, 0);
	return (struct device *)regs_get_kernel_argument(regs, 1);
}

static inline int iogroup_compat_owner_claimed(struct iommu_group *grp)
{
	return -1;
}

/* A claim attaches an empty unmanaged domain: all DMA faults. */
struct iogroup_compat_claim {
	struct iommu_domain *domain;
};

static inline int iogroup_compat_first_bus(struct device *dev, void *data)
{
	*(struct bus_type **)data = dev->bus;
	return 1;
}

static inline int iogroup_compat_claim(struct iommu_group *grp,
				       struct iogroup_compat_claim *cc,
				       void *owner)
{
	struct bus_type *bus = NULL;
	int ret;

	iommu_group_for_each_dev(grp, &bus, iogroup_compat_first_bus);
	if (!bus)
		return -ENODEV;
	cc->domain = iommu_domain_alloc(bus);
	if (!cc->domain)
		return -ENOMEM;
	ret = iommu_attach_group(cc->domain, grp);
	if (ret) {
		iommu_domain_free(cc->domain);
		cc->domain = NULL;
	}
	return ret;
}

static inline void iogroup_compat_unclaim(struct iommu_group *grp,
					  struct iogroup_compat_claim *cc,
					  void *owner)
{
	iommu_detach_group(cc->domain, grp);
	iommu_domain_free(cc->domain);
	cc->domain = NULL;
}

static inline const void *
iogroup_compat_claim_cookie(struct iogroup_compat_claim *cc, void *owner)
{
	return cc->domain;
}

#endif /* IOGROUP_HAS_DMA_OWNER */

/*
 * v5.19 put driver_managed_dma in the bus drivers: such drivers (vfio-pci,
 * pci-stub, pcieport) use no kernel DMA API.  Before, VFIO's own allow-list.
 */
static inline bool iogroup_compat_driver_manages_dma(struct device *dev,
						     struct device_driver *drv)
{
#ifdef IOGROUP_HAS_DRIVER_MANAGED_DMA
	if (dev_is_pci(dev))
		return to_pci_driver(drv)->driver_managed_dma;
	if (dev_is_platform(dev))
		return to_platform_driver(drv)->driver_managed_dma;
	return false;
#else
	return iogroup_compat_driver_allowed(drv->name);
#endif /* IOGROUP_HAS_DRIVER_MANAGED_DMA */
}

/*
 * v5.15 ("iommu: Introduce explicit type for non-strict DMA domains"):
 * before, a lazy DMA domain had no type of its own; no type matches ~0.
 */
#ifdef IOMMU_DOMAIN_DMA_FQ
#define IOGROUP_COMPAT_DOMAIN_DMA_FQ IOMMU_DOMAIN_DMA_FQ
#else
#define IOGROUP_COMPAT_DOMAIN_DMA_FQ (~0U)
#endif /* IOMMU_DOMAIN_DMA_FQ */

/*
 * The current domain of @dev's group, called with the group's mutex held
 * (from an iommu_group_for_each_dev() callback), which keeps the domain
 * attached and so alive while its type is read.
 */
static inline struct iommu_domain *iogroup_compat_domain_locked(struct device *dev)
{
#ifdef IOGROUP_HAS_DRIVER_GET_DOMAIN
	/*
	 * v6.18 ("iommu: Add iommu_driver_get_domain_for_dev() helper"):
	 * iommu_get_domain_for_dev() now asserts the group mutex is NOT held;
	 * this is its variant for callers that hold it.
	 */
	return iommu_driver_get_domain_for_dev(dev);
#else
	return iommu_get_domain_for_dev(dev);
#endif /* IOGROUP_HAS_DRIVER_GET_DOMAIN */
}

/*
 * Where a kprobe at a function's first instruction finds the return
 * address: on top of the stack (x86-64, which is what has an Intel IOMMU).
 */
static inline unsigned long iogroup_compat_return_address(struct pt_regs *regs)
{
#ifdef CONFIG_X86_64
	return *(unsigned long *)kernel_stack_pointer(regs);
#else
	return 0;
#endif
}

/*
 * v6.2 ("netlink: add support for formatted extack messages") copies the
 * text into the extack; before, NL_SET_ERR_MSG() only takes literals and the
 * ack reads the pointer right after the handler returns.
 */
#ifdef IOGROUP_HAS_NL_ERR_MSG_FMT
#define iogroup_compat_set_errmsg(extack, msg) \
	NL_SET_ERR_MSG_FMT(extack, "%s", msg)
#else
#define iogroup_compat_set_errmsg(extack, msg) ((extack)->_msg = (msg))
#endif /* IOGROUP_HAS_NL_ERR_MSG_FMT */

/*
 * v6.2 ("genetlink: use struct genl_info for dumps too") moved the parsed
 * attributes of a dump request into an embedded struct genl_info.
 */
#ifdef IOGROUP_HAS_GENL_DUMPIT_INFO_INFO
#define iogroup_compat_dump_attrs(cb) (genl_dumpit_info(cb)->info.attrs)
#else
#define iogroup_compat_dump_attrs(cb) (genl_dumpit_info(cb)->attrs)
#endif /* IOGROUP_HAS_GENL_DUMPIT_INFO_INFO */

/*
 * v6.0 ("genetlink: add helper for checking required attrs") lets the ack
 * name the missing attribute.
 */
#ifdef IOGROUP_HAS_GENL_REQ_ATTR_CHECK
#define iogroup_compat_attr_missing(info, attr) \
	((void)GENL_REQ_ATTR_CHECK(info, attr))
#else
#define iogroup_compat_attr_missing(info, attr) do { } while (0)
#endif /* IOGROUP_HAS_GENL_REQ_ATTR_CHECK */

/*
 * v6.13 ("hrtimers: Introduce hrtimer_setup() to replace hrtimer_init()")
 * sets the callback with the timer; 7.x has no hrtimer_init() any more.
 */
#ifdef IOGROUP_HAS_HRTIMER_SETUP
#define iogroup_compat_hrtimer_setup(t, fn) \
	hrtimer_setup(t, fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL)
#else
static inline void
iogroup_compat_hrtimer_setup(struct hrtimer *t,
			     enum hrtimer_restart (*fn)(struct hrtimer *))
{
	hrtimer_init(t, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	t->function = fn;
}
#endif /* IOGROUP_HAS_HRTIMER_SETUP */

#endif /* __ASSEMBLY__ */
#endif /* _IOGROUP_COMPAT_H */
