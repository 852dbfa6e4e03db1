// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for userspace/store.c and options.c: the persistent
 * store's text form (what a hand edit may contain, the file:line errors,
 * the round trip through the printer) and the identity check restore
 * makes. ASan and UBSan.
 */
#include <stdlib.h>
#include <string.h>

#include "hide.h"
#include "kselftest_harness.h"
#include "store.h"

static const char good[] =
	"# a comment\n"
	"\n"
	"device 0000:01:00.0\n"
	"\t# Red Hat, Inc. Virtio 1.0 network device\n"
	"\tpath 00_10.0-00_00.0\n"
	"\tid 1af4:1041\n"
	"\tsubsystem 1af4:1100\n"
	"\tassign sys-net backend=pciback permissive=true allow-write=0x40:4\n"
	"device 02:00.0\n"
	"  hide\n"
	"  id 8086:10D3\n"
	"  subsystem 8086:0000\r\n"
	"  serial 52-54-00-ff-ff-00-02-01\n"
	"  path 00_11.0-00_00.0\n"
	"  force\n";

static int parse(const char *text, struct pg_store *s, unsigned int *line,
		 char *err)
{
	return pg_store_parse(text, strlen(text), s, line, err,
			      PG_STORE_ERR_MAX);
}

TEST(parse_good)
{
	char err[PG_STORE_ERR_MAX];
	struct pg_store s;
	unsigned int line = 0;
	struct pg_store_entry *e;

	ASSERT_EQ(0, parse(good, &s, &line, err));
	ASSERT_EQ(2U, s.n);
	e = &s.e[0];
	EXPECT_EQ(1U, e->bdf.bus);
	EXPECT_EQ(3U, e->line);
	EXPECT_STREQ("00_10.0-00_00.0", e->id.path);
	EXPECT_EQ(0x1af4U, e->id.vendor);
	EXPECT_EQ(0x1041, e->id.device);
	EXPECT_EQ(0x1100, e->id.subsys_device);
	EXPECT_FALSE(e->id.has_dsn);
	EXPECT_EQ(PG_STORE_ASSIGN, (int)e->action);
	EXPECT_STREQ("sys-net", e->guest);
	EXPECT_EQ((uint32_t)PCIGUARD_BACKEND_PCIBACK, e->opts.backend);
	EXPECT_TRUE(e->opts.permissive);
	EXPECT_FALSE(e->opts.no_strict_reset);
	ASSERT_EQ(1U, e->opts.ngrants);
	EXPECT_EQ(0x40U, e->opts.grants[0].offset);
	EXPECT_EQ(0xffffffffU, e->opts.grants[0].mask);
	EXPECT_FALSE(e->force);

	e = &s.e[1];
	EXPECT_EQ(2U, e->bdf.bus);
	EXPECT_EQ(0x10d3, e->id.device);
	EXPECT_TRUE(e->id.has_dsn);
	EXPECT_EQ(0x525400ffff000201ULL, e->id.dsn);
	EXPECT_EQ(PG_STORE_HIDE, (int)e->action);
	EXPECT_TRUE(e->force);
	pg_store_free(&s);
}

