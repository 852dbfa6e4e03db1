// SPDX-License-Identifier: GPL-2.0
/*
 * The pciguard generic netlink family. The protocol is documented in
 * uapi/pciguard.h and Documentation/netlink/pciguard.yaml.
 *
 * Locking: the family runs with parallel_ops; handlers keep no state of
 * their own between calls except the dump cursor: cb->args[0] is the index
 * of the next PCI device, cb->args[2] says the devices are done and
 * cb->args[1] is then the index of the next absent custody entry. Device
 * facts are gathered under that device's lock in pg_devinfo_get(); DEV_HIDE
 * and DEV_RELEASE take the custody mutex. The lock order is genl cb_lock
 * (read, taken by the core) -> pg_custody_mutex -> device_lock. Nothing
 * here may load a module: see pg_give_back().
 */
#include <linux/capability.h>
#include <linux/netlink.h>
#include <linux/pci.h>
#include <net/genetlink.h>

#include "bus.h"
#include "cfgspace.h"
#include "check.h"
#include "custody.h"
#include "devinfo.h"
#include "event.h"
#include "netlink.h"
#include "policy.h"
#include "uapi/pciguard.h"

static struct genl_family pg_genl_family;

/* Naming a device: all four attributes, each within its range. */
static const struct nla_policy pg_dev_get_policy[PCIGUARD_A_DEV_FUNCTION + 1] = {
	[PCIGUARD_A_DEV_DOMAIN] = { .type = NLA_U32 },
	[PCIGUARD_A_DEV_BUS] = { .type = NLA_U8 },
	[PCIGUARD_A_DEV_SLOT] = NLA_POLICY_MAX(NLA_U8, 31),
	[PCIGUARD_A_DEV_FUNCTION] = NLA_POLICY_MAX(NLA_U8, 7),
};

/* DEV_HIDE and DEV_RELEASE: target nests, each naming one device. */
static const struct nla_policy pg_dev_op_policy[PCIGUARD_A_DEV_TO_HOST + 1] = {
	[PCIGUARD_A_DEV_TARGET] = NLA_POLICY_NESTED(pg_dev_get_policy),
	[PCIGUARD_A_DEV_FORCE] = { .type = NLA_FLAG },
	[PCIGUARD_A_DEV_TO_HOST] = { .type = NLA_FLAG },
};

/* DEV_CHECK: target nests and the admin's acceptance of a weak reset. */
static const struct nla_policy pg_dev_check_policy[PCIGUARD_A_DEV_NO_STRICT_RESET + 1] = {
	[PCIGUARD_A_DEV_TARGET] = NLA_POLICY_NESTED(pg_dev_get_policy),
	[PCIGUARD_A_DEV_NO_STRICT_RESET] = { .type = NLA_FLAG },
};

/* A config-space register: PCIGUARD_A_DEV_GRANT. */
static const struct nla_policy pg_cfg_policy[PCIGUARD_A_CFG_MASK + 1] = {
	[PCIGUARD_A_CFG_OFFSET] = NLA_POLICY_MAX(NLA_U16,
						 PG_CFG_SPACE_EXP_SIZE - 1),
	[PCIGUARD_A_CFG_LEN] = NLA_POLICY_RANGE(NLA_U8, 1, 4),
	[PCIGUARD_A_CFG_MASK] = { .type = NLA_U32 },
};

/* DEV_ASSIGN: targets, the guest, the backend and the admin's options. */
static const struct nla_policy pg_dev_assign_policy[PCIGUARD_A_DEV_GRANT + 1] = {
	[PCIGUARD_A_DEV_TARGET] = NLA_POLICY_NESTED(pg_dev_get_policy),
	[PCIGUARD_A_DEV_FORCE] = { .type = NLA_FLAG },
	[PCIGUARD_A_DEV_NO_STRICT_RESET] = { .type = NLA_FLAG },
	[PCIGUARD_A_DEV_GUEST] = { .type = NLA_NUL_STRING,
				   .len = PCIGUARD_GUEST_NAME_MAX - 1 },
	[PCIGUARD_A_DEV_BACKEND] = NLA_POLICY_MAX(NLA_U32,
						  __PCIGUARD_BACKEND_MAX - 1),
	[PCIGUARD_A_DEV_PERMISSIVE] = { .type = NLA_FLAG },
	[PCIGUARD_A_DEV_GRANT] = NLA_POLICY_NESTED(pg_cfg_policy),
};

/* DEV_DETACH: targets only. */
static const struct nla_policy pg_dev_detach_policy[PCIGUARD_A_DEV_TARGET + 1] = {
	[PCIGUARD_A_DEV_TARGET] = NLA_POLICY_NESTED(pg_dev_get_policy),
};

/* DEV_VIOLATION: one target and the finding. */
static const struct nla_policy pg_dev_violation_policy[PCIGUARD_A_DEV_VIOLATION + 1] = {
	[PCIGUARD_A_DEV_TARGET] = NLA_POLICY_NESTED(pg_dev_get_policy),
	[PCIGUARD_A_DEV_VIOLATION] = { .type = NLA_NUL_STRING,
				       .len = PCIGUARD_VIOLATION_MAX - 1 },
};

static const struct genl_multicast_group pg_mcgrps[] = {
	{ .name = PCIGUARD_MCGRP_EVENTS },
};

