/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PCIGUARD_NETLINK_H
#define _PCIGUARD_NETLINK_H

#include <net/netlink.h>

struct pg_event;

/**
 * pg_nl_set_err() - NL_SET_ERR_MSG_ATTR() for a message chosen at run time
 * @extack: the request's extack, may be NULL
 * @attr: the attribute to blame
 * @static_msg: a string that outlives the request (a literal or a table
 *	entry): the core copies it only when it builds the ack
 */
static inline void pg_nl_set_err(struct netlink_ext_ack *extack,
				 const struct nlattr *attr,
				 const char *static_msg)
{
	if (!extack)
		return;
	extack->_msg = static_msg;
	NL_SET_BAD_ATTR(extack, attr);
}

int pg_netlink_init(void);
void pg_netlink_exit(void);
void pg_netlink_send_event(const struct pg_event *ev);

#endif /* _PCIGUARD_NETLINK_H */
