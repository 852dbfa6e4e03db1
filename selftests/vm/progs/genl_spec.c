// SPDX-License-Identifier: GPL-2.0
/*
 * Print what the generic netlink controller says of a family, one fact a
 * line, in the format selftests/vm/ynl-expect.py derives from the YNL spec:
 * tests/ynl_spec.sh compares the two. CTRL_CMD_GETFAMILY gives the version,
 * header size, operations (with do, dump, haspol and admin-perm flags) and
 * multicast groups; CTRL_CMD_GETPOLICY (a dump of every per-op policy)
 * gives, per op and mode, each accepted attribute with its type and
 * validation, followed through nested policies:
 *
 *   family name = pciguard
 *   op 2 = do haspol admin-perm
 *   mcgrp events = present
 *   attr 2 do 30.3 = u8 max 31
 *
 * For pciguard, then what the family sends in the replies of the requests
 * that change nothing (a dev-get dump, dev-get and dev-check of each
 * device): each attribute by path, with the forms its payload can take,
 * and the number of devices listed:
 *
 *   sent 1 dump 5 = string
 *   sent 5 do 38.39 = u8
 *   devices 9
 *
 * Usage: genl_spec [FAMILY]   (default pciguard). Exit 0 when the facts
 * were printed, 1 with a "#" line on stderr when the controller refused.
 */
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "uapi/pciguard.h"

#define BUFSZ		65536
#define MAX_POLICIES	256
#define MAX_ATTRS	128
#define MAX_OPS		64
#define MAX_DEPTH	4
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct apol {
	int present;
	uint32_t type;		/* NL_ATTR_TYPE_* */
	int has_min, has_max, has_mask, has_minlen, has_maxlen, has_nest;
	int64_t smin, smax;	/* signed types */
	uint64_t umin, umax, mask;
	uint32_t minlen, maxlen, nest;
};

static struct apol pol[MAX_POLICIES][MAX_ATTRS];
static struct {
	uint32_t cmd, flags;
	int has_do, has_dump;
	uint32_t pdo, pdump;
} ops[MAX_OPS];
static int nops;

static const char *const type_names[] = {
	[NL_ATTR_TYPE_INVALID] = "invalid",
	[NL_ATTR_TYPE_FLAG] = "flag",
	[NL_ATTR_TYPE_U8] = "u8",
	[NL_ATTR_TYPE_U16] = "u16",
	[NL_ATTR_TYPE_U32] = "u32",
	[NL_ATTR_TYPE_U64] = "u64",
	[NL_ATTR_TYPE_S8] = "s8",
	[NL_ATTR_TYPE_S16] = "s16",
	[NL_ATTR_TYPE_S32] = "s32",
	[NL_ATTR_TYPE_S64] = "s64",
	[NL_ATTR_TYPE_BINARY] = "binary",
	[NL_ATTR_TYPE_STRING] = "string",
	[NL_ATTR_TYPE_NUL_STRING] = "nul-string",
	[NL_ATTR_TYPE_NESTED] = "nested",
	[NL_ATTR_TYPE_NESTED_ARRAY] = "nested-array",
	[NL_ATTR_TYPE_BITFIELD32] = "bitfield32",
};

static void fail(const char *what, int err)
{
	fprintf(stderr, "# genl_spec: %s: %s\n", what, strerror(err));
	exit(1);
}

#define for_each_attr(a, start, len)					\
	for (a = (struct nlattr *)(start);				\
	     (char *)a + NLA_HDRLEN <= (char *)(start) + (len) &&	\
	     a->nla_len >= NLA_HDRLEN &&				\
	     (char *)a + a->nla_len <= (char *)(start) + (len);		\
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))

#define ATYPE(a)	((a)->nla_type & NLA_TYPE_MASK)
#define ADATA(a)	((void *)((char *)(a) + NLA_HDRLEN))
#define ALEN(a)		((int)(a)->nla_len - NLA_HDRLEN)

static uint32_t get_u32(const struct nlattr *a)
{
	uint32_t v = 0;

	memcpy(&v, ADATA(a), ALEN(a) < 4 ? ALEN(a) : 4);
	return v;
}

static uint64_t get_u64(const struct nlattr *a)
{
	uint64_t v = 0;

	memcpy(&v, ADATA(a), ALEN(a) < 8 ? ALEN(a) : 8);
	return v;
}

