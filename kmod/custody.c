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
 * bind or unbind files, so the only ways out are pg_custody_release() (to
 * dom0) and pg_custody_assign() (to a guest backend, through the same
 * override). A device a backend lets go of comes back to pciguard. A
 * device that reappears at a custody address, or appears at an address
 * the hide= parameter names, gets the override from the bus notifier
 * before the PCI core lets any driver probe it.
 *
 * Every entry holds a reference on this module: the module cannot be
 * unloaded while it has custody of anything.
 *
 * Locking:
 *  - pg_custody_mutex serialises the operations that move devices in and
 *    out of custody (hide, release, assign, detach, claiming at load,
 *    reclaiming). They call into the driver core, so it nests outside
 *    device_lock. The bus notifier and the driver's probe never take it: a
 *    dom0 driver that we unbind under this mutex may add or remove PCI
 *    devices (SR-IOV VFs).
 *  - An operation on several devices does their slow part (unbind, probe,
 *    reset) for independent devices at once, in work items on
 *    system_unbound_wq (pg_par_run()). The thread that holds
 *    pg_custody_mutex waits for them with flush_work() and keeps the mutex
 *    throughout, so the work items act under its protection; they never
 *    take the mutex themselves, nor wait for anything that does (the
 *    reclaim work is only scheduled), and the waiting thread holds no
 *    device lock, so the wait cannot deadlock. Nor do they take the genl
 *    cb_lock that a netlink request's thread holds for reading. A work
 *    item touches only the devices of its domain (their device locks, as
 *    the driver and PCI cores take them), their entries under
 *    pg_custody_lock, and its own slots of the operation's arrays.
 *  - pg_custody_lock protects pg_custody_list and every field of every
 *    entry. The rebind watch takes it from a kprobe, so interrupts are off
 *    while it is held and nothing under it sleeps. The config-write
 *    guard's lookup takes no lock (its kprobe may run as NMI): the list is
 *    changed with the _rcu list operations, entries are freed after a
 *    grace period, and @pdev is written with WRITE_ONCE(), so an RCU
 *    reader may compare it (pg_custody_cfg_guarded()). Only a driver's
 *    dynids.lock and pg_event_lock nest inside it.
 *    The bus notifier sets and clears an entry's @pdev under it alone,
 *    without the mutex, when a device comes and goes: a device can leave
 *    the bus at any point of an operation. So an operation under the mutex
 *    reads @pdev only under this lock, and works on the devices it holds
 *    references on (its targets), never on a @pdev read earlier.
 *    An entry's write policy (@cfg) is never changed in place: a new one
 *    is built outside the lock, swapped in under it, and the old one freed
 *    after.
 */
#include <linux/device.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/netlink.h>

#include "bus.h"
#include "cfgspace.h"
#include "check.h"
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
 * @pdev: the device there, with a reference; NULL while absent. Set and
 *	cleared by the bus notifier (see Locking)
 * @state: enum pciguard_state
 * @releasing: a release or a rollback is unbinding pciguard; probe refuses
 * @gone: the device is being removed from the bus
 * @self_unbind: pciguard's own driver is being unbound (removal)
 * @reclaim: another driver (a guest backend) let go of the device; the
 *	reclaim work binds pciguard again
 * @handing: an assign, a detach or a rollback is moving the device between
 *	pciguard and a backend; its unbinds are not reclaimed
 * @cfg: the config-space write policy for dom0's user space; NULL until
 *	pciguard's driver first holds the device, and then every write is
 *	refused
 * @cfg_rs: limits CFG_DENIED events and their log lines (the counter is
 *	not limited)
 * @info: the facts reported for the device
 * @rcu: frees the entry after the config-write guard's lockless lookups
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
	bool handing;
	struct pg_cfg_policy *cfg;
	struct ratelimit_state cfg_rs;
	struct pg_custody_info info;
	struct rcu_head rcu;
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

/* Driver names of enum pciguard_backend. */
static const char *const pg_backend_drivers[] = {
	[PCIGUARD_BACKEND_PCIBACK] = "pciback",
	[PCIGUARD_BACKEND_VFIO_PCI] = "vfio-pci",
};

static const char *pg_backend_driver(u32 backend)
{
	if (backend < ARRAY_SIZE(pg_backend_drivers) &&
	    pg_backend_drivers[backend])
		return pg_backend_drivers[backend];
	return "";
}

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
	ratelimit_state_init(&c->cfg_rs, PCIGUARD_CFG_EVENT_SECS * HZ,
			     PCIGUARD_CFG_EVENT_BURST);
	/* The event and the count say what was suppressed; no printk. */
	ratelimit_set_flags(&c->cfg_rs, RATELIMIT_MSG_ON_RELEASE);
	c->info.custody = custody;
	c->info.since = ktime_get_real_ns();
	return c;
}

/*
 * Free an entry that is off the list. The config-write guard may still be
 * looking at it without a lock (pg_custody_cfg_guarded()): the entry
 * itself goes after an RCU grace period; the guard reads only its list
 * linkage and compares its @pdev, never follows it.
 */
static void pg_custody_free(struct pg_custody *c)
{
	kvfree(c->cfg);
	pci_dev_put(c->pdev);
	kfree_rcu(c, rcu);
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
	strscpy(ev->guest, c->info.guest, sizeof(ev->guest));
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
	f->backend = f->bound && pg_is_backend_driver(pdev->dev.driver->name);
	device_unlock(&pdev->dev);
	f->in_guest = pg_xen_domain_of(pdev) > 0;
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
 * Give @c's device @pdev back to dom0: unbind pciguard, bind the recorded
 * driver (else any loaded driver that matches), clear the override and
 * drop the entry. The name of the driver bound afterwards goes to @bound.
 *
 * @pdev is the caller's reference (the request's target), not c->pdev: the
 * bus notifier clears c->pdev without pg_custody_mutex when the device
 * leaves the bus, which may happen at any point of a request. The driver
 * core makes binding a removed device a no-op, so a device that left
 * meanwhile ends with no driver and its entry dropped all the same.
 */
static void pg_give_back(struct pg_custody *c, struct pci_dev *pdev,
			 char *bound, size_t len)
{
	char orig[PCIGUARD_DRIVER_NAME_MAX];
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
	list_del_rcu(&c->node);
	spin_unlock_irqrestore(&pg_custody_lock, flags);
}

/* How pg_reset() resets a device. */
enum pg_reset_how {
	PG_RESET_LOCKED,	/* the kernel's choice; caller holds the lock */
	PG_RESET_FUNCTION,	/* the kernel's choice */
	PG_RESET_BUS,		/* its bridge's secondary bus (or slot) */
};

/* Reset @pdev and check it answers afterwards. */
static int pg_reset(struct pci_dev *pdev, enum pg_reset_how how, u32 *msecs)
{
	ktime_t start = ktime_get();
	u16 vendor;
	int ret;

	if (how == PG_RESET_LOCKED) {
		ret = pci_reset_function_locked(pdev);
	} else if (how == PG_RESET_BUS) {
		/*
		 * pci_reset_bus() locks the devices on the bus by walking its
		 * list and unlocks them by walking it again; a device removed
		 * in between is left locked for good (a later release waits
		 * on it forever). Hot removal holds this lock: keep it out.
		 */
		pci_lock_rescan_remove();
		ret = pci_reset_bus(pdev);
		pci_unlock_rescan_remove();
	} else {
		ret = pci_reset_function(pdev);
	}
	if (!ret) {
		pci_read_config_word(pdev, PCI_VENDOR_ID, &vendor);
		if (vendor == 0xffff)
			ret = -EIO;
	}
	*msecs = ktime_ms_delta(ktime_get(), start);
	return ret;
}

