/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PCIGUARD_CHECK_H
#define _PCIGUARD_CHECK_H

#include "bdf.h"
#include "gate.h"

struct netlink_ext_ack;
struct pg_target;

/**
 * struct pg_check_result - the gate's verdict on one target, by address
 * @v: the verdict; its @hits and @missing index the topology, see below
 * @has_bridge: @bridge is the bridge whose bus reset @v.reset is
 * @bridge: that bridge
 * @hits: addresses of @v.hits
 * @missing: addresses of @v.missing
 */
struct pg_check_result {
	struct pg_gate_verdict v;
	bool has_bridge;
	struct pg_bdf bridge;
	struct pg_bdf hits[PG_GATE_MAX_SET];
	struct pg_bdf missing[PG_GATE_MAX_SET];
};

int pg_check(const struct pg_target *t, unsigned int n, bool no_strict_reset,
	     struct pg_check_result *res, struct netlink_ext_ack *extack);

#endif /* _PCIGUARD_CHECK_H */
