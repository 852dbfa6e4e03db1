// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for kmod/gate.c on the VM rig's reference topology
 * (selftests/vm/README): which reset a device gets, who else it hits, who
 * must move with it, and the verdict. ASan and UBSan.
 */
#include "gate.h"
#include "kselftest_harness.h"
#include "uapi/pciguard.h"

enum {
	HB, VGA, RP10, RP11, RP12, RP13, RP14, LPC, AHCI, SMBUS,
	NET1, E1000E, NET3, RNG3, PCIBR, E1000, BALLOON, XHCI, NDEVS
};

#define BDF(b, s, f) { 0, b, s, f }
#define NONE PCIGUARD_RESET_UNSPEC

static const struct pg_gate_dev reference[NDEVS] = {
	[HB] = { BDF(0, 0, 0), -1, true, NONE, false, 0 },
	[VGA] = { BDF(0, 1, 0), -1, false, NONE, false, 1 },
	[RP10] = { BDF(0, 0x10, 0), -1, true, NONE, false, 2 },
	[RP11] = { BDF(0, 0x11, 0), -1, true, NONE, false, 3 },
	[RP12] = { BDF(0, 0x12, 0), -1, true, NONE, false, 4 },
	[RP13] = { BDF(0, 0x13, 0), -1, true, NONE, false, 5 },
	[RP14] = { BDF(0, 0x14, 0), -1, true, NONE, false, 6 },
	[LPC] = { BDF(0, 0x1f, 0), -1, false, NONE, false, 7 },
	[AHCI] = { BDF(0, 0x1f, 2), -1, false, NONE, false, 7 },
	[SMBUS] = { BDF(0, 0x1f, 3), -1, false, NONE, false, 7 },
	[NET1] = { BDF(1, 0, 0), RP10, false, PCIGUARD_RESET_FLR, true, 8 },
	[E1000E] = { BDF(2, 0, 0), RP11, false, PCIGUARD_RESET_PM, true, 9 },
	[NET3] = { BDF(3, 0, 0), RP12, false, PCIGUARD_RESET_FLR, true, 10 },
	[RNG3] = { BDF(3, 0, 1), RP12, false, PCIGUARD_RESET_FLR, true, 10 },
	[PCIBR] = { BDF(4, 0, 0), RP13, true, PCIGUARD_RESET_PM, true, 11 },
	[E1000] = { BDF(5, 1, 0), PCIBR, false, NONE, true, 11 },
	[BALLOON] = { BDF(5, 2, 0), PCIBR, false, NONE, true, 11 },
	[XHCI] = { BDF(6, 0, 0), RP14, false, NONE, true, 12 },
};

FIXTURE(gate) {
	struct pg_gate_dev devs[NDEVS];
	struct pg_gate_verdict v;
};

FIXTURE_SETUP(gate)
{
	memcpy(self->devs, reference, sizeof(reference));
}

FIXTURE_TEARDOWN(gate)
{
}

static void request(struct pg_gate_dev *devs, int a, int b)
{
	devs[a].requested = true;
	if (b >= 0)
		devs[b].requested = true;
}

TEST_F(gate, flr_device_alone_passes)
{
	request(self->devs, NET1, -1);
	pg_gate_judge(self->devs, NDEVS, NET1, false, &self->v);
	EXPECT_EQ((u8)PCIGUARD_RESET_FLR, self->v.reset);
	EXPECT_EQ(0U, self->v.n_hits);
	EXPECT_EQ(0U, self->v.n_missing);
	EXPECT_EQ(0U, self->v.problems);
	EXPECT_TRUE(self->v.ok);
}

TEST_F(gate, pm_reset_is_function_level)
{
	request(self->devs, E1000E, -1);
	pg_gate_judge(self->devs, NDEVS, E1000E, false, &self->v);
	EXPECT_EQ((u8)PCIGUARD_RESET_PM, self->v.reset);
	EXPECT_TRUE(self->v.ok);
}

