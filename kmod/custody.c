// SPDX-License-Identifier: GPL-2.0
/*
 * Custody: the devices pciguard holds for guests, and pciguard's own PCI
 * driver that holds them.
 *
 * A device in custody has an entry here, keyed by its address so that it
 * survives the device being removed and rescanned. While the device is
 * present its driver_override says "pciguard": the PCI core then refuses
 * every other driver, whatever asks (drivers_probe, a driver's bind file,
 * new_id, a driver module loading, a rescan). pciguard's driver has no
 * bind or unbind files, so the only way out is pg_custody_release(). A
 * device that reappears at a custody address, or appears at an address
 * the hide= parameter names, gets the override from the bus notifier
 * before the PCI core lets any driver probe it.
 *
 * Every entry holds a reference on this module: the module cannot be
 * unloaded while it has custody of anything.
 *
 * Locking:
 *  - pg_custody_mutex serialises the operations that move devices in and
 *    out of custody (hide, release, claiming at load, reclaiming). They
 *    call into the driver core, so it nests outside device_lock. The bus
 *    notifier and the driver's probe never take it: a dom0 driver that we
 *    unbind under this mutex may add or remove PCI devices (SR-IOV VFs).
 *  - pg_custody_lock protects pg_custody_list and every field of every
 *    entry. The rebind watch takes it from a kprobe, so interrupts are off
 *    while it is held and nothing under it sleeps. Only a driver's
 *    dynids.lock and pg_event_lock nest inside it.
 */
#include <linux/device.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/netlink.h>

#include "bus.h"
#include "custody.h"
#include "devinfo.h"
#include "event.h"
#include "hide.h"
#include "netlink.h"
#include "policy.h"

#define PG_DRIVER_NAME	"pciguard"

/**
 * struct pg_custody - a device address in custody
 * @node: in pg_custody_list
 * @bdf: the address
 * @pdev: the device there, with a reference; NULL while absent
 * @state: enum pciguard_state
 * @releasing: a release or a rollback is unbinding pciguard; probe refuses
 * @gone: the device is being removed from the bus
 * @self_unbind: pciguard's own driver is being unbound (removal)
 * @reclaim: another driver (a guest backend) let go of the device; the
 *	reclaim work binds pciguard again
 * @info: the facts reported for the device
 */
struct pg_custody {
	struct list_head node;
	struct pg_bdf bdf;
	struct pci_dev *pdev;
	u32 state;
	bool releasing;
	bool gone;
	bool self_unbind;
	bool reclaim;
	struct pg_custody_info info;
};

static DEFINE_MUTEX(pg_custody_mutex);
static DEFINE_SPINLOCK(pg_custody_lock);
static LIST_HEAD(pg_custody_list);

static char *hide;
module_param(hide, charp, 0444);
MODULE_PARM_DESC(hide,
		 "Devices to take into custody, xen-pciback syntax: (0000:03:00.0)(04:00.*)(05:*.*)");

/* Parsed at load, read-only afterwards. */
static struct pg_hide_list pg_hide_rules __ro_after_init;

static struct pci_driver pg_pci_driver;

static void pg_reclaim_fn(struct work_struct *work);
static DECLARE_WORK(pg_reclaim_work, pg_reclaim_fn);

static bool pg_bdf_eq(const struct pg_bdf *a, const struct pg_bdf *b)
{
	return a->domain == b->domain && a->bus == b->bus &&
	       a->slot == b->slot && a->function == b->function;
}

/* Caller holds pg_custody_lock. */
static struct pg_custody *pg_find_pdev(struct pci_dev *pdev)
{
	struct pg_custody *c;

	list_for_each_entry(c, &pg_custody_list, node)
		if (c->pdev == pdev)
			return c;
	return NULL;
}

/* Caller holds pg_custody_lock. */
static struct pg_custody *pg_find_bdf(const struct pg_bdf *bdf)
{
	struct pg_custody *c;

	list_for_each_entry(c, &pg_custody_list, node)
		if (pg_bdf_eq(&c->bdf, bdf))
			return c;
	return NULL;
}

