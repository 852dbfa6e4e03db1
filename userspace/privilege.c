// SPDX-License-Identifier: GPL-2.0
/*
 * Who may change custody (pciguard(8), PRIVILEGES): a process with
 * CAP_SYS_ADMIN and CAP_NET_ADMIN in the initial user namespace, in the
 * initial network namespace. The module decides for what it does; the CLI
 * asks the same question first, so that a command that would be refused
 * says exactly why and touches nothing (not the persistent store, not a
 * backend's sysfs files, not Xen) before the module has a say.
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "netlink.h"
#include "pciguard.h"

#define PG_PERM_NEEDS "permission denied: changing device custody needs " \
	"CAP_SYS_ADMIN and CAP_NET_ADMIN in the initial user and network " \
	"namespace"

/* Is @cap in this process's effective set? Unknown counts as yes. */
static bool has_cap(unsigned int cap)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &h, d))
		return true;
	return d[cap / 32].effective & (1U << (cap % 32));
}

/*
 * Does this process run in a user namespace other than the initial one?
 * Only the initial one maps every ID onto itself: "0 0 4294967295".
 */
static bool in_user_ns(void)
{
	unsigned long first, lower, count;
	FILE *f = fopen("/proc/self/uid_map", "re");
	int n;

	if (!f)
		return false;	/* no /proc: the module decides */
	n = fscanf(f, "%lu %lu %lu", &first, &lower, &count);
	fclose(f);
	return n == 3 && !(first == 0 && lower == 0 && count == 4294967295UL);
}

/*
 * Why this process may not change custody, or NULL when it may (as far as
 * the CLI can tell). With @probe_netns, also open a netlink socket to see
 * whether the family is out of sight in this network namespace.
 */
static const char *why_not(bool probe_netns)
{
	bool sys = has_cap(CAP_SYS_ADMIN), net = has_cap(CAP_NET_ADMIN);

	if (in_user_ns())
		return "this process runs in a user namespace";
	if (!sys && !net)
		return "this process lacks CAP_SYS_ADMIN and CAP_NET_ADMIN";
	if (!sys)
		return "this process lacks CAP_SYS_ADMIN";
	if (!net)
		return "this process lacks CAP_NET_ADMIN";
	if (probe_netns && pg_nl_other_netns())
		return "this process runs in another network namespace";
	return NULL;
}

/* "VERB BDF..." of a command, into @buf. */
static void what(char *buf, size_t len, const char *verb,
		 const struct pg_bdf *bdfs, size_t n)
{
	char name[PG_BDF_STRLEN];
	size_t used, i;

	used = snprintf(buf, len, "%s", verb);
	for (i = 0; i < n && used < len; i++) {
		pg_bdf_format(name, sizeof(name), &bdfs[i]);
		used += snprintf(buf + used, len - used, " %s", name);
	}
}

/**
 * pg_perm_denied() - say that @verb on @bdfs is not allowed, and why
 * @verb: the command ("hide", "restore")
 * @bdfs: the devices it names (may be NULL)
 * @n: how many
 * @why: what this process lacks, or NULL when only the module knows
 */
void pg_perm_denied(const char *verb, const struct pg_bdf *bdfs, size_t n,
		    const char *why)
{
	char buf[512];

	what(buf, sizeof(buf), verb, bdfs, n);
	pg_err("%s: " PG_PERM_NEEDS ", and %s; run it as root on the host",
	       buf, why ? why : "the module refused this process");
}

/**
 * pg_require_admin() - refuse a command that changes custody, up front
 * @verb: the command, for the message
 * @bdfs: the devices it names (may be NULL)
 * @n: how many
 *
 * Return: 0 when this process may go on (the module still decides), or
 * -EPERM after printing what it lacks and what to do.
 */
int pg_require_admin(const char *verb, const struct pg_bdf *bdfs, size_t n)
{
	const char *why = why_not(true);

	if (!why)
		return 0;
	pg_perm_denied(verb, bdfs, n, why);
	return -EPERM;
}

/**
 * pg_may_admin() - may this process change custody? Says nothing.
 *
 * For read-only commands that do an admin's chore on the side when they
 * can (show reporting a backend's violation).
 *
 * Return: true when it looks so; the module still decides.
 */
bool pg_may_admin(void)
{
	return !why_not(false);
}
