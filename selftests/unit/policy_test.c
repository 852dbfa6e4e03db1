// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for kmod/policy.c: which devices pciguard agrees to take
 * from dom0, and the reasons it gives. Table-driven; ASan and UBSan.
 */
#include "kselftest_harness.h"
#include "policy.h"

struct check_case {
	const char *what;
	struct pg_custody_facts f;
	bool force;
	enum pg_custody_verdict want;
};

static const struct check_case cases[] = {
	/* Endpoints go, bound or not. */
	{ "NIC, bound", { 0x020000, 0, false, true }, false, PG_CUSTODY_OK },
	{ "NIC, unbound", { 0x020000, 0, false, false }, false, PG_CUSTODY_OK },
	{ "USB xHCI", { 0x0c0330, 0, false, true }, false, PG_CUSTODY_OK },
	{ "unclassified", { 0xff0000, 0, false, true }, false, PG_CUSTODY_OK },
	/* The platform never goes, force or not. */
	{ "host bridge", { 0x060000, 0, false, false }, false, PG_CUSTODY_HOST_BRIDGE },
	{ "host bridge, force", { 0x060000, 0, false, false }, true, PG_CUSTODY_HOST_BRIDGE },
	{ "root port", { 0x060400, 1, true, true }, false, PG_CUSTODY_BRIDGE },
	{ "root port, force", { 0x060400, 1, true, true }, true, PG_CUSTODY_BRIDGE },
	{ "subtractive bridge", { 0x060401, 1, true, false }, false, PG_CUSTODY_BRIDGE },
	{ "semi-transparent bridge", { 0x060900, 1, true, false }, false, PG_CUSTODY_BRIDGE },
	{ "CardBus bridge", { 0x060700, 2, true, false }, false, PG_CUSTODY_BRIDGE },
	/* A bridge that lies about its class is still a bridge. */
	{ "bridge with an odd class", { 0x020000, 1, true, false }, false, PG_CUSTODY_BRIDGE },
	{ "type 1 header, no bus", { 0x020000, 1, false, false }, false, PG_CUSTODY_HEADER },
	{ "type 2 header", { 0x020000, 2, false, false }, true, PG_CUSTODY_HEADER },
	/* ISA bridges are endpoints (type 0); only the class says "bridge". */
	{ "ISA bridge", { 0x060100, 0, false, true }, false, PG_CUSTODY_OK },
	/* Storage and display dom0 drives need force. */
	{ "AHCI, bound", { 0x010601, 0, false, true }, false, PG_CUSTODY_STORAGE },
	{ "AHCI, bound, force", { 0x010601, 0, false, true }, true, PG_CUSTODY_OK },
	{ "AHCI, unbound", { 0x010601, 0, false, false }, false, PG_CUSTODY_OK },
	{ "NVMe, bound", { 0x010802, 0, false, true }, false, PG_CUSTODY_STORAGE },
	{ "VGA, bound", { 0x030000, 0, false, true }, false, PG_CUSTODY_DISPLAY },
	{ "VGA, bound, force", { 0x030000, 0, false, true }, true, PG_CUSTODY_OK },
	{ "3D controller, unbound", { 0x030200, 0, false, false }, false, PG_CUSTODY_OK },
	/* A backend pciguard did not set up may be serving a guest. */
	{ "NIC on vfio-pci", { 0x020000, 0, false, true, true }, false, PG_CUSTODY_BACKEND },
	{ "NIC on vfio-pci, force", { 0x020000, 0, false, true, true }, true, PG_CUSTODY_OK },
	{ "bridge on a backend", { 0x060400, 1, true, true, true }, true, PG_CUSTODY_BRIDGE },
	/* A device a running Xen guest uses is not taken, force or not. */
	{ "NIC a guest uses", { 0x020000, 0, false, true, true, true }, false, PG_CUSTODY_IN_GUEST },
	{ "NIC a guest uses, force", { 0x020000, 0, false, true, true, true }, true, PG_CUSTODY_IN_GUEST },
	{ "bridge a guest uses", { 0x060400, 1, true, true, true, true }, true, PG_CUSTODY_BRIDGE },
};

TEST(check_table)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct check_case *c = &cases[i];

		EXPECT_EQ(c->want, pg_custody_check(&c->f, c->force))
			TH_LOG("case '%s'", c->what);
	}
}

