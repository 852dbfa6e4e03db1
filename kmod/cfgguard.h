/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PCIGUARD_CFGGUARD_H
#define _PCIGUARD_CFGGUARD_H

void pg_cfgguard_init(void);
void pg_cfgguard_exit(void);

#endif /* _PCIGUARD_CFGGUARD_H */
