// SPDX-License-Identifier: GPL-2.0
/*
 * pciguard restore [--dry-run]
 * pciguard forget BDF...
 *
 * restore takes every device of the persistent store, as the store says:
 * into custody, then to its guest's backend with its options. An entry
 * applies only when the device at its address is the one it recorded
 * (stable path, IDs, serial number): a card that moved or was swapped
 * must not go to the wrong guest. Devices that go the same way (hidden,
 * or the same guest with the same options) go in one request, so the
 * module resets them in parallel.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "netlink.h"
#include "persist.h"
#include "pciguard.h"
#include "subcommands.h"

static const char restore_usage[] =
	"Usage: pciguard restore [--dry-run]\n"
	"\n"
	"Take every device of the persistent store (pciguard(8), FILES) as it\n"
	"says: into quarantine, or to its guest's backend with its options.\n"
	"An entry whose device changed or vanished is refused and its device\n"
	"left as it is. Running it again changes nothing. One line per entry,\n"
	"then a summary; exit status 1 when an entry was not restored.\n"
	"  -n, --dry-run  check every entry against the devices present and\n"
	"                 say what would be done, changing nothing\n";

static const char forget_usage[] =
	"Usage: pciguard forget BDF...\n"
	"\n"
	"Drop devices from the persistent store: restore and the early-boot\n"
	"list no longer take them. Their state now does not change. Works for\n"
	"devices no longer present. All or nothing.\n";

enum outcome {
	PENDING,
	RESTORED,	/* changed to what the entry says */
	ALREADY,	/* was so already */
	REFUSED,	/* another device, or none, at the address */
	FAILED,
};

struct item {
	struct pg_store_entry *e;
	const struct pg_dev *now;	/* before restore; NULL: absent */
	enum outcome out;
	char why[1024];			/* REFUSED: expected and found */
	bool reset;			/* reset by this restore */
	uint32_t reset_msecs;
};

static void ident_text(const struct pg_ident *id, char *buf, size_t len)
{
	char dsn[32] = "";

	if (id->has_dsn)
		pg_dsn_format(id->dsn, dsn, sizeof(dsn));
	snprintf(buf, len, "%04x:%04x (subsystem %04x:%04x%s%s, path %s)",
		 id->vendor, id->device, id->subsys_vendor, id->subsys_device,
		 id->has_dsn ? ", serial " : ", no serial", dsn, id->path);
}

/* The device elsewhere, when an entry's device moved to another address. */
static const struct pg_dev *find_moved(const struct pg_devlist *list,
				       const struct pg_ident *want)
{
	struct pg_ident id;
	size_t i;

	for (i = 0; i < list->n; i++) {
		if (list->dev[i].absent)
			continue;
		pg_ident_of(&list->dev[i], &id);
		/* The path names the slot; IDs and serial the card in it. */
		if (!(pg_ident_diff(want, &id) & ~PG_IDENT_PATH) &&
		    (want->has_dsn || !strcmp(want->path, id.path)))
			return &list->dev[i];
	}
	return NULL;
}

