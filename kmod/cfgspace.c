// SPDX-License-Identifier: GPL-2.0
/*
 * Config-space write policy, shared by the module, the CLI and the host
 * tests. No kernel-only calls here: see compat.h.
 *
 * Where the tables come from: the default whitelist is what xen-pciback
 * (Linux 6.1, conf_space_header.c and conf_space_capability.c) lets a
 * non-permissive guest do to the device, field by field: each register it
 * handles, reduced to the bits its write handler passes on to the
 * hardware. Everything it does not handle is read-only. Layouts and
 * write-1-to-clear bits are the PCI, PCI PM and PCI Express
 * specifications'. Documentation/config-space.rst has the table, next to
 * vfio-pci's, and each place pciguard differs.
 *
 * The snapshot comes from the device, so its layout is untrusted: the
 * walker bounds every chain, and capabilities start at 0x40 or above, so a
 * device that lies about its layout can only open its own device-specific
 * registers, never the header.
 */
#include "cfgspace.h"

#define PG_STATUS		0x06
#define PG_STATUS_CAP_LIST	0x10
#define PG_HEADER_TYPE		0x0e
#define PG_CAP_LIST		0x34
#define PG_CB_CAP_LIST		0x14
#define PG_CAP_MIN		0x40

/* Linux's PCI_FIND_CAP_TTL, and one extended capability per 8 bytes. */
#define PG_CAP_TTL		48
#define PG_EXT_CAP_TTL		((PG_CFG_SPACE_EXP_SIZE - PG_CFG_SPACE_SIZE) / 8)

#define PG_CAP_ID_VNDR		0x09
#define PG_EXT_CAP_ID_VNDR	0x0b

enum pg_cfg_hdr { PG_HDR_NORMAL, PG_HDR_BRIDGE, PG_HDR_CARDBUS };

/* A register exists only when its capability's flags say so. */
enum pg_cfg_cond {
	PG_IF_ANY,
	PG_IF_MSI32,		/* MSI, 32-bit addresses */
	PG_IF_MSI32_MASK,	/* ... with per-vector masking */
	PG_IF_MSI64,
	PG_IF_MSI64_MASK,
	PG_IF_SLOT,		/* PCI Express port with a slot */
	PG_IF_ROOT,		/* PCI Express root port or event collector */
};

/*
 * One register of a header or capability, at @off from its start. @wmask
 * is what xen-pciback lets a guest change, @intr what it lets it change
 * only with allow_interrupt_control, @rw1c the bits where writing 1 acts.
 * Registers longer than 4 bytes are there to be named.
 */
struct pg_cfg_reg {
	u8 off;
	u8 len;
	const char *name;
	u32 wmask;
	u32 intr;
	u32 rw1c;
	u8 cond;
};

/* A header or capability kind: its name, its registers up to a { } */
struct pg_cfg_table {
	const char *name;
	const struct pg_cfg_reg *regs;
};

#define PG_REG(o, l, n)	{ .off = (o), .len = (l), .name = (n) }
#define PG_REG_IF(o, l, n, c) \
	{ .off = (o), .len = (l), .name = (n), .cond = (c) }
#define PG_BITS(o, l, n, w, i, c) \
	{ .off = (o), .len = (l), .name = (n), .wmask = (w), .intr = (i), \
	  .rw1c = (c) }
#define PG_TABLE(n, r)	{ .name = (n), .regs = (r) }

static const struct pg_cfg_reg pg_hdr_common[] = {
	PG_REG(0x00, 2, "vendor ID"),
	PG_REG(0x02, 2, "device ID"),
	/*
	 * command_write(): I/O and memory space (pci_enable_device()), bus
	 * master, memory write and invalidate. INTx disable goes through
	 * pci_intx() only with allow_interrupt_control; the rest never reaches
	 * the device unless permissive.
	 */
	PG_BITS(0x04, 2, "command", 0x0017, 0x0400, 0),
	PG_BITS(0x06, 2, "status", 0, 0, 0xf900),
	PG_REG(0x08, 1, "revision ID"),
	PG_REG(0x09, 3, "class code"),
	PG_BITS(0x0c, 1, "cache line size", 0xff, 0, 0),
	PG_REG(0x0d, 1, "latency timer"),
	PG_REG(0x0e, 1, "header type"),
	/*
	 * bist_write() passes the start bit, and also a plain write of
	 * PCI_BIST_START, which rewrites the capable bit and the completion
	 * code. Those are read-only in hardware, so opening them is what lets
	 * that write through whatever they read; the reserved bits stay shut.
	 */
	PG_BITS(0x0f, 1, "BIST", 0xcf, 0, 0),
	{ }
};

