// SPDX-License-Identifier: GPL-2.0
/*
 * Gathering the facts about a PCI device that pciguard reports. This is the
 * thin glue between struct pci_dev and the plain data the rest of the module
 * (and the policy code) reasons about.
 */
#include <linux/device.h>
#include <linux/iommu.h>
#include <linux/pci.h>
#include <xen/pci.h>
#include <xen/xen.h>

#include "custody.h"
#include "devinfo.h"

/*
 * The PCI core keeps a device's reset methods as indexes into a table
 * private to drivers/pci/pci.c (pci_reset_fn_methods[]). These are the
 * names of those indexes in the kernels pciguard builds against; a kernel
 * whose table has another size fails the build below rather than report
 * wrong methods. The VM tests compare the result with sysfs reset_method.
 */
static const u8 pg_reset_method_of_index[PCI_NUM_RESET_METHODS] = {
	[1] = PCIGUARD_RESET_DEVICE_SPECIFIC,
	[2] = PCIGUARD_RESET_ACPI,
	[3] = PCIGUARD_RESET_FLR,
	[4] = PCIGUARD_RESET_AF_FLR,
	[5] = PCIGUARD_RESET_PM,
	[6] = PCIGUARD_RESET_BUS,
};

static void pg_devinfo_reset_methods(struct pci_dev *pdev,
				     struct pg_devinfo *info)
{
	unsigned int i;

	BUILD_BUG_ON(PCI_NUM_RESET_METHODS != 7);
	BUILD_BUG_ON(PCI_NUM_RESET_METHODS > PG_MAX_RESET_METHODS);

	info->nr_reset_methods = 0;
	for (i = 0; i < PCI_NUM_RESET_METHODS; i++) {
		u8 idx = pdev->reset_methods[i];

		if (!idx || idx >= PCI_NUM_RESET_METHODS)
			break;
		info->reset_methods[info->nr_reset_methods++] =
			pg_reset_method_of_index[idx];
	}
}

static void pg_devinfo_path(struct pci_dev *pdev, struct pg_devinfo *info)
{
	struct pg_path_hop hops[PG_PATH_MAX_HOPS];
	unsigned int n = 0, i;
	struct pci_dev *d;

	/* Walk up to the root bus, then emit the hops root first. */
	for (d = pdev; d && n < PG_PATH_MAX_HOPS; d = d->bus->self)
		n++;
	i = n;
	for (d = pdev; d && i; d = d->bus->self) {
		i--;
		hops[i].bus = d->bus->number;
		hops[i].slot = PCI_SLOT(d->devfn);
		hops[i].function = PCI_FUNC(d->devfn);
	}
	if (pg_path_format(info->path, sizeof(info->path),
			   pci_domain_nr(pdev->bus), hops, n) < 0)
		info->path[0] = '\0';
}

/**
 * pg_bdf_of() - a device's address
 * @pdev: the device
 * @bdf: filled in
 */
void pg_bdf_of(struct pci_dev *pdev, struct pg_bdf *bdf)
{
	bdf->domain = pci_domain_nr(pdev->bus);
	bdf->bus = pdev->bus->number;
	bdf->slot = PCI_SLOT(pdev->devfn);
	bdf->function = PCI_FUNC(pdev->devfn);
}

/**
 * pg_devinfo_get() - take a snapshot of what pciguard reports for a device
 * @pdev: the device; the caller holds a reference
 * @info: filled in completely
 *
 * Takes the device lock to read the bound driver, so it may sleep and must
 * not be called with the device lock held.
 */
void pg_devinfo_get(struct pci_dev *pdev, struct pg_devinfo *info)
{
	struct iommu_group *group;
	struct pci_dev *parent;

	memset(info, 0, sizeof(*info));
	pg_bdf_of(pdev, &info->bdf);
	info->vendor = pdev->vendor;
	info->device = pdev->device;
	info->subsys_vendor = pdev->subsystem_vendor;
	info->subsys_device = pdev->subsystem_device;
	info->class = pdev->class;
	info->revision = pdev->revision;
	info->hdr_type = pdev->hdr_type;
	info->multifunction = pdev->multifunction;
	info->state = PCIGUARD_STATE_HOST;
	info->flr_capable = pci_is_pcie(pdev) &&
			    (pdev->devcap & PCI_EXP_DEVCAP_FLR);
	/* 0 means no DSN capability (or no answer from config space). */
	info->dsn = pci_get_dsn(pdev);
	info->has_dsn = info->dsn != 0;

	/*
	 * The device lock keeps the driver bound (and its module, hence its
	 * name) while we copy the name. Writers of sysfs reset_method do not
	 * take it; a racing write can only make us report the old or the new
	 * list, because we stop at the first index out of range.
	 */
	device_lock(&pdev->dev);
	if (pdev->dev.driver)
		strscpy(info->driver, pdev->dev.driver->name,
			sizeof(info->driver));
	pg_devinfo_reset_methods(pdev, info);
	device_unlock(&pdev->dev);

	/*
	 * Hot removal takes the device out of its IOMMU group and drops the
	 * group's reference before it clears dev->iommu_group: a look-up in
	 * between takes a reference on a group being freed (refcount_t
	 * "addition on 0", seen in hotplug.sh's dumps). Removal runs under
	 * the rescan/remove lock; so does this look-up. Callers hold no
	 * device lock (removal takes them under it).
	 */
	pci_lock_rescan_remove();
	group = iommu_group_get(&pdev->dev);
	if (group) {
		info->iommu_group = iommu_group_id(group);
		iommu_group_put(group);
	} else {
		info->iommu_group = -1;
	}
	pci_unlock_rescan_remove();

	parent = pdev->bus->self;
	if (parent) {
		info->has_parent = true;
		pg_bdf_of(parent, &info->parent);
	}
	pg_devinfo_path(pdev, info);
	info->xen_domid = pg_xen_domain_of(pdev);
	pg_custody_fill(pdev, info);
}

/**
 * pg_xen_domain_of() - the Xen guest that holds @pdev now
 * @pdev: the device
 *
 * xen-pciback registers the frontend's domain as the device's owner while
 * it exports the device to a guest (from the guest's pcifront connecting
 * until the device is detached or the guest is gone), so this is the
 * domain that really has the device, whatever pciguard was told.
 *
 * Return: that domain's ID, or -1 when no guest holds it (or this is not
 * Xen's dom0).
 */
int pg_xen_domain_of(struct pci_dev *pdev)
{
	int domid;

	if (!xen_initial_domain())
		return -1;
	domid = xen_find_device_domain_owner(pdev);
	return domid >= 0 ? domid : -1;
}
