// SPDX-License-Identifier: GPL-2.0
/*
 * All of pciguard's libnl-3 code: resolve the family, send requests, turn
 * replies into struct pg_dev, and turn errors (with the kernel's extended
 * ack message) into text for the admin.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "netlink.h"
#include "pciguard.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct pg_nl {
	struct nl_sock *sk;
	int family;
};

/* State of one request/reply exchange. */
struct pg_xfer {
	int done;
	int err;		/* negative errno from the kernel, or 0 */
	int dump_intr;		/* a dump raced with a topology change */
	char extack[256];	/* kernel's message, if any */
	int has_bad_off;	/* the kernel named an attribute: */
	uint32_t bad_off;	/* its offset in our request */
	struct pg_devlist *list;	/* dump: append here */
	struct pg_dev *one;		/* do: fill this */
	int got_one;
	struct pg_check_res *check;	/* DEV_CHECK: results, in order */
	size_t ncheck, maxcheck;
	const struct pg_bdf *bdfs;	/* DEV_HIDE, DEV_ASSIGN: the targets, */
	int *changed;			/* and whether the request moved each */
	size_t ntargets;
};

/*
 * Is the module loaded? Then a family that does not resolve is out of
 * sight: the family exists only in the initial network namespace.
 */
static bool module_loaded(void)
{
	char path[256], state[16] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/module/pciguard/initstate",
		 pg_sysfs());
	f = fopen(path, "re");
	if (!f)
		return false;
	if (!fgets(state, sizeof(state), f))
		state[0] = '\0';
	fclose(f);
	return !strncmp(state, "live", 4);
}

/**
 * pg_nl_other_netns() - is this process outside the initial network namespace?
 *
 * As far as the family tells: it does not resolve while the module is
 * loaded. With the module not loaded, nothing can tell; that is a no.
 *
 * Return: true when it is.
 */
bool pg_nl_other_netns(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int family = -1;

	if (!sk)
		return false;
	if (!genl_connect(sk))
		family = genl_ctrl_resolve(sk, PCIGUARD_GENL_NAME);
	nl_socket_free(sk);
	return family < 0 && module_loaded();
}

int pg_nl_open(struct pg_nl **out)
{
	struct pg_nl *nl;
	int one = 1;
	int ret;

	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		free(nl);
		return -ENOMEM;
	}
	ret = genl_connect(nl->sk);
	if (ret < 0) {
		pg_err("cannot open a generic netlink socket: %s",
		       nl_geterror(ret));
		pg_nl_close(nl);
		return -EIO;
	}
	/* Best effort: old kernels have no extended acks. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	nl_socket_set_buffer_size(nl->sk, 1 << 20, 1 << 20);

	nl->family = genl_ctrl_resolve(nl->sk, PCIGUARD_GENL_NAME);
	if (nl->family < 0 && module_loaded()) {
		pg_err("the pciguard module is loaded, but its netlink family "
		       "exists only in the initial network namespace and this "
		       "process runs in another one; run pciguard on the host "
		       "(not under 'ip netns exec', 'unshare -n' or in a "
		       "container)");
		pg_nl_close(nl);
		return -ENOENT;
	}
	if (nl->family < 0) {
		pg_err("the pciguard kernel module is not loaded; load it with "
		       "'modprobe pciguard' (or 'insmod kmod/pciguard.ko' from "
		       "a build tree)");
		pg_nl_close(nl);
		return -ENOENT;
	}
	*out = nl;
	return 0;
}

void pg_nl_close(struct pg_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}

/* A PCIGUARD_A_DEV_GRANT nest. */
static void parse_grant(struct nlattr *nest, struct pg_cfg_grant *g)
{
	struct nlattr *a;
	int rem;

	memset(g, 0, sizeof(*g));
	nla_for_each_nested(a, nest, rem) {
		switch (nla_type(a)) {
		case PCIGUARD_A_CFG_OFFSET:
			g->offset = nla_get_u16(a);
			break;
		case PCIGUARD_A_CFG_LEN:
			g->len = nla_get_u8(a);
			break;
		case PCIGUARD_A_CFG_MASK:
			g->mask = nla_get_u32(a);
			break;
		default:
			break;
		}
	}
}

