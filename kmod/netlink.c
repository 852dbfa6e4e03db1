// SPDX-License-Identifier: GPL-2.0
/*
 * The pciguard generic netlink family. The protocol is documented in
 * uapi/pciguard.h and Documentation/netlink/pciguard.yaml.
 *
 * Locking: the family runs with parallel_ops; handlers keep no state of
 * their own between calls except the dump cursor in cb->args[0] (the index
 * of the next device to send). Per-device facts are gathered under that
 * device's lock in pg_devinfo_get(); the lock order is
 * genl cb_lock (read, taken by the core) -> device_lock.
 */
#include <linux/pci.h>
#include <net/genetlink.h>

#include "bus.h"
#include "devinfo.h"
#include "netlink.h"
#include "uapi/pciguard.h"

static struct genl_family pg_genl_family;

/* Naming a device: all four attributes, each within its range. */
static const struct nla_policy pg_dev_get_policy[PCIGUARD_A_DEV_FUNCTION + 1] = {
	[PCIGUARD_A_DEV_DOMAIN] = { .type = NLA_U32 },
	[PCIGUARD_A_DEV_BUS] = { .type = NLA_U8 },
	[PCIGUARD_A_DEV_SLOT] = NLA_POLICY_MAX(NLA_U8, 31),
	[PCIGUARD_A_DEV_FUNCTION] = NLA_POLICY_MAX(NLA_U8, 7),
};

static int pg_nl_put_bdf(struct sk_buff *skb, int attr,
			 const struct pg_bdf *bdf)
{
	char buf[PG_BDF_STRLEN];

	if (pg_bdf_format(buf, sizeof(buf), bdf) < 0)
		return -EMSGSIZE;
	return nla_put_string(skb, attr, buf);
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
	return 0;
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
 * the caller drops, or an ERR_PTR with the extack message set.
 */
static struct pci_dev *pg_nl_get_pdev(struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct pci_dev *pdev;
	unsigned int devfn;

	if (GENL_REQ_ATTR_CHECK(info, PCIGUARD_A_DEV_DOMAIN) ||
	    GENL_REQ_ATTR_CHECK(info, PCIGUARD_A_DEV_BUS) ||
	    GENL_REQ_ATTR_CHECK(info, PCIGUARD_A_DEV_SLOT) ||
	    GENL_REQ_ATTR_CHECK(info, PCIGUARD_A_DEV_FUNCTION))
		return ERR_PTR(-EINVAL);

	devfn = PCI_DEVFN(nla_get_u8(attrs[PCIGUARD_A_DEV_SLOT]),
			  nla_get_u8(attrs[PCIGUARD_A_DEV_FUNCTION]));
	pdev = pci_get_domain_bus_and_slot(nla_get_u32(attrs[PCIGUARD_A_DEV_DOMAIN]),
					   nla_get_u8(attrs[PCIGUARD_A_DEV_BUS]),
					   devfn);
	if (!pdev) {
		NL_SET_ERR_MSG_MOD(info->extack, "no PCI device at this address");
		return ERR_PTR(-ENODEV);
	}
	return pdev;
}

static int pg_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct pci_dev *pdev;
	struct sk_buff *msg;
	int ret;

	pdev = pg_nl_get_pdev(info);
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

static int pg_nl_dev_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	unsigned long start = cb->args[0], idx = 0;
	struct pci_dev *pdev = NULL;

	cb->seq = pg_bus_generation();
	for_each_pci_dev(pdev) {
		if (idx < start) {
			idx++;
			continue;
		}
		if (pg_nl_fill_dev(skb, pdev, NETLINK_CB(cb->skb).portid,
				   cb->nlh->nlmsg_seq, NLM_F_MULTI, cb)) {
			pci_dev_put(pdev);
			break;
		}
		idx++;
	}
	cb->args[0] = idx;
	return skb->len;
}

static const struct genl_ops pg_genl_ops[] = {
	{
		.cmd = PCIGUARD_CMD_DEV_GET,
		.doit = pg_nl_dev_get_doit,
		.dumpit = pg_nl_dev_get_dumpit,
		.policy = pg_dev_get_policy,
		.maxattr = ARRAY_SIZE(pg_dev_get_policy) - 1,
	},
};

static struct genl_family pg_genl_family __ro_after_init = {
	.name = PCIGUARD_GENL_NAME,
	.version = PCIGUARD_GENL_VERSION,
	.module = THIS_MODULE,
	.parallel_ops = true,
	.ops = pg_genl_ops,
	.n_ops = ARRAY_SIZE(pg_genl_ops),
};

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