static int sock_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		fail("netlink socket", errno);
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	return fd;
}

struct req {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char attrs[256];
};

static void req_init(struct req *r, uint16_t type, uint8_t cmd,
		     uint16_t flags)
{
	memset(r, 0, sizeof(*r));
	r->n.nlmsg_type = type;
	r->n.nlmsg_flags = NLM_F_REQUEST | flags;
	r->n.nlmsg_seq = 1;
	r->n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->g.cmd = cmd;
	r->g.version = 1;
}

/* Append an attribute (a nest's header when @data is NULL and @len 0). */
static struct nlattr *req_put(struct req *r, uint16_t type, const void *data,
			      int len)
{
	struct nlattr *a = (void *)((char *)r + NLMSG_ALIGN(r->n.nlmsg_len));

	if ((char *)a + NLA_ALIGN(NLA_HDRLEN + len) > (char *)(r + 1))
		fail("request too long", E2BIG);
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy(ADATA(a), data, len);
	r->n.nlmsg_len = NLMSG_ALIGN(r->n.nlmsg_len) + NLA_ALIGN(a->nla_len);
	return a;
}

/*
 * Send @r; call @cb on each reply. Return: 0, or the negative errno the
 * kernel answered with (fatal unless @may_fail).
 */
static int request(int fd, struct req *r, const char *what, int may_fail,
		   void (*cb)(struct genlmsghdr *g, int glen))
{
	static char buf[BUFSZ];

	if (send(fd, r, r->n.nlmsg_len, 0) < 0)
		fail("send", errno);
	for (;;) {
		int n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		if (n < 0)
			fail("recv", errno);
		for (h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				if (e->error && !may_fail)
					fail(what, -e->error);
				return e->error;
			}
			cb(NLMSG_DATA(h), h->nlmsg_len - NLMSG_HDRLEN);
			if (!(h->nlmsg_flags & NLM_F_MULTI))
				return 0;
		}
	}
}

static uint16_t family_id;

static void family_cb(struct genlmsghdr *g, int glen)
{
	struct nlattr *a, *o, *f;
	char *attrs = (char *)g + GENL_HDRLEN;
	int alen = glen - GENL_HDRLEN;

	for_each_attr(a, attrs, alen) {
		switch (ATYPE(a)) {
		case CTRL_ATTR_FAMILY_ID:
			family_id = get_u32(a) & 0xffff;
			break;
		case CTRL_ATTR_FAMILY_NAME:
			printf("family name = %.*s\n", (int)strnlen(ADATA(a), ALEN(a)),
			       (char *)ADATA(a));
			break;
		case CTRL_ATTR_VERSION:
			printf("family version = %u\n", get_u32(a));
			break;
		case CTRL_ATTR_HDRSIZE:
			printf("family hdrsize = %u\n", get_u32(a));
			break;
		case CTRL_ATTR_OPS:
			for_each_attr(o, ADATA(a), ALEN(a)) {
				if (nops == MAX_OPS)
					fail("too many operations", E2BIG);
				for_each_attr(f, ADATA(o), ALEN(o)) {
					if (ATYPE(f) == CTRL_ATTR_OP_ID)
						ops[nops].cmd = get_u32(f);
					else if (ATYPE(f) == CTRL_ATTR_OP_FLAGS)
						ops[nops].flags = get_u32(f);
				}
				nops++;
			}
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			for_each_attr(o, ADATA(a), ALEN(a))
				for_each_attr(f, ADATA(o), ALEN(o))
					if (ATYPE(f) == CTRL_ATTR_MCAST_GRP_NAME)
						printf("mcgrp %.*s = present\n",
						       (int)strnlen(ADATA(f), ALEN(f)),
						       (char *)ADATA(f));
			break;
		}
	}
}