/*
 * A new entry for @pdev (may be NULL) at @bdf, not yet on the list, or
 * NULL when memory is short or the module is going away.
 */
static struct pg_custody *pg_custody_new(const struct pg_bdf *bdf,
					 u32 custody)
{
	struct pg_custody *c;

	if (!try_module_get(THIS_MODULE))
		return NULL;
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c) {
		module_put(THIS_MODULE);
		return NULL;
	}
	c->bdf = *bdf;
	c->state = PCIGUARD_STATE_QUARANTINED;
	c->info.custody = custody;
	c->info.since = ktime_get_real_ns();
	return c;
}

/* Free an entry that is off the list. */
static void pg_custody_free(struct pg_custody *c)
{
	pci_dev_put(c->pdev);
	kfree(c);
	module_put(THIS_MODULE);
}

static void pg_event_of(const struct pg_custody *c, u32 type,
			struct pg_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->bdf = c->bdf;
	ev->state = c->state;
	ev->refused = c->info.refused;
	ev->has_reset = c->info.has_reset;
	ev->reset_errno = c->info.reset_errno;
	ev->reset_msecs = c->info.reset_msecs;
}

/**
 * pg_custody_facts_of() - what the custody policy looks at, for @pdev
 * @pdev: the device; not locked by the caller
 * @f: filled in
 */
void pg_custody_facts_of(struct pci_dev *pdev, struct pg_custody_facts *f)
{
	f->class = pdev->class;
	f->hdr_type = pdev->hdr_type;
	f->has_subordinate = !!pdev->subordinate;
	device_lock(&pdev->dev);
	f->bound = !!pdev->dev.driver;
	device_unlock(&pdev->dev);
}

static void pg_bound_driver(struct pci_dev *pdev, char *buf, size_t len)
{
	device_lock(&pdev->dev);
	if (pdev->dev.driver)
		strscpy(buf, pdev->dev.driver->name, len);
	else
		buf[0] = '\0';
	device_unlock(&pdev->dev);
}

static int pg_pin(struct pci_dev *pdev)
{
	return driver_set_override(&pdev->dev, &pdev->driver_override,
				   PG_DRIVER_NAME, strlen(PG_DRIVER_NAME));
}

/*
 * Move @pdev, whose entry is on the list, from whatever driver it has to
 * pciguard's. Return: 0 once pciguard's driver holds it.
 */
static int pg_take(struct pci_dev *pdev)
{
	char bound[PCIGUARD_DRIVER_NAME_MAX];
	int ret;

	ret = pg_pin(pdev);
	if (ret)
		return ret;
	device_release_driver(&pdev->dev);
	ret = device_driver_attach(&pg_pci_driver.driver, &pdev->dev);
	pg_bound_driver(pdev, bound, sizeof(bound));
	if (!ret && strcmp(bound, PG_DRIVER_NAME))
		ret = -ENODEV;
	return ret;
}

/*
 * Give @c's device back to dom0: unbind pciguard, bind the recorded driver
 * (else any loaded driver that matches), clear the override and drop the
 * entry. The name of the driver bound afterwards goes to @bound.
 */
static void pg_give_back(struct pg_custody *c, char *bound, size_t len)
{
	char orig[PCIGUARD_DRIVER_NAME_MAX];
	struct pci_dev *pdev = c->pdev;
	unsigned long flags;

	spin_lock_irqsave(&pg_custody_lock, flags);
	c->releasing = true;
	strscpy(orig, c->info.orig_driver, sizeof(orig));
	spin_unlock_irqrestore(&pg_custody_lock, flags);

	/* An override naming the old driver binds it and nothing else. */
	driver_set_override(&pdev->dev, &pdev->driver_override, orig,
			    strlen(orig));
	device_release_driver(&pdev->dev);
	if (orig[0] && device_attach(&pdev->dev) < 0)
		pci_warn(pdev, "rebinding %s failed\n", orig);
	driver_set_override(&pdev->dev, &pdev->driver_override, "", 0);
	pg_bound_driver(pdev, bound, len);
	/*
	 * No recorded driver, or it would not bind: try every loaded one.
	 * Loading a module is left to user space (the CLI modprobes the
	 * device's modalias): request_module() here would run under the
	 * genetlink lock, and a module that registers a family of its own
	 * (cfg80211 for a Wi-Fi card) would wait for it forever.
	 */
	if (!bound[0]) {
		if (device_attach(&pdev->dev) < 0)
			pci_warn(pdev, "no loaded dom0 driver could bind\n");
		pg_bound_driver(pdev, bound, len);
	}

	spin_lock_irqsave(&pg_custody_lock, flags);
	list_del(&c->node);
	spin_unlock_irqrestore(&pg_custody_lock, flags);
}