/* BARs and ROM: pciback virtualises them and never writes the device. */
static const struct pg_cfg_reg pg_hdr_normal[] = {
	PG_REG(0x10, 4, "BAR0"),
	PG_REG(0x14, 4, "BAR1"),
	PG_REG(0x18, 4, "BAR2"),
	PG_REG(0x1c, 4, "BAR3"),
	PG_REG(0x20, 4, "BAR4"),
	PG_REG(0x24, 4, "BAR5"),
	PG_REG(0x28, 4, "CardBus CIS pointer"),
	PG_REG(0x2c, 2, "subsystem vendor ID"),
	PG_REG(0x2e, 2, "subsystem ID"),
	PG_REG(0x30, 4, "expansion ROM"),
	PG_REG(0x34, 1, "capabilities pointer"),
	PG_REG(0x35, 7, "reserved"),
	PG_REG(0x3c, 1, "interrupt line"),
	PG_REG(0x3d, 1, "interrupt pin"),
	PG_REG(0x3e, 1, "min grant"),
	PG_REG(0x3f, 1, "max latency"),
	{ }
};

/* pciback's header_1: nothing past the common header is writable. */
static const struct pg_cfg_reg pg_hdr_bridge[] = {
	PG_REG(0x10, 4, "BAR0"),
	PG_REG(0x14, 4, "BAR1"),
	PG_REG(0x18, 1, "primary bus number"),
	PG_REG(0x19, 1, "secondary bus number"),
	PG_REG(0x1a, 1, "subordinate bus number"),
	PG_REG(0x1b, 1, "secondary latency timer"),
	PG_REG(0x1c, 1, "I/O base"),
	PG_REG(0x1d, 1, "I/O limit"),
	PG_BITS(0x1e, 2, "secondary status", 0, 0, 0xf900),
	PG_REG(0x20, 2, "memory base"),
	PG_REG(0x22, 2, "memory limit"),
	PG_REG(0x24, 2, "prefetchable memory base"),
	PG_REG(0x26, 2, "prefetchable memory limit"),
	PG_REG(0x28, 4, "prefetchable base upper 32 bits"),
	PG_REG(0x2c, 4, "prefetchable limit upper 32 bits"),
	PG_REG(0x30, 2, "I/O base upper 16 bits"),
	PG_REG(0x32, 2, "I/O limit upper 16 bits"),
	PG_REG(0x34, 1, "capabilities pointer"),
	PG_REG(0x35, 3, "reserved"),
	PG_REG(0x38, 4, "expansion ROM"),
	PG_REG(0x3c, 1, "interrupt line"),
	PG_REG(0x3d, 1, "interrupt pin"),
	PG_REG(0x3e, 2, "bridge control"),
	{ }
};

/* pciback refuses CardBus bridges; named here for the CLI. */
static const struct pg_cfg_reg pg_hdr_cardbus[] = {
	PG_REG(0x10, 4, "CardBus socket base"),
	PG_REG(0x14, 1, "capabilities pointer"),
	PG_REG(0x15, 1, "reserved"),
	PG_BITS(0x16, 2, "secondary status", 0, 0, 0xf900),
	PG_REG(0x18, 1, "PCI bus number"),
	PG_REG(0x19, 1, "CardBus bus number"),
	PG_REG(0x1a, 1, "subordinate bus number"),
	PG_REG(0x1b, 1, "CardBus latency timer"),
	PG_REG(0x1c, 4, "memory base 0"),
	PG_REG(0x20, 4, "memory limit 0"),
	PG_REG(0x24, 4, "memory base 1"),
	PG_REG(0x28, 4, "memory limit 1"),
	PG_REG(0x2c, 4, "I/O base 0"),
	PG_REG(0x30, 4, "I/O limit 0"),
	PG_REG(0x34, 4, "I/O base 1"),
	PG_REG(0x38, 4, "I/O limit 1"),
	PG_REG(0x3c, 1, "interrupt line"),
	PG_REG(0x3d, 1, "interrupt pin"),
	PG_REG(0x3e, 2, "bridge control"),
	PG_REG(0x40, 2, "subsystem vendor ID"),
	PG_REG(0x42, 2, "subsystem ID"),
	PG_REG(0x44, 4, "legacy mode base"),
	{ }
};

static const struct pg_cfg_table pg_hdrs[] = {
	[PG_HDR_NORMAL] = PG_TABLE("header", pg_hdr_normal),
	[PG_HDR_BRIDGE] = PG_TABLE("header", pg_hdr_bridge),
	[PG_HDR_CARDBUS] = PG_TABLE("header", pg_hdr_cardbus),
};

static const struct pg_cfg_table pg_hdr_common_table =
	PG_TABLE("header", pg_hdr_common);

static const struct pg_cfg_reg pg_cap_pm[] = {
	PG_REG(0x02, 2, "PMC"),
	/*
	 * pm_ctrl_write(): the power state (pci_set_power_state()), data
	 * select and clearing PME status. Never PME enable, which
	 * pm_ctrl_init() clears: PMEs are shared.
	 */
	PG_BITS(0x04, 2, "PMCSR", 0x9e03, 0, 0x8000),
	PG_REG(0x06, 1, "PMCSR bridge extensions"),
	PG_REG(0x07, 1, "data"),
	{ }
};

