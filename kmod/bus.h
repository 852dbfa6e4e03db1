/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PCIGUARD_BUS_H
#define _PCIGUARD_BUS_H

int pg_bus_init(void);
void pg_bus_exit(void);
unsigned int pg_bus_generation(void);
void pg_bus_changed(void);

#endif /* _PCIGUARD_BUS_H */