static int pg_nl_put_bdf(struct sk_buff *skb, int attr,
			 const struct pg_bdf *bdf)
{
	char buf[PG_BDF_STRLEN];

	if (pg_bdf_format(buf, sizeof(buf), bdf) < 0)
		return -EMSGSIZE;
	return nla_put_string(skb, attr, buf);
}

static int pg_nl_put_grant(struct sk_buff *skb, const struct pg_cfg_grant *g)
{
	struct nlattr *nest = nla_nest_start(skb, PCIGUARD_A_DEV_GRANT);

	if (!nest || nla_put_u16(skb, PCIGUARD_A_CFG_OFFSET, g->offset) ||
	    nla_put_u8(skb, PCIGUARD_A_CFG_LEN, g->len) ||
	    nla_put_u32(skb, PCIGUARD_A_CFG_MASK, g->mask))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int pg_nl_put_denial(struct sk_buff *skb, const struct pg_cfg_denial *d)
{
	struct nlattr *nest = nla_nest_start(skb, PCIGUARD_A_DEV_CFG_DENIAL);

	if (!nest || nla_put_u16(skb, PCIGUARD_A_CFG_OFFSET, d->offset) ||
	    nla_put_u8(skb, PCIGUARD_A_CFG_LEN, d->len) ||
	    nla_put_u32(skb, PCIGUARD_A_CFG_MASK, d->mask) ||
	    nla_put_u32(skb, PCIGUARD_A_CFG_VALUE, d->value) ||
	    nla_put_string(skb, PCIGUARD_A_CFG_COMM, d->comm))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* Refused config writes and backend violations of a device in custody. */
static int pg_nl_put_audit(struct sk_buff *skb, const struct pg_devinfo *d)
{
	unsigned int i;

	if (nla_put_u32(skb, PCIGUARD_A_DEV_CFG_DENIALS, d->cust.cfg_denials))
		return -EMSGSIZE;
	for (i = 0; i < d->cust.ndenial; i++)
		if (pg_nl_put_denial(skb, &d->cust.denial[i]))
			return -EMSGSIZE;
	if (d->cust.violations &&
	    (nla_put_u32(skb, PCIGUARD_A_DEV_VIOLATIONS, d->cust.violations) ||
	     nla_put_string(skb, PCIGUARD_A_DEV_VIOLATION, d->cust.violation)))
		return -EMSGSIZE;
	return 0;
}

/* The custody attributes of a device pciguard holds. */
static int pg_nl_put_custody(struct sk_buff *skb, const struct pg_devinfo *d)
{
	unsigned int i;

	if (nla_put_u32(skb, PCIGUARD_A_DEV_CUSTODY, d->cust.custody) ||
	    nla_put_u64_64bit(skb, PCIGUARD_A_DEV_SINCE, d->cust.since,
			      PCIGUARD_A_DEV_PAD) ||
	    nla_put_u32(skb, PCIGUARD_A_DEV_REFUSED, d->cust.refused))
		return -EMSGSIZE;
	if (d->cust.orig_driver[0] &&
	    nla_put_string(skb, PCIGUARD_A_DEV_ORIG_DRIVER, d->cust.orig_driver))
		return -EMSGSIZE;
	if (d->cust.has_reset &&
	    (nla_put_u32(skb, PCIGUARD_A_DEV_RESET_ERRNO, d->cust.reset_errno) ||
	     nla_put_u32(skb, PCIGUARD_A_DEV_RESET_MSECS, d->cust.reset_msecs)))
		return -EMSGSIZE;
	if (d->cust.last_refused[0] &&
	    nla_put_string(skb, PCIGUARD_A_DEV_LAST_REFUSED, d->cust.last_refused))
		return -EMSGSIZE;
	if (pg_nl_put_audit(skb, d))
		return -EMSGSIZE;
	if (d->state != PCIGUARD_STATE_ASSIGNED)
		return 0;
	for (i = 0; i < d->cust.ngrants; i++)
		if (pg_nl_put_grant(skb, &d->cust.grants[i]))
			return -EMSGSIZE;
	if (nla_put_string(skb, PCIGUARD_A_DEV_GUEST, d->cust.guest) ||
	    nla_put_u32(skb, PCIGUARD_A_DEV_BACKEND, d->cust.backend))
		return -EMSGSIZE;
	if (d->cust.permissive && nla_put_flag(skb, PCIGUARD_A_DEV_PERMISSIVE))
		return -EMSGSIZE;
	if (d->cust.no_strict_reset &&
	    nla_put_flag(skb, PCIGUARD_A_DEV_NO_STRICT_RESET))
		return -EMSGSIZE;
	return 0;
}

static int pg_nl_put_devinfo(struct sk_buff *skb, const struct pg_devinfo *d)
{
	unsigned int i;

	if (nla_put_u32(skb, PCIGUARD_A_DEV_DOMAIN, d->bdf.domain) ||
	    nla_put_u8(skb, PCIGUARD_A_DEV_BUS, d->bdf.bus) ||
	    nla_put_u8(skb, PCIGUARD_A_DEV_SLOT, d->bdf.slot) ||
	    nla_put_u8(skb, PCIGUARD_A_DEV_FUNCTION, d->bdf.function) ||
	    pg_nl_put_bdf(skb, PCIGUARD_A_DEV_BDF, &d->bdf) ||
	    nla_put_u16(skb, PCIGUARD_A_DEV_VENDOR, d->vendor) ||
	    nla_put_u16(skb, PCIGUARD_A_DEV_DEVICE, d->device) ||
	    nla_put_u16(skb, PCIGUARD_A_DEV_SUBSYS_VENDOR, d->subsys_vendor) ||
	    nla_put_u16(skb, PCIGUARD_A_DEV_SUBSYS_DEVICE, d->subsys_device) ||
	    nla_put_u32(skb, PCIGUARD_A_DEV_CLASS, d->class) ||
	    nla_put_u8(skb, PCIGUARD_A_DEV_REVISION, d->revision) ||
	    nla_put_u8(skb, PCIGUARD_A_DEV_HEADER_TYPE, d->hdr_type) ||
	    nla_put_u32(skb, PCIGUARD_A_DEV_STATE, d->state))
		return -EMSGSIZE;
	if (d->multifunction &&
	    nla_put_flag(skb, PCIGUARD_A_DEV_MULTIFUNCTION))
		return -EMSGSIZE;
	if (d->driver[0] &&
	    nla_put_string(skb, PCIGUARD_A_DEV_DRIVER, d->driver))
		return -EMSGSIZE;
	if (d->iommu_group >= 0 &&
	    nla_put_u32(skb, PCIGUARD_A_DEV_IOMMU_GROUP, d->iommu_group))
		return -EMSGSIZE;
	for (i = 0; i < d->nr_reset_methods; i++)
		if (nla_put_u32(skb, PCIGUARD_A_DEV_RESET_METHOD,
				d->reset_methods[i]))
			return -EMSGSIZE;
	if (d->flr_capable && nla_put_flag(skb, PCIGUARD_A_DEV_FLR_CAPABLE))
		return -EMSGSIZE;
	if (d->has_parent &&
	    pg_nl_put_bdf(skb, PCIGUARD_A_DEV_PARENT, &d->parent))
		return -EMSGSIZE;
	if (d->path[0] && nla_put_string(skb, PCIGUARD_A_DEV_PATH, d->path))
		return -EMSGSIZE;
	if (d->xen_domid >= 0 &&
	    nla_put_u32(skb, PCIGUARD_A_DEV_XEN_DOMID, d->xen_domid))
		return -EMSGSIZE;
	if (d->has_dsn &&
	    nla_put_u64_64bit(skb, PCIGUARD_A_DEV_DSN, d->dsn,
			      PCIGUARD_A_DEV_PAD))
		return -EMSGSIZE;
	return d->in_custody ? pg_nl_put_custody(skb, d) : 0;
}

/* An absent custody entry: address, state and the custody facts. */
static int pg_nl_put_absent(struct sk_buff *skb, const struct pg_devinfo *d)
{
	if (nla_put_u32(skb, PCIGUARD_A_DEV_DOMAIN, d->bdf.domain) ||
	    nla_put_u8(skb, PCIGUARD_A_DEV_BUS, d->bdf.bus) ||
	    nla_put_u8(skb, PCIGUARD_A_DEV_SLOT, d->bdf.slot) ||
	    nla_put_u8(skb, PCIGUARD_A_DEV_FUNCTION, d->bdf.function) ||
	    pg_nl_put_bdf(skb, PCIGUARD_A_DEV_BDF, &d->bdf) ||
	    nla_put_u32(skb, PCIGUARD_A_DEV_STATE, d->state) ||
	    nla_put_flag(skb, PCIGUARD_A_DEV_ABSENT))
		return -EMSGSIZE;
	return pg_nl_put_custody(skb, d);
}

/*
 * One PCIGUARD_CMD_DEV_GET message for @pdev. With @cb (a dump), the message
 * is flagged NLM_F_DUMP_INTR when the topology changed since the last part.
 */
static int pg_nl_fill_dev(struct sk_buff *skb, struct pci_dev *pdev,
			  u32 portid, u32 seq, int flags,
			  struct netlink_callback *cb)
{
	struct pg_devinfo info;
	void *hdr;

	/* Per message, before the facts: see pg_nl_dev_get_dumpit(). */
	if (cb)
		cb->seq = pg_bus_generation();
	pg_devinfo_get(pdev, &info);
	hdr = genlmsg_put(skb, portid, seq, &pg_genl_family, flags,
			  PCIGUARD_CMD_DEV_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (pg_nl_put_devinfo(skb, &info)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * The device named by the request's address attributes, with a reference
 * the caller drops; ERR_PTR(-ENODEV) (no extack yet) when there is none,
 * another ERR_PTR with the extack set for a malformed request.
 */
static struct pci_dev *pg_nl_get_pdev(struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct pci_dev *pdev;
	unsigned int devfn;

	if (GENL_REQ_ATTR_CHECK(info, PCIGUARD_A_DEV_DOMAIN) ||
	    GENL_REQ_ATTR_CHECK(info, PCIGUARD_A_DEV_BUS) ||
	    GENL_REQ_ATTR_CHECK(info, PCIGUARD_A_DEV_SLOT) ||
	    GENL_REQ_ATTR_CHECK(info, PCIGUARD_A_DEV_FUNCTION)) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "name the device with domain, bus, slot and function");
		return ERR_PTR(-EINVAL);
	}

	devfn = PCI_DEVFN(nla_get_u8(attrs[PCIGUARD_A_DEV_SLOT]),
			  nla_get_u8(attrs[PCIGUARD_A_DEV_FUNCTION]));
	pdev = pci_get_domain_bus_and_slot(nla_get_u32(attrs[PCIGUARD_A_DEV_DOMAIN]),
					   nla_get_u8(attrs[PCIGUARD_A_DEV_BUS]),
					   devfn);
	return pdev ?: ERR_PTR(-ENODEV);
}

/* DEV_GET of an address pciguard keeps custody of while it is absent. */
static int pg_nl_dev_get_absent(struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct pg_devinfo dinfo;
	struct sk_buff *msg;
	struct pg_bdf bdf;
	void *hdr;

	bdf.domain = nla_get_u32(attrs[PCIGUARD_A_DEV_DOMAIN]);
	bdf.bus = nla_get_u8(attrs[PCIGUARD_A_DEV_BUS]);
	bdf.slot = nla_get_u8(attrs[PCIGUARD_A_DEV_SLOT]);
	bdf.function = nla_get_u8(attrs[PCIGUARD_A_DEV_FUNCTION]);
	if (pg_custody_absent_get(&bdf, &dinfo))
		return -ENODEV;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, info->snd_portid, info->snd_seq,
			  &pg_genl_family, 0, PCIGUARD_CMD_DEV_GET);
	if (!hdr || pg_nl_put_absent(msg, &dinfo)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int pg_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct pci_dev *pdev;
	struct sk_buff *msg;
	int ret;

	pdev = pg_nl_get_pdev(info);
	if (PTR_ERR_OR_ZERO(pdev) == -ENODEV) {
		/* Custody of an absent device still answers. */
		if (!pg_nl_dev_get_absent(info))
			return 0;
		NL_SET_ERR_MSG_MOD(info->extack, "no PCI device at this address");
	}
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		ret = -ENOMEM;
		goto out_put;
	}
	ret = pg_nl_fill_dev(msg, pdev, info->snd_portid, info->snd_seq, 0,
			     NULL);
	if (ret) {
		nlmsg_free(msg);
		goto out_put;
	}
	ret = genlmsg_reply(msg, info);
out_put:
	pci_dev_put(pdev);
	return ret;
}

/* Is a device at @bdf on the PCI bus list? */
static bool pg_nl_on_bus(const struct pg_bdf *bdf)
{
	struct pci_dev *pdev;

	bool found;

	pdev = pci_get_domain_bus_and_slot(bdf->domain, bdf->bus,
					   PCI_DEVFN(bdf->slot, bdf->function));
	found = pdev;
	pci_dev_put(pdev);
	return found;
}

/* Absent custody entries, after the devices: cursor in cb->args[1]. */
static int pg_nl_dump_absent(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct pg_devinfo info;
	void *hdr;

	for (;;) {
		cb->seq = pg_bus_generation();
		if (pg_custody_absent(cb->args[1], &info))
			break;
		/*
		 * The driver core lists a new device on the bus before the
		 * bus notifier gives custody its pci_dev: in between, the
		 * device part of this dump may have reported it already.
		 */
		if (pg_nl_on_bus(&info.bdf)) {
			cb->args[1]++;
			continue;
		}
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &pg_genl_family,
				  NLM_F_MULTI, PCIGUARD_CMD_DEV_GET);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (pg_nl_put_absent(skb, &info)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[1]++;
	}
	return skb->len;
}

/*
 * The generation is sampled before each message, so that a change
 * between two messages, in one call or across calls, marks the next one
 * NLM_F_DUMP_INTR: a device can leave the bus after the device part
 * reported it and before the absent part does.
 */
static int pg_nl_dev_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	unsigned long start = cb->args[0], idx = 0;
	struct pci_dev *pdev = NULL;
	bool full = false;

	cb->seq = pg_bus_generation();
	if (cb->args[2])
		return pg_nl_dump_absent(skb, cb);
	for_each_pci_dev(pdev) {
		if (idx < start) {
			idx++;
			continue;
		}
		if (pg_nl_fill_dev(skb, pdev, NETLINK_CB(cb->skb).portid,
				   cb->nlh->nlmsg_seq, NLM_F_MULTI, cb)) {
			pci_dev_put(pdev);
			full = true;
			break;
		}
		idx++;
	}
	cb->args[0] = idx;
	if (full)
		return skb->len;
	cb->args[2] = 1;	/* devices done; absent entries next */
	return pg_nl_dump_absent(skb, cb);
}

/*
 * The targets of a DEV_HIDE or DEV_RELEASE request, each present device
 * with a reference, duplicates dropped. With @absent_ok an address with
 * no device is kept (pdev NULL) for the custody code to judge.
 * Return: how many, or a negative errno with the extack set.
 */
static int pg_nl_targets(struct genl_info *info, struct pg_target *t,
			 bool absent_ok)
{
	struct nlattr *tb[PCIGUARD_A_DEV_FUNCTION + 1];
	unsigned int n = 0, i, devfn;
	const struct nlattr *a;
	int rem, ret;

	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		struct pg_bdf bdf;
		bool dup = false;

		if (nla_type(a) != PCIGUARD_A_DEV_TARGET)
			continue;
		ret = nla_parse_nested(tb, PCIGUARD_A_DEV_FUNCTION, a,
				       pg_dev_get_policy, info->extack);
		if (ret)
			goto err;
		if (!tb[PCIGUARD_A_DEV_DOMAIN] || !tb[PCIGUARD_A_DEV_BUS] ||
		    !tb[PCIGUARD_A_DEV_SLOT] || !tb[PCIGUARD_A_DEV_FUNCTION]) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "a target needs domain, bus, slot and function");
			ret = -EINVAL;
			goto err;
		}
		bdf.domain = nla_get_u32(tb[PCIGUARD_A_DEV_DOMAIN]);
		bdf.bus = nla_get_u8(tb[PCIGUARD_A_DEV_BUS]);
		bdf.slot = nla_get_u8(tb[PCIGUARD_A_DEV_SLOT]);
		bdf.function = nla_get_u8(tb[PCIGUARD_A_DEV_FUNCTION]);
		for (i = 0; i < n; i++)
			if (!memcmp(&t[i].bdf, &bdf, sizeof(bdf)))
				dup = true;
		if (dup)
			continue;
		if (n == PCIGUARD_MAX_TARGETS) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "too many targets in one request");
			ret = -E2BIG;
			goto err;
		}
		t[n].bdf = bdf;
		t[n].attr = a;
		devfn = PCI_DEVFN(bdf.slot, bdf.function);
		t[n].pdev = pci_get_domain_bus_and_slot(bdf.domain, bdf.bus,
							devfn);
		if (!t[n].pdev && !absent_ok) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "no PCI device at this address");
			ret = -ENODEV;
			goto err;
		}
		n++;
	}
	if (!n) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "name at least one device (PCIGUARD_A_DEV_TARGET)");
		return -EINVAL;
	}
	return n;
