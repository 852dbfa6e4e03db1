// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for kmod/bdf.c: the PCI address forms admins type and the
 * stable path; and for userspace/pcipath.c: the address in a sysfs path.
 * Table-driven; built with ASan and UBSan.
 */
#include "bdf.h"
#include "pcipath.h"
#include "kselftest_harness.h"

struct parse_case {
	const char *in;
	int ret;
	struct pg_bdf want;
};

static const struct parse_case parse_cases[] = {
	/* The three accepted forms. */
	{ "0000:01:00.0", 0, { 0, 0x01, 0x00, 0 } },
	{ "01:00.0", 0, { 0, 0x01, 0x00, 0 } },
	{ "dom0:01_00.0", 0, { 0, 0x01, 0x00, 0 } },
	/* Upper- and lower-case hex, the extremes of every field. */
	{ "0000:FF:1F.7", 0, { 0, 0xff, 0x1f, 7 } },
	{ "ab:1f.7", 0, { 0, 0xab, 0x1f, 7 } },
	{ "dom0:0a_1c.3", 0, { 0, 0x0a, 0x1c, 3 } },
	{ "ffff:00:00.0", 0, { 0xffff, 0, 0, 0 } },
	{ "10000:00:02.0", 0, { 0x10000, 0, 2, 0 } },	/* VMD segments */
	{ "ffffffff:00:00.0", 0, { 0xffffffff, 0, 0, 0 } },
	/* Out of range. */
	{ "00:20.0", -EINVAL, { 0 } },		/* slot 32 */
	{ "00:1f.8", -EINVAL, { 0 } },		/* function 8 */
	{ "dom0:00_20.0", -EINVAL, { 0 } },
	/* Wrong shapes. */
	{ "", -EINVAL, { 0 } },
	{ "1:00.0", -EINVAL, { 0 } },		/* one-digit bus */
	{ "001:00.0", -EINVAL, { 0 } },
	{ "00:0.0", -EINVAL, { 0 } },
	{ "00:00.00", -EINVAL, { 0 } },
	{ "00:00", -EINVAL, { 0 } },
	{ "00:00.0 ", -EINVAL, { 0 } },
	{ " 00:00.0", -EINVAL, { 0 } },
	{ "000:00:00.0", -EINVAL, { 0 } },	/* 3-digit segment */
	{ "100000000:00:00.0", -EINVAL, { 0 } },	/* 9-digit segment */
	{ "0000:00_00.0", -EINVAL, { 0 } },
	{ "dom0:00:00.0", -EINVAL, { 0 } },	/* Qubes form uses '_' */
	{ "dom1:00_00.0", -EINVAL, { 0 } },
	{ "00:0g.0", -EINVAL, { 0 } },
	{ "0x00:00.0", -EINVAL, { 0 } },
	{ "0000:01:00.0:", -EINVAL, { 0 } },
	{ "-1:00.0", -EINVAL, { 0 } },
};

TEST(parse_table)
{
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct pg_bdf out = { 0x5a5a5a5a, 0x5a, 0x5a, 0x5a };
		int ret = pg_bdf_parse(c->in, &out);

		ASSERT_EQ(c->ret, ret) TH_LOG("case '%s'", c->in);
		if (ret) {
			/* A refused input leaves the output untouched. */
			EXPECT_EQ(0x5a5a5a5aU, out.domain);
			continue;
		}
		EXPECT_EQ(c->want.domain, out.domain) TH_LOG("case '%s'", c->in);
		EXPECT_EQ(c->want.bus, out.bus) TH_LOG("case '%s'", c->in);
		EXPECT_EQ(c->want.slot, out.slot) TH_LOG("case '%s'", c->in);
		EXPECT_EQ(c->want.function, out.function)
			TH_LOG("case '%s'", c->in);
	}
}

TEST(parse_null)
{
	struct pg_bdf out;

	EXPECT_EQ(-EINVAL, pg_bdf_parse(NULL, &out));
}

TEST(format_roundtrip)
{
	static const char *const forms[] = {
		"0000:00:00.0", "0000:ff:1f.7", "0001:03:00.1", "10000:e1:00.0",
	};
	char buf[PG_BDF_STRLEN];

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		struct pg_bdf b;

		ASSERT_EQ(0, pg_bdf_parse(forms[i], &b));
		ASSERT_EQ((int)strlen(forms[i]),
			  pg_bdf_format(buf, sizeof(buf), &b));
		EXPECT_STREQ(forms[i], buf);
	}
}

