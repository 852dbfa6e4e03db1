// SPDX-License-Identifier: GPL-2.0
/*
 * The pciguard family's own validation, tested with raw netlink so that we
 * can send what the CLI never would: missing, out-of-range, mistyped and
 * unknown attributes, a non-zero reserved header field, DEV_HIDE and
 * DEV_RELEASE requests the CLI's own checks would have stopped. Every
 * refusal must come with an extended ack naming the problem, and where the
 * problem is one target, the offset of its nest. Runs in the test VM, on
 * the reference topology:
 *
 *   0000:00:00.0  host bridge
 *   0000:00:01.0  VGA, bochs-drm (dom0's display)
 *   0000:00:10.0  PCIe root port, with 0000:01:00.0 behind it
 *   0000:01:00.0  virtio-net, virtio-pci (FLR capable): the one device
 *                 these tests take into custody, and always give back
 *   0000:00:1f.2  AHCI, ahci (dom0's storage)
 */
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stddef.h>
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
	unsigned int offs;	/* its value: bad attribute, from the nlmsghdr */
	int nmsgs;		/* data messages received */
	unsigned char data[BUFSZ];	/* the first data message */
};

#define MAX_NESTS (PCIGUARD_MAX_TARGETS + 1)

struct req {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char buf[4096];
	/* Not sent: where nest_start() put each nest, from the nlmsghdr. */
	unsigned int nest[MAX_NESTS];
	int nnests;
};

/* Append an attribute. Return: its offset from the nlmsghdr. */
static unsigned int put_attr(struct req *r, int type, const void *data,
			     int len)
{
	unsigned int off = NLMSG_ALIGN(r->n.nlmsg_len);
	struct nlattr *a = (void *)((char *)r + off);

	if (off + NLA_ALIGN(NLA_HDRLEN + len) > offsetof(struct req, nest)) {
		fprintf(stderr, "# request buffer too small\n");
		abort();
	}
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	r->n.nlmsg_len = off + NLA_ALIGN(a->nla_len);
	return off;
}

static unsigned int put_u8(struct req *r, int type, unsigned char v)
{
	return put_attr(r, type, &v, 1);
}

static unsigned int put_u32(struct req *r, int type, unsigned int v)
{
	return put_attr(r, type, &v, 4);
}

static unsigned int put_flag(struct req *r, int type)
{
	return put_attr(r, type, NULL, 0);
}

static struct nlattr *attr_at(struct req *r, unsigned int off)
{
	return (void *)((char *)r + off);
}

/*
 * Open a nest of @type, with NLA_F_NESTED (the family's strict validation
 * wants it), and record its offset in r->nest[]. Return: that offset.
 */
static unsigned int nest_start(struct req *r, int type)
{
	unsigned int off = put_attr(r, type | NLA_F_NESTED, NULL, 0);

	if (r->nnests < MAX_NESTS)
		r->nest[r->nnests++] = off;
	return off;
}

/* Close the nest at @off: it holds everything appended since. */
static void nest_end(struct req *r, unsigned int off)
{
	attr_at(r, off)->nla_len = r->n.nlmsg_len - off;
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
			rep->offs = *(unsigned int *)p;
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

/* The first attribute of @type (NLA_F_ flags ignored) in @len bytes at @head. */
static struct nlattr *find_attr(void *head, int len, int type)
{
	struct nlattr *a = head;

	for (; len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len;
	     len -= NLA_ALIGN(a->nla_len),
	     a = (void *)((char *)a + NLA_ALIGN(a->nla_len)))
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
	return NULL;
}

static void *nla_payload(struct nlattr *a)
{
	return (char *)a + NLA_HDRLEN;
}

/* The attribute @type of the first reply message, or NULL. */
static struct nlattr *reply_attr(struct reply *rep, int type)
{
	struct nlmsghdr *h = (void *)rep->data;

	if (!rep->nmsgs)
		return NULL;
	return find_attr((char *)NLMSG_DATA(h) + GENL_HDRLEN,
			 h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN), type);
}

/* The u32 attribute @type of the first reply message, or -1. */
static long long reply_u32(struct reply *rep, int type)
{
	struct nlattr *a = reply_attr(rep, type);

	return a ? (long long)*(unsigned int *)nla_payload(a) : -1;
}

