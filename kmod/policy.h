/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Custody policy: which devices pciguard agrees to take from dom0. Pure C,
 * shared with the CLI (which explains a refusal before asking the kernel)
 * and the unit tests; the kernel's answer is the one that counts.
 */
#ifndef _PCIGUARD_POLICY_H
#define _PCIGUARD_POLICY_H

#include "compat.h"
#include "uapi/pciguard.h"

/**
 * struct pg_custody_facts - what the custody decision looks at
 * @class: class code, base << 16 | sub << 8 | prog-if
 * @hdr_type: configuration header layout without the multifunction bit
 * @has_subordinate: the device forwards to a secondary bus
 * @bound: a driver is bound to the device now
 * @backend: that driver is a guest backend (vfio-pci, pciback) that
 *	pciguard did not bind: a guest may be using the device
 * @in_guest: a running Xen guest holds the device now (pciback exported it
 *	to the domain)
 */
struct pg_custody_facts {
	u32 class;
	u8 hdr_type;
	bool has_subordinate;
	bool bound;
	bool backend;
	bool in_guest;
};

/**
 * enum pg_custody_verdict - may pciguard take a device into custody?
 * @PG_CUSTODY_OK: yes
 * @PG_CUSTODY_HOST_BRIDGE: no: a host bridge is part of the platform
 * @PG_CUSTODY_BRIDGE: no: a PCI-to-PCI bridge or root port; its secondary
 *	bus carries other devices, which are what can be hidden
 * @PG_CUSTODY_HEADER: no: only type 0 (endpoint) headers can go to a guest
 * @PG_CUSTODY_STORAGE: not without force: dom0 drives it as storage
 * @PG_CUSTODY_DISPLAY: not without force: dom0 drives it as display
 * @PG_CUSTODY_BACKEND: not without force: a guest backend holds it, set up
 *	by other means, and a guest may be using it
 * @PG_CUSTODY_IN_GUEST: no, not even with force: a running Xen guest uses
 *	the device; it must be detached from the guest first
 */
enum pg_custody_verdict {
	PG_CUSTODY_OK,
	PG_CUSTODY_HOST_BRIDGE,
	PG_CUSTODY_BRIDGE,
	PG_CUSTODY_HEADER,
	PG_CUSTODY_STORAGE,
	PG_CUSTODY_DISPLAY,
	PG_CUSTODY_BACKEND,
	PG_CUSTODY_IN_GUEST,
};

bool pg_is_backend_driver(const char *driver);
bool pg_guest_name_valid(const char *name);

enum pg_custody_verdict pg_custody_check(const struct pg_custody_facts *f, bool force);
const char *pg_custody_verdict_msg(enum pg_custody_verdict v);
int pg_custody_verdict_errno(enum pg_custody_verdict v);

#endif /* _PCIGUARD_POLICY_H */
