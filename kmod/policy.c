// SPDX-License-Identifier: GPL-2.0
/*
 * Custody policy, shared by the module, the CLI and the host tests. No
 * kernel-only calls here: see compat.h.
 */
#include "policy.h"

#define PG_CLASS_BASE(c)	((c) >> 16)
#define PG_CLASS_SUB(c)		(((c) >> 8) & 0xffff)

#define PG_BASE_STORAGE		0x01
#define PG_BASE_DISPLAY		0x03
#define PG_SUB_HOST_BRIDGE	0x0600
#define PG_SUB_PCI_BRIDGE	0x0604
#define PG_SUB_CARDBUS_BRIDGE	0x0607
#define PG_SUB_SEMI_BRIDGE	0x0609

/**
 * pg_custody_check() - may pciguard take this device from dom0?
 * @f: the device's facts
 * @force: the admin accepts that dom0 loses a storage or display device
 *
 * Bridges are refused even with @force: handing one to a guest hands it
 * every device behind it, and resetting it resets them all. So is a device
 * a running guest uses: taking it would pull it from under the guest.
 *
 * Return: PG_CUSTODY_OK or the reason for the refusal.
 */
enum pg_custody_verdict pg_custody_check(const struct pg_custody_facts *f, bool force)
{
	u32 sub = PG_CLASS_SUB(f->class);

	if (sub == PG_SUB_HOST_BRIDGE)
		return PG_CUSTODY_HOST_BRIDGE;
	if (sub == PG_SUB_PCI_BRIDGE || sub == PG_SUB_SEMI_BRIDGE ||
	    sub == PG_SUB_CARDBUS_BRIDGE || f->has_subordinate)
		return PG_CUSTODY_BRIDGE;
	if (f->hdr_type != 0)
		return PG_CUSTODY_HEADER;
	if (f->in_guest)
		return PG_CUSTODY_IN_GUEST;
	if (f->bound && !force) {
		if (f->backend)
			return PG_CUSTODY_BACKEND;
		if (PG_CLASS_BASE(f->class) == PG_BASE_STORAGE)
			return PG_CUSTODY_STORAGE;
		if (PG_CLASS_BASE(f->class) == PG_BASE_DISPLAY)
			return PG_CUSTODY_DISPLAY;
	}
	return PG_CUSTODY_OK;
}

/**
 * pg_custody_verdict_msg() - the reason for a refusal, for an extack message
 * @v: the verdict
 *
 * Return: a static string naming the problem and the fix.
 */
const char *pg_custody_verdict_msg(enum pg_custody_verdict v)
{
	static const char *const msgs[] = {
		[PG_CUSTODY_OK] = "device can be hidden",
		[PG_CUSTODY_HOST_BRIDGE] =
			"device is a host bridge: it belongs to the platform and cannot go to a guest",
		[PG_CUSTODY_BRIDGE] =
			"device is a PCI-to-PCI bridge or root port: hide the devices behind it instead",
		[PG_CUSTODY_HEADER] =
			"device has a bridge or CardBus configuration header: only endpoints (header type 0) can go to a guest",
		[PG_CUSTODY_STORAGE] =
			"device is a storage controller driven by dom0, which may lose its disks: use force if dom0 does not need it",
		[PG_CUSTODY_DISPLAY] =
			"device is a display controller driven by dom0, which may lose its console: use force if dom0 does not need it",
		[PG_CUSTODY_BACKEND] =
			"device is bound to a guest backend (vfio-pci or pciback) that pciguard did not set up, and a guest may be using it: detach it from the guest first, then use force",
		[PG_CUSTODY_IN_GUEST] =
			"device is in use by a running Xen guest: shut the guest down or detach the device from it (xl pci-detach) first",
	};

	if ((unsigned int)v < ARRAY_SIZE(msgs) && msgs[v])
		return msgs[v];
	return "device cannot be hidden";
}

/**
 * pg_custody_verdict_errno() - the errno a refusal returns
 * @v: the verdict
 *
 * Return: 0 for PG_CUSTODY_OK, -EBUSY when force would override the refusal
 * or the device is in use by a guest (try again later), -EINVAL when
 * nothing would.
 */
int pg_custody_verdict_errno(enum pg_custody_verdict v)
{
	switch (v) {
	case PG_CUSTODY_OK:
		return 0;
	case PG_CUSTODY_STORAGE:
	case PG_CUSTODY_DISPLAY:
	case PG_CUSTODY_BACKEND:
	case PG_CUSTODY_IN_GUEST:
		return -EBUSY;
	default:
		return -EINVAL;
	}
}

/**
 * pg_is_backend_driver() - does this driver serve devices to guests?
 * @driver: a PCI driver's name
 *
 * Return: true for the backends pciguard hands devices to.
 */
bool pg_is_backend_driver(const char *driver)
{
	return !strcmp(driver, "vfio-pci") || !strcmp(driver, "pciback");
}

static bool pg_isalnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/**
 * pg_guest_name_valid() - is @name acceptable as a guest (domain) name?
 * @name: NUL-terminated
 *
 * Xen and Qubes domain names, libvirt domain names: 1 to 63 characters of
 * [A-Za-z0-9_.-], the first a letter or digit. Nothing that a shell, a
 * path or a log line would misread.
 *
 * Return: true when valid.
 */
bool pg_guest_name_valid(const char *name)
{
	size_t i;

	if (!pg_isalnum(name[0]))
		return false;
	for (i = 1; name[i]; i++) {
		if (i >= PCIGUARD_GUEST_NAME_MAX - 1)
			return false;
		if (!pg_isalnum(name[i]) && name[i] != '_' && name[i] != '.' &&
		    name[i] != '-')
			return false;
	}
	return true;
}
