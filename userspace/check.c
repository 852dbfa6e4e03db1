// SPDX-License-Identifier: GPL-2.0
/*
 * pciguard check BDF... [-o OPT=VAL]... [--json]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netlink.h"
#include "pciguard.h"
#include "subcommands.h"

static const char check_usage[] =
	"Usage: pciguard check BDF... [-o OPT=VAL]... [--json]\n"
	"\n"
	"Judge a handoff of the devices to a guest without changing anything:\n"
	"the reset pciguard would use and who else it hits, the devices that\n"
	"must move together, the IOMMU group, the current owner, the verdict\n"
	"and, for every refusal, the fix. Exit 0 when every device may go.\n"
	"  -o, --option OPT=VAL  no-strict-reset=true|false, permissive=true|false,\n"
	"                        allow-write=OFF:LEN[:MASK],\n"
	"                        backend=pciback|vfio-pci (as for assign)\n"
	"  -j, --json            JSON output (see pciguard(8))\n";

static void print_list(const char *label, char (*bdfs)[PG_BDF_STRLEN],
		       unsigned int n)
{
	unsigned int i;

	printf("  %-16s", label);
	for (i = 0; i < n; i++)
		printf(" %s", bdfs[i]);
	printf("\n");
}

/* The iommu line of a device: its group and whether remapping is on. */
static void print_iommu(const struct pg_dev *d, const struct pg_iommu *pi)
{
	if (d->has_iommu_group)
		printf("  %-16s group %u, on (%s)\n", "iommu", d->iommu_group,
		       pi->detail[0] ? pi->detail : "IOMMU groups exist");
	else if (pi->xen && pi->active)
		printf("  %-16s on, owned by Xen (virt_caps: %s); dom0 sees no "
		       "groups\n", "iommu", pi->detail);
	else if (pi->xen)
		printf("  %-16s off: Xen says virt_caps '%s', without "
		       "hvm_directio; only PV guests can take devices, with no "
		       "DMA isolation; libxl refuses HVM passthrough\n",
		       "iommu", pi->detail);
	else
		printf("  %-16s none: DMA is not isolated (vfio-pci needs an "
		       "IOMMU; a Xen PV guest works without one)\n", "iommu");
}

