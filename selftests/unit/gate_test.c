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

/*
 * The virtio-net of the multifunction slot alone is refused for its group,
 * naming the virtio-rng; with it, it passes. Leaves both requested.
 */
static void expect_slot_moves_whole(struct __test_metadata *_metadata,
				    FIXTURE_DATA(gate) *self)
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

TEST_F(gate, multifunction_pair_shares_its_group)
{
	expect_slot_moves_whole(_metadata, self);
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

/*
 * The synthetic groups (a Xen dom0, where Linux has none) from the facts
 * the reference topology's devices give: ACS on the root ports, none on
 * the multifunction slots, a PCIe-to-PCI bridge. See selftests/vm/README.
 */
static void synth_facts(struct pg_gate_dev *devs)
{
	static const int mf[] = { LPC, AHCI, SMBUS, NET3, RNG3 };
	static const int pcie_1fn[] = {
		RP10, RP11, RP12, RP13, RP14, NET1, E1000E, XHCI
	};
	unsigned int i;

	for (i = 0; i < NDEVS; i++) {
		devs[i].iommu_group = -1;
		devs[i].dma_parent = devs[i].parent;
	}
	for (i = 0; i < ARRAY_SIZE(mf); i++)
		devs[mf[i]].multifunction = true;
	for (i = 0; i < ARRAY_SIZE(pcie_1fn); i++)
		devs[pcie_1fn[i]].acs = true;
	devs[PCIBR].rid_alias = true;
}

static bool same_group(const struct pg_gate_dev *devs, int a, int b)
{
	return devs[a].iommu_group == devs[b].iommu_group;
}

/* Is @a alone in its group (bridges included)? */
static bool alone(const struct pg_gate_dev *devs, unsigned int n, int a)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if ((int)i != a && same_group(devs, a, i))
			return false;
	return true;
}

TEST_F(gate, synth_groups_are_linux_groups_on_reference)
{
	int i, j;

	synth_facts(self->devs);
	pg_gate_synth_groups(self->devs, NDEVS);
	for (i = 0; i < NDEVS; i++) {
		EXPECT_LE(0, self->devs[i].iommu_group);
		for (j = 0; j < NDEVS; j++)
			EXPECT_EQ(reference[i].iommu_group ==
				  reference[j].iommu_group,
				  same_group(self->devs, i, j)) {
				TH_LOG("%d and %d", i, j);
			}
	}
	EXPECT_TRUE(same_group(self->devs, NET3, RNG3));
	EXPECT_TRUE(same_group(self->devs, E1000, BALLOON));
	EXPECT_TRUE(same_group(self->devs, E1000, PCIBR));
	EXPECT_TRUE(alone(self->devs, NDEVS, NET1));
	EXPECT_TRUE(alone(self->devs, NDEVS, E1000E));
	EXPECT_TRUE(alone(self->devs, NDEVS, XHCI));
}

TEST_F(gate, synth_groups_split_the_multifunction_slot)
{
	synth_facts(self->devs);
	pg_gate_synth_groups(self->devs, NDEVS);
	expect_slot_moves_whole(_metadata, self);

	request(self->devs, BALLOON, -1);
	pg_gate_judge(self->devs, NDEVS, BALLOON, false, &self->v);
	ASSERT_EQ(1U, self->v.n_missing);
	EXPECT_EQ((u16)E1000, self->v.missing[0]);
	EXPECT_EQ((u32)(PG_GATE_RESET_SPLIT | PG_GATE_GROUP_SPLIT),
		  self->v.problems);

	request(self->devs, NET1, -1);
	pg_gate_judge(self->devs, NDEVS, NET1, false, &self->v);
	EXPECT_EQ(0U, self->v.problems);
	EXPECT_TRUE(self->v.ok);
}

TEST_F(gate, synth_requester_id_alias_groups_despite_acs)
{
	/*
	 * Conventional PCI requests reach the IOMMU as 05:00.0, the bridge's,
	 * even were the bridge to isolate (as a quirk might claim).
	 */
	synth_facts(self->devs);
	self->devs[PCIBR].acs = true;
	pg_gate_synth_groups(self->devs, NDEVS);
	EXPECT_TRUE(same_group(self->devs, E1000, BALLOON));
	EXPECT_TRUE(same_group(self->devs, E1000, PCIBR));

	self->devs[PCIBR].rid_alias = false;
	pg_gate_synth_groups(self->devs, NDEVS);
	EXPECT_FALSE(same_group(self->devs, E1000, BALLOON));
}

TEST_F(gate, synth_root_port_without_acs_groups_its_endpoints)
{
	/* Both functions isolate themselves, but their root port does not. */
	synth_facts(self->devs);
	self->devs[NET3].acs = true;
	self->devs[RNG3].acs = true;
	pg_gate_synth_groups(self->devs, NDEVS);
	EXPECT_FALSE(same_group(self->devs, NET3, RNG3));

	self->devs[RP12].acs = false;
	pg_gate_synth_groups(self->devs, NDEVS);
	EXPECT_TRUE(same_group(self->devs, NET3, RNG3));
	EXPECT_TRUE(same_group(self->devs, NET3, RP12));
	EXPECT_TRUE(alone(self->devs, NDEVS, NET1));
	request(self->devs, RNG3, -1);
	pg_gate_judge(self->devs, NDEVS, RNG3, false, &self->v);
	ASSERT_EQ(1U, self->v.n_missing);	/* not the root port */
	EXPECT_EQ((u16)NET3, self->v.missing[0]);
	EXPECT_EQ((u32)PG_GATE_GROUP_SPLIT, self->v.problems);
}

