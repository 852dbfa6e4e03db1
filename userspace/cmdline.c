// SPDX-License-Identifier: GPL-2.0
/*
 * pciguard cmdline [--json]
 * pciguard cmdline --check STRING [--json]
 *
 * The module refuses to load with a malformed pciguard.hide=, and a typo
 * there only shows after a reboot. This parses the string with the
 * module's own parser (kmod/hide.c), shows the devices each group matches
 * now and warns about groups pciguard would not act on. Devices come from
 * libpci directly: the module need not be loaded.
 */
#include <getopt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pci/pci.h>

#include "hide.h"
#include "persist.h"
#include "pciguard.h"
#include "policy.h"
#include "subcommands.h"

static const char cmdline_usage[] =
	"Usage: pciguard cmdline [--json]\n"
	"       pciguard cmdline --check STRING [--json]\n"
	"\n"
	"Without --check: print pciguard.hide= for the devices of the persistent\n"
	"store, for the kernel command line (the initramfs hooks use it too);\n"
	"nothing when the store is empty.\n"
	"\n"
	"With --check: check a pciguard.hide= string before rebooting with it: is it\n"
	"well-formed, which PCI devices present now does each group match, and\n"
	"would pciguard take them. STRING is the value, with or without a\n"
	"leading 'pciguard.hide=' or 'xen-pciback.hide='; quote it for the shell.\n"
	"  -c, --check STRING  the hide= string to check\n"
	"  -j, --json          JSON output (see pciguard(8), JSON OUTPUT)\n";

/* Prefixes an admin may paste along with the value. */
static const char *const prefixes[] = {
	"pciguard.hide=", "xen-pciback.hide=",
};

/* "pciguard.hide=" and every rule, each at most "(ffffffff:ff:1f.7)" */
#define CMDLINE_MAX	(sizeof("pciguard.hide=") + PG_HIDE_MAX_RULES * 18)

struct check {
	struct pg_hide_list list;
	struct pg_devlist devs;		/* PCI devices present now */
	bool scanned;			/* false: devs unknown */
	char **warnings;
	size_t nwarn;
	char cmdline[CMDLINE_MAX];
};

static __attribute__((format(printf, 2, 3)))
void add_warning(struct check *c, const char *fmt, ...)
{
	char **w = realloc(c->warnings, (c->nwarn + 1) * sizeof(*w));
	va_list ap;
	int n;

	if (!w) {
		pg_err("out of memory");
		exit(PG_EXIT_ERR);
	}
	c->warnings = w;
	va_start(ap, fmt);
	n = vasprintf(&w[c->nwarn], fmt, ap);
	va_end(ap);
	if (n < 0) {
		pg_err("out of memory");
		exit(PG_EXIT_ERR);
	}
	c->nwarn++;
}

/*
 * libpci reports failures through these hooks (see names.c). A failure to
 * list devices is not fatal here: the string can still be checked.
 */
static jmp_buf scan_env;
static char scan_msg[256];

static void scan_quiet(char *msg, ...)
{
	(void)msg;
}

static void __attribute__((noreturn)) scan_error(char *msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	vsnprintf(scan_msg, sizeof(scan_msg), msg, ap);
	va_end(ap);
	longjmp(scan_env, 1);
}

static int cmp_dev(const void *a, const void *b)
{
	const struct pg_bdf *x = &((const struct pg_dev *)a)->bdf;
	const struct pg_bdf *y = &((const struct pg_dev *)b)->bdf;

	if (x->domain != y->domain)
		return x->domain < y->domain ? -1 : 1;
	if (x->bus != y->bus)
		return x->bus - y->bus;
	if (x->slot != y->slot)
		return x->slot - y->slot;
	return x->function - y->function;
}

