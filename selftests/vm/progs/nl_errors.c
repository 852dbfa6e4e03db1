// SPDX-License-Identifier: GPL-2.0
/*
 * The pciguard family's own validation, tested with raw netlink so that we
 * can send what the CLI never would: missing, out-of-range, mistyped and
 * unknown attributes, a non-zero reserved header field. Every refusal must
 * come with an extended ack naming the problem. Runs in the test VM.
 */
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "uapi/pciguard.h"

#define BUFSZ 16384

struct reply {
	int error;		/* 0, or the negative errno of an NLMSG_ERROR */
	char msg[256];		/* NLMSGERR_ATTR_MSG */
	int miss_type;		/* NLMSGERR_ATTR_MISS_TYPE, or -1 */
	int has_offs;		/* NLMSGERR_ATTR_OFFS present */
	int nmsgs;		/* data messages received */
	unsigned char data[BUFSZ];	/* the first data message */
};

struct req {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char buf[512];
};

static void put_attr(struct req *r, int type, const void *data, int len)
{
	struct nlattr *a = (void *)((char *)r + NLMSG_ALIGN(r->n.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
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

static void init_req(struct req *r, int family, int cmd, int flags)
{
	memset(r, 0, sizeof(*r));
	r->n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->n.nlmsg_type = family;
	r->n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	r->n.nlmsg_seq = 1;
	r->g.cmd = cmd;
	r->g.version = PCIGUARD_GENL_VERSION;
}

static void parse_err(struct nlmsghdr *h, struct reply *rep)
{
	struct nlmsgerr *e = NLMSG_DATA(h);
	size_t off = NLMSG_HDRLEN + sizeof(*e);
	struct nlattr *a;

	rep->error = e->error;
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	for (a = (void *)((char *)h + off);
	     (char *)a + NLA_HDRLEN <= (char *)h + h->nlmsg_len && a->nla_len >= NLA_HDRLEN;
	     a = (void *)((char *)a + NLA_ALIGN(a->nla_len))) {
		void *p = (char *)a + NLA_HDRLEN;

		switch (a->nla_type) {
		case NLMSGERR_ATTR_MSG:
			snprintf(rep->msg, sizeof(rep->msg), "%s", (char *)p);
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			rep->miss_type = *(unsigned int *)p;
			break;
		case NLMSGERR_ATTR_OFFS:
			rep->has_offs = 1;
			break;
		}
	}
}

/* Send @r and read until the ACK, error or end of dump. */
static int xfer(int fd, struct req *r, struct reply *rep)
{
	static unsigned char buf[BUFSZ * 4];

	memset(rep, 0, sizeof(*rep));
	rep->miss_type = -1;
	if (send(fd, r, r->n.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		int len = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		if (len < 0)
			return -errno;
		for (h = (void *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				parse_err(h, rep);
				return 0;
			}
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (!rep->nmsgs++)
				memcpy(rep->data, h, h->nlmsg_len < BUFSZ ?
				       h->nlmsg_len : BUFSZ);
		}
	}
}

static int resolve_family(int fd)
{
	struct reply rep;
	struct req r;
	struct nlmsghdr *h = (void *)rep.data;
	struct nlattr *a;
	int len;

	init_req(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	r.g.version = 1;
	put_attr(&r, CTRL_ATTR_FAMILY_NAME, PCIGUARD_GENL_NAME,
		 sizeof(PCIGUARD_GENL_NAME));
	if (xfer(fd, &r, &rep) || rep.error || !rep.nmsgs)
		return -1;
	len = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	for (a = (void *)((char *)NLMSG_DATA(h) + GENL_HDRLEN); len >= NLA_HDRLEN;
	     len -= NLA_ALIGN(a->nla_len), a = (void *)((char *)a + NLA_ALIGN(a->nla_len)))
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			return *(unsigned short *)((char *)a + NLA_HDRLEN);
	return -1;
}

/* The attribute @type of the first reply message, or NULL. */
static struct nlattr *reply_attr(struct reply *rep, int type)
{
	struct nlmsghdr *h = (void *)rep->data;
	int len = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	struct nlattr *a = (void *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);

	for (; len >= NLA_HDRLEN; len -= NLA_ALIGN(a->nla_len),
	     a = (void *)((char *)a + NLA_ALIGN(a->nla_len)))
		if (a->nla_type == type)
			return a;
	return NULL;
}

FIXTURE(nl) {
	int fd;
	int family;
	struct req r;
	struct reply rep;
};

FIXTURE_SETUP(nl)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1;

	self->fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, bind(self->fd, (void *)&sa, sizeof(sa)));
	setsockopt(self->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	self->family = resolve_family(self->fd);
	ASSERT_LT(0, self->family) TH_LOG("is the pciguard module loaded?");
}

FIXTURE_TEARDOWN(nl)
{
	close(self->fd);
}

static void name_dev(struct req *r, unsigned int dom, int bus, int slot,
		     int fn)
{
	put_u32(r, PCIGUARD_A_DEV_DOMAIN, dom);
	put_u8(r, PCIGUARD_A_DEV_BUS, bus);
	put_u8(r, PCIGUARD_A_DEV_SLOT, slot);
	put_u8(r, PCIGUARD_A_DEV_FUNCTION, fn);
}

TEST_F(nl, get_host_bridge)
{
	struct nlattr *a;

	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_GET, 0);
	name_dev(&self->r, 0, 0, 0, 0);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	ASSERT_EQ(0, self->rep.error) TH_LOG("%s", self->rep.msg);
	ASSERT_EQ(1, self->rep.nmsgs);
	a = reply_attr(&self->rep, PCIGUARD_A_DEV_BDF);
	ASSERT_NE(NULL, a);
	EXPECT_STREQ("0000:00:00.0", (char *)a + NLA_HDRLEN);
	a = reply_attr(&self->rep, PCIGUARD_A_DEV_VENDOR);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(0x8086, *(unsigned short *)((char *)a + NLA_HDRLEN));
}

TEST_F(nl, missing_attribute_is_named)
{
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_GET, 0);
	put_u32(&self->r, PCIGUARD_A_DEV_DOMAIN, 0);
	put_u8(&self->r, PCIGUARD_A_DEV_BUS, 0);
	put_u8(&self->r, PCIGUARD_A_DEV_SLOT, 0);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-EINVAL, self->rep.error);
	EXPECT_EQ(PCIGUARD_A_DEV_FUNCTION, self->rep.miss_type);
}

TEST_F(nl, slot_out_of_range)
{
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_GET, 0);
	name_dev(&self->r, 0, 0, 32, 0);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-ERANGE, self->rep.error);
	EXPECT_NE(0, self->rep.msg[0]);
	EXPECT_EQ(1, self->rep.has_offs);
}

