// SPDX-License-Identifier: GPL-2.0
/*
 * pciguard hide [--force] [--persistent] BDF...
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netlink.h"
#include "persist.h"
#include "pciguard.h"
#include "policy.h"
#include "subcommands.h"

static const char hide_usage[] =
	"Usage: pciguard hide [--force] [--persistent] BDF...\n"
	"\n"
	"Take PCI devices into pciguard's custody (quarantine): unbind them\n"
	"from their dom0 driver, pin them to pciguard so that no dom0 driver\n"
	"can bind them, turn bus mastering off and reset them. All or nothing.\n"
	"  -f, --force       also take storage and display controllers dom0\n"
	"                    drives\n"
	"  -p, --persistent  also at every boot: save them in the store\n"
	"                    (pciguard restore, pciguard cmdline)\n";

/* Devices whose parent bridge is @bridge, as "a, b, c" into @buf. */
static void devices_behind(const struct pg_devlist *list, const char *bridge,
			   char *buf, size_t len)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < list->n && used < len; i++) {
		if (strcmp(list->dev[i].parent, bridge))
			continue;
		used += snprintf(buf + used, len - used, "%s%s",
				 used ? ", " : "", list->dev[i].bdf_str);
	}
}

/**
 * pg_in_guest_err() - say that a Xen guest uses @d, so @verb must wait
 * @d: the device; its xen_domid is a guest's
 * @verb: the command, for the message
 */
void pg_in_guest_err(const struct pg_dev *d, const char *verb)
{
	const char *name = d->xen_domain[0] ? d->xen_domain : NULL;

	pg_err("cannot %s %s: Xen domain %d (%s) is using it now; shut that "
	       "guest down or detach the device from it (xl pci-detach %s "
	       "%s) first", verb, d->bdf_str, d->xen_domid,
	       name ? name : "name unknown", name ? name : "DOMAIN",
	       d->bdf_str);
}

/* Explain why pciguard will not take @d; the kernel says the same. */
static void explain(const struct pg_devlist *list, const struct pg_dev *d,
		    enum pg_custody_verdict v, const char *verb)
{
	char behind[512];

	switch (v) {
	case PG_CUSTODY_HOST_BRIDGE:
		pg_err("cannot %s %s: it is a host bridge, part of the "
		       "platform; it cannot go to a guest", verb, d->bdf_str);
		break;
	case PG_CUSTODY_BRIDGE:
		devices_behind(list, d->bdf_str, behind, sizeof(behind));
		pg_err("cannot %s %s: it is a PCI-to-PCI bridge or root port, "
		       "and a guest given it would get every device behind it; "
		       "hide the devices behind it instead: %s", verb, d->bdf_str,
		       behind[0] ? behind : "(none present now)");
		break;
	case PG_CUSTODY_HEADER:
		pg_err("cannot %s %s: its configuration header is type %u "
		       "(bridge or CardBus); only type 0 endpoints can go to a "
		       "guest", verb, d->bdf_str, d->hdr_type);
		break;
	case PG_CUSTODY_STORAGE:
		pg_err("cannot %s %s: dom0 drives it with %s as a storage "
		       "controller and may lose its disks (even its root file "
		       "system); if dom0 does not need it, run again with "
		       "--force", verb, d->bdf_str, d->driver);
		break;
	case PG_CUSTODY_DISPLAY:
		pg_err("cannot %s %s: dom0 drives it with %s as a display "
		       "controller and may lose its console; if dom0 does not "
		       "need it, run again with --force", verb,
		       d->bdf_str, d->driver);
		break;
	case PG_CUSTODY_BACKEND:
		pg_err("cannot %s %s: it is bound to the guest backend %s, set "
		       "up without pciguard, and a guest may be using it; "
		       "detach it from the guest first (xl pci-detach, virsh "
		       "detach-device), then run again with --force", verb,
		       d->bdf_str, d->driver);
		break;
	case PG_CUSTODY_IN_GUEST:
		pg_in_guest_err(d, verb);
		break;
	case PG_CUSTODY_OK:
		break;
	}
}

/**
 * pg_custody_precheck() - would the module take these devices into custody?
 * @list: every device, from the module
 * @bdfs: the devices asked for
 * @n: how many
 * @force: as for hide --force
 * @verb: the command, for messages ("hide", "assign")
 *
 * Checks every device before anything changes, with the module's own
 * policy, and explains a refusal in full (the module says it briefly).
 *
 * Return: 0, or -1 after printing the first refusal.
 */