/* Reset @pdev (not locked by the caller) and check it answers afterwards. */
static int pg_reset(struct pci_dev *pdev, bool locked, u32 *msecs)
{
	ktime_t start = ktime_get();
	u16 vendor;
	int ret;

	ret = locked ? pci_reset_function_locked(pdev) :
		       pci_reset_function(pdev);
	if (!ret) {
		pci_read_config_word(pdev, PCI_VENDOR_ID, &vendor);
		if (vendor == 0xffff)
			ret = -EIO;
	}
	*msecs = ktime_ms_delta(ktime_get(), start);
	return ret;
}

static int pg_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct pg_custody *c;
	struct pg_event ev;
	unsigned long flags;
	u32 msecs;
	bool ok;
	int ret;

	spin_lock_irqsave(&pg_custody_lock, flags);
	c = pg_find_pdev(pdev);
	ok = c && !c->releasing && !c->gone;
	spin_unlock_irqrestore(&pg_custody_lock, flags);
	/* new_id on pciguard's driver must not let it take dom0's devices. */
	if (!ok)
		return -ENODEV;

	/* No DMA and no interrupts from a device nobody drives. */
	pci_clear_master(pdev);
	pci_intx(pdev, 0);
	ret = pg_reset(pdev, true, &msecs);

	/* The entry cannot go away: freeing it needs our device lock. */
	spin_lock_irqsave(&pg_custody_lock, flags);
	c->state = PCIGUARD_STATE_QUARANTINED;
	c->info.has_reset = true;
	c->info.reset_errno = -ret;
	c->info.reset_msecs = msecs;
	c->reclaim = false;
	pg_event_of(c, PCIGUARD_EVENT_QUARANTINED, &ev);
	spin_unlock_irqrestore(&pg_custody_lock, flags);
	pg_event_post(&ev);

	if (ret)
		pci_info(pdev, "quarantined; reset failed (%d)\n", ret);
	else
		pci_info(pdev, "quarantined; reset in %u ms\n", msecs);
	return 0;
}

static struct pci_driver pg_pci_driver = {
	.name = PG_DRIVER_NAME,
	.probe = pg_pci_probe,
	/* pciguard never uses DMA: vfio may take the rest of the group. */
	.driver_managed_dma = true,
	/* No bind/unbind files: custody ends only through pciguard. */
	.driver.suppress_bind_attrs = true,
};

/*
 * A dynamic ID as drivers/pci/pci-driver.c lays it out; the PCI core keeps
 * the type private. The layout (list node, then the ID) is as old as new_id,
 * and the VM tests check that a new_id attempt is counted.
 */
struct pg_pci_dynid {
	struct list_head node;
	struct pci_device_id id;
};

static bool pg_id_matches(const struct pci_device_id *id,
			  const struct pci_dev *pdev)
{
	return (id->vendor == PCI_ANY_ID || id->vendor == pdev->vendor) &&
	       (id->device == PCI_ANY_ID || id->device == pdev->device) &&
	       (id->subvendor == PCI_ANY_ID ||
		id->subvendor == pdev->subsystem_vendor) &&
	       (id->subdevice == PCI_ANY_ID ||
		id->subdevice == pdev->subsystem_device) &&
	       !((id->class ^ pdev->class) & id->class_mask);
}

