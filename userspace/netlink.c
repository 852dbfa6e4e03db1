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
	struct pg_devlist *list;	/* dump: append here */
	struct pg_dev *one;		/* do: fill this */
	int got_one;
};

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

static void parse_dev(struct nlattr *attrs, int len, struct pg_dev *d)
{
	struct nlattr *a;
	int rem;

	memset(d, 0, sizeof(*d));
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
		default:
			break;
		}
	}
	pg_bdf_format(d->bdf_str, sizeof(d->bdf_str), &d->bdf);
}

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct genlmsghdr *gnlh = nlmsg_data(nlmsg_hdr(msg));
	struct pg_xfer *x = arg;
	struct pg_dev dev;

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

/* Copy the NLMSGERR_ATTR_MSG text of an error or done message, if any. */
static void copy_extack(struct nlmsghdr *nlh, size_t hdrlen, char *buf,
			size_t len)
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
		nla_strlcpy(buf, tb[NLMSGERR_ATTR_MSG], len);
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
	copy_extack(nlh, hdrlen, x->extack, sizeof(x->extack));
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
			copy_extack(nlh, NLMSG_HDRLEN + sizeof(int), x->extack,
				    sizeof(x->extack));
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
	int tries;

	/* A dump that raced with hotplug or a (un)bind is taken again. */
	for (tries = 0; tries < 5; tries++) {
		struct pg_xfer x = { .list = out };
		struct nl_msg *msg;
		int ret;

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
