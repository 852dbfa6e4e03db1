// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for kmod/cfgspace.c. The input is a config-space
 * snapshot followed by a few grants and writes:
 *
 *	byte 0		bit 0: 4096 bytes, else 256; bit 1: permissive;
 *			bit 2: interrupt control; bits 3-5: ops (0-7)
 *	bytes 1..	the snapshot, truncated or padded with zeros
 *	last 12 * ops	ops: offset (2 bytes LE), kind, pad, a (4), b (4)
 *
 * kind bits 0-1 pick the length (1, 2, 4, or a bad 3), bit 2 makes the op
 * a grant (mask a) rather than a write (value a, current value b), bit 3
 * folds the offset into the snapshot, aligned. Every pg_cfg_* call is
 * checked against the promises of cfgspace.h; a broken one traps, which
 * libFuzzer reports as a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cfgspace.h"

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "cfgspace_fuzz: %s:%d: %s\n", __FILE__,	\
			__LINE__, #cond);				\
		__builtin_trap();					\
	}								\
} while (0)

#define OP_SIZE		12
#define OP_GRANT	0x04
#define OP_FOLD		0x08

struct op {
	unsigned int off, len;
	bool grant;
	u32 a, b;
};

static struct pg_cfg_policy policy, again;

static u32 all_bits(unsigned int len)
{
	return len == 1 ? 0xff : len == 2 ? 0xffff : 0xffffffff;
}

static bool access_ok(unsigned int off, unsigned int len, unsigned int size)
{
	return (len == 1 || len == 2 || len == 4) && off % len == 0 &&
	       off + len <= size;
}

static void decode(const uint8_t *d, unsigned int size, struct op *op)
{
	static const unsigned int lens[] = { 1, 2, 4, 3 };

	op->off = d[0] | d[1] << 8;
	op->len = lens[d[2] & 3];
	op->grant = d[2] & OP_GRANT;
	if (d[2] & OP_FOLD)
		op->off = op->off % size / op->len * op->len;
	op->a = d[4] | d[5] << 8 | d[6] << 16 | (u32)d[7] << 24;
	op->b = d[8] | d[9] << 8 | d[10] << 16 | (u32)d[11] << 24;
}

/* The mask bytes of a register, as a little-endian value. */
static u32 gather(const u8 *m, unsigned int off, unsigned int len)
{
	u32 v = 0;

	for (unsigned int i = 0; i < len; i++)
		v |= (u32)m[off + i] << (8 * i);
	return v;
}

/* Any buffer length: NUL-terminated, never past it, a prefix of the whole. */
static void check_describe(const u8 *cfg, unsigned int size, unsigned int off,
			   size_t buflen)
{
	char full[128], *buf = malloc(buflen ? buflen : 1);
	int n, m;

	CHECK(buf);
	n = pg_cfg_describe(cfg, size, off, full, sizeof(full));
	CHECK(n > 0 && (size_t)n < sizeof(full) && strlen(full) == (size_t)n);
	m = pg_cfg_describe(cfg, size, off, buf, buflen);
	CHECK(m == n);
	if (buflen) {
		size_t len = strnlen(buf, buflen);

		CHECK(len < buflen);
		CHECK(len == ((size_t)n < buflen ? (size_t)n : buflen - 1));
		CHECK(!strncmp(buf, full, len));
	}
	if (off >= size)
		CHECK(!strcmp(full, "outside config space"));
	free(buf);
}

static void check_write(const u8 *cfg, unsigned int size, unsigned int flags,
			const struct pg_cfg_grant *grants, unsigned int n,
			const struct op *op)
{
	const struct pg_cfg_policy *p = &policy;
	u32 d, all, wmask, rw1c, changed;
	struct pg_cfg_grant g[PG_CFG_MAX_GRANTS + 1];

	d = pg_cfg_denied(p, op->off, op->len, op->a, op->b);
	/* Judged without the register's value only where it cannot matter. */
	if (!pg_cfg_needs_cur(p, op->off, op->len))
		CHECK(d == 0 && access_ok(op->off, op->len, size) &&
		      gather(p->wmask, op->off, op->len) == all_bits(op->len));
	if (!access_ok(op->off, op->len, size)) {
		CHECK(d == (op->len == 1 || op->len == 2 || op->len == 4 ?
			    all_bits(op->len) : 0xffffffff));
		pg_cfg_suggest(op->off, op->len, d, &g[0]);
		if (op->len != 1 && op->len != 2 && op->len != 4)
			CHECK(g[0].len == 0);
		return;
	}
	all = all_bits(op->len);
	wmask = gather(p->wmask, op->off, op->len);
	rw1c = gather(p->rw1c, op->off, op->len);
	changed = (((op->a ^ op->b) & ~rw1c) | (op->a & rw1c)) & all;
	CHECK((d & ~changed) == 0);
	CHECK(d == (changed & ~wmask));
	if (flags & PG_CFG_PERMISSIVE)
		CHECK(d == 0);
	/* Writing back what was read, status bits 0, is always allowed. */
	CHECK(pg_cfg_denied(p, op->off, op->len, op->b & ~rw1c, op->b) == 0);

	pg_cfg_suggest(op->off, op->len, d, &g[n]);
	if (!d) {
		CHECK(g[n].len == 0);
		return;
	}
	CHECK(pg_cfg_grant_check(&g[n], size) == PG_CFG_GRANT_OK);
	CHECK(g[n].offset >= op->off &&
	      g[n].offset + g[n].len <= op->off + op->len);
	CHECK(g[n].len <= op->len);
	CHECK(g[n].mask == ((d >> (8 * (g[n].offset - op->off))) &
			    all_bits(g[n].len)));
	/* Nothing narrower would do. */
	CHECK((d & ~((u32)g[n].mask << (8 * (g[n].offset - op->off)))) == 0);

	/* With the suggestion granted, the write goes through. */
	memcpy(g, grants, n * sizeof(*g));
	CHECK(pg_cfg_build(&again, cfg, size, flags, g, n + 1) == 0);
	CHECK(pg_cfg_denied(&again, op->off, op->len, op->a, op->b) == 0);
}

