// SPDX-License-Identifier: GPL-2.0
/*
 * pciguard list [--all] [--json]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pciguard.h"
#include "subcommands.h"

static const char list_usage[] =
	"Usage: pciguard list [--all] [--json]\n"
	"\n"
	"List the PCI devices pciguard manages.\n"
	"  -a, --all    every PCI device in the system\n"
	"  -j, --json   JSON output (see pciguard(8), JSON OUTPUT)\n";

static bool managed(const struct pg_dev *d)
{
	return d->state != PCIGUARD_STATE_HOST;
}

/* "Ethernet controller: ... [USB bus 1,2]" */
static void describe_with_usb(const struct pg_dev *d, char *buf, size_t len)
{
	int buses[PG_MAX_USB_BUSES];
	int n, i;
	size_t used;

	pg_describe(d, buf, len);
	n = pg_usb_buses_of(d->bdf_str, buses, PG_MAX_USB_BUSES);
	if (!n)
		return;
	used = strlen(buf);
	used += snprintf(buf + used, len - used, " [USB bus");
	for (i = 0; i < n && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%d", i ? "," : " ",
				 buses[i]);
	if (used < len)
		snprintf(buf + used, len - used, "]");
}

static int widest(int w, const char *s)
{
	int l = strlen(s);

	return l > w ? l : w;
}

static const char *or_dash(const char *s)
{
	return s[0] ? s : "-";
}

/* "quarantined", or "assigned:GUEST" for a device a guest has. */
static const char *state_label(const struct pg_dev *d, char *buf, size_t len)
{
	if (d->state != PCIGUARD_STATE_ASSIGNED)
		return pg_state_name(d->state);
	snprintf(buf, len, "assigned:%s", d->guest);
	return buf;
}

static void print_table(const struct pg_devlist *list, bool all)
{
	int wdrv = strlen("DRIVER"), wstate = strlen("STATE");
	int wreset = strlen("RESET"), worig = strlen("ORIGINAL");
	char iommu[16], refused[16], desc[512];
	char label[PCIGUARD_GUEST_NAME_MAX + 16];
	size_t i;

	for (i = 0; i < list->n; i++) {
		const struct pg_dev *d = &list->dev[i];

		if (!all && !managed(d))
			continue;
		wdrv = widest(wdrv, or_dash(d->driver));
		wstate = widest(wstate, state_label(d, label, sizeof(label)));
		wreset = widest(wreset, pg_best_reset(d));
		worig = widest(worig, or_dash(d->orig_driver));
	}
	printf("%-12s  %-*s  %-*s  %-*s  %-7s  %-*s  %-5s  %s\n", "BDF", wdrv,
	       "DRIVER", wstate, "STATE", worig, "ORIGINAL", "REFUSED",
	       wreset, "RESET", "IOMMU", "DEVICE");
	for (i = 0; i < list->n; i++) {
		const struct pg_dev *d = &list->dev[i];

		if (!all && !managed(d))
			continue;
		if (d->has_iommu_group)
			snprintf(iommu, sizeof(iommu), "%u", d->iommu_group);
		else
			snprintf(iommu, sizeof(iommu), "-");
		if (d->in_custody)
			snprintf(refused, sizeof(refused), "%u", d->refused);
		else
			snprintf(refused, sizeof(refused), "-");
		if (d->absent)
			snprintf(desc, sizeof(desc), "(absent: removed from "
				 "the bus; taken again when it returns)");
		else
			describe_with_usb(d, desc, sizeof(desc));
		printf("%-12s  %-*s  %-*s  %-*s  %-7s  %-*s  %-5s  %s\n",
		       d->bdf_str, wdrv, or_dash(d->driver), wstate,
		       state_label(d, label, sizeof(label)), worig,
		       or_dash(d->orig_driver),
		       refused, wreset, d->absent ? "-" : pg_best_reset(d),
		       iommu, desc);
	}
}

/* Devices a Xen guest holds that is not the one they were assigned to. */
static void print_mismatches(const struct pg_devlist *list)
{
	size_t i;

	for (i = 0; i < list->n; i++) {
		const struct pg_dev *d = &list->dev[i];

		if (pg_held_by_other(d))
			pg_err("warning: %s is assigned to %s, but Xen domain "
			       "%d (%s) has it ('pciguard show %s')",
			       d->bdf_str, d->guest, d->xen_domid,
			       d->xen_domain, d->bdf_str);
	}
}

/* Custody pins the module: say which devices, and how to let go. */
static void print_holders(const struct pg_devlist *list)
{
	size_t i, n = 0;

	for (i = 0; i < list->n; i++)
		n += list->dev[i].in_custody;
	if (!n)
		return;
	printf("\nThe pciguard module stays loaded while it holds %zu "
	       "device%s:", n, n == 1 ? "" : "s");
	for (i = 0; i < list->n; i++)
		if (list->dev[i].in_custody)
			printf(" %s", list->dev[i].bdf_str);
	printf(".\n'pciguard release --to-host BDF...' gives them back "
	       "to dom0.\n");
}

static void print_json(const struct pg_devlist *list, bool all)
{
	struct pg_json *j = pg_json_new(stdout);
	size_t i;

	pg_json_arr_begin(j, NULL);
	for (i = 0; i < list->n; i++) {
		if (!all && !managed(&list->dev[i]))
			continue;
		pg_json_newline(j);
		pg_json_obj_begin(j, NULL);
		pg_json_dev(j, &list->dev[i]);
		pg_json_obj_end(j);
	}
	pg_json_newline(j);
	pg_json_arr_end(j);
	pg_json_end(j);
}

int list_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct pg_devlist list = { 0 };
	bool all = false, json = false;
	size_t i, nmanaged = 0;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "ajh", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			all = true;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(list_usage, stdout);
			return PG_EXIT_OK;
		default:
			return pg_usage_err(list_usage, "list: unknown option '%s'",
					    argv[optind - 1]);
		}
	}
	if (optind < argc)
		return pg_usage_err(list_usage, "list: unexpected argument '%s'",
				    argv[optind]);

	if (pg_load_devices(&list))
		return PG_EXIT_ERR;
	for (i = 0; i < list.n; i++)
		nmanaged += managed(&list.dev[i]);

	if (json)
		print_json(&list, all);
	else if (!all && !nmanaged)
		printf("pciguard manages no PCI devices yet. "
		       "'pciguard list --all' shows every PCI device.\n");
	else {
		print_table(&list, all);
		print_holders(&list);
		print_mismatches(&list);
	}
	pg_devlist_free(&list);
	return PG_EXIT_OK;
}