/* Is @it's device the one its entry recorded? Else say why not. */
static bool identity_ok(struct item *it, const struct pg_devlist *list)
{
	const struct pg_store_entry *e = it->e;
	char want[256], found[256], bdf[PG_BDF_STRLEN], where[192] = "";
	char state[128];
	const char *kind;
	const struct pg_dev *d = it->now, *moved;
	unsigned int diff = 0;
	struct pg_ident id;

	if (d) {
		pg_ident_of(d, &id);
		diff = pg_ident_diff(&e->id, &id);
		if (!diff)
			return true;
	}
	pg_bdf_format(bdf, sizeof(bdf), &e->bdf);
	ident_text(&e->id, want, sizeof(want));
	moved = find_moved(list, &e->id);
	if (moved && (!d || strcmp(moved->bdf_str, bdf)))
		snprintf(where, sizeof(where), "; the device recorded is now "
			 "at %s (its address changed): to take it there, "
			 "pciguard forget %s and save %s again with "
			 "--persistent", moved->bdf_str, bdf, moved->bdf_str);
	if (!d) {
		snprintf(it->why, sizeof(it->why), "refused: expected %s, "
			 "found no device at this address%s", want,
			 where[0] ? where : "; if it was removed for good: "
			 "pciguard forget");
		return false;
	}
	ident_text(&id, found, sizeof(found));
	if (diff & PG_IDENT_ID)
		kind = "a different device";
	else if (diff & PG_IDENT_DSN)
		kind = "a different device (another serial number)";
	else if (diff & PG_IDENT_SUBSYS)
		kind = "a different device (another subsystem)";
	else
		kind = "the same model in another slot";
	if (d->state != PCIGUARD_STATE_HOST)
		snprintf(state, sizeof(state), "left in quarantine: 'pciguard "
			 "release --to-host %s' gives it to dom0", bdf);
	else
		snprintf(state, sizeof(state), "left with dom0 (%s)",
			 d->driver[0] ? d->driver : "no driver");
	snprintf(it->why, sizeof(it->why), "refused: expected %s, found %s: "
		 "%s, %s%s", want, found, kind, state,
		 where[0] ? where : "; if it is the one you want: pciguard "
		 "forget, then hide or assign it again with --persistent");
	return false;
}

/* Does the device already have what the entry asks for? */
static bool already(const struct item *it)
{
	const struct pg_store_entry *e = it->e;
	const struct pg_dev *d = it->now;
	char a[PG_STORE_LINE_MAX], b[PG_STORE_LINE_MAX];
	struct pg_opts o, want;

	/* A hidden device a guest has now stays with it. */
	if (e->action == PG_STORE_HIDE)
		return d->state != PCIGUARD_STATE_HOST;
	if (d->state != PCIGUARD_STATE_ASSIGNED || strcmp(d->guest, e->guest))
		return false;
	pg_opts_of(d, &o);
	want = e->opts;
	if (!want.backend)
		want.backend = o.backend;
	if (pg_options_format(&want, a, sizeof(a)) < 0 ||
	    pg_options_format(&o, b, sizeof(b)) < 0)
		return false;
	return !strcmp(a, b);
}

/* Do @a and @b go in one request? */
static bool same_request(const struct pg_store_entry *a,
			 const struct pg_store_entry *b)
{
	char x[PG_STORE_LINE_MAX], y[PG_STORE_LINE_MAX];

	if (a->action != b->action || a->force != b->force)
		return false;
	if (pg_store_action_format(a, x, sizeof(x)) < 0 ||
	    pg_store_action_format(b, y, sizeof(y)) < 0)
		return false;
	return !strcmp(x, y);
}

/* One request for the @n items at @its (same action); 0 or -1. */
static int apply(struct pg_nl *nl, const struct pg_devlist *list,
		 struct item **its, size_t n)
{
	const struct pg_store_entry *e = its[0]->e;
	struct pg_bdf *bdfs = calloc(n, sizeof(*bdfs));
	struct pg_opts o = e->opts;
	size_t i;
	int ret;

	if (!bdfs) {
		pg_err("out of memory");
		return -1;
	}
	for (i = 0; i < n; i++)
		bdfs[i] = its[i]->e->bdf;
	if (e->action == PG_STORE_HIDE)
		ret = pg_hide(nl, list, bdfs, n, e->force, true);
	else
		ret = pg_assign(nl, list, e->guest, bdfs, n, &o, e->force,
				true);
	free(bdfs);
	return ret;
}