static void print_human(const struct pg_check_res *r, const struct pg_dev *d,
			const struct pg_opts *o, const struct pg_iommu *pi)
{
	char buf[512];
	unsigned int i;

	printf("%s  %s\n", r->bdf, pg_describe(d, buf, sizeof(buf)));
	if (d->state == PCIGUARD_STATE_ASSIGNED)
		printf("  %-16s guest %s, through %s\n", "owner", d->guest,
		       pg_backend_name(d->backend));
	else if (d->state != PCIGUARD_STATE_HOST)
		printf("  %-16s pciguard (%s)\n", "owner", pg_state_name(d->state));
	else
		printf("  %-16s dom0 (%s)\n", "owner",
		       d->driver[0] ? d->driver : "no driver");
	if (d->nr_reset) {
		printf("  %-16s", "reset methods");
		for (i = 0; i < d->nr_reset; i++)
			printf(" %s", pg_reset_name(d->reset[i]));
		printf("\n");
	} else {
		printf("  %-16s none of its own\n", "reset methods");
	}
	if (r->reset_used == PCIGUARD_RESET_BUS)
		printf("  %-16s bus (secondary bus reset by %s)\n", "would use",
		       r->bridge);
	else if (r->reset_used == PCIGUARD_RESET_UNSPEC)
		printf("  %-16s nothing: no reset can clear this device\n",
		       "would use");
	else
		printf("  %-16s %s (%s)\n", "would use",
		       pg_reset_name(r->reset_used),
		       pg_reset_desc(r->reset_used));
	if (r->n_hits)
		print_list("also resets", (char (*)[PG_BDF_STRLEN])r->hits,
			   r->n_hits);
	print_iommu(d, pi);
	if (r->n_missing)
		print_list("must move with", (char (*)[PG_BDF_STRLEN])r->missing,
			   r->n_missing);

	if (!r->problems)
		printf("  %-16s ok: strict reset, nothing left behind\n",
		       "verdict");
	else if (r->allowed)
		printf("  %-16s allowed by no-strict-reset: the next guest "
		       "may see this guest's data\n", "verdict");
	else
		printf("  %-16s refused\n", "verdict");
	if (r->problems & PCIGUARD_PROBLEM_NO_RESET)
		printf("  %-16s this device cannot be reset at all\n", "why");
	if (r->problems & PCIGUARD_PROBLEM_RESET_SPLIT)
		printf("  %-16s its only reset, a bus reset, also resets "
		       "devices that would stay behind\n", "why");
	if (r->problems & PCIGUARD_PROBLEM_GROUP_SPLIT)
		printf("  %-16s its IOMMU group has devices that would stay "
		       "behind\n", "why");
	if (!r->allowed) {
		for (i = 0; i < r->n_missing; i++)
			printf("  %-16s also assign %s\n", "fix", r->missing[i]);
		printf("  %-16s %s-o no-strict-reset=true: the next guest may "
		       "see this guest's data\n", "fix",
		       r->n_missing ? "or " : "");
	}
	if (d->cfg_denials) {
		printf("  %-16s %u config writes from dom0 refused so far "
		       "('pciguard show %s' lists them)\n", "config writes",
		       d->cfg_denials, r->bdf);
		pg_cfg_suggest_line(d, "  ");
	}
	if (o->backend == PCIGUARD_BACKEND_VFIO_PCI && !d->has_iommu_group)
		printf("  %-16s vfio-pci refuses a device without an IOMMU\n",
		       "backend");
	if ((d->class >> 16) == 0x02)
		printf("  %-16s a Xen PV guest driving this NIC may need "
		       "'iommu=soft swiotlb=8192' on its kernel command line\n",
		       "hint");
}

/**
 * pg_check_explain() - why the gate refused a handoff, and the fixes
 * @r: a refused device's verdict
 * @verb: the command, for messages
 */
void pg_check_explain(const struct pg_check_res *r, const char *verb)
{
	char also[PG_CHECK_MAX_SET * PG_BDF_STRLEN + 1] = "";
	unsigned int i;
	const char *why;

	for (i = 0; i < r->n_missing; i++) {
		strcat(also, " ");
		strcat(also, r->missing[i]);
	}
	if (r->problems & PCIGUARD_PROBLEM_GROUP_SPLIT)
		why = "its IOMMU group has devices that would stay behind";
	else if (r->problems & PCIGUARD_PROBLEM_RESET_SPLIT)
		why = "its only reset, a bus reset, also resets devices that "
		      "would stay behind";
	else
		why = "it cannot be reset at all";
	if (r->n_missing)
		pg_err("cannot %s %s: %s; assign them together: add%s, or "
		       "accept -o no-strict-reset=true (the next guest may see "
		       "this guest's data)", verb, r->bdf, why, also);
	else
		pg_err("cannot %s %s: %s; accept -o no-strict-reset=true "
		       "only if the next guest may see this guest's data",
		       verb, r->bdf, why);
}

