// SPDX-License-Identifier: GPL-2.0
/*
 * The config-space write policy as the CLI reports it: what an assignment
 * opened, the writes pciguard refused and the narrowest grants that would
 * have let them through, and whether xen-pciback applies what pciguard
 * asked for (its permissive and quirks files).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pciguard.h"

/**
 * pg_cfg_size() - bytes of config space of @bdf
 * @bdf: "DDDD:BB:DD.F"
 *
 * Return: 256 or 4096 as sysfs sizes the device's config file, or -1.
 */
int pg_cfg_size(const char *bdf)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/config",
		 pg_sysfs(), bdf);
	if (stat(path, &st))
		return -1;
	return (int)st.st_size;
}

/* The whole config space of @bdf into @buf; 0, or -1 (not root: 64 bytes). */
static int read_config(const char *bdf, uint8_t *buf, int size)
{
	char path[256];
	FILE *f;
	size_t got;

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/config",
		 pg_sysfs(), bdf);
	f = fopen(path, "rb");
	if (!f)
		return -1;
	got = fread(buf, 1, size, f);
	fclose(f);
	return got == (size_t)size ? 0 : -1;
}

/* Register names of @d, when its config space can be read (as root). */
struct names {
	uint8_t cfg[PG_CFG_SPACE_EXP_SIZE];
	int size;
	bool ok;
};

static void names_load(const struct pg_dev *d, struct names *n)
{
	n->size = d->absent ? -1 : pg_cfg_size(d->bdf_str);
	n->ok = n->size > 0 && n->size <= PG_CFG_SPACE_EXP_SIZE &&
		!read_config(d->bdf_str, n->cfg, n->size);
}

static const char *names_of(struct names *n, unsigned int off, char *buf,
			    size_t len)
{
	if (!n->ok || pg_cfg_describe(n->cfg, n->size, off, buf, len) < 0)
		snprintf(buf, len, "?");
	return buf;
}

/*
 * The narrowest grants that would have let @d's latest refused writes
 * through, one per register, into @g. xen-pciback opens whole registers:
 * no masks for it. Return: how many.
 */
static unsigned int suggest(const struct pg_dev *d, struct pg_cfg_grant *g)
{
	unsigned int i, k, n = 0;
	struct pg_cfg_grant x;

	for (i = 0; i < d->ndenial; i++) {
		pg_cfg_suggest(d->denial[i].offset, d->denial[i].len,
			       d->denial[i].mask, &x);
		if (!x.len)
			continue;
		if (d->backend == PCIGUARD_BACKEND_PCIBACK ||
		    (d->state != PCIGUARD_STATE_ASSIGNED && pg_xen_dom0()))
			x.mask = 0xffffffffU >> (32 - 8 * x.len);
		for (k = 0; k < n; k++)
			if (g[k].offset == x.offset && g[k].len == x.len)
				break;
		if (k < n)
			g[k].mask |= x.mask;
		else
			g[n++] = x;
	}
	return n;
}

/**
 * pg_cfg_suggest_line() - "-o allow-write=... " for @d's refused writes
 * @d: a device in custody
 * @indent: printed before the line
 *
 * Prints nothing when no write was refused.
 */
void pg_cfg_suggest_line(const struct pg_dev *d, const char *indent)
{
	struct pg_cfg_grant g[PCIGUARD_CFG_LAST];
	unsigned int i, n = suggest(d, g);
	char buf[32];

	if (!n)
		return;
	printf("%s%-16s", indent, "to allow them");
	for (i = 0; i < n; i++) {
		pg_cfg_grant_format(&g[i], buf, sizeof(buf));
		printf(" -o allow-write=%s", buf);
	}
	printf(" (narrowest; -o permissive=true opens everything)\n");
}

/**
 * pg_cfg_print() - show's lines on @d's config-space write policy
 * @d: a device in custody
 */