/*
 * Parallel work on the devices of one operation.
 *
 * A reset mostly sleeps (an FLR 100 ms, a PM reset 10 ms and more, a bus
 * reset about a second), so an operation on several devices resets the
 * independent ones at the same time: one work item on system_unbound_wq per
 * reset domain, the devices of a domain one after the other in request
 * order. The calling thread does the first domain itself and then waits for
 * the others with flush_work(), holding pg_custody_mutex throughout, so
 * that for the rest of the module the operation is as serialised as ever.
 * Devices are in one domain when working on one could disturb the other:
 * the functions of one SR-IOV device (a PF's driver may remove its VFs),
 * and for a bus reset every device below the bus it resets (the PCI core
 * trylocks them all, and a neighbour's reset would be undone).
 */

/* A device pg_par_run() leaves alone. */
#define PG_PAR_NONE	UINT_MAX

/**
 * struct pg_par - the devices of an operation, worked on by domain
 * @n: how many
 * @pdev: the devices; NULL for one to leave alone
 * @dom: for each device, the index of the first device of its domain, or
 *	PG_PAR_NONE
 * @ret: for each device, what @fn returned; 0 for one not worked on
 * @fn: the work on device @i, in a work item or in the calling thread;
 *	must not take pg_custody_mutex
 * @ctx: for @fn
 * @stop: a domain stops at its first failure, as a sequential loop would
 */
struct pg_par {
	unsigned int n;
	struct pci_dev **pdev;
	unsigned int *dom;
	int *ret;
	int (*fn)(const struct pg_par *p, unsigned int i);
	void *ctx;
	bool stop;
};

/**
 * struct pg_par_work - one domain's work item
 * @work: on system_unbound_wq
 * @par: the operation
 * @first: index of the domain's first device
 */
struct pg_par_work {
	struct work_struct work;
	const struct pg_par *par;
	unsigned int first;
};

static void pg_par_free(struct pg_par *p)
{
	if (!p)
		return;
	kfree(p->ret);
	kfree(p->dom);
	kfree(p->pdev);
	kfree(p);
}

/*
 * Work on @n devices with @fn, each device its own domain until
 * pg_par_domains() and pg_par_tie() say otherwise; NULL without memory.
 */
static struct pg_par *pg_par_new(unsigned int n,
				 int (*fn)(const struct pg_par *p,
					   unsigned int i),
				 void *ctx)
{
	struct pg_par *p = kzalloc(sizeof(*p), GFP_KERNEL);

	if (!p)
		return NULL;
	p->n = n;
	p->fn = fn;
	p->ctx = ctx;
	p->pdev = kcalloc(n, sizeof(*p->pdev), GFP_KERNEL);
	p->dom = kcalloc(n, sizeof(*p->dom), GFP_KERNEL);
	p->ret = kcalloc(n, sizeof(*p->ret), GFP_KERNEL);
	if (!p->pdev || !p->dom || !p->ret) {
		pg_par_free(p);
		return NULL;
	}
	return p;
}

/* Put devices @a and @b, both worked on, in one domain. */
static void pg_par_tie(struct pg_par *p, unsigned int a, unsigned int b)
{
	unsigned int from = max(p->dom[a], p->dom[b]);
	unsigned int to = min(p->dom[a], p->dom[b]);
	unsigned int i;

	/* A domain is named by its first device, which stays first. */
	for (i = 0; i < p->n; i++)
		if (p->dom[i] == from)
			p->dom[i] = to;
}

/*
 * The domains of @p's devices as set in @p->pdev: one per device, except
 * that the functions of one SR-IOV device share theirs.
 */
static void pg_par_domains(struct pg_par *p)
{
	unsigned int i, k;

	for (i = 0; i < p->n; i++)
		p->dom[i] = p->pdev[i] ? i : PG_PAR_NONE;
	for (i = 0; i < p->n; i++)
		for (k = i + 1; p->pdev[i] && k < p->n; k++)
			if (p->pdev[k] &&
			    pci_physfn(p->pdev[i]) == pci_physfn(p->pdev[k]))
				pg_par_tie(p, i, k);
}

/* Put the devices of one IOMMU group in one domain. */
static void pg_par_tie_groups(struct pg_par *p)
{
	struct iommu_group *g;
	unsigned int i, k;

	for (i = 0; i < p->n; i++) {
		g = p->pdev[i] ? p->pdev[i]->dev.iommu_group : NULL;
		for (k = i + 1; g && k < p->n; k++)
			if (p->pdev[k] && p->pdev[k]->dev.iommu_group == g)
				pg_par_tie(p, i, k);
	}
}

/* The devices of the domain that starts at @first, in order. */
static void pg_par_domain(const struct pg_par *p, unsigned int first)
{
	unsigned int i;

	for (i = first; i < p->n; i++) {
		if (p->dom[i] != first)
			continue;
		p->ret[i] = p->fn(p, i);
		if (p->ret[i] && p->stop)
			break;
	}
}

static void pg_par_work_fn(struct work_struct *work)
{
	struct pg_par_work *w = container_of(work, struct pg_par_work, work);

	pg_par_domain(w->par, w->first);
}

/*
 * Run @p: its domains at once, each device's result in @p->ret. Returns
 * when every domain is done. Without memory for the work items, the
 * domains run one after the other in this thread.
 *
 * The caller holds pg_custody_mutex and no device lock: the work items
 * take device locks (the driver core's, the PCI core's) and never the
 * mutex, so waiting for them here cannot deadlock; flush_work() tells
 * lockdep what they take.
 */
static void pg_par_run(const struct pg_par *p)
{
	unsigned int i, first = PG_PAR_NONE, nw = 0, k = 0;
	struct pg_par_work *w = NULL;

	lockdep_assert_held(&pg_custody_mutex);
	for (i = 0; i < p->n; i++) {
		if (p->dom[i] != i)
			continue;
		if (first == PG_PAR_NONE)
			first = i;
		else
			nw++;
	}
	if (nw)
		w = kcalloc(nw, sizeof(*w), GFP_KERNEL);
	if (!w) {
		/* One domain, or no memory: one after the other, here. */
		for (i = 0; i < p->n; i++)
			if (p->dom[i] == i)
				pg_par_domain(p, i);
		return;
	}
	for (i = first + 1; i < p->n; i++) {
		if (p->dom[i] != i)
			continue;
		INIT_WORK(&w[k].work, pg_par_work_fn);
		w[k].par = p;
		w[k].first = i;
		queue_work(system_unbound_wq, &w[k].work);
		k++;
	}
	pg_par_domain(p, first);
	for (k = 0; k < nw; k++)
		flush_work(&w[k].work);
	kfree(w);
}

/* Record @ret and @msecs as @c's latest reset. */
static void pg_record_reset(struct pg_custody *c, int ret, u32 msecs)
{
	unsigned long flags;

	spin_lock_irqsave(&pg_custody_lock, flags);
	c->info.has_reset = true;
	c->info.reset_errno = -ret;
	c->info.reset_msecs = msecs;
	spin_unlock_irqrestore(&pg_custody_lock, flags);
}

static void pg_clear_assignment(struct pg_custody_info *info)
{
	info->guest[0] = '\0';
	info->backend = PCIGUARD_BACKEND_UNSPEC;
	info->permissive = false;
	info->no_strict_reset = false;
	info->ngrants = 0;
}