static const struct pg_cfg_reg pg_cap_vpd[] = {
	/*
	 * vpd_address_write() writes the address with F clear (start a
	 * read) and refuses F set (start a write), whatever F reads. As an
	 * rw1c bit, F gets exactly that rule: writing 0 is never a change,
	 * writing 1 always is.
	 */
	PG_BITS(0x02, 2, "VPD address", 0x7fff, 0, 0x8000),
	PG_REG(0x04, 4, "VPD data"),
	{ }
};

static const struct pg_cfg_reg pg_cap_msi[] = {
	/* msi_msix_flags_write(): enable, with allow_interrupt_control. */
	PG_BITS(0x02, 2, "message control", 0, 0x0001, 0),
	PG_REG(0x04, 4, "message address"),
	PG_REG_IF(0x08, 2, "message data", PG_IF_MSI32),
	PG_REG_IF(0x0a, 2, "extended message data", PG_IF_MSI32),
	PG_REG_IF(0x0c, 4, "mask bits", PG_IF_MSI32_MASK),
	PG_REG_IF(0x10, 4, "pending bits", PG_IF_MSI32_MASK),
	PG_REG_IF(0x08, 4, "message upper address", PG_IF_MSI64),
	PG_REG_IF(0x0c, 2, "message data", PG_IF_MSI64),
	PG_REG_IF(0x0e, 2, "extended message data", PG_IF_MSI64),
	PG_REG_IF(0x10, 4, "mask bits", PG_IF_MSI64_MASK),
	PG_REG_IF(0x14, 4, "pending bits", PG_IF_MSI64_MASK),
	{ }
};

static const struct pg_cfg_reg pg_cap_msix[] = {
	/* msi_msix_flags_write(): enable and function mask, likewise. */
	PG_BITS(0x02, 2, "message control", 0, 0xc000, 0),
	PG_REG(0x04, 4, "table offset"),
	PG_REG(0x08, 4, "PBA offset"),
	{ }
};

static const struct pg_cfg_reg pg_cap_vndr[] = {
	PG_REG(0x02, 1, "length"),
	{ }
};

/*
 * Slot and root status are write-1-to-clear only where the port has
 * them: a version 1 capability may end before them, and its neighbour's
 * bits must not be taken for theirs. The plain entries name them anyway.
 */
static const struct pg_cfg_reg pg_cap_exp[] = {
	PG_REG(0x02, 2, "PCI Express capabilities"),
	PG_REG(0x04, 4, "device capabilities"),
	PG_REG(0x08, 2, "device control"),
	PG_BITS(0x0a, 2, "device status", 0, 0, 0x000f),
	PG_REG(0x0c, 4, "link capabilities"),
	PG_REG(0x10, 2, "link control"),
	PG_BITS(0x12, 2, "link status", 0, 0, 0xc000),
	PG_REG(0x14, 4, "slot capabilities"),
	PG_REG(0x18, 2, "slot control"),
	{ .off = 0x1a, .len = 2, .name = "slot status", .rw1c = 0x011f,
	  .cond = PG_IF_SLOT },
	PG_REG(0x1a, 2, "slot status"),
	PG_REG(0x1c, 2, "root control"),
	PG_REG(0x1e, 2, "root capabilities"),
	{ .off = 0x20, .len = 4, .name = "root status", .rw1c = 0x00010000,
	  .cond = PG_IF_ROOT },
	PG_REG(0x20, 4, "root status"),
	PG_REG(0x24, 4, "device capabilities 2"),
	PG_REG(0x28, 2, "device control 2"),
	PG_REG(0x2a, 2, "device status 2"),
	PG_REG(0x2c, 4, "link capabilities 2"),
	PG_REG(0x30, 2, "link control 2"),
	PG_REG(0x32, 2, "link status 2"),
	PG_REG(0x34, 4, "slot capabilities 2"),
	PG_REG(0x38, 2, "slot control 2"),
	PG_REG(0x3a, 2, "slot status 2"),
	{ }
};

static const struct pg_cfg_reg pg_ext_aer[] = {
	PG_BITS(0x04, 4, "uncorrectable error status", 0, 0, 0xffffffff),
	PG_REG(0x08, 4, "uncorrectable error mask"),
	PG_REG(0x0c, 4, "uncorrectable error severity"),
	PG_BITS(0x10, 4, "correctable error status", 0, 0, 0xffffffff),
	PG_REG(0x14, 4, "correctable error mask"),
	PG_REG(0x18, 4, "advanced error capabilities and control"),
	PG_REG(0x1c, 16, "header log"),
	PG_REG(0x2c, 4, "root error command"),
	PG_REG(0x30, 4, "root error status"),
	PG_REG(0x34, 4, "error source identification"),
	PG_REG(0x38, 16, "TLP prefix log"),
	{ }
};

