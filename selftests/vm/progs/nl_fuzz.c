// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink fuzzing of the pciguard family: at least --count (default 10000)
 * malformed or random requests, built from a seeded PRNG, each judged by
 * what the kernel answers. Runs in the test VM on the reference topology
 * (see nl_errors.c for its devices), as root.
 *
 *   nl_fuzz [--seed N] [--count N] [--verbose]
 *
 * Every message must get one of:
 *
 *   - an answer: an ack (error 0), and where the command replies, replies
 *     that parse (attributes exactly fill the message, the naming
 *     attributes and the formatted BDF agree, a DEV_CHECK result per
 *     target), or a dump of such messages ending in NLMSG_DONE with 0;
 *   - an error carrying an extended ack message (NLMSGERR_ATTR_MSG), and
 *     when it blames an attribute, an offset inside the request;
 *   - one of the outcomes below, which come from the netlink core before
 *     pciguard's code runs and carry no extack in Linux 6.1. The allowance
 *     is narrow: each is accepted only for the request that provokes it.
 *       EOPNOTSUPP  the command has no handler of the requested kind:
 *                   an unknown command number, or NLM_F_DUMP on a command
 *                   without dumpit (genl_family_rcv_msg())
 *       EINVAL      nlmsg_len leaves no room for the genetlink header
 *                   (genl_family_rcv_msg())
 *       EBUSY       a dump request on a socket whose dump is still running
 *                   (__netlink_dump_start())
 *       silence     nlmsg_len shorter than a netlink header or longer than
 *                   the datagram: netlink_rcv_skb() drops the rest of the
 *                   datagram without an answer; also a request without
 *                   NLM_F_ACK that succeeds without a reply, and a message
 *                   without NLM_F_REQUEST (the core acks it only when asked)
 *     Silence is told from a lost answer by a probe (DEV_GET of the host
 *     bridge) sent after the message: its answer must come, and nothing
 *     for the fuzzed message before it.
 *
 * Anything else fails: an error without an extack message, a reply that
 * does not parse, a stray or missing message.
 *
 * Mutating commands must not wreck the VM: before it is sent, every message
 * whose command changes custody is scanned the way the kernel would parse
 * its targets, and if any combination of the naming values in a target
 * could name a present device other than 0000:01:00.0 (the FLR-capable
 * virtio-net the tests take and give back), the message goes out as
 * DEV_CHECK instead (counted as "diverted"). The generators only draw
 * addresses from pools that cannot mix into such a device, so this is a
 * safety net. At the end 0000:01:00.0 is detached and released to dom0.
 *
 * Output: TAP, one line per category with its counts, then totals.
 */
#include <dirent.h>
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "uapi/pciguard.h"
#include "pcisysfs.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MSG_MAX		32768
#define RX_MAX		(2 * MSG_MAX + 8192)
/* Dump sockets read with this: keeps each dump part to one page. */
#define RX_SMALL	4096

/* ------------------------------------------------------------------ PRNG */

static uint64_t rng;

static uint64_t rnd(void)	/* splitmix64 */
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int rn(unsigned int n)
{
	return n ? (unsigned int)(rnd() % n) : 0;
}

static int chance(unsigned int percent)
{
	return rn(100) < percent;
}

#define PICK(a)		((a)[rn(ARRAY_SIZE(a))])

/* -------------------------------------------------------------- devices */

struct bdf {
	unsigned int dom, bus, slot, fn;
};

static const struct bdf nic = { 0, 0x01, 0x00, 0 };
static const struct bdf host_bridge = { 0, 0, 0, 0 };

/*
 * Address pools for mutating commands. Mixed in any way (a target with
 * the bus of one and the slot of another), they name 0000:01:00.0 or no
 * device: nothing else is on bus 1, bus 0x7f and 0xee do not exist, nor
 * does any domain but 0. Slots above 31 and functions above 7 are out of
 * the policy's range.
 */
static const unsigned int safe_dom[] = { 0, 0, 0, 1, 0xffff, 0xffffffff };
static const unsigned int safe_bus[] = { 0x01, 0x01, 0x7f, 0xee };
static const unsigned int safe_slot[] = { 0, 0, 0x1b, 31, 32, 0xff };
static const unsigned int safe_fn[] = { 0, 0, 6, 7, 8, 0xff };

/* The present devices, from sysfs, for read-only requests and the scan. */
static struct bdf real[256];
static unsigned int nreal;

static void read_devices(void)
{
	struct dirent *e;
	DIR *d = opendir("/sys/bus/pci/devices");

	if (!d) {
		perror("# /sys/bus/pci/devices");
		exit(1);
	}
	while ((e = readdir(d)) && nreal < ARRAY_SIZE(real)) {
		struct bdf *b = &real[nreal];

		if (sscanf(e->d_name, "%x:%x:%x.%x", &b->dom, &b->bus,
			   &b->slot, &b->fn) == 4)
			nreal++;
	}
	closedir(d);
}

static int is_real(const struct bdf *b)
{
	unsigned int i;

	for (i = 0; i < nreal; i++)
		if (!memcmp(&real[i], b, sizeof(*b)))
			return 1;
	return 0;
}

static struct bdf safe_bdf(void)
{
	struct bdf b = { PICK(safe_dom), PICK(safe_bus), PICK(safe_slot),
			 PICK(safe_fn) };

	return chance(20) ? nic : b;
}

static const char *driver_of(const struct bdf *d)
{
	return pci_driver_name(d->dom, d->bus, d->slot, d->fn);
}

/* ------------------------------------------------------------- messages */

enum cat {
	C_VALID, C_TYPE, C_LEN, C_MISSING, C_EXTRA, C_STRING, C_BDF,
	C_FLAGS, C_NEST, C_HEADER, C_CMD, C_RANDOM, C_DUMP, NCAT
};

static const char *const cat_name[NCAT] = {
	[C_VALID] = "well-formed requests",
	[C_TYPE] = "wrong attribute types and type flags",
	[C_LEN] = "wrong attribute lengths, garbage between attributes",
	[C_MISSING] = "missing attributes",
	[C_EXTRA] = "extra, duplicate and unknown attributes",
	[C_STRING] = "oversize and malformed strings",
	[C_BDF] = "bad addresses",
	[C_FLAGS] = "unknown and missing nlmsg flags",
	[C_NEST] = "bad nesting",
	[C_HEADER] = "truncated, oversized and odd headers",
	[C_CMD] = "unknown commands, NLM_F_DUMP on do-only commands",
	[C_RANDOM] = "random attributes and bytes",
	[C_DUMP] = "dumps, whole and interrupted",
};

/* How the kernel dealt with one message. */
enum res {
	R_ANSWER, R_EXTACK, R_EOPNOTSUPP, R_SHORT_GENL, R_BUSY, R_SILENT,
	R_UNREAD, R_FAIL, NRES
};

static unsigned long count[NCAT][NRES], sent[NCAT];
static double secs[NCAT];
static unsigned long diverted, nprobes;
static unsigned long changed[PCIGUARD_CMD_MAX + 1];
static int verbose;

struct msg {
	size_t len;		/* bytes built */
	size_t send_len;	/* bytes sent: len unless a header test says */
	/* What the generator meant, for judging the answer. */
	int want_targets;	/* CHECK, HIDE, ASSIGN: distinct targets, or -1 */
	int want_dev;		/* DEV_GET do: the reply is for .want */
	struct bdf want;
	unsigned char b[MSG_MAX];
};

static struct msg m;
static int family;
static unsigned int seq = 1;

/* A message's facts, kept for judging after m is reused. */
struct sent {
	enum cat cat;
	unsigned int len, send_len, flags, seq;
	int cmd;		/* -1 when the datagram has no genl header */
	int want_targets, want_dev;
	struct bdf want;
};

static struct nlmsghdr *hdr(void)
{
	return (struct nlmsghdr *)m.b;
}

static struct genlmsghdr *ghdr(void)
{
	return (struct genlmsghdr *)(m.b + NLMSG_HDRLEN);
}

/* ------------------------------------------------------------ mutations */

/*
 * One attribute of an otherwise well-formed request is mutated as it is
 * written: the generators stay plain, put() applies the mutation to the
 * attribute with index mut.index in build order (nests count too).
 */
