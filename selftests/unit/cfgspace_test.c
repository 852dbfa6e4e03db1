// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for kmod/cfgspace.c: the masks pg_cfg_build() derives
 * from a device's layout (every byte of config space is compared with a
 * table), the verdicts of pg_cfg_denied(), grants, suggestions and the
 * register names. Snapshots are heap buffers of the exact size, so ASan
 * catches any read past them; UBSan too.
 */
#include <stdlib.h>

#include "cfgspace.h"
#include "kselftest_harness.h"

static void put(u8 *cfg, unsigned int off, unsigned int len, u32 v)
{
	for (unsigned int i = 0; i < len; i++)
		cfg[off + i] = v >> (8 * i);
}

/* A header of @type; the capability list starts at @caps (0: none). */
static void header(u8 *cfg, unsigned int size, u8 type, u8 caps)
{
	memset(cfg, 0, size);
	put(cfg, 0x00, 2, 0x8086);
	put(cfg, 0x02, 2, 0x10d3);
	cfg[0x0e] = type;
	if (caps) {
		cfg[0x06] |= 0x10;
		cfg[type == 2 ? 0x14 : 0x34] = caps;
	}
}

static void cap(u8 *cfg, unsigned int pos, u8 id, u8 next)
{
	cfg[pos] = id;
	cfg[pos + 1] = next;
}

static void ext_cap(u8 *cfg, unsigned int pos, u16 id, unsigned int next)
{
	put(cfg, pos, 4, id | 1U << 16 | next << 20);
}

/*
 * The reference endpoint: PM 0x40, MSI (64-bit, per-vector masking) 0x50,
 * MSI-X 0x70, VPD 0x80, PCI Express (v2 endpoint) 0x90, vendor-specific
 * (16 bytes) 0xd0; with 4096 bytes, AER 0x100 and DSN 0x148.
 */
static void endpoint(u8 *cfg, unsigned int size)
{
	header(cfg, size, 0, 0x40);
	cap(cfg, 0x40, 0x01, 0x50);
	put(cfg, 0x42, 2, 0x0003);
	put(cfg, 0x44, 2, 0x0008);
	cap(cfg, 0x50, 0x05, 0x70);
	put(cfg, 0x52, 2, 0x0180);
	cap(cfg, 0x70, 0x11, 0x80);
	put(cfg, 0x72, 2, 0x0007);
	cap(cfg, 0x80, 0x03, 0x90);
	cap(cfg, 0x90, 0x10, 0xd0);
	put(cfg, 0x92, 2, 0x0002);
	cap(cfg, 0xd0, 0x09, 0x00);
	cfg[0xd2] = 0x10;
	if (size > 256) {
		ext_cap(cfg, 0x100, 0x0001, 0x148);
		ext_cap(cfg, 0x148, 0x0003, 0);
	}
}

/* Expected bits of one register: always, with INTR_CONTROL, rw1c. */
struct want {
	u16 off;
	u8 len;
	u32 wmask;
	u32 intr;
	u32 rw1c;
};

static const struct want common[] = {
	{ 0x04, 2, 0x0017, 0x0400, 0 },		/* command */
	{ 0x06, 2, 0, 0, 0xf900 },		/* status */
	{ 0x0c, 1, 0xff, 0, 0 },		/* cache line size */
	{ 0x0f, 1, 0xcf, 0, 0 },		/* BIST */
};

static const struct want endpoint_caps[] = {
	{ 0x44, 2, 0x9e03, 0, 0x8000 },		/* PMCSR */
	{ 0x52, 2, 0, 0x0001, 0 },		/* MSI message control */
	{ 0x72, 2, 0, 0xc000, 0 },		/* MSI-X message control */
	{ 0x82, 2, 0x7fff, 0, 0x8000 },		/* VPD address */
	{ 0x9a, 2, 0, 0, 0x000f },		/* PCIe device status */
	{ 0xa2, 2, 0, 0, 0xc000 },		/* PCIe link status */
	{ 0x104, 4, 0, 0, 0xffffffff },		/* AER uncorrectable status */
	{ 0x110, 4, 0, 0, 0xffffffff },		/* AER correctable status */
};

struct layout {
	const struct want *w;
	size_t n;
};

#define LAYOUT(t) { t, ARRAY_SIZE(t) }

/*
 * Compare every byte of @p with the union of @l's tables: bytes no table
 * names must be read-only and not rw1c.
 */
static void check_masks(struct __test_metadata *_metadata,
			const struct pg_cfg_policy *p, const struct layout *l,
			size_t nl, unsigned int flags)
{
	static u8 wmask[PG_CFG_SPACE_EXP_SIZE], rw1c[PG_CFG_SPACE_EXP_SIZE];

	memset(wmask, 0, sizeof(wmask));
	memset(rw1c, 0, sizeof(rw1c));
	for (size_t t = 0; t < nl; t++) {
		for (size_t i = 0; i < l[t].n; i++) {
			const struct want *w = &l[t].w[i];
			u32 bits = w->wmask;

			if (w->off + w->len > p->size)
				continue;
			if (flags & PG_CFG_INTR_CONTROL)
				bits |= w->intr;
			for (unsigned int b = 0; b < w->len; b++) {
				wmask[w->off + b] |= bits >> (8 * b);
				rw1c[w->off + b] |= w->rw1c >> (8 * b);
			}
		}
	}
	for (unsigned int off = 0; off < p->size; off++) {
		if (flags & PG_CFG_PERMISSIVE)
			wmask[off] = 0xff;
		EXPECT_EQ(wmask[off], p->wmask[off])
			TH_LOG("wmask at 0x%x", off);
		EXPECT_EQ(rw1c[off], p->rw1c[off])
			TH_LOG("rw1c at 0x%x", off);
	}
}

FIXTURE(cfg) {
	u8 *cfg;		/* exactly PG_CFG_SPACE_EXP_SIZE bytes */
	u8 *cfg256;		/* exactly PG_CFG_SPACE_SIZE bytes */
	struct pg_cfg_policy *p;
};

FIXTURE_SETUP(cfg)
{
	self->cfg = malloc(PG_CFG_SPACE_EXP_SIZE);
	self->cfg256 = malloc(PG_CFG_SPACE_SIZE);
	self->p = malloc(sizeof(*self->p));
	ASSERT_TRUE(self->cfg && self->cfg256 && self->p);
	endpoint(self->cfg, PG_CFG_SPACE_EXP_SIZE);
	endpoint(self->cfg256, PG_CFG_SPACE_SIZE);
}

FIXTURE_TEARDOWN(cfg)
{
	free(self->cfg);
	free(self->cfg256);
	free(self->p);
}

