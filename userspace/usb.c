// SPDX-License-Identifier: GPL-2.0
/*
 * pciguard usb [BUS | VID:PID] [--json]
 *
 * USB devices cannot be passed through one by one: the whole PCI controller
 * goes, with every device on its buses. This answers "which controller, and
 * what else goes with it" (Qubes' "Finding the right USB controller").
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pciguard.h"
#include "subcommands.h"

static const char usb_usage[] =
	"Usage: pciguard usb [BUS | VID:PID] [--json]\n"
	"\n"
	"Show which PCI controller serves a USB bus or device, and everything\n"
	"that moves with that controller if it is passed through.\n"
	"Without an argument, show every USB controller.\n"
	"  BUS        a USB bus number, as lsusb prints it (3 or 003)\n"
	"  VID:PID    a USB vendor and product ID, as lsusb prints it (413c:818d)\n"
	"  -j, --json JSON output (see pciguard(8), JSON OUTPUT)\n";

struct usb_query {
	int bus;		/* > 0: a bus was asked for */
	unsigned int vid, pid;
	bool by_id;
};

/* Parse "3", "003" or "413c:818d". Return: 0 or -1. */
static int parse_query(const char *s, struct usb_query *q)
{
	char *end;
	unsigned long v;

	memset(q, 0, sizeof(*q));
	if (strchr(s, ':')) {
		if (strlen(s) != 9 || s[4] != ':')
			return -1;
		v = strtoul(s, &end, 16);
		if (end != s + 4)
			return -1;
		q->vid = v;
		v = strtoul(s + 5, &end, 16);
		if (*end || end != s + 9)
			return -1;
		q->pid = v;
		q->by_id = true;
		return 0;
	}
	if (!*s || strlen(s) > 3)
		return -1;
	v = strtoul(s, &end, 10);
	if (*end || v < 1 || v > 127)
		return -1;
	q->bus = (int)v;
	return 0;
}

static bool bus_in(int bus, const int *buses, int n)
{
	for (int i = 0; i < n; i++)
		if (buses[i] == bus)
			return true;
	return false;
}

/* Other PCI functions that move with @d: same slot or same IOMMU group. */
static bool moves_with(const struct pg_dev *d, const struct pg_dev *o)
{
	if (d == o)
		return false;
	if (d->bdf.domain == o->bdf.domain && d->bdf.bus == o->bdf.bus &&
	    d->bdf.slot == o->bdf.slot)
		return true;
	return d->has_iommu_group && o->has_iommu_group &&
	       d->iommu_group == o->iommu_group;
}

static const char *usb_label(const struct pg_usb_dev *u, char *buf,
			     size_t len)
{
	if (u->manufacturer[0] && u->product[0])
		snprintf(buf, len, "%s %s", u->manufacturer, u->product);
	else
		snprintf(buf, len, "%s", u->product[0] ? u->product :
			 u->manufacturer[0] ? u->manufacturer : "(no name)");
	return buf;
}

static void print_controller(const struct pg_dev *d,
			     const struct pg_devlist *all,
			     const struct pg_usb_dev *usb, size_t nusb)
{
	int buses[PG_MAX_USB_BUSES];
	char buf[512], group[16] = "none";
	int nb, b;
	size_t i;

	if (d->has_iommu_group)
		snprintf(group, sizeof(group), "%u", d->iommu_group);
	nb = pg_usb_buses_of(d->bdf_str, buses, PG_MAX_USB_BUSES);
	printf("%s  %s\n", d->bdf_str, pg_describe(d, buf, sizeof(buf)));
	printf("  driver %s, state %s, reset %s, IOMMU group %s\n",
	       d->driver[0] ? d->driver : "none", pg_state_name(d->state),
	       pg_best_reset(d), group);
	for (b = 0; b < nb; b++) {
		size_t cnt = 0;

		for (i = 0; i < nusb; i++)
			cnt += usb[i].bus == buses[b] && usb[i].devnum != 1;
		printf("  USB bus %d: %zu device%s\n", buses[b], cnt,
		       cnt == 1 ? "" : "s");
		for (i = 0; i < nusb; i++) {
			/* Device 1 is the bus's own root hub. */
			if (usb[i].bus != buses[b] || usb[i].devnum == 1)
				continue;
			printf("    Bus %03d Device %03d: ID %04x:%04x %s\n",
			       usb[i].bus, usb[i].devnum, usb[i].vid,
			       usb[i].pid, usb_label(&usb[i], buf, sizeof(buf)));
		}
	}
	for (i = 0; i < all->n; i++) {
		if (!moves_with(d, &all->dev[i]))
			continue;
		printf("  moves with it: %s  %s\n", all->dev[i].bdf_str,
		       pg_describe(&all->dev[i], buf, sizeof(buf)));
	}
}