enum mut_kind {
	M_NONE, M_TYPE, M_NESTFLAG, M_BYTEORDER, M_LEN, M_NLALEN, M_GARBAGE,
	M_DROP, M_DUP, M_EXTRA
};

static struct {
	enum mut_kind kind;
	int index, seen;
	unsigned int arg;
	size_t nest_off;	/* M_NLALEN on a nest: applied at its end */
	int is_nest[512];	/* dry run: which attributes are nests */
} mut;

static int room(size_t n)
{
	return m.len + n <= MSG_MAX - 64;
}

static void raw(const void *p, size_t n)
{
	if (!room(n))
		return;
	memcpy(m.b + m.len, p, n);
	m.len += n;
}

static void raw_rand(size_t n)
{
	unsigned char buf[64];
	size_t i;

	while (n) {
		size_t k = n < sizeof(buf) ? n : sizeof(buf);

		for (i = 0; i < k; i++)
			buf[i] = rnd();
		raw(buf, k);
		n -= k;
	}
}

static size_t put_plain(int type, const void *p, size_t n)
{
	size_t off = NLA_ALIGN(m.len);
	struct nlattr *a = (void *)(m.b + off);

	if (!room(off - m.len + NLA_ALIGN(NLA_HDRLEN + n)))
		return 0;
	memset(m.b + m.len, 0, off - m.len + NLA_ALIGN(NLA_HDRLEN + n));
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + n;
	if (n)
		memcpy(m.b + off + NLA_HDRLEN, p, n);
	m.len = off + NLA_ALIGN(a->nla_len);
	return off;
}

/* Types a request must not carry, or not here. */
static unsigned int bad_type(void)
{
	switch (rn(4)) {
	case 0:
		return rn(PCIGUARD_A_DEV_MAX + 1);	/* 0, or valid elsewhere */
	case 1:
		return PCIGUARD_A_DEV_MAX + 1 + rn(8);
	case 2:
		return rn(NLA_TYPE_MASK + 1);
	default:
		return PICK(((const unsigned int[]){ PCIGUARD_A_DEV_BDF,
			PCIGUARD_A_DEV_STATE, PCIGUARD_A_DEV_RESULT,
			PCIGUARD_A_DEV_TARGET, PCIGUARD_A_DEV_GRANT,
			PCIGUARD_A_DEV_DSN, PCIGUARD_A_DEV_PAD }));
	}
}

/* An attribute no request has, or one of another command. */
static void put_extra(void)
{
	static const char guest[] = "fuzz";
	unsigned char junk[16];
	unsigned int t = bad_type(), i;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = rnd();
	switch (rn(4)) {
	case 0:
		put_plain(t, NULL, 0);
		break;
	case 1:
		put_plain(t, junk, 4);
		break;
	case 2:
		put_plain(PCIGUARD_A_DEV_GUEST, guest, sizeof(guest));
		break;
	default:
		put_plain(t, junk, rn(sizeof(junk)));
		break;
	}
}

static size_t put(int type, const void *p, size_t n)
{
	unsigned char buf[512] = { 0 };
	int me = mut.seen++;
	size_t off, i;

	if (me < (int)ARRAY_SIZE(mut.is_nest))
		mut.is_nest[me] = !!(type & NLA_F_NESTED);
	if (mut.kind == M_NONE || me != mut.index)
		return put_plain(type, p, n);

	switch (mut.kind) {
	case M_TYPE:
		type = (type & ~NLA_TYPE_MASK) | bad_type();
		break;
	case M_NESTFLAG:
		type ^= NLA_F_NESTED;
		break;
	case M_BYTEORDER:
		type |= NLA_F_NET_BYTEORDER;
		break;
	case M_LEN:
		if (type & NLA_F_NESTED)
			break;
		/* The original bytes over and over: the same address. */
		for (i = 0; i < mut.arg && i < sizeof(buf); i++)
			buf[i] = n ? ((const unsigned char *)p)[i % n] : 0;
		p = buf;
		n = i;
		break;
	case M_DROP:
		return 0;	/* a nest's children stay at this level */
	case M_DUP:
		put_plain(type, p, n);
		break;
	default:
		break;
	}
	off = put_plain(type, p, n);
	switch (mut.kind) {
	case M_NLALEN:
		if (type & NLA_F_NESTED)
			mut.nest_off = off;
		else if (off)
			((struct nlattr *)(m.b + off))->nla_len = mut.arg;
		break;
	case M_GARBAGE:
		raw_rand(mut.arg);
		break;
	case M_EXTRA:
		put_extra();
		break;
	default:
		break;
	}
	return off;
}

static void put_u8(int type, unsigned int v)
{
	unsigned char c = v;

	put(type, &c, 1);
}

static void put_u32(int type, unsigned int v)
{
	put(type, &v, 4);
}

static size_t nest(int type)
{
	return put(type | NLA_F_NESTED, NULL, 0);
}

static void nest_end(size_t off)
{
	struct nlattr *a = (void *)(m.b + off);

	if (!off)
		return;		/* dropped */
	a->nla_len = m.len - off;
	if (mut.kind == M_NLALEN && mut.nest_off == off)
		a->nla_len = mut.arg < 4 ? mut.arg : a->nla_len + mut.arg;
}

static void begin(int cmd, int flags)
{
	memset(m.b, 0, 64);
	m.len = NLMSG_LENGTH(GENL_HDRLEN);
	m.want_targets = -1;
	m.want_dev = 0;
	hdr()->nlmsg_type = family;
	hdr()->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	hdr()->nlmsg_seq = ++seq & 0x7fffffff;
	ghdr()->cmd = cmd;
	ghdr()->version = PCIGUARD_GENL_VERSION;
}

static void finish(void)
{
	hdr()->nlmsg_len = m.len;
	m.send_len = m.len;
}

/* ----------------------------------------------------------- generators */

static int bdf_mode, str_mode;

static int is_mutating(int cmd)
{
	return cmd == PCIGUARD_CMD_DEV_HIDE || cmd == PCIGUARD_CMD_DEV_RELEASE ||
	       cmd == PCIGUARD_CMD_DEV_ASSIGN || cmd == PCIGUARD_CMD_DEV_DETACH ||
	       cmd == PCIGUARD_CMD_DEV_VIOLATION;
}

/* The family has a handler for @cmd (doit; only DEV_GET dumps). */
static int has_op(int cmd)
{
	return cmd >= PCIGUARD_CMD_DEV_GET && cmd <= PCIGUARD_CMD_MAX &&
	       cmd != PCIGUARD_CMD_EVENT;
}

static const int do_cmds[] = {
	PCIGUARD_CMD_DEV_GET, PCIGUARD_CMD_DEV_HIDE, PCIGUARD_CMD_DEV_RELEASE,
	PCIGUARD_CMD_DEV_CHECK, PCIGUARD_CMD_DEV_ASSIGN,
	PCIGUARD_CMD_DEV_DETACH, PCIGUARD_CMD_DEV_VIOLATION,
};

/* An address no policy or no device accepts; pool ones for mutating. */
static struct bdf bad_bdf(int cmd)
{
	struct bdf b = real[rn(nreal)];

	if (is_mutating(cmd)) {
		b = safe_bdf();
		if (!memcmp(&b, &nic, sizeof(b)))
			b.bus = 0x7f;
		return b;
	}
	switch (rn(5)) {
	case 0:
		b.slot = 32 + rn(224);
		break;
	case 1:
		b.fn = 8 + rn(248);
		break;
	case 2:
		b.bus = rn(256);
		break;
	case 3:
		b.dom = 1 + rn(0xffffffff);
		break;
	default:
		break;	/* present, bridges too: CHECK refuses those */
	}
	return b;
}

static struct bdf pick_bdf(int cmd)
{
	if (bdf_mode)
		return bad_bdf(cmd);
	if (is_mutating(cmd) || chance(20))
		return safe_bdf();
	return real[rn(nreal)];
}

static void name_dev(const struct bdf *b)
{
	put_u32(PCIGUARD_A_DEV_DOMAIN, b->dom);
	put_u8(PCIGUARD_A_DEV_BUS, b->bus);
	put_u8(PCIGUARD_A_DEV_SLOT, b->slot);
	put_u8(PCIGUARD_A_DEV_FUNCTION, b->fn);
}

