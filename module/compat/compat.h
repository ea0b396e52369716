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

#include <linux/iommu.h>
#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <linux/string.h>

/*
 * v5.14 ("driver core: Better distinguish probe errors in really_probe")
 * moved ->probe() into call_driver_probe(), which Debian inlines, and made
 * really_probe() return 0 when bound, a positive errno when ->probe()
 * failed and a negative one for the other failures.  The release path is
 * device_release_driver_internal(); __device_release_driver() is inlined.
 */
#define IOGROUP_RELEASE_SYMBOL "device_release_driver_internal"

static inline int iogroup_compat_probe_errno(int ret, bool bound)
{
	if (bound)
		return 0;
	return ret < 0 ? -ret : ret;
}

/*
 * v5.19 ("iommu: Add DMA ownership management interfaces"): drivers that
 * manage DMA themselves say so, a claimed group refuses the others, and
 * bridges' pcieport manages DMA itself: no special case for bridges.
 */
#define IOGROUP_BRIDGES_ALWAYS_VIABLE 0

#ifdef IOGROUP_HAS_DMA_OWNER
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
#else
static inline int iogroup_compat_owner_claimed(struct iommu_group *grp)
{
	return -1;
}
#endif /* IOGROUP_HAS_DMA_OWNER */

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

#endif /* __ASSEMBLY__ */
#endif /* _IOGROUP_COMPAT_H */
