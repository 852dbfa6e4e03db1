// SPDX-License-Identifier: GPL-2.0
/*
 * What the CLI does around the kernel's handoff: load modules (the kernel
 * must not, under the genetlink lock) and talk to the backends' sysfs
 * files that have no kernel API.
 */
#include <dirent.h>
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
 * pg_backend_quirk() - open one register of @bdf to its pciback guest
 * @bdf: the device, bound to pciback
 * @g: the register; xen-pciback opens all of it (it ignores the mask)
 *
 * A quirk lives as long as the device stays on pciback, like permissive.
 *
 * Return: 0 or a negative errno.
 */
int pg_backend_quirk(const char *bdf, const struct pg_cfg_grant *g)
{
	char val[64];

	snprintf(val, sizeof(val), "%s-%x:%x:%x", bdf, g->offset, g->len,
		 g->mask);
	return backend_write(PCIGUARD_BACKEND_PCIBACK, "quirks", val);
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

/* Is this a Xen dom0? (xenfs on /proc/xen says control_d.) */
bool pg_xen_dom0(void)
{
	char caps[128] = "";
	FILE *f = fopen("/proc/xen/capabilities", "r");

	if (!f)
		return false;
	if (!fgets(caps, sizeof(caps), f))
		caps[0] = '\0';
	fclose(f);
	return strstr(caps, "control_d") != NULL;
}

/* The virt_caps line of "xl info" into @buf ("" when xl says nothing). */
static void xen_virt_caps(char *buf, size_t len)
{
	char line[512];
	FILE *p;

	buf[0] = '\0';
	fflush(NULL);
	p = popen("xl info 2>/dev/null", "r");
	if (!p)
		return;
	while (fgets(line, sizeof(line), p)) {
		char *v;

		if (strncmp(line, "virt_caps", 9))
			continue;
		v = strchr(line, ':');
		if (!v)
			continue;
		v += 1 + strspn(v + 1, " \t");
		v[strcspn(v, "\n")] = '\0';
		snprintf(buf, len, "%s", v);
	}
	pclose(p);
}

/**
 * pg_iommu_platform() - is DMA remapping on, and who says so
 * @iommu: filled in
 *
 * In a Xen dom0 the hypervisor owns the IOMMU and dom0's kernel sees no
 * IOMMU groups: ask Xen (xl info, virt_caps: hvm_directio). Elsewhere the
 * kernel's IOMMU drivers register under /sys/class/iommu.
 */
void pg_iommu_platform(struct pg_iommu *iommu)
{
	char path[256];
	struct dirent *e;
	DIR *d;

	memset(iommu, 0, sizeof(*iommu));
	if (pg_xen_dom0()) {
		iommu->xen = true;
		xen_virt_caps(iommu->detail, sizeof(iommu->detail));
		iommu->active = strstr(iommu->detail, "hvm_directio") != NULL;
		return;
	}
	snprintf(path, sizeof(path), "%s/class/iommu", pg_sysfs());
	d = opendir(path);
	if (!d)
		return;
	while ((e = readdir(d))) {
		size_t used = strlen(iommu->detail);

		if (e->d_name[0] == '.')
			continue;
		iommu->active = true;
		snprintf(iommu->detail + used, sizeof(iommu->detail) - used,
			 "%s%s", used ? " " : "", e->d_name);
	}
	closedir(d);
}

/**
 * pg_xen_domain_name() - the name of Xen domain @domid, from xenstore
 * @domid: the domain
 * @buf: gets the name, "" when xenstore does not say
 * @len: its size
 *
 * list asks for every device a guest holds: names are kept per domain ID
 * for the life of the process.
 */
void pg_xen_domain_name(int domid, char *buf, size_t len)
{
	static struct {
		int domid;
		char name[PCIGUARD_GUEST_NAME_MAX];
	} cache[8];
	static unsigned int cached;
	char cmd[96], line[PCIGUARD_GUEST_NAME_MAX + 2] = "";
	unsigned int i;
	FILE *p;

	buf[0] = '\0';
	for (i = 0; i < cached; i++) {
		if (cache[i].domid == domid) {
			snprintf(buf, len, "%s", cache[i].name);
			return;
		}
	}
	snprintf(cmd, sizeof(cmd),
		 "xenstore-read /local/domain/%d/name 2>/dev/null", domid);
	fflush(NULL);
	p = popen(cmd, "r");
	if (!p)
		return;
	if (!fgets(line, sizeof(line), p))
		line[0] = '\0';
	if (pclose(p))
		line[0] = '\0';
	line[strcspn(line, "\n")] = '\0';
	snprintf(buf, len, "%s", line);
	if (cached < sizeof(cache) / sizeof(cache[0])) {
		cache[cached].domid = domid;
		snprintf(cache[cached].name, sizeof(cache[cached].name), "%s",
			 line);
		cached++;
	}
}

/**
 * pg_xen_dequarantine() - take @bdf out of Xen's quarantine before dom0
 *	drives it again
 * @bdf: the device, "DDDD:BB:DD.F"
 *
 * Xen moves a device a guest had to its quarantine domain (DOMID_IO) when
 * the guest lets go, and libxl's pci-assignable-add puts it there too.
 * From there a dom0 driver gets no interrupts ("xen map irq failed -19")
 * and its DMA faults in the IOMMU. "xl pci-assignable-remove" without -r
 * is libxl's way out: it de-quarantines and rebinds nothing (pciguard
 * holds the device, not pciback, which libxl only warns about). A device
 * Xen never quarantined makes it fail with "failed to de-quarantine";
 * that is the answer "nothing to do", not an error.
 *
 * Return: 0 when Xen had it and let go, 1 when there was nothing to do
 * (not in Xen's quarantine, or not a Xen dom0), -1 after printing why xl
 * failed.
 */
int pg_xen_dequarantine(const char *bdf)
{
	char cmd[96], out[1024] = "", line[256];
	size_t used = 0;
	int status;
	FILE *p;

	if (!pg_xen_dom0())
		return 1;
	snprintf(cmd, sizeof(cmd), "xl pci-assignable-remove %s 2>&1", bdf);
	fflush(NULL);
	p = popen(cmd, "r");
	if (!p) {
		pg_err("cannot run xl to take %s out of Xen's quarantine: %s",
		       bdf, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), p)) {
		snprintf(out + used, sizeof(out) - used, "%s", line);
		used = strlen(out);
	}
	status = pclose(p);
	if (status == 0)
		return 0;
	if (strstr(out, "failed to de-quarantine"))
		return 1;
	out[strcspn(out, "\n")] = '\0';
	pg_err("cannot take %s out of Xen's quarantine: 'xl "
	       "pci-assignable-remove %s' failed%s%s; it stays in pciguard's "
	       "custody", bdf, bdf, out[0] ? ": " : "", out);
	return -1;
}