err:
	for (i = 0; i < n; i++)
		pci_dev_put(t[i].pdev);
	return ret;
}

/*
 * The reply to a DEV_HIDE or DEV_ASSIGN that succeeded: per target, in
 * request order, its address and whether this request changed it. The
 * devices have moved already, so a reply that cannot be sent does not
 * fail the request: the tool then falls back on what it saw before.
 */
static void pg_nl_reply_targets(struct genl_info *info,
				const struct pg_target *t, unsigned int n)
{
	struct sk_buff *msg;
	struct nlattr *nest;
	unsigned int i;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put_reply(msg, info, &pg_genl_family, 0,
				info->genlhdr->cmd);
	if (!hdr)
		goto err;
	for (i = 0; i < n; i++) {
		nest = nla_nest_start(msg, PCIGUARD_A_DEV_TARGET);
		if (!nest ||
		    nla_put_u32(msg, PCIGUARD_A_DEV_DOMAIN, t[i].bdf.domain) ||
		    nla_put_u8(msg, PCIGUARD_A_DEV_BUS, t[i].bdf.bus) ||
		    nla_put_u8(msg, PCIGUARD_A_DEV_SLOT, t[i].bdf.slot) ||
		    nla_put_u8(msg, PCIGUARD_A_DEV_FUNCTION, t[i].bdf.function) ||
		    (t[i].changed && nla_put_flag(msg, PCIGUARD_A_DEV_CHANGED)))
			goto err;
		nla_nest_end(msg, nest);
	}
	genlmsg_end(msg, hdr);
	genlmsg_reply(msg, info);
	return;
err:
	nlmsg_free(msg);
}

