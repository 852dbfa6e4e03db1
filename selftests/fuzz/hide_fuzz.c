// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for kmod/hide.c: any bytes, as a NUL-terminated string,
 * into pg_hide_parse(), then the promises of hide.h checked on the result.
 * A broken promise aborts, which libFuzzer reports as a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "hide.h"

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "hide_fuzz: %s:%d: %s\n", __FILE__,	\
			__LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

static bool rule_ok(const struct pg_hide_rule *r)
{
	if (r->slot == PG_HIDE_ANY)
		return r->function == PG_HIDE_ANY;
	return r->slot <= 0x1f &&
	       (r->function == PG_HIDE_ANY || r->function <= 7);
}

static bool rule_eq(const struct pg_hide_rule *a, const struct pg_hide_rule *b)
{
	return a->domain == b->domain && a->bus == b->bus &&
	       a->slot == b->slot && a->function == b->function;
}

static bool rule_names(const struct pg_hide_rule *r, const struct pg_bdf *b)
{
	return r->domain == b->domain && r->bus == b->bus &&
	       (r->slot == PG_HIDE_ANY || r->slot == b->slot) &&
	       (r->function == PG_HIDE_ANY || r->function == b->function);
}

/* An error message: NUL-terminated, non-empty, naming an offset. */
static void check_error(const char *err)
{
	size_t len = strnlen(err, PG_HIDE_ERR_MAX);

	CHECK(len > 0 && len < PG_HIDE_ERR_MAX);
	CHECK(strstr(err, " at offset "));
	CHECK(strstr(err, " in '"));
	CHECK(err[len - 1] == '\'');
}

/*
 * The same input into an exactly sized smaller buffer (ASan catches any
 * write past it): the same message when it fits, plain truncation when
 * even 16 quoted characters do not, else a shortened quote.
 */
static void check_small_buffer(const char *s, const char *full, size_t errlen)
{
	size_t head = strstr(full, " in '") - full + strlen(" in '");
	struct pg_hide_list out;
	char *err = malloc(errlen ? errlen : 1);

	CHECK(err);
	CHECK(pg_hide_parse(s, &out, err, errlen) == -EINVAL);
	CHECK(out.n == 0);
	if (errlen) {
		size_t len = strnlen(err, errlen);

		CHECK(len < errlen);
		if (strlen(full) < errlen)
			CHECK(!strcmp(full, err));
		else if (head + 2 + 16 > errlen)
			CHECK(!strncmp(full, err, len));
		else
			CHECK(err[len - 1] == '\'' && strstr(err, "..."));
	}
	free(err);
}

static void check_rules(const struct pg_hide_list *l)
{
	char text[PG_HIDE_MAX_RULES * 20 + 1] = "";
	struct pg_hide_list back;
	size_t used = 0;
	unsigned int i;

	CHECK(l->n <= PG_HIDE_MAX_RULES);
	for (i = 0; i < l->n; i++) {
		const struct pg_hide_rule *r = &l->rules[i];
		struct pg_bdf b = {
			.domain = r->domain,
			.bus = r->bus,
			.slot = r->slot == PG_HIDE_ANY ? (i * 7) % 32 : r->slot,
			.function = r->function == PG_HIDE_ANY ? i % 8 :
				    r->function,
		};
		int n, m;

		CHECK(rule_ok(r));
		n = pg_hide_rule_format(text + used, sizeof(text) - used, r);
		CHECK(n > 0 && n <= 18);
		CHECK(pg_hide_rule_format(text + used, n, r) == -ENOSPC);
		n = pg_hide_rule_format(text + used, sizeof(text) - used, r);
		used += n;

		/* The first rule that names the device, never a later one. */
		m = pg_hide_match(l, &b);
		CHECK(m >= 0 && (unsigned int)m <= i);
		CHECK(rule_names(&l->rules[m], &b));
		for (int k = 0; k < m; k++)
			CHECK(!rule_names(&l->rules[k], &b));
	}
	CHECK(pg_hide_parse(text, &back, NULL, 0) == 0);
	CHECK(back.n == l->n);
	for (i = 0; i < l->n; i++)
		CHECK(rule_eq(&l->rules[i], &back.rules[i]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pg_hide_list out;
	char err[PG_HIDE_ERR_MAX + 16];
	char *s = malloc(size + 1);
	int ret;

	CHECK(s);
	memcpy(s, data, size);
	s[size] = '\0';

	/* Bytes past PG_HIDE_ERR_MAX must stay untouched. */
	memset(err, 0x5a, sizeof(err));
	ret = pg_hide_parse(s, &out, err, sizeof(err));
	CHECK(ret == 0 || ret == -EINVAL);
	for (size_t i = PG_HIDE_ERR_MAX; i < sizeof(err); i++)
		CHECK(err[i] == 0x5a);
	CHECK(pg_hide_parse(s, &out, NULL, 0) == ret);
	if (ret) {
		CHECK(out.n == 0);
		check_error(err);
		check_small_buffer(s, err, size % (PG_HIDE_ERR_MAX + 1));
	} else {
		CHECK(err[0] == '\0');
		check_rules(&out);
	}
	free(s);
	return 0;
}
