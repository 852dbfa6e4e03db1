// SPDX-License-Identifier: GPL-2.0
/*
 * USB buses and devices, read from sysfs, to answer "which PCI controller
 * serves this USB device". PCIGUARD_SYSFS (default /sys) lets the host
 * tests point this at a fake tree.
 */
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pciguard.h"
#include "pcipath.h"

/* Where sysfs is: PCIGUARD_SYSFS (for tests), else /sys. */
const char *pg_sysfs(void)
{
	const char *root = getenv("PCIGUARD_SYSFS");

	return root && *root ? root : "/sys";
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* USB bus numbers whose root hub sits on PCI device @bdf, sorted. */
int pg_usb_buses_of(const char *bdf, int *buses, int max)
{
	char path[PATH_MAX];
	struct dirent *e;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s", pg_sysfs(), bdf);
	d = opendir(path);
	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max) {
		char *end;
		long v;

		if (strncmp(e->d_name, "usb", 3) || !e->d_name[3])
			continue;
		v = strtol(e->d_name + 3, &end, 10);
		if (*end || v <= 0)
			continue;
		buses[n++] = (int)v;
	}
	closedir(d);
	qsort(buses, n, sizeof(*buses), cmp_int);
	return n;
}

bool pg_usb_bus_exists(int bus)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/bus/usb/devices/usb%d", pg_sysfs(), bus);
	return access(path, F_OK) == 0;
}

/*
 * The PCI controller of USB bus @bus: the parent directory of its root hub
 * in the device tree, as canonical text in @bdf. Return: 0, -ENOENT for no
 * such bus, -ENODEV when the controller is not a PCI device.
 */
int pg_usb_bus_controller(int bus, char *bdf, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	struct pg_bdf b;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/bus/usb/devices/usb%d", pg_sysfs(), bus);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -ENOENT;
	target[n] = '\0';
	if (pg_sysfs_parent_bdf(target, &b))
		return -ENODEV;
	pg_bdf_format(bdf, len, &b);
	return 0;
}

static void read_attr(const char *dir, const char *name, char *buf,
		      size_t len)
{
	char path[PATH_MAX];
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

static int cmp_usb(const void *a, const void *b)
{
	const struct pg_usb_dev *x = a, *y = b;

	if (x->bus != y->bus)
		return x->bus - y->bus;
	return x->devnum - y->devnum;
}

/*
 * Every USB device (root hubs included), sorted by bus and device number.
 * Return: 0 or -ENOMEM; no USB at all is an empty list.
 */
int pg_usb_devices(struct pg_usb_dev **out, size_t *n)
{
	char dir[PATH_MAX], val[64];
	struct pg_usb_dev *v = NULL;
	struct dirent *e;
	size_t cnt = 0;
	DIR *d;

	*out = NULL;
	*n = 0;
	snprintf(dir, sizeof(dir), "%s/bus/usb/devices", pg_sysfs());
	d = opendir(dir);
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[PATH_MAX];
		struct pg_usb_dev u = { 0 };
		struct pg_usb_dev *nv;

		/* Interfaces ("1-1:1.0") and dot entries are not devices. */
		if (e->d_name[0] == '.' || strchr(e->d_name, ':'))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >=
		    (int)sizeof(path))
			continue;
		read_attr(path, "idVendor", val, sizeof(val));
		if (!val[0])
			continue;
		u.vid = (unsigned int)strtoul(val, NULL, 16);
		read_attr(path, "idProduct", val, sizeof(val));
		u.pid = (unsigned int)strtoul(val, NULL, 16);
		read_attr(path, "busnum", val, sizeof(val));
		u.bus = atoi(val);
		read_attr(path, "devnum", val, sizeof(val));
		u.devnum = atoi(val);
		read_attr(path, "manufacturer", u.manufacturer,
			  sizeof(u.manufacturer));
		read_attr(path, "product", u.product, sizeof(u.product));
		snprintf(u.name, sizeof(u.name), "%.31s", e->d_name);
		nv = realloc(v, (cnt + 1) * sizeof(*v));
		if (!nv) {
			free(v);
			closedir(d);
			return -ENOMEM;
		}
		v = nv;
		v[cnt++] = u;
	}
	closedir(d);
	qsort(v, cnt, sizeof(*v), cmp_usb);
	*out = v;
	*n = cnt;
	return 0;
}