/*
 * The write policy of @pdev as its config space is laid out now, opened
 * by @permissive and @grants; NULL when memory is short. Sleeps.
 */
static struct pg_cfg_policy *pg_cfg_policy_of(struct pci_dev *pdev,
					      bool permissive,
					      const struct pg_cfg_grant *grants,
					      unsigned int ngrants)
{
	unsigned int size = pdev->cfg_size > PG_CFG_SPACE_SIZE ?
			    PG_CFG_SPACE_EXP_SIZE : PG_CFG_SPACE_SIZE;
	struct pg_cfg_policy *p;
	unsigned int i;
	u8 *snap;
	u32 v;

	p = kvmalloc(sizeof(*p), GFP_KERNEL);
	snap = kvmalloc(size, GFP_KERNEL);
	if (!p || !snap)
		goto fail;
	for (i = 0; i < size; i += 4) {
		if (pci_read_config_dword(pdev, i, &v))
			v = ~0U;
		snap[i] = v;
		snap[i + 1] = v >> 8;
		snap[i + 2] = v >> 16;
		snap[i + 3] = v >> 24;
	}
	if (pg_cfg_build(p, snap, size, permissive ? PG_CFG_PERMISSIVE : 0,
			 grants, ngrants))
		goto fail;
	kvfree(snap);
	return p;
fail:
	kvfree(snap);
	kvfree(p);
	return NULL;
}

/* Make @p (may be NULL: refuse everything) @c's write policy. */
static void pg_cfg_install(struct pg_custody *c, struct pg_cfg_policy *p)
{
	struct pg_cfg_policy *old;
	unsigned long flags;

	spin_lock_irqsave(&pg_custody_lock, flags);
	old = c->cfg;
	c->cfg = p;
	spin_unlock_irqrestore(&pg_custody_lock, flags);
	kvfree(old);
}

