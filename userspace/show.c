// SPDX-License-Identifier: GPL-2.0
/*
 * pciguard show BDF [--json]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netlink.h"
#include "pciguard.h"
#include "store.h"
#include "subcommands.h"

static const char show_usage[] =
	"Usage: pciguard show BDF [--json]\n"
	"\n"
	"Show everything pciguard knows about one PCI device.\n"
	"BDF is 0000:01:00.0, 01:00.0 or dom0:01_00.0.\n"
	"  -j, --json   JSON output (see pciguard(8), JSON OUTPUT)\n";

static const char *hdr_name(uint8_t t)
{
	switch (t) {
	case 0:
		return "normal";
	case 1:
		return "PCI-to-PCI bridge";
	case 2:
		return "CardBus bridge";
	}
	return "unknown";
}

static bool same_slot(const struct pg_dev *a, const struct pg_dev *b)
{
	return a->bdf.domain == b->bdf.domain && a->bdf.bus == b->bdf.bus &&
	       a->bdf.slot == b->bdf.slot && a->bdf.function != b->bdf.function;
}

/* The custody lines of show: why pciguard holds it, since when, etc. */
static void print_custody(const struct pg_dev *d)
{
	char buf[96];

	if (!d->in_custody)
		return;
	pg_time_format(d->since, buf, sizeof(buf));
	printf("  %-16s %s, since %s\n", "custody",
	       d->custody == PCIGUARD_CUSTODY_BOOT ?
	       "boot (the hide= parameter)" : "runtime (pciguard hide)", buf);
	printf("  %-16s %s\n", "original driver",
	       d->orig_driver[0] ? d->orig_driver :
	       "none (no dom0 driver had it)");
	pg_reset_result(d, buf, sizeof(buf));
	if (d->state != PCIGUARD_STATE_ASSIGNED) {
		printf("  %-16s %s\n", "quarantine reset", buf);
	} else {
		printf("  %-16s %s, through %s%s%s\n", "assigned to", d->guest,
		       pg_backend_name(d->backend),
		       d->permissive ? ", permissive" : "",
		       d->no_strict_reset ? ", no-strict-reset" : "");
		printf("  %-16s %s%s\n", "handoff reset",
		       d->no_strict_reset ?
		       "not required (no-strict-reset); latest reset " : "",
		       buf);
	}
	if (d->refused)
		printf("  %-16s %u (latest: %s)\n", "refused rebinds",
		       d->refused, d->last_refused);
	else
		printf("  %-16s 0\n", "refused rebinds");
}

/*
 * Under Xen: the domain that really has the device (pciback's export),
 * flagged when it is not the guest pciguard assigned the device to.
 */
static void print_xen_holder(const struct pg_dev *d)
{
	if (d->xen_domid < 0) {
		if (d->state == PCIGUARD_STATE_ASSIGNED &&
		    d->backend == PCIGUARD_BACKEND_PCIBACK && pg_xen_dom0())
			printf("  %-16s no guest (waiting on pciback until %s "
			       "starts with it)\n", "held by", d->guest);
		return;
	}
	printf("  %-16s Xen domain %d (%s)\n", "held by", d->xen_domid,
	       d->xen_domain[0] ? d->xen_domain : "name unknown");
	if (pg_held_by_other(d))
		printf("  %-16s assigned to %s, but domain %s has it: take it "
		       "from there (xl pci-detach %s %s) and find out how it "
		       "got there\n", "MISMATCH", d->guest, d->xen_domain,
		       d->xen_domain, d->bdf_str);
}

