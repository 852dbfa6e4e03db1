// SPDX-License-Identifier: GPL-2.0
/*
 * pciguard release --to-host [--force] BDF...
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netlink.h"
#include "persist.h"
#include "pciguard.h"
#include "subcommands.h"

static const char release_usage[] =
	"Usage: pciguard release --to-host [--force] BDF...\n"
	"\n"
	"Give PCI devices in pciguard's custody back to dom0: reset each, clear\n"
	"the override and bind the driver it had (else the one that matches).\n"
	"All or nothing.\n"
	"  -t, --to-host  required: dom0 will drive the devices again\n"
	"  -f, --force    release even a device whose reset fails\n";

/*
 * dom0 has the device back but no loaded driver took it: load the module
 * its modalias names, as udev does for a new device, and probe it. The
 * kernel leaves this to us (it must not load modules under the genetlink
 * lock). Best effort: the caller reports what is bound afterwards.
 */
static void load_dom0_driver(const char *bdf)
{
	char path[256], alias[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/modalias",
		 pg_sysfs(), bdf);
	f = fopen(path, "r");
	if (!f)
		return;
	if (!fgets(alias, sizeof(alias), f)) {
		fclose(f);
		return;
	}
	fclose(f);
	alias[strcspn(alias, "\n")] = '\0';

	pg_modprobe(alias);

	snprintf(path, sizeof(path), "%s/bus/pci/drivers_probe", pg_sysfs());
	f = fopen(path, "w");
	if (f) {
		fputs(bdf, f);
		fclose(f);	/* fails with ENODEV when no driver matches */
	}
}

int release_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to-host", no_argument, NULL, 't' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct pg_devlist list = { 0 };
	bool force = false, to_host = false;
	struct pg_bdf *bdfs = NULL;
	struct pg_nl *nl = NULL;
	int c, ret = PG_EXIT_ERR;
	size_t n, i;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "tfh", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			to_host = true;
			break;
		case 'f':
			force = true;
			break;
		case 'h':
			fputs(release_usage, stdout);
			return PG_EXIT_OK;
		default:
			return pg_usage_err(release_usage,
					    "release: unknown option '%s'",
					    argv[optind - 1]);
		}
	}
	ret = pg_parse_bdf_args(argc, argv, release_usage, "release", &bdfs);
	if (ret < 0)
		return -ret;
	n = ret;
	ret = PG_EXIT_ERR;

	if (!to_host) {
		pg_err("not releasing %s%s: a device in custody may have been "
		       "used by a guest, and a guest less trusted than dom0 can "
		       "leave it in a state that attacks dom0 once a dom0 "
		       "driver takes it (firmware, DMA set-up, option ROM).",
		       argv[optind], n > 1 ? " and the others" : "");
		fprintf(stderr,
			"The safer way back is a reboot, which ends runtime "
			"custody (if pciguard.hide= names the device, take it "
			"off first).\n"
			"To give it to dom0 now, say so: pciguard release "
			"--to-host");
		for (i = 0; i < n; i++)
			fprintf(stderr, " %s", argv[optind + i]);
		fputc('\n', stderr);
		free(bdfs);
		return PG_EXIT_ERR;
	}

	if (pg_require_admin("release", bdfs, n) || pg_nl_open(&nl)) {
		free(bdfs);
		return PG_EXIT_ERR;
	}
	if (pg_nl_dev_dump(nl, &list))
		goto out;
	for (i = 0; i < n; i++) {
		const struct pg_dev *d = pg_devlist_find(&list, &bdfs[i]);
		char name[PG_BDF_STRLEN];

		pg_bdf_format(name, sizeof(name), &bdfs[i]);
		if (!d) {
			pg_err("cannot release %s: there is no PCI device at "
			       "that address and pciguard has no custody of it",
			       name);
			goto out;
		}
		if (d->state == PCIGUARD_STATE_HOST) {
			if (d->driver[0])
				pg_err("cannot release %s: it is not in "
				       "pciguard's custody; dom0 drives it "
				       "with %s", name, d->driver);
			else
				pg_err("cannot release %s: it is not in "
				       "pciguard's custody", name);
			goto out;
		}
		/*
		 * The module refuses this too, but only after xl ran below:
		 * for an assigned device no guest runs with, Xen holds it in
		 * its quarantine and "xl pci-assignable-remove" would
		 * unbind it from pciback, back to quarantine, where the
		 * release would find it and let it go without a detach.
		 */
		if (d->state == PCIGUARD_STATE_ASSIGNED) {
			pg_err("cannot release %s: device is assigned to a "
			       "guest: detach it first, it comes back to "
			       "quarantine", name);
			goto out;
		}
	}

	/*
	 * Under Xen, a device that was in a guest is still in Xen's
	 * quarantine: dom0's driver would get no interrupts from it.
	 */
	for (i = 0; i < n; i++) {
		const struct pg_dev *d = pg_devlist_find(&list, &bdfs[i]);

		if (!d->absent && pg_xen_dequarantine(d->bdf_str) < 0)
			goto out;
	}

	if (pg_nl_dev_release(nl, bdfs, n,
			      PG_OP_TO_HOST | (force ? PG_OP_FORCE : 0)))
		goto out;

	for (i = 0; i < n; i++) {
		const struct pg_dev *before = pg_devlist_find(&list, &bdfs[i]);
		struct pg_dev d;

		if (before->absent) {
			printf("%s: custody entry dropped (the device is "
			       "absent)\n", before->bdf_str);
			continue;
		}
		if (pg_nl_dev_get(nl, &bdfs[i], &d))
			goto out;
		if (!d.driver[0]) {
			load_dom0_driver(d.bdf_str);
			if (pg_nl_dev_get(nl, &bdfs[i], &d))
				goto out;
		}
		if (d.driver[0])
			printf("%s: released to dom0, now driven by %s\n",
			       d.bdf_str, d.driver);
		else
			printf("%s: released to dom0; no dom0 driver bound it\n",
			       d.bdf_str);
	}
	pg_persist_note(bdfs, n);
	ret = PG_EXIT_OK;
out:
	pg_devlist_free(&list);
	pg_nl_close(nl);
	free(bdfs);
	return ret;
}