TEST_F(gate, device_without_own_reset_needs_its_bus_neighbour)
{
	request(self->devs, BALLOON, -1);
	pg_gate_judge(self->devs, NDEVS, BALLOON, false, &self->v);
	EXPECT_EQ((u8)PCIGUARD_RESET_BUS, self->v.reset);
	ASSERT_EQ(1U, self->v.n_hits);
	EXPECT_EQ((u16)E1000, self->v.hits[0]);
	ASSERT_EQ(1U, self->v.n_missing);
	EXPECT_EQ((u16)E1000, self->v.missing[0]);	/* listed once */
	EXPECT_EQ((u32)(PG_GATE_RESET_SPLIT | PG_GATE_GROUP_SPLIT), self->v.problems);
	EXPECT_FALSE(self->v.ok);
	/* The bridge shares the IOMMU group but stays with dom0. */
	pg_gate_judge(self->devs, NDEVS, BALLOON, true, &self->v);
	EXPECT_TRUE(self->v.ok);
	EXPECT_NE(0U, self->v.problems);	/* still reported */
}

TEST_F(gate, bus_neighbours_together_pass)
{
	request(self->devs, E1000, BALLOON);
	pg_gate_judge(self->devs, NDEVS, E1000, false, &self->v);
	EXPECT_EQ((u8)PCIGUARD_RESET_BUS, self->v.reset);
	ASSERT_EQ(1U, self->v.n_hits);
	EXPECT_EQ((u16)BALLOON, self->v.hits[0]);
	EXPECT_EQ(0U, self->v.n_missing);
	EXPECT_TRUE(self->v.ok);
	pg_gate_judge(self->devs, NDEVS, BALLOON, false, &self->v);
	EXPECT_TRUE(self->v.ok);
}

TEST_F(gate, multifunction_pair_shares_its_group)
{
	request(self->devs, NET3, -1);
	pg_gate_judge(self->devs, NDEVS, NET3, false, &self->v);
	EXPECT_EQ((u8)PCIGUARD_RESET_FLR, self->v.reset);
	EXPECT_EQ(0U, self->v.n_hits);	/* FLR hits only itself */
	ASSERT_EQ(1U, self->v.n_missing);
	EXPECT_EQ((u16)RNG3, self->v.missing[0]);
	EXPECT_EQ((u32)PG_GATE_GROUP_SPLIT, self->v.problems);
	EXPECT_FALSE(self->v.ok);

	request(self->devs, RNG3, -1);
	pg_gate_judge(self->devs, NDEVS, NET3, false, &self->v);
	EXPECT_TRUE(self->v.ok);
}

TEST_F(gate, no_reset_at_all)
{
	/* A root-bus device with no method of its own cannot be reset. */
	request(self->devs, VGA, -1);
	pg_gate_judge(self->devs, NDEVS, VGA, false, &self->v);
	EXPECT_EQ((u8)PCIGUARD_RESET_UNSPEC, self->v.reset);
	EXPECT_EQ((u32)PG_GATE_NO_RESET, self->v.problems);
	EXPECT_FALSE(self->v.ok);
	pg_gate_judge(self->devs, NDEVS, VGA, true, &self->v);
	EXPECT_TRUE(self->v.ok);
}

TEST_F(gate, without_iommu_groups_only_resets_bind)
{
	for (int i = 0; i < NDEVS; i++)
		self->devs[i].iommu_group = -1;
	request(self->devs, NET3, -1);
	pg_gate_judge(self->devs, NDEVS, NET3, false, &self->v);
	EXPECT_TRUE(self->v.ok);	/* FLR: independent functions */
	request(self->devs, XHCI, -1);
	pg_gate_judge(self->devs, NDEVS, XHCI, false, &self->v);
	EXPECT_EQ((u8)PCIGUARD_RESET_BUS, self->v.reset);
	EXPECT_EQ(0U, self->v.n_hits);	/* alone behind its root port */
	EXPECT_TRUE(self->v.ok);
}

TEST_F(gate, parent_loop_terminates)
{
	/* Corrupt facts must not hang the judge. */
	self->devs[PCIBR].parent = E1000;
	self->devs[E1000].parent = PCIBR;
	request(self->devs, BALLOON, -1);
	pg_gate_judge(self->devs, NDEVS, BALLOON, false, &self->v);
	EXPECT_EQ((u8)PCIGUARD_RESET_BUS, self->v.reset);
}

TEST_HARNESS_MAIN
