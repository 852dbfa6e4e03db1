/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PCIGUARD_WATCH_H
#define _PCIGUARD_WATCH_H

void pg_watch_init(void);
void pg_watch_exit(void);

#endif /* _PCIGUARD_WATCH_H */