static int pg_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct pg_custody *c;
	struct pg_event ev;
	unsigned long flags;
	u32 msecs, type;
	bool ok, post;
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
	ret = pg_reset(pdev, PG_RESET_LOCKED, &msecs);
	/* Whatever an assignment opened closes: the default whitelist. */
	pg_cfg_install(c, pg_cfg_policy_of(pdev, false, NULL, 0));

	/*
	 * The entry cannot go away: freeing it needs our device lock. A
	 * device that comes back from a backend is reported as detached,
	 * with the backend and the guest it left.
	 */
	spin_lock_irqsave(&pg_custody_lock, flags);
	type = c->state == PCIGUARD_STATE_ASSIGNED ? PCIGUARD_EVENT_DETACHED :
						     PCIGUARD_EVENT_QUARANTINED;
	c->state = PCIGUARD_STATE_QUARANTINED;
	c->info.has_reset = true;
	c->info.reset_errno = -ret;
	c->info.reset_msecs = msecs;
	c->reclaim = false;
	pg_event_of(c, type, &ev);
	if (type == PCIGUARD_EVENT_DETACHED)
		strscpy(ev.driver, pg_backend_driver(c->info.backend),
			sizeof(ev.driver));
	pg_clear_assignment(&c->info);
	/* A detach reports the device once its resets are done. */
	post = !(c->handing && type == PCIGUARD_EVENT_DETACHED);
	spin_unlock_irqrestore(&pg_custody_lock, flags);
	if (post)
		pg_event_post(&ev);

	if (ret)
		pci_info(pdev, "%s; reset failed (%d)\n",
			 ev.guest[0] ? "back from its guest, quarantined" :
				       "quarantined", ret);
	else
		pci_info(pdev, "%s; reset in %u ms\n",
			 ev.guest[0] ? "back from its guest, quarantined" :
				       "quarantined", msecs);
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
	if (c && !c->releasing && !c->gone && !c->handing &&
	    pg_driver_wants(drv, pdev)) {
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
		WRITE_ONCE(c->pdev, pci_dev_get(pdev));
		pin = true;
	} else if (!c && new) {
		new->pdev = pci_dev_get(pdev);
		list_add_tail_rcu(&new->node, &pg_custody_list);
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
		WRITE_ONCE(c->pdev, NULL);
		c->gone = false;
		c->reclaim = false;
		/* The guest lost it; it comes back to quarantine. */
		c->state = PCIGUARD_STATE_QUARANTINED;
		pg_clear_assignment(&c->info);
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
	if (c && !c->releasing && !c->gone && !c->self_unbind && !c->handing) {
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

/*
 * Bind pciguard's driver to the devices a backend let go of, one after
 * the other: rarely more than one waits, and each probe resets its device.
 */
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
	info->xen_domid = -1;
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
 * pg_custody_cfg_guarded() - are @pdev's config writes judged by pciguard?
 * @pdev: the device
 *
 * Any context, NMI included: the config-write guard asks from a kprobe,
 * which on a kernel without kprobes on ftrace is a breakpoint handled as
 * NMI. So no lock: an RCU walk of the list, comparing pointers only.
 *
 * Return: true when @pdev is in custody.
 */
bool pg_custody_cfg_guarded(struct pci_dev *pdev)
{
	struct pg_custody *c;
	bool ret = false;

	rcu_read_lock();
	list_for_each_entry_rcu(c, &pg_custody_list, node) {
		if (READ_ONCE(c->pdev) == pdev) {
			ret = true;
			break;
		}
	}
	rcu_read_unlock();
	return ret;
}

/**
 * pg_custody_cfg_judge() - judge a config write from user space to @pdev
 * @pdev: the device
 * @w: the write, split into registers as the PCI core writes them
 * @n: how many
 * @have_cur: each register of @w has its current value in @cur. Without
 *	them, a write to registers the policy opens entirely is judged all
 *	the same (their value does not matter), and any other asks for them
 *
 * All or nothing: one refused register refuses the whole write. A refusal
 * is counted, kept among the latest, logged and sent as a CFG_DENIED
 * event (both rate-limited; the counter is not).
 *
 * Return: 0 when the write may go ahead, -EPERM when it is refused,
 * -ENOENT when @pdev is not in custody (the PCI core's rules apply),
 * -EAGAIN when the judgement needs the current values (only without
 * @have_cur; nothing is counted then).
 */
int pg_custody_cfg_judge(struct pci_dev *pdev, const struct pg_cfg_write *w,
			 unsigned int n, bool have_cur)
{
	struct pg_cfg_denial d = { };
	struct pg_cfg_grant g;
	struct pg_custody *c;
	struct pg_event ev;
	unsigned long flags;
	unsigned int i;
	u32 denied = 0;
	bool post;

	spin_lock_irqsave(&pg_custody_lock, flags);
	c = pg_find_pdev(pdev);
	if (!c) {
		spin_unlock_irqrestore(&pg_custody_lock, flags);
		return -ENOENT;
	}
	for (i = 0; !have_cur && c->cfg && i < n; i++) {
		if (pg_cfg_needs_cur(c->cfg, w[i].offset, w[i].len)) {
			spin_unlock_irqrestore(&pg_custody_lock, flags);
			return -EAGAIN;
		}
	}
	for (i = 0; i < n; i++) {
		denied = c->cfg ? pg_cfg_denied(c->cfg, w[i].offset, w[i].len,
						w[i].value, w[i].cur) :
				  ~0U >> (32 - 8 * w[i].len);
		if (denied)
			break;
	}
	if (i == n) {
		spin_unlock_irqrestore(&pg_custody_lock, flags);
		return 0;
	}
	d.offset = w[i].offset;
	d.len = w[i].len;
	d.value = w[i].value;
	d.mask = denied;
	get_task_comm(d.comm, current);
	c->info.cfg_denials++;
	if (c->info.ndenial == PCIGUARD_CFG_LAST)
		memmove(c->info.denial, c->info.denial + 1,
			sizeof(d) * (PCIGUARD_CFG_LAST - 1));
	else
		c->info.ndenial++;
	c->info.denial[c->info.ndenial - 1] = d;
	post = __ratelimit(&c->cfg_rs);
	if (post) {
		pg_event_of(c, PCIGUARD_EVENT_CFG_DENIED, &ev);
		ev.cfg_denials = c->info.cfg_denials;
		ev.denial = d;
	}
	spin_unlock_irqrestore(&pg_custody_lock, flags);

	if (post) {
		pg_event_post(&ev);
		pg_cfg_suggest(d.offset, d.len, d.mask, &g);
		pci_notice(pdev,
			   "%s[%d]: config write refused at 0x%x (%u bytes, bits 0x%x): outside the write policy; to allow it, assign with -o allow-write=0x%x:%u:0x%x\n",
			   d.comm, task_pid_nr(current), d.offset, d.len,
			   d.mask, g.offset, g.len, g.mask);
	}
	return -EPERM;
}

/**
 * pg_custody_violation() - record that @pdev's backend ignores its policy
 * @pdev: the device, assigned
 * @what: the finding, as the tool words it
 * @extack: for the reason of a refusal
 *
 * A finding other than the device's latest is counted and sent as a
 * VIOLATION event; the same one again changes nothing.
 *
 * Return: 0, or -EINVAL when @pdev is not assigned.
 */
int pg_custody_violation(struct pci_dev *pdev, const char *what,
			 struct netlink_ext_ack *extack)
{
	struct pg_custody *c;
	struct pg_event ev;
	unsigned long flags;
	bool post = false, assigned;

	spin_lock_irqsave(&pg_custody_lock, flags);
	c = pg_find_pdev(pdev);
	assigned = c && c->state == PCIGUARD_STATE_ASSIGNED;
	if (assigned && strcmp(c->info.violation, what)) {
		strscpy(c->info.violation, what, sizeof(c->info.violation));
		c->info.violations++;
		pg_event_of(c, PCIGUARD_EVENT_VIOLATION, &ev);
		ev.violations = c->info.violations;
		strscpy(ev.violation, what, sizeof(ev.violation));
		post = true;
	}
	spin_unlock_irqrestore(&pg_custody_lock, flags);
	if (!assigned) {
		NL_SET_ERR_MSG(extack, "device is not assigned to a guest");
		return -EINVAL;
	}
	if (post) {
		pg_event_post(&ev);
		pci_warn(pdev, "backend violates the config-space policy: %s\n",
			 what);
	}
	return 0;
}

static int pg_par_take(const struct pg_par *p, unsigned int i)
{
	return pg_take(p->pdev[i]);
}

/*
 * pg_custody_hide() with pg_custody_mutex held. @taken, when not NULL,
 * gets true for each device this call took (it was not in custody).
 * The devices are taken at once, each by its own pg_take(): dom0's driver
 * lets go and pciguard's probe resets the device.
 */
static int pg_hide_locked(struct pg_target *t, unsigned int n, bool force,
			  bool *taken, struct netlink_ext_ack *extack)
{
	struct pg_custody **new;
	struct pg_custody_facts facts;
	const char *orig;
	enum pg_custody_verdict v;
	struct pg_par *par;
	unsigned long flags;
	unsigned int i, failed;
	int ret = 0;

	lockdep_assert_held(&pg_custody_mutex);
	new = kcalloc(n, sizeof(*new), GFP_KERNEL);
	par = pg_par_new(n, pg_par_take, NULL);
	if (!new || !par) {
		ret = -ENOMEM;
		goto out;
	}

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

	/* Listed first: pciguard's probe refuses a device with no entry. */
	for (i = 0; i < n; i++) {
		if (!new[i])
			continue;
		spin_lock_irqsave(&pg_custody_lock, flags);
		list_add_tail_rcu(&new[i]->node, &pg_custody_list);
		spin_unlock_irqrestore(&pg_custody_lock, flags);
		par->pdev[i] = t[i].pdev;
	}
	pg_par_domains(par);
	pg_par_run(par);

	failed = n;
	for (i = 0; i < n; i++) {
		if (!new[i])
			continue;
		if (par->ret[i]) {
			if (failed == n)
				failed = i;
			continue;
		}
		orig = new[i]->info.orig_driver;
		pci_info(t[i].pdev, "taken into custody from %s\n",
			 orig[0] ? orig : "no driver");
	}
	if (failed < n) {
		/* Roll back every device, the failed ones too, in reverse. */
		char bound[PCIGUARD_DRIVER_NAME_MAX];

		ret = par->ret[failed];
		NL_SET_ERR_MSG_ATTR(extack, t[failed].attr,
				    "pciguard's driver could not take the device; nothing was changed");
		for (i = n; i-- > 0;) {
			struct pg_event ev;

			if (!new[i])
				continue;
			pg_give_back(new[i], t[i].pdev, bound, sizeof(bound));
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
	for (i = 0; i < n; i++) {
		t[i].changed = !!new[i];
		if (taken)
			taken[i] = !!new[i];
	}
	memset(new, 0, n * sizeof(*new));
out:
	for (i = 0; new && i < n; i++)
		if (new[i])
			pg_custody_free(new[i]);
	pg_par_free(par);
	kfree(new);
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
	int ret;

	mutex_lock(&pg_custody_mutex);
	ret = pg_hide_locked(t, n, force, NULL, extack);
	mutex_unlock(&pg_custody_mutex);
	return ret;
}

/*
 * What pg_par_handoff_reset() works with: the request, the gate's
 * decisions, and per device whether its bus reset worked and how long the
 * reset took (each written by its domain only).
 */
struct pg_handoff {
	struct pg_target *t;
	struct pg_custody **c;
	const struct pg_check_result *res;
	bool *bus_done;
	u32 *msecs;
};

static int pg_par_handoff_reset(const struct pg_par *p, unsigned int i)
{
	struct pg_handoff *h = p->ctx;
	bool bus = h->res[i].v.reset == PCIGUARD_RESET_BUS;
	unsigned int k;
	int ret = 0;

	/*
	 * A bus reset done for an earlier target reset this one; such a
	 * target is in this domain, done by this thread.
	 */
	for (k = p->dom[i]; k < i; k++)
		if (p->dom[k] == p->dom[i] && h->bus_done[k] && bus &&
		    pg_bdf_eq(&h->res[k].bridge, &h->res[i].bridge))
			break;
	if (k < i) {
		h->msecs[i] = h->msecs[k];
	} else {
		ret = pg_reset(h->t[i].pdev, bus ? PG_RESET_BUS :
			       PG_RESET_FUNCTION, &h->msecs[i]);
		h->bus_done[i] = !ret && bus;
	}
	pg_record_reset(h->c[i], ret, h->msecs[i]);
	return ret;
}

/* Is @pdev on @bus or below it? */
static bool pg_below(struct pci_dev *pdev, struct pci_bus *bus)
{
	struct pci_bus *b;

	for (b = pdev->bus; b; b = b->parent)
		if (b == bus)
			return true;
	return false;
}

/*
 * Reset the targets that @need it, as the gate decided (@res): one bus
 * reset per bridge. Independent targets are reset at once; a bus reset
 * and every target below the bus it resets are one domain, in request
 * order, stopped at its first failure. Return: 0, or the first failure
 * in request order with @extack set.
 */
static int pg_handoff_reset(struct pg_target *t, unsigned int n,
			    struct pg_custody **c, const bool *need,
			    struct pg_check_result *res,
			    struct netlink_ext_ack *extack)
{
	struct pg_handoff h = { .t = t, .c = c, .res = res };
	struct pg_par *par;
	unsigned int i, k;
	int ret = 0;

	par = pg_par_new(n, pg_par_handoff_reset, &h);
	h.bus_done = kcalloc(n, sizeof(*h.bus_done), GFP_KERNEL);
	h.msecs = kcalloc(n, sizeof(*h.msecs), GFP_KERNEL);
	if (!par || !h.bus_done || !h.msecs) {
		ret = -ENOMEM;
		goto out;
	}
	par->stop = true;
	for (i = 0; i < n; i++)
		par->pdev[i] = need[i] ? t[i].pdev : NULL;
	pg_par_domains(par);
	for (i = 0; i < n; i++) {
		for (k = i + 1; need[i] && k < n; k++) {
			if (!need[k])
				continue;
			if ((res[i].v.reset == PCIGUARD_RESET_BUS &&
			     pg_below(t[k].pdev, t[i].pdev->bus)) ||
			    (res[k].v.reset == PCIGUARD_RESET_BUS &&
			     pg_below(t[i].pdev, t[k].pdev->bus)))
				pg_par_tie(par, i, k);
		}
	}
	pg_par_run(par);

	for (i = 0; i < n; i++) {
		if (!par->ret[i])
			continue;
		pci_warn(t[i].pdev, "reset before handoff failed (%d)\n",
			 par->ret[i]);
		if (ret)
			continue;
		ret = par->ret[i];
		NL_SET_ERR_MSG_ATTR(extack, t[i].attr,
				    "the device's reset failed, so it may still hold the last user's data; every device of the request is in quarantine: hand it over anyway with no-strict-reset");
	}
out:
	kfree(h.msecs);
	kfree(h.bus_done);
	pg_par_free(par);
	return ret;
}

/*
 * A device whose latest reset (in @c's info) failed and whose only reset is
 * its bus's gets that bus reset when every device it hits is in the same
 * request (a release or a detach), as for a handoff; the info is updated.
 */
static void pg_bus_reset_failed(struct pg_target *t, unsigned int n,
				struct pg_custody **c)
{
	struct pg_check_result *res;
	unsigned int i;
	bool *need;

	for (i = 0; i < n; i++)
		if (!t[i].pdev)
			return;	/* the gate judges present devices only */
	res = kvcalloc(n, sizeof(*res), GFP_KERNEL);
	need = kcalloc(n, sizeof(*need), GFP_KERNEL);
	if (res && need && !pg_check(t, n, false, res, NULL)) {
		for (i = 0; i < n; i++)
			need[i] = c[i]->info.reset_errno && res[i].v.ok &&
				  res[i].v.reset == PCIGUARD_RESET_BUS;
		pg_handoff_reset(t, n, c, need, res, NULL);
	}
	kfree(need);
	kvfree(res);
}

/* A release's function reset of device @i, recorded as its latest. */
static int pg_par_release_reset(const struct pg_par *p, unsigned int i)
{
	struct pg_custody **c = p->ctx;
	u32 msecs;
	int ret;

	ret = pg_reset(p->pdev[i], PG_RESET_FUNCTION, &msecs);
	pg_record_reset(c[i], ret, msecs);
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
	struct pg_par *par;
	unsigned long flags;
	unsigned int i;
	bool assigned;
	int ret = 0;

	c = kcalloc(n, sizeof(*c), GFP_KERNEL);
	par = pg_par_new(n, pg_par_release_reset, c);
	if (!c || !par) {
		pg_par_free(par);
		kfree(c);
		return -ENOMEM;
	}

	mutex_lock(&pg_custody_mutex);
	for (i = 0; i < n; i++) {
		spin_lock_irqsave(&pg_custody_lock, flags);
		c[i] = t[i].pdev ? pg_find_pdev(t[i].pdev) :
				   pg_find_bdf(&t[i].bdf);
		if (c[i] && !t[i].pdev && c[i]->pdev)
			c[i] = NULL;
		assigned = c[i] && c[i]->state == PCIGUARD_STATE_ASSIGNED;
		spin_unlock_irqrestore(&pg_custody_lock, flags);
		if (!c[i]) {
			NL_SET_ERR_MSG_ATTR(extack, t[i].attr,
					    "device is not in pciguard's custody");
			ret = -EINVAL;
			goto out;
		}
		if (assigned) {
			NL_SET_ERR_MSG_ATTR(extack, t[i].attr,
					    "device is assigned to a guest: detach it first, it comes back to quarantine");
			ret = -EBUSY;
			goto out;
		}
	}

	/*
	 * Reset them all, at once, before letting any go: all or nothing.
	 * The result is the entry's latest reset, also when the release is
	 * refused.
	 */
	for (i = 0; i < n; i++)
		par->pdev[i] = t[i].pdev;
	pg_par_domains(par);
	pg_par_run(par);
	pg_bus_reset_failed(t, n, c);
	ret = 0;
	for (i = 0; i < n; i++) {
		if (t[i].pdev && c[i]->info.reset_errno && !force) {
			NL_SET_ERR_MSG_ATTR(extack, t[i].attr,
					    "the device could not be reset, so what a guest left in it would reach dom0: use force to release it anyway");
			ret = -(int)c[i]->info.reset_errno;
			goto out;
		}
	}

	for (i = 0; i < n; i++) {
		if (t[i].pdev) {
			pg_give_back(c[i], t[i].pdev, bound, sizeof(bound));
		} else {
			bound[0] = '\0';
			spin_lock_irqsave(&pg_custody_lock, flags);
			list_del_rcu(&c[i]->node);
			spin_unlock_irqrestore(&pg_custody_lock, flags);
			pg_bus_changed();	/* dumps list absent entries */
		}
		c[i]->state = PCIGUARD_STATE_HOST;
		pg_event_of(c[i], PCIGUARD_EVENT_RELEASED, &ev);
		/* An absent device was not reset for the release. */
		ev.has_reset = !!t[i].pdev;
		strscpy(ev.driver, bound, sizeof(ev.driver));
		pg_event_post(&ev);
		pr_notice("%04x:%02x:%02x.%x released to dom0%s%s%s\n",
			  t[i].bdf.domain, t[i].bdf.bus, t[i].bdf.slot,
			  t[i].bdf.function, bound[0] ? ", bound to " : "",
			  bound, ev.has_reset && ev.reset_errno ?
			  " without a working reset" : "");
		pg_custody_free(c[i]);
	}
out:
	mutex_unlock(&pg_custody_mutex);
	pg_par_free(par);
	kfree(c);
	return ret;
}

/* Why the gate refused a target, for the extack. */
static const char *pg_gate_refusal(u32 problems)
{
	static const char *const msgs[] = {
		"its IOMMU group has devices that are not assigned with it: assign them in the same request ('pciguard check' names them) or accept no-strict-reset",
		"its only reset, a bus reset, also resets devices that are not assigned with it: assign them in the same request ('pciguard check' names them) or accept no-strict-reset",
		"no reset can clear this device, so the next guest may see this guest's data: accept that with no-strict-reset",
	};

	if (problems & PG_GATE_GROUP_SPLIT)
		return msgs[0];
	if (problems & PG_GATE_RESET_SPLIT)
		return msgs[1];
	return msgs[2];
}

/*
 * The backend's driver name for @backend (UNSPEC: xen-pciback when it is
 * loaded) into *@name. The kernel loads no module here (see
 * pg_give_back()); the tool loads the backend first.
 * Return: 0, or -ENOENT when the backend is not loaded; @extack set.
 */
static int pg_backend_pick(u32 *backend, const char **name,
			   struct netlink_ext_ack *extack)
{
	if (*backend == PCIGUARD_BACKEND_UNSPEC) {
		if (!driver_find(pg_backend_driver(PCIGUARD_BACKEND_PCIBACK),
				 &pci_bus_type)) {
			NL_SET_ERR_MSG(extack,
				       "no backend named and xen-pciback is not loaded (it loads only in a Xen dom0): name one, e.g. backend vfio-pci");
			return -ENOENT;
		}
		*backend = PCIGUARD_BACKEND_PCIBACK;
	}
	*name = pg_backend_driver(*backend);
	if (!driver_find(*name, &pci_bus_type)) {
		if (*backend == PCIGUARD_BACKEND_VFIO_PCI)
			NL_SET_ERR_MSG(extack,
				       "vfio-pci is not loaded: load it (modprobe vfio-pci) and try again");
		else
			NL_SET_ERR_MSG(extack,
				       "xen-pciback is not loaded: load it (modprobe xen-pciback; only in a Xen dom0) and try again");
		return -ENOENT;
	}
	return 0;
}

/*
 * Move @c's device @pdev (the caller's reference, see pg_give_back()),
 * held by pciguard, to the driver @name through driver_override.
 * Return: 0 once @name holds it; else it is unbound and pinned to @name,
 * for pg_requarantine() to take back.
 */
static int pg_hand_to(struct pg_custody *c, struct pci_dev *pdev,
		      const char *name)
{
	char bound[PCIGUARD_DRIVER_NAME_MAX];
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&pg_custody_lock, flags);
	c->handing = true;
	spin_unlock_irqrestore(&pg_custody_lock, flags);

	ret = driver_set_override(&pdev->dev, &pdev->driver_override, name,
				  strlen(name));
	if (!ret) {
		device_release_driver(&pdev->dev);
		ret = device_attach(&pdev->dev);
		pg_bound_driver(pdev, bound, sizeof(bound));
		ret = ret < 0 ? ret : strcmp(bound, name) ? -ENODEV : 0;
	}

	spin_lock_irqsave(&pg_custody_lock, flags);
	c->handing = false;
	spin_unlock_irqrestore(&pg_custody_lock, flags);
	return ret;
}

/*
 * Take @c's device @pdev (the caller's reference, see pg_give_back()) back
 * from whatever holds it (a backend, or nothing) into quarantine;
 * pciguard's probe resets it and reports it.
 */
static void pg_requarantine(struct pg_custody *c, struct pci_dev *pdev)
{
	unsigned long flags;

	spin_lock_irqsave(&pg_custody_lock, flags);
	c->handing = true;
	spin_unlock_irqrestore(&pg_custody_lock, flags);

	if (pg_take(pdev))
		pci_err(pdev, "pciguard could not bind it again; it stays pinned to pciguard, unbound\n");

	spin_lock_irqsave(&pg_custody_lock, flags);
	c->handing = false;
	spin_unlock_irqrestore(&pg_custody_lock, flags);
}

static int pg_par_requarantine(const struct pg_par *p, unsigned int i)
{
	struct pg_custody **c = p->ctx;

	pg_requarantine(c[i], p->pdev[i]);
	return 0;
}

/*
 * pg_requarantine() the devices of @t (entries @c) but those @skip names
 * (may be NULL), at once; one by one, in reverse, when memory is short.
 */
static void pg_requarantine_all(struct pg_custody **c,
				const struct pg_target *t, unsigned int n,
				const bool *skip)
{
	struct pg_par *par = pg_par_new(n, pg_par_requarantine, c);
	unsigned int i;

	if (!par) {
		for (i = n; i-- > 0;)
			if (!skip || !skip[i])
				pg_requarantine(c[i], t[i].pdev);
		return;
	}
	for (i = 0; i < n; i++)
		par->pdev[i] = skip && skip[i] ? NULL : t[i].pdev;
	pg_par_domains(par);
	pg_par_run(par);
	pg_par_free(par);
}

/* What pg_par_hand_to() works with. */
struct pg_hand {
	struct pg_custody **c;
	const char *name;
};

static int pg_par_hand_to(const struct pg_par *p, unsigned int i)
{
	const struct pg_hand *h = p->ctx;

	return pg_hand_to(h->c[i], p->pdev[i], h->name);
}

/* Caller holds pg_custody_mutex: the present entry of @pdev, or NULL. */
static struct pg_custody *pg_entry_of(struct pci_dev *pdev)
{
	struct pg_custody *c;
	unsigned long flags;

	spin_lock_irqsave(&pg_custody_lock, flags);
	c = pg_find_pdev(pdev);
	spin_unlock_irqrestore(&pg_custody_lock, flags);
	return c;
}

/* The grants of @a, in order, are those @info records. */
static bool pg_grants_eq(const struct pg_custody_info *info,
			 const struct pg_assign *a)
{
	return info->ngrants == a->ngrants &&
	       !memcmp(info->grants, a->grants,
		       a->ngrants * sizeof(*a->grants));
}

/*
 * The registers xen-pciback emulates itself: a quirk (how pciguard opens
 * a register for a pciback guest) at one of them is ignored or fights
 * pciback's own handler. The standard header, and the capabilities
 * pciback knows with the fields it keeps for them. Return: why @off,
 * @len cannot be granted, or NULL.
 */
static const char *pg_pciback_field(struct pci_dev *pdev, unsigned int off,
				    unsigned int len)
{
#define PG_PCIBACK_OWN(what) \
	"xen-pciback emulates " what \
	" itself: a grant there would not reach the device; use -o permissive=true"
	static const struct {
		u8 cap;
		u8 len;
		const char *msg;
	} caps[] = {
		{ PCI_CAP_ID_PM, 8,
		  PG_PCIBACK_OWN("the power management capability") },
		{ PCI_CAP_ID_VPD, 8, PG_PCIBACK_OWN("the VPD capability") },
		{ PCI_CAP_ID_MSI, 4,
		  PG_PCIBACK_OWN("the MSI capability's control") },
		{ PCI_CAP_ID_MSIX, 4,
		  PG_PCIBACK_OWN("the MSI-X capability's control") },
	};
	unsigned int i, pos;

	if (off < PCI_STD_HEADER_SIZEOF)
		return PG_PCIBACK_OWN("the standard header (0x0-0x3f)");
	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		pos = pci_find_capability(pdev, caps[i].cap);
		if (pos && off < pos + caps[i].len && off + len > pos)
			return caps[i].msg;
	}
	return NULL;
#undef PG_PCIBACK_OWN
}

/*
 * @a's grants are fit for @pdev and @backend: inside its config space,
 * and for xen-pciback (which opens whole registers) no partial mask and
 * no register pciback emulates. Return: 0 or -EINVAL with @extack set.
 */
static int pg_grants_check(const struct pg_target *t, u32 backend,
			   const struct pg_assign *a,
			   struct netlink_ext_ack *extack)
{
	const struct pg_cfg_grant *g;
	enum pg_cfg_grant_err err;
	const char *why;
	unsigned int i;

	for (i = 0; i < a->ngrants; i++) {
		g = &a->grants[i];
		err = pg_cfg_grant_check(g, t->pdev->cfg_size);
		if (err) {
			pg_nl_set_err(extack, t->attr, pg_cfg_grant_errstr(err));
			return -EINVAL;
		}
		if (backend != PCIGUARD_BACKEND_PCIBACK)
			continue;
		if (g->mask != ~0U >> (32 - 8 * g->len)) {
			pg_nl_set_err(extack, t->attr,
				      "xen-pciback opens whole registers and ignores a grant's mask: grant the whole register, or use backend vfio-pci");
			return -EINVAL;
		}
		why = pg_pciback_field(t->pdev, g->offset, g->len);
		if (why) {
			pg_nl_set_err(extack, t->attr, why);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * The checks of an assign that need no change: an assigned target is
 * either assigned to the same guest and backend (@skip) or refused; a
 * target not in custody must pass the custody policy; vfio-pci needs an
 * IOMMU group. No backend named means xen-pciback (or a refusal later).
 */
static int pg_assign_precheck(struct pg_target *t, unsigned int n,
			      const struct pg_assign *a, bool *skip,
			      struct netlink_ext_ack *extack)
{
	u32 backend = a->backend ?: PCIGUARD_BACKEND_PCIBACK;
	struct pg_custody_facts facts;
	enum pg_custody_verdict v;
	bool held, same, same_opts;
	struct pg_custody *c;
	unsigned long flags;
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = pg_grants_check(&t[i], backend, a, extack);
		if (ret)
			return ret;
		spin_lock_irqsave(&pg_custody_lock, flags);
		c = pg_find_pdev(t[i].pdev);
		held = !!c;
		skip[i] = c && c->state == PCIGUARD_STATE_ASSIGNED;
		same = skip[i] && c->info.backend == backend &&
		       !strcmp(c->info.guest, a->guest);
		same_opts = same && c->info.permissive == a->permissive &&
			    c->info.no_strict_reset == a->no_strict_reset &&
			    pg_grants_eq(&c->info, a);
		spin_unlock_irqrestore(&pg_custody_lock, flags);

		if (skip[i] && !same) {
			NL_SET_ERR_MSG_ATTR(extack, t[i].attr,
					    "device is assigned to another guest or backend: detach it first");
			return -EBUSY;
		}
		if (skip[i] && !same_opts) {
			NL_SET_ERR_MSG_ATTR(extack, t[i].attr,
					    "device is assigned to this guest with other options: detach it and assign it again to change them");
			return -EBUSY;
		}
		if (!held) {
			pg_custody_facts_of(t[i].pdev, &facts);
			v = pg_custody_check(&facts, a->force);
			if (v != PG_CUSTODY_OK) {
				pg_nl_set_err(extack, t[i].attr,
					      pg_custody_verdict_msg(v));
				return pg_custody_verdict_errno(v);
			}
		}
		if (backend == PCIGUARD_BACKEND_VFIO_PCI &&
		    !t[i].pdev->dev.iommu_group) {
			NL_SET_ERR_MSG_ATTR(extack, t[i].attr,
					    "vfio-pci needs an IOMMU and this device has no IOMMU group: turn the IOMMU on (intel_iommu=on or amd_iommu=on, VT-d/AMD-Vi in the firmware)");
			return -EINVAL;
		}
	}
	return 0;
}

/**
 * pg_custody_assign() - hand devices to a guest backend, all or none
 * @t: the devices, all present, no duplicates
 * @n: how many
 * @a: the guest, the backend and the admin's options
 * @extack: for the reason of a refusal or a failure
 *
 * Every check runs before anything changes; a refusal changes nothing.
 * Then the devices not in custody are taken into it, reset and handed
 * over; a failure there leaves every target in quarantine.
 *
 * Return: 0, or a negative errno with @extack set.
 */
int pg_custody_assign(struct pg_target *t, unsigned int n,
		      const struct pg_assign *a, struct netlink_ext_ack *extack)
{
	struct pg_check_result *res;
	struct pg_cfg_policy **pol;
	struct pg_custody **c;
	struct pg_hand hand;
	struct pg_event ev;
	struct pg_par *par;
	u32 backend = a->backend;
	unsigned long flags;
	const char *name;
	bool *skip, *taken, *need;
	unsigned int i;
	int ret;

	res = kvcalloc(n, sizeof(*res), GFP_KERNEL);
	c = kcalloc(n, sizeof(*c), GFP_KERNEL);
	pol = kcalloc(n, sizeof(*pol), GFP_KERNEL);
	skip = kcalloc(n, sizeof(*skip), GFP_KERNEL);
	taken = kcalloc(n, sizeof(*taken), GFP_KERNEL);
	need = kcalloc(n, sizeof(*need), GFP_KERNEL);
	par = pg_par_new(n, pg_par_hand_to, &hand);
	if (!res || !c || !pol || !skip || !taken || !need || !par) {
		ret = -ENOMEM;
		goto out_free;
	}

	/*
	 * What no environment change can fix is reported first: the custody
	 * policy and the gate, then whether the backend is loaded.
	 */
	mutex_lock(&pg_custody_mutex);
	ret = pg_assign_precheck(t, n, a, skip, extack);
	if (ret)
		goto out;
	ret = pg_check(t, n, a->no_strict_reset, res, extack);
	if (ret)
		goto out;
	for (i = 0; i < n; i++) {
		if (!res[i].v.ok) {
			pg_nl_set_err(extack, t[i].attr,
				      pg_gate_refusal(res[i].v.problems));
			ret = -EBUSY;
			goto out;
		}
	}
	ret = pg_backend_pick(&backend, &name, extack);
	if (ret)
		goto out;
	/* The write policies are built before anything moves. */
	for (i = 0; i < n; i++) {
		if (skip[i])
			continue;
		pol[i] = pg_cfg_policy_of(t[i].pdev, a->permissive, a->grants,
					  a->ngrants);
		if (!pol[i]) {
			ret = -ENOMEM;
			goto out;
		}
	}

	/* From here on devices move. */
	ret = pg_hide_locked(t, n, a->force, taken, extack);
	if (ret)
		goto out;
	for (i = 0; i < n; i++) {
		c[i] = pg_entry_of(t[i].pdev);
		if (!c[i]) {
			/* Removed from the bus since: its entry is absent. */
			NL_SET_ERR_MSG_ATTR(extack, t[i].attr,
					    "the device left the bus; nothing was assigned");
			ret = -ENODEV;
			goto out;
		}
	}
	/*
	 * A device this request took into custody and reset cleanly on the
	 * way in is not reset again.
	 */
	for (i = 0; i < n; i++)
		need[i] = !a->no_strict_reset && !skip[i] &&
			  !(taken[i] && c[i]->info.has_reset &&
			    !c[i]->info.reset_errno);
	ret = pg_handoff_reset(t, n, c, need, res, extack);
	if (ret)
		goto out;
	/*
	 * The backends' probes may reset too (pciback's does): at once, but
	 * one IOMMU group at a time. vfio-pci's probes race in one group:
	 * Linux 6.1's vfio_create_group() frees the loser's new group with a
	 * WARNING.
	 */
	hand.c = c;
	hand.name = name;
	for (i = 0; i < n; i++)
		par->pdev[i] = skip[i] ? NULL : t[i].pdev;
	pg_par_domains(par);
	pg_par_tie_groups(par);
	pg_par_run(par);
	for (i = 0; i < n; i++) {
		if (!par->ret[i])
			continue;
		pci_warn(t[i].pdev, "%s would not take it (%d)\n", name,
			 par->ret[i]);
		if (ret)
			continue;
		ret = par->ret[i];
		NL_SET_ERR_MSG_ATTR(extack, t[i].attr,
				    "the backend's driver would not take the device (the kernel log says why); every device of the request is in quarantine");
	}
	if (ret) {
		pg_requarantine_all(c, t, n, skip);
		goto out;
	}

	for (i = 0; i < n; i++) {
		t[i].changed = !skip[i];
		if (skip[i])
			continue;
		spin_lock_irqsave(&pg_custody_lock, flags);
		if (c[i]->pdev != t[i].pdev) {
			/*
			 * It left the bus during the handoff: the notifier
			 * made the entry absent and quarantined, and so it
			 * stays; an absent device is never assigned.
			 */
			spin_unlock_irqrestore(&pg_custody_lock, flags);
			NL_SET_ERR_MSG_ATTR(extack, t[i].attr,
					    "the device left the bus during the assign; its custody entry stays, absent");
			ret = -ENODEV;
			continue;
		}
		c[i]->state = PCIGUARD_STATE_ASSIGNED;
		strscpy(c[i]->info.guest, a->guest, sizeof(c[i]->info.guest));
		c[i]->info.backend = backend;
		c[i]->info.permissive = a->permissive;
		c[i]->info.no_strict_reset = a->no_strict_reset;
		memcpy(c[i]->info.grants, a->grants,
		       a->ngrants * sizeof(*a->grants));
		c[i]->info.ngrants = a->ngrants;
		pg_event_of(c[i], PCIGUARD_EVENT_ASSIGNED, &ev);
		spin_unlock_irqrestore(&pg_custody_lock, flags);
		pg_cfg_install(c[i], pol[i]);
		pol[i] = NULL;
		strscpy(ev.driver, name, sizeof(ev.driver));
		/* No handoff reset to report with no-strict-reset. */
		ev.has_reset = !a->no_strict_reset;
		pg_event_post(&ev);
		pci_info(t[i].pdev, "assigned to %s through %s%s\n", a->guest,
			 name, a->no_strict_reset ? ", no strict reset" : "");
	}
	pg_bus_changed();
out:
	mutex_unlock(&pg_custody_mutex);
out_free:
	for (i = 0; pol && i < n; i++)
		kvfree(pol[i]);
	pg_par_free(par);
	kfree(need);
	kfree(taken);
	kfree(skip);
	kfree(pol);
	kfree(c);
	kvfree(res);
	return ret;
}

/**
 * pg_custody_detach() - take devices back from their backend, all or none
 * @t: the devices, all present, no duplicates
 * @n: how many
 * @extack: for the reason of a refusal
 *
 * Each goes back to quarantine: pinned to pciguard and reset by its probe.
 * A device whose only reset is its bus's gets that bus reset when every
 * device it hits comes back in the same request, as for the handoff.
 *
 * Return: 0, or a negative errno with @extack set; then nothing changed.
 */
int pg_custody_detach(struct pg_target *t, unsigned int n,
		      struct netlink_ext_ack *extack)
{
	struct pg_custody_info *was;
	struct pg_custody **c;
	struct pg_event ev;
	unsigned long flags;
	unsigned int i;
	bool assigned;
	int ret = -ENOMEM;

	was = kcalloc(n, sizeof(*was), GFP_KERNEL);
	c = kcalloc(n, sizeof(*c), GFP_KERNEL);
	if (!was || !c)
		goto out_free;

	mutex_lock(&pg_custody_mutex);
	for (i = 0; i < n; i++) {
		spin_lock_irqsave(&pg_custody_lock, flags);
		c[i] = pg_find_pdev(t[i].pdev);
		assigned = c[i] && c[i]->state == PCIGUARD_STATE_ASSIGNED;
		if (assigned)
			was[i] = c[i]->info;
		spin_unlock_irqrestore(&pg_custody_lock, flags);
		if (!assigned) {
			NL_SET_ERR_MSG_ATTR(extack, t[i].attr,
					    "device is not assigned to a guest: nothing to detach");
			ret = -EINVAL;
			goto out;
		}
		if (pg_xen_domain_of(t[i].pdev) > 0) {
			pg_nl_set_err(extack, t[i].attr,
				      pg_custody_verdict_msg(PG_CUSTODY_IN_GUEST));
			ret = pg_custody_verdict_errno(PG_CUSTODY_IN_GUEST);
			goto out;
		}
	}
	/* The probe reports nothing while handing: the event comes below. */
	pg_requarantine_all(c, t, n, NULL);
	pg_bus_reset_failed(t, n, c);
	for (i = 0; i < n; i++) {
		spin_lock_irqsave(&pg_custody_lock, flags);
		pg_event_of(c[i], PCIGUARD_EVENT_DETACHED, &ev);
		spin_unlock_irqrestore(&pg_custody_lock, flags);
		strscpy(ev.guest, was[i].guest, sizeof(ev.guest));
		strscpy(ev.driver, pg_backend_driver(was[i].backend),
			sizeof(ev.driver));
		pg_event_post(&ev);
	}
	pg_bus_changed();
	ret = 0;
out:
	mutex_unlock(&pg_custody_mutex);
out_free:
	kfree(c);
	kfree(was);
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

/*
 * Add @pdev, which hide= names and policy allows, to the list; the device
 * is taken later. Return: false when it cannot be (memory).
 */
static bool pg_claim_entry(struct pci_dev *pdev, const struct pg_bdf *bdf)
{
	struct pg_custody *c;
	unsigned long flags;

	c = pg_custody_new(bdf, PCIGUARD_CUSTODY_BOOT);
	if (!c)
		return false;
	c->pdev = pci_dev_get(pdev);
	pg_bound_driver(pdev, c->info.orig_driver, sizeof(c->info.orig_driver));
	spin_lock_irqsave(&pg_custody_lock, flags);
	list_add_tail_rcu(&c->node, &pg_custody_list);
	spin_unlock_irqrestore(&pg_custody_lock, flags);
	return true;
}

static void pg_claim_report(struct pci_dev *pdev, int ret)
{
	if (ret)
		pci_err(pdev, "named by hide= but pciguard could not bind it; it stays pinned\n");
}

/**
 * pg_custody_claim_hidden() - take the present devices hide= names
 *
 * Called once the bus notifier is in place, so that devices added from
 * now on are pinned by it. The devices are taken at once, as hide takes
 * them.
 */
void __init pg_custody_claim_hidden(void)
{
	struct pg_custody_facts facts;
	struct pci_dev *pdev = NULL;
	struct pci_dev **take = NULL, **more;
	enum pg_custody_verdict v;
	struct pg_par *par;
	unsigned long flags;
	unsigned int n = 0, i;
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
		if (!pg_claim_entry(pdev, &bdf))
			continue;
		more = krealloc_array(take, n + 1, sizeof(*take), GFP_KERNEL);
		if (more) {
			take = more;
			take[n++] = pci_dev_get(pdev);
		} else {
			/* Short of memory: take it now. */
			pg_claim_report(pdev, pg_take(pdev));
		}
	}

	par = pg_par_new(n, pg_par_take, NULL);
	for (i = 0; i < n; i++) {
		if (par)
			par->pdev[i] = take[i];
		else	/* short of memory: one by one */
			pg_claim_report(take[i], pg_take(take[i]));
	}
	if (par) {
		pg_par_domains(par);
		pg_par_run(par);
		for (i = 0; i < n; i++)
			pg_claim_report(take[i], par->ret[i]);
	}
	mutex_unlock(&pg_custody_mutex);
	for (i = 0; i < n; i++)
		pci_dev_put(take[i]);
	pg_par_free(par);
	kfree(take);
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