/*
 * A request that acts on target devices: parse the targets (absent ones
 * too with @absent_ok), run @op on them, drop the references. With
 * @reply, a success is answered with pg_nl_reply_targets().
 */
static int pg_nl_dev_op(struct genl_info *info, bool absent_ok, bool reply,
			int (*op)(struct genl_info *info, struct pg_target *t,
				  unsigned int n))
{
	struct pg_target *t;
	int n, i, ret;

	t = kcalloc(PCIGUARD_MAX_TARGETS, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	n = pg_nl_targets(info, t, absent_ok);
	if (n < 0) {
		kfree(t);
		return n;
	}
	ret = op(info, t, n);
	if (!ret && reply)
		pg_nl_reply_targets(info, t, n);
	for (i = 0; i < n; i++)
		pci_dev_put(t[i].pdev);
	kfree(t);
	return ret;
}

static int pg_nl_hide(struct genl_info *info, struct pg_target *t,
		      unsigned int n)
{
	return pg_custody_hide(t, n, nla_get_flag(info->attrs[PCIGUARD_A_DEV_FORCE]),
			       info->extack);
}

static int pg_nl_dev_hide_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pg_nl_dev_op(info, false, true, pg_nl_hide);
}

static int pg_nl_release(struct genl_info *info, struct pg_target *t,
			 unsigned int n)
{
	return pg_custody_release(t, n,
				  nla_get_flag(info->attrs[PCIGUARD_A_DEV_FORCE]),
				  info->extack);
}