/* Every PCI device present now, in address order; scan_error() may cut in. */
static int read_devices(struct pg_devlist *list)
{
	struct pci_access *pacc = pci_alloc();
	struct pci_dev *p;
	size_t n = 0;

	pacc->warning = scan_quiet;
	pacc->debug = scan_quiet;
	pacc->error = scan_error;
	pci_init(pacc);
	pci_scan_bus(pacc);
	for (p = pacc->devices; p; p = p->next)
		n++;
	list->dev = calloc(n ? n : 1, sizeof(*list->dev));
	if (!list->dev) {
		pg_err("out of memory");
		exit(PG_EXIT_ERR);
	}
	for (p = pacc->devices; p; p = p->next) {
		struct pg_dev *d = &list->dev[list->n++];
		u8 hdr;

		pci_fill_info(p, PCI_FILL_IDENT | PCI_FILL_CLASS |
			      PCI_FILL_CLASS_EXT);
		d->bdf.domain = p->domain;
		d->bdf.bus = p->bus;
		d->bdf.slot = p->dev;
		d->bdf.function = p->func;
		pg_bdf_format(d->bdf_str, sizeof(d->bdf_str), &d->bdf);
		d->vendor = p->vendor_id;
		d->device = p->device_id;
		d->class = (u32)p->device_class << 8 | p->prog_if;
		d->revision = p->rev_id;
		/*
		 * The first 64 bytes of config space need no privilege; 0xff
		 * is a failed read, leaving the class to tell bridges apart.
		 */
		hdr = pci_read_byte(p, PCI_HEADER_TYPE);
		d->hdr_type = hdr == 0xff ? 0 : hdr & 0x7f;
	}
	pci_cleanup(pacc);
	qsort(list->dev, list->n, sizeof(*list->dev), cmp_dev);
	return 0;
}

/*
 * Return: 0, or -1 with the reason in scan_msg when libpci gave up (its
 * half-built state is left behind: this runs once).
 */
static int scan_devices(struct pg_devlist *list)
{
	if (setjmp(scan_env))
		return -1;
	return read_devices(list);
}

/* The dom0 driver bound to @bdf now, from sysfs; "" when none. */
static void bound_driver(const char *bdf, char *buf, size_t len)
{
	char path[128], link[256];
	ssize_t n;
	char *slash;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return;
	link[n] = '\0';
	slash = strrchr(link, '/');
	snprintf(buf, len, "%.63s", slash ? slash + 1 : link);
}

/*
 * Why pciguard would not take @d, or would not if dom0's driver has it
 * when the module loads, as the end of a sentence; NULL when it would.
 */
static const char *refusal(const struct pg_dev *d, char *buf, size_t len)
{
	struct pg_custody_facts f = {
		.class = d->class,
		.hdr_type = d->hdr_type,
		.has_subordinate = d->hdr_type == 1,
	};
	char drv[64];

	bound_driver(d->bdf_str, drv, sizeof(drv));
	f.bound = drv[0] != '\0';
	f.backend = f.bound && pg_is_backend_driver(drv);
	switch (pg_custody_check(&f, false)) {
	case PG_CUSTODY_OK:
		return NULL;
	case PG_CUSTODY_HOST_BRIDGE:
		return "is a host bridge; pciguard will not take it: it "
		       "belongs to the platform";
	case PG_CUSTODY_BRIDGE:
		if (d->class >> 8 == PCI_CLASS_BRIDGE_CARDBUS)
			return "is a CardBus bridge; pciguard will not take "
			       "it: name the devices behind it instead";
		return "is a PCI-to-PCI bridge or root port; pciguard will "
		       "not take it: name the devices behind it instead";
	case PG_CUSTODY_HEADER:
		return "has a bridge or CardBus configuration header; "
		       "pciguard will not take it: only endpoints go to guests";
	case PG_CUSTODY_STORAGE:
		snprintf(buf, len, "is driven by %s as dom0's storage now; "
			 "pciguard takes it only if it loads before %s (early, "
			 "from the initramfs)", drv, drv);
		return buf;
	case PG_CUSTODY_DISPLAY:
		snprintf(buf, len, "is driven by %s as dom0's display now; "
			 "pciguard takes it only if it loads before %s (early, "
			 "from the initramfs)", drv, drv);
		return buf;
	case PG_CUSTODY_IN_GUEST:	/* boot has no guests: in_guest unset */
		return "is in use by a Xen guest";
	case PG_CUSTODY_BACKEND:
		snprintf(buf, len, "is bound to the guest backend %s now; "
			 "pciguard takes it only if it loads before %s (early, "
			 "from the initramfs)", drv, drv);
		return buf;
	}
	return "cannot be hidden";
}

static bool rule_eq(const struct pg_hide_rule *a, const struct pg_hide_rule *b)
{
	return a->domain == b->domain && a->bus == b->bus &&
	       a->slot == b->slot && a->function == b->function;
}

