/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PCIGUARD_CUSTODY_H
#define _PCIGUARD_CUSTODY_H

#include <linux/types.h>

#include "bdf.h"
#include "cfgspace.h"

struct netlink_ext_ack;
struct nlattr;
struct pci_dev;
struct pci_driver;
struct pg_custody_facts;
struct pg_devinfo;

/**
 * struct pg_target - one device named by a request on target devices
 * @bdf: its address
 * @pdev: the device, with a reference; NULL when absent
 * @attr: the request's nest that named it, for the extack bad attribute
 * @changed: set by a hide that took the device into custody, and by an
 *	assign that handed it to the backend (not one assigned already)
 */
struct pg_target {
	struct pg_bdf bdf;
	struct pci_dev *pdev;
	const struct nlattr *attr;
	bool changed;
};

/**
 * struct pg_assign - what a DEV_ASSIGN request asks for
 * @guest: the guest's name, valid (pg_guest_name_valid())
 * @backend: enum pciguard_backend
 * @force: take storage and display devices dom0 drives into custody
 * @no_strict_reset: hand over without strict reset
 * @permissive: open all of config space to writes
 * @grants: config-space registers to open, valid (pg_cfg_grant_check())
 *	for some device, no two alike
 * @ngrants: how many, at most PCIGUARD_MAX_GRANTS
 */
struct pg_assign {
	const char *guest;
	u32 backend;
	bool force;
	bool no_strict_reset;
	bool permissive;
	const struct pg_cfg_grant *grants;
	unsigned int ngrants;
};

/**
 * struct pg_cfg_write - one register of a config write from user space
 * @offset: its first byte
 * @len: 1, 2 or 4, as the PCI core splits writes
 * @value: the value written
 * @cur: the register's value before the write, when the judgement needs
 *	it (pg_custody_cfg_judge())
 */
struct pg_cfg_write {
	u16 offset;
	u8 len;
	u32 value;
	u32 cur;
};

int pg_custody_init(void);
void pg_custody_claim_hidden(void);
void pg_custody_exit(void);

void pg_custody_dev_added(struct pci_dev *pdev);
void pg_custody_dev_deleting(struct pci_dev *pdev);
void pg_custody_dev_removed(struct pci_dev *pdev);
void pg_custody_dev_unbinding(struct pci_dev *pdev);
void pg_custody_dev_unbound(struct pci_dev *pdev);
void pg_custody_match_attempt(struct pci_dev *pdev, struct pci_driver *drv);

void pg_custody_facts_of(struct pci_dev *pdev, struct pg_custody_facts *f);
void pg_custody_fill(struct pci_dev *pdev, struct pg_devinfo *info);
int pg_custody_absent(unsigned long idx, struct pg_devinfo *info);
int pg_custody_absent_get(const struct pg_bdf *bdf, struct pg_devinfo *info);

int pg_custody_hide(struct pg_target *t, unsigned int n, bool force,
		    struct netlink_ext_ack *extack);
int pg_custody_release(struct pg_target *t, unsigned int n, bool force,
		       struct netlink_ext_ack *extack);
int pg_custody_assign(struct pg_target *t, unsigned int n,
		      const struct pg_assign *a, struct netlink_ext_ack *extack);
int pg_custody_detach(struct pg_target *t, unsigned int n,
		      struct netlink_ext_ack *extack);

bool pg_custody_cfg_guarded(struct pci_dev *pdev);
int pg_custody_cfg_judge(struct pci_dev *pdev, const struct pg_cfg_write *w,
			 unsigned int n, bool have_cur);
int pg_custody_violation(struct pci_dev *pdev, const char *what,
			 struct netlink_ext_ack *extack);

#endif /* _PCIGUARD_CUSTODY_H */