static const struct pg_cfg_reg pg_ext_dsn[] = {
	PG_REG(0x04, 8, "serial number"),
	{ }
};

static const struct pg_cfg_reg pg_ext_vndr[] = {
	PG_REG(0x04, 4, "vendor-specific header"),
	{ }
};

static const struct pg_cfg_table pg_caps[] = {
	[0x01] = PG_TABLE("PM", pg_cap_pm),
	[0x02] = PG_TABLE("AGP", NULL),
	[0x03] = PG_TABLE("VPD", pg_cap_vpd),
	[0x04] = PG_TABLE("slot ID", NULL),
	[0x05] = PG_TABLE("MSI", pg_cap_msi),
	[0x06] = PG_TABLE("CompactPCI hot swap", NULL),
	[0x07] = PG_TABLE("PCI-X", NULL),
	[0x08] = PG_TABLE("HyperTransport", NULL),
	[0x09] = PG_TABLE("vendor-specific", pg_cap_vndr),
	[0x0a] = PG_TABLE("debug port", NULL),
	[0x0b] = PG_TABLE("CompactPCI CRC", NULL),
	[0x0c] = PG_TABLE("PCI hot plug", NULL),
	[0x0d] = PG_TABLE("subsystem ID", NULL),
	[0x0e] = PG_TABLE("AGP 8x", NULL),
	[0x0f] = PG_TABLE("secure device", NULL),
	[0x10] = PG_TABLE("PCI Express", pg_cap_exp),
	[0x11] = PG_TABLE("MSI-X", pg_cap_msix),
	[0x12] = PG_TABLE("SATA", NULL),
	[0x13] = PG_TABLE("Advanced Features", NULL),
	[0x14] = PG_TABLE("Enhanced Allocation", NULL),
	[0x15] = PG_TABLE("Flattening Portal Bridge", NULL),
};

static const struct pg_cfg_table pg_ext_caps[] = {
	[0x01] = PG_TABLE("AER", pg_ext_aer),
	[0x02] = PG_TABLE("VC", NULL),
	[0x03] = PG_TABLE("DSN", pg_ext_dsn),
	[0x04] = PG_TABLE("power budgeting", NULL),
	[0x05] = PG_TABLE("RC link declaration", NULL),
	[0x06] = PG_TABLE("RC internal link control", NULL),
	[0x07] = PG_TABLE("RC event collector association", NULL),
	[0x08] = PG_TABLE("MFVC", NULL),
	[0x09] = PG_TABLE("VC", NULL),
	[0x0a] = PG_TABLE("RCRB header", NULL),
	[0x0b] = PG_TABLE("vendor-specific", pg_ext_vndr),
	[0x0c] = PG_TABLE("config access correlation", NULL),
	[0x0d] = PG_TABLE("ACS", NULL),
	[0x0e] = PG_TABLE("ARI", NULL),
	[0x0f] = PG_TABLE("ATS", NULL),
	[0x10] = PG_TABLE("SR-IOV", NULL),
	[0x11] = PG_TABLE("MR-IOV", NULL),
	[0x12] = PG_TABLE("multicast", NULL),
	[0x13] = PG_TABLE("PRI", NULL),
	[0x15] = PG_TABLE("resizable BAR", NULL),
	[0x16] = PG_TABLE("DPA", NULL),
	[0x17] = PG_TABLE("TPH", NULL),
	[0x18] = PG_TABLE("LTR", NULL),
	[0x19] = PG_TABLE("secondary PCI Express", NULL),
	[0x1a] = PG_TABLE("PMUX", NULL),
	[0x1b] = PG_TABLE("PASID", NULL),
	[0x1c] = PG_TABLE("LN requester", NULL),
	[0x1d] = PG_TABLE("DPC", NULL),
	[0x1e] = PG_TABLE("L1 PM substates", NULL),
	[0x1f] = PG_TABLE("PTM", NULL),
	[0x20] = PG_TABLE("M-PCIe", NULL),
	[0x21] = PG_TABLE("FRS queueing", NULL),
	[0x22] = PG_TABLE("readiness time reporting", NULL),
	[0x23] = PG_TABLE("designated vendor-specific", NULL),
	[0x24] = PG_TABLE("VF resizable BAR", NULL),
	[0x25] = PG_TABLE("data link feature", NULL),
	[0x26] = PG_TABLE("physical layer 16 GT/s", NULL),
	[0x27] = PG_TABLE("lane margining", NULL),
	[0x28] = PG_TABLE("hierarchy ID", NULL),
	[0x29] = PG_TABLE("NPEM", NULL),
	[0x2a] = PG_TABLE("physical layer 32 GT/s", NULL),
	[0x2b] = PG_TABLE("alternate protocol", NULL),
	[0x2c] = PG_TABLE("SFI", NULL),
	[0x2d] = PG_TABLE("shadow functions", NULL),
	[0x2e] = PG_TABLE("DOE", NULL),
};

