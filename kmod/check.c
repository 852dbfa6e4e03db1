// SPDX-License-Identifier: GPL-2.0
/*
 * The handoff gate's facts: the topology as kmod/gate.c sees it, gathered
 * from every struct pci_dev, and the verdict for the devices of a request.
 * Nothing here changes a device.
 */
#include <linux/pci.h>
#include <linux/slab.h>
#include <net/netlink.h>
#include <xen/xen.h>

#include "check.h"
#include "custody.h"
#include "devinfo.h"
#include "netlink.h"
#include "policy.h"

/* Every PCI device (with a reference) and its gate facts. */
struct pg_topology {
	unsigned int n;
	struct pci_dev **pdev;
	struct pg_gate_dev *dev;
};

static void pg_topology_put(struct pg_topology *t)
{
	unsigned int i;

	for (i = 0; t->pdev && i < t->n; i++)
		pci_dev_put(t->pdev[i]);
	kvfree(t->pdev);
	kvfree(t->dev);
}

static int pg_topology_index(const struct pg_topology *t, struct pci_dev *pdev)
{
	unsigned int i;

	for (i = 0; pdev && i < t->n; i++)
		if (t->pdev[i] == pdev)
			return i;
	return -1;
}

/* The first method that resets this function alone, or UNSPEC. */
static u8 pg_func_reset(const struct pg_devinfo *info)
{
	unsigned int i;

	for (i = 0; i < info->nr_reset_methods; i++)
		if (info->reset_methods[i] != PCIGUARD_RESET_BUS)
			return info->reset_methods[i];
	return PCIGUARD_RESET_UNSPEC;
}

static bool pg_bus_resettable(struct pci_dev *pdev)
{
	if (pci_is_root_bus(pdev->bus))
		return false;
	if (pdev->slot && !pci_probe_reset_slot(pdev->slot))
		return true;
	return !pci_probe_reset_bus(pdev->bus);
}

/*
 * Are the ACS controls Linux asks of an isolating port (SV, RR, CR, UF)
 * enabled, where @pdev's ACS capability implements them? No capability,
 * or no answer from config space: no.
 */
static bool pg_acs_ctrl_enabled(struct pci_dev *pdev)
{
	u16 flags = PCI_ACS_SV | PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_UF;
	u16 cap, ctrl;
	int pos;

	pos = pci_find_ext_capability(pdev, PCI_EXT_CAP_ID_ACS);
	if (!pos)
		return false;
	if (pci_read_config_word(pdev, pos + PCI_ACS_CAP, &cap) ||
	    pci_read_config_word(pdev, pos + PCI_ACS_CTRL, &ctrl) ||
	    PCI_POSSIBLE_ERROR(cap) || PCI_POSSIBLE_ERROR(ctrl))
		return false;
	flags &= cap;
	return (ctrl & flags) == flags;
}

/*
 * Linux's pci_acs_enabled(@pdev, SV | RR | CR | UF), which is not
 * exported, without its device-specific quirks: does ACS keep @pdev's
 * peers from reaching each other (or @pdev have none to reach)?
 */
static bool pg_acs_isolates(struct pci_dev *pdev)
{
	if (!pci_is_pcie(pdev))
		return false;	/* a conventional bus: everyone snoops */
	switch (pci_pcie_type(pdev)) {
	case PCI_EXP_TYPE_PCIE_BRIDGE:
	case PCI_EXP_TYPE_PCI_BRIDGE:
	case PCI_EXP_TYPE_RC_EC:
		return false;
	case PCI_EXP_TYPE_DOWNSTREAM:
	case PCI_EXP_TYPE_ROOT_PORT:
		return pg_acs_ctrl_enabled(pdev);
	case PCI_EXP_TYPE_ENDPOINT:
	case PCI_EXP_TYPE_UPSTREAM:
	case PCI_EXP_TYPE_LEG_END:
	case PCI_EXP_TYPE_RC_END:
		return !pdev->multifunction || pg_acs_ctrl_enabled(pdev);
	default:
		return true;
	}
}

/*
 * Does DMA from below @bridge reach the IOMMU with a requester ID of the
 * bridge's, as Linux's pci_for_each_dma_alias() (not exported) says?
 */
static bool pg_rid_alias(struct pci_dev *bridge)
{
	if (!pci_is_pcie(bridge))
		return true;
	switch (pci_pcie_type(bridge)) {
	case PCI_EXP_TYPE_PCI_BRIDGE:
	case PCI_EXP_TYPE_PCIE_BRIDGE:
		return true;
	default:
		return false;
	}
}

/* The bridge above @bus, past virtual buses (which have none); root: NULL. */
static struct pci_dev *pg_dma_bridge(struct pci_bus *bus)
{
	while (!bus->self && !pci_is_root_bus(bus))
		bus = bus->parent;
	return bus->self;
}

/*
 * The facts pg_gate_synth_groups() needs, and its groups in place of the
 * kernel's. No lock: what is read here is set when the device is added
 * (dma_alias_mask by quirks then, or by a driver's probe), or is config
 * space, which may change under us as it may under Linux's own grouping.
 */
