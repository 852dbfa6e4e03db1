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