static bool rule_matches(const struct pg_hide_rule *r, const struct pg_bdf *b)
{
	struct pg_hide_list one = { .n = 1, .rules = { *r } };

	return pg_hide_match(&one, b) == 0;
}

/* Work out the devices, warnings and canonical string of a valid list. */
static void check_rules(struct check *c)
{
	const struct pg_hide_list *l = &c->list;
	char rule[24], whybuf[256];
	size_t used, i;
	unsigned int r, k;

	used = snprintf(c->cmdline, sizeof(c->cmdline), "pciguard.hide=");
	for (r = 0; r < l->n && used < sizeof(c->cmdline); r++) {
		for (k = 0; k < r; k++)
			if (rule_eq(&l->rules[k], &l->rules[r]))
				break;
		if (k < r)
			continue;	/* a repeat adds nothing */
		pg_hide_rule_format(rule, sizeof(rule), &l->rules[r]);
		used += snprintf(c->cmdline + used, sizeof(c->cmdline) - used,
				 "%s", rule);
	}
	if (!l->n)
		add_warning(c, "no groups: pciguard would take no device at "
			    "boot");
	for (r = 0; r < l->n; r++) {
		bool any = false;

		pg_hide_rule_format(rule, sizeof(rule), &l->rules[r]);
		for (k = 0; k < r; k++)
			if (rule_eq(&l->rules[k], &l->rules[r]))
				break;
		if (k < r) {
			add_warning(c, "%s repeats group %u; the repeat does "
				    "nothing", rule, k + 1);
			continue;
		}
		for (i = 0; i < c->devs.n; i++)
			any |= rule_matches(&l->rules[r], &c->devs.dev[i].bdf);
		if (c->scanned && !any)
			add_warning(c, "%s matches no PCI device present now",
				    rule);
	}
	for (i = 0; i < c->devs.n; i++) {
		const struct pg_dev *d = &c->devs.dev[i];
		int m = pg_hide_match(l, &d->bdf);
		const char *why;

		if (m < 0)
			continue;
		why = refusal(d, whybuf, sizeof(whybuf));
		if (!why)
			continue;
		pg_hide_rule_format(rule, sizeof(rule), &l->rules[m]);
		add_warning(c, "%s (matched by %s) %s", d->bdf_str, rule, why);
	}
}

static size_t count_matched(const struct check *c)
{
	size_t i, n = 0;

	for (i = 0; i < c->devs.n; i++)
		n += pg_hide_match(&c->list, &c->devs.dev[i].bdf) >= 0;
	return n;
}

static void print_text(const struct check *c)
{
	char rule[24], desc[512];
	unsigned int r;
	size_t i, n;

	for (r = 0; r < c->list.n; r++) {
		const struct pg_hide_rule *hr = &c->list.rules[r];

		pg_hide_rule_format(rule, sizeof(rule), hr);
		printf("%s\n", rule);
		n = 0;
		for (i = 0; i < c->devs.n; i++) {
			const struct pg_dev *d = &c->devs.dev[i];

			if (!rule_matches(hr, &d->bdf))
				continue;
			printf("  %-12s  %s\n", d->bdf_str,
			       pg_describe(d, desc, sizeof(desc)));
			n++;
		}
		if (!n)
			printf("  %s\n", c->scanned ? "(no device present now)" :
			       "(devices not listed)");
	}
	for (i = 0; i < c->nwarn; i++)
		printf("warning: %s\n", c->warnings[i]);
	n = count_matched(c);
	if (!c->list.n)
		printf("ok: 0 groups; nothing to add to the kernel command "
		       "line\n");
	else if (c->scanned)
		printf("ok: %u group%s, %zu device%s; add to the kernel command "
		       "line: %s\n", c->list.n, c->list.n == 1 ? "" : "s", n,
		       n == 1 ? "" : "s", c->cmdline);
	else
		printf("ok: %u group%s; add to the kernel command line: %s\n",
		       c->list.n, c->list.n == 1 ? "" : "s", c->cmdline);
}

