// SPDX-License-Identifier: GPL-2.0
/*
 * Device names from pci.ids through libpci, the way lspci prints them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <pci/pci.h>

#include "pciguard.h"

static struct pci_access *pacc;

static void names_warn(char *msg, ...)
{
	(void)msg;
}

static struct pci_access *names(void)
{
	if (!pacc) {
		pacc = pci_alloc();
		if (!pacc) {
			pg_err("out of memory");
			exit(PG_EXIT_ERR);
		}
		/* A missing pci.ids gives numeric names, not a warning. */
		pacc->warning = names_warn;
	}
	return pacc;
}

void pg_names_exit(void)
{
	if (pacc)
		pci_cleanup(pacc);
	pacc = NULL;
}

const char *pg_class_name(uint32_t class, char *buf, size_t len)
{
	return pci_lookup_name(names(), buf, len, PCI_LOOKUP_CLASS,
			       (int)(class >> 8));
}

const char *pg_vendor_name(uint16_t vendor, char *buf, size_t len)
{
	return pci_lookup_name(names(), buf, len, PCI_LOOKUP_VENDOR, vendor);
}

const char *pg_device_name(uint16_t vendor, uint16_t device, char *buf,
			   size_t len)
{
	return pci_lookup_name(names(), buf, len, PCI_LOOKUP_DEVICE, vendor,
			       device);
}

/* "Ethernet controller: Red Hat, Inc. Virtio network device (rev 01)" */
const char *pg_describe(const struct pg_dev *d, char *buf, size_t len)
{
	char cls[128], vd[256];

	pg_class_name(d->class, cls, sizeof(cls));
	pci_lookup_name(names(), vd, sizeof(vd),
			PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE, d->vendor,
			d->device);
	if (d->revision)
		snprintf(buf, len, "%s: %s (rev %02x)", cls, vd, d->revision);
	else
		snprintf(buf, len, "%s: %s", cls, vd);
	return buf;
}
