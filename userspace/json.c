// SPDX-License-Identifier: GPL-2.0
/*
 * A small streaming JSON writer. Keys are given for object members and
 * NULL for array elements. The device object written by pg_json_dev() is
 * the documented script interface (pciguard(8), JSON OUTPUT).
 */
#include <stdarg.h>
#include <stdlib.h>

#include "pciguard.h"
#include "store.h"

#define PG_JSON_DEPTH 16

struct pg_json {
	FILE *f;
	int depth;
	bool need_comma[PG_JSON_DEPTH];
};

struct pg_json *pg_json_new(FILE *f)
{
	struct pg_json *j = calloc(1, sizeof(*j));

	if (!j) {
		pg_err("out of memory");
		exit(PG_EXIT_ERR);
	}
	j->f = f;
	return j;
}

void pg_json_end(struct pg_json *j)
{
	fputc('\n', j->f);
	free(j);
}

static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void member(struct pg_json *j, const char *key)
{
	if (j->need_comma[j->depth])
		fputc(',', j->f);
	j->need_comma[j->depth] = true;
	if (key) {
		put_string(j->f, key);
		fputc(':', j->f);
	}
}

static void open_scope(struct pg_json *j, const char *key, char c)
{
	member(j, key);
	fputc(c, j->f);
	if (j->depth + 1 < PG_JSON_DEPTH)
		j->depth++;
	j->need_comma[j->depth] = false;
}

void pg_json_obj_begin(struct pg_json *j, const char *key)
{
	open_scope(j, key, '{');
}

void pg_json_obj_end(struct pg_json *j)
{
	fputc('}', j->f);
	j->depth--;
}

void pg_json_arr_begin(struct pg_json *j, const char *key)
{
	open_scope(j, key, '[');
}

void pg_json_arr_end(struct pg_json *j)
{
	fputc(']', j->f);
	j->depth--;
}

/* A line break between array elements keeps long lists greppable. */
void pg_json_newline(struct pg_json *j)
{
	fputc('\n', j->f);
}

void pg_json_str(struct pg_json *j, const char *key, const char *val)
{
	member(j, key);
	put_string(j->f, val);
}

void pg_json_str_or_null(struct pg_json *j, const char *key, const char *val)
{
	if (val)
		pg_json_str(j, key, val);
	else
		pg_json_null(j, key);
}

void pg_json_strf(struct pg_json *j, const char *key, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pg_json_str(j, key, buf);
}

void pg_json_int(struct pg_json *j, const char *key, long long val)
{
	member(j, key);
	fprintf(j->f, "%lld", val);
}

void pg_json_bool(struct pg_json *j, const char *key, bool val)
{
	member(j, key);
	fputs(val ? "true" : "false", j->f);
}

void pg_json_null(struct pg_json *j, const char *key)
{
	member(j, key);
	fputs("null", j->f);
}

/* Custody fields; null for a device dom0 has. */
static void pg_json_custody(struct pg_json *j, const struct pg_dev *d)
{
	char buf[64];

	if (!d->in_custody) {
		pg_json_null(j, "custody");
		return;
	}
	pg_json_obj_begin(j, "custody");
	pg_json_str(j, "source", pg_custody_name(d->custody));
	pg_time_format(d->since, buf, sizeof(buf));
	pg_json_str(j, "since", buf);
	pg_json_str_or_null(j, "original_driver",
			    d->orig_driver[0] ? d->orig_driver : NULL);
	if (d->has_reset) {
		pg_json_obj_begin(j, "reset");
		pg_json_bool(j, "ok", !d->reset_errno);
		pg_json_str_or_null(j, "error", d->reset_errno ?
				    pg_errno_name(d->reset_errno) : NULL);
		pg_json_int(j, "msecs", d->reset_msecs);
		pg_json_obj_end(j);
	} else {
		pg_json_null(j, "reset");
	}
	pg_json_int(j, "refused_rebinds", d->refused);
	pg_json_str_or_null(j, "last_refused_driver",
			    d->last_refused[0] ? d->last_refused : NULL);
	if (d->state == PCIGUARD_STATE_ASSIGNED) {
		pg_json_obj_begin(j, "assigned");
		pg_json_str(j, "guest", d->guest);
		pg_json_str(j, "backend", pg_backend_name(d->backend));
		pg_json_bool(j, "permissive", d->permissive);
		pg_json_bool(j, "no_strict_reset", d->no_strict_reset);
		pg_json_obj_end(j);
	} else {
		pg_json_null(j, "assigned");
	}
	pg_cfg_json(j, d);
	pg_json_obj_end(j);
}