/* A device can never open its own header by what it reports. */
static void check_header(const struct pg_cfg_policy *p, unsigned int flags)
{
	static const u8 open[0x40] = {
		[0x04] = 0x17, [0x05] = 0x04, [0x0c] = 0xff, [0x0f] = 0xcf,
	};
	static const u8 intr_off[0x40] = { [0x05] = 0x04 };

	for (unsigned int i = 0; i < 0x40; i++) {
		u8 allowed = open[i];

		if (!(flags & PG_CFG_INTR_CONTROL))
			allowed &= ~intr_off[i];
		CHECK((p->wmask[i] & ~allowed) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pg_cfg_grant grants[PG_CFG_MAX_GRANTS];
	struct op ops[7];
	unsigned int cfgsize, flags, nops, ngrants = 0, i;
	size_t body;
	u8 *cfg;

	if (!size)
		return 0;
	cfgsize = data[0] & 1 ? PG_CFG_SPACE_EXP_SIZE : PG_CFG_SPACE_SIZE;
	flags = (data[0] & 2 ? PG_CFG_PERMISSIVE : 0) |
		(data[0] & 4 ? PG_CFG_INTR_CONTROL : 0);
	nops = (data[0] >> 3) & 7;
	if (nops > (size - 1) / OP_SIZE)
		nops = (size - 1) / OP_SIZE;
	body = size - 1 - nops * OP_SIZE;

	/* Exactly cfgsize bytes: ASan catches a read past the snapshot. */
	cfg = calloc(1, cfgsize);
	CHECK(cfg);
	memcpy(cfg, data + 1, body < cfgsize ? body : cfgsize);
	for (i = 0; i < nops; i++) {
		decode(data + 1 + body + i * OP_SIZE, cfgsize, &ops[i]);
		if (ops[i].grant) {
			struct pg_cfg_grant g = {
				ops[i].off, ops[i].len, ops[i].a
			};
			enum pg_cfg_grant_err err = pg_cfg_grant_check(&g, cfgsize);

			CHECK(!*pg_cfg_grant_errstr(err) == (err == PG_CFG_GRANT_OK));
			if (err == PG_CFG_GRANT_OK && ops[i].off <= 0xffff)
				grants[ngrants++] = g;
		}
	}

	CHECK(pg_cfg_build(&policy, cfg, cfgsize + 1, flags, NULL, 0) == -EINVAL);
	CHECK(pg_cfg_build(&policy, cfg, cfgsize, flags, grants, ngrants) == 0);
	CHECK(policy.size == cfgsize);
	for (i = cfgsize; i < PG_CFG_SPACE_EXP_SIZE; i++)
		CHECK(!policy.wmask[i] && !policy.rw1c[i]);
	if (!ngrants && !(flags & PG_CFG_PERMISSIVE))
		check_header(&policy, flags);

	for (i = 0; i < ngrants; i++) {
		const struct pg_cfg_grant *g = &grants[i];
		u32 cur = ops[0].b, val = cur ^ (ops[0].a & g->mask);

		/* A granted bit is never denied, whatever the others do. */
		CHECK((pg_cfg_denied(&policy, g->offset, g->len, val, cur) &
		       g->mask) == 0);
	}
	for (i = 0; i < nops; i++) {
		if (!ops[i].grant)
			check_write(cfg, cfgsize, flags, grants, ngrants, &ops[i]);
		check_describe(cfg, cfgsize, ops[i].off, ops[i].b & 0x3f);
	}
	/* A sweep of the names, cheap enough for every input. */
	for (i = data[0] & 0xf8; i < cfgsize + 4; i += 61)
		check_describe(cfg, cfgsize, i, 40);
	free(cfg);
	return 0;
}
