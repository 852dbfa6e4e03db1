// SPDX-License-Identifier: GPL-2.0
/*
 * The pciguard family's own validation, tested with raw netlink so that we
 * can send what the CLI never would: missing, out-of-range, mistyped and
 * unknown attributes, a non-zero reserved header field, DEV_HIDE,
 * DEV_RELEASE, DEV_ASSIGN and DEV_DETACH requests the CLI's own checks
 * would have stopped. Every refusal must come with an extended ack naming
 * the problem, and where the problem is one target, the offset of its
 * nest. Runs in the test VM, on the reference topology:
 *
 *   0000:00:00.0  host bridge
 *   0000:00:01.0  VGA, bochs-drm (dom0's display)
 *   0000:00:10.0  PCIe root port, with 0000:01:00.0 behind it
 *   0000:01:00.0  virtio-net, virtio-pci (FLR capable): the one device
 *                 these tests take into custody or assign to a guest
 *                 (through vfio-pci), and always give back
 *   0000:00:1f.2  AHCI, ahci (dom0's storage)
 *   0000:05:01.0  e1000, conventional PCI behind the PCIe-to-PCI bridge
 *   0000:05:02.0  legacy virtio-balloon, virtio-pci, next to it: no reset,
 *                 and an IOMMU group shared with 05:01.0 and the bridge
 *
 * vfio-pci is a module in the VM image, not loaded at boot: the tests that
 * need it load it, one test unloads it for a while.
 */
#include <errno.h>
#include <fcntl.h>
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
#include "pcisysfs.h"

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

/*
 * The first PCIGUARD_A_DEV_TARGET nest of a DEV_HIDE or DEV_ASSIGN reply:
 * 1 when it is flagged PCIGUARD_A_DEV_CHANGED, 0 when not, -1 with no
 * such nest.
 */
static int reply_changed(struct reply *rep)
{
	struct nlattr *t = reply_attr(rep, PCIGUARD_A_DEV_TARGET);

	if (!t)
		return -1;
	return !!find_attr(nla_payload(t), t->nla_len - NLA_HDRLEN,
			   PCIGUARD_A_DEV_CHANGED);
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
static const struct addr e1000 = { 0, 0x05, 0x01, 0 };
static const struct addr balloon = { 0, 0x05, 0x02, 0 };
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
	return pci_driver_name(d->domain, d->bus, d->slot, d->function);
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

/* DEV_DETACH @d into @rep. Return: 0, or the errno of the request. */
static int detach(int fd, int family, const struct addr *d,
		  struct reply *rep)
{
	struct req r;
	int ret;

	init_req(&r, family, PCIGUARD_CMD_DEV_DETACH, 0);
	put_target(&r, d);
	ret = xfer(fd, &r, rep);
	return ret ? ret : rep->error;
}

/*
 * Whatever a test (or a kernel bug) left assigned comes back from its
 * backend, and whatever is in custody goes back to dom0, so that no test
 * depends on another and the module can be unloaded later.
 */
static void release_leftovers(int fd, int family)
{
	static const struct addr *const touched[] = {
		&nic, &ahci, &vga, &host_bridge, &root_port, &e1000, &balloon,
	};
	static struct reply rep;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(touched); i++) {
		const struct addr *d = touched[i];
		int state = dev_state(fd, family, d);

		if (state == PCIGUARD_STATE_ASSIGNED) {
			fprintf(stderr, "# %04x:%02x:%02x.%x left assigned; detach: %d\n",
				d->domain, d->bus, d->slot, d->function,
				detach(fd, family, d, &rep));
			state = dev_state(fd, family, d);
		}
		if (state != PCIGUARD_STATE_QUARANTINED)
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

/*
 * The checks that end most tests. They are macros, not functions, for two
 * reasons: a failure is reported at the line in the test, and an ASSERT_*()
 * in them ends the test, just as it would if the test had the check written
 * out. They use the fixture's socket, family and reply. Any arguments after
 * the usual ones are a TH_LOG() format and its values, printed with each
 * check that fails, e.g. to say which case of a loop failed.
 */

/* For EXPECT_REFUSED(): the ack blames no attribute, only the request. */
#define NO_OFFS		(~0u)

/*
 * Send @_r, already built, and expect the refusal @_err (a negative errno)
 * with exactly the extended ack message @_msg. This does not check whether
 * the ack blames an attribute: EXPECT_REFUSED() does.
 */
#define EXPECT_ERR_MSG(_r, _err, _msg, ...) do {			\
	ASSERT_EQ(0, xfer(self->fd, (_r), &self->rep))			\
		__VA_OPT__(TH_LOG(__VA_ARGS__));			\
	EXPECT_EQ(_err, self->rep.error)				\
		__VA_OPT__(TH_LOG(__VA_ARGS__));			\
	EXPECT_STREQ(_msg, self->rep.msg)				\
		__VA_OPT__(TH_LOG(__VA_ARGS__));			\
} while (0)

/*
 * EXPECT_ERR_MSG(), and the ack blames the attribute at @_offs from the
 * nlmsghdr (a target's nest, or an attribute inside or beside the nests).
 * With NO_OFFS, the ack must blame no attribute.
 */
#define EXPECT_REFUSED(_r, _err, _msg, _offs, ...) do {			\
	EXPECT_ERR_MSG(_r, _err, _msg __VA_OPT__(,) __VA_ARGS__);	\
	if ((_offs) == NO_OFFS) {					\
		EXPECT_EQ(0, self->rep.has_offs)			\
			__VA_OPT__(TH_LOG(__VA_ARGS__));		\
	} else {							\
		ASSERT_EQ(1, self->rep.has_offs)			\
			__VA_OPT__(TH_LOG(__VA_ARGS__));		\
		EXPECT_EQ(_offs, self->rep.offs)			\
			__VA_OPT__(TH_LOG(__VA_ARGS__));		\
	}								\
} while (0)

/* pciguard (DEV_GET) has @_d in @_state, a PCIGUARD_STATE_*. */
#define EXPECT_STATE(_state, _d)					\
	EXPECT_EQ(_state, dev_state(self->fd, self->family, _d))