/* The Xen domain that holds the device now; null when none. */
static void pg_json_xen(struct pg_json *j, const struct pg_dev *d)
{
	if (d->xen_domid < 0) {
		pg_json_null(j, "xen_holder");
		return;
	}
	pg_json_obj_begin(j, "xen_holder");
	pg_json_int(j, "domid", d->xen_domid);
	pg_json_str_or_null(j, "name", d->xen_domain[0] ? d->xen_domain : NULL);
	pg_json_bool(j, "mismatch", pg_held_by_other(d));
	pg_json_obj_end(j);
}

/* The fields of one device, shared by list and show. */
void pg_json_dev(struct pg_json *j, const struct pg_dev *d)
{
	char buf[256];
	int buses[PG_MAX_USB_BUSES];
	int nbuses, i;
	unsigned int r;

	if (d->absent) {
		/* A custody entry whose device is off the bus. */
		pg_json_str(j, "bdf", d->bdf_str);
		pg_json_int(j, "domain", d->bdf.domain);
		pg_json_int(j, "bus", d->bdf.bus);
		pg_json_int(j, "slot", d->bdf.slot);
		pg_json_int(j, "function", d->bdf.function);
		pg_json_bool(j, "absent", true);
		pg_json_str(j, "state", pg_state_name(d->state));
		pg_json_custody(j, d);
		return;
	}
	pg_json_str(j, "bdf", d->bdf_str);
	pg_json_int(j, "domain", d->bdf.domain);
	pg_json_int(j, "bus", d->bdf.bus);
	pg_json_int(j, "slot", d->bdf.slot);
	pg_json_int(j, "function", d->bdf.function);
	pg_json_strf(j, "vendor", "%04x", d->vendor);
	pg_json_strf(j, "device", "%04x", d->device);
	pg_json_strf(j, "subsystem_vendor", "%04x", d->subsys_vendor);
	pg_json_strf(j, "subsystem_device", "%04x", d->subsys_device);
	pg_json_strf(j, "class", "%06x", d->class);
	pg_json_strf(j, "revision", "%02x", d->revision);
	if (d->has_dsn) {
		pg_dsn_format(d->dsn, buf, sizeof(buf));
		pg_json_str(j, "serial", buf);
	} else {
		pg_json_null(j, "serial");
	}
	pg_json_int(j, "header_type", d->hdr_type);
	pg_json_bool(j, "multifunction", d->multifunction);
	pg_json_str(j, "class_name", pg_class_name(d->class, buf, sizeof(buf)));
	pg_json_str_or_null(j, "vendor_name",
			    pg_vendor_name(d->vendor, buf, sizeof(buf)));
	pg_json_str_or_null(j, "device_name",
			    pg_device_name(d->vendor, d->device, buf,
					   sizeof(buf)));
	if (d->driver[0])
		pg_json_str(j, "driver", d->driver);
	else
		pg_json_null(j, "driver");
	pg_json_str(j, "state", pg_state_name(d->state));
	pg_json_bool(j, "absent", false);
	pg_json_custody(j, d);
	pg_json_xen(j, d);
	if (d->has_iommu_group)
		pg_json_int(j, "iommu_group", d->iommu_group);
	else
		pg_json_null(j, "iommu_group");
	pg_json_arr_begin(j, "reset_methods");
	for (r = 0; r < d->nr_reset; r++)
		pg_json_str(j, NULL, pg_reset_name(d->reset[r]));
	pg_json_arr_end(j);
	pg_json_str(j, "reset", pg_best_reset(d));
	pg_json_bool(j, "flr_capable", d->flr_capable);
	if (d->parent[0])
		pg_json_str(j, "parent", d->parent);
	else
		pg_json_null(j, "parent");
	pg_json_str(j, "path", d->path);
	nbuses = pg_usb_buses_of(d->bdf_str, buses, PG_MAX_USB_BUSES);
	pg_json_arr_begin(j, "usb_buses");
	for (i = 0; i < nbuses; i++)
		pg_json_int(j, NULL, buses[i]);
	pg_json_arr_end(j);
}