static void target(const struct bdf *b)
{
	size_t off = nest(PCIGUARD_A_DEV_TARGET);

	name_dev(b);
	nest_end(off);
}

static void put_flag(int type)
{
	put(type, NULL, 0);
}

/*
 * A string attribute: a valid guest name or finding, or with str_mode a
 * malformed one. @max counts the NUL.
 */
static void put_string(int type, size_t max, int guest)
{
	static const char set[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";
	static const char odd[] = " /\n\t:*\x7f\x80\xff";
	char s[9000];
	size_t n = 1 + rn(max - 1), i;

	for (i = 0; i < n; i++)
		s[i] = guest ? set[rn(i ? sizeof(set) - 1 : 62)] : (char)(' ' + rn(95));
	s[n++] = '\0';
	if (str_mode) {
		switch (rn(9)) {
		case 0:		/* too long */
			n = max + rn(4 * max);
			memset(s, 'a', n);
			s[n++] = '\0';
			break;
		case 1:		/* longest allowed, and one more */
			n = max - 1 + rn(2);
			memset(s, 'b', n);
			s[n++] = '\0';
			break;
		case 2:		/* unterminated */
			n--;
			break;
		case 3:		/* no payload */
			n = 0;
			break;
		case 4:		/* just the NUL */
			s[0] = '\0';
			n = 1;
			break;
		case 5:		/* a character guest names do not have */
			s[rn(n - 1)] = PICK(odd);
			if (chance(30))
				s[0] = PICK(((const char[]){ '-', '.', '_' }));
			break;
		case 6:		/* NUL inside */
			if (n > 2)
				s[rn(n - 2)] = '\0';
			break;
		case 7:		/* huge */
			n = sizeof(s);
			memset(s, 'c', n - 1);
			s[n - 1] = '\0';
			break;
		default:	/* any bytes */
			n = rn(2 * max);
			for (i = 0; i < n; i++)
				s[i] = rnd();
			break;
		}
	}
	put(type, s, n);
}

static void grant(void)
{
	size_t n = nest(PCIGUARD_A_DEV_GRANT);
	uint16_t off = rn(4) ? 0x40 + 4 * rn(48) : rn(4096);

	put(PCIGUARD_A_CFG_OFFSET, &off, 2);
	put_u8(PCIGUARD_A_CFG_LEN, 1 << rn(3));
	if (chance(50))
		put_u32(PCIGUARD_A_CFG_MASK, rnd());
	nest_end(n);
}

/*
 * A well-formed request for @cmd with the attributes its policy allows,
 * NLM_F_ACK set. Mutating commands name pool addresses only.
 */
static void valid(int cmd)
{
	struct bdf seen[PCIGUARD_MAX_TARGETS + 2];
	unsigned int i, j, n, distinct = 0;

	begin(cmd, 0);
	if (cmd == PCIGUARD_CMD_DEV_GET) {
		m.want = pick_bdf(cmd);
		m.want_dev = 1;
		name_dev(&m.want);
		finish();
		return;
	}
	if (cmd == PCIGUARD_CMD_DEV_ASSIGN) {
		put_string(PCIGUARD_A_DEV_GUEST, PCIGUARD_GUEST_NAME_MAX, 1);
		if (chance(80))
			put_u32(PCIGUARD_A_DEV_BACKEND,
				chance(80) ? PCIGUARD_BACKEND_VFIO_PCI :
					     rn(__PCIGUARD_BACKEND_MAX));
		if (chance(20))
			put_flag(PCIGUARD_A_DEV_FORCE);
		if (chance(20))
			put_flag(PCIGUARD_A_DEV_NO_STRICT_RESET);
		if (chance(10))
			put_flag(PCIGUARD_A_DEV_PERMISSIVE);
		for (i = rn(4); i > 0; i--)
			grant();
		if (chance(5))
			for (i = 0; i <= PCIGUARD_MAX_GRANTS; i++)
				grant();
	}
	n = 1 + (chance(90) ? rn(3) : rn(PCIGUARD_MAX_TARGETS + 2));
	for (i = 0; i < n; i++) {
		seen[i] = pick_bdf(cmd);
		if (i && chance(10))
			seen[i] = seen[0];
		target(&seen[i]);
		for (j = 0; j < i && memcmp(&seen[j], &seen[i], sizeof(seen[i])); j++)
			;
		distinct += j == i;
	}
	/* CHECK answers per target; HIDE and ASSIGN too, when they succeed. */
	if (cmd == PCIGUARD_CMD_DEV_CHECK || cmd == PCIGUARD_CMD_DEV_HIDE ||
	    cmd == PCIGUARD_CMD_DEV_ASSIGN)
		m.want_targets = distinct;
	if (cmd == PCIGUARD_CMD_DEV_CHECK) {
		if (chance(30))
			put_flag(PCIGUARD_A_DEV_NO_STRICT_RESET);
	}
	if (cmd == PCIGUARD_CMD_DEV_HIDE || cmd == PCIGUARD_CMD_DEV_RELEASE) {
		if (chance(60))
			put_flag(PCIGUARD_A_DEV_FORCE);
		if (cmd == PCIGUARD_CMD_DEV_RELEASE && chance(85))
			put_flag(PCIGUARD_A_DEV_TO_HOST);
	}
	if (cmd == PCIGUARD_CMD_DEV_VIOLATION)
		put_string(PCIGUARD_A_DEV_VIOLATION, PCIGUARD_VIOLATION_MAX, 0);
	finish();
}

/*
 * valid(@cmd) with one attribute mutated by @kind. A dry run counts the
 * attributes (with the same random numbers) so that any of them can be
 * the one.
 */
static void mutated(int cmd, enum mut_kind kind)
{
	uint64_t start = rng, after;
	int n;

	memset(&mut, 0, offsetof(typeof(mut), is_nest));
	valid(cmd);
	n = mut.seen;
	mut.kind = kind;
	mut.index = rn(n);
	switch (kind) {
	case M_NESTFLAG:	/* prefer nests: the policy has few */
		for (int i = 0; i < 8 && !mut.is_nest[mut.index]; i++)
			mut.index = rn(n);
		break;
	case M_LEN:
		mut.arg = PICK(((const unsigned int[]){ 0, 1, 2, 3, 5, 6, 8,
							12, 16, 64, 300 }));
		break;
	case M_NLALEN:
		mut.arg = rn(4) ? rn(4) : 5 + rn(2000);
		break;
	case M_GARBAGE:
		mut.arg = 1 + rn(7);
		break;
	default:
		break;
	}
	after = rng;
	rng = start;
	mut.seen = 0;
	valid(cmd);
	rng = after;
	mut.kind = M_NONE;
	/* The judge cannot know what the mutated request should get. */
	m.want_targets = -1;
	m.want_dev = 0;
	/* An attribute length that points past the message stays there. */
	finish();
}

/* Bad nesting the mutations do not make. */
static void bad_nest(int cmd)
{
	struct bdf b = pick_bdf(cmd);
	size_t a, c;
	unsigned int i, depth;

	begin(cmd, 0);
	switch (rn(7)) {
	case 0:		/* a target inside a target */
		a = nest(PCIGUARD_A_DEV_TARGET);
		target(&b);
		nest_end(a);
		break;
	case 1:		/* naming attributes at the top, no target */
		name_dev(&b);
		break;
	case 2:		/* an empty target */
		nest_end(nest(PCIGUARD_A_DEV_TARGET));
		break;
	case 3:		/* deep */
		depth = 2 + rn(40);
		for (i = 0; i < depth; i++)
			nest(PCIGUARD_A_DEV_TARGET);
		name_dev(&b);
		for (i = 0; i < depth; i++)
			((struct nlattr *)(m.b + NLMSG_LENGTH(GENL_HDRLEN) +
					   i * NLA_HDRLEN))->nla_len =
				m.len - NLMSG_LENGTH(GENL_HDRLEN) - i * NLA_HDRLEN;
		break;
	case 4:		/* a grant, or a naming attribute, in the wrong nest */
		a = nest(PCIGUARD_A_DEV_TARGET);
		name_dev(&b);
		c = nest(chance(50) ? PCIGUARD_A_DEV_GRANT : PCIGUARD_A_DEV_DOMAIN);
		put_u8(PCIGUARD_A_CFG_LEN, 4);
		nest_end(c);
		nest_end(a);
		break;
	case 5:		/* a partial attribute at the end of a nest */
		a = nest(PCIGUARD_A_DEV_TARGET);
		name_dev(&b);
		raw_rand(1 + rn(3));
		nest_end(a);
		break;
	default:	/* a nest longer than the message */
		a = nest(PCIGUARD_A_DEV_TARGET);
		name_dev(&b);
		nest_end(a);
		((struct nlattr *)(m.b + a))->nla_len += 4 + rn(64);
		break;
	}
	if (cmd == PCIGUARD_CMD_DEV_RELEASE)
		put_flag(PCIGUARD_A_DEV_TO_HOST);
	finish();
}

static void gen_random(void)
{
	int cmd = chance(70) ? PICK(do_cmds) : (int)rn(256);
	unsigned int i, n, k;
	size_t a;

	begin(cmd, chance(5) ? NLM_F_DUMP : 0);
	if (chance(30)) {
		raw_rand(rn(512));
	} else {
		n = rn(12);
		for (i = 0; i < n; i++) {
			unsigned int t = chance(70) ? rn(PCIGUARD_A_DEV_MAX + 4) :
						      (unsigned int)rnd() & 0xffff;

			if (chance(20)) {
				a = put_plain(t | NLA_F_NESTED, NULL, 0);
				for (k = rn(5); k > 0; k--) {
					unsigned char v[8];

					for (unsigned int j = 0; j < sizeof(v); j++)
						v[j] = rnd();
					put_plain(rn(8), v, rn(9));
				}
				if (a)
					((struct nlattr *)(m.b + a))->nla_len = m.len - a;
			} else {
				unsigned char v[24];

				for (k = 0; k < sizeof(v); k++)
					v[k] = rnd();
				put_plain(t, v, rn(sizeof(v) + 1));
			}
		}
	}
	finish();
}

/* Header fields and lengths: which is sent, what nlmsg_len says. */
static void bad_header(int cmd)
{
	struct nlmsghdr *h = hdr();
	unsigned int v;

	valid(cmd);
	m.want_targets = -1;
	m.want_dev = 0;
	switch (rn(9)) {
	case 0:		/* shorter than a netlink header */
		h->nlmsg_len = rn(NLMSG_HDRLEN);
		break;
	case 1:		/* room for no genetlink header */
		h->nlmsg_len = NLMSG_HDRLEN + rn(GENL_HDRLEN);
		if (chance(50))
			m.send_len = h->nlmsg_len;
		break;
	case 2:		/* longer than the datagram */
		h->nlmsg_len = m.len + 1 + rn(chance(50) ? 16 : 60000);
		break;
	case 3:		/* cut inside the attributes */
		if (m.len > NLMSG_LENGTH(GENL_HDRLEN))
			h->nlmsg_len -= 1 + rn(m.len - NLMSG_LENGTH(GENL_HDRLEN));
		if (chance(50))
			m.send_len = h->nlmsg_len;
		break;
	case 4:		/* trailing bytes after the message, too few for another */
		v = 1 + rn(NLMSG_HDRLEN - 1);
		if (chance(50))
			memset(m.b + m.len, 0, v);
		else
			for (unsigned int i = 0; i < v; i++)
				m.b[m.len + i] = rnd();
		m.send_len = m.len + v;
		break;
	case 5:		/* genl version */
		ghdr()->version = PICK(((const unsigned char[]){ 0, 2, 3, 0xff }));
		break;
	case 6:		/* genl reserved field */
		ghdr()->reserved = 1 + rn(0xffff);
		break;
	case 7:		/* sender port id and sequence number */
		h->nlmsg_pid = rnd();
		h->nlmsg_seq = chance(30) ? 0 : (unsigned int)rnd() & 0x7fffffff;
		break;
	default:	/* a datagram shorter than a netlink header */
		m.send_len = 1 + rn(NLMSG_HDRLEN - 1);
		break;
	}
	/*
	 * What follows nlmsg_len in the datagram would be read as another
	 * message, made of attribute bytes: not that.
	 */
	if (h->nlmsg_len >= NLMSG_HDRLEN && h->nlmsg_len < m.send_len &&
	    m.send_len - NLMSG_ALIGN(h->nlmsg_len) >= NLMSG_HDRLEN)
		m.send_len = h->nlmsg_len;
}

static void bad_flags(int cmd)
{
	static const unsigned int odd[] = {
		NLM_F_MULTI, NLM_F_ECHO, NLM_F_DUMP_INTR, NLM_F_DUMP_FILTERED,
		NLM_F_ROOT, NLM_F_MATCH, NLM_F_ATOMIC, NLM_F_APPEND,
		0x1000, 0x2000, 0x4000, 0x8000,
	};
	struct nlmsghdr *h = hdr();

	valid(cmd);
	m.want_targets = -1;
	m.want_dev = 0;
	switch (rn(5)) {
	case 0:
		h->nlmsg_flags &= ~NLM_F_REQUEST;
		break;
	case 1:
		h->nlmsg_flags &= ~NLM_F_ACK;
		break;
	case 2:
		h->nlmsg_flags |= NLM_F_ECHO;
		break;
	case 3:
		h->nlmsg_flags |= PICK(odd);
		break;
	default:
		h->nlmsg_flags = rnd() & 0xffff;
		break;
	}
}

static void bad_cmd(void)
{
	valid(PICK(do_cmds));
	m.want_targets = -1;
	m.want_dev = 0;
	switch (rn(3)) {
	case 0:
		ghdr()->cmd = PICK(((const unsigned char[]){
			PCIGUARD_CMD_UNSPEC, PCIGUARD_CMD_EVENT,
			PCIGUARD_CMD_MAX + 1, 0xff }));
		break;
	case 1:
		ghdr()->cmd = PCIGUARD_CMD_MAX + 1 + rn(0xff - PCIGUARD_CMD_MAX);
		break;
	default:	/* dump a command that has no dumpit */
		while (ghdr()->cmd == PCIGUARD_CMD_DEV_GET)
			ghdr()->cmd = PICK(do_cmds);
		hdr()->nlmsg_flags |= NLM_F_DUMP;
		break;
	}
}

/* One message of category @c (not C_DUMP) into m. */
static void generate(enum cat c)
{
	int cmd = PICK(do_cmds);

	switch (c) {
	case C_VALID:
		valid(cmd);
		break;
	case C_TYPE:
		mutated(cmd, PICK(((const enum mut_kind[]){ M_TYPE, M_TYPE,
					M_NESTFLAG, M_BYTEORDER })));
		break;
	case C_LEN:
		mutated(cmd, PICK(((const enum mut_kind[]){ M_LEN, M_LEN,
					M_NLALEN, M_GARBAGE })));
		break;
	case C_MISSING:
		if (chance(10)) {
			begin(cmd, 0);
			finish();
		} else {
			mutated(cmd, M_DROP);
		}
		break;
	case C_EXTRA:
		mutated(cmd, chance(50) ? M_DUP : M_EXTRA);
		break;
	case C_STRING:
		str_mode = 1;
		valid(chance(60) ? PCIGUARD_CMD_DEV_ASSIGN :
				   PCIGUARD_CMD_DEV_VIOLATION);
		str_mode = 0;
		break;
	case C_BDF:
		bdf_mode = 1;
		valid(cmd);
		bdf_mode = 0;
		break;
	case C_FLAGS:
		bad_flags(cmd);
		break;
	case C_NEST:
		if (chance(50))
			bad_nest(cmd);
		else
			mutated(cmd, PICK(((const enum mut_kind[]){ M_NESTFLAG,
						M_DROP, M_NLALEN, M_EXTRA })));
		break;
	case C_HEADER:
		bad_header(cmd);
		break;
	case C_CMD:
		bad_cmd();
		break;
	default:
		gen_random();
		break;
	}
}

/* --------------------------------------------------------- safety scan */

/*
 * Whether a target nest could name a present device other than
 * 0000:01:00.0, whatever values of its naming attributes the kernel
 * takes (it takes the last of each; here every one counts).
 */
static int unsafe_target(const struct nlattr *t)
{
	unsigned int val[4][8], nv[4] = { 0 }, i, j, k, l;
	const unsigned char *p = (const void *)t;
	size_t off = NLA_HDRLEN;

	while (off + NLA_HDRLEN <= t->nla_len) {
		const struct nlattr *a = (const void *)(p + off);
		unsigned int type = a->nla_type & NLA_TYPE_MASK, v, f;
		size_t plen;

		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > t->nla_len)
			break;
		plen = a->nla_len - NLA_HDRLEN;
		if (type >= PCIGUARD_A_DEV_DOMAIN &&
		    type <= PCIGUARD_A_DEV_FUNCTION) {
			f = type - PCIGUARD_A_DEV_DOMAIN;
			if (f == 0)
				v = plen >= 4 ? *(const uint32_t *)(a + 1) : 0;
			else
				v = plen ? *(const unsigned char *)(a + 1) : 0;
			for (i = 0; i < nv[f] && val[f][i] != v; i++)
				;
			if (i == nv[f]) {
				if (nv[f] == ARRAY_SIZE(val[f]))
					return 1;
				val[f][nv[f]++] = v;
			}
		}
		off += NLA_ALIGN(a->nla_len);
	}
	for (i = 0; i < nv[0]; i++)
		for (j = 0; j < nv[1]; j++)
			for (k = 0; k < nv[2]; k++)
				for (l = 0; l < nv[3]; l++) {
					struct bdf b = { val[0][i], val[1][j],
							 val[2][k], val[3][l] };

					if (is_real(&b) &&
					    memcmp(&b, &nic, sizeof(b)))
						return 1;
				}
	return 0;
}