/*
 * @_d is still dom0's and bound to @_driver: this is what a refused request
 * must leave behind. The test checks both sysfs and pciguard's own view,
 * because a rollback that goes wrong can leave them disagreeing.
 */
#define EXPECT_IN_DOM0(_d, _driver) do {				\
	EXPECT_STREQ(_driver, driver_of(_d));				\
	EXPECT_STATE(PCIGUARD_STATE_HOST, _d);				\
} while (0)

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
	EXPECT_REFUSED(&self->r, -EINVAL,
		       "pciguard: name the device with domain, bus, slot and function",
		       NO_OFFS);
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
	EXPECT_ERR_MSG(&self->r, -ENODEV,
		       "pciguard: no PCI device at this address");
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
 * Refusals quoted from kmod/policy.c, kmod/netlink.c and kmod/custody.c:
 * the exact text is part of what the tests check.
 */
static const char msg_no_target[] =
	"pciguard: name at least one device (PCIGUARD_A_DEV_TARGET)";
static const char msg_partial_target[] =
	"a target needs domain, bus, slot and function";
static const char msg_absent[] = "no PCI device at this address";
static const char msg_not_in_custody[] = "device is not in pciguard's custody";
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

/* A DEV_RELEASE request to dom0 (PCIGUARD_A_DEV_TO_HOST), without targets. */
static void init_release(struct req *r, int family)
{
	init_req(r, family, PCIGUARD_CMD_DEV_RELEASE, 0);
	put_flag(r, PCIGUARD_A_DEV_TO_HOST);
}

TEST_F(nl, hide_without_target)
{
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_HIDE, 0);
	EXPECT_REFUSED(&self->r, -EINVAL, msg_no_target, NO_OFFS);
}

TEST_F(nl, hide_flag_without_target)
{
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_HIDE, 0);
	put_flag(&self->r, PCIGUARD_A_DEV_FORCE);
	EXPECT_ERR_MSG(&self->r, -EINVAL, msg_no_target);
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
	EXPECT_REFUSED(&self->r, -EINVAL, msg_partial_target, nest);
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

TEST_F(nl, empty_target_second)
{
	/* The blame goes to the bad nest, not the first one. */
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_HIDE, 0);
	put_target(&self->r, &nic);
	nest_end(&self->r, nest_start(&self->r, PCIGUARD_A_DEV_TARGET));
	EXPECT_REFUSED(&self->r, -EINVAL, msg_partial_target, self->r.nest[1]);
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
	/* The nested policy blames the slot inside the nest. */
	EXPECT_REFUSED(&self->r, -ERANGE, "integer out of range", slot);
}

TEST_F(nl, target_function_out_of_range)
{
	unsigned int nest, fn;

	init_release(&self->r, self->family);
	nest = nest_start(&self->r, PCIGUARD_A_DEV_TARGET);
	put_u32(&self->r, PCIGUARD_A_DEV_DOMAIN, 0);
	put_u8(&self->r, PCIGUARD_A_DEV_BUS, 1);
	put_u8(&self->r, PCIGUARD_A_DEV_SLOT, 0);
	fn = put_u8(&self->r, PCIGUARD_A_DEV_FUNCTION, 8);
	nest_end(&self->r, nest);
	EXPECT_REFUSED(&self->r, -ERANGE, "integer out of range", fn);
}

TEST_F(nl, target_without_nested_flag)
{
	unsigned int nest;

	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_HIDE, 0);
	nest = put_target(&self->r, &nic);
	attr_at(&self->r, nest)->nla_type &= ~NLA_F_NESTED;
	EXPECT_REFUSED(&self->r, -EINVAL, "NLA_F_NESTED is missing", nest);
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

TEST_F(nl, hide_absent_device)
{
	static const struct addr gone = { 0, 0x00, 0x1e, 7 };
	unsigned int nest;

	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_HIDE, 0);
	nest = put_target(&self->r, &gone);
	EXPECT_REFUSED(&self->r, -ENODEV, msg_absent, nest);
}

TEST_F(nl, hide_absent_device_second)
{
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_HIDE, 0);
	put_target(&self->r, &nic);
	put_target(&self->r, &nowhere);
	EXPECT_REFUSED(&self->r, -ENODEV, msg_absent, self->r.nest[1]);
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

TEST_F(nl, hide_host_bridge)
{
	unsigned int nest;

	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_HIDE, 0);
	nest = put_target(&self->r, &host_bridge);
	put_flag(&self->r, PCIGUARD_A_DEV_FORCE);	/* force does not help */
	EXPECT_REFUSED(&self->r, -EINVAL, msg_host_bridge, nest);
	EXPECT_STATE(PCIGUARD_STATE_HOST, &host_bridge);
}

TEST_F(nl, hide_root_port)
{
	unsigned int nest;

	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_HIDE, 0);
	nest = put_target(&self->r, &root_port);
	put_flag(&self->r, PCIGUARD_A_DEV_FORCE);	/* force does not help */
	EXPECT_REFUSED(&self->r, -EINVAL, msg_bridge, nest);
	EXPECT_STREQ("pcieport", driver_of(&root_port));
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

TEST_F(nl, hide_storage_needs_force)
{
	unsigned int nest;

	ASSERT_STREQ("ahci", driver_of(&ahci));
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_HIDE, 0);
	nest = put_target(&self->r, &ahci);
	EXPECT_REFUSED(&self->r, -EBUSY, msg_storage, nest);
	EXPECT_IN_DOM0(&ahci, "ahci");
}

TEST_F(nl, hide_display_needs_force)
{
	unsigned int nest;

	ASSERT_STREQ("bochs-drm", driver_of(&vga));
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_HIDE, 0);
	nest = put_target(&self->r, &vga);
	EXPECT_REFUSED(&self->r, -EBUSY, msg_display, nest);
	EXPECT_IN_DOM0(&vga, "bochs-drm");
}

