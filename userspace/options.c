// SPDX-License-Identifier: GPL-2.0
/*
 * The -o OPT=VAL options of check and assign, in Qubes' spelling
 * (qvm-pci attach -o permissive=true -o no-strict-reset=true).
 */
#include <stdio.h>
#include <string.h>

#include "pciguard.h"

static int parse_bool(const char *usage, const char *verb, const char *key,
		      const char *val, bool *out)
{
	if (!strcmp(val, "true") || !strcmp(val, "1") || !strcmp(val, "yes"))
		*out = true;
	else if (!strcmp(val, "false") || !strcmp(val, "0") ||
		 !strcmp(val, "no"))
		*out = false;
	else
		return pg_usage_err(usage, "%s: %s takes true or false, not "
				    "'%s'", verb, key, val);
	return 0;
}

/**
 * pg_parse_option() - one -o OPT=VAL into @o
 * @arg: the argument; modified
 * @o: the options so far
 * @usage: the command's usage text, printed on error
 * @verb: the command, for messages
 *
 * Return: 0, or the usage exit code after the error was printed.
 */
int pg_parse_option(char *arg, struct pg_opts *o, const char *usage,
		    const char *verb)
{
	char *val = strchr(arg, '=');

	if (!val)
		return pg_usage_err(usage, "%s: -o takes OPT=VAL, not '%s'",
				    verb, arg);
	*val++ = '\0';
	if (!strcmp(arg, "no-strict-reset"))
		return parse_bool(usage, verb, arg, val, &o->no_strict_reset);
	if (!strcmp(arg, "permissive"))
		return parse_bool(usage, verb, arg, val, &o->permissive);
	if (!strcmp(arg, "backend")) {
		if (!strcmp(val, "pciback"))
			o->backend = PCIGUARD_BACKEND_PCIBACK;
		else if (!strcmp(val, "vfio-pci"))
			o->backend = PCIGUARD_BACKEND_VFIO_PCI;
		else
			return pg_usage_err(usage, "%s: backend is pciback or "
					    "vfio-pci, not '%s'", verb, val);
		return 0;
	}
	return pg_usage_err(usage, "%s: unknown option '%s'; known: "
			    "no-strict-reset, permissive, backend", verb, arg);
}
