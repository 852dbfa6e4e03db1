// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for kmod/hide.c: xen-pciback's hide= syntax, the exact
 * error messages, matching and formatting. Table-driven; built with ASan
 * and UBSan.
 */
#include <stdlib.h>

#include "hide.h"
#include "kselftest_harness.h"

#define ANY	PG_HIDE_ANY
#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

struct accept_case {
	const char *in;
	unsigned int n;
	struct pg_hide_rule want[3];
};

static const struct accept_case accept_cases[] = {
	/* Nothing to hide. */
	{ "", 0, { { 0 } } },
	{ " \t ", 0, { { 0 } } },
	/* Each form, with and without the segment. */
	{ "(00:1a.0)", 1, { { 0, 0x00, 0x1a, 0 } } },
	{ "(0000:03:00.1)", 1, { { 0, 0x03, 0x00, 1 } } },
	{ "(03:00.*)", 1, { { 0, 0x03, 0x00, ANY } } },
	{ "(0000:03:00.*)", 1, { { 0, 0x03, 0x00, ANY } } },
	{ "(03:*.*)", 1, { { 0, 0x03, ANY, ANY } } },
	{ "(0001:03:*.*)", 1, { { 1, 0x03, ANY, ANY } } },
	/* 1..8 digits for the segment, 1..2 for bus and slot. */
	{ "(1:2.3)", 1, { { 0, 0x01, 0x02, 3 } } },
	{ "(1:0:1f.7)", 1, { { 1, 0x00, 0x1f, 7 } } },
	{ "(10000:e1:00.0)", 1, { { 0x10000, 0xe1, 0x00, 0 } } },
	{ "(ffffffff:ff:1f.7)", 1, { { 0xffffffff, 0xff, 0x1f, 7 } } },
	/* Mixed case. */
	{ "(ABCDEF01:fF:1F.7)", 1, { { 0xabcdef01, 0xff, 0x1f, 7 } } },
	{ "(0A:1c.*)", 1, { { 0, 0x0a, 0x1c, ANY } } },
	/* Several groups, blanks before, between and after. */
	{ "(00:1a.0)(0000:03:00.*)(3:*.*)", 3, {
		{ 0, 0x00, 0x1a, 0 },
		{ 0, 0x03, 0x00, ANY },
		{ 0, 0x03, ANY, ANY } } },
	{ " (00:1a.0) \t(0000:03:00.*)\t(0002:3:*.*)  ", 3, {
		{ 0, 0x00, 0x1a, 0 },
		{ 0, 0x03, 0x00, ANY },
		{ 2, 0x03, ANY, ANY } } },
	/* Repeats are kept. */
	{ "(00:1a.0)(0000:00:1a.0)", 2, {
		{ 0, 0x00, 0x1a, 0 },
		{ 0, 0x00, 0x1a, 0 } } },
};

TEST(accept_table)
{
	for (size_t i = 0; i < ARRAY_LEN(accept_cases); i++) {
		const struct accept_case *c = &accept_cases[i];
		struct pg_hide_list out;
		char err[PG_HIDE_ERR_MAX] = "untouched";

		ASSERT_EQ(0, pg_hide_parse(c->in, &out, err, sizeof(err)))
			TH_LOG("case '%s': %s", c->in, err);
		EXPECT_STREQ("", err) TH_LOG("case '%s'", c->in);
		ASSERT_EQ(c->n, out.n) TH_LOG("case '%s'", c->in);
		for (unsigned int r = 0; r < c->n; r++) {
			const struct pg_hide_rule *w = &c->want[r];
			const struct pg_hide_rule *g = &out.rules[r];

			EXPECT_EQ(w->domain, g->domain)
				TH_LOG("case '%s' rule %u", c->in, r);
			EXPECT_EQ(w->bus, g->bus)
				TH_LOG("case '%s' rule %u", c->in, r);
			EXPECT_EQ(w->slot, g->slot)
				TH_LOG("case '%s' rule %u", c->in, r);
			EXPECT_EQ(w->function, g->function)
				TH_LOG("case '%s' rule %u", c->in, r);
		}
	}
}

TEST(accept_null)
{
	struct pg_hide_list out = { .n = 5 };

	EXPECT_EQ(0, pg_hide_parse(NULL, &out, NULL, 0));
	EXPECT_EQ(0U, out.n);
}

