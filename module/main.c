// SPDX-License-Identifier: GPL-2.0
/*
 * iogroup: a live view of IOMMU group DMA ownership.
 *
 * Load order: the worker, the socket-close notifier of the claims, the
 * netlink family (so the worker can notify), the hooks (so nothing is
 * missed from here on), then the first scan, whose overlap with the hooks'
 * first events is harmless: applying an event reads the kernel again.
 * Unload: the family first (no new claim), then every claim is released
 * while the hooks still follow what that changes, then the checks against
 * the kernel stop, then the hooks and the shadow go.
 */
#include <linux/module.h>
#include <net/genetlink.h>

#include "shadow.h"
#include "version.h"

static int __init iogroup_init(void)
{
	int ret;

	ret = iogroup_shadow_init();
	if (ret)
		return ret;
	ret = iogroup_claims_init();
	if (ret)
		goto err_shadow;
	ret = iogroup_nl_init();
	if (ret)
		goto err_claims;
	ret = iogroup_hooks_init();
	if (ret)
		goto err_nl;
	iogroup_shadow_start();
	pr_info("version %s loaded, hooks: %s\n", IOGROUP_VERSION,
		iogroup_hooks_names());
	return 0;

err_nl:
	iogroup_nl_exit();
err_claims:
	iogroup_claims_exit();
err_shadow:
	iogroup_shadow_exit();
	return ret;
}

static void __exit iogroup_exit(void)
{
	/* no new claim, then release the claims while the hooks still see */
	iogroup_nl_exit();
	iogroup_claims_exit();
	iogroup_shadow_stop();
	iogroup_hooks_exit();
	iogroup_shadow_exit();
	pr_info("unloaded\n");
}

module_init(iogroup_init);
module_exit(iogroup_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Live view of IOMMU group DMA ownership");
MODULE_AUTHOR("The iogroup developers");
MODULE_VERSION(IOGROUP_VERSION);
MODULE_ALIAS_GENL_FAMILY(IOGROUP_FAMILY_NAME);