/*
 * Would @drv bind @pdev if custody did not pin it? Its dynamic IDs and its
 * static table, without the entries that only match through an override.
 */
static bool pg_driver_wants(struct pci_driver *drv, struct pci_dev *pdev)
{
	const struct pci_device_id *id;
	struct pg_pci_dynid *dynid;
	bool found = false;

	spin_lock(&drv->dynids.lock);
	list_for_each_entry(dynid, &drv->dynids.list, node) {
		if (pg_id_matches(&dynid->id, pdev)) {
			found = true;
			break;
		}
	}
	spin_unlock(&drv->dynids.lock);
	if (found || !drv->id_table)
		return found;

	for (id = drv->id_table; id->vendor || id->subvendor || id->class_mask;
	     id++)
		if (!id->override_only && pg_id_matches(id, pdev))
			return true;
	return false;
}

/**
 * pg_custody_match_attempt() - the PCI core is matching @drv to @pdev
 * @pdev: the device
 * @drv: the driver
 *
 * Called by the rebind watch in any context. When @pdev is in custody and
 * @drv would drive it but for the override, the attempt is refused by the
 * PCI core; count it and tell the event listeners.
 */
void pg_custody_match_attempt(struct pci_dev *pdev, struct pci_driver *drv)
{
	struct pg_custody *c;
	struct pg_event ev;
	unsigned long flags;
	bool post = false;

	if (drv == &pg_pci_driver || !pdev->match_driver)
		return;
	spin_lock_irqsave(&pg_custody_lock, flags);
	c = pg_find_pdev(pdev);
	if (c && !c->releasing && !c->gone && pg_driver_wants(drv, pdev)) {
		c->info.refused++;
		strscpy(c->info.last_refused, drv->name,
			sizeof(c->info.last_refused));
		pg_event_of(c, PCIGUARD_EVENT_REFUSED_REBIND, &ev);
		strscpy(ev.driver, drv->name, sizeof(ev.driver));
		post = true;
	}
	spin_unlock_irqrestore(&pg_custody_lock, flags);
	if (post)
		pg_event_post(&ev);
}

/**
 * pg_custody_dev_added() - a PCI device was added to the bus
 * @pdev: the device; no driver can probe it yet
 *
 * Pin it to pciguard when its address is in custody (it was removed and
 * has come back) or matches hide=, so that no dom0 driver ever sees it.
 */
void pg_custody_dev_added(struct pci_dev *pdev)
{
	struct pg_custody *c, *new = NULL;
	struct pg_custody_facts facts;
	enum pg_custody_verdict v;
	unsigned long flags;
	struct pg_bdf bdf;
	bool pin = false;

	pg_bdf_of(pdev, &bdf);
	if (pg_hide_match(&pg_hide_rules, &bdf) >= 0) {
		pg_custody_facts_of(pdev, &facts);
		v = pg_custody_check(&facts, false);
		if (v == PG_CUSTODY_OK)
			new = pg_custody_new(&bdf, PCIGUARD_CUSTODY_BOOT);
		else
			pci_warn(pdev, "named by hide= but not taken: %s\n",
				 pg_custody_verdict_msg(v));
	}

	spin_lock_irqsave(&pg_custody_lock, flags);
	c = pg_find_bdf(&bdf);
	if (c && !c->pdev) {
		c->pdev = pci_dev_get(pdev);
		pin = true;
	} else if (!c && new) {
		new->pdev = pci_dev_get(pdev);
		list_add_tail(&new->node, &pg_custody_list);
		new = NULL;
		pin = true;
	}
	spin_unlock_irqrestore(&pg_custody_lock, flags);
	if (new)
		pg_custody_free(new);

	if (pin && pg_pin(pdev))
		pci_err(pdev, "cannot set driver_override; a dom0 driver may bind it\n");
}

/**
 * pg_custody_dev_deleting() - a PCI device is about to leave the bus
 * @pdev: the device
 */