static int build(FIXTURE_DATA(cfg) *self, unsigned int size,
		 unsigned int flags, const struct pg_cfg_grant *g,
		 unsigned int n)
{
	const u8 *cfg = size == PG_CFG_SPACE_SIZE ? self->cfg256 : self->cfg;

	return pg_cfg_build(self->p, cfg, size, flags, g, n);
}

/* Masks */

TEST_F(cfg, type0_header_alone)
{
	const struct layout l[] = { LAYOUT(common) };

	header(self->cfg256, PG_CFG_SPACE_SIZE, 0, 0);
	ASSERT_EQ(0, build(self, PG_CFG_SPACE_SIZE, 0, NULL, 0));
	EXPECT_EQ(PG_CFG_SPACE_SIZE, self->p->size);
	check_masks(_metadata, self->p, l, 1, 0);
	ASSERT_EQ(0, build(self, PG_CFG_SPACE_SIZE, PG_CFG_INTR_CONTROL,
			   NULL, 0));
	check_masks(_metadata, self->p, l, 1, PG_CFG_INTR_CONTROL);
}

TEST_F(cfg, type0_with_every_capability_kind)
{
	const struct layout l[] = { LAYOUT(common), LAYOUT(endpoint_caps) };
	static const unsigned int flags[] = { 0, PG_CFG_INTR_CONTROL };

	for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
		ASSERT_EQ(0, build(self, PG_CFG_SPACE_SIZE, flags[i], NULL, 0));
		check_masks(_metadata, self->p, l, 2, flags[i]);
		ASSERT_EQ(0, build(self, PG_CFG_SPACE_EXP_SIZE, flags[i],
				   NULL, 0));
		EXPECT_EQ(PG_CFG_SPACE_EXP_SIZE, self->p->size);
		check_masks(_metadata, self->p, l, 2, flags[i]);
	}
}

TEST_F(cfg, multifunction_bit_is_not_the_type)
{
	const struct layout l[] = { LAYOUT(common), LAYOUT(endpoint_caps) };

	self->cfg[0x0e] = 0x80;
	ASSERT_EQ(0, build(self, PG_CFG_SPACE_EXP_SIZE, 0, NULL, 0));
	check_masks(_metadata, self->p, l, 2, 0);
}

TEST_F(cfg, type1_bridge_opens_only_the_common_header)
{
	static const struct want bridge[] = {
		{ 0x1e, 2, 0, 0, 0xf900 },	/* secondary status */
		{ 0x9a, 2, 0, 0, 0x000f },
		{ 0xa2, 2, 0, 0, 0xc000 },
		{ 0xaa, 2, 0, 0, 0x011f },	/* slot status */
		{ 0xb0, 4, 0, 0, 0x00010000 },	/* root status */
	};
	const struct layout l[] = { LAYOUT(common), LAYOUT(bridge) };

	/* A root port with a slot: bus numbers, windows, BARs stay shut. */
	header(self->cfg256, PG_CFG_SPACE_SIZE, 1, 0x90);
	put(self->cfg256, 0x18, 4, 0x00020100);
	cap(self->cfg256, 0x90, 0x10, 0);
	put(self->cfg256, 0x92, 2, 0x0142);
	ASSERT_EQ(0, build(self, PG_CFG_SPACE_SIZE, PG_CFG_INTR_CONTROL,
			   NULL, 0));
	check_masks(_metadata, self->p, l, 2, PG_CFG_INTR_CONTROL);
}

TEST_F(cfg, pcie_endpoint_has_no_slot_or_root_status)
{
	/* A v1 endpoint whose next capability sits where slot status would. */
	static const struct want v1[] = {
		{ 0x9a, 2, 0, 0, 0x000f },
		{ 0xa2, 2, 0, 0, 0xc000 },
		{ 0xa8, 2, 0x9e03, 0, 0x8000 },	/* PMCSR of a PM at 0xa4 */
	};
	const struct layout l[] = { LAYOUT(common), LAYOUT(v1) };

	header(self->cfg256, PG_CFG_SPACE_SIZE, 0, 0x90);
	cap(self->cfg256, 0x90, 0x10, 0xa4);
	put(self->cfg256, 0x92, 2, 0x0001);
	cap(self->cfg256, 0xa4, 0x01, 0);
	ASSERT_EQ(0, build(self, PG_CFG_SPACE_SIZE, 0, NULL, 0));
	check_masks(_metadata, self->p, l, 2, 0);
}

TEST_F(cfg, cardbus_caps_start_at_0x14)
{
	static const struct want cardbus[] = {
		{ 0x16, 2, 0, 0, 0xf900 },	/* secondary status */
		{ 0x84, 2, 0x9e03, 0, 0x8000 },
	};
	const struct layout l[] = { LAYOUT(common), LAYOUT(cardbus) };

	header(self->cfg256, PG_CFG_SPACE_SIZE, 2, 0x80);
	cap(self->cfg256, 0x80, 0x01, 0);
	ASSERT_EQ(0, build(self, PG_CFG_SPACE_SIZE, 0, NULL, 0));
	check_masks(_metadata, self->p, l, 2, 0);
}

TEST_F(cfg, unknown_header_type_has_only_the_common_header)
{
	const struct layout l[] = { LAYOUT(common) };

	self->cfg[0x0e] = 0x03;
	ASSERT_EQ(0, build(self, PG_CFG_SPACE_EXP_SIZE, PG_CFG_INTR_CONTROL,
			   NULL, 0));
	check_masks(_metadata, self->p, l, 1, PG_CFG_INTR_CONTROL);
}

TEST_F(cfg, capability_list_needs_the_status_bit)
{
	static const struct want aer[] = {
		{ 0x104, 4, 0, 0, 0xffffffff },
		{ 0x110, 4, 0, 0, 0xffffffff },
	};
	const struct layout l[] = { LAYOUT(common), LAYOUT(aer) };

	self->cfg[0x06] &= ~0x10;
	ASSERT_EQ(0, build(self, PG_CFG_SPACE_EXP_SIZE, 0, NULL, 0));
	check_masks(_metadata, self->p, l, 2, 0);
}

TEST_F(cfg, only_the_first_capability_of_an_id_is_opened)
{
	static const struct want two_pm[] = {
		{ 0x44, 2, 0x9e03, 0, 0x8000 },
		{ 0x64, 2, 0, 0, 0x8000 },	/* pciback never finds it */
	};
	const struct layout l[] = { LAYOUT(common), LAYOUT(two_pm) };

	header(self->cfg256, PG_CFG_SPACE_SIZE, 0, 0x40);
	cap(self->cfg256, 0x40, 0x01, 0x60);
	cap(self->cfg256, 0x60, 0x01, 0);
	ASSERT_EQ(0, build(self, PG_CFG_SPACE_SIZE, 0, NULL, 0));
	check_masks(_metadata, self->p, l, 2, 0);
}