TEST_F(nl, function_out_of_range)
{
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_GET, 0);
	name_dev(&self->r, 0, 0, 0, 8);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-ERANGE, self->rep.error);
	EXPECT_NE(0, self->rep.msg[0]);
}

TEST_F(nl, wrong_attribute_size)
{
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_GET, 0);
	put_u32(&self->r, PCIGUARD_A_DEV_DOMAIN, 0);
	put_u32(&self->r, PCIGUARD_A_DEV_BUS, 0);	/* u8 expected */
	put_u8(&self->r, PCIGUARD_A_DEV_SLOT, 0);
	put_u8(&self->r, PCIGUARD_A_DEV_FUNCTION, 0);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-EINVAL, self->rep.error);
	EXPECT_NE(0, self->rep.msg[0]);
}

TEST_F(nl, unknown_attribute_rejected)
{
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_GET, 0);
	name_dev(&self->r, 0, 0, 0, 0);
	put_u32(&self->r, 200, 0);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-EINVAL, self->rep.error);
	EXPECT_NE(0, self->rep.msg[0]);
}

TEST_F(nl, reply_only_attribute_rejected)
{
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_GET, 0);
	name_dev(&self->r, 0, 0, 0, 0);
	put_attr(&self->r, PCIGUARD_A_DEV_BDF, "0000:00:00.0", 13);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-EINVAL, self->rep.error);
}

TEST_F(nl, absent_device)
{
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_GET, 0);
	name_dev(&self->r, 0, 0x09, 0, 0);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-ENODEV, self->rep.error);
	EXPECT_STREQ("pciguard: no PCI device at this address", self->rep.msg);
}

TEST_F(nl, reserved_header_field)
{
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_GET, 0);
	self->r.g.reserved = 1;
	name_dev(&self->r, 0, 0, 0, 0);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-EINVAL, self->rep.error);
}

TEST_F(nl, unknown_command)
{
	init_req(&self->r, self->family, PCIGUARD_CMD_MAX + 1, 0);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-EOPNOTSUPP, self->rep.error);
}

TEST_F(nl, dump_lists_every_device)
{
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_GET, NLM_F_DUMP);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(0, self->rep.error);
	EXPECT_LT(10, self->rep.nmsgs);
}

TEST_F(nl, dump_rejects_junk_attribute)
{
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_GET, NLM_F_DUMP);
	put_u32(&self->r, 200, 0);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-EINVAL, self->rep.error);
}

TEST_HARNESS_MAIN
