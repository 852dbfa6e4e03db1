// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for userspace/options.c, the -o OPT=VAL options of check
 * and assign that the persistent store keeps too: the input is a list of
 * options, one a line, parsed in order into one struct pg_opts as the CLI
 * does with repeated -o.
 *
 * The promises checked: a refused option leaves the options as they were
 * and explains itself in fewer than PG_OPT_ERR_MAX bytes, writing nothing
 * past the buffer; accepted options are always well-formed (a known
 * backend, at most PCIGUARD_MAX_GRANTS grants, each passing
 * pg_cfg_grant_check(), no register twice); pg_options_format() prints
 * text whose space-separated words parse back, one by one, to the same
 * options, and printing those again gives the same text; that text fits
 * a store line beside the longest guest name; a shorter buffer gets
 * -ENOSPC and no overrun.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "store.h"

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "options_fuzz: %s:%d: %s\n", __FILE__,	\
			__LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

/* Room for the longest options text, with a margin to catch a longer one. */
#define TEXT_MAX	(2 * PG_STORE_LINE_MAX)

static bool opts_eq(const struct pg_opts *a, const struct pg_opts *b)
{
	unsigned int i;

	if (a->no_strict_reset != b->no_strict_reset ||
	    a->permissive != b->permissive || a->backend != b->backend ||
	    a->ngrants != b->ngrants)
		return false;
	for (i = 0; i < a->ngrants; i++) {
		if (a->grants[i].offset != b->grants[i].offset ||
		    a->grants[i].len != b->grants[i].len ||
		    a->grants[i].mask != b->grants[i].mask)
			return false;
	}
	return true;
}

static void check_wellformed(const struct pg_opts *o)
{
	unsigned int i, k;

	CHECK(o->backend == PCIGUARD_BACKEND_UNSPEC ||
	      o->backend == PCIGUARD_BACKEND_PCIBACK ||
	      o->backend == PCIGUARD_BACKEND_VFIO_PCI);
	CHECK(o->ngrants <= PCIGUARD_MAX_GRANTS);
	for (i = 0; i < o->ngrants; i++) {
		CHECK(pg_cfg_grant_check(&o->grants[i],
					 PG_CFG_SPACE_EXP_SIZE) ==
		      PG_CFG_GRANT_OK);
		for (k = 0; k < i; k++)
			CHECK(o->grants[k].offset != o->grants[i].offset ||
			      o->grants[k].len != o->grants[i].len);
	}
}

/* One option into @o; the promises of a refusal checked. */
static int parse_one(const char *opt, size_t len, struct pg_opts *o)
{
	char err[PG_OPT_ERR_MAX + 16], *arg = malloc(len + 1);
	struct pg_opts before = *o;
	int ret;

	CHECK(arg);
	memcpy(arg, opt, len);
	arg[len] = '\0';
	memset(err, 0x5a, sizeof(err));
	ret = pg_option_parse(arg, o, err, sizeof(err));
	CHECK(ret == 0 || ret == -1);
	if (ret) {
		size_t n = strnlen(err, sizeof(err));

		CHECK(n > 0 && n < PG_OPT_ERR_MAX);
		for (size_t i = n + 1; i < sizeof(err); i++)
			CHECK(err[i] == 0x5a);
		CHECK(opts_eq(o, &before));
	}
	free(arg);
	return ret;
}

/*
 * The text of @o into exactly sized smaller buffers, the one byte short
 * first: ASan sees any overrun.
 */
static void check_small(const struct pg_opts *o, const char *text, int n)
{
	for (size_t len = n; len > 0; len = len * 2 / 3) {
		char *buf = malloc(len);

		CHECK(buf);
		CHECK(pg_options_format(o, buf, len) == -ENOSPC);
		CHECK(strnlen(buf, len) < len);
		CHECK(!strncmp(buf, text, strnlen(buf, len)));
		free(buf);
	}
}

static void check_roundtrip(const struct pg_opts *o)
{
	static char text[TEXT_MAX], again[TEXT_MAX];
	struct pg_opts back;
	const char *p, *sp;
	int n;

	n = pg_options_format(o, text, sizeof(text));
	CHECK(n >= 0 && (size_t)n == strlen(text));
	/* restore and the store print it on one line after "assign GUEST". */
	CHECK(n + strlen("\tassign ") + PCIGUARD_GUEST_NAME_MAX + 1 <
	      PG_STORE_LINE_MAX);
	/* Defaults print as nothing. */
	CHECK(!n == (!o->backend && !o->permissive && !o->no_strict_reset &&
		     !o->ngrants));

	memset(&back, 0, sizeof(back));
	for (p = text; *p; p = *sp ? sp + 1 : sp) {
		sp = strchrnul(p, ' ');
		CHECK(sp > p);		/* one space between words, no more */
		if (parse_one(p, sp - p, &back)) {
			fprintf(stderr, "options_fuzz: '%.*s' of '%s' does not "
				"parse back\n", (int)(sp - p), p, text);
			abort();
		}
	}
	CHECK(opts_eq(o, &back));
	CHECK(pg_options_format(&back, again, sizeof(again)) == n);
	CHECK(!strcmp(text, again));
	check_small(o, text, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct pg_opts o;

	memset(&o, 0, sizeof(o));
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		/* A NUL ends the option as it would end an argv string. */
		len = strnlen(p, len);
		parse_one(p, len, &o);
		check_wellformed(&o);
		p = nl ? nl + 1 : end;
	}
	check_roundtrip(&o);
	return 0;
}
