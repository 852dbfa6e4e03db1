/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Config-space write policy: which bits of a device's configuration space
 * a write may change. Pure C, shared with the CLI (which names registers
 * and suggests grants), the host unit tests and a fuzzer.
 *
 * pg_cfg_build() turns a snapshot of the device's config space (its
 * header type, capability and extended-capability chains) plus the
 * admin's grants into two per-byte masks; pg_cfg_denied() then judges any
 * write in O(1): a few mask operations on at most four bytes, whatever the
 * number of capabilities. The default whitelist follows what xen-pciback
 * lets a non-permissive guest change; Documentation/config-space.rst has
 * the table and every difference.
 */
#ifndef _PCIGUARD_CFGSPACE_H
#define _PCIGUARD_CFGSPACE_H

#include "compat.h"

#define PG_CFG_SPACE_SIZE	256	/* conventional PCI */
#define PG_CFG_SPACE_EXP_SIZE	4096	/* PCIe, PCI-X 2.0 */

/* Most -o allow-write= grants one device may carry. */
#define PG_CFG_MAX_GRANTS	16

/**
 * struct pg_cfg_grant - one -o allow-write=OFF:LEN[:MASK]
 * @offset: first byte of the register
 * @len: 1, 2 or 4; @offset is a multiple of @len
 * @mask: the bits the grant opens, as a @len-byte little-endian read of
 *	the register returns them; never 0, never wider than @len bytes
 */
struct pg_cfg_grant {
	u16 offset;
	u8 len;
	u32 mask;
};

/**
 * enum pg_cfg_flags - how pg_cfg_build() opens config space
 * @PG_CFG_PERMISSIVE: every byte of config space is writable
 * @PG_CFG_INTR_CONTROL: the interrupt controls are writable too: command
 *	INTx disable, MSI and MSI-X enable and function mask (xen-pciback's
 *	allow_interrupt_control, for a device model in a stub domain)
 */
enum pg_cfg_flags {
	PG_CFG_PERMISSIVE = 1 << 0,
	PG_CFG_INTR_CONTROL = 1 << 1,
};

/**
 * struct pg_cfg_policy - per-byte write masks of one device
 * @size: bytes of config space, PG_CFG_SPACE_SIZE or PG_CFG_SPACE_EXP_SIZE
 * @wmask: bits a write may change, per byte
 * @rw1c: bits that are write-1-to-clear (status bits): writing 1 there
 *	changes the device even when the bit reads 1, writing 0 never does.
 *	The VPD address register's F flag is judged the same way (writing 1
 *	starts a VPD write, writing 0 goes with the address of a read), so
 *	it is here too; Documentation/config-space.rst lists every bit
 */
struct pg_cfg_policy {
	u16 size;
	u8 wmask[PG_CFG_SPACE_EXP_SIZE];
	u8 rw1c[PG_CFG_SPACE_EXP_SIZE];
};

/**
 * enum pg_cfg_grant_err - what is wrong with a grant (pg_cfg_grant_check())
 * @PG_CFG_GRANT_OK: nothing
 * @PG_CFG_GRANT_LEN: @len is not 1, 2 or 4
 * @PG_CFG_GRANT_ALIGN: @offset is not a multiple of @len
 * @PG_CFG_GRANT_OUTSIDE: the register is not inside the device's config
 *	space
 * @PG_CFG_GRANT_MASK: @mask is 0 or has bits beyond @len bytes
 */
enum pg_cfg_grant_err {
	PG_CFG_GRANT_OK,
	PG_CFG_GRANT_LEN,
	PG_CFG_GRANT_ALIGN,
	PG_CFG_GRANT_OUTSIDE,
	PG_CFG_GRANT_MASK,
};

enum pg_cfg_grant_err pg_cfg_grant_check(const struct pg_cfg_grant *g,
					 unsigned int size);
const char *pg_cfg_grant_errstr(enum pg_cfg_grant_err err);

int pg_cfg_build(struct pg_cfg_policy *p, const u8 *cfg, unsigned int size,
		 unsigned int flags, const struct pg_cfg_grant *grants,
		 unsigned int ngrants);

u32 pg_cfg_denied(const struct pg_cfg_policy *p, unsigned int off,
		  unsigned int len, u32 val, u32 cur);
bool pg_cfg_needs_cur(const struct pg_cfg_policy *p, unsigned int off,
		      unsigned int len);

void pg_cfg_suggest(unsigned int off, unsigned int len, u32 denied,
		    struct pg_cfg_grant *g);

int pg_cfg_describe(const u8 *cfg, unsigned int size, unsigned int off,
		    char *buf, size_t buflen);

#endif /* _PCIGUARD_CFGSPACE_H */