TEST_F(cfg, registers_past_the_end_are_ignored)
{
	static const struct want edge[] = {
		{ 0xfa, 2, 0, 0, 0x000f },	/* PCIe at 0xf0: device status */
		/* link status would be 0x102: outside a 256-byte device */
	};
	const struct layout l[] = { LAYOUT(common), LAYOUT(edge) };

	header(self->cfg256, PG_CFG_SPACE_SIZE, 0, 0xf0);
	cap(self->cfg256, 0xf0, 0x10, 0);
	ASSERT_EQ(0, build(self, PG_CFG_SPACE_SIZE, 0, NULL, 0));
	check_masks(_metadata, self->p, l, 2, 0);

	/* AER in the last dword: its status registers are not there. */
	endpoint(self->cfg, PG_CFG_SPACE_EXP_SIZE);
	ext_cap(self->cfg, 0x100, 0x0003, 0xffc);
	ext_cap(self->cfg, 0xffc, 0x0001, 0);
	ASSERT_EQ(0, build(self, PG_CFG_SPACE_EXP_SIZE, 0, NULL, 0));
	for (unsigned int off = 0x100; off < PG_CFG_SPACE_EXP_SIZE; off++)
		EXPECT_EQ(0, self->p->rw1c[off] | self->p->wmask[off]);
}

/* Malformed chains end, and what they do reach is still judged. */

struct chain_case {
	const char *what;
	u8 list;		/* the capabilities pointer */
	u8 pm_next;		/* next pointer of a PM at 0x40 */
	u8 msi_next;		/* next pointer of an MSI at 0x50 */
	bool pm, msi;		/* reached? */
};

static const struct chain_case chains[] = {
	{ "loop", 0x40, 0x50, 0x40, true, true },
	{ "self loop", 0x40, 0x40, 0, true, false },
	{ "pointer below 0x40", 0x3c, 0x50, 0, false, false },
	{ "pointer into the header", 0x40, 0x04, 0, true, false },
	{ "next into the header", 0x40, 0x50, 0x10, true, true },
	{ "low bits ignored", 0x43, 0x53, 0, true, true },
	{ "zero pointer", 0x00, 0x50, 0, false, false },
};

TEST_F(cfg, malformed_chains_terminate)
{
	for (size_t i = 0; i < ARRAY_SIZE(chains); i++) {
		const struct chain_case *c = &chains[i];
		u8 *cfg = self->cfg256;

		header(cfg, PG_CFG_SPACE_SIZE, 0, c->list);
		cap(cfg, 0x40, 0x01, c->pm_next);
		cap(cfg, 0x50, 0x05, c->msi_next);
		/* What a walk that read the header as a chain would open. */
		cap(cfg, 0x04, 0x01, 0x50);
		cfg[0x06] |= 0x10;
		ASSERT_EQ(0, build(self, PG_CFG_SPACE_SIZE,
				   PG_CFG_INTR_CONTROL, NULL, 0));
		EXPECT_EQ(c->pm ? 0x03 : 0, self->p->wmask[0x44])
			TH_LOG("%s", c->what);
		EXPECT_EQ(c->msi ? 0x01 : 0, self->p->wmask[0x52])
			TH_LOG("%s", c->what);
		EXPECT_EQ(0x17, self->p->wmask[0x04]) TH_LOG("%s", c->what);
		EXPECT_EQ(0, self->p->wmask[0x08]) TH_LOG("%s", c->what);
	}
}

TEST_F(cfg, id_0xff_ends_the_chain)
{
	header(self->cfg256, PG_CFG_SPACE_SIZE, 0, 0x40);
	cap(self->cfg256, 0x40, 0xff, 0x50);
	cap(self->cfg256, 0x50, 0x01, 0);
	ASSERT_EQ(0, build(self, PG_CFG_SPACE_SIZE, 0, NULL, 0));
	EXPECT_EQ(0, self->p->wmask[0x54]);
}

struct ext_case {
	const char *what;
	u32 first;		/* header at 0x100 (AER) */
	u32 second;		/* header at 0x200 */
	bool aer;		/* its status bits are rw1c */
};

static const struct ext_case ext_chains[] = {
	{ "self loop", 0x10010001, 0, true },
	{ "loop", 0x20010001, 0x10010003, true },
	{ "next below 0x100", 0x04010001, 0, true },
	{ "all ones", 0xffffffff, 0, false },
	{ "no extended capabilities", 0, 0, false },
	{ "null capability leads on", 0x20000000, 0x00010001, false },
};

TEST_F(cfg, malformed_extended_chains_terminate)
{
	for (size_t i = 0; i < ARRAY_SIZE(ext_chains); i++) {
		const struct ext_case *c = &ext_chains[i];

		endpoint(self->cfg, PG_CFG_SPACE_EXP_SIZE);
		put(self->cfg, 0x100, 4, c->first);
		put(self->cfg, 0x200, 4, c->second);
		ASSERT_EQ(0, build(self, PG_CFG_SPACE_EXP_SIZE, 0, NULL, 0));
		EXPECT_EQ(c->aer ? 0xff : 0, self->p->rw1c[0x104])
			TH_LOG("%s", c->what);
	}
	/* An AER reached through a null capability is still AER. */
	EXPECT_EQ(0xff, self->p->rw1c[0x204]);
}

TEST_F(cfg, build_refuses_other_sizes)
{
	static const unsigned int sizes[] = { 0, 64, 255, 257, 512, 4095, 4097 };

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
		EXPECT_EQ(-EINVAL, pg_cfg_build(self->p, self->cfg, sizes[i],
						0, NULL, 0));
}

/* Decisions */

struct write_case {
	const char *what;
	unsigned int flags;
	unsigned int off, len;
	u32 val, cur, want;
};

#define INTR PG_CFG_INTR_CONTROL