/* Printing and parsing again gives the same entries. */
TEST(round_trip)
{
	char err[PG_STORE_ERR_MAX], *text, *again;
	struct pg_store s, t;
	unsigned int line;
	size_t i;

	ASSERT_EQ(0, parse(good, &s, &line, err));
	strcpy(s.e[0].desc, "Red Hat, Inc. Virtio 1.0 network device");
	text = pg_store_format(&s);
	ASSERT_NE(NULL, text);
	ASSERT_EQ(0, parse(text, &t, &line, err)) {
		TH_LOG("%u: %s\n%s", line, err, text);
	}
	ASSERT_EQ(s.n, t.n);
	for (i = 0; i < s.n; i++) {
		EXPECT_EQ(s.e[i].bdf.domain, t.e[i].bdf.domain);
		EXPECT_EQ(s.e[i].bdf.bus, t.e[i].bdf.bus);
		EXPECT_EQ(s.e[i].bdf.slot, t.e[i].bdf.slot);
		EXPECT_EQ(s.e[i].bdf.function, t.e[i].bdf.function);
		EXPECT_EQ(0U, pg_ident_diff(&s.e[i].id, &t.e[i].id));
		EXPECT_EQ((int)s.e[i].action, (int)t.e[i].action);
		EXPECT_EQ(s.e[i].force, t.e[i].force);
		EXPECT_STREQ(s.e[i].guest, t.e[i].guest);
		char a[256], b[256];

		ASSERT_LT(0, pg_options_format(&s.e[i].opts, a, sizeof(a)) + 1);
		ASSERT_LT(0, pg_options_format(&t.e[i].opts, b, sizeof(b)) + 1);
		EXPECT_STREQ(a, b);
	}
	/* The printer's output is a fixed point. */
	again = pg_store_format(&t);
	ASSERT_NE(NULL, again);
	EXPECT_NE(NULL, strstr(text, "\t# Red Hat, Inc. Virtio 1.0 network device\n"));
	EXPECT_NE(NULL, strstr(text, "\tserial 52-54-00-ff-ff-00-02-01\n"));
	EXPECT_NE(NULL, strstr(text, "\tassign sys-net backend=pciback permissive=true allow-write=0x40:4\n"));
	t.e[0].desc[0] = s.e[0].desc[0];
	free(again);
	free(text);
	pg_store_free(&s);
	pg_store_free(&t);
}

struct bad_case {
	const char *text;
	unsigned int line;
	const char *msg;	/* a part of the message */
};

#define ENTRY "device 0000:01:00.0\npath 00_10.0-00_00.0\nid 1af4:1041\n" \
	      "subsystem 1af4:1100\n"

static const struct bad_case bad[] = {
	{ "path 00_10.0\n", 1, "'path' before any 'device' line" },
	{ "device 01:00\n", 1, "'device' takes one PCI address" },
	{ "device 0000:01:00.0 extra\n", 1, "'device' takes one PCI address" },
	{ ENTRY "hide\nfoo bar\n", 6, "unknown keyword 'foo'" },
	{ ENTRY "hide\nhide\n", 6, "a second hide|assign line in this entry (the first is at line 5)" },
	{ ENTRY "hide\nassign x\n", 6, "a second hide|assign line" },
	{ ENTRY, 1, "lacks a 'hide' or 'assign GUEST' line" },
	{ "device 0000:01:00.0\nhide\n", 1, "lacks a 'path' line" },
	{ ENTRY "hide\n" ENTRY "hide\n", 6, "0000:01:00.0 has a second entry (the first is at line 1)" },
	{ ENTRY "hide\ndevice 02:00.0\nhide\n", 6, "the entry for 0000:02:00.0 lacks a 'path' line" },
	{ ENTRY "assign\n", 5, "'assign' needs the guest's name" },
	{ ENTRY "assign -bad\n", 5, "invalid guest name '-bad'" },
	{ ENTRY "assign vm permissive=maybe\n", 5, "permissive takes true or false, not 'maybe'" },
	{ ENTRY "assign vm backend=kvm\n", 5, "backend is pciback or vfio-pci, not 'kvm'" },
	{ ENTRY "assign vm allow-write=0x40\n", 5, "allow-write takes OFF:LEN[:MASK]" },
	{ ENTRY "assign vm allow-write=0x41:2\n", 5, "allow-write=0x41:2" },
	{ ENTRY "assign vm frobnicate\n", 5, "-o takes OPT=VAL" },
	{ ENTRY "hide now\n", 5, "'hide' takes nothing after it" },
	{ ENTRY "hide\nforce yes\n", 6, "'force' takes nothing after it" },
	{ ENTRY "hide\nserial 52-54-00\n", 6, "'serial' takes the Device Serial Number" },
	{ ENTRY "hide\nserial 52-54-00-ff-ff-00-02-01-00\n", 6, "'serial' takes" },
	{ "device 0000:01:00.0\npath 00_10.0 x\n", 2, "'path' takes the stable PCI path" },
	{ "device 0000:01:00.0\npath /etc/passwd\n", 2, "'path' takes" },
	{ "device 0000:01:00.0\nid 1af4\n", 2, "'id' takes vendor:device in hex" },
	{ "device 0000:01:00.0\nid 1af4:10411\n", 2, "'id' takes" },
	{ "device 0000:01:00.0\nsubsystem zzzz:0000\n", 2, "'subsystem' takes" },
	{ "device 0000:01:00.0\nid 1af4:1041\nid 1af4:1041\n", 3, "a second id line in this entry (the first is at line 2)" },
};