void pg_cfg_print(const struct pg_dev *d)
{
	struct names *n = calloc(1, sizeof(*n));
	char buf[160], g[32];
	unsigned int i;

	if (!n)
		return;
	names_load(d, n);
	if (d->permissive) {
		printf("  %-16s permissive: all of config space\n",
		       "config writes");
	} else {
		printf("  %-16s default whitelist (what xen-pciback lets a "
		       "guest change)%s\n", "config writes",
		       d->ngrants ? ", and:" : "");
		for (i = 0; i < d->ngrants; i++) {
			pg_cfg_grant_format(&d->grants[i], g, sizeof(g));
			printf("  %-16s allow-write=%s (%s)\n", "", g,
			       names_of(n, d->grants[i].offset, buf,
					sizeof(buf)));
		}
	}
	printf("  %-16s %u%s\n", "refused writes", d->cfg_denials,
	       d->ndenial ? ", latest:" : "");
	for (i = 0; i < d->ndenial; i++) {
		const struct pg_denial *x = &d->denial[i];

		printf("  %-16s 0x%x:%u (%s) = 0x%0*x by %s, bits 0x%0*x "
		       "refused\n", "", x->offset, x->len,
		       names_of(n, x->offset, buf, sizeof(buf)),
		       2 * x->len, x->value, x->comm, 2 * x->len, x->mask);
	}
	pg_cfg_suggest_line(d, "  ");
	if (d->violations)
		printf("  %-16s %u reported, latest: %s\n", "violations",
		       d->violations, d->violation);
	free(n);
}

/**
 * pg_cfg_json() - the "config" object of @d
 * @j: the writer
 * @d: the device
 */
void pg_cfg_json(struct pg_json *j, const struct pg_dev *d)
{
	struct pg_cfg_grant g[PCIGUARD_CFG_LAST];
	char buf[32];
	unsigned int i, n;

	if (!d->in_custody) {
		pg_json_null(j, "config");
		return;
	}
	pg_json_obj_begin(j, "config");
	pg_json_bool(j, "permissive", d->permissive);
	pg_json_arr_begin(j, "grants");
	for (i = 0; i < d->ngrants; i++) {
		pg_json_obj_begin(j, NULL);
		pg_json_int(j, "offset", d->grants[i].offset);
		pg_json_int(j, "len", d->grants[i].len);
		pg_json_int(j, "mask", d->grants[i].mask);
		pg_cfg_grant_format(&d->grants[i], buf, sizeof(buf));
		pg_json_str(j, "option", buf);
		pg_json_obj_end(j);
	}
	pg_json_arr_end(j);
	pg_json_int(j, "refused", d->cfg_denials);
	pg_json_arr_begin(j, "latest_refused");
	for (i = 0; i < d->ndenial; i++) {
		pg_json_obj_begin(j, NULL);
		pg_json_int(j, "offset", d->denial[i].offset);
		pg_json_int(j, "len", d->denial[i].len);
		pg_json_int(j, "value", d->denial[i].value);
		pg_json_int(j, "refused_bits", d->denial[i].mask);
		pg_json_str(j, "comm", d->denial[i].comm);
		pg_json_obj_end(j);
	}
	pg_json_arr_end(j);
	pg_json_arr_begin(j, "suggested_grants");
	n = suggest(d, g);
	for (i = 0; i < n; i++) {
		pg_cfg_grant_format(&g[i], buf, sizeof(buf));
		pg_json_str(j, NULL, buf);
	}
	pg_json_arr_end(j);
	pg_json_int(j, "violations", d->violations);
	pg_json_str_or_null(j, "last_violation",
			    d->violations ? d->violation : NULL);
	pg_json_obj_end(j);
}

