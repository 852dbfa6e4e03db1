/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers every subcommand uses: messages, exit codes, names, JSON. */
#ifndef PCIGUARD_CLI_H
#define PCIGUARD_CLI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "device.h"
#include "options.h"

/* Exit codes: see EXIT STATUS in pciguard(8). */
#define PG_EXIT_OK	0
#define PG_EXIT_ERR	1	/* error or refusal */
#define PG_EXIT_USAGE	2

extern const char *pg_prog;

void pg_verr(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));
void pg_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int pg_usage_err(const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int pg_json_opts(int argc, char **argv, const char *usage, bool *json);
int pg_parse_bdf_arg(const char *arg, struct pg_bdf *out);
int pg_parse_bdf_args(int argc, char **argv, const char *usage,
		      const char *verb, struct pg_bdf **out);
int pg_load_devices(struct pg_devlist *list);

/* options.c, through pg_option_parse(): -o OPT=VAL of check and assign. */
int pg_parse_option(char *arg, struct pg_opts *o, const char *usage,
		    const char *verb);

/* privilege.c: who may change custody (pciguard(8), PRIVILEGES). */
int pg_require_admin(const char *verb, const struct pg_bdf *bdfs, size_t n);
void pg_perm_denied(const char *verb, const struct pg_bdf *bdfs, size_t n,
		    const char *why);
bool pg_may_admin(void);

/* backend.c: modules and backend sysfs files around a handoff. */
int pg_modprobe(const char *name);
int pg_backend_prepare(uint32_t *backend);
int pg_backend_permissive(const char *bdf);
int pg_backend_quirk(const char *bdf, const struct pg_cfg_grant *g);

struct pg_json;

/* cfg.c: the config-space write policy, as show, check and assign say it. */
int pg_cfg_size(const char *bdf);
void pg_cfg_print(const struct pg_dev *d);
void pg_cfg_json(struct pg_json *j, const struct pg_dev *d);
void pg_cfg_suggest_line(const struct pg_dev *d, const char *indent);
void pg_cfg_audit(const struct pg_dev *d, char *finding, size_t len);
void pg_backend_forget(uint32_t backend, const char *bdf);

/* backend.c: Xen's view of a device, for a dom0 under Xen. */
bool pg_xen_dom0(void);
void pg_xen_domain_name(int domid, char *buf, size_t len);
int pg_xen_dequarantine(const char *bdf);

/* Whether DMA remapping is on: Linux's IOMMU drivers, or Xen's. */
struct pg_iommu {
	bool active;
	bool xen;		/* Xen dom0: the hypervisor owns the IOMMU */
	char detail[192];	/* IOMMU units, or Xen's virt_caps */
};

void pg_iommu_platform(struct pg_iommu *iommu);

/* hide.c: the custody policy's verdict, explained, before any change. */
int pg_custody_precheck(const struct pg_devlist *list,
			const struct pg_bdf *bdfs, size_t n, bool force,
			const char *verb);
void pg_in_guest_err(const struct pg_dev *d, const char *verb);

/* hide.c, assign.c: what hide and assign do, for restore too. */
struct pg_nl;
int pg_hide(struct pg_nl *nl, const struct pg_devlist *list,
	    const struct pg_bdf *bdfs, size_t n, bool force, bool quiet);
int pg_assign(struct pg_nl *nl, const struct pg_devlist *list,
	      const char *guest, const struct pg_bdf *bdfs, size_t n,
	      struct pg_opts *o, bool force, bool quiet);

/* check.c: a refused handoff, explained with its fixes. */
struct pg_check_res;
void pg_check_explain(const struct pg_check_res *r, const char *verb);

/* names.c: names from pci.ids through libpci, as lspci prints them. */
const char *pg_class_name(uint32_t class, char *buf, size_t len);
const char *pg_vendor_name(uint16_t vendor, char *buf, size_t len);
const char *pg_device_name(uint16_t vendor, uint16_t device, char *buf,
			   size_t len);
const char *pg_describe(const struct pg_dev *dev, char *buf, size_t len);
void pg_names_exit(void);

/* usbsys.c: USB buses and devices from sysfs. */
const char *pg_sysfs(void);
#define PG_MAX_USB_BUSES 16
int pg_usb_buses_of(const char *bdf, int *buses, int max);
int pg_usb_bus_controller(int bus, char *bdf, size_t len);
bool pg_usb_bus_exists(int bus);

struct pg_usb_dev {
	char name[32];		/* sysfs name, e.g. "1-1.2" */
	int bus;
	int devnum;
	unsigned int vid, pid;
	char manufacturer[64];
	char product[64];
};

int pg_usb_devices(struct pg_usb_dev **out, size_t *n);

/* json.c: a small streaming JSON writer for --json output. */
struct pg_json;

struct pg_json *pg_json_new(FILE *f);
void pg_json_end(struct pg_json *j);
void pg_json_obj_begin(struct pg_json *j, const char *key);
void pg_json_obj_end(struct pg_json *j);
void pg_json_arr_begin(struct pg_json *j, const char *key);
void pg_json_arr_end(struct pg_json *j);
void pg_json_str(struct pg_json *j, const char *key, const char *val);
void pg_json_str_or_null(struct pg_json *j, const char *key, const char *val);
void pg_json_strf(struct pg_json *j, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void pg_json_int(struct pg_json *j, const char *key, long long val);
void pg_json_bool(struct pg_json *j, const char *key, bool val);
void pg_json_null(struct pg_json *j, const char *key);
void pg_json_newline(struct pg_json *j);

void pg_json_dev(struct pg_json *j, const struct pg_dev *dev);

#endif