static void pg_topology_synth(struct pg_topology *t)
{
	unsigned int i, devfn;

	for (i = 0; i < t->n; i++) {
		struct pci_dev *d = t->pdev[i];
		struct pg_gate_dev *g = &t->dev[i];
		unsigned long *aliases = READ_ONCE(d->dma_alias_mask);

		g->dma_parent = pg_topology_index(t, pg_dma_bridge(d->bus));
		g->rid_alias = d->subordinate && pg_rid_alias(d);
		g->acs = pg_acs_isolates(d);
		g->multifunction = d->multifunction;
		memset(g->dma_aliases, 0, sizeof(g->dma_aliases));
		if (aliases)
			for_each_set_bit(devfn, aliases, PG_GATE_DEVFNS)
				g->dma_aliases[devfn / 32] |= 1U << (devfn % 32);
	}
	pg_gate_synth_groups(t->dev, t->n);
}

static int pg_topology_get(struct pg_topology *t)
{
	struct pci_dev *pdev = NULL;
	struct pg_devinfo *info;
	bool no_groups = true;
	unsigned int i;

	memset(t, 0, sizeof(*t));
	t->pdev = kvcalloc(PG_GATE_MAX_DEVS, sizeof(*t->pdev), GFP_KERNEL);
	t->dev = kvcalloc(PG_GATE_MAX_DEVS, sizeof(*t->dev), GFP_KERNEL);
	info = kmalloc(sizeof(*info), GFP_KERNEL);
	if (!t->pdev || !t->dev || !info) {
		kfree(info);
		pg_topology_put(t);
		return -ENOMEM;
	}
	for_each_pci_dev(pdev) {
		if (t->n == PG_GATE_MAX_DEVS) {
			pci_dev_put(pdev);
			break;
		}
		t->pdev[t->n++] = pci_dev_get(pdev);
	}
	for (i = 0; i < t->n; i++) {
		struct pci_dev *d = t->pdev[i];
		struct pg_gate_dev *g = &t->dev[i];

		pg_devinfo_get(d, info);
		g->bdf = info->bdf;
		g->parent = pg_topology_index(t, d->bus->self);
		g->bridge = d->subordinate || d->hdr_type != PCI_HEADER_TYPE_NORMAL ||
			    (d->class >> 8) == PCI_CLASS_BRIDGE_HOST;
		g->func_reset = pg_func_reset(info);
		g->bus_reset = pg_bus_resettable(d);
		g->iommu_group = info->iommu_group;
		if (g->iommu_group >= 0)
			no_groups = false;
	}
	kfree(info);
	/*
	 * In Xen's dom0 Xen owns the IOMMU and Linux makes no groups, but the
	 * IOMMU sees requester IDs all the same: group as Linux would.
	 */
	if (no_groups && xen_initial_domain())
		pg_topology_synth(t);
	return 0;
}

/**
 * pg_check() - the gate's verdict on a handoff of the targets
 * @t: the targets, all present
 * @n: how many
 * @no_strict_reset: the admin accepts a handoff without strict reset
 * @res: one result per target
 * @extack: for a target that can never be handed over (a bridge)
 *
 * Return: 0, or a negative errno with @extack set.
 */
int pg_check(const struct pg_target *t, unsigned int n, bool no_strict_reset,
	     struct pg_check_result *res, struct netlink_ext_ack *extack)
{
	struct pg_custody_facts facts;
	enum pg_custody_verdict cv;
	struct pg_topology topo;
	unsigned int i, k;
	int ret, idx[PCIGUARD_MAX_TARGETS];

	ret = pg_topology_get(&topo);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		/* Whoever drives it now does not matter to the gate. */
		pg_custody_facts_of(t[i].pdev, &facts);
		cv = pg_custody_check(&facts, true);
		if (cv != PG_CUSTODY_OK) {
			pg_nl_set_err(extack, t[i].attr,
				      pg_custody_verdict_msg(cv));
			ret = pg_custody_verdict_errno(cv);
			goto out;
		}
		idx[i] = pg_topology_index(&topo, t[i].pdev);
		if (idx[i] < 0) {
			NL_SET_ERR_MSG_ATTR(extack, t[i].attr,
					    "the device left the bus");
			ret = -ENODEV;
			goto out;
		}
		topo.dev[idx[i]].requested = true;
	}
	for (i = 0; i < n; i++) {
		struct pg_check_result *r = &res[i];
		const struct pg_gate_dev *g = &topo.dev[idx[i]];

		memset(r, 0, sizeof(*r));
		pg_gate_judge(topo.dev, topo.n, idx[i], no_strict_reset, &r->v);
		if (r->v.reset == PCIGUARD_RESET_BUS && g->parent >= 0) {
			r->has_bridge = true;
			r->bridge = topo.dev[g->parent].bdf;
		}
		for (k = 0; k < r->v.n_hits; k++)
			r->hits[k] = topo.dev[r->v.hits[k]].bdf;
		for (k = 0; k < r->v.n_missing; k++)
			r->missing[k] = topo.dev[r->v.missing[k]].bdf;
	}
out:
	pg_topology_put(&topo);
	return ret;
}