/*
 * A mutating command that could act on a device other than 0000:01:00.0
 * goes out as DEV_CHECK, which changes nothing.
 */
static void make_safe(void)
{
	size_t end = hdr()->nlmsg_len, off = NLMSG_LENGTH(GENL_HDRLEN);

	if (m.send_len <= NLMSG_HDRLEN || !is_mutating(ghdr()->cmd))
		return;
	if (end > m.send_len)
		return;		/* dropped unread */
	while (off + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const void *)(m.b + off);

		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > end)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == PCIGUARD_A_DEV_TARGET &&
		    unsafe_target(a)) {
			ghdr()->cmd = PCIGUARD_CMD_DEV_CHECK;
			diverted++;
			return;
		}
		off += NLA_ALIGN(a->nla_len);
	}
}

/* ------------------------------------------------------------- sockets */

static int open_sock(int rcvbuf)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 10 };
	int one = 1, fd;

	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	if (fd < 0 || bind(fd, (void *)&sa, sizeof(sa)) ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    (rcvbuf && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
				  sizeof(rcvbuf)))) {
		perror("# netlink socket");
		exit(1);
	}
	return fd;
}

/* What came back for one request. */
struct pend {
	struct sent s;
	int need;		/* read until its ack, error or DONE */
	int fin;		/* got one of those */
	int err;		/* its error (0: ack or DONE) */
	int done;		/* NLMSG_DONE */
	int has_msg, has_offs;
	unsigned int offs;
	char msg[256];
	unsigned int ndata;
	char bad[256];		/* the first thing wrong, or "" */
};