TEST_F(gate, synth_multifunction_function_with_acs_stays_alone)
{
	synth_facts(self->devs);
	self->devs[NET3].acs = true;
	pg_gate_synth_groups(self->devs, NDEVS);
	EXPECT_TRUE(alone(self->devs, NDEVS, NET3));
	EXPECT_TRUE(alone(self->devs, NDEVS, RNG3));	/* no peer lacks ACS */
	request(self->devs, NET3, -1);
	pg_gate_judge(self->devs, NDEVS, NET3, false, &self->v);
	EXPECT_EQ(0U, self->v.problems);
	EXPECT_TRUE(self->v.ok);
}

/*
 * A switch: root port 00:1c.0 -> upstream port 01:00.0 -> downstream ports
 * 02:00.0 (-> 03:00.0 + 03:00.1) and 02:01.0 (-> 04:00.0, whose SR-IOV VF
 * sits on virtual bus 05, behind 02:01.0 but on no bridge's bus).
 */
enum { S_RP, S_USP, S_DSP1, S_DSP2, S_EP1, S_EP1F1, S_EP2, S_VF, S_NDEVS };

static const struct pg_gate_dev switched[S_NDEVS] = {
	[S_RP] = { BDF(0, 0x1c, 0), -1, true, .dma_parent = -1, .acs = true },
	[S_USP] = { BDF(1, 0, 0), S_RP, true, .dma_parent = S_RP, .acs = true },
	[S_DSP1] = { BDF(2, 0, 0), S_USP, true, .dma_parent = S_USP,
		     .acs = true },
	[S_DSP2] = { BDF(2, 1, 0), S_USP, true, .dma_parent = S_USP,
		     .acs = true },
	[S_EP1] = { BDF(3, 0, 0), S_DSP1, false, PCIGUARD_RESET_FLR,
		    .dma_parent = S_DSP1, .acs = true, .multifunction = true },
	[S_EP1F1] = { BDF(3, 0, 1), S_DSP1, false, PCIGUARD_RESET_FLR,
		      .dma_parent = S_DSP1, .acs = true,
		      .multifunction = true },
	[S_EP2] = { BDF(4, 0, 0), S_DSP2, false, PCIGUARD_RESET_FLR,
		    .dma_parent = S_DSP2, .acs = true },
	[S_VF] = { BDF(5, 0, 0), -1, false, PCIGUARD_RESET_FLR,
		   .dma_parent = S_DSP2, .acs = true },
};

TEST(synth_acs_must_hold_all_the_way_up)
{
	struct pg_gate_dev devs[S_NDEVS];

	memcpy(devs, switched, sizeof(devs));
	pg_gate_synth_groups(devs, S_NDEVS);
	EXPECT_TRUE(alone(devs, S_NDEVS, S_EP1));
	EXPECT_TRUE(alone(devs, S_NDEVS, S_EP1F1));
	EXPECT_TRUE(alone(devs, S_NDEVS, S_EP2));
	EXPECT_TRUE(alone(devs, S_NDEVS, S_VF));

	/* The downstream ports isolate, the root port above them does not. */
	devs[S_RP].acs = false;
	pg_gate_synth_groups(devs, S_NDEVS);
	EXPECT_TRUE(same_group(devs, S_EP1, S_EP1F1));
	EXPECT_TRUE(same_group(devs, S_EP1, S_EP2));
	EXPECT_TRUE(same_group(devs, S_EP1, S_VF));

	devs[S_RP].acs = true;
	devs[S_DSP2].acs = false;
	pg_gate_synth_groups(devs, S_NDEVS);
	EXPECT_TRUE(same_group(devs, S_EP2, S_VF));	/* past the virtual bus */
	EXPECT_FALSE(same_group(devs, S_EP1, S_EP2));
	EXPECT_FALSE(same_group(devs, S_EP1, S_EP1F1));
}

TEST(synth_dma_alias_quirk_joins_its_bus_neighbour)
{
	struct pg_gate_dev devs[S_NDEVS];

	memcpy(devs, switched, sizeof(devs));
	devs[S_EP1].dma_aliases[(0 << 3 | 1) / 32] |= 1U << (0 << 3 | 1);
	pg_gate_synth_groups(devs, S_NDEVS);
	EXPECT_TRUE(same_group(devs, S_EP1, S_EP1F1));
	EXPECT_FALSE(same_group(devs, S_EP1, S_EP2));

	/* The same devfn on another bus is someone else. */
	memcpy(devs, switched, sizeof(devs));
	devs[S_EP2].dma_aliases[0] |= 1U << 1;
	pg_gate_synth_groups(devs, S_NDEVS);
	EXPECT_TRUE(alone(devs, S_NDEVS, S_EP1F1));
}

TEST(synth_parent_loop_terminates)
{
	struct pg_gate_dev devs[S_NDEVS];

	memcpy(devs, switched, sizeof(devs));
	devs[S_RP].dma_parent = S_DSP1;	/* corrupt facts */
	devs[S_USP].rid_alias = false;
	devs[S_EP2].dma_parent = S_NDEVS + 7;	/* out of range: a root bus */
	pg_gate_synth_groups(devs, S_NDEVS);
	/* A loop isolates nothing: everything below it is one group. */
	EXPECT_TRUE(same_group(devs, S_EP1, S_VF));
	EXPECT_TRUE(alone(devs, S_NDEVS, S_EP2));
}

TEST_HARNESS_MAIN
