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

/*
 * libpci reports through these hooks, which only pci_init() would set; name
 * lookups of IDs missing from pci.ids call them (udev hwdb, ID cache), so
 * they must not stay NULL. A name that cannot be found is printed as its
 * number, as lspci does; that is not worth a message.
 */
static void names_quiet(char *msg, ...)
{
	(void)msg;
}

static void __attribute__((noreturn)) names_error(char *msg, ...)
{
	char text[256];
	va_list ap;

	va_start(ap, msg);
	vsnprintf(text, sizeof(text), msg, ap);
	va_end(ap);
	pg_err("pci.ids: %s", text);
	exit(PG_EXIT_ERR);
}

static struct pci_access *names(void)
{
	if (!pacc) {
		pacc = pci_alloc();
		if (!pacc) {
			pg_err("out of memory");
			exit(PG_EXIT_ERR);
		}
		pacc->warning = names_quiet;
		pacc->debug = names_quiet;
		pacc->error = names_error;
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

/* Vendor name from pci.ids, or NULL when it has none. */
const char *pg_vendor_name(uint16_t vendor, char *buf, size_t len)
{
	return pci_lookup_name(names(), buf, len,
			       PCI_LOOKUP_VENDOR | PCI_LOOKUP_NO_NUMBERS, vendor);
}

/* Device name from pci.ids, or NULL when it has none. */
const char *pg_device_name(uint16_t vendor, uint16_t device, char *buf,
			   size_t len)
{
	return pci_lookup_name(names(), buf, len,
			       PCI_LOOKUP_DEVICE | PCI_LOOKUP_NO_NUMBERS, vendor,
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
