// SPDX-License-Identifier: GPL-2.0
/*
 * pciguard: custody of PCI devices meant for guest VMs.
 */
#include <linux/module.h>
#include <net/genetlink.h>

#include "bus.h"
#include "netlink.h"
#include "uapi/pciguard.h"

static int __init pciguard_init(void)
{
	int ret;

	ret = pg_bus_init();
	if (ret)
		return ret;
	ret = pg_netlink_init();
	if (ret)
		goto err_bus;

	pr_info("loaded; netlink family %s version %d\n", PCIGUARD_GENL_NAME,
		PCIGUARD_GENL_VERSION);
	return 0;

err_bus:
	pg_bus_exit();
	return ret;
}

static void __exit pciguard_exit(void)
{
	pg_netlink_exit();
	pg_bus_exit();
}

module_init(pciguard_init);
module_exit(pciguard_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Custody of PCI devices meant for guest VMs");
MODULE_AUTHOR("The pciguard developers");
MODULE_ALIAS_GENL_FAMILY(PCIGUARD_GENL_NAME);