/* The bits of a @len-byte register; @len is 1, 2 or 4. */
static u32 pg_cfg_all(unsigned int len)
{
	return len >= 4 ? 0xffffffff : (1U << (8 * len)) - 1;
}

static unsigned int pg_cfg_max(unsigned int a, unsigned int b)
{
	return a > b ? a : b;
}

static u32 pg_cfg_le(const u8 *b, unsigned int len)
{
	u32 v = 0;

	while (len--)
		v = v << 8 | b[len];
	return v;
}

static bool pg_cfg_cond(const u8 *cfg, unsigned int pos, u8 cond)
{
	u16 flags;

	if (cond == PG_IF_ANY)
		return true;
	flags = pg_cfg_le(cfg + pos + 2, 2);	/* std capability: < 256 */
	switch (cond) {
	case PG_IF_MSI32:
		return !(flags & 0x0080);
	case PG_IF_MSI32_MASK:
		return !(flags & 0x0080) && (flags & 0x0100);
	case PG_IF_MSI64:
		return flags & 0x0080;
	case PG_IF_MSI64_MASK:
		return (flags & 0x0080) && (flags & 0x0100);
	case PG_IF_SLOT:
		return flags & 0x0100;
	case PG_IF_ROOT:
		return ((flags >> 4) & 0xf) == 0x4 || ((flags >> 4) & 0xf) == 0xa;
	}
	return false;
}

/* A header type pciguard knows the layout of, or -1. */
static int pg_cfg_hdr_type(const u8 *cfg, unsigned int size)
{
	unsigned int type;

	if (size <= PG_HEADER_TYPE)
		return -1;
	type = cfg[PG_HEADER_TYPE] & 0x7f;
	return type < ARRAY_SIZE(pg_hdrs) ? (int)type : -1;
}

struct pg_cfg_cap {
	unsigned int pos;
	unsigned int id;
	bool ext;
};

/*
 * The walk over both capability chains. Every pointer is bounded, and
 * each dword of config space is visited at most once: loops end.
 */
struct pg_cfg_walk {
	const u8 *cfg;
	unsigned int size;
	unsigned int next;
	unsigned int left;
	bool ext;
	u32 seen[PG_CFG_SPACE_EXP_SIZE / 4 / 32];
};

static void pg_cfg_walk_start(struct pg_cfg_walk *w, const u8 *cfg,
			      unsigned int size)
{
	int type = pg_cfg_hdr_type(cfg, size);

	memset(w, 0, sizeof(*w));
	w->cfg = cfg;
	w->size = size;
	w->left = PG_CAP_TTL;
	/* Nothing is known of a layout past an unknown header. */
	if (type < 0 || size < PG_CFG_SPACE_SIZE) {
		w->ext = true;
		w->left = 0;
	} else if (cfg[PG_STATUS] & PG_STATUS_CAP_LIST)
		w->next = cfg[type == PG_HDR_CARDBUS ? PG_CB_CAP_LIST :
			      PG_CAP_LIST] & ~3;
}

static bool pg_cfg_walk_seen(struct pg_cfg_walk *w, unsigned int pos)
{
	u32 bit = 1U << (pos / 4 % 32);
	bool seen = w->seen[pos / 128] & bit;

	w->seen[pos / 128] |= bit;
	return seen;
}

static bool pg_cfg_walk_next(struct pg_cfg_walk *w, struct pg_cfg_cap *cap)
{
	unsigned int pos = w->next;
	u32 hdr;

	if (!w->ext) {
		/* Like Linux's __pci_find_next_cap_ttl(), ID 0xff ends it. */
		if (w->left && pos >= PG_CAP_MIN && !pg_cfg_walk_seen(w, pos) &&
		    w->cfg[pos] != 0xff) {
			w->left--;
			w->next = w->cfg[pos + 1] & ~3;
			cap->pos = pos;
			cap->id = w->cfg[pos];
			cap->ext = false;
			return true;
		}
		if (w->size < PG_CFG_SPACE_EXP_SIZE)
			return false;
		w->ext = true;
		w->left = PG_EXT_CAP_TTL;
		pos = PG_CFG_SPACE_SIZE;
	}
	if (!w->left || pos < PG_CFG_SPACE_SIZE || pg_cfg_walk_seen(w, pos))
		goto end;
	hdr = pg_cfg_le(w->cfg + pos, 4);
	/* No extended capabilities, or a device that reads all ones. */
	if (!hdr || (hdr & 0xffff) == 0xffff)
		goto end;
	w->left--;
	w->next = (hdr >> 20) & ~3;
	cap->pos = pos;
	cap->id = hdr & 0xffff;
	cap->ext = true;
	return true;
end:
	w->left = 0;
	return false;
}

