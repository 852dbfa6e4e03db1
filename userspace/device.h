/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the CLI knows about one PCI device: the module's netlink reply, in
 * plain C types. Filled by netlink.c, read by the subcommands.
 */
#ifndef PCIGUARD_DEVICE_H
#define PCIGUARD_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bdf.h"
#include "cfgspace.h"
#include "uapi/pciguard.h"

#define PG_MAX_RESET 8

struct pg_dev {
	struct pg_bdf bdf;
	char bdf_str[PG_BDF_STRLEN];
	uint16_t vendor;
	uint16_t device;
	uint16_t subsys_vendor;
	uint16_t subsys_device;
	uint32_t class;
	uint8_t revision;
	uint8_t hdr_type;
	bool multifunction;
	char driver[PCIGUARD_DRIVER_NAME_MAX];	/* "" when unbound */
	uint32_t state;
	bool has_iommu_group;
	uint32_t iommu_group;
	uint32_t reset[PG_MAX_RESET];		/* enum pciguard_reset_method */
	unsigned int nr_reset;
	bool flr_capable;
	char parent[PG_BDF_STRLEN];		/* "" on a root bus */
	char path[PCIGUARD_PATH_MAX];
	bool has_dsn;				/* PCIe Device Serial Number */
	uint64_t dsn;
	/* Custody (state other than host); absent: removed from the bus. */
	bool in_custody;
	bool absent;
	uint32_t custody;			/* enum pciguard_custody */
	char orig_driver[PCIGUARD_DRIVER_NAME_MAX];
	uint64_t since;				/* CLOCK_REALTIME ns */
	bool has_reset;
	uint32_t reset_errno;
	uint32_t reset_msecs;
	uint32_t refused;
	char last_refused[PCIGUARD_DRIVER_NAME_MAX];
	/* Assigned to a guest (state assigned). */
	char guest[PCIGUARD_GUEST_NAME_MAX];
	uint32_t backend;			/* enum pciguard_backend */
	bool permissive;
	bool no_strict_reset;
	struct pg_cfg_grant grants[PCIGUARD_MAX_GRANTS];
	unsigned int ngrants;
	/* Config writes from dom0's user space refused; latest ones. */
	uint32_t cfg_denials;
	struct pg_denial {
		uint16_t offset;
		uint8_t len;
		uint32_t value;
		uint32_t mask;			/* the refused bits */
		char comm[PCIGUARD_COMM_MAX];
	} denial[PCIGUARD_CFG_LAST];
	unsigned int ndenial;
	uint32_t violations;
	char violation[PCIGUARD_VIOLATION_MAX];
	/* Xen dom0: the guest that holds the device now (pciback's export). */
	int xen_domid;				/* -1: no guest holds it */
	char xen_domain[PCIGUARD_GUEST_NAME_MAX]; /* its name, "" unknown */
};

struct pg_devlist {
	struct pg_dev *dev;
	size_t n;
};

void pg_devlist_free(struct pg_devlist *list);
const struct pg_dev *pg_devlist_find(const struct pg_devlist *list,
				     const struct pg_bdf *bdf);

const char *pg_state_name(uint32_t state);
const char *pg_backend_name(uint32_t backend);
const char *pg_custody_name(uint32_t custody);
const char *pg_errno_name(uint32_t err);
void pg_reset_result(const struct pg_dev *d, char *buf, size_t len);
void pg_time_format(uint64_t ns, char *buf, size_t len);
const char *pg_reset_name(uint32_t method);
const char *pg_reset_desc(uint32_t method);
const char *pg_best_reset(const struct pg_dev *dev);
bool pg_held_by_other(const struct pg_dev *d);

#endif
