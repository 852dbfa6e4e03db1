/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI addresses: the textual forms admins type (BDF) and the stable path of
 * a device from its root bus. Pure C, shared with userspace and the tests.
 */
#ifndef _PCIGUARD_BDF_H
#define _PCIGUARD_BDF_H

#include "compat.h"

/* "dddddddd:bb:dd.f" plus NUL, with room for an 8-digit segment. */
#define PG_BDF_STRLEN	17

/**
 * struct pg_bdf - a PCI function address
 * @domain: PCI segment
 * @bus: bus number
 * @slot: device number, 0..31
 * @function: function number, 0..7
 */
struct pg_bdf {
	u32 domain;
	u8 bus;
	u8 slot;
	u8 function;
};

/**
 * struct pg_path_hop - one device on the way from a root bus to a device
 * @bus: bus number the device sits on
 * @slot: device number
 * @function: function number
 */
struct pg_path_hop {
	u8 bus;
	u8 slot;
	u8 function;
};

int pg_bdf_parse(const char *s, struct pg_bdf *out);
int pg_bdf_format(char *buf, size_t len, const struct pg_bdf *bdf);
int pg_path_format(char *buf, size_t len, u32 domain,
		   const struct pg_path_hop *hops, unsigned int nhops);

#endif /* _PCIGUARD_BDF_H */