void pg_custody_dev_deleting(struct pci_dev *pdev)
{
	struct pg_custody *c;
	struct pg_event ev;
	unsigned long flags;
	bool post = false;

	spin_lock_irqsave(&pg_custody_lock, flags);
	c = pg_find_pdev(pdev);
	if (c) {
		c->gone = true;
		pg_event_of(c, PCIGUARD_EVENT_REMOVED, &ev);
		post = true;
	}
	spin_unlock_irqrestore(&pg_custody_lock, flags);
	if (post) {
		pg_event_post(&ev);
		pci_info(pdev, "removed; custody kept for its address\n");
	}
}

/**
 * pg_custody_dev_removed() - a PCI device has left the bus
 * @pdev: the device; its driver is unbound
 */
void pg_custody_dev_removed(struct pci_dev *pdev)
{
	struct pg_custody *c;
	unsigned long flags;
	bool put = false;

	spin_lock_irqsave(&pg_custody_lock, flags);
	c = pg_find_pdev(pdev);
	if (c) {
		c->pdev = NULL;
		c->gone = false;
		c->reclaim = false;
		put = true;
	}
	spin_unlock_irqrestore(&pg_custody_lock, flags);
	if (put)
		pci_dev_put(pdev);
}

/**
 * pg_custody_dev_unbinding() - a driver is about to let go of a device
 * @pdev: the device; the caller holds its device lock
 */
void pg_custody_dev_unbinding(struct pci_dev *pdev)
{
	struct pg_custody *c;
	unsigned long flags;

	spin_lock_irqsave(&pg_custody_lock, flags);
	c = pg_find_pdev(pdev);
	if (c)
		c->self_unbind = pdev->dev.driver == &pg_pci_driver.driver;
	spin_unlock_irqrestore(&pg_custody_lock, flags);
}

/**
 * pg_custody_dev_unbound() - a driver let go of a PCI device
 * @pdev: the device; the caller holds its device lock
 *
 * A device in custody that another driver (a guest backend) let go of, by
 * whatever path, goes back to quarantine, never to a dom0 driver.
 * pciguard's own driver lets go only for a release or a rollback (which
 * say so) or when the device is being removed (pciguard has no unbind
 * file): then there is nothing to reclaim.
 */
void pg_custody_dev_unbound(struct pci_dev *pdev)
{
	struct pg_custody *c;
	unsigned long flags;
	const char *old;
	bool reclaim = false;
	char *pin;

	spin_lock_irqsave(&pg_custody_lock, flags);
	c = pg_find_pdev(pdev);
	if (c && !c->releasing && !c->gone && !c->self_unbind) {
		c->reclaim = true;
		reclaim = true;
	}
	if (c)
		c->self_unbind = false;
	spin_unlock_irqrestore(&pg_custody_lock, flags);
	if (!reclaim)
		return;

	/* Re-pin in case someone wrote driver_override meanwhile. */
	pin = kstrdup(PG_DRIVER_NAME, GFP_KERNEL);
	if (pin) {
		old = pdev->driver_override;
		pdev->driver_override = pin;
		kfree(old);
	}
	schedule_work(&pg_reclaim_work);
}

static void pg_reclaim_fn(struct work_struct *work)
{
	struct pci_dev *pdev;
	struct pg_custody *c;
	unsigned long flags;

	mutex_lock(&pg_custody_mutex);
	for (;;) {
		pdev = NULL;
		spin_lock_irqsave(&pg_custody_lock, flags);
		list_for_each_entry(c, &pg_custody_list, node) {
			if (c->reclaim && c->pdev) {
				c->reclaim = false;
				pdev = pci_dev_get(c->pdev);
				break;
			}
		}
		spin_unlock_irqrestore(&pg_custody_lock, flags);
		if (!pdev)
			break;
		if (device_attach(&pdev->dev) <= 0)
			pci_warn(pdev, "in custody but pciguard could not bind it\n");
		pci_dev_put(pdev);
	}
	mutex_unlock(&pg_custody_mutex);
}

static void pg_fill_locked(const struct pg_custody *c, struct pg_devinfo *info)
{
	info->in_custody = true;
	info->state = c->state;
	info->cust = c->info;
}

