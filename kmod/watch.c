// SPDX-License-Identifier: GPL-2.0
/*
 * The rebind watch: seeing the drivers that try to bind a device in
 * custody.
 *
 * driver_override is what refuses them, inside the PCI core's match
 * function, and the driver core reports nothing about a match that fails.
 * To count the attempts (and name the driver) pciguard puts a kprobe on
 * the PCI bus's match function, found through pci_bus_type.match rather
 * than by symbol name. The probe only observes; it never changes the
 * outcome. Without kprobes (CONFIG_KPROBES=n, or registration refused)
 * custody is enforced just the same and only the counting is missing;
 * the module says so when it loads.
 */
#include <linux/kprobes.h>
#include <linux/pci.h>
#include <linux/ptrace.h>

#include "custody.h"
#include "watch.h"

#if IS_ENABLED(CONFIG_KPROBES) && defined(CONFIG_HAVE_REGS_AND_STACK_ACCESS_API)

static bool pg_watch_on;

/* Entry of pci_bus_match(struct device *dev, struct device_driver *drv). */
static int pg_watch_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct device *dev = (struct device *)regs_get_kernel_argument(regs, 0);
	struct device_driver *drv =
		(struct device_driver *)regs_get_kernel_argument(regs, 1);

	if (dev && drv && dev->bus == &pci_bus_type &&
	    drv->bus == &pci_bus_type)
		pg_custody_match_attempt(to_pci_dev(dev), to_pci_driver(drv));
	return 0;
}

static struct kprobe pg_watch_kp = {
	.pre_handler = pg_watch_pre,
};

/**
 * pg_watch_init() - start counting refused rebinds
 *
 * Failure is not fatal: custody does not depend on the watch.
 */
void pg_watch_init(void)
{
	int ret;

	pg_watch_kp.addr = (kprobe_opcode_t *)pci_bus_type.match;
	ret = register_kprobe(&pg_watch_kp);
	if (ret) {
		pr_warn("cannot watch PCI driver matching (%d): refused rebinds are enforced but not counted\n",
			ret);
		return;
	}
	pg_watch_on = true;
}

/**
 * pg_watch_exit() - stop counting
 */
void pg_watch_exit(void)
{
	if (pg_watch_on)
		unregister_kprobe(&pg_watch_kp);
	pg_watch_on = false;
}

#else

void pg_watch_init(void)
{
	pr_warn("built without kprobes: refused rebinds are enforced but not counted\n");
}

void pg_watch_exit(void)
{
}

#endif
