// SPDX-License-Identifier: GPL-2.0
/*
 * Naming the module's enums for people and scripts, and the device list.
 */
#include <stdlib.h>
#include <string.h>

#include "device.h"

void pg_devlist_free(struct pg_devlist *list)
{
	free(list->dev);
	list->dev = NULL;
	list->n = 0;
}

const struct pg_dev *pg_devlist_find(const struct pg_devlist *list,
				     const struct pg_bdf *bdf)
{
	for (size_t i = 0; i < list->n; i++) {
		const struct pg_bdf *b = &list->dev[i].bdf;

		if (b->domain == bdf->domain && b->bus == bdf->bus &&
		    b->slot == bdf->slot && b->function == bdf->function)
			return &list->dev[i];
	}
	return NULL;
}

const char *pg_state_name(uint32_t state)
{
	switch (state) {
	case PCIGUARD_STATE_HOST:
		return "host";
	}
	return "unknown";
}

/* The names sysfs reset_method uses, so output can be compared with it. */
static const char *const reset_names[__PCIGUARD_RESET_MAX] = {
	[PCIGUARD_RESET_DEVICE_SPECIFIC] = "device_specific",
	[PCIGUARD_RESET_ACPI] = "acpi",
	[PCIGUARD_RESET_FLR] = "flr",
	[PCIGUARD_RESET_AF_FLR] = "af_flr",
	[PCIGUARD_RESET_PM] = "pm",
	[PCIGUARD_RESET_BUS] = "bus",
};

static const char *const reset_descs[__PCIGUARD_RESET_MAX] = {
	[PCIGUARD_RESET_DEVICE_SPECIFIC] = "device-specific reset quirk",
	[PCIGUARD_RESET_ACPI] = "ACPI _RST method",
	[PCIGUARD_RESET_FLR] = "PCIe Function Level Reset",
	[PCIGUARD_RESET_AF_FLR] = "Advanced Features FLR",
	[PCIGUARD_RESET_PM] = "power-management reset, D3hot to D0",
	[PCIGUARD_RESET_BUS] =
		"secondary bus or slot reset, hits every device behind the parent bridge",
};

const char *pg_reset_name(uint32_t method)
{
	if (method < __PCIGUARD_RESET_MAX && reset_names[method])
		return reset_names[method];
	return "unknown";
}

const char *pg_reset_desc(uint32_t method)
{
	if (method < __PCIGUARD_RESET_MAX && reset_descs[method])
		return reset_descs[method];
	return "reset method unknown to this pciguard";
}

/* The method the kernel tries first, or "none". */
const char *pg_best_reset(const struct pg_dev *dev)
{
	return dev->nr_reset ? pg_reset_name(dev->reset[0]) : "none";
}