int pg_custody_precheck(const struct pg_devlist *list,
			const struct pg_bdf *bdfs, size_t n, bool force,
			const char *verb)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		const struct pg_dev *d = pg_devlist_find(list, &bdfs[i]);
		struct pg_custody_facts f;
		enum pg_custody_verdict v;
		char name[PG_BDF_STRLEN];

		if (!d || d->absent) {
			pg_bdf_format(name, sizeof(name), &bdfs[i]);
			pg_err("cannot %s %s: there is no PCI device at that "
			       "address ('pciguard list --all' lists them)",
			       verb, name);
			return -1;
		}
		if (d->state != PCIGUARD_STATE_HOST)
			continue;
		f.class = d->class;
		f.hdr_type = d->hdr_type;
		/* The kernel knows the secondary bus; children say it too. */
		f.has_subordinate = false;
		for (k = 0; k < list->n; k++)
			if (!strcmp(list->dev[k].parent, d->bdf_str))
				f.has_subordinate = true;
		f.bound = d->driver[0] != '\0';
		f.backend = f.bound && pg_is_backend_driver(d->driver);
		f.in_guest = d->xen_domid > 0;
		v = pg_custody_check(&f, force);
		if (v != PG_CUSTODY_OK) {
			explain(list, d, v, verb);
			return -1;
		}
	}
	return 0;
}

/**
 * pg_hide() - take devices into custody, all or none, as hide does
 * @nl: the module
 * @list: every device, from the module, before the change
 * @bdfs: the devices
 * @n: how many
 * @force: as hide --force
 * @quiet: print no line per device (restore prints its own)
 *
 * Return: 0, or -1 after printing why nothing changed.
 */
int pg_hide(struct pg_nl *nl, const struct pg_devlist *list,
	    const struct pg_bdf *bdfs, size_t n, bool force, bool quiet)
{
	char res[96];
	int *changed;
	size_t i;
	int ret = -1;

	changed = calloc(n, sizeof(*changed));
	if (!changed) {
		pg_err("out of memory");
		return -1;
	}
	/* Check every device first: nothing changes unless all can go. */
	if (pg_custody_precheck(list, bdfs, n, force, "hide") ||
	    pg_nl_dev_hide(nl, bdfs, n, force ? PG_OP_FORCE : 0, changed))
		goto out;

	/*
	 * What the module says it did, not @list: another command may have
	 * moved the devices since (an older module does not say).
	 */
	for (i = 0; !quiet && i < n; i++) {
		const struct pg_dev *before = pg_devlist_find(list, &bdfs[i]);
		struct pg_dev d;

		if (pg_nl_dev_get(nl, &bdfs[i], &d))
			goto out;
		if (changed[i] < 0)
			changed[i] = !before ||
				     before->state == PCIGUARD_STATE_HOST;
		if (!changed[i] && d.state == PCIGUARD_STATE_ASSIGNED) {
			printf("%s: already in custody, assigned to %s\n",
			       d.bdf_str, d.guest);
			continue;
		}
		if (!changed[i]) {
			printf("%s: already quarantined\n", d.bdf_str);
			continue;
		}
		pg_reset_result(&d, res, sizeof(res));
		printf("%s: quarantined (was %s; reset %s)\n", d.bdf_str,
		       d.orig_driver[0] ? d.orig_driver : "not bound", res);
	}
	ret = 0;
out:
	free(changed);
	return ret;
}

int hide_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "persistent", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	bool force = false, persistent = false;
	struct pg_devlist list = { 0 };
	struct pg_persist p = { .dirfd = -1 };
	struct pg_bdf *bdfs = NULL;
	struct pg_nl *nl = NULL;
	int c, ret = PG_EXIT_ERR;
	size_t n;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "fph", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			force = true;
			break;
		case 'p':
			persistent = true;
			break;
		case 'h':
			fputs(hide_usage, stdout);
			return PG_EXIT_OK;
		default:
			return pg_usage_err(hide_usage, "hide: unknown option '%s'",
					    argv[optind - 1]);
		}
	}
	ret = pg_parse_bdf_args(argc, argv, hide_usage, "hide", &bdfs);
	if (ret < 0)
		return -ret;
	n = ret;
	ret = PG_EXIT_ERR;

	/*
	 * Who may not act is stopped first; a store that cannot be saved
	 * stops the command before it acts.
	 */
	if (pg_require_admin("hide", bdfs, n) ||
	    (persistent && pg_persist_open(&p, true)) || pg_nl_open(&nl) ||
	    pg_nl_dev_dump(nl, &list) ||
	    pg_hide(nl, &list, bdfs, n, force, false))
		goto out;
	if (persistent && pg_persist_devices(nl, &p, bdfs, n, force))
		goto out;
	ret = PG_EXIT_OK;
out:
	pg_persist_close(&p);
	pg_devlist_free(&list);
	pg_nl_close(nl);
	free(bdfs);
	return ret;
}
