/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The handoff gate's reasoning: which reset a device would get, who else
 * that reset hits, which devices must move with it, and whether a handoff
 * of a given set of devices is safe. Pure C over plain facts, shared by
 * the module (which gathers the facts from struct pci_dev and enforces the
 * verdict), the CLI and the unit tests.
 */
#ifndef _PCIGUARD_GATE_H
#define _PCIGUARD_GATE_H

#include "bdf.h"
#include "compat.h"
#include "uapi/pciguard.h"

/* Most devices the gate reasons about at once (the whole topology). */
#define PG_GATE_MAX_DEVS	1024

/* Most devices a verdict lists as hit by a reset, or as missing. */
#define PG_GATE_MAX_SET		32

/* Device/function numbers on a bus, and the u32 words a bitmap of them takes. */
#define PG_GATE_DEVFNS		256
#define PG_GATE_DEVFN_WORDS	(PG_GATE_DEVFNS / 32)

/**
 * struct pg_gate_dev - what the gate knows about one PCI device
 * @bdf: its address
 * @parent: index of its upstream bridge in the array, -1 on a root bus
 * @bridge: it forwards to a secondary bus (or is a host bridge): never
 *	handed over, never a co-assignment member
 * @func_reset: enum pciguard_reset_method of the first method that resets
 *	this function alone (device specific, ACPI, FLR, AF FLR, PM), or
 *	PCIGUARD_RESET_UNSPEC when there is none
 * @bus_reset: its parent bridge can reset the secondary bus
 * @iommu_group: its IOMMU group, or -1
 * @requested: part of the handoff being judged
 * @dma_parent: index of the bridge its DMA goes up through: @parent, but
 *	past a virtual bus (one with no bridge of its own, where SR-IOV VFs
 *	beyond their PF's bus sit); -1 on a root bus
 * @rid_alias: (bridge) DMA from below it reaches the IOMMU with a requester
 *	ID the bridge owns (Linux's pci_for_each_dma_alias()): a PCIe-to-PCI
 *	or PCI-X bridge uses its secondary bus and devfn 0, a conventional
 *	PCI or a PCI-to-PCIe bridge its own ID, so every device below it
 *	shares its group
 * @acs: ACS isolates it, as Linux's pci_acs_enabled() with SV, RR, CR and
 *	UF says (without its device-specific quirks): a root or downstream
 *	port, or a PCIe function of a multifunction device, whose ACS
 *	capability has every one of those it implements enabled; always a
 *	single-function PCIe endpoint or upstream port; never conventional
 *	PCI, nor a PCIe-to-PCI bridge
 * @multifunction: a function of a multifunction device; unless it has
 *	@acs, it shares its group with every function of its slot without @acs
 * @dma_aliases: the devfns on its bus whose requester IDs it also uses
 *	(Linux's pci_dev.dma_alias_mask, set by quirks): bit devfn % 32 of
 *	word devfn / 32; it shares its group with the devices there
 *
 * @dma_parent to @dma_aliases are read by pg_gate_synth_groups() only, and
 * only its caller needs to fill them.
 */
struct pg_gate_dev {
	struct pg_bdf bdf;
	int parent;
	bool bridge;
	u8 func_reset;
	bool bus_reset;
	int iommu_group;
	bool requested;
	int dma_parent;
	bool rid_alias;
	bool acs;
	bool multifunction;
	u32 dma_aliases[PG_GATE_DEVFN_WORDS];
};

/* Why a handoff is not safe: enum pciguard_problem bits. */
#define PG_GATE_NO_RESET	PCIGUARD_PROBLEM_NO_RESET
#define PG_GATE_RESET_SPLIT	PCIGUARD_PROBLEM_RESET_SPLIT
#define PG_GATE_GROUP_SPLIT	PCIGUARD_PROBLEM_GROUP_SPLIT

/**
 * struct pg_gate_verdict - the gate's answer for one device
 * @reset: enum pciguard_reset_method pciguard would use: the function
 *	reset, else PCIGUARD_RESET_BUS, else PCIGUARD_RESET_UNSPEC (none)
 * @hits: indexes of the other devices that reset also resets
 * @n_hits: valid entries in @hits
 * @missing: indexes of devices that must move with this one and are not
 *	in the request (same IOMMU group, or hit by its only reset)
 * @n_missing: valid entries in @missing
 * @problems: PG_GATE_* bits; 0 when the handoff is strict
 * @ok: the handoff may go ahead: no problems, or no-strict-reset given
 */
struct pg_gate_verdict {
	u8 reset;
	u16 hits[PG_GATE_MAX_SET];
	unsigned int n_hits;
	u16 missing[PG_GATE_MAX_SET];
	unsigned int n_missing;
	u32 problems;
	bool ok;
};

void pg_gate_judge(const struct pg_gate_dev *devs, unsigned int n,
		   unsigned int idx, bool no_strict_reset,
		   struct pg_gate_verdict *v);
void pg_gate_synth_groups(struct pg_gate_dev *devs, unsigned int n);

#endif /* _PCIGUARD_GATE_H */