static void set_bad(struct pend *p, const char *fmt, ...)
{
	va_list ap;

	if (p->bad[0])
		return;
	va_start(ap, fmt);
	vsnprintf(p->bad, sizeof(p->bad), fmt, ap);
	va_end(ap);
}

/*
 * The attributes in @len bytes at @head fill them exactly. @tb gets the
 * last of each type up to @max (NULL when absent).
 */
static int parse_attrs(const void *head, size_t len, const struct nlattr **tb,
		       unsigned int max)
{
	const unsigned char *p = head;
	size_t off = 0;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	while (off < len) {
		const struct nlattr *a = (const void *)(p + off);
		unsigned int type = a->nla_type & NLA_TYPE_MASK;

		if (len - off < NLA_HDRLEN || a->nla_len < NLA_HDRLEN ||
		    a->nla_len > len - off)
			return -1;
		if (type <= max)
			tb[type] = a;
		off += NLA_ALIGN(a->nla_len);
	}
	return off == len || off == NLA_ALIGN(len) ? 0 : -1;
}

static const void *pl(const struct nlattr *a)
{
	return a + 1;
}

static int plen(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

/* A string attribute holding the address the naming attributes say. */
static const char *check_naming(const struct nlattr **tb, struct bdf *out)
{
	static const int u8s[] = { PCIGUARD_A_DEV_BUS, PCIGUARD_A_DEV_SLOT,
				   PCIGUARD_A_DEV_FUNCTION };
	const struct nlattr *s = tb[PCIGUARD_A_DEV_BDF];
	char want[32];
	unsigned int i;

	if (!tb[PCIGUARD_A_DEV_DOMAIN] || plen(tb[PCIGUARD_A_DEV_DOMAIN]) != 4)
		return "no u32 domain";
	for (i = 0; i < ARRAY_SIZE(u8s); i++)
		if (!tb[u8s[i]] || plen(tb[u8s[i]]) != 1)
			return "no u8 bus, slot or function";
	out->dom = *(const uint32_t *)pl(tb[PCIGUARD_A_DEV_DOMAIN]);
	out->bus = *(const uint8_t *)pl(tb[PCIGUARD_A_DEV_BUS]);
	out->slot = *(const uint8_t *)pl(tb[PCIGUARD_A_DEV_SLOT]);
	out->fn = *(const uint8_t *)pl(tb[PCIGUARD_A_DEV_FUNCTION]);
	if (out->slot > 31 || out->fn > 7)
		return "slot or function out of range";
	snprintf(want, sizeof(want), "%04x:%02x:%02x.%x", out->dom, out->bus,
		 out->slot, out->fn);
	if (!s || plen(s) < 1 || ((const char *)pl(s))[plen(s) - 1] ||
	    strcmp(pl(s), want))
		return "BDF string missing or not the naming attributes";
	return NULL;
}

static const char *check_dev_msg(const void *attrs, size_t len,
				 const struct sent *s)
{
	const struct nlattr *tb[PCIGUARD_A_DEV_MAX + 1];
	struct bdf b;
	const char *why;

	if (parse_attrs(attrs, len, tb, PCIGUARD_A_DEV_MAX))
		return "attributes do not fill the message";
	why = check_naming(tb, &b);
	if (why)
		return why;
	if (!tb[PCIGUARD_A_DEV_STATE] || plen(tb[PCIGUARD_A_DEV_STATE]) != 4 ||
	    *(const uint32_t *)pl(tb[PCIGUARD_A_DEV_STATE]) >= __PCIGUARD_STATE_MAX)
		return "no valid state";
	if (s && s->want_dev && memcmp(&b, &s->want, sizeof(b)))
		return "reply for another device";
	return NULL;
}

/* One nest of a reply: what a check result or a moved target must hold. */
struct nest_kind {
	int type;		/* the nest's attribute type */
	const char *not_nest, *not_filled, *not_one_each;
	const char *(*check)(const struct nlattr **tb);
};

/*
 * A reply of nests of @k->type only, each passing @k->check, that fill the
 * message, one per distinct target when @s says how many.
 */
static const char *check_nests(const void *attrs, size_t len,
			       const struct sent *s, const struct nest_kind *k)
{
	const unsigned char *p = attrs;
	size_t off = 0;
	int n = 0;

	while (off + NLA_HDRLEN <= len) {
		const struct nlattr *a = (const void *)(p + off);
		const struct nlattr *tb[PCIGUARD_A_DEV_MAX + 1];
		const char *why;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > len - off)
			return "attributes do not fill the message";
		if (a->nla_type != (k->type | NLA_F_NESTED))
			return k->not_nest;
		if (parse_attrs(a + 1, plen(a), tb, PCIGUARD_A_DEV_MAX))
			return k->not_filled;
		why = k->check(tb);
		if (why)
			return why;
		n++;
		off += NLA_ALIGN(a->nla_len);
	}
	if (off != len)
		return "attributes do not fill the message";
	if (s->want_targets >= 0 && n != s->want_targets)
		return k->not_one_each;
	return NULL;
}