static void pg_fill_absent_locked(const struct pg_custody *c,
				  struct pg_devinfo *info)
{
	memset(info, 0, sizeof(*info));
	info->bdf = c->bdf;
	info->absent = true;
	info->iommu_group = -1;
	pg_fill_locked(c, info);
}

/**
 * pg_custody_fill() - add the custody facts of @pdev to @info
 * @pdev: the device
 * @info: filled by pg_devinfo_get() otherwise
 */
void pg_custody_fill(struct pci_dev *pdev, struct pg_devinfo *info)
{
	struct pg_custody *c;
	unsigned long flags;

	spin_lock_irqsave(&pg_custody_lock, flags);
	c = pg_find_pdev(pdev);
	if (c)
		pg_fill_locked(c, info);
	spin_unlock_irqrestore(&pg_custody_lock, flags);
}

/**
 * pg_custody_absent() - the @idx-th custody entry whose device is absent
 * @idx: 0 for the first
 * @info: filled in: address, state and custody facts
 *
 * Return: 0, or -ENOENT past the last one.
 */
int pg_custody_absent(unsigned long idx, struct pg_devinfo *info)
{
	struct pg_custody *c;
	unsigned long flags;
	int ret = -ENOENT;

	spin_lock_irqsave(&pg_custody_lock, flags);
	list_for_each_entry(c, &pg_custody_list, node) {
		if (c->pdev || idx--)
			continue;
		pg_fill_absent_locked(c, info);
		ret = 0;
		break;
	}
	spin_unlock_irqrestore(&pg_custody_lock, flags);
	return ret;
}

/**
 * pg_custody_absent_get() - the custody entry at @bdf, if its device is absent
 * @bdf: the address
 * @info: filled in as by pg_custody_absent()
 *
 * Return: 0, or -ENOENT when there is no such entry.
 */
int pg_custody_absent_get(const struct pg_bdf *bdf, struct pg_devinfo *info)
{
	struct pg_custody *c;
	unsigned long flags;
	int ret = -ENOENT;

	spin_lock_irqsave(&pg_custody_lock, flags);
	c = pg_find_bdf(bdf);
	if (c && !c->pdev) {
		pg_fill_absent_locked(c, info);
		ret = 0;
	}
	spin_unlock_irqrestore(&pg_custody_lock, flags);
	return ret;
}

/**
 * pg_custody_hide() - take devices into custody, all or none
 * @t: the devices, all present, no duplicates
 * @n: how many
 * @force: take storage and display devices dom0 drives
 * @extack: for the reason of a refusal
 *
 * Return: 0, or a negative errno with @extack naming the device and the
 * reason; then no device changed hands.
 */
int pg_custody_hide(struct pg_target *t, unsigned int n, bool force,
		    struct netlink_ext_ack *extack)
{
	struct pg_custody **new;
	struct pg_custody_facts facts;
	const char *orig;
	enum pg_custody_verdict v;
	unsigned long flags;
	unsigned int i, done;
	int ret = 0;

	new = kcalloc(n, sizeof(*new), GFP_KERNEL);
	if (!new)
		return -ENOMEM;

	mutex_lock(&pg_custody_mutex);
	for (i = 0; i < n; i++) {
		bool held;

		spin_lock_irqsave(&pg_custody_lock, flags);
		held = !!pg_find_pdev(t[i].pdev);
		spin_unlock_irqrestore(&pg_custody_lock, flags);
		if (held)
			continue;	/* already ours: nothing to do */

		pg_custody_facts_of(t[i].pdev, &facts);
		v = pg_custody_check(&facts, force);
		if (v != PG_CUSTODY_OK) {
			pg_nl_set_err(extack, t[i].attr, pg_custody_verdict_msg(v));
			ret = pg_custody_verdict_errno(v);
			goto out;
		}
		new[i] = pg_custody_new(&t[i].bdf, PCIGUARD_CUSTODY_RUNTIME);
		if (!new[i]) {
			ret = -ENOMEM;
			goto out;
		}
		new[i]->pdev = pci_dev_get(t[i].pdev);
		pg_bound_driver(t[i].pdev, new[i]->info.orig_driver,
				sizeof(new[i]->info.orig_driver));
	}