/* A PCIGUARD_A_DEV_CFG_DENIAL nest. */
static void parse_denial(struct nlattr *nest, struct pg_denial *d)
{
	struct nlattr *a;
	int rem;

	memset(d, 0, sizeof(*d));
	nla_for_each_nested(a, nest, rem) {
		switch (nla_type(a)) {
		case PCIGUARD_A_CFG_OFFSET:
			d->offset = nla_get_u16(a);
			break;
		case PCIGUARD_A_CFG_LEN:
			d->len = nla_get_u8(a);
			break;
		case PCIGUARD_A_CFG_MASK:
			d->mask = nla_get_u32(a);
			break;
		case PCIGUARD_A_CFG_VALUE:
			d->value = nla_get_u32(a);
			break;
		case PCIGUARD_A_CFG_COMM:
			nla_strlcpy(d->comm, a, sizeof(d->comm));
			break;
		default:
			break;
		}
	}
}

static void parse_dev(struct nlattr *attrs, int len, struct pg_dev *d)
{
	struct nlattr *a;
	int rem;

	memset(d, 0, sizeof(*d));
	d->xen_domid = -1;
	/* Iterate rather than nla_parse: unknown attributes are skipped. */
	nla_for_each_attr(a, attrs, len, rem) {
		switch (nla_type(a)) {
		case PCIGUARD_A_DEV_DOMAIN:
			d->bdf.domain = nla_get_u32(a);
			break;
		case PCIGUARD_A_DEV_BUS:
			d->bdf.bus = nla_get_u8(a);
			break;
		case PCIGUARD_A_DEV_SLOT:
			d->bdf.slot = nla_get_u8(a);
			break;
		case PCIGUARD_A_DEV_FUNCTION:
			d->bdf.function = nla_get_u8(a);
			break;
		case PCIGUARD_A_DEV_VENDOR:
			d->vendor = nla_get_u16(a);
			break;
		case PCIGUARD_A_DEV_DEVICE:
			d->device = nla_get_u16(a);
			break;
		case PCIGUARD_A_DEV_SUBSYS_VENDOR:
			d->subsys_vendor = nla_get_u16(a);
			break;
		case PCIGUARD_A_DEV_SUBSYS_DEVICE:
			d->subsys_device = nla_get_u16(a);
			break;
		case PCIGUARD_A_DEV_CLASS:
			d->class = nla_get_u32(a);
			break;
		case PCIGUARD_A_DEV_REVISION:
			d->revision = nla_get_u8(a);
			break;
		case PCIGUARD_A_DEV_HEADER_TYPE:
			d->hdr_type = nla_get_u8(a);
			break;
		case PCIGUARD_A_DEV_MULTIFUNCTION:
			d->multifunction = true;
			break;
		case PCIGUARD_A_DEV_DRIVER:
			nla_strlcpy(d->driver, a, sizeof(d->driver));
			break;
		case PCIGUARD_A_DEV_STATE:
			d->state = nla_get_u32(a);
			break;
		case PCIGUARD_A_DEV_IOMMU_GROUP:
			d->has_iommu_group = true;
			d->iommu_group = nla_get_u32(a);
			break;
		case PCIGUARD_A_DEV_RESET_METHOD:
			if (d->nr_reset < PG_MAX_RESET)
				d->reset[d->nr_reset++] = nla_get_u32(a);
			break;
		case PCIGUARD_A_DEV_FLR_CAPABLE:
			d->flr_capable = true;
			break;
		case PCIGUARD_A_DEV_PARENT:
			nla_strlcpy(d->parent, a, sizeof(d->parent));
			break;
		case PCIGUARD_A_DEV_PATH:
			nla_strlcpy(d->path, a, sizeof(d->path));
			break;
		case PCIGUARD_A_DEV_CUSTODY:
			d->in_custody = true;
			d->custody = nla_get_u32(a);
			break;
		case PCIGUARD_A_DEV_ABSENT:
			d->absent = true;
			break;
		case PCIGUARD_A_DEV_ORIG_DRIVER:
			nla_strlcpy(d->orig_driver, a, sizeof(d->orig_driver));
			break;
		case PCIGUARD_A_DEV_SINCE:
			d->since = nla_get_u64(a);
			break;
		case PCIGUARD_A_DEV_RESET_ERRNO:
			d->has_reset = true;
			d->reset_errno = nla_get_u32(a);
			break;
		case PCIGUARD_A_DEV_RESET_MSECS:
			d->reset_msecs = nla_get_u32(a);
			break;
		case PCIGUARD_A_DEV_REFUSED:
			d->refused = nla_get_u32(a);
			break;
		case PCIGUARD_A_DEV_LAST_REFUSED:
			nla_strlcpy(d->last_refused, a, sizeof(d->last_refused));
			break;
		case PCIGUARD_A_DEV_GUEST:
			nla_strlcpy(d->guest, a, sizeof(d->guest));
			break;
		case PCIGUARD_A_DEV_BACKEND:
			d->backend = nla_get_u32(a);
			break;
		case PCIGUARD_A_DEV_PERMISSIVE:
			d->permissive = true;
			break;
		case PCIGUARD_A_DEV_NO_STRICT_RESET:
			d->no_strict_reset = true;
			break;
		case PCIGUARD_A_DEV_GRANT:
			if (d->ngrants < PCIGUARD_MAX_GRANTS)
				parse_grant(a, &d->grants[d->ngrants++]);
			break;
		case PCIGUARD_A_DEV_CFG_DENIALS:
			d->cfg_denials = nla_get_u32(a);
			break;
		case PCIGUARD_A_DEV_CFG_DENIAL:
			if (d->ndenial < PCIGUARD_CFG_LAST)
				parse_denial(a, &d->denial[d->ndenial++]);
			break;
		case PCIGUARD_A_DEV_VIOLATIONS:
			d->violations = nla_get_u32(a);
			break;
		case PCIGUARD_A_DEV_VIOLATION:
			nla_strlcpy(d->violation, a, sizeof(d->violation));
			break;
		case PCIGUARD_A_DEV_DSN:
			d->has_dsn = true;
			d->dsn = nla_get_u64(a);
			break;
		case PCIGUARD_A_DEV_XEN_DOMID:
			d->xen_domid = nla_get_u32(a);
			pg_xen_domain_name(d->xen_domid, d->xen_domain,
					   sizeof(d->xen_domain));
			break;
		default:
			break;
		}
	}
	pg_bdf_format(d->bdf_str, sizeof(d->bdf_str), &d->bdf);
}