static void policy_attr(struct apol *p, struct nlattr *nest)
{
	struct nlattr *f;

	p->present = 1;
	for_each_attr(f, ADATA(nest), ALEN(nest)) {
		switch (ATYPE(f)) {
		case NL_POLICY_TYPE_ATTR_TYPE:
			p->type = get_u32(f);
			break;
		case NL_POLICY_TYPE_ATTR_MIN_VALUE_S:
			p->has_min = 1;
			p->smin = (int64_t)get_u64(f);
			break;
		case NL_POLICY_TYPE_ATTR_MAX_VALUE_S:
			p->has_max = 1;
			p->smax = (int64_t)get_u64(f);
			break;
		case NL_POLICY_TYPE_ATTR_MIN_VALUE_U:
			p->has_min = 1;
			p->umin = get_u64(f);
			break;
		case NL_POLICY_TYPE_ATTR_MAX_VALUE_U:
			p->has_max = 1;
			p->umax = get_u64(f);
			break;
		case NL_POLICY_TYPE_ATTR_MASK:
		case NL_POLICY_TYPE_ATTR_BITFIELD32_MASK:
			p->has_mask = 1;
			p->mask = ALEN(f) == 4 ? get_u32(f) : get_u64(f);
			break;
		case NL_POLICY_TYPE_ATTR_MIN_LENGTH:
			p->has_minlen = 1;
			p->minlen = get_u32(f);
			break;
		case NL_POLICY_TYPE_ATTR_MAX_LENGTH:
			p->has_maxlen = 1;
			p->maxlen = get_u32(f);
			break;
		case NL_POLICY_TYPE_ATTR_POLICY_IDX:
			p->has_nest = 1;
			p->nest = get_u32(f);
			break;
		}
	}
}

static void policy_cb(struct genlmsghdr *g, int glen)
{
	struct nlattr *a, *pi, *at, *f;
	char *attrs = (char *)g + GENL_HDRLEN;
	int alen = glen - GENL_HDRLEN;

	for_each_attr(a, attrs, alen) {
		switch (ATYPE(a)) {
		case CTRL_ATTR_OP_POLICY:
			for_each_attr(pi, ADATA(a), ALEN(a)) {
				int i;

				for (i = 0; i < nops; i++)
					if (ops[i].cmd == ATYPE(pi))
						break;
				if (i == nops) {
					/* Not in GETFAMILY's list: print it, flagless. */
					if (nops == MAX_OPS)
						fail("too many operations", E2BIG);
					ops[nops++].cmd = ATYPE(pi);
				}
				for_each_attr(f, ADATA(pi), ALEN(pi)) {
					if (ATYPE(f) == CTRL_ATTR_POLICY_DO) {
						ops[i].has_do = 1;
						ops[i].pdo = get_u32(f);
					} else if (ATYPE(f) == CTRL_ATTR_POLICY_DUMP) {
						ops[i].has_dump = 1;
						ops[i].pdump = get_u32(f);
					}
				}
			}
			break;
		case CTRL_ATTR_POLICY:
			for_each_attr(pi, ADATA(a), ALEN(a)) {
				if (ATYPE(pi) >= MAX_POLICIES)
					fail("too many policies", E2BIG);
				for_each_attr(at, ADATA(pi), ALEN(pi)) {
					if (ATYPE(at) >= MAX_ATTRS)
						fail("attribute number too high", E2BIG);
					policy_attr(&pol[ATYPE(pi)][ATYPE(at)], at);
				}
			}
			break;
		}
	}
}

static void print_value(const struct apol *p)
{
	static const uint64_t umax[] = {
		[NL_ATTR_TYPE_U8] = UINT8_MAX, [NL_ATTR_TYPE_U16] = UINT16_MAX,
		[NL_ATTR_TYPE_U32] = UINT32_MAX, [NL_ATTR_TYPE_U64] = UINT64_MAX,
	};
	static const int64_t smin[] = {
		[NL_ATTR_TYPE_S8] = INT8_MIN, [NL_ATTR_TYPE_S16] = INT16_MIN,
		[NL_ATTR_TYPE_S32] = INT32_MIN, [NL_ATTR_TYPE_S64] = INT64_MIN,
	};
	static const int64_t smax[] = {
		[NL_ATTR_TYPE_S8] = INT8_MAX, [NL_ATTR_TYPE_S16] = INT16_MAX,
		[NL_ATTR_TYPE_S32] = INT32_MAX, [NL_ATTR_TYPE_S64] = INT64_MAX,
	};
	uint32_t t = p->type;

	if (t < ARRAY_SIZE(type_names) && type_names[t])
		printf("%s", type_names[t]);
	else
		printf("type%u", t);
	/* The type's own range is no check: print only what narrows it. */
	if (t >= NL_ATTR_TYPE_U8 && t <= NL_ATTR_TYPE_U64) {
		if (p->has_min && p->umin)
			printf(" min %llu", (unsigned long long)p->umin);
		if (p->has_max && p->umax != umax[t])
			printf(" max %llu", (unsigned long long)p->umax);
	} else if (t >= NL_ATTR_TYPE_S8 && t <= NL_ATTR_TYPE_S64) {
		if (p->has_min && p->smin != smin[t])
			printf(" min %lld", (long long)p->smin);
		if (p->has_max && p->smax != smax[t])
			printf(" max %lld", (long long)p->smax);
	}
	if (p->has_mask)
		printf(" mask %#llx", (unsigned long long)p->mask);
	if (p->has_minlen)
		printf(" minlen %u", p->minlen);
	if (p->has_maxlen)
		printf(" maxlen %u", p->maxlen);
	printf("\n");
}