	for (done = 0; done < n; done++) {
		if (!new[done])
			continue;
		spin_lock_irqsave(&pg_custody_lock, flags);
		list_add_tail(&new[done]->node, &pg_custody_list);
		spin_unlock_irqrestore(&pg_custody_lock, flags);
		ret = pg_take(t[done].pdev);
		if (ret) {
			NL_SET_ERR_MSG_ATTR(extack, t[done].attr,
					    "pciguard's driver could not take the device; nothing was changed");
			break;
		}
		orig = new[done]->info.orig_driver;
		pci_info(t[done].pdev, "taken into custody from %s\n",
			 orig[0] ? orig : "no driver");
	}
	if (ret) {
		/* Roll back, the failed one included, in reverse order. */
		char bound[PCIGUARD_DRIVER_NAME_MAX];

		for (i = done + 1; i-- > 0;) {
			struct pg_event ev;

			if (!new[i])
				continue;
			pg_give_back(new[i], bound, sizeof(bound));
			new[i]->state = PCIGUARD_STATE_HOST;
			pg_event_of(new[i], PCIGUARD_EVENT_RELEASED, &ev);
			strscpy(ev.driver, bound, sizeof(ev.driver));
			pg_event_post(&ev);
			pci_info(t[i].pdev, "hide rolled back; back with %s\n",
				 bound[0] ? bound : "no driver");
			pg_custody_free(new[i]);
			new[i] = NULL;
		}
		goto out;
	}
	memset(new, 0, n * sizeof(*new));
out:
	for (i = 0; i < n; i++)
		if (new[i])
			pg_custody_free(new[i]);
	mutex_unlock(&pg_custody_mutex);
	kfree(new);
	return ret;
}

/**
 * pg_custody_release() - give devices back to dom0, all or none
 * @t: the devices; @t->pdev is NULL for an absent one
 * @n: how many
 * @force: release even when the reset fails
 * @extack: for the reason of a refusal
 *
 * Return: 0, or a negative errno with @extack set; then nothing changed.
 */
int pg_custody_release(struct pg_target *t, unsigned int n, bool force,
		       struct netlink_ext_ack *extack)
{
	char bound[PCIGUARD_DRIVER_NAME_MAX];
	struct pg_custody **c;
	struct pg_event ev;
	unsigned long flags;
	u32 *reset_ms;
	int *reset_ret;
	unsigned int i;
	int ret = 0;

	c = kcalloc(n, sizeof(*c), GFP_KERNEL);
	reset_ms = kcalloc(n, sizeof(*reset_ms), GFP_KERNEL);
	reset_ret = kcalloc(n, sizeof(*reset_ret), GFP_KERNEL);
	if (!c || !reset_ms || !reset_ret) {
		ret = -ENOMEM;
		goto out_free;
	}

	mutex_lock(&pg_custody_mutex);
	for (i = 0; i < n; i++) {
		spin_lock_irqsave(&pg_custody_lock, flags);
		c[i] = t[i].pdev ? pg_find_pdev(t[i].pdev) :
				   pg_find_bdf(&t[i].bdf);
		if (c[i] && !t[i].pdev && c[i]->pdev)
			c[i] = NULL;
		spin_unlock_irqrestore(&pg_custody_lock, flags);
		if (!c[i]) {
			NL_SET_ERR_MSG_ATTR(extack, t[i].attr,
					    "device is not in pciguard's custody");
			ret = -EINVAL;
			goto out;
		}
	}

	/* Reset them all before letting any go: all or nothing. */
	for (i = 0; i < n; i++) {
		if (!t[i].pdev)
			continue;
		reset_ret[i] = pg_reset(t[i].pdev, false, &reset_ms[i]);
		if (reset_ret[i] && !force) {
			NL_SET_ERR_MSG_ATTR(extack, t[i].attr,
					    "the device could not be reset, so what a guest left in it would reach dom0: use force to release it anyway");
			ret = reset_ret[i];
			goto out;
		}
	}

