// SPDX-License-Identifier: GPL-2.0
/*
 * Watching the PCI bus: devices that come and go, drivers that bind and
 * unbind. Versions the topology so that netlink dumps can tell userspace
 * when they raced with a change, and tells custody about devices it holds
 * or must take.
 */
#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/notifier.h>
#include <linux/pci.h>

#include "bus.h"
#include "custody.h"

/*
 * Bumped on every device add/remove and driver bind/unbind; read by dumps.
 * An atomic is all it needs: readers only compare two values.
 */
static atomic_t pg_bus_gen = ATOMIC_INIT(1);

static int pg_bus_notify(struct notifier_block *nb, unsigned long action,
			 void *data)
{
	struct pci_dev *pdev = to_pci_dev(data);

	switch (action) {
	case BUS_NOTIFY_ADD_DEVICE:
		/* Before any driver can probe it: pin it if it is ours. */
		pg_custody_dev_added(pdev);
		atomic_inc(&pg_bus_gen);
		break;
	case BUS_NOTIFY_DEL_DEVICE:
		pg_custody_dev_deleting(pdev);
		atomic_inc(&pg_bus_gen);
		break;
	case BUS_NOTIFY_REMOVED_DEVICE:
		pg_custody_dev_removed(pdev);
		/* Its custody entry, if any, is absent from now on. */
		atomic_inc(&pg_bus_gen);
		break;
	case BUS_NOTIFY_UNBIND_DRIVER:
		/* Called with the device lock held. */
		pg_custody_dev_unbinding(pdev);
		break;
	case BUS_NOTIFY_UNBOUND_DRIVER:
		/* Called with the device lock held. */
		pg_custody_dev_unbound(pdev);
		atomic_inc(&pg_bus_gen);
		break;
	case BUS_NOTIFY_BOUND_DRIVER:
		atomic_inc(&pg_bus_gen);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block pg_bus_nb = {
	.notifier_call = pg_bus_notify,
};

/**
 * pg_bus_generation() - version of the PCI topology and its bindings
 *
 * Return: a number that changes whenever a PCI device is added or removed or
 * a driver binds to or unbinds from one. Never 0.
 */
unsigned int pg_bus_generation(void)
{
	return atomic_read(&pg_bus_gen) ?: 1;
}

/**
 * pg_bus_changed() - note a change dumps must not miss
 *
 * For changes the bus does not see, such as an absent custody entry
 * dropped.
 */
void pg_bus_changed(void)
{
	atomic_inc(&pg_bus_gen);
}

/**
 * pg_bus_init() - start watching the PCI bus
 *
 * Return: 0 or a negative errno.
 */
int pg_bus_init(void)
{
	return bus_register_notifier(&pci_bus_type, &pg_bus_nb);
}

/**
 * pg_bus_exit() - stop watching the PCI bus
 */
void pg_bus_exit(void)
{
	bus_unregister_notifier(&pci_bus_type, &pg_bus_nb);
}