/* One DEV_CHECK result nest. */
static void parse_result(struct nlattr *nest, struct pg_check_res *r)
{
	struct nlattr *a;
	int rem;

	memset(r, 0, sizeof(*r));
	nla_for_each_nested(a, nest, rem) {
		switch (nla_type(a)) {
		case PCIGUARD_A_DEV_BDF:
			nla_strlcpy(r->bdf, a, sizeof(r->bdf));
			break;
		case PCIGUARD_A_DEV_ALLOWED:
			r->allowed = nla_get_u8(a);
			break;
		case PCIGUARD_A_DEV_RESET_USED:
			r->reset_used = nla_get_u32(a);
			break;
		case PCIGUARD_A_DEV_PROBLEMS:
			r->problems = nla_get_u32(a);
			break;
		case PCIGUARD_A_DEV_RESET_BRIDGE:
			nla_strlcpy(r->bridge, a, sizeof(r->bridge));
			break;
		case PCIGUARD_A_DEV_RESET_HITS:
			if (r->n_hits < PG_CHECK_MAX_SET)
				nla_strlcpy(r->hits[r->n_hits++], a,
					    sizeof(r->hits[0]));
			break;
		case PCIGUARD_A_DEV_MISSING:
			if (r->n_missing < PG_CHECK_MAX_SET)
				nla_strlcpy(r->missing[r->n_missing++], a,
					    sizeof(r->missing[0]));
			break;
		default:
			break;
		}
	}
}

static void parse_check(struct nlattr *attrs, int len, struct pg_xfer *x)
{
	struct nlattr *a;
	int rem;

	nla_for_each_attr(a, attrs, len, rem)
		if (nla_type(a) == PCIGUARD_A_DEV_RESULT &&
		    x->ncheck < x->maxcheck)
			parse_result(a, &x->check[x->ncheck++]);
}

