/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CLI's only door to the kernel. Nothing outside netlink.c includes
 * libnl. Every function prints its own error message (with the kernel's
 * extack text when there is one) and returns a negative errno.
 */
#ifndef PCIGUARD_NETLINK_H
#define PCIGUARD_NETLINK_H

#include "device.h"

struct pg_nl;

int pg_nl_open(struct pg_nl **out);
void pg_nl_close(struct pg_nl *nl);
int pg_nl_dev_get(struct pg_nl *nl, const struct pg_bdf *bdf,
		  struct pg_dev *out);
int pg_nl_dev_dump(struct pg_nl *nl, struct pg_devlist *out);

#endif
