/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PCIGUARD_NETLINK_H
#define _PCIGUARD_NETLINK_H

int pg_netlink_init(void);
void pg_netlink_exit(void);

#endif /* _PCIGUARD_NETLINK_H */
