// SPDX-License-Identifier: GPL-2.0
/*
 * The handoff gate, shared by the module, the CLI and the host tests. No
 * kernel-only calls here: see compat.h.
 *
 * A device "has strict reset" when a function-level method exists, or when
 * its parent bridge can reset the secondary bus and every other device
 * that reset hits moves with it. Devices that must move together: every
 * endpoint in the device's IOMMU group, and, when only a bus reset exists,
 * every endpoint it hits. Bridges are never members: they stay with dom0.
 *
 * Where the kernel has no IOMMU groups although an IOMMU isolates devices
 * (a Xen dom0: Xen owns the IOMMU), pg_gate_synth_groups() stands in for
 * them, grouping devices the way Linux's pci_device_group() would.
 */
#include "gate.h"
#include "uapi/pciguard.h"

/* Is @a at or below the secondary bus of bridge @bridge? */
static bool pg_gate_below(const struct pg_gate_dev *devs, unsigned int n,
			  int a, int bridge)
{
	unsigned int hops = 0;

	for (a = devs[a].parent; a >= 0 && hops < n; a = devs[a].parent) {
		if (a == bridge)
			return true;
		hops++;
	}
	return false;
}

static void pg_gate_add(u16 *set, unsigned int *n, unsigned int max,
			unsigned int idx)
{
	unsigned int i;

	for (i = 0; i < *n; i++)
		if (set[i] == idx)
			return;
	if (*n < max)
		set[(*n)++] = idx;
}

/**
 * pg_gate_judge() - judge the handoff of devs[@idx]
 * @devs: every PCI device, with @requested set on the devices handed over
 * @n: how many
 * @idx: the device to judge
 * @no_strict_reset: the admin accepts a handoff without strict reset
 * @v: the verdict
 */
void pg_gate_judge(const struct pg_gate_dev *devs, unsigned int n,
		   unsigned int idx, bool no_strict_reset,
		   struct pg_gate_verdict *v)
{
	const struct pg_gate_dev *d = &devs[idx];
	unsigned int i;

	memset(v, 0, sizeof(*v));
	if (d->func_reset != PCIGUARD_RESET_UNSPEC)
		v->reset = d->func_reset;
	else if (d->bus_reset && d->parent >= 0)
		v->reset = PCIGUARD_RESET_BUS;
	else
		v->reset = PCIGUARD_RESET_UNSPEC;

	for (i = 0; i < n; i++) {
		const struct pg_gate_dev *o = &devs[i];

		if (i == idx || o->bridge)
			continue;
		if (v->reset == PCIGUARD_RESET_BUS &&
		    pg_gate_below(devs, n, i, d->parent)) {
			pg_gate_add(v->hits, &v->n_hits, ARRAY_SIZE(v->hits), i);
			if (!o->requested) {
				v->problems |= PG_GATE_RESET_SPLIT;
				pg_gate_add(v->missing, &v->n_missing,
					    ARRAY_SIZE(v->missing), i);
			}
		}
		if (d->iommu_group >= 0 && o->iommu_group == d->iommu_group &&
		    !o->requested) {
			v->problems |= PG_GATE_GROUP_SPLIT;
			pg_gate_add(v->missing, &v->n_missing,
				    ARRAY_SIZE(v->missing), i);
		}
	}
	if (v->reset == PCIGUARD_RESET_UNSPEC)
		v->problems |= PG_GATE_NO_RESET;
	v->ok = !v->problems || no_strict_reset;
}

/* The bridge devs[@i]'s DMA goes up through, or -1 (a root bus, or junk). */
static int pg_gate_dma_parent(const struct pg_gate_dev *devs, unsigned int n,
			      int i)
{
	int p = devs[i].dma_parent;

	return p >= 0 && (unsigned int)p < n ? p : -1;
}

/*
 * The first bridge above devs[@i] that gives its DMA a requester ID of its
 * own, or -1. Linux's pci_device_group() takes the group of the first
 * device in pci_for_each_dma_alias()'s walk that has one: that bridge's,
 * which already covers the bridges above it.
 */
static int pg_gate_rid_bridge(const struct pg_gate_dev *devs, unsigned int n,
			      int i)
{
	unsigned int hops;
	int b;

	for (b = pg_gate_dma_parent(devs, n, i), hops = 0; b >= 0 && hops < n;
	     b = pg_gate_dma_parent(devs, n, b), hops++)
		if (devs[b].rid_alias)
			return b;
	return -1;
}

