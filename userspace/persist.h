/* SPDX-License-Identifier: GPL-2.0 */
/* The persistent store on disk, and what the commands do with it. */
#ifndef PCIGUARD_PERSIST_H
#define PCIGUARD_PERSIST_H

#include <stdbool.h>

#include "device.h"
#include "hide.h"
#include "store.h"

/* pg_store_hide_string() of as many entries as hide= takes, with NUL. */
#define PG_HIDE_STRING_MAX	(PG_HIDE_MAX_RULES * 18 + 1)

struct pg_persist {
	int dirfd;		/* locked; -1 when opened to read only */
	struct pg_store store;
};

void pg_set_config_dir(const char *dir);
const char *pg_config_dir(void);
int pg_persist_open(struct pg_persist *p, bool write);
void pg_persist_close(struct pg_persist *p);
int pg_persist_save(struct pg_persist *p);
int pg_persist_commit(struct pg_persist *p, const char *hide_before);
void pg_ident_of(const struct pg_dev *d, struct pg_ident *id);
void pg_opts_of(const struct pg_dev *d, struct pg_opts *o);
void pg_persist_note(const struct pg_bdf *bdfs, size_t n);

struct pg_nl;
int pg_persist_devices(struct pg_nl *nl, struct pg_persist *p,
		       const struct pg_bdf *bdfs, size_t n, bool force);

#endif