static int pg_nl_dev_release_doit(struct sk_buff *skb, struct genl_info *info)
{
	if (!nla_get_flag(info->attrs[PCIGUARD_A_DEV_TO_HOST])) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "releasing returns the device to dom0's drivers: say so with PCIGUARD_A_DEV_TO_HOST");
		return -EINVAL;
	}
	return pg_nl_dev_op(info, true, false, pg_nl_release);
}

/*
 * The request's PCIGUARD_A_DEV_GRANT nests into @g, sorted by offset, the
 * same register named twice once with both masks. Whether each fits a
 * device is for the custody code to judge.
 * Return: how many, or a negative errno with the extack set.
 */
static int pg_nl_grants(struct genl_info *info, struct pg_cfg_grant *g)
{
	struct nlattr *tb[PCIGUARD_A_CFG_MASK + 1];
	enum pg_cfg_grant_err err;
	unsigned int n = 0, i, j;
	const struct nlattr *a;
	struct pg_cfg_grant x;
	int rem, ret;

	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(a) != PCIGUARD_A_DEV_GRANT)
			continue;
		ret = nla_parse_nested(tb, PCIGUARD_A_CFG_MASK, a,
				       pg_cfg_policy, info->extack);
		if (ret)
			return ret;
		if (!tb[PCIGUARD_A_CFG_OFFSET] || !tb[PCIGUARD_A_CFG_LEN]) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "a grant needs an offset and a length");
			return -EINVAL;
		}
		x.offset = nla_get_u16(tb[PCIGUARD_A_CFG_OFFSET]);
		x.len = nla_get_u8(tb[PCIGUARD_A_CFG_LEN]);
		x.mask = tb[PCIGUARD_A_CFG_MASK] ?
			 nla_get_u32(tb[PCIGUARD_A_CFG_MASK]) :
			 ~0U >> (32 - 8 * x.len);
		err = pg_cfg_grant_check(&x, PG_CFG_SPACE_EXP_SIZE);
		if (err) {
			pg_nl_set_err(info->extack, a, pg_cfg_grant_errstr(err));
			return -EINVAL;
		}
		for (i = 0; i < n; i++)
			if (g[i].offset == x.offset && g[i].len == x.len)
				break;
		if (i < n) {
			g[i].mask |= x.mask;
			continue;
		}
		if (n == PCIGUARD_MAX_GRANTS) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "too many grants for one device: use permissive");
			return -E2BIG;
		}
		for (j = n++; j > 0 && g[j - 1].offset > x.offset; j--)
			g[j] = g[j - 1];
		g[j] = x;
	}
	return n;
}

