// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for userspace/store.c: any bytes as the persistent
 * store's file. The promises checked: an error names a line of the input
 * and a non-empty message; a parsed store prints as text that parses back
 * to the same entries, and printing that again gives the same text.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	again = pg_store_format(&t);
	CHECK(again && !strcmp(text, again));
	free(again);
	free(text);
	pg_store_free(&s);
	pg_store_free(&t);
	return 0;
}