static void print_policy(uint32_t cmd, const char *mode, const char *path,
			 uint32_t idx, int depth)
{
	char sub[128];
	int i;

	if (idx >= MAX_POLICIES)
		fail("policy index out of range", E2BIG);
	for (i = 1; i < MAX_ATTRS; i++) {
		const struct apol *p = &pol[idx][i];

		if (!p->present)
			continue;
		snprintf(sub, sizeof(sub), "%s%s%d", path, *path ? "." : "", i);
		printf("attr %u %s %s = ", cmd, mode, sub);
		print_value(p);
		if (p->has_nest && depth < MAX_DEPTH)
			print_policy(cmd, mode, sub, p->nest, depth + 1);
	}
}

/*
 * What the family sends: each attribute of a reply, by path, with the
 * forms its payload can have (flag u8 u16 u32 u64 string nest); the test
 * checks the spec's type of that attribute is among them. Printed once
 * per distinct line.
 */
#define MAX_SENT	2048
static char *sent[MAX_SENT];
static int nsent;
static const char *sent_what;	/* "1 dump", "5 do" */

static void sent_line(const char *line)
{
	int i;

	for (i = 0; i < nsent; i++)
		if (!strcmp(sent[i], line))
			return;
	if (nsent == MAX_SENT)
		fail("too many distinct reply attributes", E2BIG);
	sent[nsent] = strdup(line);
	if (!sent[nsent])
		fail("strdup", ENOMEM);
	nsent++;
}

static int is_nest(const unsigned char *d, int len)
{
	int off = 0;

	if (len < NLA_HDRLEN)
		return 0;
	while (off + NLA_HDRLEN <= len) {
		const struct nlattr *a = (const void *)(d + off);

		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > len)
			return 0;
		off += NLA_ALIGN(a->nla_len);
	}
	return off >= len;
}

static int is_string(const unsigned char *d, int len)
{
	int i;

	if (len < 1 || d[len - 1])
		return 0;
	for (i = 0; i < len - 1; i++)
		if (d[i] < 0x20 || d[i] > 0x7e)
			return 0;
	return 1;
}

static void walk(const char *path, const void *start, int len, int depth)
{
	const struct nlattr *a;
	char sub[128], line[256];

	for_each_attr(a, start, len) {
		const unsigned char *d = ADATA(a);
		int l = ALEN(a), nest = is_nest(d, l);

		snprintf(sub, sizeof(sub), "%s%s%d", path, *path ? "." : "",
			 ATYPE(a));
		snprintf(line, sizeof(line), "sent %s %s =%s%s%s%s%s%s%s",
			 sent_what, sub, l == 0 ? " flag" : "",
			 l == 1 ? " u8" : "", l == 2 ? " u16" : "",
			 l == 4 ? " u32" : "", l == 8 ? " u64" : "",
			 is_string(d, l) ? " string" : "",
			 nest || l == 0 ? " nest" : "");
		sent_line(line);
		if (nest && depth < MAX_DEPTH)
			walk(sub, d, l, depth + 1);
	}
}

static struct {
	uint32_t domain;
	uint8_t bus, slot, function;
} devs[256];
static int ndevs;

static void reply_cb(struct genlmsghdr *g, int glen)
{
	const struct nlattr *a;
	int absent = 0, have = 0;

	walk("", (char *)g + GENL_HDRLEN, glen - GENL_HDRLEN, 1);
	if (strcmp(sent_what, "1 dump") || ndevs == 256)
		return;
	for_each_attr(a, (char *)g + GENL_HDRLEN, glen - GENL_HDRLEN) {
		switch (ATYPE(a)) {
		case PCIGUARD_A_DEV_DOMAIN:
			devs[ndevs].domain = get_u32(a);
			have |= 1;
			break;
		case PCIGUARD_A_DEV_BUS:
			devs[ndevs].bus = *(uint8_t *)ADATA(a);
			have |= 2;
			break;
		case PCIGUARD_A_DEV_SLOT:
			devs[ndevs].slot = *(uint8_t *)ADATA(a);
			have |= 4;
			break;
		case PCIGUARD_A_DEV_FUNCTION:
			devs[ndevs].function = *(uint8_t *)ADATA(a);
			have |= 8;
			break;
		case PCIGUARD_A_DEV_ABSENT:
			absent = 1;
			break;
		}
	}
	if (have == 15 && !absent)
		ndevs++;
}

