// SPDX-License-Identifier: GPL-2.0
/*
 * What the CLI does around the kernel's handoff: load modules (the kernel
 * must not, under the genetlink lock) and talk to the backends' sysfs
 * files that have no kernel API.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pciguard.h"

/* modprobe -q NAME; best effort. Return: modprobe's exit status, or -1. */
int pg_modprobe(const char *name)
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		execl("/sbin/modprobe", "modprobe", "-q", "--", name, NULL);
		execlp("modprobe", "modprobe", "-q", "--", name, NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The PCI driver name of a backend, as the kernel registers it. */
static const char *backend_driver(uint32_t backend)
{
	return backend == PCIGUARD_BACKEND_VFIO_PCI ? "vfio-pci" : "pciback";
}

/* Is the PCI driver @name registered? */
static bool driver_loaded(const char *name)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/bus/pci/drivers/%s", pg_sysfs(),
		 name);
	return !stat(path, &st);
}

/**
 * pg_backend_prepare() - make sure the backend the admin chose is loaded
 * @backend: enum pciguard_backend; UNSPEC picks xen-pciback when it is
 *	loaded or loads (a Xen dom0), and is set to what was picked
 *
 * Return: 0, or -1 after printing what is missing and the fix.
 */
int pg_backend_prepare(uint32_t *backend)
{
	const char *module;

	if (*backend == PCIGUARD_BACKEND_UNSPEC) {
		if (!driver_loaded("pciback"))
			pg_modprobe("xen-pciback");
		if (!driver_loaded("pciback")) {
			pg_err("cannot assign: no guest backend given, and "
			       "xen-pciback (the default) is not loaded and "
			       "would not load (it loads only in a Xen dom0); "
			       "name one: -o backend=vfio-pci on a KVM host");
			return -1;
		}
		*backend = PCIGUARD_BACKEND_PCIBACK;
		return 0;
	}
	module = *backend == PCIGUARD_BACKEND_VFIO_PCI ? "vfio-pci" :
							 "xen-pciback";
	if (!driver_loaded(backend_driver(*backend)))
		pg_modprobe(module);
	if (!driver_loaded(backend_driver(*backend))) {
		pg_err("cannot assign: the backend %s is not loaded and "
		       "'modprobe %s' did not load it%s", module, module,
		       *backend == PCIGUARD_BACKEND_PCIBACK ?
		       " (xen-pciback loads only in a Xen dom0)" : "");
		return -1;
	}
	return 0;
}

/*
 * Write @val to the backend driver's sysfs file @file. Return: 0 or a
 * negative errno.
 */
static int backend_write(uint32_t backend, const char *file, const char *val)
{
	char path[256];
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), "%s/bus/pci/drivers/%s/%s", pg_sysfs(),
		 backend_driver(backend), file);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	if (fputs(val, f) < 0)
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

/**
 * pg_backend_permissive() - turn on xen-pciback's permissive mode for @bdf
 * @bdf: the device, bound to pciback
 *
 * pciback keeps it per device until the device leaves pciback, which a
 * detach always does: nothing carries over to the next guest.
 *
 * Return: 0 or a negative errno.
 */
int pg_backend_permissive(const char *bdf)
{
	return backend_write(PCIGUARD_BACKEND_PCIBACK, "permissive", bdf);
}

/**
 * pg_backend_forget() - after a detach, drop @bdf from the backend's lists
 * @backend: enum pciguard_backend the device came back from
 * @bdf: the device
 *
 * xen-pciback adds a device bound through driver_override to its slot
 * list and would take it again on the next probe; remove_slot drops it.
 * vfio-pci keeps no such list.
 */
void pg_backend_forget(uint32_t backend, const char *bdf)
{
	if (backend == PCIGUARD_BACKEND_PCIBACK)
		backend_write(backend, "remove_slot", bdf);
}