static void print_json_one(struct pg_json *j, const struct pg_check_res *r,
			   const struct pg_dev *d, const struct pg_iommu *pi)
{
	unsigned int i;

	pg_json_obj_begin(j, NULL);
	pg_json_str(j, "bdf", r->bdf);
	pg_json_str_or_null(j, "driver", d->driver[0] ? d->driver : NULL);
	pg_json_str(j, "state", pg_state_name(d->state));
	pg_json_arr_begin(j, "reset_methods");
	for (i = 0; i < d->nr_reset; i++)
		pg_json_str(j, NULL, pg_reset_name(d->reset[i]));
	pg_json_arr_end(j);
	pg_json_str(j, "reset_used", r->reset_used == PCIGUARD_RESET_UNSPEC ?
		    "none" : pg_reset_name(r->reset_used));
	pg_json_str_or_null(j, "reset_bridge", r->bridge[0] ? r->bridge : NULL);
	pg_json_arr_begin(j, "reset_hits");
	for (i = 0; i < r->n_hits; i++)
		pg_json_str(j, NULL, r->hits[i]);
	pg_json_arr_end(j);
	if (d->has_iommu_group)
		pg_json_int(j, "iommu_group", d->iommu_group);
	else
		pg_json_null(j, "iommu_group");
	pg_json_obj_begin(j, "iommu");
	pg_json_bool(j, "active", pi->active);
	pg_json_str(j, "source", pi->xen ? "xen" : "linux");
	pg_json_str(j, "detail", pi->detail);
	pg_json_obj_end(j);
	pg_json_str_or_null(j, "guest", d->guest[0] ? d->guest : NULL);
	pg_json_arr_begin(j, "missing");
	for (i = 0; i < r->n_missing; i++)
		pg_json_str(j, NULL, r->missing[i]);
	pg_json_arr_end(j);
	pg_json_arr_begin(j, "problems");
	if (r->problems & PCIGUARD_PROBLEM_NO_RESET)
		pg_json_str(j, NULL, "no-reset");
	if (r->problems & PCIGUARD_PROBLEM_RESET_SPLIT)
		pg_json_str(j, NULL, "reset-split");
	if (r->problems & PCIGUARD_PROBLEM_GROUP_SPLIT)
		pg_json_str(j, NULL, "group-split");
	pg_json_arr_end(j);
	pg_json_bool(j, "allowed", r->allowed);
	if (d->in_custody)
		pg_cfg_json(j, d);
	else
		pg_json_null(j, "config");
	pg_json_obj_end(j);
}

int check_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "option", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct pg_check_res *res = NULL;
	struct pg_devlist list = { 0 };
	struct pg_opts o = { 0 };
	struct pg_iommu pi;
	struct pg_bdf *bdfs = NULL;
	struct pg_nl *nl = NULL;
	int c, ret, n, i, refused = 0;
	bool json = false;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			ret = pg_parse_option(optarg, &o, check_usage, "check");
			if (ret)
				return ret;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(check_usage, stdout);
			return PG_EXIT_OK;
		default:
			return pg_usage_err(check_usage,
					    "check: unknown option '%s'",
					    argv[optind - 1]);
		}
	}
	n = pg_parse_bdf_args(argc, argv, check_usage, "check", &bdfs);
	if (n < 0)
		return -n;
	ret = PG_EXIT_ERR;
	pg_iommu_platform(&pi);
	res = calloc(n, sizeof(*res));
	if (!res || pg_nl_open(&nl))
		goto out;
	if (pg_nl_dev_dump(nl, &list) ||
	    pg_nl_dev_check(nl, bdfs, n, o.no_strict_reset ?
			    PG_OP_NO_STRICT_RESET : 0, res))
		goto out;

	if (json) {
		struct pg_json *j = pg_json_new(stdout);

		pg_json_arr_begin(j, NULL);
		for (i = 0; i < n; i++) {
			pg_json_newline(j);
			print_json_one(j, &res[i],
				       pg_devlist_find(&list, &bdfs[i]), &pi);
		}
		pg_json_newline(j);
		pg_json_arr_end(j);
		pg_json_end(j);
	}
	for (i = 0; i < n; i++) {
		const struct pg_dev *d = pg_devlist_find(&list, &bdfs[i]);

		if (!d) {
			pg_err("%s left the bus during the check", res[i].bdf);
			goto out;
		}
		if (!json)
			print_human(&res[i], d, &o, &pi);
		refused += !res[i].allowed;
	}
	ret = refused ? PG_EXIT_ERR : PG_EXIT_OK;
out:
	pg_devlist_free(&list);
	pg_nl_close(nl);
	free(res);
	free(bdfs);
	return ret;
}
