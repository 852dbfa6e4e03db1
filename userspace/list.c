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

static void print_table(const struct pg_devlist *list, bool all)
{
	int wdrv = strlen("DRIVER"), wstate = strlen("STATE");
	int wreset = strlen("RESET");
	char iommu[16], desc[512];
	size_t i;

	for (i = 0; i < list->n; i++) {
		const struct pg_dev *d = &list->dev[i];
		int l;

		if (!all && !managed(d))
			continue;
		l = d->driver[0] ? (int)strlen(d->driver) : 1;
		wdrv = l > wdrv ? l : wdrv;
		l = strlen(pg_state_name(d->state));
		wstate = l > wstate ? l : wstate;
		l = strlen(pg_best_reset(d));
		wreset = l > wreset ? l : wreset;
	}
	printf("%-12s  %-*s  %-*s  %-*s  %-5s  %s\n", "BDF", wdrv, "DRIVER",
	       wstate, "STATE", wreset, "RESET", "IOMMU", "DEVICE");
	for (i = 0; i < list->n; i++) {
		const struct pg_dev *d = &list->dev[i];

		if (!all && !managed(d))
			continue;
		if (d->has_iommu_group)
			snprintf(iommu, sizeof(iommu), "%u", d->iommu_group);
		else
			snprintf(iommu, sizeof(iommu), "-");
		describe_with_usb(d, desc, sizeof(desc));
		printf("%-12s  %-*s  %-*s  %-*s  %-5s  %s\n", d->bdf_str, wdrv,
		       d->driver[0] ? d->driver : "-", wstate,
		       pg_state_name(d->state), wreset, pg_best_reset(d),
		       iommu, desc);
	}
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
	else
		print_table(&list, all);
	pg_devlist_free(&list);
	return PG_EXIT_OK;
}