/*
 * A DEV_HIDE or DEV_ASSIGN reply: a PCIGUARD_A_DEV_TARGET nest per target,
 * with PCIGUARD_A_DEV_CHANGED when the request moved it.
 */
static void parse_changed(struct nlattr *attrs, int len, struct pg_xfer *x)
{
	struct nlattr *nest, *a;
	int rem, nrem;
	size_t i;

	nla_for_each_attr(nest, attrs, len, rem) {
		struct pg_bdf bdf = { 0 };
		int changed = 0;

		if (nla_type(nest) != PCIGUARD_A_DEV_TARGET)
			continue;
		nla_for_each_nested(a, nest, nrem) {
			switch (nla_type(a)) {
			case PCIGUARD_A_DEV_DOMAIN:
				bdf.domain = nla_get_u32(a);
				break;
			case PCIGUARD_A_DEV_BUS:
				bdf.bus = nla_get_u8(a);
				break;
			case PCIGUARD_A_DEV_SLOT:
				bdf.slot = nla_get_u8(a);
				break;
			case PCIGUARD_A_DEV_FUNCTION:
				bdf.function = nla_get_u8(a);
				break;
			case PCIGUARD_A_DEV_CHANGED:
				changed = 1;
				break;
			default:
				break;
			}
		}
		for (i = 0; i < x->ntargets; i++)
			if (!memcmp(&x->bdfs[i], &bdf, sizeof(bdf)))
				x->changed[i] = changed;
	}
}

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct genlmsghdr *gnlh = nlmsg_data(nlmsg_hdr(msg));
	struct pg_xfer *x = arg;
	struct pg_dev dev;

	if ((gnlh->cmd == PCIGUARD_CMD_DEV_HIDE ||
	     gnlh->cmd == PCIGUARD_CMD_DEV_ASSIGN) && x->changed) {
		parse_changed(genlmsg_attrdata(gnlh, 0),
			      genlmsg_attrlen(gnlh, 0), x);
		return NL_OK;
	}

	if (gnlh->cmd == PCIGUARD_CMD_DEV_CHECK && x->check) {
		parse_check(genlmsg_attrdata(gnlh, 0), genlmsg_attrlen(gnlh, 0),
			    x);
		return NL_OK;
	}
	if (gnlh->cmd != PCIGUARD_CMD_DEV_GET)
		return NL_OK;
	parse_dev(genlmsg_attrdata(gnlh, 0), genlmsg_attrlen(gnlh, 0), &dev);
	if (x->one) {
		*x->one = dev;
		x->got_one = 1;
	} else if (x->list) {
		struct pg_dev *n = realloc(x->list->dev,
					   (x->list->n + 1) * sizeof(*n));

		if (!n) {
			x->err = -ENOMEM;
			return NL_STOP;
		}
		x->list->dev = n;
		n[x->list->n++] = dev;
	}
	return NL_OK;
}

/*
 * Copy the NLMSGERR_ATTR_MSG text of an error or done message, if any, and
 * the offset of the attribute it blames.
 */
static void copy_extack(struct nlmsghdr *nlh, size_t hdrlen,
			struct pg_xfer *x)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	int alen;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || nlh->nlmsg_len <= hdrlen)
		return;
	alen = nlh->nlmsg_len - hdrlen;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlh + hdrlen), alen, NULL))
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		nla_strlcpy(x->extack, tb[NLMSGERR_ATTR_MSG],
			    sizeof(x->extack));
	if (tb[NLMSGERR_ATTR_OFFS]) {
		x->has_bad_off = 1;
		x->bad_off = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
	}
}