/* Say how @it ended, in one line. */
static void report(struct pg_nl *nl, struct item *it, bool dry_run)
{
	const struct pg_store_entry *e = it->e;
	char bdf[PG_BDF_STRLEN], act[PG_STORE_LINE_MAX], res[96];
	struct pg_dev d;

	pg_bdf_format(bdf, sizeof(bdf), &e->bdf);
	if (pg_store_action_format(e, act, sizeof(act)) < 0)
		act[0] = '\0';
	switch (it->out) {
	case REFUSED:
		printf("%s: %s\n", bdf, it->why);
		return;
	case FAILED:
		printf("%s: %s: failed (the reason is above)\n", bdf, act);
		return;
	case ALREADY:
		if (e->action == PG_STORE_HIDE &&
		    it->now->state == PCIGUARD_STATE_ASSIGNED)
			printf("%s: hide: in custody already, assigned to %s "
			       "now (left so)\n", bdf, it->now->guest);
		else
			printf("%s: %s: already so\n", bdf, act);
		return;
	case PENDING:
		printf("%s: %s: would be done%s\n", bdf, act,
		       dry_run ? "" : " (not reached)");
		return;
	case RESTORED:
		break;
	}
	if (pg_nl_dev_get(nl, &e->bdf, &d)) {
		printf("%s: %s: done, but its state cannot be read\n", bdf,
		       act);
		return;
	}
	it->reset = d.has_reset && !(e->action == PG_STORE_ASSIGN &&
				     e->opts.no_strict_reset);
	it->reset_msecs = d.reset_msecs;
	pg_reset_result(&d, res, sizeof(res));
	if (e->action == PG_STORE_HIDE)
		printf("%s: quarantined (was %s; reset %s)\n", bdf,
		       d.orig_driver[0] ? d.orig_driver : "not bound", res);
	else
		printf("%s: assigned to %s through %s (reset %s)%s%s\n", bdf,
		       d.guest, pg_backend_name(d.backend),
		       it->reset ? res : "not checked: no-strict-reset",
		       d.permissive || d.ngrants ? "; config writes: " : "",
		       d.permissive ? "permissive" :
		       d.ngrants ? "allow-write grants" : "");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The closing line: counts, time, and each reset this restore did. */
static void summary(const struct item *its, size_t n, double secs)
{
	size_t c[FAILED + 1] = { 0 }, i, shown = 0;
	char bdf[PG_BDF_STRLEN];

	for (i = 0; i < n; i++)
		c[its[i].out]++;
	printf("restore: %zu entr%s: %zu restored, %zu already so, %zu "
	       "refused, %zu failed in %.2f s", n, n == 1 ? "y" : "ies",
	       c[RESTORED], c[ALREADY], c[REFUSED], c[FAILED] + c[PENDING],
	       secs);
	for (i = 0; i < n; i++) {
		if (its[i].out != RESTORED || !its[i].reset)
			continue;
		pg_bdf_format(bdf, sizeof(bdf), &its[i].e->bdf);
		printf("%s %s %u ms", shown++ ? "," : "; resets:", bdf,
		       its[i].reset_msecs);
	}
	putchar('\n');
}

/*
 * Apply every pending item, grouped into requests. A group that fails is
 * tried again one device at a time, so that one bad entry does not keep
 * the others from their guests.
 */
static void apply_all(struct pg_nl *nl, const struct pg_devlist *list,
		      struct item *items, size_t n)
{
	struct item **grp = calloc(n, sizeof(*grp));
	size_t i, k, m;

	if (!grp) {
		pg_err("out of memory");
		return;
	}
	for (i = 0; i < n; i++) {
		if (items[i].out != PENDING)
			continue;
		for (m = 0, k = i; k < n; k++)
			if (items[k].out == PENDING &&
			    same_request(items[i].e, items[k].e))
				grp[m++] = &items[k];
		if (!apply(nl, list, grp, m)) {
			for (k = 0; k < m; k++)
				grp[k]->out = RESTORED;
			continue;
		}
		for (k = 0; k < m; k++) {
			grp[k]->out = FAILED;
			if (m > 1 && !apply(nl, list, &grp[k], 1))
				grp[k]->out = RESTORED;
		}
	}
	free(grp);
}

int restore_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct pg_persist p = { .dirfd = -1 };
	struct pg_devlist list = { 0 };
	struct item *items = NULL;
	struct pg_nl *nl = NULL;
	bool dry_run = false;
	int c, ret = PG_EXIT_ERR;
	double start = now();
	size_t i, bad = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "nh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			dry_run = true;
			break;
		case 'h':
			fputs(restore_usage, stdout);
			return PG_EXIT_OK;
		default:
			return pg_usage_err(restore_usage,
					    "restore: unknown option '%s'",
					    argv[optind - 1]);
		}
	}
	if (optind < argc)
		return pg_usage_err(restore_usage, "restore: takes no "
				    "devices; it restores every entry of %s/%s",
				    pg_config_dir(), PG_STORE_FILE);
	if ((!dry_run && pg_require_admin("restore", NULL, 0)) ||
	    pg_persist_open(&p, false))
		goto out;
	if (!p.store.n) {
		printf("restore: no entries in %s/%s\n", pg_config_dir(),
		       PG_STORE_FILE);
		ret = PG_EXIT_OK;
		goto out;
	}
	if (pg_nl_open(&nl) || pg_nl_dev_dump(nl, &list))
		goto out;
	items = calloc(p.store.n ? p.store.n : 1, sizeof(*items));
	if (!items) {
		pg_err("out of memory");
		goto out;
	}
	for (i = 0; i < p.store.n; i++) {
		struct item *it = &items[i];
		const struct pg_dev *d;

		it->e = &p.store.e[i];
		d = pg_devlist_find(&list, &it->e->bdf);
		it->now = d && !d->absent ? d : NULL;
		if (!identity_ok(it, &list))
			it->out = REFUSED;
		else if (already(it))
			it->out = ALREADY;
	}
	if (!dry_run)
		apply_all(nl, &list, items, p.store.n);
	for (i = 0; i < p.store.n; i++) {
		report(nl, &items[i], dry_run);
		bad += items[i].out == REFUSED || items[i].out == FAILED ||
		       (items[i].out == PENDING && !dry_run);
	}
	if (!dry_run)
		summary(items, p.store.n, now() - start);
	else
		printf("restore: %zu entr%s checked, %zu refused; nothing was "
		       "changed (--dry-run)\n", p.store.n,
		       p.store.n == 1 ? "y" : "ies", bad);
	ret = bad ? PG_EXIT_ERR : PG_EXIT_OK;
