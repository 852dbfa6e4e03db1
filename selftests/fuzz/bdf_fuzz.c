// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the PCI address forms: any bytes, as a string, into
 * pg_bdf_parse() (kmod/bdf.c, what every BDF argument of the CLI goes
 * through) and pg_sysfs_parent_bdf() (userspace/pcipath.c, the address in a
 * sysfs link); the same bytes as a device's hops into pg_path_format(), the
 * stable path the module reports and the persistent store keeps.
 *
 * The promises checked: pg_bdf_parse() accepts exactly the three documented
 * forms (an independent matcher here says which), leaves its output alone on
 * refusal, and what it accepts formats to canonical text of at most
 * PG_BDF_STRLEN - 1 characters that parses back to the same address, in
 * either case of hex digits; formatting never writes past the buffer it is
 * given and says -ENOSPC when that is too small. pg_sysfs_parent_bdf() names
 * the address of the second-to-last path element and nothing else. A stable
 * path follows its grammar, [SSSS:]BB_DD.F(-00_DD.F)*, element by element,
 * and the store's parser takes every path that fits PCIGUARD_PATH_MAX.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bdf.h"
#include "pcipath.h"
#include "store.h"

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "bdf_fuzz: %s:%d: %s\n", __FILE__,	\
			__LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

/* The module's PG_PATH_MAX_HOPS (devinfo.h, a kernel-only header). */
#define MAX_HOPS	16

static const struct pg_bdf poison = { 0x5a5a5a5a, 0x5a, 0x5a, 0x5a };

static bool bdf_eq(const struct pg_bdf *a, const struct pg_bdf *b)
{
	return a->domain == b->domain && a->bus == b->bus &&
	       a->slot == b->slot && a->function == b->function;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Does @s match @pat exactly, where 'x' is a hex digit and anything else
 * itself? The hex digits' value goes to *@val, in order.
 */
static bool match(const char *s, const char *pat, uint64_t *val)
{
	*val = 0;
	for (; *pat; pat++, s++) {
		if (*pat == 'x') {
			if (hexval(*s) < 0)
				return false;
			*val = *val << 4 | hexval(*s);
		} else if (*s != *pat) {
			return false;
		}
	}
	return !*s;
}

/* The reference: the forms pg_bdf_parse() documents, matched plainly. */
static bool ref_parse(const char *s, struct pg_bdf *b)
{
	static const char *const forms[] = {
		"xx:xx.x", "dom0:xx_xx.x", "xxxx:xx:xx.x", "xxxxx:xx:xx.x",
		"xxxxxx:xx:xx.x", "xxxxxxx:xx:xx.x", "xxxxxxxx:xx:xx.x",
	};
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		if (!match(s, forms[i], &v))
			continue;
		b->function = v & 0xf;
		b->slot = (v >> 4) & 0xff;
		b->bus = (v >> 12) & 0xff;
		b->domain = v >> 20;
		return b->slot <= 31 && b->function <= 7;
	}
	return false;
}

/* pg_bdf_format() into exactly sized heap buffers: ASan sees any overrun. */
static void check_format(const struct pg_bdf *b, const char *canon, int n)
{
	for (size_t len = 0; len <= (size_t)n + 1; len++) {
		char *buf = malloc(len ? len : 1);
		int ret;

		CHECK(buf);
		ret = pg_bdf_format(len ? buf : NULL, len, b);
		if (len <= (size_t)n) {
			CHECK(ret == -ENOSPC);
			if (len)
				CHECK(!strncmp(buf, canon, len - 1) &&
				      !buf[len - 1]);
		} else {
			CHECK(ret == n && !strcmp(buf, canon));
		}
		free(buf);
	}
}

static void check_bdf(const char *s)
{
	struct pg_bdf out = poison, ref = poison, back = poison;
	char canon[PG_BDF_STRLEN], again[PG_BDF_STRLEN], *alt;
	bool want = ref_parse(s, &ref);
	int ret = pg_bdf_parse(s, &out), n;
	size_t i;

	CHECK(ret == 0 || ret == -EINVAL);
	CHECK(!ret == want);
	if (ret) {
		CHECK(bdf_eq(&out, &poison));
		return;
	}
	CHECK(bdf_eq(&out, &ref));
	CHECK(strlen(s) >= 7 && strlen(s) < PG_BDF_STRLEN);
	CHECK(out.slot <= 31 && out.function <= 7);

	n = pg_bdf_format(canon, sizeof(canon), &out);
	CHECK(n >= 12 && n < PG_BDF_STRLEN && (size_t)n == strlen(canon));
	CHECK(!pg_bdf_parse(canon, &back) && bdf_eq(&back, &out));
	/* Canonical: lower case, and a fixed point of parse and format. */
	for (i = 0; canon[i]; i++)
		CHECK(!isupper((unsigned char)canon[i]));
	CHECK(pg_bdf_format(again, sizeof(again), &back) == n &&
	      !strcmp(again, canon));
	check_format(&out, canon, n);

	/* Hex digits in the other case: the same address. */
	alt = strdup(s);
	CHECK(alt);
	for (i = strncmp(s, "dom0:", 5) ? 0 : 5; alt[i]; i++)
		alt[i] = isupper((unsigned char)alt[i]) ?
			 tolower((unsigned char)alt[i]) :
			 toupper((unsigned char)alt[i]);
	back = poison;
	CHECK(!pg_bdf_parse(alt, &back) && bdf_eq(&back, &out));
	free(alt);
}