static const struct write_case writes[] = {
	/* Command, whole and in part */
	{ "enable memory and bus master", 0, 0x04, 2, 0x0006, 0x0000, 0 },
	{ "byte: I/O, memory, master, MWI", 0, 0x04, 1, 0x17, 0x00, 0 },
	{ "byte: parity", 0, 0x04, 1, 0x40, 0x00, 0x40 },
	{ "byte: SERR", 0, 0x05, 1, 0x01, 0x00, 0x01 },
	{ "byte: INTx disable", 0, 0x05, 1, 0x04, 0x00, 0x04 },
	{ "byte: INTx disable, interrupt control", INTR, 0x05, 1, 0x04, 0, 0 },
	{ "clear memory", 0, 0x04, 2, 0x0004, 0x0006, 0 },
	{ "word: master and INTx disable", 0, 0x04, 2, 0x0404, 0, 0x0400 },
	/* Command + status in one dword */
	{ "status rw1c written 0", 0, 0x04, 4, 0x00100006, 0x80100000, 0 },
	{ "status rw1c written 1", 0, 0x04, 4, 0x80100006, 0x80100000,
	  0x80000000 },
	{ "status read-only bit changed", 0, 0x04, 4, 0x00000006, 0x00100000,
	  0x00100000 },
	{ "status word, rw1c set", 0, 0x06, 2, 0xf910, 0xf910, 0xf900 },
	{ "status word as read, rw1c 0", 0, 0x06, 2, 0x0010, 0xf910, 0 },
	/* Cache line size, latency, header type, BIST in one dword */
	{ "cache line size", 0, 0x0c, 4, 0x00000020, 0x00000010, 0 },
	{ "latency timer", 0, 0x0c, 4, 0x00004010, 0x00000010, 0x4000 },
	{ "header type", 0, 0x0c, 4, 0x00800010, 0x00000010, 0x00800000 },
	{ "BIST start", 0, 0x0c, 4, 0xc0000010, 0x80000010, 0 },
	{ "BIST: PCI_BIST_START over capable", 0, 0x0f, 1, 0x40, 0x80, 0 },
	{ "BIST reserved bit", 0, 0x0f, 1, 0x90, 0x80, 0x10 },
	{ "all four as read", 0, 0x0c, 4, 0x80804010, 0x80804010, 0 },
	/* Read-only registers may be rewritten with their value */
	{ "BAR0 rewritten", 0, 0x10, 4, 0xfe000000, 0xfe000000, 0 },
	{ "BAR0 sized", 0, 0x10, 4, 0xffffffff, 0xfe000000, 0x01ffffff },
	{ "expansion ROM enable", 0, 0x30, 4, 0x00000001, 0, 0x00000001 },
	{ "interrupt line", 0, 0x3c, 1, 0x0b, 0x0a, 0x01 },
	{ "vendor ID", 0, 0x00, 2, 0x1234, 0x8086, 0x1234 ^ 0x8086 },
	/* PM */
	{ "PMCSR: D3hot", 0, 0x44, 2, 0x000b, 0x0008, 0 },
	{ "PMCSR: PME enable", 0, 0x44, 2, 0x0108, 0x0008, 0x0100 },
	{ "PMCSR: clear PME status", 0, 0x44, 2, 0x8008, 0x8008, 0 },
	{ "PMCSR: data select", 0, 0x45, 1, 0x1e, 0x00, 0 },
	{ "PMCSR: no soft reset", 0, 0x44, 2, 0x0000, 0x0008, 0x0008 },
	{ "PMC", 0, 0x42, 2, 0x0000, 0x0003, 0x0003 },
	/* MSI, MSI-X */
	{ "MSI enable", 0, 0x52, 2, 0x0181, 0x0180, 0x0001 },
	{ "MSI enable, interrupt control", INTR, 0x52, 2, 0x0181, 0x0180, 0 },
	{ "MSI queue size", INTR, 0x52, 2, 0x01b1, 0x0180, 0x0030 },
	{ "MSI address", INTR, 0x54, 4, 0xfee00000, 0, 0xfee00000 },
	{ "MSI mask bits", INTR, 0x60, 4, 1, 0, 1 },
	{ "MSI-X enable and mask", 0, 0x72, 2, 0xc007, 0x0007, 0xc000 },
	{ "MSI-X enable and mask, interrupt control", INTR, 0x72, 2, 0xc007,
	  0x0007, 0 },
	{ "MSI-X table size", INTR, 0x72, 2, 0x0008, 0x0007, 0x000f },
	/* VPD: reads start with F 0, writes with F 1 */
	{ "VPD read after a read", 0, 0x82, 2, 0x0020, 0x8010, 0 },
	{ "VPD write", 0, 0x82, 2, 0x8020, 0x0010, 0x8000 },
	{ "VPD write, F reads 1", 0, 0x82, 2, 0x8020, 0x8010, 0x8000 },
	{ "VPD data", 0, 0x84, 4, 0x12345678, 0, 0x12345678 },
	/* PCI Express: everything read-only, status rw1c */
	{ "device control", 0, 0x98, 2, 0x2810, 0x2010, 0x0800 },
	{ "device status rewritten", 0, 0x9a, 2, 0x0003, 0x0003, 0x0003 },
	{ "device status written 0", 0, 0x9a, 2, 0x0000, 0x0003, 0 },
	{ "link status bandwidth", 0, 0xa2, 2, 0x4000, 0x4000, 0x4000 },
	{ "vendor-specific capability", 0, 0xd4, 4, 1, 0, 1 },
	{ "device-specific", 0, 0xf0, 4, 1, 0, 1 },
	/* Extended */
	{ "AER status written 1", 0, 0x104, 4, 0x1000, 0x1000, 0x1000 },
	{ "AER status written 0", 0, 0x104, 4, 0, 0x1000, 0 },
	{ "AER mask", 0, 0x108, 4, 0x1000, 0, 0x1000 },
	{ "DSN rewritten", 0, 0x14c, 4, 0xabcd, 0xabcd, 0 },
	{ "DSN", 0, 0x14c, 4, 0xabce, 0xabcd, 0x0003 },
	{ "last dword", 0, 0xffc, 4, 0, 0, 0 },
	/* Malformed or outside */
	{ "past the end", 0, 0x1000, 1, 0, 0, 0xff },
	{ "straddles the end", 0, 0xffe, 4, 0, 0, 0xffffffff },
	{ "misaligned word", 0, 0x05, 2, 0, 0, 0xffff },
	{ "misaligned dword", 0, 0x06, 4, 0, 0, 0xffffffff },
	{ "length 3", 0, 0x04, 3, 0, 0, 0xffffffff },
	{ "length 0", 0, 0x04, 0, 0, 0, 0xffffffff },
	{ "length 8", 0, 0x08, 8, 0, 0, 0xffffffff },
	{ "huge offset", 0, 0xffffffff, 1, 0, 0, 0xff },
	{ "huge aligned offset", 0, 0xfffffffc, 4, 0, 0, 0xffffffff },
	/* Bits beyond the length are ignored */
	{ "wide value, byte write", 0, 0x04, 1, 0xffffff06, 0, 0 },
};

TEST_F(cfg, write_table)
{
	for (size_t i = 0; i < ARRAY_SIZE(writes); i++) {
		const struct write_case *c = &writes[i];

		ASSERT_EQ(0, build(self, PG_CFG_SPACE_EXP_SIZE, c->flags,
				   NULL, 0));
		EXPECT_EQ(c->want, pg_cfg_denied(self->p, c->off, c->len,
						 c->val, c->cur))
			TH_LOG("case '%s'", c->what);
	}
}