TEST(parse_errors)
{
	char err[PG_STORE_ERR_MAX];
	struct pg_store s;
	unsigned int line;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		line = 0;
		err[0] = '\0';
		EXPECT_EQ(-1, parse(bad[i].text, &s, &line, err)) {
			TH_LOG("case %zu parsed", i);
		}
		EXPECT_EQ(0U, s.n);
		EXPECT_EQ(bad[i].line, line) {
			TH_LOG("case %zu: %s", i, err);
		}
		EXPECT_NE(NULL, strstr(err, bad[i].msg)) {
			TH_LOG("case %zu: '%s' lacks '%s'", i, err, bad[i].msg);
		}
	}
}

TEST(binary_and_long_lines)
{
	char err[PG_STORE_ERR_MAX], text[2 * PG_STORE_LINE_MAX];
	struct pg_store s;
	unsigned int line;

	ASSERT_EQ(-1, pg_store_parse("# x\n\0\n", 6, &s, &line, err,
				     sizeof(err)));
	EXPECT_EQ(2U, line);
	EXPECT_NE(NULL, strstr(err, "NUL byte"));

	memset(text, '#', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	ASSERT_EQ(-1, parse(text, &s, &line, err));
	EXPECT_EQ(1U, line);
	EXPECT_NE(NULL, strstr(err, "longer than"));

	/* Empty and comment-only files have no entries. */
	ASSERT_EQ(0, parse("", &s, &line, err));
	EXPECT_EQ(0U, s.n);
	ASSERT_EQ(0, parse("# nothing\n\n   \n", &s, &line, err));
	EXPECT_EQ(0U, s.n);
}

TEST(put_find_del_hide_string)
{
	struct pg_bdf a = { 0, 1, 0, 0 }, b = { 0, 3, 0, 1 }, c = { 1, 2, 3, 4 };
	char buf[64];
	struct pg_store s = { 0 };
	struct pg_store_entry *e;

	ASSERT_EQ(0, pg_store_hide_string(&s, buf, sizeof(buf)));
	EXPECT_STREQ("", buf);
	ASSERT_NE(NULL, pg_store_put(&s, &a));
	ASSERT_NE(NULL, pg_store_put(&s, &b));
	e = pg_store_put(&s, &a);
	EXPECT_EQ(&s.e[0], e);
	EXPECT_EQ(2U, s.n);
	ASSERT_NE(NULL, pg_store_put(&s, &c));
	ASSERT_EQ(42, pg_store_hide_string(&s, buf, sizeof(buf)));
	EXPECT_STREQ("(0000:01:00.0)(0000:03:00.1)(0001:02:03.4)", buf);
	EXPECT_EQ(-ENOSPC, pg_store_hide_string(&s, buf, 20));
	pg_store_del(&s, pg_store_find(&s, &b));
	EXPECT_EQ(NULL, pg_store_find(&s, &b));
	ASSERT_EQ(28, pg_store_hide_string(&s, buf, sizeof(buf)));
	EXPECT_STREQ("(0000:01:00.0)(0001:02:03.4)", buf);
	pg_store_free(&s);
}

/*
 * No more entries than hide= takes, however short their addresses: the
 * module refuses to load with a longer list. The longest addresses of as
 * many entries as it takes fit the callers' buffer.
 */
TEST(hide_string_limit)
{
	char buf[4 * (PG_HIDE_MAX_RULES * 18 + 1)];
	struct pg_store s = { 0 };
	unsigned int i;

	for (i = 0; i < PG_HIDE_MAX_RULES; i++) {
		struct pg_bdf b = { 0xffffffff, i, i % 32, i % 8 };

		ASSERT_NE(NULL, pg_store_put(&s, &b));
	}
	EXPECT_EQ(PG_HIDE_MAX_RULES * 18,
		  pg_store_hide_string(&s, buf, PG_HIDE_MAX_RULES * 18 + 1));
	pg_store_free(&s);

	for (i = 0; i <= PG_HIDE_MAX_RULES; i++) {
		struct pg_bdf b = { 0, 1, i / 8, i % 8 };

		ASSERT_NE(NULL, pg_store_put(&s, &b));
	}
	EXPECT_EQ(-ENOSPC, pg_store_hide_string(&s, buf, sizeof(buf)));
	EXPECT_STREQ("", buf);
	pg_store_del(&s, &s.e[0]);
	EXPECT_EQ(PG_HIDE_MAX_RULES * 14,
		  pg_store_hide_string(&s, buf, sizeof(buf)));
	pg_store_free(&s);
}

TEST(identity)
{
	struct pg_ident want = {
		.path = "00_10.0-00_00.0", .vendor = 0x8086, .device = 0x10d3,
		.subsys_vendor = 0x8086, .subsys_device = 0,
		.has_dsn = true, .dsn = 0x525400ffff000201ULL,
	};
	struct pg_ident found = want;

	EXPECT_EQ(0U, pg_ident_diff(&want, &found));
	found.dsn++;
	EXPECT_EQ((unsigned int)PG_IDENT_DSN, pg_ident_diff(&want, &found));
	found = want;
	found.has_dsn = false;
	EXPECT_EQ((unsigned int)PG_IDENT_DSN, pg_ident_diff(&want, &found));
	/* A serial number where none was recorded: another device. */
	EXPECT_EQ((unsigned int)PG_IDENT_DSN, pg_ident_diff(&found, &want));
	found = want;
	found.device = 0x10d4;
	found.subsys_device = 1;
	strcpy(found.path, "00_11.0-00_00.0");
	EXPECT_EQ((unsigned int)(PG_IDENT_ID | PG_IDENT_SUBSYS | PG_IDENT_PATH),
		  pg_ident_diff(&want, &found));
}

TEST(dsn_text)
{
	char buf[32];
	uint64_t v;

	pg_dsn_format(0x0123456789abcdefULL, buf, sizeof(buf));
	EXPECT_STREQ("01-23-45-67-89-ab-cd-ef", buf);
	ASSERT_EQ(0, pg_dsn_parse("01-23-45-67-89-AB-cd-ef", &v));
	EXPECT_EQ(0x0123456789abcdefULL, v);
	EXPECT_EQ(-1, pg_dsn_parse("01-23-45-67-89-ab-cd-e", &v));
	EXPECT_EQ(-1, pg_dsn_parse("01-23-45-67-89-ab-cd-efx", &v));
	EXPECT_EQ(-1, pg_dsn_parse("0123-45-67-89-ab-cd-ef", &v));
	EXPECT_EQ(-1, pg_dsn_parse("", &v));
}

TEST(options_format)
{
	char err[PG_OPT_ERR_MAX], buf[256];
	char a1[] = "allow-write=0x44:2:0xff", a2[] = "no-strict-reset=yes";
	char a3[] = "backend=vfio-pci", a4[] = "allow-write=0x44:2:0x100";
	struct pg_opts o = { 0 };

	ASSERT_EQ(0, pg_options_format(&o, buf, sizeof(buf)));
	EXPECT_STREQ("", buf);
	ASSERT_EQ(0, pg_option_parse(a1, &o, err, sizeof(err)));
	ASSERT_EQ(0, pg_option_parse(a2, &o, err, sizeof(err)));
	ASSERT_EQ(0, pg_option_parse(a3, &o, err, sizeof(err)));
	/* The same register twice: one grant, both masks. */
	ASSERT_EQ(0, pg_option_parse(a4, &o, err, sizeof(err)));
	ASSERT_LT(0, pg_options_format(&o, buf, sizeof(buf)));
	EXPECT_STREQ("backend=vfio-pci no-strict-reset=true allow-write=0x44:2:0x1ff",
		     buf);
	EXPECT_EQ(-ENOSPC, pg_options_format(&o, buf, 10));
}

TEST_HARNESS_MAIN
