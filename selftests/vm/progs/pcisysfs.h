/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysfs facts the guest C programs compare the module's answers with.
 * Header only: each program is one file built by the top Makefile.
 */
#ifndef PCIGUARD_PROGS_PCISYSFS_H
#define PCIGUARD_PROGS_PCISYSFS_H

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/*
 * The driver bound to a PCI device, from sysfs, or "" when none. Return: a
 * static buffer, overwritten by the next call.
 */
static inline const char *pci_driver_name(unsigned int domain,
					  unsigned int bus, unsigned int slot,
					  unsigned int function)
{
	static char name[256];
	char path[128], link[256];
	const char *base;
	ssize_t n;

	snprintf(path, sizeof(path),
		 "/sys/bus/pci/devices/%04x:%02x:%02x.%x/driver",
		 domain, bus, slot, function);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return "";
	link[n] = '\0';
	base = strrchr(link, '/');
	snprintf(name, sizeof(name), "%s", base ? base + 1 : link);
	return name;
}

#endif