/* The documented --json object; @err is the parser's message or NULL. */
static void print_json(const struct check *c, const char *err)
{
	struct pg_json *j = pg_json_new(stdout);
	char rule[24];
	unsigned int r;
	size_t i;

	pg_json_obj_begin(j, NULL);
	pg_json_bool(j, "valid", !err);
	pg_json_str_or_null(j, "error", err);
	pg_json_arr_begin(j, "rules");
	for (r = 0; r < c->list.n; r++) {
		pg_hide_rule_format(rule, sizeof(rule), &c->list.rules[r]);
		pg_json_newline(j);
		pg_json_obj_begin(j, NULL);
		pg_json_str(j, "rule", rule);
		pg_json_arr_begin(j, "devices");
		for (i = 0; i < c->devs.n; i++)
			if (rule_matches(&c->list.rules[r],
					 &c->devs.dev[i].bdf))
				pg_json_str(j, NULL, c->devs.dev[i].bdf_str);
		pg_json_arr_end(j);
		pg_json_obj_end(j);
	}
	pg_json_arr_end(j);
	pg_json_arr_begin(j, "warnings");
	for (i = 0; i < c->nwarn; i++)
		pg_json_str(j, NULL, c->warnings[i]);
	pg_json_arr_end(j);
	pg_json_str_or_null(j, "cmdline",
			    !err && c->list.n ? c->cmdline : NULL);
	pg_json_obj_end(j);
	pg_json_end(j);
}

static const char *strip_prefix(const char *s)
{
	size_t i, len;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		len = strlen(prefixes[i]);
		if (!strncmp(s, prefixes[i], len))
			return s + len;
	}
	return s;
}

/*
 * pciguard.hide= for every entry of the persistent store, for the kernel
 * command line or an initramfs hook; nothing when there are none.
 */
static int print_saved(bool json)
{
	struct pg_persist p;
	char s[PG_HIDE_STRING_MAX];
	struct pg_json *j;

	if (pg_persist_open(&p, false))
		return PG_EXIT_ERR;
	if (pg_store_hide_string(&p.store, s, sizeof(s)) < 0) {
		pg_err("%s/%s has more than %d entries; pciguard.hide= takes "
		       "at most %d: forget some", pg_config_dir(),
		       PG_STORE_FILE, PG_HIDE_MAX_RULES, PG_HIDE_MAX_RULES);
		pg_persist_close(&p);
		return PG_EXIT_ERR;
	}
	if (json) {
		j = pg_json_new(stdout);
		pg_json_obj_begin(j, NULL);
		pg_json_strf(j, "store", "%s/%s", pg_config_dir(),
			     PG_STORE_FILE);
		pg_json_int(j, "entries", p.store.n);
		if (s[0])
			pg_json_strf(j, "cmdline", "pciguard.hide=%s", s);
		else
			pg_json_null(j, "cmdline");
		pg_json_obj_end(j);
		pg_json_end(j);
	} else if (s[0]) {
		printf("pciguard.hide=%s\n", s);
	}
	pg_persist_close(&p);
	return PG_EXIT_OK;
}

int cmdline_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "check", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	static struct check c;
	char err[PG_HIDE_ERR_MAX];
	const char *value = NULL;
	bool json = false;
	size_t i;
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":c:jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			value = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(cmdline_usage, stdout);
			return PG_EXIT_OK;
		case ':':
			return pg_usage_err(cmdline_usage, "cmdline: %s needs "
					    "a STRING", argv[optind - 1]);
		default:
			return pg_usage_err(cmdline_usage, "cmdline: unknown "
					    "option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return pg_usage_err(cmdline_usage, "cmdline: unexpected '%s'; "
				    "quote the hide= string as one argument",
				    argv[optind]);
	if (!value)
		return print_saved(json);

	value = strip_prefix(value);
	if (pg_hide_parse(value, &c.list, err, sizeof(err))) {
		if (json) {
			print_json(&c, err);
		} else {
			pg_err("hide=: %s", err);
			pg_err("the module would refuse to load with this "
			       "string; fix it before rebooting");
		}
		return PG_EXIT_ERR;
	}
	c.scanned = !scan_devices(&c.devs);
	if (!c.scanned) {
		pg_devlist_free(&c.devs);
		add_warning(&c, "cannot list PCI devices (%s); groups not "
			    "matched against devices", scan_msg);
	}
	check_rules(&c);
	if (json)
		print_json(&c, NULL);
	else
		print_text(&c);
	for (i = 0; i < c.nwarn; i++)
		free(c.warnings[i]);
	free(c.warnings);
	pg_devlist_free(&c.devs);
	return PG_EXIT_OK;
}
