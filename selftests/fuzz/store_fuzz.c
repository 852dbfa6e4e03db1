// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for userspace/store.c: any bytes as the persistent
 * store's file. The promises checked: an error names a line of the input
 * and a non-empty message; a parsed store prints as text that parses back
 * to the same entries, and printing that again gives the same text. Its
 * pciguard.hide= list (what "pciguard cmdline" prints for early boot) is
 * one the module takes, naming exactly the entries in order; a store with
 * more entries than hide= holds gets -ENOSPC instead, whatever the buffer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "persist.h"
#include "store.h"

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "store_fuzz: %s:%d: %s\n", __FILE__,	\
			__LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

static unsigned int lines_of(const uint8_t *data, size_t size)
{
	unsigned int n = 1;
	size_t i;

	for (i = 0; i < size; i++)
		n += data[i] == '\n';
	return n;
}

static void check_same(const struct pg_store *a, const struct pg_store *b)
{
	unsigned int k;
	size_t i;

	CHECK(a->n == b->n);
	for (i = 0; i < a->n; i++) {
		const struct pg_store_entry *x = &a->e[i], *y = &b->e[i];

		CHECK(x->bdf.domain == y->bdf.domain && x->bdf.bus == y->bdf.bus &&
		      x->bdf.slot == y->bdf.slot &&
		      x->bdf.function == y->bdf.function);
		CHECK(!pg_ident_diff(&x->id, &y->id));
		CHECK(x->action == y->action && x->force == y->force);
		CHECK(!strcmp(x->guest, y->guest));
		CHECK(x->opts.backend == y->opts.backend &&
		      x->opts.permissive == y->opts.permissive &&
		      x->opts.no_strict_reset == y->opts.no_strict_reset &&
		      x->opts.ngrants == y->opts.ngrants);
		for (k = 0; k < x->opts.ngrants; k++)
			CHECK(x->opts.grants[k].offset == y->opts.grants[k].offset &&
			      x->opts.grants[k].len == y->opts.grants[k].len &&
			      x->opts.grants[k].mask == y->opts.grants[k].mask);
	}
}

static void check_hide_string(const struct pg_store *s)
{
	static char buf[4 * PG_HIDE_STRING_MAX];
	struct pg_hide_list l;
	int n;
	size_t i;

	n = pg_store_hide_string(s, buf, sizeof(buf));
	if (s->n > PG_HIDE_MAX_RULES) {
		CHECK(n == -ENOSPC);
		return;
	}
	/* The callers' buffer holds any list hide= takes. */
	CHECK(n >= 0 && (size_t)n == strlen(buf) &&
	      (size_t)n < PG_HIDE_STRING_MAX);
	CHECK(pg_hide_parse(buf, &l, NULL, 0) == 0);
	CHECK(l.n == s->n);
	for (i = 0; i < s->n; i++) {
		const struct pg_bdf *b = &s->e[i].bdf;

		CHECK(l.rules[i].domain == b->domain &&
		      l.rules[i].bus == b->bus && l.rules[i].slot == b->slot &&
		      l.rules[i].function == b->function);
		CHECK(pg_hide_match(&l, b) == (int)i);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[PG_STORE_ERR_MAX], *text, *again;
	struct pg_store s, t;
	unsigned int line = 0;

	if (pg_store_parse((const char *)data, size, &s, &line, err,
			   sizeof(err))) {
		CHECK(s.n == 0 && !s.e);
		CHECK(line >= 1 && line <= lines_of(data, size));
		CHECK(err[0] && strnlen(err, sizeof(err)) < sizeof(err));
		return 0;
	}
	text = pg_store_format(&s);
	CHECK(text);
	if (pg_store_parse(text, strlen(text), &t, &line, err, sizeof(err))) {
		fprintf(stderr, "store_fuzz: printed text does not parse: "
			"%u: %s\n%s\n", line, err, text);
		abort();
	}
	check_same(&s, &t);
	check_hide_string(&s);
	again = pg_store_format(&t);
	CHECK(again && !strcmp(text, again));
	free(again);
	free(text);
	pg_store_free(&s);
	pg_store_free(&t);
	return 0;
}
