// SPDX-License-Identifier: GPL-2.0
/*
 * pciguard: custody of PCI devices meant for guest VMs.
 */
#include <linux/module.h>
#include <net/genetlink.h>

#include "bus.h"
#include "cfgguard.h"
#include "custody.h"
#include "event.h"
#include "netlink.h"
#include "uapi/pciguard.h"
#include "watch.h"

static int __init pciguard_init(void)
{
	int ret;

	/* Parses hide=: a malformed list refuses the load here. */
	ret = pg_custody_init();
	if (ret)
		return ret;
	ret = pg_netlink_init();
	if (ret)
		goto err_custody;
	ret = pg_bus_init();
	if (ret)
		goto err_netlink;
	pg_watch_init();
	pg_cfgguard_init();
	pg_custody_claim_hidden();

	pr_info("loaded; netlink family %s version %d\n", PCIGUARD_GENL_NAME,
		PCIGUARD_GENL_VERSION);
	return 0;

err_netlink:
	pg_netlink_exit();
err_custody:
	pg_custody_exit();
	return ret;
}

/* Only reached with nothing in custody: each entry pins the module. */
static void __exit pciguard_exit(void)
{
	pg_cfgguard_exit();
	pg_watch_exit();
	pg_bus_exit();
	pg_custody_exit();
	pg_event_exit();
	pg_netlink_exit();
}

module_init(pciguard_init);
module_exit(pciguard_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Custody of PCI devices meant for guest VMs");
MODULE_AUTHOR("The pciguard developers");
MODULE_VERSION(PCIGUARD_VERSION);
MODULE_ALIAS_GENL_FAMILY(PCIGUARD_GENL_NAME);