/* CTRL_CMD_GETFAMILY for pciguard into @rep. Return: 0 or -1. */
static int get_family(int fd, struct reply *rep)
{
	struct req r;

	init_req(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	r.g.version = 1;
	put_attr(&r, CTRL_ATTR_FAMILY_NAME, PCIGUARD_GENL_NAME,
		 sizeof(PCIGUARD_GENL_NAME));
	if (xfer(fd, &r, rep) || rep->error || !rep->nmsgs)
		return -1;
	return 0;
}

static int resolve_family(int fd)
{
	static struct reply rep;
	struct nlattr *a;

	if (get_family(fd, &rep))
		return -1;
	a = reply_attr(&rep, CTRL_ATTR_FAMILY_ID);
	return a ? *(unsigned short *)nla_payload(a) : -1;
}

/* A PCI address, as the reference topology has them. */
struct addr {
	unsigned int domain;
	unsigned char bus, slot, function;
};

static const struct addr host_bridge = { 0, 0x00, 0x00, 0 };
static const struct addr vga = { 0, 0x00, 0x01, 0 };
static const struct addr root_port = { 0, 0x00, 0x10, 0 };
static const struct addr ahci = { 0, 0x00, 0x1f, 2 };
static const struct addr nic = { 0, 0x01, 0x00, 0 };
static const struct addr nowhere = { 0, 0x7f, 0x00, 0 };

static void name_addr(struct req *r, const struct addr *d)
{
	put_u32(r, PCIGUARD_A_DEV_DOMAIN, d->domain);
	put_u8(r, PCIGUARD_A_DEV_BUS, d->bus);
	put_u8(r, PCIGUARD_A_DEV_SLOT, d->slot);
	put_u8(r, PCIGUARD_A_DEV_FUNCTION, d->function);
}

/* A PCIGUARD_A_DEV_TARGET nest naming @d. Return: its offset. */
static unsigned int put_target(struct req *r, const struct addr *d)
{
	unsigned int off = nest_start(r, PCIGUARD_A_DEV_TARGET);

	name_addr(r, d);
	nest_end(r, off);
	return off;
}

/* The driver bound to @d, from sysfs, or "" when none. */
static const char *driver_of(const struct addr *d)
{
	static char name[256];
	char path[128], link[256];
	const char *base;
	ssize_t n;

	snprintf(path, sizeof(path),
		 "/sys/bus/pci/devices/%04x:%02x:%02x.%x/driver",
		 d->domain, d->bus, d->slot, d->function);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return "";
	link[n] = '\0';
	base = strrchr(link, '/');
	snprintf(name, sizeof(name), "%s", base ? base + 1 : link);
	return name;
}

/* DEV_GET @d into @rep. Return: 0, or the errno of the request. */
static int dev_get(int fd, int family, const struct addr *d,
		   struct reply *rep)
{
	struct req r;
	int ret;

	init_req(&r, family, PCIGUARD_CMD_DEV_GET, 0);
	name_addr(&r, d);
	ret = xfer(fd, &r, rep);
	return ret ? ret : rep->error;
}

/* PCIGUARD_A_DEV_STATE of @d, or a negative errno. */
static int dev_state(int fd, int family, const struct addr *d)
{
	static struct reply rep;
	long long state;
	int ret;

	ret = dev_get(fd, family, d, &rep);
	if (ret)
		return ret;
	state = reply_u32(&rep, PCIGUARD_A_DEV_STATE);
	return state < 0 ? -ENOENT : (int)state;
}

/* DEV_RELEASE @d to dom0, forced. Return: 0, or the errno of the request. */
static int release(int fd, int family, const struct addr *d)
{
	static struct reply rep;
	struct req r;
	int ret;

	init_req(&r, family, PCIGUARD_CMD_DEV_RELEASE, 0);
	put_target(&r, d);
	put_flag(&r, PCIGUARD_A_DEV_TO_HOST);
	put_flag(&r, PCIGUARD_A_DEV_FORCE);
	ret = xfer(fd, &r, &rep);
	return ret ? ret : rep.error;
}

/*
 * Whatever a test (or a kernel bug) left in custody goes back to dom0, so
 * that no test depends on another and the module can be unloaded later.
 */
static void release_leftovers(int fd, int family)
{
	static const struct addr *const touched[] = {
		&nic, &ahci, &vga, &host_bridge, &root_port,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(touched); i++) {
		const struct addr *d = touched[i];

		if (dev_state(fd, family, d) != PCIGUARD_STATE_QUARANTINED)
			continue;
		fprintf(stderr, "# %04x:%02x:%02x.%x left in custody; release: %d\n",
			d->domain, d->bus, d->slot, d->function,
			release(fd, family, d));
	}
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
	release_leftovers(self->fd, self->family);
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

/* DEV_HIDE and DEV_RELEASE: what the kernel checks itself. */

/*
 * Refusals quoted from kmod/policy.c and kmod/netlink.c: the exact text is
 * part of what the tests check.
 */
static const char msg_host_bridge[] =
	"device is a host bridge: it belongs to the platform and cannot go to a guest";
static const char msg_bridge[] =
	"device is a PCI-to-PCI bridge or root port: hide the devices behind it instead";
static const char msg_storage[] =
	"device is a storage controller driven by dom0, which may lose its disks: use force if dom0 does not need it";
static const char msg_display[] =
	"device is a display controller driven by dom0, which may lose its console: use force if dom0 does not need it";
static const char msg_to_host[] =
	"pciguard: releasing returns the device to dom0's drivers: say so with PCIGUARD_A_DEV_TO_HOST";

TEST_F(nl, hide_without_target)
{
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_HIDE, 0);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-EINVAL, self->rep.error);
	EXPECT_STREQ("pciguard: name at least one device (PCIGUARD_A_DEV_TARGET)",
		     self->rep.msg);
	EXPECT_EQ(0, self->rep.has_offs);
}

