/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI addresses inside sysfs paths: the pure string part of following a
 * sysfs link to the PCI device above it, shared with the host tests and
 * the fuzzer. Reading the link is the caller's.
 */
#ifndef PCIGUARD_PCIPATH_H
#define PCIGUARD_PCIPATH_H

#include "bdf.h"

int pg_sysfs_parent_bdf(const char *target, struct pg_bdf *out);

#endif