static int error_cb(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)err - 1;
	struct pg_xfer *x = arg;
	size_t hdrlen = NLMSG_HDRLEN + sizeof(*err);

	(void)nla;
	/* Unless capped, the error echoes the whole request before the TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		hdrlen += NLMSG_ALIGN(err->msg.nlmsg_len) - NLMSG_HDRLEN;
	x->err = err->error;
	copy_extack(nlh, hdrlen, x);
	x->done = 1;
	return NL_STOP;
}

static int finish_cb(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct pg_xfer *x = arg;

	/* A dump that failed carries the errno in its DONE message. */
	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int)) {
		int e = *(int *)nlmsg_data(nlh);

		if (e < 0) {
			x->err = e;
			copy_extack(nlh, NLMSG_HDRLEN + sizeof(int), x);
		}
	}
	x->done = 1;
	return NL_STOP;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct pg_xfer *x = arg;

	(void)msg;
	x->done = 1;
	return NL_STOP;
}

static int intr_cb(struct nl_msg *msg, void *arg)
{
	struct pg_xfer *x = arg;

	(void)msg;
	x->dump_intr = 1;
	return NL_OK;
}

/* Send @msg (consumed) and collect replies into @x until done. */
static int transfer(struct pg_nl *nl, struct nl_msg *msg, struct pg_xfer *x)
{
	struct nl_cb *cb;
	int ret;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, x);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, x);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, x);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, intr_cb, x);
	nl_cb_err(cb, NL_CB_CUSTOM, error_cb, x);

	ret = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		nl_cb_put(cb);
		pg_err("cannot send to the pciguard module: %s",
		       nl_geterror(ret));
		return -EIO;
	}
	while (!x->done) {
		ret = nl_recvmsgs(nl->sk, cb);
		if (ret < 0 && !x->done) {
			nl_cb_put(cb);
			pg_err("cannot read the pciguard module's reply: %s",
			       nl_geterror(ret));
			return -EIO;
		}
	}
	nl_cb_put(cb);
	return x->err;
}

