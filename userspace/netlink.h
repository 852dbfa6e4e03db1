/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CLI's only door to the kernel. Nothing outside netlink.c includes
 * libnl. Every function prints its own error message (with the kernel's
 * extack text when there is one) and returns a negative errno.
 */
#ifndef PCIGUARD_NETLINK_H
#define PCIGUARD_NETLINK_H

#include "device.h"

struct pg_nl;

int pg_nl_open(struct pg_nl **out);
bool pg_nl_other_netns(void);
void pg_nl_close(struct pg_nl *nl);
int pg_nl_dev_get(struct pg_nl *nl, const struct pg_bdf *bdf,
		  struct pg_dev *out);
int pg_nl_dev_dump(struct pg_nl *nl, struct pg_devlist *out);

/* Flags of pg_nl_dev_hide() and pg_nl_dev_release(). */
#define PG_OP_FORCE	0x1
#define PG_OP_TO_HOST	0x2
#define PG_OP_NO_STRICT_RESET	0x4
#define PG_OP_PERMISSIVE	0x8

/*
 * pg_nl_dev_hide() and pg_nl_dev_assign() set @changed[i] (may be NULL) to
 * 1 when the request took (hide) or handed over (assign) bdfs[i], 0 when
 * it was so already, -1 when the module does not say.
 */
int pg_nl_dev_hide(struct pg_nl *nl, const struct pg_bdf *bdfs, size_t n,
		   unsigned int flags, int *changed);
int pg_nl_dev_release(struct pg_nl *nl, const struct pg_bdf *bdfs, size_t n,
		      unsigned int flags);
int pg_nl_dev_assign(struct pg_nl *nl, const struct pg_bdf *bdfs, size_t n,
		     const char *guest, uint32_t backend, unsigned int flags,
		     const struct pg_cfg_grant *grants, unsigned int ngrants,
		     int *changed);
int pg_nl_dev_violation(struct pg_nl *nl, const struct pg_bdf *bdf,
			const char *what);
int pg_nl_dev_detach(struct pg_nl *nl, const struct pg_bdf *bdfs, size_t n);

/* The gate's verdict on one device (a DEV_CHECK result). */
#define PG_CHECK_MAX_SET 32
struct pg_check_res {
	char bdf[PG_BDF_STRLEN];
	bool allowed;
	uint32_t reset_used;		/* enum pciguard_reset_method */
	uint32_t problems;		/* PCIGUARD_PROBLEM_* */
	char bridge[PG_BDF_STRLEN];	/* bus reset through this bridge */
	char hits[PG_CHECK_MAX_SET][PG_BDF_STRLEN];
	unsigned int n_hits;
	char missing[PG_CHECK_MAX_SET][PG_BDF_STRLEN];
	unsigned int n_missing;
};

int pg_nl_dev_check(struct pg_nl *nl, const struct pg_bdf *bdfs, size_t n,
		    unsigned int flags, struct pg_check_res *res);

/* One PCIGUARD_CMD_EVENT. */
struct pg_event_msg {
	uint32_t type;			/* enum pciguard_event */
	uint64_t timestamp;		/* CLOCK_REALTIME ns */
	bool has_bdf;
	struct pg_bdf bdf;
	char bdf_str[PG_BDF_STRLEN];
	uint32_t state;
	uint32_t refused;
	bool has_reset;
	uint32_t reset_errno;
	uint32_t reset_msecs;
	uint32_t lost;
	char driver[PCIGUARD_DRIVER_NAME_MAX];
	char guest[PCIGUARD_GUEST_NAME_MAX];
	uint32_t cfg_denials;
	struct pg_denial denial;		/* CFG_DENIED */
	uint32_t violations;
	char violation[PCIGUARD_VIOLATION_MAX];	/* VIOLATION */
};

/* Called per event; return non-zero to stop listening. */
typedef int (*pg_event_fn)(const struct pg_event_msg *ev, void *arg);

int pg_nl_monitor(struct pg_nl *nl, pg_event_fn fn, void *arg);

#endif
