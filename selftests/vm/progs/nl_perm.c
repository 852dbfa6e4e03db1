// SPDX-License-Identifier: GPL-2.0
/*
 * nl_perm: send one pciguard request over raw generic netlink and print
 * the kernel's answer, so that a test can see who the module refuses and
 * how, below the CLI (selftests/vm/tests/privilege.sh runs it under
 * privdrop).
 *
 *   nl_perm resolve                  the family's ID, or the error
 *   nl_perm [--family ID] CMD BDF    CMD: get, check, hide, release,
 *                                    assign, detach, violation
 *
 * Prints "ok" (resolve: the ID), or the error's name and, when the kernel
 * sent one, ": " and its extack message, e.g.
 * "EPERM: pciguard: changing device custody needs CAP_SYS_ADMIN ...".
 * --family skips the lookup (from a network namespace where the family
 * cannot be looked up). Exit 0 when an answer came, 1 otherwise, 2 on
 * usage errors. A request that is not refused really acts: hide takes the
 * device, assign hands it to vfio-pci for the guest "nlperm".
 */
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "uapi/pciguard.h"

struct req {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char buf[1024];
};

static void put_attr(struct req *r, int type, const void *data, int len)
{
	struct nlattr *a = (void *)((char *)r + NLMSG_ALIGN(r->n.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	r->n.nlmsg_len = NLMSG_ALIGN(r->n.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static void put_u8(struct req *r, int type, unsigned char v)
{
	put_attr(r, type, &v, 1);
}

static void put_u32(struct req *r, int type, unsigned int v)
{
	put_attr(r, type, &v, 4);
}

static void init_req(struct req *r, int family, int cmd)
{
	memset(r, 0, sizeof(*r));
	r->n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->n.nlmsg_type = family;
	r->n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	r->n.nlmsg_seq = 1;
	r->g.cmd = cmd;
	r->g.version = 1;
}

static const char *errname(int e)
{
	static char buf[16];

	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EINVAL: return "EINVAL";
	case ENODEV: return "ENODEV";
	case EBUSY: return "EBUSY";
	case EACCES: return "EACCES";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	}
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

/*
 * Send @r; read the answer. Return: 0 with *@err 0 (and the family ID in
 * *@family for a CTRL_CMD_GETFAMILY) or the kernel's positive errno and
 * its extack in @msg; -1 when nothing came.
 */
static int xfer(int fd, struct req *r, int *err, char *msg, size_t len,
		int *family)
{
	static unsigned char buf[65536];

	*err = 0;
	msg[0] = '\0';
	if (send(fd, r, r->n.nlmsg_len, 0) < 0) {
		perror("nl_perm: send");
		return -1;
	}
	for (;;) {
		int n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		if (n < 0) {
			perror("nl_perm: recv");
			return -1;
		}
		for (h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			struct nlmsgerr *e = NLMSG_DATA(h);
			struct nlattr *a;
			size_t off;

			if (h->nlmsg_type == GENL_ID_CTRL && family) {
				off = NLMSG_HDRLEN + GENL_HDRLEN;
				for (a = (void *)((char *)h + off);
				     (char *)a + NLA_HDRLEN <= (char *)h + h->nlmsg_len &&
				     a->nla_len >= NLA_HDRLEN;
				     a = (void *)((char *)a + NLA_ALIGN(a->nla_len)))
					if (a->nla_type == CTRL_ATTR_FAMILY_ID)
						*family = *(unsigned short *)
							  ((char *)a + NLA_HDRLEN);
				continue;
			}
			if (h->nlmsg_type != NLMSG_ERROR)
				continue;
			*err = -e->error;
			off = NLMSG_HDRLEN + sizeof(*e);
			if (!(h->nlmsg_flags & NLM_F_CAPPED))
				off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
			if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
				return 0;
			for (a = (void *)((char *)h + off);
			     (char *)a + NLA_HDRLEN <= (char *)h + h->nlmsg_len &&
			     a->nla_len >= NLA_HDRLEN;
			     a = (void *)((char *)a + NLA_ALIGN(a->nla_len)))
				if (a->nla_type == NLMSGERR_ATTR_MSG)
					snprintf(msg, len, "%s",
						 (char *)a + NLA_HDRLEN);
			return 0;
		}
	}
}

static void print_answer(int err, const char *msg)
{
	if (!err)
		printf("ok\n");
	else if (msg[0])
		printf("%s: %s\n", errname(err), msg);
	else
		printf("%s\n", errname(err));
}

static int resolve(int fd, int *family, int *err, char *msg, size_t len)
{
	const char name[] = PCIGUARD_GENL_NAME;
	struct req r;

	init_req(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	put_attr(&r, CTRL_ATTR_FAMILY_NAME, name, sizeof(name));
	*family = -1;
	return xfer(fd, &r, err, msg, len, family);
}

static const struct {
	const char *name;
	int cmd;
} cmds[] = {
	{ "get", PCIGUARD_CMD_DEV_GET },
	{ "check", PCIGUARD_CMD_DEV_CHECK },
	{ "hide", PCIGUARD_CMD_DEV_HIDE },
	{ "release", PCIGUARD_CMD_DEV_RELEASE },
	{ "assign", PCIGUARD_CMD_DEV_ASSIGN },
	{ "detach", PCIGUARD_CMD_DEV_DETACH },
	{ "violation", PCIGUARD_CMD_DEV_VIOLATION },
};

static int usage(void)
{
	fputs("Usage: nl_perm resolve\n"
	      "       nl_perm [--family ID] get|check|hide|release|assign|"
	      "detach|violation BDF\n", stderr);
	return 2;
}

int main(int argc, char **argv)
{
	unsigned int dom, bus, slot, fn;
	int fd, one = 1, family = -1, err, cmd = -1, i = 1;
	char msg[512];
	size_t k;
	struct req r;

	if (argc > 2 && !strcmp(argv[1], "--family")) {
		family = atoi(argv[2]);
		i = 3;
	}
	if (i >= argc)
		return usage();
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0) {
		perror("nl_perm: socket");
		return 1;
	}
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (!strcmp(argv[i], "resolve") && i + 1 == argc) {
		if (resolve(fd, &family, &err, msg, sizeof(msg)))
			return 1;
		if (err)
			print_answer(err, msg);
		else
			printf("%d\n", family);
		return 0;
	}
	for (k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++)
		if (!strcmp(argv[i], cmds[k].name))
			cmd = cmds[k].cmd;
	if (cmd < 0 || i + 2 != argc ||
	    sscanf(argv[i + 1], "%x:%x:%x.%x", &dom, &bus, &slot, &fn) != 4)
		return usage();
	if (family < 0) {
		if (resolve(fd, &family, &err, msg, sizeof(msg)))
			return 1;
		if (err) {
			printf("resolve: ");
			print_answer(err, msg);
			return 0;
		}
	}

	init_req(&r, family, cmd);
	if (cmd == PCIGUARD_CMD_DEV_GET) {
		put_u32(&r, PCIGUARD_A_DEV_DOMAIN, dom);
		put_u8(&r, PCIGUARD_A_DEV_BUS, bus);
		put_u8(&r, PCIGUARD_A_DEV_SLOT, slot);
		put_u8(&r, PCIGUARD_A_DEV_FUNCTION, fn);
	} else {
		struct nlattr *nest = (void *)((char *)&r +
					       NLMSG_ALIGN(r.n.nlmsg_len));
		unsigned int start = NLMSG_ALIGN(r.n.nlmsg_len);

		put_attr(&r, PCIGUARD_A_DEV_TARGET | NLA_F_NESTED, NULL, 0);
		put_u32(&r, PCIGUARD_A_DEV_DOMAIN, dom);
		put_u8(&r, PCIGUARD_A_DEV_BUS, bus);
		put_u8(&r, PCIGUARD_A_DEV_SLOT, slot);
		put_u8(&r, PCIGUARD_A_DEV_FUNCTION, fn);
		nest->nla_len = r.n.nlmsg_len - start;
	}
	if (cmd == PCIGUARD_CMD_DEV_RELEASE)
		put_attr(&r, PCIGUARD_A_DEV_TO_HOST, NULL, 0);
	if (cmd == PCIGUARD_CMD_DEV_ASSIGN) {
		put_attr(&r, PCIGUARD_A_DEV_GUEST, "nlperm", 7);
		put_u32(&r, PCIGUARD_A_DEV_BACKEND, PCIGUARD_BACKEND_VFIO_PCI);
	}
	if (cmd == PCIGUARD_CMD_DEV_VIOLATION)
		put_attr(&r, PCIGUARD_A_DEV_VIOLATION, "nl_perm", 8);
	if (xfer(fd, &r, &err, msg, sizeof(msg), NULL))
		return 1;
	print_answer(err, msg);
	close(fd);
	return 0;
}
