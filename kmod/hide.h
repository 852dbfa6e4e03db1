/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hide= list: which PCI devices pciguard takes into custody as soon as
 * it sees them. xen-pciback's syntax, one parenthesised group per rule:
 *
 *	(DDDD:BB:DD.F)  (BB:DD.F)	one function (segment 0 when omitted)
 *	(BB:DD.*)			every function of a slot
 *	(BB:*.*)			every device on a bus
 *
 * Groups follow each other, optionally separated by blanks. Pure C, shared
 * with the CLI (pciguard cmdline --check), the unit tests and the fuzzer.
 */
#ifndef _PCIGUARD_HIDE_H
#define _PCIGUARD_HIDE_H

#include "bdf.h"
#include "compat.h"

/* Most groups one hide= string may hold. */
#define PG_HIDE_MAX_RULES	64

/* Longest error message pg_hide_parse() writes, including the NUL. */
#define PG_HIDE_ERR_MAX		160

/* A wildcard slot or function in a rule. */
#define PG_HIDE_ANY		0xff

/**
 * struct pg_hide_rule - one (…) group
 * @domain: PCI segment
 * @bus: bus number
 * @slot: device number, or PG_HIDE_ANY
 * @function: function number, or PG_HIDE_ANY (always when @slot is)
 */
struct pg_hide_rule {
	u32 domain;
	u8 bus;
	u8 slot;
	u8 function;
};

/**
 * struct pg_hide_list - a parsed hide= string
 * @n: valid entries in @rules
 * @rules: the groups in the order given
 */
struct pg_hide_list {
	unsigned int n;
	struct pg_hide_rule rules[PG_HIDE_MAX_RULES];
};

/*
 * pg_hide_parse() - parse a hide= string into @out
 * @s: the string; NULL, "" or blanks only give an empty list
 * @out: the rules in the order given, repeated groups kept (harmless:
 *	pg_hide_match() reports the first); left empty on error
 * @err: on error, a message such as
 *	"expected ':' at offset 12 in '(00:1a.0)(0g:00.0)'"
 *	(offsets count characters from 1; the quoted text is shortened with
 *	"..." when long); may be NULL
 * @errlen: size of @err, at most PG_HIDE_ERR_MAX is used
 *
 * Return: 0 or -EINVAL.
 */
int pg_hide_parse(const char *s, struct pg_hide_list *out, char *err,
		  size_t errlen);

/*
 * pg_hide_match() - does any rule of @list name @bdf?
 *
 * Return: index of the first matching rule, or -1.
 */
int pg_hide_match(const struct pg_hide_list *list, const struct pg_bdf *bdf);

/*
 * pg_hide_rule_format() - a rule back in xen-pciback's syntax, with the
 * segment always written: "(0000:03:00.*)".
 *
 * Return: characters written (not counting the NUL), or -ENOSPC.
 */
int pg_hide_rule_format(char *buf, size_t len, const struct pg_hide_rule *r);

#endif /* _PCIGUARD_HIDE_H */