static void check_sysfs(const char *s)
{
	struct pg_bdf out = poison, want = poison, again = poison;
	const char *last = strrchr(s, '/'), *start;
	char canon[PG_BDF_STRLEN], *elem, *path;
	int ret = pg_sysfs_parent_bdf(s, &out);

	CHECK(ret == 0 || ret == -ENODEV);
	/* Independently: the element between the last two '/'. */
	if (last) {
		for (start = last; start > s && start[-1] != '/'; start--)
			;
		elem = strndup(start, last - start);
		CHECK(elem);
		CHECK(!ret == !pg_bdf_parse(elem, &want));
		free(elem);
	} else {
		CHECK(ret);
	}
	if (ret) {
		CHECK(bdf_eq(&out, &poison));
		return;
	}
	CHECK(bdf_eq(&out, &want));

	/* Whatever lies above the parent does not matter. */
	CHECK(asprintf(&path, "../../devices/pci0000:00/%s", s) > 0);
	CHECK(!pg_sysfs_parent_bdf(path, &again) && bdf_eq(&again, &out));
	free(path);
	/* The canonical link of the same device gives the same address. */
	pg_bdf_format(canon, sizeof(canon), &out);
	CHECK(asprintf(&path, "../../../devices/pci%04x:00/%s/usb1",
		       out.domain, canon) > 0);
	again = poison;
	CHECK(!pg_sysfs_parent_bdf(path, &again) && bdf_eq(&again, &out));
	free(path);
}

/* Does @s follow [SSSS:]BB_DD.F(-00_DD.F)* and name exactly @hops? */
static bool path_ok(const char *s, uint32_t domain,
		    const struct pg_path_hop *hops, unsigned int nhops)
{
	char want[16];
	unsigned int i;
	uint64_t v;

	if (domain) {
		snprintf(want, sizeof(want), "%04x:", domain);
		if (strncmp(s, want, strlen(want)))
			return false;
		s += strlen(want);
	}
	for (i = 0; i < nhops; i++) {
		size_t len = i ? 8 : 7;
		char elem[9];

		snprintf(elem, len + 1, "%s", s);
		if (!match(elem, i ? "-xx_xx.x" : "xx_xx.x", &v))
			return false;
		if ((v & 0xf) != hops[i].function ||
		    ((v >> 4) & 0xff) != hops[i].slot ||
		    (v >> 12) != (i ? 0 : hops[i].bus))
			return false;
		s += len;
	}
	return !*s;
}

/* The store keeps a device's path; it must take what the module prints. */
static void check_store_takes(const char *path)
{
	char err[PG_STORE_ERR_MAX], *text;
	struct pg_store st;
	unsigned int line = 0;

	CHECK(asprintf(&text, "device 0000:01:00.0\n\tpath %s\n\tid 1af4:1041\n"
		       "\tsubsystem 1af4:1100\n\thide\n", path) > 0);
	if (pg_store_parse(text, strlen(text), &st, &line, err, sizeof(err))) {
		fprintf(stderr, "bdf_fuzz: the store refuses path '%s': "
			"line %u: %s\n", path, line, err);
		abort();
	}
	CHECK(st.n == 1 && !strcmp(st.e[0].id.path, path));
	pg_store_free(&st);
	free(text);
}

static void check_path(const uint8_t *data, size_t size)
{
	struct pg_path_hop hops[MAX_HOPS];
	char buf[PCIGUARD_PATH_MAX + 16];
	unsigned int nhops, i;
	uint32_t domain = 0;
	size_t total;
	int n;

	/* Segment 0 for half the inputs, as on most machines. */
	if (size >= 4 && data[0] & 1)
		domain = (uint32_t)data[0] | data[1] << 8 | data[2] << 16 |
			 (uint32_t)data[3] << 24;
	nhops = 1 + size % MAX_HOPS;
	for (i = 0; i < nhops; i++) {
		size_t k = size ? (4 + 3 * i) % size : 0;

		hops[i].bus = size ? data[k] : 0;
		hops[i].slot = size ? data[(k + 1) % size] & 0x1f : 0;
		hops[i].function = size ? data[(k + 2) % size] & 7 : 0;
	}

	/* Its length, known beforehand: the buffer here always suffices. */
	total = 7 + 8 * (nhops - 1) +
		(domain ? snprintf(NULL, 0, "%04x:", domain) : 0);
	CHECK(total < sizeof(buf));
	CHECK(pg_path_format(buf, sizeof(buf), domain, hops, 0) == -EINVAL);
	n = pg_path_format(buf, sizeof(buf), domain, hops, nhops);
	CHECK(n > 0 && (size_t)n == total && strlen(buf) == total);
	CHECK(path_ok(buf, domain, hops, nhops));

	/* Smaller buffers, exactly sized: -ENOSPC and no overrun. */
	for (size_t len = n; len > 0; len = len * 2 / 3) {
		char *small = malloc(len);

		CHECK(small);
		CHECK(pg_path_format(small, len, domain, hops, nhops) ==
		      -ENOSPC);
		CHECK(!strncmp(small, buf, strnlen(small, len)));
		free(small);
	}
	if ((size_t)n < PCIGUARD_PATH_MAX)
		check_store_takes(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	CHECK(s);
	memcpy(s, data, size);
	s[size] = '\0';
	check_bdf(s);
	check_sysfs(s);
	check_path(data, size);
	free(s);
	return 0;
}