TEST_F(nl, hide_flag_without_target)
{
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_HIDE, 0);
	put_flag(&self->r, PCIGUARD_A_DEV_FORCE);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-EINVAL, self->rep.error);
	EXPECT_STREQ("pciguard: name at least one device (PCIGUARD_A_DEV_TARGET)",
		     self->rep.msg);
}

TEST_F(nl, target_missing_function)
{
	unsigned int nest;

	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_HIDE, 0);
	nest = nest_start(&self->r, PCIGUARD_A_DEV_TARGET);
	put_u32(&self->r, PCIGUARD_A_DEV_DOMAIN, nic.domain);
	put_u8(&self->r, PCIGUARD_A_DEV_BUS, nic.bus);
	put_u8(&self->r, PCIGUARD_A_DEV_SLOT, nic.slot);
	nest_end(&self->r, nest);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-EINVAL, self->rep.error);
	EXPECT_STREQ("a target needs domain, bus, slot and function",
		     self->rep.msg);
	ASSERT_EQ(1, self->rep.has_offs);
	EXPECT_EQ(nest, self->rep.offs);
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

TEST_F(nl, empty_target_second)
{
	/* The blame goes to the bad nest, not the first one. */
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_HIDE, 0);
	put_target(&self->r, &nic);
	nest_end(&self->r, nest_start(&self->r, PCIGUARD_A_DEV_TARGET));
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-EINVAL, self->rep.error);
	EXPECT_STREQ("a target needs domain, bus, slot and function",
		     self->rep.msg);
	ASSERT_EQ(1, self->rep.has_offs);
	EXPECT_EQ(self->r.nest[1], self->rep.offs);
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

TEST_F(nl, target_slot_out_of_range)
{
	unsigned int nest, slot;

	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_HIDE, 0);
	nest = nest_start(&self->r, PCIGUARD_A_DEV_TARGET);
	put_u32(&self->r, PCIGUARD_A_DEV_DOMAIN, 0);
	put_u8(&self->r, PCIGUARD_A_DEV_BUS, 0);
	slot = put_u8(&self->r, PCIGUARD_A_DEV_SLOT, 32);
	put_u8(&self->r, PCIGUARD_A_DEV_FUNCTION, 0);
	nest_end(&self->r, nest);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-ERANGE, self->rep.error);
	EXPECT_STREQ("integer out of range", self->rep.msg);
	/* The nested policy blames the slot inside the nest. */
	ASSERT_EQ(1, self->rep.has_offs);
	EXPECT_EQ(slot, self->rep.offs);
}