struct refuse_case {
	const char *in;
	const char *msg;
};

static const struct refuse_case refuse_cases[] = {
	/* The example from the issue, verbatim. */
	{ "(00:1a.0)(0g:00.0)",
	  "expected ':' at offset 12 in '(00:1a.0)(0g:00.0)'" },
	/* Something other than a group. */
	{ "x", "expected '(' at offset 1 in 'x'" },
	{ "0000:01:00.0", "expected '(' at offset 1 in '0000:01:00.0'" },
	{ "(00:00.0)x", "expected '(' at offset 10 in '(00:00.0)x'" },
	{ "(00:00.0),(00:01.0)",
	  "expected '(' at offset 10 in '(00:00.0),(00:01.0)'" },
	{ "(00:00.0)\n", "expected '(' at offset 10 in '(00:00.0)?'" },
	/* Punctuation. */
	{ "(0x0:00.0)", "expected ':' at offset 3 in '(0x0:00.0)'" },
	{ "(00:00)", "expected '.' at offset 7 in '(00:00)'" },
	{ "(00:1g.0)", "expected '.' at offset 6 in '(00:1g.0)'" },
	{ "(00:*)", "expected '.' at offset 6 in '(00:*)'" },
	{ "(00:00.0 )", "expected ')' at offset 9 in '(00:00.0 )'" },
	{ "(00:00.0]", "expected ')' at offset 9 in '(00:00.0]'" },
	/* Missing numbers; no blanks inside a group. */
	{ "(:00.0)", "expected a hex digit at offset 2 in '(:00.0)'" },
	{ "( 00:00.0)", "expected a hex digit at offset 2 in '( 00:00.0)'" },
	{ "(-1:00.0)", "expected a hex digit at offset 2 in '(-1:00.0)'" },
	{ "(0000:*.*)", "expected a hex digit at offset 7 in '(0000:*.*)'" },
	{ "(00:.0)", "expected a hex digit or '*' at offset 5 in '(00:.0)'" },
	{ "(0000:03:.0)",
	  "expected a hex digit or '*' at offset 10 in '(0000:03:.0)'" },
	{ "(00:00.)", "expected a hex digit or '*' at offset 8 in '(00:00.)'" },
	/* Wildcards. */
	{ "(00:*.1)", "'*' for the slot needs '*' for the function at offset 7 in '(00:*.1)'" },
	{ "(0000:03:*.0)", "'*' for the slot needs '*' for the function at offset 12 in '(0000:03:*.0)'" },
	{ "(00:*.)", "expected '*' at offset 7 in '(00:*.)'" },
	/* Out of range. */
	{ "(00:20.0)", "slot 0x20 out of range (0-1f) at offset 5 in '(00:20.0)'" },
	{ "(0000:00:ff.0)", "slot 0xff out of range (0-1f) at offset 10 in '(0000:00:ff.0)'" },
	{ "(00:1f.8)", "function 8 out of range (0-7) at offset 8 in '(00:1f.8)'" },
	{ "(00:1f.F)", "function 0xf out of range (0-7) at offset 8 in '(00:1f.F)'" },
	/* Too many digits. */
	{ "(000000001:00.0)", "segment has more than 8 hex digits at offset 10 in '(000000001:00.0)'" },
	{ "(001:00.0)", "bus has more than 2 hex digits at offset 4 in '(001:00.0)'" },
	{ "(0000:001:00.0)", "bus has more than 2 hex digits at offset 9 in '(0000:001:00.0)'" },
	{ "(0000:00:000.0)", "slot has more than 2 hex digits at offset 12 in '(0000:00:000.0)'" },
	{ "(00:1f.07)", "function has more than 1 hex digit at offset 9 in '(00:1f.07)'" },
	/* Cut short: the offset is one past the last character. */
	{ "(", "unexpected end of string at offset 2 in '('" },
	{ "(0000:00:", "unexpected end of string at offset 10 in '(0000:00:'" },
	{ "(00:00.0", "unexpected end of string at offset 9 in '(00:00.0'" },
	{ "(00:1a.0) (", "unexpected end of string at offset 12 in '(00:1a.0) ('" },
};

