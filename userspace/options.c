// SPDX-License-Identifier: GPL-2.0
/*
 * The -o OPT=VAL options of check and assign, in Qubes' spelling
 * (qvm-pci attach -o permissive=true -o no-strict-reset=true). Pure C: no
 * output, so that the persistent store and its fuzzer use it as it is.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

static __attribute__((format(printf, 3, 4)))
int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

static int parse_bool(const char *key, const char *val, bool *out,
		      char *err, size_t len)
{
	if (!strcmp(val, "true") || !strcmp(val, "1") || !strcmp(val, "yes"))
		*out = true;
	else if (!strcmp(val, "false") || !strcmp(val, "0") ||
		 !strcmp(val, "no"))
		*out = false;
	else
		return fail(err, len, "%s takes true or false, not '%.32s'",
			    key, val);
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
static int parse_grant(char *val, struct pg_opts *o, char *err, size_t elen)
{
	char *len = strchr(val, ':'), *mask = NULL;
	unsigned long off, l, m = 0;
	struct pg_cfg_grant g;
	enum pg_cfg_grant_err e;
	unsigned int i;

	if (len) {
		*len++ = '\0';
		mask = strchr(len, ':');
		if (mask)
			*mask++ = '\0';
	}
	if (!len || parse_num(val, 0xfff, &off) || parse_num(len, 4, &l) ||
	    (mask && parse_num(mask, 0xffffffffUL, &m)))
		return fail(err, elen, "allow-write takes OFF:LEN[:MASK] (OFF "
			    "0x0-0xfff, LEN 1, 2 or 4, MASK the bits to open), "
			    "e.g. allow-write=0x40:4");
	g.offset = off;
	g.len = l;
	g.mask = mask ? m : 0xffffffffU >> (32 - 8 * (l ? l : 4));
	e = pg_cfg_grant_check(&g, PG_CFG_SPACE_EXP_SIZE);
	if (e)
		return fail(err, elen, "allow-write=%.8s:%.8s%s%.12s: %s", val,
			    len, mask ? ":" : "", mask ? mask : "",
			    pg_cfg_grant_errstr(e));
	for (i = 0; i < o->ngrants; i++) {
		if (o->grants[i].offset == g.offset && o->grants[i].len == g.len) {
			o->grants[i].mask |= g.mask;
			return 0;
		}
	}
	if (o->ngrants == PCIGUARD_MAX_GRANTS)
		return fail(err, elen, "at most %d allow-write grants per "
			    "device; a device that needs more needs "
			    "permissive=true", PCIGUARD_MAX_GRANTS);
	o->grants[o->ngrants++] = g;
	return 0;
}

/**
 * pg_option_parse() - one OPT=VAL into @o
 * @arg: the option; modified
 * @o: the options so far
 * @err: gets the reason on error (PG_OPT_ERR_MAX bytes suffice)
 * @errlen: size of @err
 *
 * Return: 0, or -1 with @err set.
 */
int pg_option_parse(char *arg, struct pg_opts *o, char *err, size_t errlen)
{
	char *val = strchr(arg, '=');

	if (!val)
		return fail(err, errlen, "-o takes OPT=VAL, not '%.32s'", arg);
	*val++ = '\0';
	if (!strcmp(arg, "no-strict-reset"))
		return parse_bool(arg, val, &o->no_strict_reset, err, errlen);
	if (!strcmp(arg, "permissive"))
		return parse_bool(arg, val, &o->permissive, err, errlen);
	if (!strcmp(arg, "allow-write"))
		return parse_grant(val, o, err, errlen);
	if (!strcmp(arg, "backend")) {
		if (!strcmp(val, "pciback"))
			o->backend = PCIGUARD_BACKEND_PCIBACK;
		else if (!strcmp(val, "vfio-pci"))
			o->backend = PCIGUARD_BACKEND_VFIO_PCI;
		else
			return fail(err, errlen, "backend is pciback or "
				    "vfio-pci, not '%.32s'", val);
		return 0;
	}
	return fail(err, errlen, "unknown option '%.32s'; known: "
		    "no-strict-reset, permissive, allow-write, backend", arg);
}

/**
 * pg_cfg_grant_format() - "OFF:LEN", with ":MASK" when it is not the whole
 *	register, as -o allow-write takes it
 * @g: the grant
 * @buf: the text
 * @len: its size
 */
void pg_cfg_grant_format(const struct pg_cfg_grant *g, char *buf, size_t len)
{
	uint32_t full = 0xffffffffU >> (32 - 8 * (g->len ? g->len : 4));

	if (g->mask == full)
		snprintf(buf, len, "0x%x:%u", g->offset, g->len);
	else
		snprintf(buf, len, "0x%x:%u:0x%x", g->offset, g->len, g->mask);
}

/**
 * pg_options_format() - @o as pg_option_parse() reads it back
 * @o: the options
 * @buf: gets "backend=... permissive=true ...", space separated; only
 *	what differs from the defaults
 * @len: size of @buf
 *
 * Return: the length written, or -ENOSPC.
 */
int pg_options_format(const struct pg_opts *o, char *buf, size_t len)
{
	size_t used = 0;
	unsigned int i;
	int n = 0;

	buf[0] = '\0';
#define PUT(...) do {							\
		n = snprintf(buf + used, len - used, __VA_ARGS__);	\
		if (n < 0 || (size_t)n >= len - used)			\
			return -ENOSPC;					\
		used += n;						\
	} while (0)
	if (o->backend == PCIGUARD_BACKEND_PCIBACK)
		PUT("backend=pciback");
	else if (o->backend == PCIGUARD_BACKEND_VFIO_PCI)
		PUT("backend=vfio-pci");
	if (o->no_strict_reset)
		PUT("%sno-strict-reset=true", used ? " " : "");
	if (o->permissive)
		PUT("%spermissive=true", used ? " " : "");
	for (i = 0; i < o->ngrants; i++) {
		char g[32];

		pg_cfg_grant_format(&o->grants[i], g, sizeof(g));
		PUT("%sallow-write=%s", used ? " " : "", g);
	}
#undef PUT
	return used;
}