out:
	free(items);
	pg_persist_close(&p);
	pg_devlist_free(&list);
	pg_nl_close(nl);
	return ret;
}

int forget_main(int argc, char **argv)
{
	char before[PG_HIDE_STRING_MAX], act[PG_STORE_LINE_MAX];
	struct pg_persist p = { .dirfd = -1 };
	struct pg_bdf *bdfs = NULL;
	int ret, n, i;
	bool json;

	ret = pg_json_opts(argc, argv, forget_usage, &json);
	if (ret >= 0)
		return ret;
	if (json)
		return pg_usage_err(forget_usage, "forget: --json is not "
				    "supported here");
	n = pg_parse_bdf_args(argc, argv, forget_usage, "forget", &bdfs);
	if (n < 0)
		return -n;
	ret = PG_EXIT_ERR;
	if (pg_require_admin("forget", bdfs, n) || pg_persist_open(&p, true))
		goto out;
	for (i = 0; i < n; i++) {
		char name[PG_BDF_STRLEN];

		if (pg_store_find(&p.store, &bdfs[i]))
			continue;
		pg_bdf_format(name, sizeof(name), &bdfs[i]);
		pg_err("cannot forget %s: %s/%s has no entry for it "
		       "('pciguard restore --dry-run' lists the entries); "
		       "nothing was changed", name, pg_config_dir(),
		       PG_STORE_FILE);
		goto out;
	}
	if (pg_store_hide_string(&p.store, before, sizeof(before)) < 0)
		before[0] = '\0';
	for (i = 0; i < n; i++) {
		struct pg_store_entry *e = pg_store_find(&p.store, &bdfs[i]);
		char name[PG_BDF_STRLEN];

		if (!e)
			continue;	/* named twice */
		pg_bdf_format(name, sizeof(name), &bdfs[i]);
		if (pg_store_action_format(e, act, sizeof(act)) < 0)
			act[0] = '\0';
		printf("%s: forgotten (was: %s); its state now is unchanged\n",
		       name, act);
		pg_store_del(&p.store, e);
	}
	if (pg_persist_commit(&p, before))
		goto out;
	ret = PG_EXIT_OK;
out:
	pg_persist_close(&p);
	free(bdfs);
	return ret;
}
