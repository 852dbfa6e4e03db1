// SPDX-License-Identifier: GPL-2.0
/*
 * The -o OPT=VAL options of check and assign, in Qubes' spelling
 * (qvm-pci attach -o permissive=true -o no-strict-reset=true).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pciguard.h"

static int parse_bool(const char *usage, const char *verb, const char *key,
		      const char *val, bool *out)
{
	if (!strcmp(val, "true") || !strcmp(val, "1") || !strcmp(val, "yes"))
		*out = true;
	else if (!strcmp(val, "false") || !strcmp(val, "0") ||
		 !strcmp(val, "no"))
		*out = false;
	else
		return pg_usage_err(usage, "%s: %s takes true or false, not "
				    "'%s'", verb, key, val);
	return 0;
}

static int parse_num(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 0);
	return errno || end == s || *end || *out > max || *s == '-' ? -1 : 0;
}

/*
 * allow-write=OFF:LEN[:MASK] into @o's grants; the same register twice is
 * one grant with both masks (the module orders them). Whether it fits the
 * device's config space is for assign to judge, device by device.
 */
static int parse_grant(const char *usage, const char *verb, char *val,
		       struct pg_opts *o)
{
	char *len = strchr(val, ':'), *mask = NULL;
	unsigned long off, l, m = 0;
	struct pg_cfg_grant g;
	enum pg_cfg_grant_err err;
	unsigned int i;

	if (len) {
		*len++ = '\0';
		mask = strchr(len, ':');
		if (mask)
			*mask++ = '\0';
	}
	if (!len || parse_num(val, 0xfff, &off) || parse_num(len, 4, &l) ||
	    (mask && parse_num(mask, 0xffffffffUL, &m)))
		return pg_usage_err(usage, "%s: allow-write takes OFF:LEN[:MASK] "
				    "(OFF 0x0-0xfff, LEN 1, 2 or 4, MASK the "
				    "bits to open), e.g. allow-write=0x40:4",
				    verb);
	g.offset = off;
	g.len = l;
	g.mask = mask ? m : 0xffffffffU >> (32 - 8 * (l ? l : 4));
	err = pg_cfg_grant_check(&g, PG_CFG_SPACE_EXP_SIZE);
	if (err)
		return pg_usage_err(usage, "%s: allow-write=%s:%s%s%s: %s", verb,
				    val, len, mask ? ":" : "", mask ? mask : "",
				    pg_cfg_grant_errstr(err));
	for (i = 0; i < o->ngrants; i++) {
		if (o->grants[i].offset == g.offset && o->grants[i].len == g.len) {
			o->grants[i].mask |= g.mask;
			return 0;
		}
	}
	if (o->ngrants == PCIGUARD_MAX_GRANTS)
		return pg_usage_err(usage, "%s: at most %d allow-write grants per "
				    "device; a device that needs more needs "
				    "permissive=true", verb, PCIGUARD_MAX_GRANTS);
	o->grants[o->ngrants++] = g;
	return 0;
}

/**
 * pg_parse_option() - one -o OPT=VAL into @o
 * @arg: the argument; modified
 * @o: the options so far
 * @usage: the command's usage text, printed on error
 * @verb: the command, for messages
 *
 * Return: 0, or the usage exit code after the error was printed.
 */
int pg_parse_option(char *arg, struct pg_opts *o, const char *usage,
		    const char *verb)
{
	char *val = strchr(arg, '=');

	if (!val)
		return pg_usage_err(usage, "%s: -o takes OPT=VAL, not '%s'",
				    verb, arg);
	*val++ = '\0';
	if (!strcmp(arg, "no-strict-reset"))
		return parse_bool(usage, verb, arg, val, &o->no_strict_reset);
	if (!strcmp(arg, "permissive"))
		return parse_bool(usage, verb, arg, val, &o->permissive);
	if (!strcmp(arg, "allow-write"))
		return parse_grant(usage, verb, val, o);
	if (!strcmp(arg, "backend")) {
		if (!strcmp(val, "pciback"))
			o->backend = PCIGUARD_BACKEND_PCIBACK;
		else if (!strcmp(val, "vfio-pci"))
			o->backend = PCIGUARD_BACKEND_VFIO_PCI;
		else
			return pg_usage_err(usage, "%s: backend is pciback or "
					    "vfio-pci, not '%s'", verb, val);
		return 0;
	}
	return pg_usage_err(usage, "%s: unknown option '%s'; known: "
			    "no-strict-reset, permissive, allow-write, backend", verb,
			    arg);
}
