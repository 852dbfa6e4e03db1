// SPDX-License-Identifier: GPL-2.0
/*
 * pciguard assign DOMAIN BDF... [-o OPT=VAL]... [--force] [--persistent]
 * pciguard detach BDF...
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netlink.h"
#include "persist.h"
#include "pciguard.h"
#include "policy.h"
#include "subcommands.h"

static const char assign_usage[] =
	"Usage: pciguard assign DOMAIN BDF... [-o OPT=VAL]... [--force]\n"
	"                      [--persistent]\n"
	"\n"
	"Hand PCI devices to the guest DOMAIN's backend, all or nothing: take\n"
	"them into custody if needed, apply the handoff gate ('pciguard check'\n"
	"shows its verdict), reset each and check it answers, then bind the\n"
	"backend. A failure during the handoff leaves them all in quarantine.\n"
	"  -o, --option OPT=VAL  no-strict-reset=true  hand over without strict\n"
	"                          reset: the next guest may see this guest's data\n"
	"                        permissive=true  let the guest (and dom0) write\n"
	"                          all of config space\n"
	"                        allow-write=OFF:LEN[:MASK]  open one register\n"
	"                          (LEN 1, 2 or 4; MASK: only these bits; may\n"
	"                          repeat), e.g. allow-write=0x40:4\n"
	"                        backend=pciback|vfio-pci  default: pciback\n"
	"                          (xen-pciback, Xen dom0)\n"
	"  -f, --force           also take storage and display controllers\n"
	"                        dom0 drives, or a device another tool bound to\n"
	"                        a backend\n"
	"  -p, --persistent      also at every boot: save them, with the\n"
	"                        options, in the store (pciguard restore)\n";

static const char detach_usage[] =
	"Usage: pciguard detach BDF...\n"
	"\n"
	"Take assigned PCI devices back from their guest backend into\n"
	"quarantine, and reset them. They never go to a dom0 driver by\n"
	"themselves: 'pciguard release --to-host' does that.\n";

/* Each device exists and none is assigned elsewhere. Return: 0 or -1. */
static int assign_targets_ok(const struct pg_devlist *list,
			     const struct pg_bdf *bdfs, size_t n,
			     const char *guest, uint32_t backend)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct pg_dev *d = pg_devlist_find(list, &bdfs[i]);

		if (!d || d->absent || d->state != PCIGUARD_STATE_ASSIGNED)
			continue;
		if (strcmp(d->guest, guest) || d->backend != backend) {
			pg_err("cannot assign %s: it is assigned to %s through "
			       "%s; detach it first: pciguard detach %s",
			       d->bdf_str, d->guest,
			       pg_backend_name(d->backend), d->bdf_str);
			return -1;
		}
	}
	for (i = 0; backend == PCIGUARD_BACKEND_VFIO_PCI && i < n; i++) {
		const struct pg_dev *d = pg_devlist_find(list, &bdfs[i]);

		if (d && !d->absent && !d->has_iommu_group) {
			pg_err("cannot assign %s: vfio-pci needs an IOMMU and "
			       "the device has no IOMMU group; turn the IOMMU "
			       "on (VT-d or AMD-Vi in the firmware, "
			       "intel_iommu=on or amd_iommu=on)", d->bdf_str);
			return -1;
		}
	}
	return 0;
}

/* The gate's verdict for every device. Return: 0 when all may go, or -1. */
static int assign_gate(struct pg_nl *nl, const struct pg_bdf *bdfs, size_t n,
		       const struct pg_opts *o, struct pg_check_res *res)
{
	int refused = 0;
	size_t i;

	if (pg_nl_dev_check(nl, bdfs, n, o->no_strict_reset ?
			    PG_OP_NO_STRICT_RESET : 0, res))
		return -1;
	for (i = 0; i < n; i++) {
		if (res[i].allowed)
			continue;
		pg_check_explain(&res[i], "assign");
		refused++;
	}
	return refused ? -1 : 0;
}

/*
 * xen-pciback applies the config-space policy the module recorded for @d:
 * its per-device permissive, and one quirk per grant. Both go away when
 * the device leaves pciback, which every detach does. Return: 0 or -1.
 */
static int pciback_apply(const struct pg_dev *d)
{
	char g[32];
	unsigned int i;
	int err;

	if (d->backend != PCIGUARD_BACKEND_PCIBACK)
		return 0;
	if (d->permissive && pg_backend_permissive(d->bdf_str)) {
		pg_err("%s: could not turn on xen-pciback's permissive mode: "
		       "the guest's writes outside the whitelist are dropped; "
		       "detach it and assign it again", d->bdf_str);
		return -1;
	}
	for (i = 0; i < d->ngrants; i++) {
		err = pg_backend_quirk(d->bdf_str, &d->grants[i]);
		if (!err)
			continue;
		pg_cfg_grant_format(&d->grants[i], g, sizeof(g));
		pg_err("%s: xen-pciback refused the quirk for allow-write=%s "
		       "(%s): the guest's writes there are dropped; detach it "
		       "and assign it again", d->bdf_str, g, strerror(-err));
		return -1;
	}
	return 0;
}

