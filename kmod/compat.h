/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few types and helpers pciguard's pure-C policy files need, from the
 * kernel when built into the module and from libc when built into the CLI,
 * host unit tests and fuzzers. Policy files include only this header.
 */
#ifndef _PCIGUARD_COMPAT_H
#define _PCIGUARD_COMPAT_H

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/types.h>
#else
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
#endif

#endif /* _PCIGUARD_COMPAT_H */
