/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PCIGUARD_NETLINK_H
#define _PCIGUARD_NETLINK_H

struct pg_event;

int pg_netlink_init(void);
void pg_netlink_exit(void);
void pg_netlink_send_event(const struct pg_event *ev);

#endif /* _PCIGUARD_NETLINK_H */