static const struct pg_cfg_table *pg_cfg_kind(const struct pg_cfg_cap *cap)
{
	const struct pg_cfg_table *t = cap->ext ? pg_ext_caps : pg_caps;
	unsigned int n = cap->ext ? ARRAY_SIZE(pg_ext_caps) : ARRAY_SIZE(pg_caps);

	return cap->id < n && t[cap->id].name ? &t[cap->id] : NULL;
}

/*
 * Fill @p from the registers of @t at @pos whose bits lie below @limit.
 * @open: the whitelist applies here; write-1-to-clear bits always do.
 */
static void pg_cfg_apply(struct pg_cfg_policy *p, const u8 *cfg,
			 const struct pg_cfg_table *t, unsigned int pos,
			 unsigned int limit, unsigned int flags, bool open)
{
	const struct pg_cfg_reg *r;
	unsigned int j, off;
	u32 w;

	for (r = t->regs; r && r->len; r++) {
		off = pos + r->off;
		if (!(r->wmask | r->intr | r->rw1c) || off + r->len > limit ||
		    !pg_cfg_cond(cfg, pos, r->cond))
			continue;
		w = 0;
		if (open)
			w = r->wmask | (flags & PG_CFG_INTR_CONTROL ? r->intr : 0);
		for (j = 0; j < r->len && j < 4; j++) {
			p->wmask[off + j] |= (u8)(w >> (8 * j));
			p->rw1c[off + j] |= (u8)(r->rw1c >> (8 * j));
		}
	}
}

/**
 * pg_cfg_grant_check() - is a grant well-formed for this device?
 * @g: the grant
 * @size: bytes of the device's config space
 *
 * Return: PG_CFG_GRANT_OK, or the first problem found, checked in the
 * order of enum pg_cfg_grant_err.
 */
enum pg_cfg_grant_err pg_cfg_grant_check(const struct pg_cfg_grant *g,
					 unsigned int size)
{
	if (g->len != 1 && g->len != 2 && g->len != 4)
		return PG_CFG_GRANT_LEN;
	if (g->offset % g->len)
		return PG_CFG_GRANT_ALIGN;
	if (g->offset + g->len > size)
		return PG_CFG_GRANT_OUTSIDE;
	if (!g->mask || (g->mask & ~pg_cfg_all(g->len)))
		return PG_CFG_GRANT_MASK;
	return PG_CFG_GRANT_OK;
}

/**
 * pg_cfg_grant_errstr() - what is wrong with a grant, for a message
 * @err: pg_cfg_grant_check()'s answer
 *
 * Return: a static lowercase phrase naming the rule broken; "" for
 * PG_CFG_GRANT_OK.
 */
const char *pg_cfg_grant_errstr(enum pg_cfg_grant_err err)
{
	static const char *const msgs[] = {
		[PG_CFG_GRANT_OK] = "",
		[PG_CFG_GRANT_LEN] = "LEN must be 1, 2 or 4",
		[PG_CFG_GRANT_ALIGN] = "OFF must be a multiple of LEN",
		[PG_CFG_GRANT_OUTSIDE] =
			"the register is outside the device's config space",
		[PG_CFG_GRANT_MASK] = "MASK must be non-zero and fit in LEN bytes",
	};

	if ((unsigned int)err < ARRAY_SIZE(msgs))
		return msgs[err];
	return "invalid grant";
}

/**
 * pg_cfg_build() - the write masks of one device
 * @p: the policy to fill
 * @cfg: a snapshot of the device's config space, @size bytes
 * @size: PG_CFG_SPACE_SIZE or PG_CFG_SPACE_EXP_SIZE
 * @flags: enum pg_cfg_flags
 * @grants: the admin's grants, checked with pg_cfg_grant_check(); any
 *	that is not well-formed is skipped
 * @ngrants: how many
 *
 * The whitelist follows the header type and both capability chains of
 * @cfg; only the first capability of each ID gets it, as xen-pciback's
 * pci_find_capability() lookups find only that one. Write-1-to-clear bits
 * are filled whatever @flags say.
 *
 * Return: 0, or -EINVAL when @size is neither (@p is then untouched).
 */