TEST_F(cfg, conventional_device_ends_at_256)
{
	ASSERT_EQ(0, build(self, PG_CFG_SPACE_SIZE, 0, NULL, 0));
	EXPECT_EQ(0U, pg_cfg_denied(self->p, 0xfc, 4, 0, 0));
	EXPECT_EQ(0xffU, pg_cfg_denied(self->p, 0x100, 1, 0, 0));
	EXPECT_EQ(0xffffffffU, pg_cfg_denied(self->p, 0x100, 4, 0, 0));
}

TEST_F(cfg, permissive_opens_everything_but_keeps_rw1c)
{
	ASSERT_EQ(0, build(self, PG_CFG_SPACE_EXP_SIZE, PG_CFG_PERMISSIVE,
			   NULL, 0));
	for (unsigned int off = 0; off < PG_CFG_SPACE_EXP_SIZE; off += 4) {
		EXPECT_EQ(0U, pg_cfg_denied(self->p, off, 4, ~off, off))
			TH_LOG("at 0x%x", off);
	}
	EXPECT_EQ(0U, pg_cfg_denied(self->p, 0x06, 2, 0xffff, 0x0010));
	EXPECT_EQ(0xf9, self->p->rw1c[0x07]);
	EXPECT_EQ(0x80, self->p->rw1c[0x45]);
	EXPECT_EQ(0xff, self->p->rw1c[0x113]);
	EXPECT_EQ(0xffffffffU, pg_cfg_denied(self->p, 0x02, 4, 0, 0));
}

/* A register the policy opens entirely is judged without its value. */
TEST_F(cfg, needs_cur_only_for_registers_not_entirely_open)
{
	const struct pg_cfg_grant g[] = { { 0x40, 4, 0xffffffff },
					  { 0x48, 2, 0x00ff } };

	ASSERT_EQ(0, build(self, PG_CFG_SPACE_EXP_SIZE, 0, NULL, 0));
	EXPECT_FALSE(pg_cfg_needs_cur(self->p, 0x0c, 1));	/* cache line */
	EXPECT_TRUE(pg_cfg_needs_cur(self->p, 0x0d, 1));	/* latency */
	EXPECT_TRUE(pg_cfg_needs_cur(self->p, 0x0c, 4));
	EXPECT_TRUE(pg_cfg_needs_cur(self->p, 0x04, 2));	/* command */
	EXPECT_TRUE(pg_cfg_needs_cur(self->p, 0x10, 4));	/* BAR0 */
	/* Malformed or outside: the slow path, which refuses them. */
	EXPECT_TRUE(pg_cfg_needs_cur(self->p, 0x0c, 3));
	EXPECT_TRUE(pg_cfg_needs_cur(self->p, 0x0d, 2));
	EXPECT_TRUE(pg_cfg_needs_cur(self->p, 0x1000, 1));
	EXPECT_TRUE(pg_cfg_needs_cur(self->p, 0xfffffffc, 4));

	header(self->cfg256, PG_CFG_SPACE_SIZE, 0, 0);
	ASSERT_EQ(0, build(self, PG_CFG_SPACE_SIZE, 0, g, 2));
	EXPECT_FALSE(pg_cfg_needs_cur(self->p, 0x40, 4));
	EXPECT_FALSE(pg_cfg_needs_cur(self->p, 0x42, 2));
	EXPECT_FALSE(pg_cfg_needs_cur(self->p, 0x48, 1));
	EXPECT_TRUE(pg_cfg_needs_cur(self->p, 0x48, 2));	/* mask 0x00ff */
	EXPECT_TRUE(pg_cfg_needs_cur(self->p, 0x44, 4));

	ASSERT_EQ(0, build(self, PG_CFG_SPACE_EXP_SIZE, PG_CFG_PERMISSIVE,
			   NULL, 0));
	EXPECT_FALSE(pg_cfg_needs_cur(self->p, 0x10, 4));
	EXPECT_FALSE(pg_cfg_needs_cur(self->p, 0xffc, 4));
}

/* Where no value is needed, every value of every write is allowed. */
TEST_F(cfg, no_value_needed_means_every_write_allowed)
{
	for (unsigned int flags = 0; flags <= PG_CFG_PERMISSIVE; flags++) {
		ASSERT_EQ(0, build(self, PG_CFG_SPACE_EXP_SIZE, flags,
				   NULL, 0));
		for (unsigned int off = 0; off < 0x100; off++) {
			for (unsigned int len = 1; len <= 4; len *= 2) {
				if (pg_cfg_needs_cur(self->p, off, len))
					continue;
				EXPECT_EQ(0U, pg_cfg_denied(self->p, off, len,
							    ~0U, 0));
				EXPECT_EQ(0U, pg_cfg_denied(self->p, off, len,
							    0, ~0U));
			}
		}
	}
}

/* Grants */

TEST_F(cfg, grant_opens_its_register_only)
{
	const struct pg_cfg_grant g[] = { { 0x40, 4, 0xffffffff } };

	header(self->cfg256, PG_CFG_SPACE_SIZE, 0, 0);
	ASSERT_EQ(0, build(self, PG_CFG_SPACE_SIZE, 0, NULL, 0));
	EXPECT_EQ(0xffffffffU, pg_cfg_denied(self->p, 0x40, 4, ~0U, 0));
	ASSERT_EQ(0, build(self, PG_CFG_SPACE_SIZE, 0, g, 1));
	EXPECT_EQ(0U, pg_cfg_denied(self->p, 0x40, 4, ~0U, 0));
	EXPECT_EQ(0U, pg_cfg_denied(self->p, 0x42, 2, 0x1234, 0));
	EXPECT_EQ(0U, pg_cfg_denied(self->p, 0x43, 1, 0x12, 0));
	EXPECT_EQ(0xffffffffU, pg_cfg_denied(self->p, 0x44, 4, ~0U, 0));
	EXPECT_EQ(0xffU, pg_cfg_denied(self->p, 0x3f, 1, 0xff, 0));
	/* A dword at 0x40 is 0x40-0x43; a write at 0x3c is not in it. */
	EXPECT_EQ(0xffffffffU, pg_cfg_denied(self->p, 0x3c, 4, ~0U, 0));
}

TEST_F(cfg, grant_mask_limits_the_bits)
{
	const struct pg_cfg_grant g[] = { { 0x40, 2, 0x00f0 } };

	header(self->cfg256, PG_CFG_SPACE_SIZE, 0, 0);
	ASSERT_EQ(0, build(self, PG_CFG_SPACE_SIZE, 0, g, 1));
	EXPECT_EQ(0U, pg_cfg_denied(self->p, 0x40, 2, 0x12f4, 0x1234));
	EXPECT_EQ(0x000bU, pg_cfg_denied(self->p, 0x40, 2, 0x12ff, 0x1234));
	EXPECT_EQ(0x0100U, pg_cfg_denied(self->p, 0x40, 2, 0x1334, 0x1234));
	EXPECT_EQ(0U, pg_cfg_denied(self->p, 0x40, 1, 0x74, 0x34));
	EXPECT_EQ(0xf0U, pg_cfg_denied(self->p, 0x41, 1, 0xe2, 0x12));
}

