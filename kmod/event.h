/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PCIGUARD_EVENT_H
#define _PCIGUARD_EVENT_H

#include <linux/types.h>

#include "bdf.h"
#include "devinfo.h"
#include "uapi/pciguard.h"

/**
 * struct pg_event - one PCIGUARD_CMD_EVENT, queued for sending
 * @type: enum pciguard_event
 * @timestamp: CLOCK_REALTIME ns, set by pg_event_post()
 * @bdf: the device
 * @state: enum pciguard_state after the event
 * @refused: refused rebinds so far (PCIGUARD_EVENT_REFUSED_REBIND)
 * @has_reset: @reset_errno and @reset_msecs are valid
 * @reset_errno: 0 or the positive errno of the reset
 * @reset_msecs: how long the reset took
 * @lost: events dropped (PCIGUARD_EVENT_LOST)
 * @driver: driver refused, bound after a release, or the backend of an
 *	ASSIGNED or DETACHED event; "" if none
 * @guest: the guest of an ASSIGNED or DETACHED event; "" otherwise
 * @cfg_denials: refused config writes so far (CFG_DENIED)
 * @denial: the refused write (CFG_DENIED)
 * @violations: backend mismatches so far (VIOLATION)
 * @violation: the mismatch (VIOLATION); "" otherwise
 */
struct pg_event {
	u32 type;
	u64 timestamp;
	struct pg_bdf bdf;
	u32 state;
	u32 refused;
	bool has_reset;
	u32 reset_errno;
	u32 reset_msecs;
	u32 lost;
	char driver[PCIGUARD_DRIVER_NAME_MAX];
	char guest[PCIGUARD_GUEST_NAME_MAX];
	u32 cfg_denials;
	struct pg_cfg_denial denial;
	u32 violations;
	char violation[PCIGUARD_VIOLATION_MAX];
};

void pg_event_post(struct pg_event *ev);
void pg_event_exit(void);

#endif /* _PCIGUARD_EVENT_H */