/* Each grant fits each device's config space. Return: 0 or -1. */
static int assign_grants_ok(const struct pg_bdf *bdfs, size_t n,
			    const struct pg_opts *o)
{
	char name[PG_BDF_STRLEN], g[32];
	unsigned int k;
	size_t i;
	int size;

	for (i = 0; i < n; i++) {
		pg_bdf_format(name, sizeof(name), &bdfs[i]);
		size = pg_cfg_size(name);
		for (k = 0; size > 0 && k < o->ngrants; k++) {
			if (o->grants[k].offset + o->grants[k].len <=
			    (unsigned int)size)
				continue;
			pg_cfg_grant_format(&o->grants[k], g, sizeof(g));
			pg_err("cannot assign %s: allow-write=%s is outside its "
			       "config space (%d bytes, 0x0-0x%x)", name, g,
			       size, size - 1);
			return -1;
		}
	}
	return 0;
}

/*
 * Say how @bdf was handed over (one line, or more with config grants
 * unless @quiet) and apply the policy the module recorded to pciback; or,
 * when the request did not move it (@changed 0), that it was assigned
 * already. @changed -1: the module did not say, @before tells.
 * Return: 0, or -1 when the backend does not apply the device's policy.
 */
static int assigned(struct pg_nl *nl, const struct pg_bdf *bdf,
		    const struct pg_dev *before, int changed,
		    const struct pg_check_res *r, const struct pg_opts *o,
		    bool quiet)
{
	char reset[96], g[32];
	struct pg_dev d;
	unsigned int i;

	if (pg_nl_dev_get(nl, bdf, &d))
		return -1;
	/* An older module does not say whether this request moved it. */
	if (changed < 0)
		changed = !before || before->state != PCIGUARD_STATE_ASSIGNED;
	if (!changed) {
		if (!quiet)
			printf("%s: already assigned to %s through %s\n",
			       d.bdf_str, d.guest, pg_backend_name(d.backend));
		return 0;
	}
	if (quiet)
		return pciback_apply(&d);
	if (o->no_strict_reset) {
		snprintf(reset, sizeof(reset), "not checked: no-strict-reset");
	} else {
		size_t len;

		snprintf(reset, sizeof(reset), "%s ",
			 r->reset_used == PCIGUARD_RESET_BUS ? "bus" :
			 pg_reset_name(r->reset_used));
		len = strlen(reset);
		pg_reset_result(&d, reset + len, sizeof(reset) - len);
	}
	printf("%s: assigned to %s through %s (reset %s)\n", d.bdf_str,
	       d.guest, pg_backend_name(d.backend), reset);
	if (d.permissive)
		printf("%s: config writes: permissive, all of config space\n",
		       d.bdf_str);
	for (i = 0; i < d.ngrants; i++) {
		pg_cfg_grant_format(&d.grants[i], g, sizeof(g));
		printf("%s: config writes: allow-write=%s\n", d.bdf_str, g);
	}
	if (d.backend == PCIGUARD_BACKEND_PCIBACK && !d.has_iommu_group &&
	    !before)
		pg_err("warning: %s: no IOMMU group in dom0; under Xen the "
		       "hypervisor owns the IOMMU ('pciguard check' shows "
		       "whether it is on)", d.bdf_str);
	return pciback_apply(&d);
}

/**
 * pg_assign() - hand devices to @guest's backend, all or none, as assign
 *	does
 * @nl: the module
 * @list: every device, from the module, before the change
 * @guest: the guest's name
 * @bdfs: the devices
 * @n: how many
 * @o: the -o options; an unset backend is set to the one picked
 * @force: as assign --force
 * @quiet: print no line per device (restore prints its own)
 *
 * Return: 0, or -1 after printing why (nothing changed, unless pciback
 * would not take a device's settings: then it says what to do).
 */
int pg_assign(struct pg_nl *nl, const struct pg_devlist *list,
	      const char *guest, const struct pg_bdf *bdfs, size_t n,
	      struct pg_opts *o, bool force, bool quiet)
{
	struct pg_check_res *res;
	unsigned int flags = 0;
	int *changed;
	int ret = -1;
	size_t i;

	res = calloc(n, sizeof(*res));
	changed = calloc(n, sizeof(*changed));
	if (!res || !changed) {
		pg_err("out of memory");
		free(changed);
		free(res);
		return -1;
	}
	if (pg_backend_prepare(&o->backend) ||
	    pg_custody_precheck(list, bdfs, n, force, "assign") ||
	    assign_targets_ok(list, bdfs, n, guest, o->backend) ||
	    assign_grants_ok(bdfs, n, o) ||
	    assign_gate(nl, bdfs, n, o, res))
		goto out;