static int pg_nl_assign(struct genl_info *info, struct pg_target *t,
			unsigned int n)
{
	struct pg_cfg_grant grants[PCIGUARD_MAX_GRANTS];
	struct nlattr **attrs = info->attrs;
	int ngrants = pg_nl_grants(info, grants);
	struct pg_assign a = {
		.guest = nla_data(attrs[PCIGUARD_A_DEV_GUEST]),
		.backend = attrs[PCIGUARD_A_DEV_BACKEND] ?
			   nla_get_u32(attrs[PCIGUARD_A_DEV_BACKEND]) :
			   PCIGUARD_BACKEND_UNSPEC,
		.force = nla_get_flag(attrs[PCIGUARD_A_DEV_FORCE]),
		.no_strict_reset = nla_get_flag(attrs[PCIGUARD_A_DEV_NO_STRICT_RESET]),
		.permissive = nla_get_flag(attrs[PCIGUARD_A_DEV_PERMISSIVE]),
		.grants = grants,
	};

	if (ngrants < 0)
		return ngrants;
	a.ngrants = ngrants;
	return pg_custody_assign(t, n, &a, info->extack);
}

static int pg_nl_dev_assign_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *guest = info->attrs[PCIGUARD_A_DEV_GUEST];

	if (GENL_REQ_ATTR_CHECK(info, PCIGUARD_A_DEV_GUEST)) {
		NL_SET_ERR_MSG(info->extack,
			       "name the guest the devices go to (PCIGUARD_A_DEV_GUEST)");
		return -EINVAL;
	}
	if (!pg_guest_name_valid(nla_data(guest))) {
		NL_SET_ERR_MSG_ATTR(info->extack, guest,
				    "invalid guest name: use 1 to 63 of A-Z a-z 0-9 _ . -, starting with a letter or digit");
		return -EINVAL;
	}
	return pg_nl_dev_op(info, false, true, pg_nl_assign);
}

static int pg_nl_detach(struct genl_info *info, struct pg_target *t,
			unsigned int n)
{
	return pg_custody_detach(t, n, info->extack);
}

static int pg_nl_dev_detach_doit(struct sk_buff *skb, struct genl_info *info)
{
	return pg_nl_dev_op(info, false, false, pg_nl_detach);
}

static int pg_nl_violation(struct genl_info *info, struct pg_target *t,
			   unsigned int n)
{
	if (n != 1) {
		NL_SET_ERR_MSG_MOD(info->extack, "report one device at a time");
		return -EINVAL;
	}
	return pg_custody_violation(t[0].pdev,
				    nla_data(info->attrs[PCIGUARD_A_DEV_VIOLATION]),
				    info->extack);
}

/* Printable ASCII: the finding goes to the kernel log and to events. */
static bool pg_nl_printable(const unsigned char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}

static int pg_nl_dev_violation_doit(struct sk_buff *skb,
				    struct genl_info *info)
{
	struct nlattr *what = info->attrs[PCIGUARD_A_DEV_VIOLATION];

	if (GENL_REQ_ATTR_CHECK(info, PCIGUARD_A_DEV_VIOLATION)) {
		NL_SET_ERR_MSG(info->extack,
			       "say what the backend does not apply (PCIGUARD_A_DEV_VIOLATION)");
		return -EINVAL;
	}
	if (!pg_nl_printable(nla_data(what))) {
		NL_SET_ERR_MSG_ATTR(info->extack, what,
				    "the finding must be printable ASCII: it goes to the kernel log");
		return -EINVAL;
	}
	return pg_nl_dev_op(info, false, false, pg_nl_violation);
}