TEST_F(nl, target_function_out_of_range)
{
	unsigned int nest, fn;

	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_RELEASE, 0);
	put_flag(&self->r, PCIGUARD_A_DEV_TO_HOST);
	nest = nest_start(&self->r, PCIGUARD_A_DEV_TARGET);
	put_u32(&self->r, PCIGUARD_A_DEV_DOMAIN, 0);
	put_u8(&self->r, PCIGUARD_A_DEV_BUS, 1);
	put_u8(&self->r, PCIGUARD_A_DEV_SLOT, 0);
	fn = put_u8(&self->r, PCIGUARD_A_DEV_FUNCTION, 8);
	nest_end(&self->r, nest);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-ERANGE, self->rep.error);
	EXPECT_STREQ("integer out of range", self->rep.msg);
	ASSERT_EQ(1, self->rep.has_offs);
	EXPECT_EQ(fn, self->rep.offs);
}

TEST_F(nl, target_without_nested_flag)
{
	unsigned int nest;

	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_HIDE, 0);
	nest = put_target(&self->r, &nic);
	attr_at(&self->r, nest)->nla_type &= ~NLA_F_NESTED;
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-EINVAL, self->rep.error);
	EXPECT_STREQ("NLA_F_NESTED is missing", self->rep.msg);
	ASSERT_EQ(1, self->rep.has_offs);
	EXPECT_EQ(nest, self->rep.offs);
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

TEST_F(nl, hide_absent_device)
{
	static const struct addr gone = { 0, 0x00, 0x1e, 7 };
	unsigned int nest;

	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_HIDE, 0);
	nest = put_target(&self->r, &gone);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-ENODEV, self->rep.error);
	EXPECT_STREQ("no PCI device at this address", self->rep.msg);
	ASSERT_EQ(1, self->rep.has_offs);
	EXPECT_EQ(nest, self->rep.offs);
}

TEST_F(nl, hide_absent_device_second)
{
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_HIDE, 0);
	put_target(&self->r, &nic);
	put_target(&self->r, &nowhere);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-ENODEV, self->rep.error);
	EXPECT_STREQ("no PCI device at this address", self->rep.msg);
	ASSERT_EQ(1, self->rep.has_offs);
	EXPECT_EQ(self->r.nest[1], self->rep.offs);
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

TEST_F(nl, hide_host_bridge)
{
	unsigned int nest;

	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_HIDE, 0);
	nest = put_target(&self->r, &host_bridge);
	put_flag(&self->r, PCIGUARD_A_DEV_FORCE);	/* force does not help */
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-EINVAL, self->rep.error);
	EXPECT_STREQ(msg_host_bridge, self->rep.msg);
	ASSERT_EQ(1, self->rep.has_offs);
	EXPECT_EQ(nest, self->rep.offs);
	EXPECT_EQ(PCIGUARD_STATE_HOST,
		  dev_state(self->fd, self->family, &host_bridge));
}

TEST_F(nl, hide_root_port)
{
	unsigned int nest;

	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_HIDE, 0);
	nest = put_target(&self->r, &root_port);
	put_flag(&self->r, PCIGUARD_A_DEV_FORCE);	/* force does not help */
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-EINVAL, self->rep.error);
	EXPECT_STREQ(msg_bridge, self->rep.msg);
	ASSERT_EQ(1, self->rep.has_offs);
	EXPECT_EQ(nest, self->rep.offs);
	EXPECT_STREQ("pcieport", driver_of(&root_port));
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

TEST_F(nl, hide_storage_needs_force)
{
	unsigned int nest;

	ASSERT_STREQ("ahci", driver_of(&ahci));
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_HIDE, 0);
	nest = put_target(&self->r, &ahci);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-EBUSY, self->rep.error);
	EXPECT_STREQ(msg_storage, self->rep.msg);
	ASSERT_EQ(1, self->rep.has_offs);
	EXPECT_EQ(nest, self->rep.offs);
	EXPECT_STREQ("ahci", driver_of(&ahci));
	EXPECT_EQ(PCIGUARD_STATE_HOST, dev_state(self->fd, self->family, &ahci));
}