TEST_F(cfg, grants_add_to_the_whitelist)
{
	const struct pg_cfg_grant g[] = {
		{ 0x10, 4, 0xffffffff },	/* BAR0 */
		{ 0x05, 1, 0x01 },		/* SERR */
		{ 0x06, 2, 0x0100 },		/* clear master data parity */
	};

	ASSERT_EQ(0, build(self, PG_CFG_SPACE_EXP_SIZE, 0, g, ARRAY_SIZE(g)));
	EXPECT_EQ(0U, pg_cfg_denied(self->p, 0x10, 4, ~0U, 0xfe000000));
	EXPECT_EQ(0U, pg_cfg_denied(self->p, 0x04, 2, 0x0107, 0));
	EXPECT_EQ(0x0400U, pg_cfg_denied(self->p, 0x04, 2, 0x0507, 0));
	EXPECT_EQ(0U, pg_cfg_denied(self->p, 0x06, 2, 0x0110, 0x0110));
	EXPECT_EQ(0x8000U, pg_cfg_denied(self->p, 0x06, 2, 0x8110, 0x8110));
	EXPECT_EQ(0x17, self->p->wmask[0x04]);	/* the whitelist stays */
}

TEST_F(cfg, malformed_grants_are_skipped)
{
	const struct pg_cfg_grant g[] = {
		{ 0x40, 3, 0xffffff },
		{ 0x42, 4, 0xffffffff },
		{ 0x100, 4, 0xffffffff },	/* outside 256 bytes */
		{ 0x48, 2, 0 },
		{ 0x4c, 1, 0x1ff },
	};

	header(self->cfg256, PG_CFG_SPACE_SIZE, 0, 0);
	ASSERT_EQ(0, build(self, PG_CFG_SPACE_SIZE, 0, g, ARRAY_SIZE(g)));
	for (unsigned int off = 0x10; off < PG_CFG_SPACE_SIZE; off++) {
		EXPECT_EQ(0, self->p->wmask[off]) TH_LOG("at 0x%x", off);
	}
}

struct grant_case {
	struct pg_cfg_grant g;
	unsigned int size;
	enum pg_cfg_grant_err want;
};

static const struct grant_case grant_checks[] = {
	{ { 0x40, 4, 0xffffffff }, 256, PG_CFG_GRANT_OK },
	{ { 0x41, 1, 0x01 }, 256, PG_CFG_GRANT_OK },
	{ { 0xfe, 2, 0x8000 }, 256, PG_CFG_GRANT_OK },
	{ { 0xffc, 4, 0x1 }, 4096, PG_CFG_GRANT_OK },
	{ { 0x40, 3, 0x1 }, 256, PG_CFG_GRANT_LEN },
	{ { 0x40, 0, 0x1 }, 256, PG_CFG_GRANT_LEN },
	{ { 0x40, 8, 0x1 }, 256, PG_CFG_GRANT_LEN },
	{ { 0x41, 3, 0 }, 256, PG_CFG_GRANT_LEN },	/* first problem */
	{ { 0x42, 4, 0x1 }, 256, PG_CFG_GRANT_ALIGN },
	{ { 0x41, 2, 0x1 }, 256, PG_CFG_GRANT_ALIGN },
	{ { 0x101, 2, 0 }, 256, PG_CFG_GRANT_ALIGN },
	{ { 0x100, 4, 0x1 }, 256, PG_CFG_GRANT_OUTSIDE },
	{ { 0x100, 4, 0x1 }, 4096, PG_CFG_GRANT_OK },
	{ { 0x1000, 1, 0x1 }, 4096, PG_CFG_GRANT_OUTSIDE },
	{ { 0xfffc, 4, 0 }, 4096, PG_CFG_GRANT_OUTSIDE },
	{ { 0x40, 2, 0 }, 256, PG_CFG_GRANT_MASK },
	{ { 0x40, 2, 0x10000 }, 256, PG_CFG_GRANT_MASK },
	{ { 0x40, 1, 0x100 }, 256, PG_CFG_GRANT_MASK },
	{ { 0x40, 1, 0x1ff }, 256, PG_CFG_GRANT_MASK },
};

TEST(grant_check_table)
{
	for (size_t i = 0; i < ARRAY_SIZE(grant_checks); i++) {
		const struct grant_case *c = &grant_checks[i];

		EXPECT_EQ(c->want, pg_cfg_grant_check(&c->g, c->size))
			TH_LOG("grant 0x%x:%u:0x%x in %u bytes", c->g.offset,
			       c->g.len, c->g.mask, c->size);
	}
}

TEST(grant_errstr)
{
	EXPECT_STREQ("", pg_cfg_grant_errstr(PG_CFG_GRANT_OK));
	EXPECT_STREQ("LEN must be 1, 2 or 4",
		     pg_cfg_grant_errstr(PG_CFG_GRANT_LEN));
	EXPECT_STREQ("OFF must be a multiple of LEN",
		     pg_cfg_grant_errstr(PG_CFG_GRANT_ALIGN));
	EXPECT_STREQ("the register is outside the device's config space",
		     pg_cfg_grant_errstr(PG_CFG_GRANT_OUTSIDE));
	EXPECT_STREQ("MASK must be non-zero and fit in LEN bytes",
		     pg_cfg_grant_errstr(PG_CFG_GRANT_MASK));
	EXPECT_STRNE("", pg_cfg_grant_errstr((enum pg_cfg_grant_err)42));
}

/* Suggestions */

struct suggest_case {
	unsigned int off, len;
	u32 denied;
	struct pg_cfg_grant want;
};

static const struct suggest_case suggestions[] = {
	{ 0x04, 4, 0x00000400, { 0x05, 1, 0x04 } },
	{ 0x04, 4, 0x80000000, { 0x07, 1, 0x80 } },
	{ 0x04, 4, 0x00000401, { 0x04, 2, 0x0401 } },
	{ 0x04, 4, 0xf9000000, { 0x07, 1, 0xf9 } },
	{ 0x04, 4, 0x01000100, { 0x04, 4, 0x01000100 } },
	{ 0x0c, 4, 0x00ffff00, { 0x0c, 4, 0x00ffff00 } },
	{ 0x0c, 4, 0xffff0000, { 0x0e, 2, 0xffff } },
	{ 0x0c, 4, 0x00ff0000, { 0x0e, 1, 0xff } },
	{ 0x06, 2, 0x0100, { 0x07, 1, 0x01 } },
	{ 0x06, 2, 0x0101, { 0x06, 2, 0x0101 } },
	{ 0x10, 1, 0x01, { 0x10, 1, 0x01 } },
	{ 0xffc, 4, 0x1, { 0xffc, 1, 0x1 } },
	{ 0x40, 4, 0, { 0 } },			/* nothing denied */
	{ 0x40, 1, 0x100, { 0 } },		/* beyond the write */
	{ 0x05, 2, 0x1, { 0 } },		/* misaligned */
	{ 0x04, 3, 0x1, { 0 } },		/* bad length */
	{ 0x1000, 4, 0x1, { 0 } },		/* outside any device */
};