TEST(messages_name_problem_and_fix)
{
	/* Every refusal says what the device is and what to do instead. */
	EXPECT_STREQ("device is a PCI-to-PCI bridge or root port: hide the devices behind it instead",
		     pg_custody_verdict_msg(PG_CUSTODY_BRIDGE));
	EXPECT_NE(NULL, strstr(pg_custody_verdict_msg(PG_CUSTODY_STORAGE),
			       "use force"));
	EXPECT_NE(NULL, strstr(pg_custody_verdict_msg(PG_CUSTODY_DISPLAY),
			       "use force"));
	EXPECT_NE(NULL, strstr(pg_custody_verdict_msg(PG_CUSTODY_HOST_BRIDGE),
			       "host bridge"));
	EXPECT_NE(NULL, strstr(pg_custody_verdict_msg(PG_CUSTODY_HEADER),
			       "header type 0"));
	EXPECT_NE(NULL, strstr(pg_custody_verdict_msg(PG_CUSTODY_IN_GUEST),
			       "xl pci-detach"));
	EXPECT_EQ(NULL, strstr(pg_custody_verdict_msg(PG_CUSTODY_IN_GUEST),
			       "force"));
	/* Out-of-range verdicts still get a string. */
	EXPECT_STREQ("device cannot be hidden",
		     pg_custody_verdict_msg((enum pg_custody_verdict)99));
}

TEST(backend_drivers)
{
	EXPECT_TRUE(pg_is_backend_driver("vfio-pci"));
	EXPECT_TRUE(pg_is_backend_driver("pciback"));
	EXPECT_FALSE(pg_is_backend_driver("e1000e"));
	EXPECT_FALSE(pg_is_backend_driver("pciguard"));
	EXPECT_FALSE(pg_is_backend_driver(""));
}

TEST(guest_names)
{
	char longest[PCIGUARD_GUEST_NAME_MAX], too_long[PCIGUARD_GUEST_NAME_MAX + 1];

	EXPECT_TRUE(pg_guest_name_valid("sys-net"));
	EXPECT_TRUE(pg_guest_name_valid("vm1"));
	EXPECT_TRUE(pg_guest_name_valid("Work_VM.2"));
	EXPECT_TRUE(pg_guest_name_valid("7"));
	EXPECT_FALSE(pg_guest_name_valid(""));
	EXPECT_FALSE(pg_guest_name_valid("-net"));
	EXPECT_FALSE(pg_guest_name_valid(".hidden"));
	EXPECT_FALSE(pg_guest_name_valid("sys net"));
	EXPECT_FALSE(pg_guest_name_valid("a/b"));
	EXPECT_FALSE(pg_guest_name_valid("vm\n"));
	EXPECT_FALSE(pg_guest_name_valid("vm\x01"));
	memset(longest, 'a', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	EXPECT_TRUE(pg_guest_name_valid(longest));
	memset(too_long, 'a', sizeof(too_long) - 1);
	too_long[sizeof(too_long) - 1] = '\0';
	EXPECT_FALSE(pg_guest_name_valid(too_long));
}

TEST(errnos)
{
	/*
	 * -EBUSY: force would change the answer, or it changes once the
	 * guest lets go; -EINVAL: nothing would.
	 */
	EXPECT_EQ(0, pg_custody_verdict_errno(PG_CUSTODY_OK));
	EXPECT_EQ(-EBUSY, pg_custody_verdict_errno(PG_CUSTODY_STORAGE));
	EXPECT_EQ(-EBUSY, pg_custody_verdict_errno(PG_CUSTODY_DISPLAY));
	EXPECT_EQ(-EBUSY, pg_custody_verdict_errno(PG_CUSTODY_BACKEND));
	EXPECT_EQ(-EBUSY, pg_custody_verdict_errno(PG_CUSTODY_IN_GUEST));
	EXPECT_EQ(-EINVAL, pg_custody_verdict_errno(PG_CUSTODY_HOST_BRIDGE));
	EXPECT_EQ(-EINVAL, pg_custody_verdict_errno(PG_CUSTODY_BRIDGE));
	EXPECT_EQ(-EINVAL, pg_custody_verdict_errno(PG_CUSTODY_HEADER));
}

TEST_HARNESS_MAIN