TEST_F(nl, hide_display_needs_force)
{
	unsigned int nest;

	ASSERT_STREQ("bochs-drm", driver_of(&vga));
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_HIDE, 0);
	nest = put_target(&self->r, &vga);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-EBUSY, self->rep.error);
	EXPECT_STREQ(msg_display, self->rep.msg);
	ASSERT_EQ(1, self->rep.has_offs);
	EXPECT_EQ(nest, self->rep.offs);
	EXPECT_STREQ("bochs-drm", driver_of(&vga));
	EXPECT_EQ(PCIGUARD_STATE_HOST, dev_state(self->fd, self->family, &vga));
}

TEST_F(nl, hide_is_all_or_nothing)
{
	ASSERT_STREQ("virtio-pci", driver_of(&nic));
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_HIDE, 0);
	put_target(&self->r, &nic);
	put_target(&self->r, &ahci);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-EBUSY, self->rep.error);
	EXPECT_STREQ(msg_storage, self->rep.msg);
	ASSERT_EQ(1, self->rep.has_offs);
	EXPECT_EQ(self->r.nest[1], self->rep.offs);
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
	EXPECT_STREQ("ahci", driver_of(&ahci));
	EXPECT_EQ(PCIGUARD_STATE_HOST, dev_state(self->fd, self->family, &nic));
}

TEST_F(nl, hide_rejects_naming_attribute_at_top)
{
	unsigned int dom;

	/* The address belongs in a target nest, not beside it. */
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_HIDE, 0);
	put_target(&self->r, &nic);
	dom = put_u32(&self->r, PCIGUARD_A_DEV_DOMAIN, 0);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-EINVAL, self->rep.error);
	EXPECT_STREQ("Unsupported attribute", self->rep.msg);
	ASSERT_EQ(1, self->rep.has_offs);
	EXPECT_EQ(dom, self->rep.offs);
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

TEST_F(nl, hide_rejects_reply_only_attribute)
{
	unsigned int bdf;

	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_HIDE, 0);
	bdf = put_attr(&self->r, PCIGUARD_A_DEV_BDF, "0000:01:00.0", 13);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-EINVAL, self->rep.error);
	EXPECT_STREQ("Unsupported attribute", self->rep.msg);
	ASSERT_EQ(1, self->rep.has_offs);
	EXPECT_EQ(bdf, self->rep.offs);
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

TEST_F(nl, hide_rejects_unknown_attribute)
{
	unsigned int junk;

	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_HIDE, 0);
	put_target(&self->r, &nic);
	junk = put_u32(&self->r, 200, 0);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-EINVAL, self->rep.error);
	EXPECT_STREQ("Unknown attribute type", self->rep.msg);
	ASSERT_EQ(1, self->rep.has_offs);
	EXPECT_EQ(junk, self->rep.offs);
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

TEST_F(nl, hide_rejects_unknown_attribute_in_target)
{
	unsigned int nest, junk;

	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_HIDE, 0);
	nest = nest_start(&self->r, PCIGUARD_A_DEV_TARGET);
	name_addr(&self->r, &nic);
	junk = put_flag(&self->r, PCIGUARD_A_DEV_FORCE);
	nest_end(&self->r, nest);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-EINVAL, self->rep.error);
	EXPECT_STREQ("Unknown attribute type", self->rep.msg);
	ASSERT_EQ(1, self->rep.has_offs);
	EXPECT_EQ(junk, self->rep.offs);
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

TEST_F(nl, release_needs_to_host)
{
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_RELEASE, 0);
	put_target(&self->r, &nic);
	put_flag(&self->r, PCIGUARD_A_DEV_FORCE);	/* is not TO_HOST */
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-EINVAL, self->rep.error);
	EXPECT_STREQ(msg_to_host, self->rep.msg);
	EXPECT_EQ(0, self->rep.has_offs);
}

TEST_F(nl, release_without_target)
{
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_RELEASE, 0);
	put_flag(&self->r, PCIGUARD_A_DEV_TO_HOST);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-EINVAL, self->rep.error);
	EXPECT_STREQ("pciguard: name at least one device (PCIGUARD_A_DEV_TARGET)",
		     self->rep.msg);
}