TEST(format_too_small)
{
	struct pg_bdf b = { 0, 1, 2, 3 };
	char buf[8];

	EXPECT_EQ(-ENOSPC, pg_bdf_format(buf, sizeof(buf), &b));
}

TEST(path_root_bus)
{
	struct pg_path_hop hops[] = { { 0x00, 0x1f, 2 } };
	char buf[64];

	ASSERT_EQ(7, pg_path_format(buf, sizeof(buf), 0, hops, 1));
	EXPECT_STREQ("00_1f.2", buf);
}

TEST(path_behind_bridges)
{
	/* Root port 00:02.0, then bus numbers below it are written as 00. */
	struct pg_path_hop hops[] = {
		{ 0x00, 0x02, 0 }, { 0x01, 0x00, 0 }, { 0x02, 0x01, 3 },
	};
	char buf[64];

	ASSERT_LT(0, pg_path_format(buf, sizeof(buf), 0, hops, 2));
	EXPECT_STREQ("00_02.0-00_00.0", buf);
	ASSERT_LT(0, pg_path_format(buf, sizeof(buf), 0, hops, 3));
	EXPECT_STREQ("00_02.0-00_00.0-00_01.3", buf);
}

TEST(path_other_segment)
{
	struct pg_path_hop hops[] = { { 0x80, 0x03, 0 }, { 0x81, 0x00, 1 } };
	char buf[64];

	ASSERT_LT(0, pg_path_format(buf, sizeof(buf), 0x10000, hops, 2));
	EXPECT_STREQ("10000:80_03.0-00_00.1", buf);
}

TEST(path_errors)
{
	struct pg_path_hop hops[] = { { 0, 2, 0 }, { 1, 0, 0 } };
	char buf[10];

	EXPECT_EQ(-EINVAL, pg_path_format(buf, sizeof(buf), 0, hops, 0));
	EXPECT_EQ(-ENOSPC, pg_path_format(buf, sizeof(buf), 0, hops, 2));
	EXPECT_EQ(-ENOSPC, pg_path_format(buf, 7, 0, hops, 1));
}

struct sysfs_case {
	const char *target;
	int ret;
	struct pg_bdf want;
};

static const struct sysfs_case sysfs_cases[] = {
	/* readlink of /sys/bus/usb/devices/usbN: a PCI xHCI, a bridge below. */
	{ "../../../devices/pci0000:00/0000:00:14.0/usb1", 0,
	  { 0, 0x00, 0x14, 0 } },
	{ "../../../devices/pci0000:00/0000:00:1c.0/0000:06:00.0/usb3", 0,
	  { 0, 0x06, 0x00, 0 } },
	{ "../../../devices/pci10000:e0/10000:e1:00.3/usb2", 0,
	  { 0x10000, 0xe1, 0x00, 3 } },
	{ "0000:00:14.0/usb1", 0, { 0, 0x00, 0x14, 0 } },
	/* Not below a PCI device: a virtual or platform host controller. */
	{ "../../../devices/platform/dummy_hcd.0/usb3", -ENODEV, { 0 } },
	{ "../../../devices/pci0000:00/usb1", -ENODEV, { 0 } },
	{ "usb1", -ENODEV, { 0 } },
	{ "/usb1", -ENODEV, { 0 } },
	{ "", -ENODEV, { 0 } },
	{ "../0000:00:14.0", -ENODEV, { 0 } },	/* the device itself */
	{ "x/00000000000000000000:00:14.0/usb1", -ENODEV, { 0 } },
};

TEST(sysfs_parent_table)
{
	for (size_t i = 0; i < sizeof(sysfs_cases) / sizeof(sysfs_cases[0]);
	     i++) {
		const struct sysfs_case *c = &sysfs_cases[i];
		struct pg_bdf out = { 0x5a5a5a5a, 0x5a, 0x5a, 0x5a };
		int ret = pg_sysfs_parent_bdf(c->target, &out);

		ASSERT_EQ(c->ret, ret) TH_LOG("case '%s'", c->target);
		if (ret) {
			EXPECT_EQ(0x5a5a5a5aU, out.domain);
			EXPECT_EQ(0x5a, out.bus);
			continue;
		}
		EXPECT_EQ(c->want.domain, out.domain) TH_LOG("case '%s'", c->target);
		EXPECT_EQ(c->want.bus, out.bus) TH_LOG("case '%s'", c->target);
		EXPECT_EQ(c->want.slot, out.slot) TH_LOG("case '%s'", c->target);
		EXPECT_EQ(c->want.function, out.function)
			TH_LOG("case '%s'", c->target);
	}
}

TEST_HARNESS_MAIN