TEST_F(nl, hide_is_all_or_nothing)
{
	ASSERT_STREQ("virtio-pci", driver_of(&nic));
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_HIDE, 0);
	put_target(&self->r, &nic);
	put_target(&self->r, &ahci);
	EXPECT_REFUSED(&self->r, -EBUSY, msg_storage, self->r.nest[1]);
	EXPECT_IN_DOM0(&nic, "virtio-pci");
	EXPECT_STREQ("ahci", driver_of(&ahci));
}

TEST_F(nl, hide_rejects_naming_attribute_at_top)
{
	unsigned int dom;

	/* The address belongs in a target nest, not beside it. */
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_HIDE, 0);
	put_target(&self->r, &nic);
	dom = put_u32(&self->r, PCIGUARD_A_DEV_DOMAIN, 0);
	EXPECT_REFUSED(&self->r, -EINVAL, "Unsupported attribute", dom);
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

TEST_F(nl, hide_rejects_reply_only_attribute)
{
	unsigned int bdf;

	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_HIDE, 0);
	bdf = put_attr(&self->r, PCIGUARD_A_DEV_BDF, "0000:01:00.0", 13);
	EXPECT_REFUSED(&self->r, -EINVAL, "Unsupported attribute", bdf);
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

TEST_F(nl, hide_rejects_unknown_attribute)
{
	unsigned int junk;

	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_HIDE, 0);
	put_target(&self->r, &nic);
	junk = put_u32(&self->r, 200, 0);
	EXPECT_REFUSED(&self->r, -EINVAL, "Unknown attribute type", junk);
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
	EXPECT_REFUSED(&self->r, -EINVAL, "Unknown attribute type", junk);
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

TEST_F(nl, release_needs_to_host)
{
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_RELEASE, 0);
	put_target(&self->r, &nic);
	put_flag(&self->r, PCIGUARD_A_DEV_FORCE);	/* is not TO_HOST */
	EXPECT_REFUSED(&self->r, -EINVAL, msg_to_host, NO_OFFS);
}

TEST_F(nl, release_without_target)
{
	init_release(&self->r, self->family);
	EXPECT_ERR_MSG(&self->r, -EINVAL, msg_no_target);
}

TEST_F(nl, release_not_in_custody)
{
	unsigned int nest;

	init_release(&self->r, self->family);
	nest = put_target(&self->r, &nic);
	EXPECT_REFUSED(&self->r, -EINVAL, msg_not_in_custody, nest);
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

TEST_F(nl, release_absent_not_in_custody)
{
	/* An absent address is for the custody code to judge: not ours. */
	init_release(&self->r, self->family);
	put_target(&self->r, &nic);
	put_target(&self->r, &nowhere);
	EXPECT_REFUSED(&self->r, -EINVAL, msg_not_in_custody, self->r.nest[0]);
}

TEST_F(nl, too_many_targets)
{
	struct addr d = nowhere;
	int i;

	/* Absent addresses pass the target check of a release. */
	init_release(&self->r, self->family);
	for (i = 0; i <= PCIGUARD_MAX_TARGETS; i++) {
		d.slot = i / 8;
		d.function = i % 8;
		put_target(&self->r, &d);
	}
	ASSERT_EQ(PCIGUARD_MAX_TARGETS + 1, self->r.nnests);
	EXPECT_REFUSED(&self->r, -E2BIG, "too many targets in one request",
		       self->r.nest[PCIGUARD_MAX_TARGETS]);
}

TEST_F(nl, duplicates_count_once)
{
	struct addr d = nowhere;
	int i;

	/* As many targets as allowed, then as many again, all repeated. */
	init_release(&self->r, self->family);
	for (i = 0; i < PCIGUARD_MAX_TARGETS + 1; i++) {
		d.slot = (i % PCIGUARD_MAX_TARGETS) / 8;
		d.function = i % 8;
		put_target(&self->r, &d);
	}
	EXPECT_REFUSED(&self->r, -EINVAL, msg_not_in_custody, self->r.nest[0]);
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
	/* The reply says this request took it. */
	EXPECT_EQ(1, reply_changed(&self->rep));
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

	/* Hiding it again changes nothing, succeeds and says so. */
	EXPECT_EQ(0, hide(self->fd, self->family, &nic, 0, &self->rep))
		TH_LOG("%s", self->rep.msg);
	EXPECT_EQ(0, reply_changed(&self->rep));
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
	init_release(&self->r, self->family);
	put_target(&self->r, &nic);
	put_target(&self->r, &ahci);
	EXPECT_REFUSED(&self->r, -EINVAL, msg_not_in_custody, self->r.nest[1]);
	EXPECT_STREQ("pciguard", driver_of(&nic));

	init_release(&self->r, self->family);
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

/* DEV_ASSIGN and DEV_DETACH: what the kernel checks itself. */

/* Refusals quoted from kmod/netlink.c and kmod/custody.c. */
static const char msg_guest_name[] =
	"invalid guest name: use 1 to 63 of A-Z a-z 0-9 _ . -, starting with a letter or digit";
static const char msg_vfio_not_loaded[] =
	"vfio-pci is not loaded: load it (modprobe vfio-pci) and try again";
static const char msg_pciback_not_loaded[] =
	"xen-pciback is not loaded: load it (modprobe xen-pciback; only in a Xen dom0) and try again";
static const char msg_no_backend[] =
	"no backend named and xen-pciback is not loaded (it loads only in a Xen dom0): name one, e.g. backend vfio-pci";
static const char msg_grant_outside[] =
	"the register is outside the device's config space";
static const char msg_grant_len[] = "LEN must be 1, 2 or 4";
static const char msg_grant_incomplete[] =
	"a grant needs an offset and a length";
static const char msg_grant_many[] =
	"too many grants for one device: use permissive";
static const char msg_group_split[] =
	"its IOMMU group has devices that are not assigned with it: assign them in the same request ('pciguard check' names them) or accept no-strict-reset";
static const char msg_assigned_elsewhere[] =
	"device is assigned to another guest or backend: detach it first";
static const char msg_release_assigned[] =
	"device is assigned to a guest: detach it first, it comes back to quarantine";
static const char msg_not_assigned[] =
	"device is not assigned to a guest: nothing to detach";
static const char msg_foreign_backend[] =
	"device is bound to a guest backend (vfio-pci or pciback) that pciguard did not set up, and a guest may be using it: detach it from the guest first, then use force";

#define VFIO_DRIVER	"/sys/bus/pci/drivers/vfio-pci"
#define PCIBACK_DRIVER	"/sys/bus/pci/drivers/pciback"

static int vfio_loaded(void)
{
	return !access(VFIO_DRIVER, F_OK);
}

/* Load vfio-pci (a module in the VM image). Return: 0 once it is loaded. */
static int load_vfio(void)
{
	if (!vfio_loaded() && system("modprobe vfio_pci >/dev/null 2>&1"))
		return -1;
	return vfio_loaded() ? 0 : -1;
}

/* Unload vfio-pci. Return: 0 once it is not loaded. */
static int unload_vfio(void)
{
	if (vfio_loaded() && system("rmmod vfio_pci >/dev/null 2>&1"))
		return -1;
	return vfio_loaded() ? -1 : 0;
}

/* A PCIGUARD_A_DEV_GUEST attribute, NUL included. Return: its offset. */
static unsigned int put_guest(struct req *r, const char *guest)
{
	return put_attr(r, PCIGUARD_A_DEV_GUEST, guest, strlen(guest) + 1);
}

/* For init_assign_to(): no PCIGUARD_A_DEV_BACKEND at all. */
#define NO_BACKEND	(-1)

/*
 * A DEV_ASSIGN request to @guest through @backend (a PCIGUARD_BACKEND_*,
 * or NO_BACKEND), without targets. Return: the offset of its guest.
 */
static unsigned int init_assign_to(struct req *r, int family,
				   const char *guest, int backend)
{
	unsigned int off;

	init_req(r, family, PCIGUARD_CMD_DEV_ASSIGN, 0);
	off = put_guest(r, guest);
	if (backend != NO_BACKEND)
		put_u32(r, PCIGUARD_A_DEV_BACKEND, backend);
	return off;
}

/* The same through vfio-pci, the backend most tests ask for. */
static unsigned int init_assign(struct req *r, int family, const char *guest)
{
	return init_assign_to(r, family, guest, PCIGUARD_BACKEND_VFIO_PCI);
}

/* DEV_ASSIGN @d to @guest through vfio-pci. Return: 0, or the errno. */
static int assign(int fd, int family, const struct addr *d, const char *guest,
		  struct reply *rep)
{
	struct req r;
	int ret;

	init_assign(&r, family, guest);
	put_target(&r, d);
	ret = xfer(fd, &r, rep);
	return ret ? ret : rep->error;
}

/* The string attribute @type of the first reply message, or NULL. */
static const char *reply_str(struct reply *rep, int type)
{
	struct nlattr *a = reply_attr(rep, type);

	return a ? nla_payload(a) : NULL;
}

TEST_F(nl, assign_without_guest)
{
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_ASSIGN, 0);
	put_u32(&self->r, PCIGUARD_A_DEV_BACKEND, PCIGUARD_BACKEND_VFIO_PCI);
	put_target(&self->r, &nic);
	/* A message that names the missing type, and the type itself. */
	EXPECT_REFUSED(&self->r, -EINVAL,
		       "name the guest the devices go to (PCIGUARD_A_DEV_GUEST)",
		       NO_OFFS);
	EXPECT_EQ(PCIGUARD_A_DEV_GUEST, self->rep.miss_type);
	EXPECT_IN_DOM0(&nic, "virtio-pci");
}

TEST_F(nl, assign_invalid_guest_name)
{
	static const char *const bad[] = {
		"bad name", "-x", "", ".vm", "_vm", "vm/1", "vm;reboot", "vm\n",
	};
	unsigned int i, guest;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		guest = init_assign(&self->r, self->family, bad[i]);
		put_target(&self->r, &nic);
		EXPECT_REFUSED(&self->r, -EINVAL, msg_guest_name, guest,
			       "guest '%s'", bad[i]);
	}
	EXPECT_IN_DOM0(&nic, "virtio-pci");
}