TEST_F(nl, release_not_in_custody)
{
	unsigned int nest;

	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_RELEASE, 0);
	put_flag(&self->r, PCIGUARD_A_DEV_TO_HOST);
	nest = put_target(&self->r, &nic);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-EINVAL, self->rep.error);
	EXPECT_STREQ("device is not in pciguard's custody", self->rep.msg);
	ASSERT_EQ(1, self->rep.has_offs);
	EXPECT_EQ(nest, self->rep.offs);
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

TEST_F(nl, release_absent_not_in_custody)
{
	/* An absent address is for the custody code to judge: not ours. */
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_RELEASE, 0);
	put_flag(&self->r, PCIGUARD_A_DEV_TO_HOST);
	put_target(&self->r, &nic);
	put_target(&self->r, &nowhere);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-EINVAL, self->rep.error);
	EXPECT_STREQ("device is not in pciguard's custody", self->rep.msg);
	ASSERT_EQ(1, self->rep.has_offs);
	EXPECT_EQ(self->r.nest[0], self->rep.offs);
}

TEST_F(nl, too_many_targets)
{
	struct addr d = nowhere;
	int i;

	/* Absent addresses pass the target check of a release. */
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_RELEASE, 0);
	put_flag(&self->r, PCIGUARD_A_DEV_TO_HOST);
	for (i = 0; i <= PCIGUARD_MAX_TARGETS; i++) {
		d.slot = i / 8;
		d.function = i % 8;
		put_target(&self->r, &d);
	}
	ASSERT_EQ(PCIGUARD_MAX_TARGETS + 1, self->r.nnests);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-E2BIG, self->rep.error);
	EXPECT_STREQ("too many targets in one request", self->rep.msg);
	ASSERT_EQ(1, self->rep.has_offs);
	EXPECT_EQ(self->r.nest[PCIGUARD_MAX_TARGETS], self->rep.offs);
}

TEST_F(nl, duplicates_count_once)
{
	struct addr d = nowhere;
	int i;

	/* As many targets as allowed, then as many again, all repeated. */
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_RELEASE, 0);
	put_flag(&self->r, PCIGUARD_A_DEV_TO_HOST);
	for (i = 0; i < PCIGUARD_MAX_TARGETS + 1; i++) {
		d.slot = (i % PCIGUARD_MAX_TARGETS) / 8;
		d.function = i % 8;
		put_target(&self->r, &d);
	}
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-EINVAL, self->rep.error);
	EXPECT_STREQ("device is not in pciguard's custody", self->rep.msg);
	ASSERT_EQ(1, self->rep.has_offs);
	EXPECT_EQ(self->r.nest[0], self->rep.offs);
}

/* DEV_HIDE request for @d, sent twice in one message when @twice. */
static int hide(int fd, int family, const struct addr *d, int twice,
		struct reply *rep)
{
	struct req r;
	int ret;

	init_req(&r, family, PCIGUARD_CMD_DEV_HIDE, 0);
	put_target(&r, d);
	if (twice)
		put_target(&r, d);
	ret = xfer(fd, &r, rep);
	return ret ? ret : rep->error;
}