	flags |= force ? PG_OP_FORCE : 0;
	flags |= o->no_strict_reset ? PG_OP_NO_STRICT_RESET : 0;
	flags |= o->permissive ? PG_OP_PERMISSIVE : 0;
	if (pg_nl_dev_assign(nl, bdfs, n, guest, o->backend, flags, o->grants,
			     o->ngrants, changed))
		goto out;
	ret = 0;
	for (i = 0; i < n; i++)
		if (assigned(nl, &bdfs[i], pg_devlist_find(list, &bdfs[i]),
			     changed[i], &res[i], o, quiet))
			ret = -1;
out:
	free(changed);
	free(res);
	return ret;
}

int assign_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "option", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "persistent", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct pg_persist p = { .dirfd = -1 };
	bool force = false, persistent = false;
	struct pg_devlist list = { 0 };
	struct pg_opts o = { 0 };
	struct pg_bdf *bdfs = NULL;
	struct pg_nl *nl = NULL;
	const char *guest;
	int c, ret, n;

	/* Options may come anywhere (GNU getopt permutes), as in qvm-pci. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:fph", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			ret = pg_parse_option(optarg, &o, assign_usage,
					      "assign");
			if (ret)
				return ret;
			break;
		case 'f':
			force = true;
			break;
		case 'p':
			persistent = true;
			break;
		case 'h':
			fputs(assign_usage, stdout);
			return PG_EXIT_OK;
		default:
			return pg_usage_err(assign_usage,
					    "assign: unknown option '%s'",
					    argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return pg_usage_err(assign_usage, "assign: to which guest? "
				    "give its name, then one BDF or more");
	guest = argv[optind++];
	if (!pg_guest_name_valid(guest))
		return pg_usage_err(assign_usage, "assign: invalid guest name "
				    "'%s': use 1 to 63 of A-Z a-z 0-9 _ . -, "
				    "starting with a letter or digit", guest);
	n = pg_parse_bdf_args(argc, argv, assign_usage, "assign", &bdfs);
	if (n < 0)
		return -n;

	/*
	 * Who may not act is stopped first; a store that cannot be saved
	 * stops the command before it acts.
	 */
	ret = PG_EXIT_ERR;
	if (pg_require_admin("assign", bdfs, n) ||
	    (persistent && pg_persist_open(&p, true)) || pg_nl_open(&nl) ||
	    pg_nl_dev_dump(nl, &list) ||
	    pg_assign(nl, &list, guest, bdfs, n, &o, force, false))
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

int detach_main(int argc, char **argv)
{
	struct pg_devlist list = { 0 };
	struct pg_bdf *bdfs = NULL;
	struct pg_nl *nl = NULL;
	char reset[96];
	int ret, n, i;
	bool json;

	ret = pg_json_opts(argc, argv, detach_usage, &json);
	if (ret >= 0)
		return ret;
	if (json)
		return pg_usage_err(detach_usage, "detach: --json is not "
				    "supported here");
	n = pg_parse_bdf_args(argc, argv, detach_usage, "detach", &bdfs);
	if (n < 0)
		return -n;
	ret = PG_EXIT_ERR;
	if (pg_require_admin("detach", bdfs, n) || pg_nl_open(&nl) ||
	    pg_nl_dev_dump(nl, &list))
		goto out;
	for (i = 0; i < n; i++) {
		const struct pg_dev *d = pg_devlist_find(&list, &bdfs[i]);
		char name[PG_BDF_STRLEN];

		pg_bdf_format(name, sizeof(name), &bdfs[i]);
		if (!d || d->state != PCIGUARD_STATE_ASSIGNED) {
			pg_err("cannot detach %s: it is not assigned to a guest "
			       "(state: %s)", name,
			       d ? pg_state_name(d->state) : "no such device");
			goto out;
		}
		if (d->xen_domid > 0) {
			pg_in_guest_err(d, "detach");
			goto out;
		}
	}
	if (pg_nl_dev_detach(nl, bdfs, n))
		goto out;
	for (i = 0; i < n; i++) {
		const struct pg_dev *before = pg_devlist_find(&list, &bdfs[i]);
		struct pg_dev d;

		pg_backend_forget(before->backend, before->bdf_str);
		if (pg_nl_dev_get(nl, &bdfs[i], &d))
			goto out;
		pg_reset_result(&d, reset, sizeof(reset));
		printf("%s: detached from %s (%s); %s, reset %s\n", d.bdf_str,
		       before->guest, pg_backend_name(before->backend),
		       pg_state_name(d.state), reset);
	}
	pg_persist_note(bdfs, n);
	ret = PG_EXIT_OK;
out:
	pg_devlist_free(&list);
	pg_nl_close(nl);
	free(bdfs);
	return ret;
}