/* A DEV_CHECK result: a present device, allowed, the reset, the problems. */
static const char *check_result(const struct nlattr **tb)
{
	struct bdf b;
	const char *why = check_naming(tb, &b);

	if (why)
		return why;
	if (!is_real(&b))
		return "result for a device that is not there";
	if (!tb[PCIGUARD_A_DEV_ALLOWED] || plen(tb[PCIGUARD_A_DEV_ALLOWED]) != 1 ||
	    *(const uint8_t *)pl(tb[PCIGUARD_A_DEV_ALLOWED]) > 1)
		return "no valid allowed";
	if (!tb[PCIGUARD_A_DEV_RESET_USED] ||
	    plen(tb[PCIGUARD_A_DEV_RESET_USED]) != 4 ||
	    *(const uint32_t *)pl(tb[PCIGUARD_A_DEV_RESET_USED]) >= __PCIGUARD_RESET_MAX)
		return "no valid reset method";
	if (!tb[PCIGUARD_A_DEV_PROBLEMS] ||
	    plen(tb[PCIGUARD_A_DEV_PROBLEMS]) != 4 ||
	    *(const uint32_t *)pl(tb[PCIGUARD_A_DEV_PROBLEMS]) > 7)
		return "no valid problems";
	return NULL;
}

/*
 * A target of a successful DEV_HIDE or DEV_ASSIGN: the four naming numbers
 * of a device that is there and, if the request moved it, the flag CHANGED.
 */
static const char *check_moved(const struct nlattr **tb)
{
	const struct nlattr *changed = tb[PCIGUARD_A_DEV_CHANGED];
	struct bdf b;

	if (!tb[PCIGUARD_A_DEV_DOMAIN] || plen(tb[PCIGUARD_A_DEV_DOMAIN]) != 4 ||
	    !tb[PCIGUARD_A_DEV_BUS] || plen(tb[PCIGUARD_A_DEV_BUS]) != 1 ||
	    !tb[PCIGUARD_A_DEV_SLOT] || plen(tb[PCIGUARD_A_DEV_SLOT]) != 1 ||
	    !tb[PCIGUARD_A_DEV_FUNCTION] || plen(tb[PCIGUARD_A_DEV_FUNCTION]) != 1)
		return "target without its u32 domain and u8 bus, slot, function";
	b.dom = *(const uint32_t *)pl(tb[PCIGUARD_A_DEV_DOMAIN]);
	b.bus = *(const uint8_t *)pl(tb[PCIGUARD_A_DEV_BUS]);
	b.slot = *(const uint8_t *)pl(tb[PCIGUARD_A_DEV_SLOT]);
	b.fn = *(const uint8_t *)pl(tb[PCIGUARD_A_DEV_FUNCTION]);
	if (!is_real(&b))
		return "target that is not there";
	if (changed && plen(changed))
		return "CHANGED is not a flag";
	return NULL;
}

static const struct nest_kind check_reply = {
	PCIGUARD_A_DEV_RESULT, "not a result nest",
	"result attributes do not fill the nest", "not one result per target",
	check_result,
};

static const struct nest_kind moved_reply = {
	PCIGUARD_A_DEV_TARGET, "not a target nest",
	"target attributes do not fill the nest",
	"not one target nest per target", check_moved,
};

static void take_err(struct pend *p, const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);
	size_t off = NLMSG_HDRLEN + sizeof(*e);

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
		set_bad(p, "short NLMSG_ERROR");
		return;
	}
	p->fin = 1;
	p->err = e->error;
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (off > h->nlmsg_len) {
		set_bad(p, "error message shorter than its echo");
		return;
	}
	for (const struct nlattr *a = (const void *)((const char *)h + off);
	     (const char *)a + NLA_HDRLEN <= (const char *)h + h->nlmsg_len &&
	     a->nla_len >= NLA_HDRLEN;
	     a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len))) {
		if (a->nla_type == NLMSGERR_ATTR_MSG && plen(a) > 1) {
			p->has_msg = 1;
			snprintf(p->msg, sizeof(p->msg), "%.*s", plen(a),
				 (const char *)pl(a));
		} else if (a->nla_type == NLMSGERR_ATTR_OFFS && plen(a) == 4) {
			p->has_offs = 1;
			p->offs = *(const uint32_t *)pl(a);
		}
	}
}