int pg_cfg_build(struct pg_cfg_policy *p, const u8 *cfg, unsigned int size,
		 unsigned int flags, const struct pg_cfg_grant *grants,
		 unsigned int ngrants)
{
	u32 found[256 / 32] = { 0 };
	struct pg_cfg_walk w;
	struct pg_cfg_cap cap;
	const struct pg_cfg_table *t;
	unsigned int i, j;
	bool first;
	int type;

	if (size != PG_CFG_SPACE_SIZE && size != PG_CFG_SPACE_EXP_SIZE)
		return -EINVAL;
	memset(p->wmask, 0, sizeof(p->wmask));
	memset(p->rw1c, 0, sizeof(p->rw1c));
	p->size = size;
	if (flags & PG_CFG_PERMISSIVE)
		memset(p->wmask, 0xff, size);

	pg_cfg_apply(p, cfg, &pg_hdr_common_table, 0, PG_CFG_SPACE_SIZE,
		     flags, true);
	type = pg_cfg_hdr_type(cfg, size);
	if (type >= 0)
		pg_cfg_apply(p, cfg, &pg_hdrs[type], 0, PG_CFG_SPACE_SIZE,
			     flags, true);

	pg_cfg_walk_start(&w, cfg, size);
	while (pg_cfg_walk_next(&w, &cap)) {
		t = pg_cfg_kind(&cap);
		if (!t)
			continue;
		first = cap.ext || !(found[cap.id / 32] & (1U << (cap.id % 32)));
		if (!cap.ext)
			found[cap.id / 32] |= 1U << (cap.id % 32);
		pg_cfg_apply(p, cfg, t, cap.pos,
			     cap.ext ? size : PG_CFG_SPACE_SIZE, flags, first);
	}

	for (i = 0; i < ngrants; i++) {
		const struct pg_cfg_grant *g = &grants[i];

		if (pg_cfg_grant_check(g, size) != PG_CFG_GRANT_OK)
			continue;
		for (j = 0; j < g->len; j++)
			p->wmask[g->offset + j] |= (u8)(g->mask >> (8 * j));
	}
	return 0;
}

/**
 * pg_cfg_denied() - judge one config-space write
 * @p: the device's policy, from pg_cfg_build()
 * @off: first byte written
 * @len: 1, 2 or 4
 * @val: the value written, as a @len-byte little-endian register
 * @cur: the register's current value, likewise
 *
 * A bit changes when the write gives it another value, or, for a
 * write-1-to-clear bit, when the write sets it. O(1): at most four bytes
 * of the masks are read.
 *
 * Return: the changed bits the policy does not allow, 0 when the write
 * may go ahead; all bits of @len (0xffffffff for a @len other than 1, 2
 * or 4) when the access itself is malformed or outside config space.
 */
u32 pg_cfg_denied(const struct pg_cfg_policy *p, unsigned int off,
		  unsigned int len, u32 val, u32 cur)
{
	u32 all, wmask = 0, rw1c = 0, changed;
	unsigned int i;

	if (len != 1 && len != 2 && len != 4)
		return 0xffffffff;
	all = pg_cfg_all(len);
	if (off % len || p->size > PG_CFG_SPACE_EXP_SIZE || off >= p->size ||
	    len > p->size - off)
		return all;
	for (i = 0; i < len; i++) {
		wmask |= (u32)p->wmask[off + i] << (8 * i);
		rw1c |= (u32)p->rw1c[off + i] << (8 * i);
	}
	changed = ((val ^ cur) & ~rw1c) | (val & rw1c);
	return changed & ~wmask & all;
}

/**
 * pg_cfg_needs_cur() - does judging a write need the register's value?
 * @p: the device's policy, from pg_cfg_build()
 * @off: first byte written
 * @len: 1, 2 or 4
 *
 * A register the policy opens entirely may take any value, whatever it
 * holds: pg_cfg_denied() then allows every write to it, so the caller
 * may skip reading it (a config access, which is slow). O(1).
 *
 * Return: false when every bit of the register is writable, true
 * otherwise (also when the access is malformed or outside config space).
 */
bool pg_cfg_needs_cur(const struct pg_cfg_policy *p, unsigned int off,
		      unsigned int len)
{
	unsigned int i;

	if ((len != 1 && len != 2 && len != 4) || off % len ||
	    p->size > PG_CFG_SPACE_EXP_SIZE || off >= p->size ||
	    len > p->size - off)
		return true;
	for (i = 0; i < len; i++)
		if (p->wmask[off + i] != 0xff)
			return true;
	return false;
}

/**
 * pg_cfg_suggest() - the narrowest grant that would allow a denied write
 * @off: the write's first byte
 * @len: its length, 1, 2 or 4
 * @denied: pg_cfg_denied()'s answer for it
 * @g: the grant: the smallest naturally aligned register inside the write
 *	that holds every denied bit, with exactly those bits as its mask;
 *	@g->len is 0 when nothing is denied or the write is malformed
 */
void pg_cfg_suggest(unsigned int off, unsigned int len, u32 denied,
		    struct pg_cfg_grant *g)
{
	unsigned int lo = 0, hi, l, start = off;

	memset(g, 0, sizeof(*g));
	if ((len != 1 && len != 2 && len != 4) || off % len ||
	    off > PG_CFG_SPACE_EXP_SIZE - len)
		return;
	denied &= pg_cfg_all(len);
	if (!denied)
		return;
	while (!((denied >> (8 * lo)) & 0xff))
		lo++;
	hi = len - 1;
	while (!((denied >> (8 * hi)) & 0xff))
		hi--;
	for (l = 1; l < len; l *= 2) {
		start = (off + lo) & ~(l - 1);
		if (start + l > off + hi)
			break;
	}
	if (l >= len)
		start = off;
	g->offset = start;
	g->len = l;
	g->mask = (denied >> (8 * (start - off))) & pg_cfg_all(l);
}

