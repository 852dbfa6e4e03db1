// SPDX-License-Identifier: GPL-2.0
/*
 * PCI addresses inside sysfs paths. Pure C: no file access, so that the
 * unit tests and the fuzzer call it as the CLI does.
 */
#include <errno.h>
#include <string.h>

#include "pcipath.h"

/**
 * pg_sysfs_parent_bdf() - the PCI device whose directory holds a sysfs node
 * @target: a path as readlink() gives it, e.g. the target of
 *	/sys/bus/usb/devices/usb1:
 *	"../../../devices/pci0000:00/0000:00:14.0/usb1"
 * @out: the address the second-to-last element names, written only on
 *	success
 *
 * Return: 0, or -ENODEV when @target has no '/' or the element before the
 * last '/' is not a PCI address (a platform or virtual parent).
 */
int pg_sysfs_parent_bdf(const char *target, struct pg_bdf *out)
{
	const char *last = strrchr(target, '/'), *start;
	char elem[PG_BDF_STRLEN];
	size_t n;

	if (!last)
		return -ENODEV;
	for (start = last; start > target && start[-1] != '/'; start--)
		;
	n = last - start;
	/* Longer than any address: not one. */
	if (n >= sizeof(elem))
		return -ENODEV;
	memcpy(elem, start, n);
	elem[n] = '\0';
	return pg_bdf_parse(elem, out) ? -ENODEV : 0;
}