TEST(refuse_table)
{
	for (size_t i = 0; i < ARRAY_LEN(refuse_cases); i++) {
		const struct refuse_case *c = &refuse_cases[i];
		struct pg_hide_list out;
		char err[PG_HIDE_ERR_MAX];

		/* Start from a full list: a refusal must empty it. */
		ASSERT_EQ(0, pg_hide_parse("(1:2.3)(4:5.*)", &out, NULL, 0));
		ASSERT_EQ(2U, out.n);
		ASSERT_EQ(-EINVAL, pg_hide_parse(c->in, &out, err, sizeof(err)))
			TH_LOG("case '%s'", c->in);
		EXPECT_STREQ(c->msg, err) TH_LOG("case '%s'", c->in);
		EXPECT_EQ(0U, out.n) TH_LOG("case '%s'", c->in);
		/* Without a message buffer the answer is the same. */
		EXPECT_EQ(-EINVAL, pg_hide_parse(c->in, &out, NULL, 0));
	}
}

/* The offset a message names, or 0. */
static size_t msg_offset(const char *msg)
{
	const char *p = strstr(msg, " at offset ");

	return p ? strtoul(p + strlen(" at offset "), NULL, 10) : 0;
}

/*
 * However many groups and blanks come first, the offset names the bad
 * character and the (possibly shortened) quote still shows it.
 */
TEST(offsets)
{
	static const char *const groups[] = {
		"(00:1a.0)", " ", "(0000:03:00.*)", "\t", "(3:*.*)",
		"(ffffffff:ff:1f.7)",
	};
	char in[1024] = "", err[PG_HIDE_ERR_MAX], buf[1100];
	struct pg_hide_list out;

	for (unsigned int i = 0; i < 60; i++) {
		size_t len = strlen(in);

		snprintf(buf, sizeof(buf), "%s(0g:00.0)", in);
		ASSERT_EQ(-EINVAL, pg_hide_parse(buf, &out, err, sizeof(err)));
		EXPECT_EQ(len + 3, msg_offset(err)) TH_LOG("%s", err);
		EXPECT_NE(NULL, strstr(err, "(0g:00.0)")) TH_LOG("%s", err);
		EXPECT_GE((size_t)PG_HIDE_ERR_MAX - 1, strlen(err));

		snprintf(buf, sizeof(buf), "%s(00:00", in);
		ASSERT_EQ(-EINVAL, pg_hide_parse(buf, &out, err, sizeof(err)));
		EXPECT_EQ(len + 7, msg_offset(err)) TH_LOG("%s", err);
		EXPECT_EQ(0, strncmp(err, "unexpected end of string", 24));

		strcat(in, groups[i % ARRAY_LEN(groups)]);
	}
}

/* A string of @n copies of @group plus @tail. */
static char *repeat(const char *group, unsigned int n, const char *tail)
{
	size_t len = strlen(group) * n + strlen(tail) + 1;
	char *s = malloc(len);

	s[0] = '\0';
	while (n--)
		strcat(s, group);
	strcat(s, tail);
	return s;
}

TEST(max_rules)
{
	struct pg_hide_list out;
	char err[PG_HIDE_ERR_MAX];
	char *s = repeat("(0:0.0)", PG_HIDE_MAX_RULES, " ");

	EXPECT_EQ(0, pg_hide_parse(s, &out, err, sizeof(err)));
	EXPECT_EQ((unsigned int)PG_HIDE_MAX_RULES, out.n);
	free(s);

	s = repeat("(0:0.0)", PG_HIDE_MAX_RULES + 1, "");
	EXPECT_EQ(-EINVAL, pg_hide_parse(s, &out, err, sizeof(err)));
	EXPECT_EQ(0U, out.n);
	EXPECT_STREQ("more than 64 groups at offset 449 in '...:0.0)(0:0.0)"
		     "(0:0.0)(0:0.0)(0:0.0)(0:0.0)(0:0.0)(0:0.0)(0:0.0)(0:0.0)"
		     "(0:0.0)(0:0.0)(0:0.0)(0:0.0)(0:0.0)(0:0.0)(0:0.0)'", err);
	free(s);
}