static struct nl_msg *new_request(struct pg_nl *nl, int flags, uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, PCIGUARD_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int put_bdf(struct nl_msg *msg, const struct pg_bdf *bdf)
{
	if (nla_put_u32(msg, PCIGUARD_A_DEV_DOMAIN, bdf->domain) ||
	    nla_put_u8(msg, PCIGUARD_A_DEV_BUS, bdf->bus) ||
	    nla_put_u8(msg, PCIGUARD_A_DEV_SLOT, bdf->slot) ||
	    nla_put_u8(msg, PCIGUARD_A_DEV_FUNCTION, bdf->function))
		return -EMSGSIZE;
	return 0;
}

/* Print a kernel refusal: its extack text, else strerror. */
static void report(const char *what, const struct pg_xfer *x)
{
	if (x->extack[0])
		pg_err("%s: %s", what, x->extack);
	else
		pg_err("%s: %s", what, strerror(-x->err));
}

int pg_nl_dev_get(struct pg_nl *nl, const struct pg_bdf *bdf,
		  struct pg_dev *out)
{
	struct pg_xfer x = { .one = out };
	char name[PG_BDF_STRLEN];
	struct nl_msg *msg;
	int ret;

	pg_bdf_format(name, sizeof(name), bdf);
	msg = new_request(nl, 0, PCIGUARD_CMD_DEV_GET);
	if (!msg || put_bdf(msg, bdf)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	ret = transfer(nl, msg, &x);
	if (ret == -ENODEV) {
		pg_err("no PCI device %s", name);
		return ret;
	}
	if (ret) {
		report(name, &x);
		return ret;
	}
	if (!x.got_one) {
		pg_err("%s: the module sent no reply", name);
		return -EIO;
	}
	return 0;
}

int pg_nl_dev_dump(struct pg_nl *nl, struct pg_devlist *out)
{
	struct timespec wait = { 0, 0 };
	int tries;

	/*
	 * A dump that raced with hotplug or a (un)bind is taken again. Other
	 * commands moving devices meanwhile (each move unbinds and binds
	 * drivers) can interrupt several dumps in a row: wait before each
	 * new try, 5 ms, then twice as long each time up to 320 ms, about
	 * 4.5 s in all.
	 */
	for (tries = 0; tries < 20; tries++) {
		struct pg_xfer x = { .list = out };
		struct nl_msg *msg;
		int ret;

		if (tries) {
			wait.tv_nsec = wait.tv_nsec ?
				       wait.tv_nsec * 2 : 5 * 1000000L;
			if (wait.tv_nsec > 320 * 1000000L)
				wait.tv_nsec = 320 * 1000000L;
			nanosleep(&wait, NULL);
		}
		pg_devlist_free(out);
		msg = new_request(nl, NLM_F_DUMP, PCIGUARD_CMD_DEV_GET);
		if (!msg)
			return -ENOMEM;
		ret = transfer(nl, msg, &x);
		if (ret) {
			report("listing PCI devices", &x);
			pg_devlist_free(out);
			return ret;
		}
		if (!x.dump_intr)
			return 0;
	}
	pg_err("listing PCI devices: the device list kept changing; try again");
	pg_devlist_free(out);
	return -EAGAIN;
}

/* What DEV_ASSIGN and DEV_VIOLATION add to the targets and flags. */
struct dev_op_extra {
	const char *guest;
	uint32_t backend;			/* 0: none */
	const struct pg_cfg_grant *grants;
	unsigned int ngrants;
	const char *violation;
};

/*
 * A request on @n target devices (DEV_HIDE, _RELEASE, _CHECK, _ASSIGN,
 * _DETACH, _VIOLATION) with the PG_OP_* @flags and @e (may be NULL). On a refusal, print which device and why: the kernel
 * blames the target nest, whose offset we remember. @changed (DEV_HIDE and
 * DEV_ASSIGN, may be NULL) gets per target 1 when the request moved it, 0
 * when it did not, -1 when the module does not say (older modules).
 */
static int dev_op(struct pg_nl *nl, uint8_t cmd, const char *verb,
		  const struct pg_bdf *bdfs, size_t n, unsigned int flags,
		  const struct dev_op_extra *e, struct pg_check_res *res,
		  int *changed)
{
	static const struct dev_op_extra none;
	struct pg_xfer x = {
		.check = res, .maxcheck = res ? n : 0,
		.bdfs = bdfs, .changed = changed, .ntargets = changed ? n : 0,
	};
	char name[PG_BDF_STRLEN];
	uint32_t *offs;
	struct nl_msg *msg;
	size_t i;
	int ret;

	if (!e)
		e = &none;
	for (i = 0; changed && i < n; i++)
		changed[i] = -1;
	offs = calloc(n ? n : 1, sizeof(*offs));
	msg = new_request(nl, 0, cmd);
	if (!offs || !msg)
		goto nomem;
	for (i = 0; i < n; i++) {
		struct nlattr *nest = nla_nest_start(msg, PCIGUARD_A_DEV_TARGET);

		if (!nest || put_bdf(msg, &bdfs[i]))
			goto nomem;
		offs[i] = (uint32_t)((char *)nest - (char *)nlmsg_hdr(msg));
		nla_nest_end(msg, nest);
	}
	if (((flags & PG_OP_FORCE) && nla_put_flag(msg, PCIGUARD_A_DEV_FORCE)) ||
	    ((flags & PG_OP_TO_HOST) &&
	     nla_put_flag(msg, PCIGUARD_A_DEV_TO_HOST)) ||
	    ((flags & PG_OP_NO_STRICT_RESET) &&
	     nla_put_flag(msg, PCIGUARD_A_DEV_NO_STRICT_RESET)) ||
	    ((flags & PG_OP_PERMISSIVE) &&
	     nla_put_flag(msg, PCIGUARD_A_DEV_PERMISSIVE)) ||
	    (e->guest && nla_put_string(msg, PCIGUARD_A_DEV_GUEST, e->guest)) ||
	    (e->backend && nla_put_u32(msg, PCIGUARD_A_DEV_BACKEND, e->backend)) ||
	    (e->violation &&
	     nla_put_string(msg, PCIGUARD_A_DEV_VIOLATION, e->violation)))
		goto nomem;
	for (i = 0; i < e->ngrants; i++) {
		struct nlattr *nest = nla_nest_start(msg, PCIGUARD_A_DEV_GRANT);

		if (!nest ||
		    nla_put_u16(msg, PCIGUARD_A_CFG_OFFSET, e->grants[i].offset) ||
		    nla_put_u8(msg, PCIGUARD_A_CFG_LEN, e->grants[i].len) ||
		    nla_put_u32(msg, PCIGUARD_A_CFG_MASK, e->grants[i].mask))
			goto nomem;
		nla_nest_end(msg, nest);
	}

	ret = transfer(nl, msg, &x);
	if (!ret && res && x.ncheck != n) {
		pg_err("cannot %s: the module answered for %zu of %zu devices",
		       verb, x.ncheck, n);
		ret = -EIO;
	}
	if (!ret || ret == -EIO) {
		free(offs);
		return ret;
	}
	if (ret == -EPERM) {
		char why[320];

		/* The CLI checked first: only the module knows why. */
		snprintf(why, sizeof(why), "the module refused this process%s%s%s",
			 x.extack[0] ? " (" : "", x.extack,
			 x.extack[0] ? ")" : "");
		pg_perm_denied(verb, bdfs, n, why);
		free(offs);
		return ret;
	}
	name[0] = '\0';
	for (i = 0; x.has_bad_off && i < n; i++) {
		/* The blamed attribute is the nest or one inside it. */
		if (x.bad_off >= offs[i] &&
		    (i + 1 == n || x.bad_off < offs[i + 1]))
			pg_bdf_format(name, sizeof(name), &bdfs[i]);
	}
	if (!x.extack[0])
		snprintf(x.extack, sizeof(x.extack), "%s", strerror(-ret));
	if (name[0])
		pg_err("cannot %s %s: %s", verb, name, x.extack);
	else
		pg_err("cannot %s: %s", verb, x.extack);
	free(offs);
	return ret;
nomem:
	nlmsg_free(msg);
	free(offs);
	pg_err("out of memory");
	return -ENOMEM;
}

int pg_nl_dev_hide(struct pg_nl *nl, const struct pg_bdf *bdfs, size_t n,
		   unsigned int flags, int *changed)
{
	return dev_op(nl, PCIGUARD_CMD_DEV_HIDE, "hide", bdfs, n, flags, NULL,
		      NULL, changed);
}

int pg_nl_dev_release(struct pg_nl *nl, const struct pg_bdf *bdfs, size_t n,
		      unsigned int flags)
{
	return dev_op(nl, PCIGUARD_CMD_DEV_RELEASE, "release", bdfs, n, flags,
		      NULL, NULL, NULL);
}

int pg_nl_dev_check(struct pg_nl *nl, const struct pg_bdf *bdfs, size_t n,
		    unsigned int flags, struct pg_check_res *res)
{
	return dev_op(nl, PCIGUARD_CMD_DEV_CHECK, "check", bdfs, n, flags,
		      NULL, res, NULL);
}

int pg_nl_dev_assign(struct pg_nl *nl, const struct pg_bdf *bdfs, size_t n,
		     const char *guest, uint32_t backend, unsigned int flags,
		     const struct pg_cfg_grant *grants, unsigned int ngrants,
		     int *changed)
{
	struct dev_op_extra e = {
		.guest = guest,
		.backend = backend,
		.grants = grants,
		.ngrants = ngrants,
	};

	return dev_op(nl, PCIGUARD_CMD_DEV_ASSIGN, "assign", bdfs, n, flags,
		      &e, NULL, changed);
}

int pg_nl_dev_detach(struct pg_nl *nl, const struct pg_bdf *bdfs, size_t n)
{
	return dev_op(nl, PCIGUARD_CMD_DEV_DETACH, "detach", bdfs, n, 0, NULL,
		      NULL, NULL);
}

/* Report a backend that does not apply @bdf's config-space policy. */
int pg_nl_dev_violation(struct pg_nl *nl, const struct pg_bdf *bdf,
			const char *what)
{
	struct dev_op_extra e = { .violation = what };

	return dev_op(nl, PCIGUARD_CMD_DEV_VIOLATION, "report a violation of",
		      bdf, 1, 0, &e, NULL, NULL);
}

struct monitor_ctx {
	pg_event_fn fn;
	void *arg;
	int stop;
};

static int event_cb(struct nl_msg *msg, void *arg)
{
	struct genlmsghdr *gnlh = nlmsg_data(nlmsg_hdr(msg));
	struct monitor_ctx *m = arg;
	struct pg_event_msg ev = { 0 };
	struct nlattr *a;
	int rem;

	if (gnlh->cmd != PCIGUARD_CMD_EVENT)
		return NL_OK;
	nla_for_each_attr(a, genlmsg_attrdata(gnlh, 0),
			  genlmsg_attrlen(gnlh, 0), rem) {
		switch (nla_type(a)) {
		case PCIGUARD_A_DEV_EVENT:
			ev.type = nla_get_u32(a);
			break;
		case PCIGUARD_A_DEV_TIMESTAMP:
			ev.timestamp = nla_get_u64(a);
			break;
		case PCIGUARD_A_DEV_DOMAIN:
			ev.has_bdf = true;
			ev.bdf.domain = nla_get_u32(a);
			break;
		case PCIGUARD_A_DEV_BUS:
			ev.bdf.bus = nla_get_u8(a);
			break;
		case PCIGUARD_A_DEV_SLOT:
			ev.bdf.slot = nla_get_u8(a);
			break;
		case PCIGUARD_A_DEV_FUNCTION:
			ev.bdf.function = nla_get_u8(a);
			break;
		case PCIGUARD_A_DEV_STATE:
			ev.state = nla_get_u32(a);
			break;
		case PCIGUARD_A_DEV_REFUSED:
			ev.refused = nla_get_u32(a);
			break;
		case PCIGUARD_A_DEV_RESET_ERRNO:
			ev.has_reset = true;
			ev.reset_errno = nla_get_u32(a);
			break;
		case PCIGUARD_A_DEV_RESET_MSECS:
			ev.reset_msecs = nla_get_u32(a);
			break;
		case PCIGUARD_A_DEV_EVENT_DRIVER:
			nla_strlcpy(ev.driver, a, sizeof(ev.driver));
			break;
		case PCIGUARD_A_DEV_LOST:
			ev.lost = nla_get_u32(a);
			break;
		case PCIGUARD_A_DEV_GUEST:
			nla_strlcpy(ev.guest, a, sizeof(ev.guest));
			break;
		case PCIGUARD_A_DEV_CFG_DENIALS:
			ev.cfg_denials = nla_get_u32(a);
			break;
		case PCIGUARD_A_DEV_CFG_DENIAL:
			parse_denial(a, &ev.denial);
			break;
		case PCIGUARD_A_DEV_VIOLATIONS:
			ev.violations = nla_get_u32(a);
			break;
		case PCIGUARD_A_DEV_VIOLATION:
			nla_strlcpy(ev.violation, a, sizeof(ev.violation));
			break;
		default:
			break;
		}
	}
	if (ev.has_bdf)
		pg_bdf_format(ev.bdf_str, sizeof(ev.bdf_str), &ev.bdf);
	if (m->fn(&ev, m->arg)) {
		m->stop = 1;
		return NL_STOP;
	}
	return NL_OK;
}

static int no_seq_check(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

int pg_nl_monitor(struct pg_nl *nl, pg_event_fn fn, void *arg)
{
	struct monitor_ctx m = { .fn = fn, .arg = arg };
	struct nl_cb *cb;
	int grp, ret;

	grp = genl_ctrl_resolve_grp(nl->sk, PCIGUARD_GENL_NAME,
				    PCIGUARD_MCGRP_EVENTS);
	if (grp < 0) {
		pg_err("the pciguard module has no '%s' group; is it older "
		       "than this pciguard?", PCIGUARD_MCGRP_EVENTS);
		return -ENOENT;
	}
	ret = nl_socket_add_membership(nl->sk, grp);
	if (ret < 0) {
		pg_err("cannot listen for pciguard events: %s",
		       nl_geterror(ret));
		return -EIO;
	}
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, event_cb, &m);
	/* Events are unsolicited: no sequence numbers to check. */
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, no_seq_check, NULL);
	fprintf(stderr, "%s: listening for events (interrupt to stop)\n",
		pg_prog);
	while (!m.stop) {
		ret = nl_recvmsgs(nl->sk, cb);
		if (ret < 0 && ret != -NLE_INTR && !m.stop) {
			nl_cb_put(cb);
			pg_err("cannot read pciguard events: %s",
			       nl_geterror(ret));
			return -EIO;
		}
	}
	nl_cb_put(cb);
	return 0;
}
