// SPDX-License-Identifier: GPL-2.0
/*
 * PCI address parsing and formatting, shared by the module, the CLI and the
 * host tests. No kernel-only calls here: see compat.h.
 */
#include "bdf.h"

/*
 * Read exactly @min..@max hex digits from *@s into @val and advance *@s.
 * Return: 0, or -EINVAL when the digit count is out of range.
 */
static int take_hex(const char **s, unsigned int min, unsigned int max,
		    u32 *val)
{
	const char *p = *s;
	unsigned int n = 0;
	u32 v = 0;

	for (;;) {
		char c = *p;
		unsigned int d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			break;
		if (n == max)
			return -EINVAL;
		v = (v << 4) | d;
		n++;
		p++;
	}
	if (n < min)
		return -EINVAL;
	*s = p;
	*val = v;
	return 0;
}

static int take_char(const char **s, char c)
{
	if (**s != c)
		return -EINVAL;
	(*s)++;
	return 0;
}

/**
 * pg_bdf_parse() - parse a PCI address as an admin types it
 * @s: "DDDD:BB:DD.F" (segment of 4 to 8 hex digits), "BB:DD.F" (segment 0)
 *     or Qubes' "dom0:BB_DD.F"; hex digits in either case
 * @out: the parsed address, written only on success
 *
 * Return: 0 on success, -EINVAL when @s is in none of the accepted forms or
 * names a slot above 31 or a function above 7.
 */
int pg_bdf_parse(const char *s, struct pg_bdf *out)
{
	struct pg_bdf b = { 0 };
	const char *p = s;
	char busdev_sep = ':';
	u32 a, v;

	if (!s)
		return -EINVAL;
	if (!strncmp(p, "dom0:", 5)) {
		p += 5;
		busdev_sep = '_';
		if (take_hex(&p, 2, 2, &a))
			return -EINVAL;
	} else {
		const char *q = p;

		/* Segment present when a second ':' follows the first field. */
		if (take_hex(&q, 2, 8, &a))
			return -EINVAL;
		if (*q == ':' && q - p >= 4) {
			b.domain = a;
			p = q + 1;
			if (take_hex(&p, 2, 2, &a))
				return -EINVAL;
		} else {
			if (q - p != 2)
				return -EINVAL;
			p = q;
		}
	}
	b.bus = a;
	if (take_char(&p, busdev_sep) || take_hex(&p, 2, 2, &v) || v > 31)
		return -EINVAL;
	b.slot = v;
	if (take_char(&p, '.') || take_hex(&p, 1, 1, &v) || v > 7)
		return -EINVAL;
	b.function = v;
	if (*p)
		return -EINVAL;
	*out = b;
	return 0;
}

/**
 * pg_bdf_format() - canonical text of a PCI address
 * @buf: output buffer
 * @len: size of @buf; PG_BDF_STRLEN always suffices
 * @bdf: the address
 *
 * Return: the length written (without NUL), or -ENOSPC when @buf is too
 * small (then @buf holds a truncated string).
 */
int pg_bdf_format(char *buf, size_t len, const struct pg_bdf *bdf)
{
	int n = snprintf(buf, len, "%04x:%02x:%02x.%x", bdf->domain, bdf->bus,
			 bdf->slot, bdf->function);

	return n < 0 || (size_t)n >= len ? -ENOSPC : n;
}

/**
 * pg_path_format() - stable path of a device, Qubes R4.3 style
 * @buf: output buffer
 * @len: size of @buf
 * @domain: PCI segment of the device
 * @hops: the devices from the root bus down to the device itself, the one
 *	on the root bus first
 * @nhops: number of entries in @hops, at least 1
 *
 * The element for the device on the root bus is "BB_DD.F"; every element
 * below a bridge is "00_DD.F", because bus numbers behind bridges depend on
 * enumeration and are not stable. Elements are joined with '-'. Segments
 * other than 0 prefix the path with "SSSS:".
 *
 * Return: the length written (without NUL), -EINVAL for no hops, or
 * -ENOSPC when @buf is too small.
 */
int pg_path_format(char *buf, size_t len, u32 domain,
		   const struct pg_path_hop *hops, unsigned int nhops)
{
	size_t used = 0;
	unsigned int i;
	int n;

	if (!nhops || !len)
		return -EINVAL;
	buf[0] = '\0';
	if (domain) {
		n = snprintf(buf, len, "%04x:", domain);
		if (n < 0 || (size_t)n >= len)
			return -ENOSPC;
		used = n;
	}
	for (i = 0; i < nhops; i++) {
		n = snprintf(buf + used, len - used, "%s%02x_%02x.%x",
			     i ? "-" : "", i ? 0 : hops[i].bus, hops[i].slot,
			     hops[i].function);
		if (n < 0 || (size_t)n >= len - used)
			return -ENOSPC;
		used += n;
	}
	return used;
}