static void json_controller(struct pg_json *j, const struct pg_dev *d,
			    const struct pg_devlist *all,
			    const struct pg_usb_dev *usb, size_t nusb)
{
	int buses[PG_MAX_USB_BUSES];
	char buf[256];
	int nb;
	size_t i;

	nb = pg_usb_buses_of(d->bdf_str, buses, PG_MAX_USB_BUSES);
	pg_json_newline(j);
	pg_json_obj_begin(j, NULL);
	pg_json_dev(j, d);
	pg_json_arr_begin(j, "usb_devices");
	for (i = 0; i < nusb; i++) {
		if (!bus_in(usb[i].bus, buses, nb) || usb[i].devnum == 1)
			continue;
		pg_json_obj_begin(j, NULL);
		pg_json_str(j, "name", usb[i].name);
		pg_json_int(j, "bus", usb[i].bus);
		pg_json_int(j, "device", usb[i].devnum);
		pg_json_strf(j, "vid", "%04x", usb[i].vid);
		pg_json_strf(j, "pid", "%04x", usb[i].pid);
		pg_json_str(j, "label", usb_label(&usb[i], buf, sizeof(buf)));
		pg_json_obj_end(j);
	}
	pg_json_arr_end(j);
	pg_json_arr_begin(j, "moves_with");
	for (i = 0; i < all->n; i++)
		if (moves_with(d, &all->dev[i]))
			pg_json_str(j, NULL, all->dev[i].bdf_str);
	pg_json_arr_end(j);
	pg_json_obj_end(j);
}

/* The controller (as a BDF) for @q, or print why there is none. */
static int resolve(const struct usb_query *q, const struct pg_usb_dev *usb,
		   size_t nusb, char *bdf, size_t len, bool json)
{
	char buf[256];
	int bus = q->bus;
	size_t i;
	int ret;

	if (q->by_id) {
		const struct pg_usb_dev *hit = NULL;
		size_t nhits = 0;

		for (i = 0; i < nusb; i++) {
			if (usb[i].vid != q->vid || usb[i].pid != q->pid)
				continue;
			if (hit && hit->bus != usb[i].bus) {
				pg_err("USB devices %04x:%04x are on buses %d "
				       "and %d; ask for a bus number instead",
				       q->vid, q->pid, hit->bus, usb[i].bus);
				return -1;
			}
			if (!hit)
				hit = &usb[i];
			nhits++;
		}
		if (!hit) {
			pg_err("no USB device %04x:%04x; 'pciguard usb' lists "
			       "every USB device", q->vid, q->pid);
			return -1;
		}
		bus = hit->bus;
		if (!json && nhits == 1)
			printf("USB device %04x:%04x (%s) is on bus %d.\n",
			       q->vid, q->pid, usb_label(hit, buf, sizeof(buf)),
			       bus);
		else if (!json)
			printf("USB devices %04x:%04x (%zu of them) are on bus "
			       "%d.\n", q->vid, q->pid, nhits, bus);
	}
	if (!pg_usb_bus_exists(bus)) {
		pg_err("no USB bus %d; 'pciguard usb' lists every USB bus", bus);
		return -1;
	}
	ret = pg_usb_bus_controller(bus, bdf, len);
	if (ret) {
		pg_err("USB bus %d is not served by a PCI controller "
		       "(a virtual or platform host controller); it cannot be "
		       "passed through", bus);
		return -1;
	}
	if (!json)
		printf("USB bus %d is served by PCI controller %s. Passing it "
		       "through moves everything below.\n\n", bus, bdf);
	return 0;
}

int usb_main(int argc, char **argv)
{
	struct pg_devlist all = { 0 };
	struct pg_usb_dev *usb = NULL;
	struct usb_query q = { 0 };
	char want[PG_BDF_STRLEN] = "";
	struct pg_json *j = NULL;
	int ret = PG_EXIT_ERR;
	bool json = false;
	size_t nusb, i, shown = 0;
	int c;

	c = pg_json_opts(argc, argv, usb_usage, &json);
	if (c >= 0)
		return c;
	if (argc - optind > 1)
		return pg_usage_err(usb_usage, "usb: one BUS or VID:PID at a time");
	if (optind < argc && parse_query(argv[optind], &q))
		return pg_usage_err(usb_usage, "usb: '%s' is neither a USB bus "
				    "number (3) nor a VID:PID (413c:818d)",
				    argv[optind]);

	if (pg_usb_devices(&usb, &nusb)) {
		pg_err("out of memory");
		return PG_EXIT_ERR;
	}
	if (optind < argc && resolve(&q, usb, nusb, want, sizeof(want), json))
		goto out;
	if (pg_load_devices(&all))
		goto out;

	if (json) {
		j = pg_json_new(stdout);
		pg_json_arr_begin(j, NULL);
	}
	for (i = 0; i < all.n; i++) {
		const struct pg_dev *d = &all.dev[i];
		int buses[PG_MAX_USB_BUSES];

		if (want[0] ? strcmp(want, d->bdf_str) :
		    !pg_usb_buses_of(d->bdf_str, buses, PG_MAX_USB_BUSES))
			continue;
		if (json) {
			json_controller(j, d, &all, usb, nusb);
		} else {
			if (shown)
				printf("\n");
			print_controller(d, &all, usb, nusb);
		}
		shown++;
	}
	if (json) {
		pg_json_newline(j);
		pg_json_arr_end(j);
		pg_json_end(j);
	} else if (!shown) {
		printf("No USB controller on a PCI bus.\n");
	}
	ret = PG_EXIT_OK;
out:
	free(usb);
	pg_devlist_free(&all);
	return ret;
}