static void print_human(const struct pg_dev *d, const struct pg_devlist *all,
			const char *violation)
{
	char buf[512];
	int buses[PG_MAX_USB_BUSES];
	unsigned int r;
	int nbuses, i;
	size_t k;

	if (d->absent) {
		printf("%s  (absent: not on the bus now; pciguard takes it "
		       "again when it returns)\n", d->bdf_str);
		printf("  %-16s %s\n", "state", pg_state_name(d->state));
		print_custody(d);
		return;
	}
	printf("%s  %s\n", d->bdf_str, pg_describe(d, buf, sizeof(buf)));
	printf("  %-16s %04x:%04x (subsystem %04x:%04x)\n", "vendor:device",
	       d->vendor, d->device, d->subsys_vendor, d->subsys_device);
	printf("  %-16s %06x (%s)\n", "class", d->class,
	       pg_class_name(d->class, buf, sizeof(buf)));
	printf("  %-16s %02x\n", "revision", d->revision);
	if (d->has_dsn)
		pg_dsn_format(d->dsn, buf, sizeof(buf));
	printf("  %-16s %s\n", "serial number", d->has_dsn ? buf :
	       "none (no Device Serial Number capability)");
	printf("  %-16s %u (%s)\n", "header type", d->hdr_type,
	       hdr_name(d->hdr_type));
	printf("  %-16s %s\n", "multifunction", d->multifunction ? "yes" : "no");
	printf("  %-16s %s\n", "driver", d->driver[0] ? d->driver : "none");
	printf("  %-16s %s\n", "state", pg_state_name(d->state));
	print_custody(d);
	print_xen_holder(d);
	if (d->in_custody)
		pg_cfg_print(d);
	if (violation[0])
		printf("  %-16s %s\n", "VIOLATION", violation);
	if (d->has_iommu_group)
		printf("  %-16s %u\n", "iommu group", d->iommu_group);
	else
		printf("  %-16s none (no IOMMU, or the device is not "
		       "translated)\n", "iommu group");
	if (!d->nr_reset)
		printf("  %-16s none: the kernel cannot reset this device\n",
		       "reset methods");
	for (r = 0; r < d->nr_reset; r++)
		printf("  %-16s %s (%s)\n", r ? "" : "reset methods",
		       pg_reset_name(d->reset[r]), pg_reset_desc(d->reset[r]));
	printf("  %-16s %s\n", "would use", pg_best_reset(d));
	printf("  %-16s %s\n", "FLR advertised",
	       d->flr_capable ? "yes (PCIe DevCap FLReset)" : "no");
	printf("  %-16s %s\n", "parent bridge",
	       d->parent[0] ? d->parent : "none (root bus)");
	printf("  %-16s %s\n", "path", d->path);
	if (d->multifunction) {
		bool first = true;

		for (k = 0; all && k < all->n; k++) {
			if (!same_slot(d, &all->dev[k]))
				continue;
			printf("  %-16s %s  %s\n", first ? "other functions" : "",
			       all->dev[k].bdf_str,
			       pg_describe(&all->dev[k], buf, sizeof(buf)));
			first = false;
		}
	}
	nbuses = pg_usb_buses_of(d->bdf_str, buses, PG_MAX_USB_BUSES);
	if (nbuses) {
		printf("  %-16s", "USB buses");
		for (i = 0; i < nbuses; i++)
			printf("%s%d", i ? ", " : " ", buses[i]);
		printf("\n");
	}
}

static void print_json(const struct pg_dev *d, const struct pg_devlist *all,
		       const char *violation)
{
	struct pg_json *j = pg_json_new(stdout);
	unsigned int r;
	size_t k;

	pg_json_obj_begin(j, NULL);
	pg_json_dev(j, d);
	pg_json_str_or_null(j, "backend_violation",
			    violation[0] ? violation : NULL);
	pg_json_arr_begin(j, "reset_method_descriptions");
	for (r = 0; r < d->nr_reset; r++)
		pg_json_str(j, NULL, pg_reset_desc(d->reset[r]));
	pg_json_arr_end(j);
	pg_json_arr_begin(j, "siblings");
	for (k = 0; d->multifunction && all && k < all->n; k++)
		if (same_slot(d, &all->dev[k]))
			pg_json_str(j, NULL, all->dev[k].bdf_str);
	pg_json_arr_end(j);
	pg_json_obj_end(j);
	pg_json_end(j);
}

int show_main(int argc, char **argv)
{
	char violation[PCIGUARD_VIOLATION_MAX];
	struct pg_devlist all = { 0 };
	struct pg_nl *nl;
	struct pg_bdf bdf;
	struct pg_dev dev;
	bool json = false;
	int ret;

	ret = pg_json_opts(argc, argv, show_usage, &json);
	if (ret >= 0)
		return ret;
	if (optind + 1 != argc)
		return pg_usage_err(show_usage, "%s", optind == argc ?
				    "show: which device? give one BDF" :
				    "show: one BDF at a time");
	if (pg_parse_bdf_arg(argv[optind], &bdf))
		return PG_EXIT_USAGE;

	if (pg_nl_open(&nl))
		return PG_EXIT_ERR;
	ret = pg_nl_dev_get(nl, &bdf, &dev);
	/*
	 * Does xen-pciback apply what the device was assigned with? A
	 * mismatch is reported to the module (by an admin), which counts it
	 * and sends a violation event once per distinct finding.
	 */
	violation[0] = '\0';
	if (!ret && pg_xen_dom0())
		pg_cfg_audit(&dev, violation, sizeof(violation));
	if (!ret && violation[0] && pg_may_admin() &&
	    !pg_nl_dev_violation(nl, &bdf, violation))
		ret = pg_nl_dev_get(nl, &bdf, &dev);
	if (!ret && dev.multifunction)
		ret = pg_nl_dev_dump(nl, &all);
	pg_nl_close(nl);
	if (ret)
		return PG_EXIT_ERR;

	if (json)
		print_json(&dev, &all, violation);
	else
		print_human(&dev, &all, violation);
	pg_devlist_free(&all);
	return PG_EXIT_OK;
}