TEST_F(nl, hide_and_release_round_trip)
{
	struct nlattr *a;

	ASSERT_STREQ("virtio-pci", driver_of(&nic));
	ASSERT_EQ(PCIGUARD_STATE_HOST, dev_state(self->fd, self->family, &nic));

	/* The same target twice counts once. */
	ASSERT_EQ(0, hide(self->fd, self->family, &nic, 1, &self->rep))
		TH_LOG("%s", self->rep.msg);
	EXPECT_STREQ("pciguard", driver_of(&nic));
	ASSERT_EQ(0, dev_get(self->fd, self->family, &nic, &self->rep));
	EXPECT_EQ(PCIGUARD_STATE_QUARANTINED,
		  reply_u32(&self->rep, PCIGUARD_A_DEV_STATE));
	EXPECT_EQ(PCIGUARD_CUSTODY_RUNTIME,
		  reply_u32(&self->rep, PCIGUARD_A_DEV_CUSTODY));
	a = reply_attr(&self->rep, PCIGUARD_A_DEV_ORIG_DRIVER);
	ASSERT_NE(NULL, a);
	EXPECT_STREQ("virtio-pci", (char *)nla_payload(a));
	a = reply_attr(&self->rep, PCIGUARD_A_DEV_DRIVER);
	ASSERT_NE(NULL, a);
	EXPECT_STREQ("pciguard", (char *)nla_payload(a));

	/* Hiding it again changes nothing and succeeds. */
	EXPECT_EQ(0, hide(self->fd, self->family, &nic, 0, &self->rep))
		TH_LOG("%s", self->rep.msg);
	EXPECT_STREQ("pciguard", driver_of(&nic));
	ASSERT_EQ(0, dev_get(self->fd, self->family, &nic, &self->rep));
	a = reply_attr(&self->rep, PCIGUARD_A_DEV_ORIG_DRIVER);
	ASSERT_NE(NULL, a);
	EXPECT_STREQ("virtio-pci", (char *)nla_payload(a));

	/* Not without TO_HOST, even in custody. */
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_RELEASE, 0);
	put_target(&self->r, &nic);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-EINVAL, self->rep.error);
	EXPECT_STREQ("pciguard", driver_of(&nic));

	/* All or nothing on the way out: 00:1f.2 is not ours. */
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_RELEASE, 0);
	put_flag(&self->r, PCIGUARD_A_DEV_TO_HOST);
	put_target(&self->r, &nic);
	put_target(&self->r, &ahci);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-EINVAL, self->rep.error);
	EXPECT_STREQ("device is not in pciguard's custody", self->rep.msg);
	ASSERT_EQ(1, self->rep.has_offs);
	EXPECT_EQ(self->r.nest[1], self->rep.offs);
	EXPECT_STREQ("pciguard", driver_of(&nic));

	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_RELEASE, 0);
	put_flag(&self->r, PCIGUARD_A_DEV_TO_HOST);
	put_target(&self->r, &nic);
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	ASSERT_EQ(0, self->rep.error) TH_LOG("%s", self->rep.msg);
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
	ASSERT_EQ(0, dev_get(self->fd, self->family, &nic, &self->rep));
	EXPECT_EQ(PCIGUARD_STATE_HOST,
		  reply_u32(&self->rep, PCIGUARD_A_DEV_STATE));
	EXPECT_EQ(NULL, reply_attr(&self->rep, PCIGUARD_A_DEV_ORIG_DRIVER));
	EXPECT_EQ(NULL, reply_attr(&self->rep, PCIGUARD_A_DEV_CUSTODY));
	a = reply_attr(&self->rep, PCIGUARD_A_DEV_DRIVER);
	ASSERT_NE(NULL, a);
	EXPECT_STREQ("virtio-pci", (char *)nla_payload(a));

	/* Released means gone from custody: a second release is refused. */
	EXPECT_EQ(-EINVAL, release(self->fd, self->family, &nic));
}

TEST_F(nl, family_has_events_group)
{
	struct nlattr *groups, *g, *name, *id;
	int len, found = 0, grp = 0, fd;

	ASSERT_EQ(0, get_family(self->fd, &self->rep));
	groups = reply_attr(&self->rep, CTRL_ATTR_MCAST_GROUPS);
	ASSERT_NE(NULL, groups);
	len = groups->nla_len - NLA_HDRLEN;
	for (g = nla_payload(groups); len >= NLA_HDRLEN && g->nla_len >= NLA_HDRLEN;
	     len -= NLA_ALIGN(g->nla_len),
	     g = (void *)((char *)g + NLA_ALIGN(g->nla_len))) {
		name = find_attr(nla_payload(g), g->nla_len - NLA_HDRLEN,
				 CTRL_ATTR_MCAST_GRP_NAME);
		id = find_attr(nla_payload(g), g->nla_len - NLA_HDRLEN,
			       CTRL_ATTR_MCAST_GRP_ID);
		if (!name || !id ||
		    strcmp(nla_payload(name), PCIGUARD_MCGRP_EVENTS))
			continue;
		found++;
		grp = *(unsigned int *)nla_payload(id);
	}
	ASSERT_EQ(1, found);
	ASSERT_NE(0, grp);

	/* Anyone may listen. */
	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				&grp, sizeof(grp)));
	close(fd);
}

TEST_HARNESS_MAIN
