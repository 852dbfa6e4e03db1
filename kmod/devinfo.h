/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PCIGUARD_DEVINFO_H
#define _PCIGUARD_DEVINFO_H

#include <linux/types.h>

#include "bdf.h"
#include "cfgspace.h"
#include "uapi/pciguard.h"

struct pci_dev;

/* The deepest bridge chain pciguard reports a path for. */
#define PG_PATH_MAX_HOPS	16
#define PG_MAX_RESET_METHODS	8

/**
 * struct pg_cfg_denial - a config write from user space that was refused
 * @offset: first byte of the first register the write was refused at
 * @len: that register's length, 1, 2 or 4
 * @value: the value written there
 * @mask: the bits of @value the policy refused
 * @comm: the task that wrote
 */
struct pg_cfg_denial {
	u16 offset;
	u8 len;
	u32 value;
	u32 mask;
	char comm[PCIGUARD_COMM_MAX];
};

/**
 * struct pg_custody_info - what custody keeps about a device it holds
 * @custody: enum pciguard_custody
 * @orig_driver: dom0 driver when pciguard took the device, "" if none
 * @since: when custody began, CLOCK_REALTIME ns
 * @has_reset: a reset ran (entering quarantine or handing the device to a
 *	guest, the latest); @reset_errno, @reset_msecs valid
 * @reset_errno: 0 or its positive errno
 * @reset_msecs: its duration
 * @refused: refused rebind attempts
 * @last_refused: driver of the latest refused attempt, "" if none
 * @guest: the guest an assigned device went to, "" when not assigned
 * @backend: enum pciguard_backend serving it to @guest
 * @permissive: assigned with permissive
 * @no_strict_reset: assigned with no-strict-reset
 * @grants: config-space write grants of the assignment
 * @ngrants: valid entries in @grants
 * @cfg_denials: config writes from user space refused since custody began
 * @denial: the latest refused writes, oldest first
 * @ndenial: valid entries in @denial
 * @violations: distinct backend mismatches reported, see
 *	pg_custody_violation()
 * @violation: the latest one, "" if none
 */
struct pg_custody_info {
	u32 custody;
	char orig_driver[PCIGUARD_DRIVER_NAME_MAX];
	u64 since;
	bool has_reset;
	u32 reset_errno;
	u32 reset_msecs;
	u32 refused;
	char last_refused[PCIGUARD_DRIVER_NAME_MAX];
	char guest[PCIGUARD_GUEST_NAME_MAX];
	u32 backend;
	bool permissive;
	bool no_strict_reset;
	struct pg_cfg_grant grants[PCIGUARD_MAX_GRANTS];
	unsigned int ngrants;
	u32 cfg_denials;
	struct pg_cfg_denial denial[PCIGUARD_CFG_LAST];
	unsigned int ndenial;
	u32 violations;
	char violation[PCIGUARD_VIOLATION_MAX];
};

/**
 * struct pg_devinfo - a snapshot of the facts pciguard reports for a device
 * @bdf: the device's address
 * @vendor: vendor ID
 * @device: device ID
 * @subsys_vendor: subsystem vendor ID
 * @subsys_device: subsystem device ID
 * @class: class code, base << 16 | sub << 8 | prog-if
 * @revision: revision ID
 * @hdr_type: header layout without the multifunction bit
 * @multifunction: the slot has several functions
 * @driver: bound driver's name, empty when unbound
 * @state: enum pciguard_state
 * @iommu_group: group number, or -1 when the device has no group
 * @reset_methods: enum pciguard_reset_method values in the kernel's order
 * @nr_reset_methods: valid entries in @reset_methods
 * @flr_capable: PCIe DevCap advertises FLR
 * @has_parent: @parent is valid
 * @parent: address of the upstream bridge
 * @path: stable path from the root bus, see pg_path_format()
 * @xen_domid: the Xen guest that holds the device now, -1 if none; see
 *	pg_xen_domain_of()
 * @has_dsn: the device has a Device Serial Number capability; @dsn valid
 * @dsn: its serial number, as pci_get_dsn() reads it
 * @in_custody: @cust is valid
 * @absent: a custody entry whose device is not on the bus now; only @bdf,
 *	@state and @cust are valid
 * @cust: what custody keeps about the device
 */
struct pg_devinfo {
	struct pg_bdf bdf;
	u16 vendor;
	u16 device;
	u16 subsys_vendor;
	u16 subsys_device;
	u32 class;
	u8 revision;
	u8 hdr_type;
	bool multifunction;
	char driver[PCIGUARD_DRIVER_NAME_MAX];
	u32 state;
	int iommu_group;
	u8 reset_methods[PG_MAX_RESET_METHODS];
	unsigned int nr_reset_methods;
	bool flr_capable;
	bool has_parent;
	struct pg_bdf parent;
	char path[PCIGUARD_PATH_MAX];
	int xen_domid;
	bool has_dsn;
	u64 dsn;
	bool in_custody;
	bool absent;
	struct pg_custody_info cust;
};

void pg_devinfo_get(struct pci_dev *pdev, struct pg_devinfo *info);
void pg_bdf_of(struct pci_dev *pdev, struct pg_bdf *bdf);
int pg_xen_domain_of(struct pci_dev *pdev);

#endif /* _PCIGUARD_DEVINFO_H */
