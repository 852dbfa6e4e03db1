// SPDX-License-Identifier: GPL-2.0
/*
 * Naming the module's enums for people and scripts, and the device list.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "device.h"

void pg_devlist_free(struct pg_devlist *list)
{
	free(list->dev);
	list->dev = NULL;
	list->n = 0;
}

const struct pg_dev *pg_devlist_find(const struct pg_devlist *list,
				     const struct pg_bdf *bdf)
{
	for (size_t i = 0; i < list->n; i++) {
		const struct pg_bdf *b = &list->dev[i].bdf;

		if (b->domain == bdf->domain && b->bus == bdf->bus &&
		    b->slot == bdf->slot && b->function == bdf->function)
			return &list->dev[i];
	}
	return NULL;
}

const char *pg_state_name(uint32_t state)
{
	switch (state) {
	case PCIGUARD_STATE_HOST:
		return "host";
	case PCIGUARD_STATE_QUARANTINED:
		return "quarantined";
	case PCIGUARD_STATE_ASSIGNED:
		return "assigned";
	}
	return "unknown";
}

/* As -o backend= spells it. */
const char *pg_backend_name(uint32_t backend)
{
	switch (backend) {
	case PCIGUARD_BACKEND_PCIBACK:
		return "pciback";
	case PCIGUARD_BACKEND_VFIO_PCI:
		return "vfio-pci";
	}
	return "unknown";
}

const char *pg_custody_name(uint32_t custody)
{
	switch (custody) {
	case PCIGUARD_CUSTODY_BOOT:
		return "boot";
	case PCIGUARD_CUSTODY_RUNTIME:
		return "runtime";
	}
	return "unknown";
}

/* "ENOTTY" for the errnos a reset returns; else the number. */
const char *pg_errno_name(uint32_t err)
{
	static char buf[16];

	switch (err) {
	case ENOTTY:
		return "ENOTTY";
	case EIO:
		return "EIO";
	case EBUSY:
		return "EBUSY";
	case EINVAL:
		return "EINVAL";
	case ETIMEDOUT:
		return "ETIMEDOUT";
	case EAGAIN:
		return "EAGAIN";
	case ENODEV:
		return "ENODEV";
	}
	snprintf(buf, sizeof(buf), "errno %u", err);
	return buf;
}

/* "ok in 3 ms", "failed: no reset method (ENOTTY)", "not done". */
void pg_reset_result(const struct pg_dev *d, char *buf, size_t len)
{
	if (!d->has_reset)
		snprintf(buf, len, "not done");
	else if (!d->reset_errno)
		snprintf(buf, len, "ok in %u ms", d->reset_msecs);
	else if (d->reset_errno == ENOTTY)
		snprintf(buf, len, "failed: no reset method (ENOTTY)");
	else if (d->reset_errno == EIO)
		snprintf(buf, len, "failed: the device did not answer after it (EIO)");
	else
		snprintf(buf, len, "failed: %s (%s)", strerror(d->reset_errno),
			 pg_errno_name(d->reset_errno));
}

/* CLOCK_REALTIME ns as "2026-11-21T06:29:43.123Z" (UTC). */
void pg_time_format(uint64_t ns, char *buf, size_t len)
{
	time_t sec = ns / 1000000000ull;
	struct tm tm;
	size_t n;

	gmtime_r(&sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%03uZ",
		 (unsigned int)(ns / 1000000ull % 1000));
}

/* The names sysfs reset_method uses, so output can be compared with it. */
static const char *const reset_names[__PCIGUARD_RESET_MAX] = {
	[PCIGUARD_RESET_DEVICE_SPECIFIC] = "device_specific",
	[PCIGUARD_RESET_ACPI] = "acpi",
	[PCIGUARD_RESET_FLR] = "flr",
	[PCIGUARD_RESET_AF_FLR] = "af_flr",
	[PCIGUARD_RESET_PM] = "pm",
	[PCIGUARD_RESET_BUS] = "bus",
};

static const char *const reset_descs[__PCIGUARD_RESET_MAX] = {
	[PCIGUARD_RESET_DEVICE_SPECIFIC] = "device-specific reset quirk",
	[PCIGUARD_RESET_ACPI] = "ACPI _RST method",
	[PCIGUARD_RESET_FLR] = "PCIe Function Level Reset",
	[PCIGUARD_RESET_AF_FLR] = "Advanced Features FLR",
	[PCIGUARD_RESET_PM] = "power-management reset, D3hot to D0",
	[PCIGUARD_RESET_BUS] =
		"secondary bus or slot reset, hits every device behind the parent bridge",
};

const char *pg_reset_name(uint32_t method)
{
	if (method < __PCIGUARD_RESET_MAX && reset_names[method])
		return reset_names[method];
	return "unknown";
}

const char *pg_reset_desc(uint32_t method)
{
	if (method < __PCIGUARD_RESET_MAX && reset_descs[method])
		return reset_descs[method];
	return "reset method unknown to this pciguard";
}

/* The method the kernel tries first, or "none". */
const char *pg_best_reset(const struct pg_dev *dev)
{
	return dev->nr_reset ? pg_reset_name(dev->reset[0]) : "none";
}

/**
 * pg_held_by_other() - does a Xen guest other than the assigned one hold @d?
 * @d: the device
 *
 * pciguard names the guest; xen-pciback serves whichever domain's pcifront
 * asks for the device (xl create with it in pci=, xl pci-attach). This is
 * the case to flag: the device went to another guest than the admin chose.
 *
 * Return: true when @d is assigned and xenstore names another domain than
 * the guest or its stub domain.
 */
bool pg_held_by_other(const struct pg_dev *d)
{
	size_t n = strlen(d->guest);

	if (d->state != PCIGUARD_STATE_ASSIGNED || d->xen_domid <= 0 ||
	    !d->xen_domain[0] || !strcmp(d->xen_domain, d->guest))
		return false;
	/* An HVM guest's device model stub domain, GUEST-dm, serves it. */
	return strncmp(d->xen_domain, d->guest, n) ||
	       strcmp(d->xen_domain + n, "-dm");
}