static void put_target(struct req *r, int i, uint16_t cmd_attr)
{
	struct nlattr *nest = req_put(r, cmd_attr | NLA_F_NESTED, NULL, 0);

	req_put(r, PCIGUARD_A_DEV_DOMAIN, &devs[i].domain, 4);
	req_put(r, PCIGUARD_A_DEV_BUS, &devs[i].bus, 1);
	req_put(r, PCIGUARD_A_DEV_SLOT, &devs[i].slot, 1);
	req_put(r, PCIGUARD_A_DEV_FUNCTION, &devs[i].function, 1);
	nest->nla_len = (char *)r + r->n.nlmsg_len - (char *)nest;
}

/*
 * The requests that change nothing: a dev-get dump, dev-get and dev-check
 * of each device (dev-check refuses bridges; that is no error here).
 */
static void pciguard_replies(int fd)
{
	struct req r;
	int i;

	sent_what = "1 dump";
	req_init(&r, family_id, PCIGUARD_CMD_DEV_GET, NLM_F_DUMP);
	request(fd, &r, "dev-get dump", 0, reply_cb);
	for (i = 0; i < ndevs; i++) {
		sent_what = "1 do";
		req_init(&r, family_id, PCIGUARD_CMD_DEV_GET, 0);
		req_put(&r, PCIGUARD_A_DEV_DOMAIN, &devs[i].domain, 4);
		req_put(&r, PCIGUARD_A_DEV_BUS, &devs[i].bus, 1);
		req_put(&r, PCIGUARD_A_DEV_SLOT, &devs[i].slot, 1);
		req_put(&r, PCIGUARD_A_DEV_FUNCTION, &devs[i].function, 1);
		request(fd, &r, "dev-get", 0, reply_cb);
		sent_what = "5 do";
		req_init(&r, family_id, PCIGUARD_CMD_DEV_CHECK, 0);
		put_target(&r, i, PCIGUARD_A_DEV_TARGET);
		request(fd, &r, "dev-check", 1, reply_cb);
	}
	for (i = 0; i < nsent; i++)
		printf("%s\n", sent[i]);
	printf("devices %d\n", ndevs);
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "pciguard";
	int fd = sock_open();
	struct req r;
	int i;

	req_init(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	req_put(&r, CTRL_ATTR_FAMILY_NAME, name, strlen(name) + 1);
	request(fd, &r, "CTRL_CMD_GETFAMILY", 0, family_cb);
	if (!family_id)
		fail("no family id in the reply", EPROTO);
	req_init(&r, GENL_ID_CTRL, CTRL_CMD_GETPOLICY, NLM_F_DUMP);
	req_put(&r, CTRL_ATTR_FAMILY_ID, &family_id, sizeof(family_id));
	request(fd, &r, "CTRL_CMD_GETPOLICY", 0, policy_cb);
	for (i = 0; i < nops; i++) {
		uint32_t f = ops[i].flags;

		printf("op %u =%s%s%s%s%s\n", ops[i].cmd,
		       f & GENL_CMD_CAP_DO ? " do" : "",
		       f & GENL_CMD_CAP_DUMP ? " dump" : "",
		       f & GENL_CMD_CAP_HASPOL ? " haspol" : "",
		       f & GENL_ADMIN_PERM ? " admin-perm" : "",
		       f & GENL_UNS_ADMIN_PERM ? " uns-admin-perm" : "");
		if (ops[i].has_do)
			print_policy(ops[i].cmd, "do", "", ops[i].pdo, 1);
		if (ops[i].has_dump)
			print_policy(ops[i].cmd, "dump", "", ops[i].pdump, 1);
	}
	if (!strcmp(name, PCIGUARD_GENL_NAME))
		pciguard_replies(fd);
	close(fd);
	return 0;
}