/* Read a sysfs text file whole into a malloc'd string, or NULL. */
static char *slurp(const char *path)
{
	size_t n = 0, cap = 8192;
	char *buf = malloc(cap + 1);
	FILE *f = fopen(path, "r");

	if (!f || !buf) {
		if (f)
			fclose(f);
		free(buf);
		return NULL;
	}
	n = fread(buf, 1, cap, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* Does pciback's permissive file list @bdf? */
static bool pciback_permissive(const char *bdf)
{
	char path[256], *text, *line, *save = NULL;
	bool on = false;

	snprintf(path, sizeof(path), "%s/bus/pci/drivers/pciback/permissive",
		 pg_sysfs());
	text = slurp(path);
	for (line = text ? strtok_r(text, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save))
		if (!strcmp(line, bdf))
			on = true;
	free(text);
	return on;
}

/* The registers xen-pciback emulates at or above 0x40 (its capabilities). */
static bool pciback_own(const struct names *n, unsigned int off)
{
	static const struct {
		uint8_t id, len;
	} caps[] = { { 0x01, 8 }, { 0x03, 8 }, { 0x05, 4 }, { 0x11, 4 } };
	unsigned int pos, k, hops = 0;

	if (!n->ok || !(n->cfg[0x06] & 0x10))
		return false;
	for (pos = n->cfg[0x34] & ~3U; pos >= 0x40 && pos < 0x100 && hops < 48;
	     pos = n->cfg[pos + 1] & ~3U, hops++)
		for (k = 0; k < sizeof(caps) / sizeof(caps[0]); k++)
			if (n->cfg[pos] == caps[k].id && off >= pos &&
			    off < pos + caps[k].len)
				return true;
	return false;
}

/*
 * The config fields xen-pciback has for @bdf, from its quirks file (which
 * lists every field of every device it holds): "BB:DD.F" starts a device,
 * "\t\tOFFSET:SIZE:MASK" lines are its fields. Calls @fn for each.
 */
static void pciback_fields(const char *bdf,
			   void (*fn)(unsigned int off, unsigned int size,
				      void *arg), void *arg)
{
	char path[256], *text, *line, *save = NULL;
	unsigned int off, size, mask;
	bool mine = false;

	snprintf(path, sizeof(path), "%s/bus/pci/drivers/pciback/quirks",
		 pg_sysfs());
	text = slurp(path);
	for (line = text ? strtok_r(text, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!isspace((unsigned char)line[0])) {
			/* No domain in pciback's listing: bdf + 5 skips it. */
			mine = strlen(bdf) > 5 && !strcmp(line, bdf + 5);
			continue;
		}
		if (mine && !strncmp(line, "\t\t", 2) &&
		    sscanf(line + 2, "%x:%x:%x", &off, &size, &mask) == 3)
			fn(off, size, arg);
	}
	free(text);
}

struct audit {
	const struct pg_dev *d;
	struct names *n;
	bool found[PCIGUARD_MAX_GRANTS];
	char *out;
	size_t len;
};

static void audit_field(unsigned int off, unsigned int size, void *arg)
{
	struct audit *a = arg;
	unsigned int i;

	for (i = 0; i < a->d->ngrants; i++) {
		if (a->d->grants[i].offset == off &&
		    a->d->grants[i].len == size) {
			a->found[i] = true;
			return;
		}
	}
	if (off >= 0x40 && !pciback_own(a->n, off) && !a->out[0])
		snprintf(a->out, a->len, "xen-pciback has a quirk at 0x%x:%u "
			 "that pciguard did not grant: the guest can write "
			 "that register", off, size);
}

/**
 * pg_cfg_audit() - does xen-pciback apply the policy @d was assigned with?
 * @d: the device
 * @finding: what differs, "" when nothing does (or @d is not a pciback
 *	device, or this is not a Xen dom0)
 * @len: size of @finding
 */
void pg_cfg_audit(const struct pg_dev *d, char *finding, size_t len)
{
	struct audit a = { .d = d, .out = finding, .len = len };
	char path[256], *global;
	unsigned int i;
	bool on;

	finding[0] = '\0';
	if (d->state != PCIGUARD_STATE_ASSIGNED ||
	    d->backend != PCIGUARD_BACKEND_PCIBACK || d->absent ||
	    strcmp(d->driver, "pciback"))
		return;
	snprintf(path, sizeof(path), "%s/module/xen_pciback/parameters/permissive",
		 pg_sysfs());
	global = slurp(path);
	on = global && global[0] == 'Y';
	free(global);
	if (on && !d->permissive) {
		snprintf(finding, len, "xen-pciback's module parameter "
			 "permissive is on: every guest can write all of "
			 "config space (echo N > %s)", path);
		return;
	}
	on = pciback_permissive(d->bdf_str);
	if (on != d->permissive) {
		snprintf(finding, len, on ?
			 "xen-pciback has permissive on for it, but it was "
			 "assigned without: the guest can write all of config "
			 "space (detach and assign it again to clear it)" :
			 "it was assigned with permissive, but xen-pciback has "
			 "it off");
		return;
	}
	a.n = calloc(1, sizeof(*a.n));
	if (!a.n)
		return;
	names_load(d, a.n);
	pciback_fields(d->bdf_str, audit_field, &a);
	for (i = 0; !finding[0] && i < d->ngrants; i++) {
		char g[32];

		if (a.found[i])
			continue;
		pg_cfg_grant_format(&d->grants[i], g, sizeof(g));
		snprintf(finding, len, "allow-write=%s is not among "
			 "xen-pciback's quirks for it: the guest's writes "
			 "there are dropped", g);
	}
	free(a.n);
}