/* How far a capability reaches, or 0 when only its neighbours bound it. */
static unsigned int pg_cfg_cap_len(const u8 *cfg, unsigned int size,
				   const struct pg_cfg_cap *cap,
				   const struct pg_cfg_table *t)
{
	const struct pg_cfg_reg *r;
	unsigned int end = cap->ext ? 4 : 2;

	if (!cap->ext && cap->id == PG_CAP_ID_VNDR)
		return pg_cfg_max(cfg[cap->pos + 2], 3);
	if (cap->ext && cap->id == PG_EXT_CAP_ID_VNDR)
		return cap->pos + 8 <= size ?
		       pg_cfg_max(pg_cfg_le(cfg + cap->pos + 4, 4) >> 20, 8) : 0;
	if (!t || !t->regs)
		return 0;
	for (r = t->regs; r->len; r++)
		if (pg_cfg_cond(cfg, cap->pos, cap->ext ? PG_IF_ANY : r->cond))
			end = pg_cfg_max(end, r->off + r->len);
	return end;
}

static const struct pg_cfg_reg *pg_cfg_reg_at(const struct pg_cfg_table *t,
					      const u8 *cfg, unsigned int pos,
					      unsigned int rel, bool cond)
{
	const struct pg_cfg_reg *r;

	for (r = t->regs; r && r->len; r++)
		if (rel >= r->off && rel < r->off + r->len &&
		    (!cond || pg_cfg_cond(cfg, pos, r->cond)))
			return r;
	return NULL;
}

/**
 * pg_cfg_describe() - name the register that holds one byte
 * @cfg: a snapshot of the device's config space, @size bytes
 * @size: its size
 * @off: the byte
 * @buf: where the name goes, NUL-terminated and truncated to fit
 * @buflen: bytes at @buf
 *
 * For log lines and the CLI: "command", "BAR2", "MSI capability +0x2
 * (message control)", "vendor-specific capability +0x4" (a capability
 * register without a name: the byte's offset in it), "device-specific"
 * (0x40 to 0xff, in no capability), "extended device-specific",
 * "outside config space". The snapshot is parsed as pg_cfg_build() does.
 *
 * Return: what snprintf() returns: the length of the whole name, which
 * is @buflen or more when it was truncated.
 */
int pg_cfg_describe(const u8 *cfg, unsigned int size, unsigned int off,
		    char *buf, size_t buflen)
{
	const struct pg_cfg_table *t = &pg_hdr_common_table, *kind = NULL;
	const struct pg_cfg_reg *r;
	struct pg_cfg_cap cap, best = { 0 };
	struct pg_cfg_walk w;
	bool ext = off >= PG_CFG_SPACE_SIZE;
	const char *name = NULL;
	unsigned int rel, len;
	int type;

	if (off >= size || off >= PG_CFG_SPACE_EXP_SIZE)
		return snprintf(buf, buflen, "outside config space");
	type = pg_cfg_hdr_type(cfg, size);
	if (off >= 0x10) {
		t = type >= 0 ? &pg_hdrs[type] : NULL;
		if (!t && off < PG_CAP_MIN)
			return snprintf(buf, buflen, "header");
	}
	r = t ? pg_cfg_reg_at(t, cfg, 0, off, false) : NULL;
	if (r)
		return snprintf(buf, buflen, "%s", r->name);

	pg_cfg_walk_start(&w, cfg, size);
	while (pg_cfg_walk_next(&w, &cap))
		if (cap.ext == ext && cap.pos <= off &&
		    (!best.pos || cap.pos > best.pos))
			best = cap;
	if (best.pos) {
		kind = pg_cfg_kind(&best);
		len = pg_cfg_cap_len(cfg, size, &best, kind);
		if (len && off - best.pos >= len)
			best.pos = 0;
	}
	if (!best.pos)
		return snprintf(buf, buflen, "%sdevice-specific",
				ext ? "extended " : "");

	rel = off - best.pos;
	r = kind ? pg_cfg_reg_at(kind, cfg, best.pos, rel, !best.ext) : NULL;
	if (r) {
		rel = r->off;
		name = r->name;
	} else if (best.ext && rel < 4) {
		rel = 0;
		name = "extended capability header";
	} else if (!best.ext && rel < 2) {
		name = rel ? "next capability pointer" : "capability ID";
	}
	if (kind)
		return snprintf(buf, buflen, "%s %scapability +0x%x%s%s%s",
				kind->name, best.ext ? "extended " : "", rel,
				name ? " (" : "", name ? name : "",
				name ? ")" : "");
	return snprintf(buf, buflen, "%scapability 0x%0*x +0x%x%s%s%s",
			best.ext ? "extended " : "", best.ext ? 4 : 2, best.id,
			rel, name ? " (" : "", name ? name : "",
			name ? ")" : "");
}
