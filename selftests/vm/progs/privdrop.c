// SPDX-License-Identifier: GPL-2.0
/*
 * privdrop: run a command with less privilege than root, the ways an
 * administrator's command can end up without it. For the guest tests
 * (selftests/vm/tests/privilege.sh), whose busybox has no capsh, setpriv
 * or unshare that does all of this.
 *
 *   privdrop [--netns] [--drop CAP]... [--uid N [--gid N]] [--userns]
 *            -- CMD [ARG...]
 *
 * In this order: --netns enters a new network namespace; --drop takes CAP
 * (a name such as sys_admin or CAP_NET_ADMIN, or a number) out of the
 * bounding, inheritable, permitted and effective sets, so that a root CMD
 * does not get it back at exec; --uid/--gid become that user (no
 * supplementary groups, no capabilities left); --userns enters a new user
 * namespace in which the user it runs as is root ("unshare -U -r").
 * Exit 125 when a step fails, else CMD's exec.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define FAIL 125

static const struct {
	const char *name;
	unsigned int cap;
} caps[] = {
	{ "net_admin", CAP_NET_ADMIN },
	{ "sys_admin", CAP_SYS_ADMIN },
	{ "net_raw", CAP_NET_RAW },
	{ "sys_module", CAP_SYS_MODULE },
	{ "dac_override", CAP_DAC_OVERRIDE },
	{ "setuid", CAP_SETUID },
	{ "setgid", CAP_SETGID },
	{ "setpcap", CAP_SETPCAP },
};

static int cap_by_name(const char *s)
{
	size_t i;

	if (isdigit((unsigned char)s[0]))
		return atoi(s);
	if (!strncasecmp(s, "cap_", 4))
		s += 4;
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		if (!strcasecmp(s, caps[i].name))
			return caps[i].cap;
	return -1;
}

/* Take the capabilities in @drop out of every set of this process. */
static int drop_caps(const unsigned long long drop)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	unsigned int cap, i;

	for (cap = 0; cap < 64; cap++)
		if ((drop >> cap & 1) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)) {
			perror("privdrop: PR_CAPBSET_DROP");
			return -1;
		}
	if (syscall(SYS_capget, &h, d)) {
		perror("privdrop: capget");
		return -1;
	}
	for (i = 0; i < _LINUX_CAPABILITY_U32S_3; i++) {
		unsigned int keep = ~(unsigned int)(drop >> (32 * i));

		d[i].effective &= keep;
		d[i].permitted &= keep;
		d[i].inheritable &= keep;
	}
	if (syscall(SYS_capset, &h, d)) {
		perror("privdrop: capset");
		return -1;
	}
	return 0;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t len = strlen(text);

	if (fd < 0 || write(fd, text, len) != len) {
		fprintf(stderr, "privdrop: cannot write %s: %s\n", path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return close(fd);
}

/* A new user namespace in which this process's user and group are root. */
static int enter_userns(void)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();

	/* A changed user leaves the process undumpable: /proc/self root's. */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) || unshare(CLONE_NEWUSER)) {
		perror("privdrop: unshare(CLONE_NEWUSER)");
		return -1;
	}
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned int)uid);
	if (write_file("/proc/self/uid_map", map) ||
	    write_file("/proc/self/setgroups", "deny"))
		return -1;
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned int)gid);
	return write_file("/proc/self/gid_map", map);
}

static int usage(void)
{
	fputs("Usage: privdrop [--netns] [--drop CAP]... [--uid N [--gid N]] "
	      "[--userns] -- CMD [ARG...]\n", stderr);
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long long drop = 0;
	int userns = 0, netns = 0, i;
	long uid = -1, gid = -1;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			i++;
			break;
		} else if (!strcmp(a, "--netns")) {
			netns = 1;
		} else if (!strcmp(a, "--userns")) {
			userns = 1;
		} else if (i + 1 < argc && !strcmp(a, "--drop")) {
			int cap = cap_by_name(argv[++i]);

			if (cap < 0 || cap > 63) {
				fprintf(stderr, "privdrop: unknown capability '%s'\n",
					argv[i]);
				return 2;
			}
			drop |= 1ULL << cap;
		} else if (i + 1 < argc && !strcmp(a, "--uid")) {
			uid = strtol(argv[++i], NULL, 10);
		} else if (i + 1 < argc && !strcmp(a, "--gid")) {
			gid = strtol(argv[++i], NULL, 10);
		} else {
			return usage();
		}
	}
	if (i >= argc)
		return usage();
	if (gid < 0)
		gid = uid;

	if (netns && unshare(CLONE_NEWNET)) {
		perror("privdrop: unshare(CLONE_NEWNET)");
		return FAIL;
	}
	if (drop && drop_caps(drop))
		return FAIL;
	if (uid >= 0 && (setgroups(0, NULL) || setresgid(gid, gid, gid) ||
			 setresuid(uid, uid, uid))) {
		perror("privdrop: cannot become that user");
		return FAIL;
	}
	if (userns && enter_userns())
		return FAIL;
	execvp(argv[i], argv + i);
	fprintf(stderr, "privdrop: cannot run %s: %s\n", argv[i],
		strerror(errno));
	return FAIL;
}