	for (i = 0; i < n; i++) {
		if (t[i].pdev) {
			pg_give_back(c[i], bound, sizeof(bound));
		} else {
			bound[0] = '\0';
			spin_lock_irqsave(&pg_custody_lock, flags);
			list_del(&c[i]->node);
			spin_unlock_irqrestore(&pg_custody_lock, flags);
			pg_bus_changed();	/* dumps list absent entries */
		}
		c[i]->state = PCIGUARD_STATE_HOST;
		pg_event_of(c[i], PCIGUARD_EVENT_RELEASED, &ev);
		ev.has_reset = !!t[i].pdev;
		ev.reset_errno = -reset_ret[i];
		ev.reset_msecs = reset_ms[i];
		strscpy(ev.driver, bound, sizeof(ev.driver));
		pg_event_post(&ev);
		pr_notice("%04x:%02x:%02x.%x released to dom0%s%s%s\n",
			  t[i].bdf.domain, t[i].bdf.bus, t[i].bdf.slot,
			  t[i].bdf.function, bound[0] ? ", bound to " : "",
			  bound, reset_ret[i] ? " without a working reset" : "");
		pg_custody_free(c[i]);
	}
out:
	mutex_unlock(&pg_custody_mutex);
out_free:
	kfree(reset_ret);
	kfree(reset_ms);
	kfree(c);
	return ret;
}

/**
 * pg_custody_init() - parse hide= and register pciguard's PCI driver
 *
 * Return: 0 or a negative errno; -EINVAL for a malformed hide=.
 */
int __init pg_custody_init(void)
{
	char err[PG_HIDE_ERR_MAX];

	if (pg_hide_parse(hide, &pg_hide_rules, err, sizeof(err))) {
		pr_err("hide=: %s\n", err);
		return -EINVAL;
	}
	return pci_register_driver(&pg_pci_driver);
}

/**
 * pg_custody_claim_hidden() - take the present devices hide= names
 *
 * Called once the bus notifier is in place, so that devices added from
 * now on are pinned by it.
 */
void __init pg_custody_claim_hidden(void)
{
	struct pg_custody_facts facts;
	struct pci_dev *pdev = NULL;
	struct pg_custody *c;
	enum pg_custody_verdict v;
	unsigned long flags;
	struct pg_bdf bdf;
	bool held;

	if (!pg_hide_rules.n)
		return;
	mutex_lock(&pg_custody_mutex);
	for_each_pci_dev(pdev) {
		pg_bdf_of(pdev, &bdf);
		if (pg_hide_match(&pg_hide_rules, &bdf) < 0)
			continue;
		spin_lock_irqsave(&pg_custody_lock, flags);
		held = !!pg_find_bdf(&bdf);
		spin_unlock_irqrestore(&pg_custody_lock, flags);
		if (held)
			continue;
		pg_custody_facts_of(pdev, &facts);
		v = pg_custody_check(&facts, false);
		if (v != PG_CUSTODY_OK) {
			pci_warn(pdev, "named by hide= but not taken: %s\n",
				 pg_custody_verdict_msg(v));
			continue;
		}
		c = pg_custody_new(&bdf, PCIGUARD_CUSTODY_BOOT);
		if (!c)
			continue;
		c->pdev = pci_dev_get(pdev);
		pg_bound_driver(pdev, c->info.orig_driver,
				sizeof(c->info.orig_driver));
		spin_lock_irqsave(&pg_custody_lock, flags);
		list_add_tail(&c->node, &pg_custody_list);
		spin_unlock_irqrestore(&pg_custody_lock, flags);
		if (pg_take(pdev))
			pci_err(pdev, "named by hide= but pciguard could not bind it; it stays pinned\n");
	}
	mutex_unlock(&pg_custody_mutex);
}

/**
 * pg_custody_exit() - unregister the driver
 *
 * Runs only when nothing is in custody: every entry holds a module
 * reference.
 */
void pg_custody_exit(void)
{
	pci_unregister_driver(&pg_pci_driver);
	cancel_work_sync(&pg_reclaim_work);
}