TEST_F(nl, assign_guest_name_too_long)
{
	char name[PCIGUARD_GUEST_NAME_MAX + 1];
	unsigned int guest;

	/* 64 characters: the policy (NLA_NUL_STRING, len 63) says no. */
	memset(name, 'a', PCIGUARD_GUEST_NAME_MAX);
	name[PCIGUARD_GUEST_NAME_MAX] = '\0';
	guest = init_assign(&self->r, self->family, name);
	put_target(&self->r, &nic);
	EXPECT_REFUSED(&self->r, -EINVAL, "Attribute failed policy validation",
		       guest);
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

TEST_F(nl, assign_guest_name_unterminated)
{
	unsigned int guest;

	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_ASSIGN, 0);
	guest = put_attr(&self->r, PCIGUARD_A_DEV_GUEST, "vm1", 3);
	put_u32(&self->r, PCIGUARD_A_DEV_BACKEND, PCIGUARD_BACKEND_VFIO_PCI);
	put_target(&self->r, &nic);
	EXPECT_REFUSED(&self->r, -EINVAL, "Attribute failed policy validation",
		       guest);
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

TEST_F(nl, assign_guest_name_63_chars_is_valid)
{
	char name[PCIGUARD_GUEST_NAME_MAX];

	/*
	 * The longest name passes the name check and reaches the backend
	 * check, which refuses it for want of a backend: nothing moves.
	 */
	if (!access(PCIBACK_DRIVER, F_OK))
		SKIP(return, "xen-pciback is loaded");
	memset(name, 'a', sizeof(name) - 1);
	name[0] = '7';
	name[sizeof(name) - 1] = '\0';
	init_assign_to(&self->r, self->family, name, NO_BACKEND);
	put_target(&self->r, &nic);
	EXPECT_ERR_MSG(&self->r, -ENOENT, msg_no_backend);
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

TEST_F(nl, assign_backend_out_of_range)
{
	static const unsigned int bad[] = { __PCIGUARD_BACKEND_MAX, 7, ~0u };
	unsigned int i, backend;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		init_req(&self->r, self->family, PCIGUARD_CMD_DEV_ASSIGN, 0);
		put_guest(&self->r, "vm1");
		backend = put_u32(&self->r, PCIGUARD_A_DEV_BACKEND, bad[i]);
		put_target(&self->r, &nic);
		EXPECT_REFUSED(&self->r, -ERANGE, "integer out of range",
			       backend, "backend %u", bad[i]);
	}
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

TEST_F(nl, assign_backend_wrong_size)
{
	unsigned int backend;

	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_ASSIGN, 0);
	put_guest(&self->r, "vm1");
	backend = put_u8(&self->r, PCIGUARD_A_DEV_BACKEND,
			 PCIGUARD_BACKEND_VFIO_PCI);	/* u32 expected */
	put_target(&self->r, &nic);
	EXPECT_REFUSED(&self->r, -EINVAL, "invalid attribute length", backend);
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

TEST_F(nl, assign_rejects_to_host)
{
	unsigned int to_host;

	/* TO_HOST is DEV_RELEASE's: the assign policy has no entry for it. */
	init_assign(&self->r, self->family, "vm1");
	put_target(&self->r, &nic);
	to_host = put_flag(&self->r, PCIGUARD_A_DEV_TO_HOST);
	EXPECT_REFUSED(&self->r, -EINVAL, "Unsupported attribute", to_host);
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

TEST_F(nl, assign_without_target)
{
	init_assign(&self->r, self->family, "vm1");
	EXPECT_REFUSED(&self->r, -EINVAL, msg_no_target, NO_OFFS);
}

TEST_F(nl, assign_absent_device)
{
	unsigned int nest;

	init_assign(&self->r, self->family, "vm1");
	put_target(&self->r, &nic);
	nest = put_target(&self->r, &nowhere);
	EXPECT_REFUSED(&self->r, -ENODEV, msg_absent, nest);
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

TEST_F(nl, assign_vfio_not_loaded)
{
	int was_loaded = vfio_loaded();

	if (unload_vfio())
		SKIP(return, "vfio-pci is loaded and would not unload");
	/* No ASSERT, nor EXPECT_REFUSED(): vfio-pci must be loaded again. */
	EXPECT_EQ(-ENOENT, assign(self->fd, self->family, &nic, "vm1",
				  &self->rep));
	EXPECT_STREQ(msg_vfio_not_loaded, self->rep.msg);
	EXPECT_EQ(0, self->rep.has_offs);
	EXPECT_IN_DOM0(&nic, "virtio-pci");
	/* The kernel loads no module: still not loaded. */
	EXPECT_EQ(0, vfio_loaded());
	if (was_loaded)
		EXPECT_EQ(0, load_vfio());
}

TEST_F(nl, assign_without_backend_outside_xen)
{
	if (!access(PCIBACK_DRIVER, F_OK))
		SKIP(return, "xen-pciback is loaded");
	/* vfio-pci being loaded does not make it the default. */
	ASSERT_EQ(0, load_vfio());
	init_assign_to(&self->r, self->family, "vm1", NO_BACKEND);
	put_target(&self->r, &nic);
	EXPECT_REFUSED(&self->r, -ENOENT, msg_no_backend, NO_OFFS);
	EXPECT_IN_DOM0(&nic, "virtio-pci");

	/* Naming UNSPEC is the same as naming none. */
	init_assign_to(&self->r, self->family, "vm1", PCIGUARD_BACKEND_UNSPEC);
	put_target(&self->r, &nic);
	EXPECT_ERR_MSG(&self->r, -ENOENT, msg_no_backend);
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

TEST_F(nl, assign_pciback_not_loaded)
{
	if (!access(PCIBACK_DRIVER, F_OK))
		SKIP(return, "xen-pciback is loaded");
	init_assign_to(&self->r, self->family, "vm1", PCIGUARD_BACKEND_PCIBACK);
	put_target(&self->r, &nic);
	EXPECT_REFUSED(&self->r, -ENOENT, msg_pciback_not_loaded, NO_OFFS);
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

/* A PCIGUARD_A_DEV_GRANT nest; @len 0: left out. Return: its offset. */
static unsigned int put_grant(struct req *r, unsigned short off,
			      unsigned char len)
{
	unsigned int nest = nest_start(r, PCIGUARD_A_DEV_GRANT);

	put_attr(r, PCIGUARD_A_CFG_OFFSET, &off, 2);
	if (len)
		put_u8(r, PCIGUARD_A_CFG_LEN, len);
	nest_end(r, nest);
	return nest;
}

/* The e1000 is conventional PCI: 256 bytes of config space. */
TEST_F(nl, assign_grant_outside_config_space)
{
	unsigned int nest;

	ASSERT_EQ(0, load_vfio());
	init_assign(&self->r, self->family, "vm1");
	nest = put_target(&self->r, &e1000);
	put_grant(&self->r, 0x100, 4);
	EXPECT_REFUSED(&self->r, -EINVAL, msg_grant_outside, nest);
	EXPECT_IN_DOM0(&e1000, "e1000");
}

TEST_F(nl, assign_grant_bad_len)
{
	unsigned int nest;

	ASSERT_EQ(0, load_vfio());
	init_assign(&self->r, self->family, "vm1");
	put_target(&self->r, &nic);
	nest = put_grant(&self->r, 0x40, 3);
	EXPECT_REFUSED(&self->r, -EINVAL, msg_grant_len, nest);
	EXPECT_IN_DOM0(&nic, "virtio-pci");
}

TEST_F(nl, assign_grant_without_len)
{
	unsigned int nest;

	ASSERT_EQ(0, load_vfio());
	init_assign(&self->r, self->family, "vm1");
	put_target(&self->r, &nic);
	nest = put_grant(&self->r, 0x40, 0);
	EXPECT_REFUSED(&self->r, -EINVAL, msg_grant_incomplete, nest);
	EXPECT_IN_DOM0(&nic, "virtio-pci");
}

TEST_F(nl, assign_too_many_grants)
{
	unsigned int i, nest = 0;

	ASSERT_EQ(0, load_vfio());
	init_assign(&self->r, self->family, "vm1");
	put_target(&self->r, &nic);
	for (i = 0; i <= PCIGUARD_MAX_GRANTS; i++)
		nest = put_grant(&self->r, 0x40 + 4 * i, 4);
	EXPECT_REFUSED(&self->r, -E2BIG, msg_grant_many, nest);
	EXPECT_IN_DOM0(&nic, "virtio-pci");
}

TEST_F(nl, assign_group_split_refused)
{
	unsigned int nest;

	ASSERT_EQ(0, load_vfio());
	ASSERT_STREQ("virtio-pci", driver_of(&balloon));
	ASSERT_STREQ("e1000", driver_of(&e1000));
	init_assign(&self->r, self->family, "vm1");
	nest = put_target(&self->r, &balloon);
	EXPECT_REFUSED(&self->r, -EBUSY, msg_group_split, nest);
	EXPECT_IN_DOM0(&balloon, "virtio-pci");
	EXPECT_IN_DOM0(&e1000, "e1000");
}

TEST_F(nl, assign_root_port)
{
	unsigned int nest;

	ASSERT_EQ(0, load_vfio());
	init_assign(&self->r, self->family, "vm1");
	nest = put_target(&self->r, &root_port);
	put_flag(&self->r, PCIGUARD_A_DEV_FORCE);	/* force does not help */
	put_flag(&self->r, PCIGUARD_A_DEV_NO_STRICT_RESET);	/* nor this */
	EXPECT_REFUSED(&self->r, -EINVAL, msg_bridge, nest);
	EXPECT_IN_DOM0(&root_port, "pcieport");
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

TEST_F(nl, assign_host_bridge)
{
	unsigned int nest;

	ASSERT_EQ(0, load_vfio());
	init_assign(&self->r, self->family, "vm1");
	nest = put_target(&self->r, &host_bridge);
	put_flag(&self->r, PCIGUARD_A_DEV_FORCE);	/* force does not help */
	EXPECT_REFUSED(&self->r, -EINVAL, msg_host_bridge, nest);
	EXPECT_STATE(PCIGUARD_STATE_HOST, &host_bridge);
}

TEST_F(nl, assign_storage_needs_force)
{
	unsigned int nest;

	ASSERT_EQ(0, load_vfio());
	ASSERT_STREQ("ahci", driver_of(&ahci));
	init_assign(&self->r, self->family, "vm1");
	nest = put_target(&self->r, &ahci);
	EXPECT_REFUSED(&self->r, -EBUSY, msg_storage, nest);
	EXPECT_IN_DOM0(&ahci, "ahci");
}

TEST_F(nl, assign_batch_gate_refusal_changes_nothing)
{
	ASSERT_EQ(0, load_vfio());
	ASSERT_STREQ("virtio-pci", driver_of(&nic));
	init_assign(&self->r, self->family, "vm1");
	put_target(&self->r, &nic);
	put_target(&self->r, &balloon);
	EXPECT_REFUSED(&self->r, -EBUSY, msg_group_split, self->r.nest[1]);
	EXPECT_IN_DOM0(&nic, "virtio-pci");
	EXPECT_IN_DOM0(&balloon, "virtio-pci");
	EXPECT_STREQ("e1000", driver_of(&e1000));
}

TEST_F(nl, assign_batch_policy_refusal_changes_nothing)
{
	ASSERT_EQ(0, load_vfio());
	ASSERT_STREQ("virtio-pci", driver_of(&nic));
	init_assign(&self->r, self->family, "vm1");
	put_target(&self->r, &nic);
	put_target(&self->r, &root_port);
	EXPECT_REFUSED(&self->r, -EINVAL, msg_bridge, self->r.nest[1]);
	EXPECT_IN_DOM0(&nic, "virtio-pci");
	EXPECT_STREQ("pcieport", driver_of(&root_port));
}

TEST_F(nl, assign_and_detach_round_trip)
{
	struct req r;

	ASSERT_EQ(0, load_vfio());
	ASSERT_STREQ("virtio-pci", driver_of(&nic));
	ASSERT_EQ(PCIGUARD_STATE_HOST, dev_state(self->fd, self->family, &nic));

	/* From dom0 straight to the guest: taken, reset, handed over. */
	ASSERT_EQ(0, assign(self->fd, self->family, &nic, "vm1", &self->rep))
		TH_LOG("%s", self->rep.msg);
	EXPECT_EQ(1, reply_changed(&self->rep));
	EXPECT_STREQ("vfio-pci", driver_of(&nic));
	ASSERT_EQ(0, dev_get(self->fd, self->family, &nic, &self->rep));
	EXPECT_EQ(PCIGUARD_STATE_ASSIGNED,
		  reply_u32(&self->rep, PCIGUARD_A_DEV_STATE));
	ASSERT_NE(NULL, reply_str(&self->rep, PCIGUARD_A_DEV_GUEST));
	EXPECT_STREQ("vm1", reply_str(&self->rep, PCIGUARD_A_DEV_GUEST));
	EXPECT_EQ(PCIGUARD_BACKEND_VFIO_PCI,
		  reply_u32(&self->rep, PCIGUARD_A_DEV_BACKEND));
	ASSERT_NE(NULL, reply_str(&self->rep, PCIGUARD_A_DEV_DRIVER));
	EXPECT_STREQ("vfio-pci", reply_str(&self->rep, PCIGUARD_A_DEV_DRIVER));
	ASSERT_NE(NULL, reply_str(&self->rep, PCIGUARD_A_DEV_ORIG_DRIVER));
	EXPECT_STREQ("virtio-pci",
		     reply_str(&self->rep, PCIGUARD_A_DEV_ORIG_DRIVER));
	EXPECT_EQ(NULL, reply_attr(&self->rep, PCIGUARD_A_DEV_PERMISSIVE));
	EXPECT_EQ(NULL, reply_attr(&self->rep, PCIGUARD_A_DEV_NO_STRICT_RESET));
	EXPECT_EQ(0, reply_u32(&self->rep, PCIGUARD_A_DEV_RESET_ERRNO));

	/* The same guest and backend again: left as it is, and said so. */
	EXPECT_EQ(0, assign(self->fd, self->family, &nic, "vm1", &self->rep))
		TH_LOG("%s", self->rep.msg);
	EXPECT_EQ(0, reply_changed(&self->rep));
	EXPECT_STREQ("vfio-pci", driver_of(&nic));

	/* Another guest: refused, blaming the target. */
	init_assign(&r, self->family, "vm2");
	put_target(&r, &nic);
	EXPECT_REFUSED(&r, -EBUSY, msg_assigned_elsewhere, r.nest[0]);
	EXPECT_STREQ("vfio-pci", driver_of(&nic));
	ASSERT_EQ(0, dev_get(self->fd, self->family, &nic, &self->rep));
	EXPECT_STREQ("vm1", reply_str(&self->rep, PCIGUARD_A_DEV_GUEST));

	/* Hiding an assigned device leaves it with its guest. */
	EXPECT_EQ(0, hide(self->fd, self->family, &nic, 0, &self->rep))
		TH_LOG("%s", self->rep.msg);
	EXPECT_STREQ("vfio-pci", driver_of(&nic));
	EXPECT_STATE(PCIGUARD_STATE_ASSIGNED, &nic);

	/* No way back to dom0 but through quarantine, force or not. */
	init_release(&r, self->family);
	put_target(&r, &nic);
	EXPECT_REFUSED(&r, -EBUSY, msg_release_assigned, r.nest[0]);
	EXPECT_STREQ("vfio-pci", driver_of(&nic));
	EXPECT_EQ(-EBUSY, release(self->fd, self->family, &nic));
	EXPECT_STREQ("vfio-pci", driver_of(&nic));

	/* A detach batch with one device not assigned changes nothing. */
	init_req(&r, self->family, PCIGUARD_CMD_DEV_DETACH, 0);
	put_target(&r, &nic);
	put_target(&r, &balloon);
	EXPECT_REFUSED(&r, -EINVAL, msg_not_assigned, r.nest[1]);
	EXPECT_STREQ("vfio-pci", driver_of(&nic));
	EXPECT_STREQ("virtio-pci", driver_of(&balloon));

	/* Detach: back to quarantine, the assignment forgotten. */
	ASSERT_EQ(0, detach(self->fd, self->family, &nic, &self->rep))
		TH_LOG("%s", self->rep.msg);
	EXPECT_STREQ("pciguard", driver_of(&nic));
	ASSERT_EQ(0, dev_get(self->fd, self->family, &nic, &self->rep));
	EXPECT_EQ(PCIGUARD_STATE_QUARANTINED,
		  reply_u32(&self->rep, PCIGUARD_A_DEV_STATE));
	EXPECT_EQ(NULL, reply_attr(&self->rep, PCIGUARD_A_DEV_GUEST));
	EXPECT_EQ(NULL, reply_attr(&self->rep, PCIGUARD_A_DEV_BACKEND));
	ASSERT_NE(NULL, reply_str(&self->rep, PCIGUARD_A_DEV_ORIG_DRIVER));
	EXPECT_STREQ("virtio-pci",
		     reply_str(&self->rep, PCIGUARD_A_DEV_ORIG_DRIVER));
	EXPECT_EQ(0, reply_u32(&self->rep, PCIGUARD_A_DEV_RESET_ERRNO));

	/* Nothing left to detach. */
	init_req(&r, self->family, PCIGUARD_CMD_DEV_DETACH, 0);
	put_target(&r, &nic);
	EXPECT_REFUSED(&r, -EINVAL, msg_not_assigned, r.nest[0]);
	EXPECT_STREQ("pciguard", driver_of(&nic));

	/* From quarantine the device goes back to dom0 as usual. */
	init_release(&r, self->family);
	put_target(&r, &nic);
	ASSERT_EQ(0, xfer(self->fd, &r, &self->rep));
	ASSERT_EQ(0, self->rep.error) TH_LOG("%s", self->rep.msg);
	EXPECT_IN_DOM0(&nic, "virtio-pci");
}

TEST_F(nl, assign_from_quarantine)
{
	struct nlattr *a;

	ASSERT_EQ(0, load_vfio());
	ASSERT_EQ(0, hide(self->fd, self->family, &nic, 0, &self->rep))
		TH_LOG("%s", self->rep.msg);
	ASSERT_STREQ("pciguard", driver_of(&nic));

	ASSERT_EQ(0, assign(self->fd, self->family, &nic, "vm-1.test_2",
			    &self->rep))
		TH_LOG("%s", self->rep.msg);
	EXPECT_STREQ("vfio-pci", driver_of(&nic));
	ASSERT_EQ(0, dev_get(self->fd, self->family, &nic, &self->rep));
	EXPECT_EQ(PCIGUARD_STATE_ASSIGNED,
		  reply_u32(&self->rep, PCIGUARD_A_DEV_STATE));
	EXPECT_EQ(PCIGUARD_CUSTODY_RUNTIME,
		  reply_u32(&self->rep, PCIGUARD_A_DEV_CUSTODY));
	a = reply_attr(&self->rep, PCIGUARD_A_DEV_GUEST);
	ASSERT_NE(NULL, a);
	EXPECT_STREQ("vm-1.test_2", (char *)nla_payload(a));
	/* The dom0 driver pciguard took it from is still on record. */
	a = reply_attr(&self->rep, PCIGUARD_A_DEV_ORIG_DRIVER);
	ASSERT_NE(NULL, a);
	EXPECT_STREQ("virtio-pci", (char *)nla_payload(a));

	ASSERT_EQ(0, detach(self->fd, self->family, &nic, &self->rep))
		TH_LOG("%s", self->rep.msg);
	EXPECT_STREQ("pciguard", driver_of(&nic));
	EXPECT_EQ(0, release(self->fd, self->family, &nic));
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

/* Write @val to the sysfs file @path. Return: 0, or -1. */
static int sysfs_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

#define NIC_SYSFS	"/sys/bus/pci/devices/0000:01:00.0"

TEST_F(nl, assign_device_on_foreign_backend)
{
	unsigned int nest;

	/* vfio-pci holds 01:00.0, put there by hand, not by pciguard. */
	ASSERT_EQ(0, load_vfio());
	ASSERT_STREQ("virtio-pci", driver_of(&nic));
	EXPECT_EQ(0, sysfs_write(NIC_SYSFS "/driver_override", "vfio-pci"));
	EXPECT_EQ(0, sysfs_write(NIC_SYSFS "/driver/unbind", "0000:01:00.0"));
	EXPECT_EQ(0, sysfs_write("/sys/bus/pci/drivers_probe", "0000:01:00.0"));
	EXPECT_STREQ("vfio-pci", driver_of(&nic));

	/* No ASSERT until the device is back: the teardown cannot undo this. */
	init_assign(&self->r, self->family, "vm1");
	nest = put_target(&self->r, &nic);
	EXPECT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(-EBUSY, self->rep.error);
	EXPECT_STREQ(msg_foreign_backend, self->rep.msg);
	EXPECT_EQ(1, self->rep.has_offs);
	EXPECT_EQ(nest, self->rep.offs);
	EXPECT_STREQ("vfio-pci", driver_of(&nic));
	EXPECT_STATE(PCIGUARD_STATE_HOST, &nic);

	/* Back to virtio-pci by hand. */
	EXPECT_EQ(0, sysfs_write(NIC_SYSFS "/driver_override", "\n"));
	EXPECT_EQ(0, sysfs_write(VFIO_DRIVER "/unbind", "0000:01:00.0"));
	EXPECT_EQ(0, sysfs_write("/sys/bus/pci/drivers_probe", "0000:01:00.0"));
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

TEST_F(nl, detach_without_target)
{
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_DETACH, 0);
	EXPECT_REFUSED(&self->r, -EINVAL, msg_no_target, NO_OFFS);
}

TEST_F(nl, detach_not_in_custody)
{
	EXPECT_EQ(-EINVAL, detach(self->fd, self->family, &nic, &self->rep));
	EXPECT_STREQ(msg_not_assigned, self->rep.msg);
	ASSERT_EQ(1, self->rep.has_offs);
	/* The only nest, right after the headers. */
	EXPECT_EQ(NLMSG_LENGTH(GENL_HDRLEN), self->rep.offs);
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

TEST_F(nl, detach_quarantined)
{
	ASSERT_EQ(0, hide(self->fd, self->family, &nic, 0, &self->rep))
		TH_LOG("%s", self->rep.msg);
	EXPECT_EQ(-EINVAL, detach(self->fd, self->family, &nic, &self->rep));
	EXPECT_STREQ(msg_not_assigned, self->rep.msg);
	EXPECT_EQ(1, self->rep.has_offs);
	EXPECT_STREQ("pciguard", driver_of(&nic));
	EXPECT_STATE(PCIGUARD_STATE_QUARANTINED, &nic);
	EXPECT_EQ(0, release(self->fd, self->family, &nic));
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

TEST_F(nl, detach_absent_device)
{
	EXPECT_EQ(-ENODEV, detach(self->fd, self->family, &nowhere,
				  &self->rep));
	EXPECT_STREQ(msg_absent, self->rep.msg);
	EXPECT_EQ(1, self->rep.has_offs);
}

TEST_F(nl, detach_rejects_other_attributes)
{
	unsigned int guest;

	/* DEV_DETACH takes targets only: the guest is not for it to name. */
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_DETACH, 0);
	put_target(&self->r, &nic);
	guest = put_guest(&self->r, "vm1");
	EXPECT_REFUSED(&self->r, -EINVAL, "Unknown attribute type", guest);
	EXPECT_STREQ("virtio-pci", driver_of(&nic));
}

TEST_F(nl, violation_without_finding)
{
	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_VIOLATION, 0);
	put_target(&self->r, &nic);
	EXPECT_REFUSED(&self->r, -EINVAL,
		       "say what the backend does not apply (PCIGUARD_A_DEV_VIOLATION)",
		       NO_OFFS);
	EXPECT_EQ(PCIGUARD_A_DEV_VIOLATION, self->rep.miss_type);
}

/* The finding is logged: a line break or an escape must not get there. */
TEST_F(nl, violation_must_be_printable)
{
	static const char *const bad[] = {
		"permissive\nWARNING: forged", "\x1b[2Jcleared", "tab\there",
		"caf\xc3\xa9",
	};
	unsigned int i, what;

	ASSERT_EQ(0, load_vfio());
	ASSERT_EQ(0, assign(self->fd, self->family, &nic, "vm1", &self->rep))
		TH_LOG("%s", self->rep.msg);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		init_req(&self->r, self->family, PCIGUARD_CMD_DEV_VIOLATION, 0);
		put_target(&self->r, &nic);
		what = put_attr(&self->r, PCIGUARD_A_DEV_VIOLATION, bad[i],
				strlen(bad[i]) + 1);
		EXPECT_REFUSED(&self->r, -EINVAL,
			       "the finding must be printable ASCII: it goes to the kernel log",
			       what, "finding %u", i);
	}
	ASSERT_EQ(0, dev_get(self->fd, self->family, &nic, &self->rep));
	EXPECT_EQ(NULL, reply_attr(&self->rep, PCIGUARD_A_DEV_VIOLATIONS));

	init_req(&self->r, self->family, PCIGUARD_CMD_DEV_VIOLATION, 0);
	put_target(&self->r, &nic);
	put_attr(&self->r, PCIGUARD_A_DEV_VIOLATION, "permissive is on (~!)",
		 sizeof("permissive is on (~!)"));
	ASSERT_EQ(0, xfer(self->fd, &self->r, &self->rep));
	EXPECT_EQ(0, self->rep.error) TH_LOG("%s", self->rep.msg);
	ASSERT_EQ(0, dev_get(self->fd, self->family, &nic, &self->rep));
	EXPECT_EQ(1, reply_u32(&self->rep, PCIGUARD_A_DEV_VIOLATIONS));
	/* The teardown detaches and releases it. */
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
