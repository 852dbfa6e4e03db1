// SPDX-License-Identifier: GPL-2.0
/*
 * judge: the config-write engine's cost on the host, for make bench. It
 * links kmod/cfgspace.c, the same pure-C file the module judges writes
 * with, and times
 *
 *   - pg_cfg_denied(), one decision, in ns: the same 52 writes (command,
 *     cache line size and every dword of 0x40-0xff, allowed and refused)
 *     against the policies of PCIe endpoints with 1, 4, 16 and 48
 *     capabilities in their list;
 *   - pg_cfg_build(), in us: the policy built once when a device enters
 *     custody, which follows the capability chain.
 *
 * Each figure is the median of RUNS runs, with min and max. Prints one
 * JSON object (bench/report.py reads it):
 *
 *   judge [RUNS]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cfgspace.h"

#define NWRITES		52
#define DECISIONS	(NWRITES * 200000)
#define BUILDS		2000

static const unsigned int ncaps[] = { 1, 4, 16, 48 };
#define NLAYOUTS	ARRAY_SIZE(ncaps)

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void put(u8 *cfg, unsigned int off, unsigned int len, u32 v)
{
	for (unsigned int i = 0; i < len; i++)
		cfg[off + i] = v >> (8 * i);
}

/*
 * A PCIe endpoint with @n capabilities evenly spread over 0x40-0xff, each
 * the largest kind that fits its slot: PCI Express (60 bytes), MSI 64-bit
 * with masking (24), MSI-X (12), power management (8), vendor-specific
 * (4); kinds that fit take turns.
 */
static void endpoint(u8 *cfg, unsigned int n)
{
	static const struct {
		u8 id, size;
		u16 flags;
	} kind[] = {
		{ 0x10, 60, 0x0002 },	/* PCIe v2 endpoint */
		{ 0x05, 24, 0x0180 },	/* MSI, 64-bit, per-vector mask */
		{ 0x11, 12, 0x0007 },	/* MSI-X, 8 vectors */
		{ 0x01, 8, 0x0003 },	/* PM */
		{ 0x09, 4, 0x0004 },	/* vendor-specific, 4 bytes */
	};
	unsigned int stride = (0x100 - 0x40) / n & ~3U, first, i, k;

	memset(cfg, 0, PG_CFG_SPACE_EXP_SIZE);
	put(cfg, 0x00, 2, 0x1af4);
	put(cfg, 0x02, 2, 0x1041);
	put(cfg, 0x04, 2, 0x0006);
	put(cfg, 0x06, 2, 0x0010);
	cfg[0x34] = 0x40;
	for (first = 0; kind[first].size > stride; first++)
		;
	for (i = 0; i < n; i++) {
		unsigned int pos = 0x40 + i * stride;

		k = first + i % (ARRAY_SIZE(kind) - first);
		cfg[pos] = kind[k].id;
		cfg[pos + 1] = i + 1 < n ? pos + stride : 0;
		put(cfg, pos + 2, 2, kind[k].flags);
	}
	/* AER, then DSN: a typical extended chain. */
	put(cfg, 0x100, 4, 0x0001 | 1U << 16 | 0x148U << 20);
	put(cfg, 0x148, 4, 0x0003 | 1U << 16);
}

struct write {
	unsigned int off, len;
	u32 val;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* "{"median": M, "min": A, "max": B}" of @v[0..@n). */
static void stats(const char *name, double *v, unsigned int n, int last)
{
	qsort(v, n, sizeof(*v), cmp_double);
	printf("      \"%s\": {\"median\": %.3f, \"min\": %.3f, \"max\": %.3f}%s\n",
	       name, v[n / 2], v[0], v[n - 1], last ? "" : ",");
}

int main(int argc, char **argv)
{
	unsigned int runs = argc > 1 ? strtoul(argv[1], NULL, 0) : 11;
	static struct pg_cfg_policy pol[NLAYOUTS], scratch;
	static u8 cfg[NLAYOUTS][PG_CFG_SPACE_EXP_SIZE];
	struct write w[NWRITES];
	volatile u32 sink = 0;
	char name[96];
	double *dec[NLAYOUTS], *bld[NLAYOUTS];
	unsigned int c, r, i, j, k;
	int64_t t0;

	if (!runs || runs > 1000) {
		fputs("usage: judge [RUNS (1-1000)]\n", stderr);
		return 2;
	}
	for (c = 0; c < NLAYOUTS; c++) {
		dec[c] = calloc(runs, sizeof(double));
		bld[c] = calloc(runs, sizeof(double));
		if (!dec[c] || !bld[c])
			return 1;
	}
	/* The same writes for every layout. */
	w[0] = (struct write){ 0x04, 2, 0x0006 };
	w[1] = (struct write){ 0x0c, 1, 0x10 };
	w[2] = (struct write){ 0x04, 2, 0x0106 };	/* SERR: refused */
	w[3] = (struct write){ 0x06, 2, 0x8000 };	/* rw1c: refused */
	for (i = 4; i < NWRITES; i++)
		w[i] = (struct write){ 0x40 + (i - 4) * 4, 4, i * 0x01010101U };

	for (c = 0; c < NLAYOUTS; c++) {
		endpoint(cfg[c], ncaps[c]);
		if (pg_cfg_build(&pol[c], cfg[c], PG_CFG_SPACE_EXP_SIZE, 0,
				 NULL, 0)) {
			fprintf(stderr, "judge: pg_cfg_build failed\n");
			return 1;
		}
	}
	/* Every run times every layout, starting with another one each run. */
	for (r = 0; r < runs; r++) {
		for (k = 0; k < NLAYOUTS; k++) {
			c = (r + k) % NLAYOUTS;
			t0 = now_ns();
			for (j = 0; j < BUILDS; j++)
				sink += pg_cfg_build(&scratch, cfg[c],
						     PG_CFG_SPACE_EXP_SIZE, 0,
						     NULL, 0);
			bld[c][r] = (now_ns() - t0) / 1e3 / BUILDS;
			t0 = now_ns();
			for (j = 0; j < DECISIONS / NWRITES; j++)
				for (i = 0; i < NWRITES; i++)
					sink += pg_cfg_denied(&pol[c], w[i].off,
							      w[i].len,
							      w[i].val, 0x0006);
			dec[c][r] = (double)(now_ns() - t0) / DECISIONS;
		}
	}

	printf("{\n  \"decision_ns\": \"pg_cfg_denied(), one write\",\n"
	       "  \"build_us\": \"pg_cfg_build(), once per custody\",\n"
	       "  \"runs\": %u,\n  \"caps\": [\n", runs);
	for (c = 0; c < NLAYOUTS; c++) {
		/* The register at the last capability: parsed as laid out. */
		pg_cfg_describe(cfg[c], PG_CFG_SPACE_EXP_SIZE,
				0x40 + (ncaps[c] - 1) * ((0xc0 / ncaps[c]) & ~3U),
				name, sizeof(name));
		printf("    {\n      \"caps\": %u,\n      \"last_cap\": \"%s\",\n",
		       ncaps[c], name);
		stats("decision_ns", dec[c], runs, 0);
		stats("build_us", bld[c], runs, 1);
		printf("    }%s\n", c + 1 < NLAYOUTS ? "," : "");
	}
	printf("  ]\n}\n");
	for (c = 0; c < NLAYOUTS; c++) {
		free(dec[c]);
		free(bld[c]);
	}
	return sink == 0xdeadbeef;	/* keep the calls */
}