/* Long strings are quoted shortened, around the offending character. */
TEST(long_quotes)
{
	struct pg_hide_list out;
	char err[PG_HIDE_ERR_MAX];
	char *head = repeat("(00:00.0)", 30, "");
	char *s;

	/* In the middle: "..." on both sides. */
	s = repeat("(00:00.0)", 30, "(00:1g.0)");
	s = realloc(s, strlen(s) + strlen(head) + 1);
	strcat(s, head);
	EXPECT_EQ(-EINVAL, pg_hide_parse(s, &out, err, sizeof(err)));
	EXPECT_STREQ("expected '.' at offset 276 in '...00:00.0)(00:00.0)"
		     "(00:00.0)(00:00.0)(00:00.0)(00:00.0)(00:00.0)(00:00.0)"
		     "(00:00.0)(00:00.0)(00:00.0)(00:00.0)(00:1g.0)(00:0...'",
		     err);
	EXPECT_EQ((size_t)PG_HIDE_ERR_MAX - 1, strlen(err));
	free(s);

	/* Near the start: the head of the string, then "...". */
	s = repeat("(00:1g.0)", 1, head);
	EXPECT_EQ(-EINVAL, pg_hide_parse(s, &out, err, sizeof(err)));
	EXPECT_STREQ("expected '.' at offset 6 in '(00:1g.0)(00:00.0)"
		     "(00:00.0)(00:00.0)(00:00.0)(00:00.0)(00:00.0)(00:00.0)"
		     "(00:00.0)(00:00.0)(00:00.0)(00:00.0)(00:00.0)(00:00.0)...'",
		     err);
	free(s);

	/* At the end: "...", then the tail of the string. */
	s = repeat("(00:00.0)", 30, "(00:1g.0");
	EXPECT_EQ(-EINVAL, pg_hide_parse(s, &out, err, sizeof(err)));
	EXPECT_STREQ("expected '.' at offset 276 in '...00:00.0)(00:00.0)"
		     "(00:00.0)(00:00.0)(00:00.0)(00:00.0)(00:00.0)(00:00.0)"
		     "(00:00.0)(00:00.0)(00:00.0)(00:00.0)(00:00.0)(00:1g.0'",
		     err);
	free(s);
	free(head);
}

/*
 * Small buffers get a truncated, NUL-terminated message; big ones no more
 * than PG_HIDE_ERR_MAX bytes.
 */
TEST(err_buffer_sizes)
{
	static const char in[] = "(00:1a.0)(0g:00.0)";
	static const char full[] =
		"expected ':' at offset 12 in '(00:1a.0)(0g:00.0)'";
	struct pg_hide_list out;
	char err[400];
	char *s;

	memset(err, 'x', sizeof(err));
	EXPECT_EQ(-EINVAL, pg_hide_parse(in, &out, err, 0));
	EXPECT_EQ('x', err[0]);

	EXPECT_EQ(-EINVAL, pg_hide_parse(in, &out, err, 1));
	EXPECT_EQ('\0', err[0]);

	for (size_t len = 2; len < sizeof(full) + 1; len++) {
		memset(err, 'x', sizeof(err));
		EXPECT_EQ(-EINVAL, pg_hide_parse(in, &out, err, len));
		EXPECT_GT(len, strlen(err)) TH_LOG("len %zu", len);
		EXPECT_EQ('x', err[len]) TH_LOG("len %zu", len);
		/*
		 * Plain truncation when there is no room for 16 quoted
		 * characters, else the quote shortened to fit.
		 */
		if (len < 48) {
			EXPECT_EQ(0, strncmp(full, err, strlen(err)))
				TH_LOG("len %zu: '%s'", len, err);
		} else {
			EXPECT_EQ('\'', err[strlen(err) - 1])
				TH_LOG("len %zu: '%s'", len, err);
		}
	}
	EXPECT_EQ(-EINVAL, pg_hide_parse(in, &out, err, 49));
	EXPECT_STREQ("expected ':' at offset 12 in '...1a.0)(0g:00.0)'", err);

	s = repeat("(00:00.0)", 40, "x");
	memset(err, 'x', sizeof(err));
	EXPECT_EQ(-EINVAL, pg_hide_parse(s, &out, err, sizeof(err)));
	EXPECT_EQ((size_t)PG_HIDE_ERR_MAX - 1, strlen(err));
	for (size_t i = PG_HIDE_ERR_MAX; i < sizeof(err); i++) {
		ASSERT_EQ('x', err[i]) TH_LOG("byte %zu written", i);
	}
	free(s);
}