/*
 * Linux's pci_acs_path_enabled(devs[@b], NULL): ACS isolates bridge @b and
 * every bridge above it. A parent loop in corrupt facts isolates nothing.
 */
static bool pg_gate_acs_path(const struct pg_gate_dev *devs, unsigned int n,
			     int b)
{
	unsigned int hops;

	for (hops = 0; b >= 0 && hops < n; hops++) {
		if (!devs[b].acs)
			return false;
		b = pg_gate_dma_parent(devs, n, b);
	}
	return b < 0;
}

static bool pg_gate_same_bus(const struct pg_bdf *a, const struct pg_bdf *b)
{
	return a->domain == b->domain && a->bus == b->bus;
}

/* Does @d use the requester ID of the device at @bdf on its bus? */
static bool pg_gate_dma_alias_of(const struct pg_gate_dev *d,
				 const struct pg_bdf *bdf)
{
	unsigned int devfn = (bdf->slot & 0x1f) << 3 | (bdf->function & 7);

	return d->dma_aliases[devfn / 32] & (1U << (devfn % 32));
}

/* The union-find root of @i; the tree lives in the @iommu_group fields. */
static int pg_gate_find(struct pg_gate_dev *devs, int i)
{
	while (devs[i].iommu_group != i) {
		devs[i].iommu_group = devs[devs[i].iommu_group].iommu_group;
		i = devs[i].iommu_group;
	}
	return i;
}

static void pg_gate_union(struct pg_gate_dev *devs, int a, int b)
{
	a = pg_gate_find(devs, a);
	b = pg_gate_find(devs, b);
	if (a < b)
		devs[b].iommu_group = a;
	else
		devs[a].iommu_group = b;
}

/**
 * pg_gate_synth_groups() - IOMMU groups as Linux's pci_device_group() makes
 * @devs: every PCI device, with the facts from @dma_parent on filled in
 * @n: how many, at most PG_GATE_MAX_DEVS
 *
 * Overwrites every @iommu_group with a synthetic group number (the index
 * of one of the group's devices: only equality means anything). Devices
 * share a group when any of these links them:
 *
 * 1. DMA aliases: a device joins the first bridge above it that gives its
 *    DMA a requester ID of its own (@rid_alias).
 * 2. Upstream bridges without ACS: a device joins its bridge when ACS does
 *    not isolate that bridge and every bridge above it (@acs).
 * 3. Its bus: a device joins the devices whose requester IDs it uses
 *    (@dma_aliases), and a function of a multifunction device without
 *    @acs joins the functions of its slot without @acs.
 *
 * Linux grows its groups one device at a time, taking the first existing
 * group a rule finds; the union of every link is the same partition, or a
 * coarser one for odd topologies, never a finer one. Bridges get groups
 * too (they link their neighbours), although the gate never moves them.
 * Not known here, where they apply the groups can be larger than Linux's:
 * its device-specific ACS quirks (mostly ports that isolate without a
 * standard ACS capability), pci_real_dma_dev() (VMD domains) and
 * PCI_DEV_FLAGS_BRIDGE_XLATE_ROOT (arm64), which ends the alias walk.
 */
void pg_gate_synth_groups(struct pg_gate_dev *devs, unsigned int n)
{
	unsigned int i, j;
	int b;

	for (i = 0; i < n; i++)
		devs[i].iommu_group = i;
	for (i = 0; i < n; i++) {
		const struct pg_gate_dev *d = &devs[i];

		b = pg_gate_rid_bridge(devs, n, i);
		if (b >= 0)
			pg_gate_union(devs, i, b);
		b = pg_gate_dma_parent(devs, n, i);
		if (b >= 0 && !pg_gate_acs_path(devs, n, b))
			pg_gate_union(devs, i, b);
		for (j = 0; j < n; j++) {
			const struct pg_gate_dev *o = &devs[j];

			if (j == i || !pg_gate_same_bus(&d->bdf, &o->bdf))
				continue;
			if (pg_gate_dma_alias_of(d, &o->bdf) ||
			    (d->multifunction && !d->acs && !o->acs &&
			     d->bdf.slot == o->bdf.slot))
				pg_gate_union(devs, i, j);
		}
	}
	for (i = 0; i < n; i++)
		devs[i].iommu_group = pg_gate_find(devs, i);
}