static int pg_nl_put_result(struct sk_buff *skb, const struct pg_target *t,
			    const struct pg_check_result *r)
{
	struct nlattr *nest;
	unsigned int k;

	nest = nla_nest_start(skb, PCIGUARD_A_DEV_RESULT);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, PCIGUARD_A_DEV_DOMAIN, t->bdf.domain) ||
	    nla_put_u8(skb, PCIGUARD_A_DEV_BUS, t->bdf.bus) ||
	    nla_put_u8(skb, PCIGUARD_A_DEV_SLOT, t->bdf.slot) ||
	    nla_put_u8(skb, PCIGUARD_A_DEV_FUNCTION, t->bdf.function) ||
	    pg_nl_put_bdf(skb, PCIGUARD_A_DEV_BDF, &t->bdf) ||
	    nla_put_u8(skb, PCIGUARD_A_DEV_ALLOWED, r->v.ok) ||
	    nla_put_u32(skb, PCIGUARD_A_DEV_RESET_USED, r->v.reset) ||
	    nla_put_u32(skb, PCIGUARD_A_DEV_PROBLEMS, r->v.problems))
		return -EMSGSIZE;
	if (r->has_bridge &&
	    pg_nl_put_bdf(skb, PCIGUARD_A_DEV_RESET_BRIDGE, &r->bridge))
		return -EMSGSIZE;
	for (k = 0; k < r->v.n_hits; k++)
		if (pg_nl_put_bdf(skb, PCIGUARD_A_DEV_RESET_HITS, &r->hits[k]))
			return -EMSGSIZE;
	for (k = 0; k < r->v.n_missing; k++)
		if (pg_nl_put_bdf(skb, PCIGUARD_A_DEV_MISSING, &r->missing[k]))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int pg_nl_dev_check_doit(struct sk_buff *skb, struct genl_info *info)
{
	bool no_strict = nla_get_flag(info->attrs[PCIGUARD_A_DEV_NO_STRICT_RESET]);
	struct pg_check_result *res = NULL;
	struct pg_target *t;
	struct sk_buff *msg;
	int n, i, ret;
	void *hdr;

	t = kcalloc(PCIGUARD_MAX_TARGETS, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	n = pg_nl_targets(info, t, false);
	if (n < 0) {
		kfree(t);
		return n;
	}
	res = kvcalloc(n, sizeof(*res), GFP_KERNEL);
	ret = res ? pg_check(t, n, no_strict, res, info->extack) : -ENOMEM;
	if (ret)
		goto out;

	/* Each result: a few attributes and up to 2 * 32 addresses. */
	msg = genlmsg_new(n * (256 + 2 * PG_GATE_MAX_SET * 24), GFP_KERNEL);
	if (!msg) {
		ret = -ENOMEM;
		goto out;
	}
	hdr = genlmsg_put(msg, info->snd_portid, info->snd_seq,
			  &pg_genl_family, 0, PCIGUARD_CMD_DEV_CHECK);
	ret = hdr ? 0 : -EMSGSIZE;
	for (i = 0; !ret && i < n; i++)
		ret = pg_nl_put_result(msg, &t[i], &res[i]);
	if (ret) {
		nlmsg_free(msg);
		goto out;
	}
	genlmsg_end(msg, hdr);
	ret = genlmsg_reply(msg, info);
out:
	for (i = 0; i < n; i++)
		pci_dev_put(t[i].pdev);
	kvfree(res);
	kfree(t);
	return ret;
}

/*
 * Every request that changes custody carries GENL_ADMIN_PERM, for which
 * the core wants CAP_NET_ADMIN; it must also have CAP_SYS_ADMIN, the
 * capability the PCI core guards raw device access with (config space
 * past the header, resource files): handing a device to a guest is more.
 * Both count only in the initial user namespace (netlink_capable()), and
 * the family is not netnsok, so requests from another network namespace
 * never get here (-ENOENT). Only the core's own CAP_NET_ADMIN refusal
 * comes without an extack message: it runs before this.
 */
static int pg_nl_pre_doit(const struct genl_ops *ops, struct sk_buff *skb,
			  struct genl_info *info)
{
	if ((ops->flags & GENL_ADMIN_PERM) &&
	    !netlink_capable(skb, CAP_SYS_ADMIN)) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "changing device custody needs CAP_SYS_ADMIN in the initial user namespace");
		return -EPERM;
	}
	return 0;
}