struct match_case {
	struct pg_bdf bdf;
	int want;
};

TEST(match)
{
	static const struct match_case cases[] = {
		{ { 0, 0x03, 0x00, 0 }, 0 },	/* (0000:03:00.*) */
		{ { 0, 0x03, 0x00, 7 }, 0 },
		{ { 0, 0x03, 0x1f, 0 }, 1 },	/* (03:*.*) */
		{ { 0, 0x03, 0x01, 5 }, 1 },
		{ { 1, 0x03, 0x00, 1 }, 2 },	/* (0001:03:00.1) */
		{ { 1, 0x03, 0x00, 0 }, -1 },
		{ { 0, 0x00, 0x1f, 3 }, 3 },	/* (00:1f.3) */
		{ { 0, 0x00, 0x1f, 2 }, -1 },
		{ { 0, 0x00, 0x1e, 3 }, -1 },
		{ { 0, 0x04, 0x00, 0 }, -1 },
		{ { 2, 0x03, 0x00, 0 }, -1 },
		{ { 0x10000, 0x03, 0x00, 0 }, -1 },
	};
	struct pg_hide_list list, empty;

	ASSERT_EQ(0, pg_hide_parse("(0000:03:00.*)(03:*.*)(0001:03:00.1)"
				   "(00:1f.3)", &list, NULL, 0));
	ASSERT_EQ(0, pg_hide_parse("", &empty, NULL, 0));
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct pg_bdf *b = &cases[i].bdf;

		EXPECT_EQ(cases[i].want, pg_hide_match(&list, b))
			TH_LOG("%x:%02x:%02x.%x", b->domain, b->bus, b->slot,
			       b->function);
		EXPECT_EQ(-1, pg_hide_match(&empty, b));
		EXPECT_EQ(-1, pg_hide_match(NULL, b));
	}
}

struct format_case {
	struct pg_hide_rule rule;
	const char *text;
};

TEST(format_roundtrip)
{
	static const struct format_case cases[] = {
		{ { 0, 0x03, 0x00, ANY }, "(0000:03:00.*)" },
		{ { 0, 0x03, ANY, ANY }, "(0000:03:*.*)" },
		{ { 0, 0x03, 0x00, 1 }, "(0000:03:00.1)" },
		{ { 0x10000, 0xe1, 0x1f, 7 }, "(10000:e1:1f.7)" },
		{ { 0xffffffff, 0xff, 0x1f, 7 }, "(ffffffff:ff:1f.7)" },
	};
	char buf[32];

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct pg_hide_rule *r = &cases[i].rule;
		struct pg_hide_list back;

		ASSERT_EQ((int)strlen(cases[i].text),
			  pg_hide_rule_format(buf, sizeof(buf), r));
		EXPECT_STREQ(cases[i].text, buf);
		ASSERT_EQ(0, pg_hide_parse(buf, &back, NULL, 0));
		ASSERT_EQ(1U, back.n);
		EXPECT_EQ(r->domain, back.rules[0].domain) TH_LOG("%s", buf);
		EXPECT_EQ(r->bus, back.rules[0].bus) TH_LOG("%s", buf);
		EXPECT_EQ(r->slot, back.rules[0].slot) TH_LOG("%s", buf);
		EXPECT_EQ(r->function, back.rules[0].function)
			TH_LOG("%s", buf);
	}
}

TEST(format_too_small)
{
	struct pg_hide_rule r = { 0, 0x03, 0x00, ANY };
	char buf[19];

	EXPECT_EQ(-ENOSPC, pg_hide_rule_format(buf, 14, &r));
	EXPECT_EQ(-ENOSPC, pg_hide_rule_format(buf, 1, &r));
	EXPECT_EQ(14, pg_hide_rule_format(buf, 15, &r));
	r.domain = 0xffffffff;
	r.slot = 0x1f;
	r.function = 7;
	EXPECT_EQ(-ENOSPC, pg_hide_rule_format(buf, 18, &r));
	EXPECT_EQ(18, pg_hide_rule_format(buf, sizeof(buf), &r));
}

TEST_HARNESS_MAIN
