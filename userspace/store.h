/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The persistent store: the devices 'pciguard restore' takes at boot, in
 * a commented, hand-editable text file (pciguard(8), FILES). Parsing and
 * printing are pure C, shared with the unit tests and the fuzzer; reading
 * and writing the file is persist.c's.
 */
#ifndef PCIGUARD_STORE_H
#define PCIGUARD_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bdf.h"
#include "options.h"
#include "uapi/pciguard.h"

#define PG_STORE_FILE		"devices.conf"
/* Longest line the parser takes, and its longest message (with NUL). */
#define PG_STORE_LINE_MAX	1024
#define PG_STORE_ERR_MAX	256

/* What identifies a device, beyond its address. */
struct pg_ident {
	char path[PCIGUARD_PATH_MAX];	/* stable path, e.g. 00_10.0-00_00.0 */
	uint16_t vendor;
	uint16_t device;
	uint16_t subsys_vendor;
	uint16_t subsys_device;
	bool has_dsn;
	uint64_t dsn;			/* PCIe Device Serial Number */
};

/* Differences pg_ident_diff() finds. */
#define PG_IDENT_ID	0x1	/* vendor or device ID */
#define PG_IDENT_SUBSYS	0x2
#define PG_IDENT_DSN	0x4	/* serial number, or having one */
#define PG_IDENT_PATH	0x8

enum pg_store_action {
	PG_STORE_HIDE,		/* keep in quarantine */
	PG_STORE_ASSIGN,	/* hand to @guest with @opts */
};

struct pg_store_entry {
	struct pg_bdf bdf;
	struct pg_ident id;
	enum pg_store_action action;
	bool force;			/* as hide/assign --force */
	char guest[PCIGUARD_GUEST_NAME_MAX];
	struct pg_opts opts;
	char desc[128];			/* a comment: the device's name */
	unsigned int line;		/* its "device" line; 0: not from a file */
};

struct pg_store {
	struct pg_store_entry *e;
	size_t n;
	size_t cap;
};

int pg_store_parse(const char *buf, size_t len, struct pg_store *s,
		   unsigned int *errline, char *err, size_t errlen);
char *pg_store_format(const struct pg_store *s);
struct pg_store_entry *pg_store_find(const struct pg_store *s,
				     const struct pg_bdf *bdf);
struct pg_store_entry *pg_store_put(struct pg_store *s,
				    const struct pg_bdf *bdf);
void pg_store_del(struct pg_store *s, struct pg_store_entry *e);
void pg_store_free(struct pg_store *s);
int pg_store_hide_string(const struct pg_store *s, char *buf, size_t len);
int pg_store_action_format(const struct pg_store_entry *e, char *buf,
			   size_t len);

unsigned int pg_ident_diff(const struct pg_ident *want,
			   const struct pg_ident *found);
/* "52-54-00-ff-ff-00-02-01" and the NUL. */
#define PG_DSN_STRLEN 24

void pg_dsn_format(uint64_t dsn, char *buf, size_t len);
int pg_dsn_parse(const char *s, uint64_t *out);

#endif