/* One message from the kernel, for @p. */
static void take(struct pend *p, const struct nlmsghdr *h)
{
	const struct genlmsghdr *g = NLMSG_DATA(h);
	const void *attrs = (const char *)g + GENL_HDRLEN;
	size_t alen = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	const char *why = NULL;

	if (h->nlmsg_type == NLMSG_ERROR) {
		take_err(p, h);
		return;
	}
	if (h->nlmsg_type == NLMSG_DONE) {
		p->fin = p->done = 1;
		if (h->nlmsg_len >= NLMSG_LENGTH(4))
			p->err = *(const int *)NLMSG_DATA(h);
		if (p->err)
			set_bad(p, "dump ended with %d", p->err);
		return;
	}
	p->ndata++;
	if (h->nlmsg_type != family)
		why = "not a pciguard message";
	else if (h->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		why = "no genetlink header";
	else if (g->version != PCIGUARD_GENL_VERSION || g->reserved)
		why = "bad genetlink header";
	else if (g->cmd != p->s.cmd)
		why = "reply to another command";
	else if (g->cmd == PCIGUARD_CMD_DEV_GET)
		why = check_dev_msg(attrs, alen, &p->s);
	else if (g->cmd == PCIGUARD_CMD_DEV_CHECK)
		why = check_nests(attrs, alen, &p->s, &check_reply);
	else if (g->cmd == PCIGUARD_CMD_DEV_HIDE ||
		 g->cmd == PCIGUARD_CMD_DEV_ASSIGN)
		why = check_nests(attrs, alen, &p->s, &moved_reply);
	else
		why = "a reply from a command that has none";
	if ((p->s.flags & NLM_F_DUMP) == NLM_F_DUMP &&
	    !(h->nlmsg_flags & NLM_F_MULTI))
		why = "dump message without NLM_F_MULTI";
	if (why)
		set_bad(p, "data message %u: %s", p->ndata, why);
}

/*
 * Read from @fd until every pend with need set is finished, or for
 * @max_reads datagrams (0: no limit). Return: 0, or -1 when recv failed.
 */
static int pump(int fd, struct pend *p, int np, size_t bufsz, int max_reads)
{
	static unsigned char buf[RX_MAX];
	int i, more;

	for (int reads = 0; !max_reads || reads < max_reads; reads++) {
		struct nlmsghdr *h;
		ssize_t len;

		for (more = 0, i = 0; i < np; i++)
			more |= p[i].need && !p[i].fin;
		if (!more)
			return 0;
		len = recv(fd, buf, bufsz, MSG_TRUNC);
		if (len < 0) {
			for (i = 0; i < np; i++)
				if (p[i].need && !p[i].fin)
					set_bad(&p[i], "no answer: %s",
						strerror(errno));
			return -1;
		}
		if ((size_t)len > bufsz) {
			set_bad(&p[0], "datagram of %zd bytes truncated", len);
			len = bufsz;
		}
		for (h = (void *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			for (i = 0; i < np && p[i].s.seq != h->nlmsg_seq; i++)
				;
			if (i == np) {
				set_bad(&p[0], "stray message type %u seq %u",
					h->nlmsg_type, h->nlmsg_seq);
				continue;
			}
			if (p[i].fin && !p[i].bad[0])
				set_bad(&p[i], "message after the end");
			take(&p[i], h);
		}
		if (len)
			set_bad(&p[0], "%zd bytes of a partial message", len);
	}
	return 0;
}

static struct sent snap(enum cat c)
{
	struct sent s = {
		.cat = c,
		.len = hdr()->nlmsg_len,
		.send_len = m.send_len,
		.flags = hdr()->nlmsg_flags,
		.seq = hdr()->nlmsg_seq,
		.cmd = m.send_len > NLMSG_HDRLEN ? ghdr()->cmd : -1,
		.want_targets = m.want_targets,
		.want_dev = m.want_dev,
		.want = m.want,
	};
	return s;
}

/* The core drops it unread: no answer at all. */
static int dropped(const struct sent *s)
{
	return s->send_len < NLMSG_HDRLEN || s->len < NLMSG_HDRLEN ||
	       s->len > s->send_len;
}

static int is_dump(const struct sent *s)
{
	return (s->flags & NLM_F_DUMP) == NLM_F_DUMP;
}

/*
 * The allowed outcomes from the netlink core (see the top of this file),
 * each only for the request that provokes it. Return: R_* or -1.
 */
static int core_error(const struct sent *s, int err, int dump_running)
{
	if (err == -EINVAL && s->len < NLMSG_LENGTH(GENL_HDRLEN))
		return R_SHORT_GENL;
	if (err == -EOPNOTSUPP &&
	    (!has_op(s->cmd) || (is_dump(s) && s->cmd != PCIGUARD_CMD_DEV_GET)))
		return R_EOPNOTSUPP;
	if (err == -EBUSY && dump_running && is_dump(s) &&
	    s->cmd == PCIGUARD_CMD_DEV_GET)
		return R_BUSY;
	return -1;
}

/* How many data messages a success must bring. */
/* A successful do of @cmd answers with one message (else only an ack). */
static int has_reply(int cmd)
{
	return cmd == PCIGUARD_CMD_DEV_GET || cmd == PCIGUARD_CMD_DEV_CHECK ||
	       cmd == PCIGUARD_CMD_DEV_HIDE || cmd == PCIGUARD_CMD_DEV_ASSIGN;
}

static int data_ok(const struct sent *s, unsigned int n)
{
	if (!(s->flags & NLM_F_REQUEST))
		return n == 0;
	if (is_dump(s))
		return n >= nreal;
	return n == (unsigned int)has_reply(s->cmd);
}

static void hexdump(const unsigned char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		printf("%s%02x%s", i % 32 ? "" : "#   ", b[i],
		       i % 32 == 31 || i == n - 1 ? "\n" : i % 4 == 3 ? " " : "");
}

static unsigned long nfail;

/*
 * Judge @p and count it. @partial: an interrupted dump, judged on what
 * was read. @raw: the bytes sent, to print on failure (or NULL).
 */
static enum res judge(struct pend *p, int dump_running, int partial,
		      const unsigned char *raw)
{
	const struct sent *s = &p->s;
	enum res r = R_FAIL;
	int core;

	if (p->bad[0]) {
		/* nothing more to learn */
	} else if (partial) {
		r = R_ANSWER;
	} else if (!p->fin) {
		if (dropped(s) ||
		    (!(s->flags & NLM_F_REQUEST) && !(s->flags & NLM_F_ACK)) ||
		    (!(s->flags & NLM_F_ACK) && is_mutating(s->cmd) &&
		     !has_reply(s->cmd) && !is_dump(s) && !p->ndata))
			r = R_SILENT;
		else if (!(s->flags & NLM_F_ACK) && !is_dump(s) && data_ok(s, p->ndata))
			r = R_ANSWER;
		else
			set_bad(p, "no answer (%u data messages)", p->ndata);
	} else if (dropped(s)) {
		set_bad(p, "answer to a message the core drops");
	} else if (p->err) {
		core = core_error(s, p->err, dump_running);
		if (p->ndata)
			set_bad(p, "data messages and error %d", p->err);
		else if (p->has_msg && p->has_offs && p->offs >= s->len)
			set_bad(p, "error %d blames offset %u past the request (%u bytes): %s",
				p->err, p->offs, s->len, p->msg);
		else if (p->has_msg)
			r = R_EXTACK;
		else if (core >= 0)
			r = core;
		else
			set_bad(p, "error %d (%s) without an extack message",
				p->err, strerror(-p->err));
	} else if (!data_ok(s, p->ndata)) {
		set_bad(p, "success with %u data messages", p->ndata);
	} else {
		r = R_ANSWER;
		if (is_mutating(s->cmd) && (s->flags & NLM_F_REQUEST))
			changed[s->cmd]++;
	}
	count[s->cat][r]++;
	if (r == R_FAIL) {
		nfail++;
		if (nfail <= 30) {
			printf("# FAIL [%s] cmd %d flags 0x%x len %u sent %u seq %u: %s\n",
			       cat_name[s->cat], s->cmd, s->flags, s->len,
			       s->send_len, s->seq, p->bad);
			if (raw)
				hexdump(raw, s->send_len < 128 ? s->send_len : 128);
		}
	} else if (verbose) {
		printf("# [%s] cmd %d: res %d err %d %s\n", cat_name[s->cat],
		       s->cmd, r, p->err, p->msg);
	}
	return r;
}

/* DEV_GET of the host bridge, after a message that may get no answer. */
static struct sent send_probe(int fd)
{
	static unsigned int pseq = 0x80000000;
	struct {
		struct nlmsghdr n;
		struct genlmsghdr g;
		unsigned char a[4 * 8];
	} r = {
		.n = { .nlmsg_len = sizeof(r), .nlmsg_type = family,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
		       .nlmsg_seq = ++pseq },
		.g = { .cmd = PCIGUARD_CMD_DEV_GET,
		       .version = PCIGUARD_GENL_VERSION },
	};
	struct sent s = { .cat = C_VALID, .len = sizeof(r), .send_len = sizeof(r),
			  .flags = r.n.nlmsg_flags, .seq = pseq,
			  .cmd = PCIGUARD_CMD_DEV_GET, .want_targets = -1,
			  .want_dev = 1, .want = host_bridge };
	struct nlattr *a = (void *)r.a;
	int i;

	for (i = 0; i < 4; i++, a = (void *)((char *)a + 8)) {
		a->nla_type = PCIGUARD_A_DEV_DOMAIN + i;
		a->nla_len = NLA_HDRLEN + (i ? 1 : 4);
	}
	if (send(fd, &r, sizeof(r), 0) < 0) {
		perror("# send probe");
		exit(1);
	}
	nprobes++;
	return s;
}

/* Whether a message may get no ack: then a probe follows it. */
static int needs_probe(const struct sent *s)
{
	return dropped(s) || !(s->flags & NLM_F_REQUEST) ||
	       !(s->flags & NLM_F_ACK);
}

/*
 * Send m, made safe, on @fd (category @c) and judge the outcome. With
 * @dump: the pend of a dump running on @fd, read along.
 */
static enum res exchange(int fd, enum cat c, struct pend *dump, size_t bufsz)
{
	struct pend p[3];
	int np = 0, i, fuzz;
	enum res r;

	make_safe();
	memset(p, 0, sizeof(p));
	if (dump)
		p[np++] = *dump;
	fuzz = np;
	p[np].s = snap(c);
	p[np++].need = 1;
	sent[c]++;
	if (send(fd, m.b, m.send_len, 0) < 0) {
		set_bad(&p[fuzz], "send: %s", strerror(errno));
		p[fuzz].need = 0;
	} else if (needs_probe(&p[fuzz].s)) {
		p[fuzz].need = 0;
		p[np].s = send_probe(fd);
		p[np++].need = 1;
	}
	pump(fd, p, np, bufsz, 0);
	r = judge(&p[fuzz], dump != NULL && !dump->fin, 0, m.b);
	for (i = fuzz + 1; i < np; i++)
		if (p[i].bad[0] || !p[i].fin || p[i].err ||
		    !data_ok(&p[i].s, p[i].ndata)) {
			set_bad(&p[i], "probe not answered");
			nfail++;
			count[c][R_FAIL]++;
			printf("# FAIL probe after [%s]: %s\n", cat_name[c],
			       p[i].bad);
		}
	if (dump)
		*dump = p[0];
	return r;
}

/* ---------------------------------------------------------------- dumps */

/*
 * A DEV_GET dump on a socket of its own, read one page at a time: whole,
 * or interrupted after the first part by closing the socket or by another
 * request on it (a second dump, which the core refuses while the first
 * runs, or any other message; both are read to the end).
 */
static void fuzz_dump(void)
{
	static const enum cat second[] = {
		C_VALID, C_TYPE, C_LEN, C_MISSING, C_EXTRA, C_STRING, C_BDF,
		C_NEST, C_CMD, C_RANDOM,
	};
	int fd = open_sock(0), kind = rn(6);
	struct pend d;

	memset(&d, 0, sizeof(d));
	begin(PCIGUARD_CMD_DEV_GET, NLM_F_DUMP);
	if (chance(20))
		name_dev(&real[rn(nreal)]);	/* a dump ignores them */
	else if (chance(10))
		put_extra();
	finish();
	d.s = snap(C_DUMP);
	d.need = 1;
	sent[C_DUMP]++;
	if (send(fd, m.b, m.send_len, 0) < 0)
		set_bad(&d, "send: %s", strerror(errno));
	switch (kind) {
	case 0:		/* whole */
		pump(fd, &d, 1, RX_SMALL, 0);
		judge(&d, 0, 0, NULL);
		break;
	case 1:		/* one part, then close */
		pump(fd, &d, 1, RX_SMALL, 1);
		judge(&d, 0, !d.fin, NULL);
		break;
	case 2:		/* close unread */
		count[C_DUMP][R_UNREAD]++;
		break;
	case 3:		/* one part, then another dump */
	case 4:		/* one part, then another request */
		pump(fd, &d, 1, RX_SMALL, 1);
		if (kind == 3) {
			begin(PCIGUARD_CMD_DEV_GET, NLM_F_DUMP);
			finish();
		} else {
			generate(PICK(second));
		}
		/* An error echoes the request: it may not fit a page. */
		exchange(fd, C_DUMP, &d, RX_MAX);
		judge(&d, 0, 0, NULL);
		break;
	default:	/* one part, another request, close unread */
		pump(fd, &d, 1, RX_SMALL, 1);
		judge(&d, 0, 1, NULL);
		generate(PICK(second));
		make_safe();
		sent[C_DUMP]++;
		count[C_DUMP][R_UNREAD]++;
		send(fd, m.b, m.send_len, 0);
		break;
	}
	close(fd);
}

/* ----------------------------------------------------------------- main */

static int resolve_family(int fd)
{
	static unsigned char buf[8192];
	struct nlmsghdr *h = (void *)buf;
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	ssize_t len;

	family = GENL_ID_CTRL;
	begin(CTRL_CMD_GETFAMILY, 0);
	ghdr()->version = 1;
	put_plain(CTRL_ATTR_FAMILY_NAME, PCIGUARD_GENL_NAME,
		  sizeof(PCIGUARD_GENL_NAME));
	finish();
	if (send(fd, m.b, m.len, 0) < 0)
		return -1;
	len = recv(fd, buf, sizeof(buf), 0);
	if (len < (ssize_t)NLMSG_LENGTH(GENL_HDRLEN) || h->nlmsg_type != GENL_ID_CTRL ||
	    parse_attrs((char *)NLMSG_DATA(h) + GENL_HDRLEN,
			h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN), tb, CTRL_ATTR_MAX) ||
	    !tb[CTRL_ATTR_FAMILY_ID])
		return -1;
	family = *(const uint16_t *)pl(tb[CTRL_ATTR_FAMILY_ID]);
	recv(fd, buf, sizeof(buf), 0);	/* the ack */
	return 0;
}

/* Send m (not fuzz: not counted); return the error, 0 for an ack. */
static int plain_request(int fd)
{
	struct pend p;

	memset(&p, 0, sizeof(p));
	p.s = snap(C_VALID);
	p.need = 1;
	if (send(fd, m.b, m.send_len, 0) < 0)
		return -errno;
	pump(fd, &p, 1, RX_MAX, 0);
	return p.fin ? p.err : -ETIMEDOUT;
}

/* 0000:01:00.0 back to dom0, whatever the run left it in. */
static int give_back(int fd)
{
	int ret;

	begin(PCIGUARD_CMD_DEV_DETACH, 0);
	target(&nic);
	finish();
	ret = plain_request(fd);
	printf("# cleanup: detach 0000:01:00.0: %d\n", ret);
	begin(PCIGUARD_CMD_DEV_RELEASE, 0);
	target(&nic);
	put_plain(PCIGUARD_A_DEV_TO_HOST, NULL, 0);
	put_plain(PCIGUARD_A_DEV_FORCE, NULL, 0);
	finish();
	ret = plain_request(fd);
	printf("# cleanup: release 0000:01:00.0: %d\n", ret);
	return strcmp(driver_of(&nic), "virtio-pci");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(void)
{
	fprintf(stderr, "usage: nl_fuzz [--seed N] [--count N] [--verbose]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long total = 0, want = 10000, all[NRES] = { 0 };
	unsigned long long seed = (unsigned long long)time(NULL) ^
				  ((unsigned long long)getpid() << 32);
	int fd, i, r, n = 0, back;
	double t0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--count") && i + 1 < argc)
			want = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--verbose"))
			verbose = 1;
		else
			usage();
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	rng = seed;
	read_devices();
	if (!is_real(&nic)) {
		printf("1..0 # SKIP no 0000:01:00.0: not the reference topology\n");
		return 0;
	}
	fd = open_sock(1 << 20);
	if (resolve_family(fd)) {
		printf("Bail out! no pciguard family: is the module loaded?\n");
		return 1;
	}
	printf("TAP version 13\n");
	printf("# seed %llu: rerun with nl_fuzz --seed %llu --count %lu\n",
	       seed, seed, want);
	printf("1..%d\n", NCAT + 3);
	t0 = now();
	while (total < want) {
		enum cat c = rn(100) < 3 ? C_DUMP : (enum cat)rn(C_DUMP);
		double t = now();

		if (c == C_DUMP) {
			fuzz_dump();
		} else {
			generate(c);
			exchange(fd, c, NULL, RX_MAX);
		}
		secs[c] += now() - t;
		for (total = 0, i = 0; i < NCAT; i++)
			total += sent[i];
	}
	back = give_back(fd);

	for (i = 0; i < NCAT; i++) {
		unsigned long *k = count[i];

		for (r = 0; r < NRES; r++)
			all[r] += k[r];
		printf("%s %d - %s: %lu sent; %lu answers, %lu extack errors, "
		       "core: %lu eopnotsupp, %lu short genl header, %lu busy, "
		       "%lu silent; %lu unread; %lu failed (%.1f s)\n",
		       sent[i] && !k[R_FAIL] ? "ok" : "not ok", ++n, cat_name[i],
		       sent[i], k[R_ANSWER], k[R_EXTACK], k[R_EOPNOTSUPP],
		       k[R_SHORT_GENL], k[R_BUSY], k[R_SILENT], k[R_UNREAD],
		       k[R_FAIL], secs[i]);
	}
	printf("%s %d - at least %lu messages sent: %lu (%lu probes, %lu diverted to DEV_CHECK)\n",
	       total >= want ? "ok" : "not ok", ++n, want, total, nprobes,
	       diverted);
	printf("%s %d - every message got an answer, an extack error or an allowed core outcome: "
	       "%lu answers, %lu extack errors, %lu eopnotsupp, %lu short genl header, "
	       "%lu busy, %lu silent, %lu unread, %lu failed\n",
	       all[R_FAIL] ? "not ok" : "ok", ++n, all[R_ANSWER], all[R_EXTACK],
	       all[R_EOPNOTSUPP], all[R_SHORT_GENL], all[R_BUSY], all[R_SILENT],
	       all[R_UNREAD], all[R_FAIL]);
	printf("%s %d - 0000:01:00.0 given back to virtio-pci (driver: %s)\n",
	       back ? "not ok" : "ok", ++n, driver_of(&nic));
	printf("# state changes accepted: hide %lu, release %lu, assign %lu, detach %lu, violation %lu\n",
	       changed[PCIGUARD_CMD_DEV_HIDE], changed[PCIGUARD_CMD_DEV_RELEASE],
	       changed[PCIGUARD_CMD_DEV_ASSIGN], changed[PCIGUARD_CMD_DEV_DETACH],
	       changed[PCIGUARD_CMD_DEV_VIOLATION]);
	printf("# %lu messages in %.1f s\n", total, now() - t0);
	close(fd);
	return all[R_FAIL] || back || total < want;
}