TEST(suggest_table)
{
	for (size_t i = 0; i < ARRAY_SIZE(suggestions); i++) {
		const struct suggest_case *c = &suggestions[i];
		struct pg_cfg_grant g;

		memset(&g, 0x5a, sizeof(g));
		pg_cfg_suggest(c->off, c->len, c->denied, &g);
		EXPECT_EQ(c->want.len, g.len) TH_LOG("case %zu", i);
		if (!c->want.len)
			continue;
		EXPECT_EQ(c->want.offset, g.offset) TH_LOG("case %zu", i);
		EXPECT_EQ(c->want.mask, g.mask) TH_LOG("case %zu", i);
	}
}

TEST_F(cfg, suggested_grant_allows_the_write)
{
	static const struct write_case denied[] = {
		{ "SERR", 0, 0x04, 4, 0x00100106, 0x00100000, 0 },
		{ "status clear", 0, 0x04, 4, 0x80100000, 0x80100000, 0 },
		{ "latency", 0, 0x0c, 4, 0x00004010, 0x00000010, 0 },
		{ "MSI enable", 0, 0x52, 2, 0x0181, 0x0180, 0 },
		{ "AER", 0, 0x104, 4, 0x00101000, 0x00101000, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(denied); i++) {
		const struct write_case *c = &denied[i];
		struct pg_cfg_grant g;
		u32 d;

		ASSERT_EQ(0, build(self, PG_CFG_SPACE_EXP_SIZE, 0, NULL, 0));
		d = pg_cfg_denied(self->p, c->off, c->len, c->val, c->cur);
		EXPECT_NE(0U, d) TH_LOG("%s", c->what);
		pg_cfg_suggest(c->off, c->len, d, &g);
		EXPECT_EQ((enum pg_cfg_grant_err)PG_CFG_GRANT_OK,
			  pg_cfg_grant_check(&g, PG_CFG_SPACE_EXP_SIZE))
			TH_LOG("%s", c->what);
		ASSERT_EQ(0, build(self, PG_CFG_SPACE_EXP_SIZE, 0, &g, 1));
		EXPECT_EQ(0U, pg_cfg_denied(self->p, c->off, c->len, c->val,
					    c->cur))
			TH_LOG("%s", c->what);
	}
}

/* Names */

struct name_case {
	unsigned int off;
	const char *want;
};

static const struct name_case endpoint_names[] = {
	{ 0x00, "vendor ID" },
	{ 0x01, "vendor ID" },
	{ 0x02, "device ID" },
	{ 0x04, "command" },
	{ 0x05, "command" },
	{ 0x06, "status" },
	{ 0x08, "revision ID" },
	{ 0x0b, "class code" },
	{ 0x0c, "cache line size" },
	{ 0x0d, "latency timer" },
	{ 0x0e, "header type" },
	{ 0x0f, "BIST" },
	{ 0x10, "BAR0" },
	{ 0x17, "BAR1" },
	{ 0x24, "BAR5" },
	{ 0x28, "CardBus CIS pointer" },
	{ 0x2c, "subsystem vendor ID" },
	{ 0x2e, "subsystem ID" },
	{ 0x30, "expansion ROM" },
	{ 0x34, "capabilities pointer" },
	{ 0x38, "reserved" },
	{ 0x3c, "interrupt line" },
	{ 0x3d, "interrupt pin" },
	{ 0x3e, "min grant" },
	{ 0x3f, "max latency" },
	{ 0x40, "PM capability +0x0 (capability ID)" },
	{ 0x41, "PM capability +0x1 (next capability pointer)" },
	{ 0x42, "PM capability +0x2 (PMC)" },
	{ 0x44, "PM capability +0x4 (PMCSR)" },
	{ 0x45, "PM capability +0x4 (PMCSR)" },
	{ 0x47, "PM capability +0x7 (data)" },
	{ 0x48, "device-specific" },
	{ 0x52, "MSI capability +0x2 (message control)" },
	{ 0x54, "MSI capability +0x4 (message address)" },
	{ 0x58, "MSI capability +0x8 (message upper address)" },
	{ 0x5c, "MSI capability +0xc (message data)" },
	{ 0x60, "MSI capability +0x10 (mask bits)" },
	{ 0x67, "MSI capability +0x14 (pending bits)" },
	{ 0x68, "device-specific" },
	{ 0x72, "MSI-X capability +0x2 (message control)" },
	{ 0x74, "MSI-X capability +0x4 (table offset)" },
	{ 0x78, "MSI-X capability +0x8 (PBA offset)" },
	{ 0x82, "VPD capability +0x2 (VPD address)" },
	{ 0x84, "VPD capability +0x4 (VPD data)" },
	{ 0x98, "PCI Express capability +0x8 (device control)" },
	{ 0x9a, "PCI Express capability +0xa (device status)" },
	{ 0xa2, "PCI Express capability +0x12 (link status)" },
	{ 0xaa, "PCI Express capability +0x1a (slot status)" },
	{ 0xb1, "PCI Express capability +0x20 (root status)" },
	{ 0xca, "PCI Express capability +0x3a (slot status 2)" },
	{ 0xcc, "device-specific" },
	{ 0xd2, "vendor-specific capability +0x2 (length)" },
	{ 0xd4, "vendor-specific capability +0x4" },
	{ 0xdf, "vendor-specific capability +0xf" },
	{ 0xe0, "device-specific" },
	{ 0xff, "device-specific" },
	{ 0x100, "AER extended capability +0x0 (extended capability header)" },
	{ 0x103, "AER extended capability +0x0 (extended capability header)" },
	{ 0x104, "AER extended capability +0x4 (uncorrectable error status)" },
	{ 0x110, "AER extended capability +0x10 (correctable error status)" },
	{ 0x120, "AER extended capability +0x1c (header log)" },
	{ 0x147, "AER extended capability +0x38 (TLP prefix log)" },
	{ 0x14c, "DSN extended capability +0x4 (serial number)" },
	{ 0x153, "DSN extended capability +0x4 (serial number)" },
	{ 0x154, "extended device-specific" },
	{ 0xfff, "extended device-specific" },
	{ 0x1000, "outside config space" },
	{ 0xffffffff, "outside config space" },
};

TEST_F(cfg, describe_endpoint)
{
	char buf[80];

	for (size_t i = 0; i < ARRAY_SIZE(endpoint_names); i++) {
		const struct name_case *c = &endpoint_names[i];
		int n = pg_cfg_describe(self->cfg, PG_CFG_SPACE_EXP_SIZE,
					c->off, buf, sizeof(buf));

		EXPECT_STREQ(c->want, buf) TH_LOG("at 0x%x", c->off);
		EXPECT_EQ((int)strlen(c->want), n) TH_LOG("at 0x%x", c->off);
	}
	pg_cfg_describe(self->cfg256, PG_CFG_SPACE_SIZE, 0x100, buf,
			sizeof(buf));
	EXPECT_STREQ("outside config space", buf);
	/* A 64-byte snapshot, as an unprivileged reader gets from sysfs. */
	pg_cfg_describe(self->cfg, 64, 0x30, buf, sizeof(buf));
	EXPECT_STREQ("expansion ROM", buf);
	pg_cfg_describe(self->cfg, 64, 0x40, buf, sizeof(buf));
	EXPECT_STREQ("outside config space", buf);
}

static const struct name_case bridge_names[] = {
	{ 0x10, "BAR0" },
	{ 0x18, "primary bus number" },
	{ 0x19, "secondary bus number" },
	{ 0x1a, "subordinate bus number" },
	{ 0x1e, "secondary status" },
	{ 0x20, "memory base" },
	{ 0x24, "prefetchable memory base" },
	{ 0x2c, "prefetchable limit upper 32 bits" },
	{ 0x30, "I/O base upper 16 bits" },
	{ 0x38, "expansion ROM" },
	{ 0x3e, "bridge control" },
	{ 0x40, "device-specific" },
};

static const struct name_case cardbus_names[] = {
	{ 0x14, "capabilities pointer" },
	{ 0x16, "secondary status" },
	{ 0x44, "legacy mode base" },
	{ 0x48, "device-specific" },
};

static const struct name_case odd_names[] = {
	{ 0x10, "header" },		/* unknown header type 0x7f */
	{ 0x3f, "header" },
	{ 0x40, "device-specific" },	/* its capabilities are not read */
};

static const struct name_case unknown_names[] = {
	{ 0x40, "capability 0x2a +0x0 (capability ID)" },
	{ 0x44, "capability 0x2a +0x4" },
	{ 0xff, "capability 0x2a +0xbf" },
	{ 0x100, "extended capability 0x0777 +0x0 (extended capability header)" },
	{ 0x108, "extended capability 0x0777 +0x8" },
	{ 0x200, "VC extended capability +0x0 (extended capability header)" },
	{ 0x2f0, "VC extended capability +0xf0" },
	{ 0x300, "vendor-specific extended capability +0x0 (extended capability header)" },
	{ 0x304, "vendor-specific extended capability +0x4 (vendor-specific header)" },
	{ 0x317, "vendor-specific extended capability +0x17" },
	{ 0x318, "extended device-specific" },		/* VSEC length 0x18 */
};

static void check_names(struct __test_metadata *_metadata, const u8 *cfg,
			const struct name_case *c, size_t n)
{
	char buf[80];

	for (size_t i = 0; i < n; i++) {
		pg_cfg_describe(cfg, PG_CFG_SPACE_EXP_SIZE, c[i].off, buf,
				sizeof(buf));
		EXPECT_STREQ(c[i].want, buf) TH_LOG("at 0x%x", c[i].off);
	}
}

TEST_F(cfg, describe_other_layouts)
{
	header(self->cfg, PG_CFG_SPACE_EXP_SIZE, 1, 0);
	check_names(_metadata, self->cfg, bridge_names,
		    ARRAY_SIZE(bridge_names));
	header(self->cfg, PG_CFG_SPACE_EXP_SIZE, 2, 0);
	check_names(_metadata, self->cfg, cardbus_names,
		    ARRAY_SIZE(cardbus_names));
	header(self->cfg, PG_CFG_SPACE_EXP_SIZE, 0x7f, 0x40);
	cap(self->cfg, 0x40, 0x01, 0);
	check_names(_metadata, self->cfg, odd_names, ARRAY_SIZE(odd_names));

	header(self->cfg, PG_CFG_SPACE_EXP_SIZE, 0, 0x40);
	cap(self->cfg, 0x40, 0x2a, 0);
	ext_cap(self->cfg, 0x100, 0x0777, 0x200);
	ext_cap(self->cfg, 0x200, 0x0002, 0x300);
	ext_cap(self->cfg, 0x300, 0x000b, 0);
	put(self->cfg, 0x304, 4, 0x01810001);	/* VSEC length 0x18 */
	check_names(_metadata, self->cfg, unknown_names,
		    ARRAY_SIZE(unknown_names));
}

TEST_F(cfg, describe_truncates_and_terminates)
{
	const char *full = "PM capability +0x4 (PMCSR)";
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	EXPECT_EQ((int)strlen(full),
		  pg_cfg_describe(self->cfg, PG_CFG_SPACE_EXP_SIZE, 0x44, buf,
				  5));
	EXPECT_STREQ("PM c", buf);
	EXPECT_EQ('x', buf[5]);

	memset(buf, 'x', sizeof(buf));
	EXPECT_EQ((int)strlen("command"),
		  pg_cfg_describe(self->cfg, PG_CFG_SPACE_EXP_SIZE, 0x04, buf,
				  0));
	EXPECT_EQ('x', buf[0]);
}

TEST_F(cfg, describe_survives_malformed_chains)
{
	char buf[64];

	for (size_t i = 0; i < ARRAY_SIZE(chains); i++) {
		header(self->cfg256, PG_CFG_SPACE_SIZE, 0, chains[i].list);
		cap(self->cfg256, 0x40, 0x01, chains[i].pm_next);
		cap(self->cfg256, 0x50, 0x05, chains[i].msi_next);
		pg_cfg_describe(self->cfg256, PG_CFG_SPACE_SIZE, 0x52, buf,
				sizeof(buf));
		EXPECT_STREQ(chains[i].msi ?
			     "MSI capability +0x2 (message control)" :
			     "device-specific", buf)
			TH_LOG("%s", chains[i].what);
	}
	for (size_t i = 0; i < ARRAY_SIZE(ext_chains); i++) {
		endpoint(self->cfg, PG_CFG_SPACE_EXP_SIZE);
		put(self->cfg, 0x100, 4, ext_chains[i].first);
		put(self->cfg, 0x200, 4, ext_chains[i].second);
		pg_cfg_describe(self->cfg, PG_CFG_SPACE_EXP_SIZE, 0x104, buf,
				sizeof(buf));
		EXPECT_NE(0U, strlen(buf)) TH_LOG("%s", ext_chains[i].what);
	}
}

TEST_HARNESS_MAIN
