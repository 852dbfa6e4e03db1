/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The -o OPT=VAL options of check and assign, parsed and printed without
 * side effects: the persistent store (store.c) reads and writes them too.
 */
#ifndef PCIGUARD_OPTIONS_H
#define PCIGUARD_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfgspace.h"
#include "uapi/pciguard.h"

struct pg_opts {
	bool no_strict_reset;
	bool permissive;
	uint32_t backend;	/* enum pciguard_backend; UNSPEC: default */
	struct pg_cfg_grant grants[PCIGUARD_MAX_GRANTS];
	unsigned int ngrants;
};

/* Longest message pg_option_parse() writes, with the NUL. */
#define PG_OPT_ERR_MAX	192

int pg_option_parse(char *arg, struct pg_opts *o, char *err, size_t errlen);
void pg_cfg_grant_format(const struct pg_cfg_grant *g, char *buf, size_t len);
int pg_options_format(const struct pg_opts *o, char *buf, size_t len);

#endif