static const struct genl_ops pg_genl_ops[] = {
	{
		.cmd = PCIGUARD_CMD_DEV_GET,
		.doit = pg_nl_dev_get_doit,
		.dumpit = pg_nl_dev_get_dumpit,
		.policy = pg_dev_get_policy,
		.maxattr = ARRAY_SIZE(pg_dev_get_policy) - 1,
	},
	{
		.cmd = PCIGUARD_CMD_DEV_HIDE,
		.doit = pg_nl_dev_hide_doit,
		.policy = pg_dev_op_policy,
		.maxattr = ARRAY_SIZE(pg_dev_op_policy) - 1,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = PCIGUARD_CMD_DEV_RELEASE,
		.doit = pg_nl_dev_release_doit,
		.policy = pg_dev_op_policy,
		.maxattr = ARRAY_SIZE(pg_dev_op_policy) - 1,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = PCIGUARD_CMD_DEV_CHECK,
		.doit = pg_nl_dev_check_doit,
		.policy = pg_dev_check_policy,
		.maxattr = ARRAY_SIZE(pg_dev_check_policy) - 1,
	},
	{
		.cmd = PCIGUARD_CMD_DEV_ASSIGN,
		.doit = pg_nl_dev_assign_doit,
		.policy = pg_dev_assign_policy,
		.maxattr = ARRAY_SIZE(pg_dev_assign_policy) - 1,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = PCIGUARD_CMD_DEV_DETACH,
		.doit = pg_nl_dev_detach_doit,
		.policy = pg_dev_detach_policy,
		.maxattr = ARRAY_SIZE(pg_dev_detach_policy) - 1,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = PCIGUARD_CMD_DEV_VIOLATION,
		.doit = pg_nl_dev_violation_doit,
		.policy = pg_dev_violation_policy,
		.maxattr = ARRAY_SIZE(pg_dev_violation_policy) - 1,
		.flags = GENL_ADMIN_PERM,
	},
};

static struct genl_family pg_genl_family __ro_after_init = {
	.name = PCIGUARD_GENL_NAME,
	.version = PCIGUARD_GENL_VERSION,
	.module = THIS_MODULE,
	.parallel_ops = true,
	/* .netnsok stays false: PCI devices belong to the host, not a netns. */
	.pre_doit = pg_nl_pre_doit,
	.ops = pg_genl_ops,
	.n_ops = ARRAY_SIZE(pg_genl_ops),
	.mcgrps = pg_mcgrps,
	.n_mcgrps = ARRAY_SIZE(pg_mcgrps),
};

/**
 * pg_netlink_send_event() - send one event to the multicast group
 * @ev: the event
 *
 * Process context (the event work). Nothing is built without listeners.
 */
void pg_netlink_send_event(const struct pg_event *ev)
{
	struct sk_buff *skb;
	void *hdr;

	if (!genl_has_listeners(&pg_genl_family, &init_net, 0))
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &pg_genl_family, 0, PCIGUARD_CMD_EVENT);
	if (!hdr)
		goto err;
	if (nla_put_u32(skb, PCIGUARD_A_DEV_EVENT, ev->type) ||
	    nla_put_u64_64bit(skb, PCIGUARD_A_DEV_TIMESTAMP, ev->timestamp,
			      PCIGUARD_A_DEV_PAD))
		goto err;
	if (ev->type == PCIGUARD_EVENT_LOST) {
		if (nla_put_u32(skb, PCIGUARD_A_DEV_LOST, ev->lost))
			goto err;
		goto send;
	}
	if (nla_put_u32(skb, PCIGUARD_A_DEV_DOMAIN, ev->bdf.domain) ||
	    nla_put_u8(skb, PCIGUARD_A_DEV_BUS, ev->bdf.bus) ||
	    nla_put_u8(skb, PCIGUARD_A_DEV_SLOT, ev->bdf.slot) ||
	    nla_put_u8(skb, PCIGUARD_A_DEV_FUNCTION, ev->bdf.function) ||
	    pg_nl_put_bdf(skb, PCIGUARD_A_DEV_BDF, &ev->bdf) ||
	    nla_put_u32(skb, PCIGUARD_A_DEV_STATE, ev->state) ||
	    nla_put_u32(skb, PCIGUARD_A_DEV_REFUSED, ev->refused))
		goto err;
	if (ev->driver[0] &&
	    nla_put_string(skb, PCIGUARD_A_DEV_EVENT_DRIVER, ev->driver))
		goto err;
	if (ev->guest[0] && nla_put_string(skb, PCIGUARD_A_DEV_GUEST, ev->guest))
		goto err;
	if (ev->has_reset &&
	    (nla_put_u32(skb, PCIGUARD_A_DEV_RESET_ERRNO, ev->reset_errno) ||
	     nla_put_u32(skb, PCIGUARD_A_DEV_RESET_MSECS, ev->reset_msecs)))
		goto err;
	if (ev->type == PCIGUARD_EVENT_CFG_DENIED &&
	    (nla_put_u32(skb, PCIGUARD_A_DEV_CFG_DENIALS, ev->cfg_denials) ||
	     pg_nl_put_denial(skb, &ev->denial)))
		goto err;
	if (ev->type == PCIGUARD_EVENT_VIOLATION &&
	    (nla_put_u32(skb, PCIGUARD_A_DEV_VIOLATIONS, ev->violations) ||
	     nla_put_string(skb, PCIGUARD_A_DEV_VIOLATION, ev->violation)))
		goto err;
send:
	genlmsg_end(skb, hdr);
	genlmsg_multicast(&pg_genl_family, skb, 0, 0, GFP_KERNEL);
	return;
err:
	nlmsg_free(skb);
}

/**
 * pg_netlink_init() - register the pciguard generic netlink family
 *
 * Return: 0 or a negative errno.
 */
int __init pg_netlink_init(void)
{
	return genl_register_family(&pg_genl_family);
}

/**
 * pg_netlink_exit() - unregister the family
 */
void pg_netlink_exit(void)
{
	genl_unregister_family(&pg_genl_family);
}
