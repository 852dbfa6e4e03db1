// SPDX-License-Identifier: GPL-2.0
/*
 * The config-write guard: dom0's user space writes a device's config space
 * through two files, sysfs "config" and /proc/bus/pci/BB/DD.F. For a
 * device in custody, pciguard judges each such write by the device's write
 * policy (cfgspace.c) before any byte reaches the device: a refused write
 * fails with EPERM and changes nothing; an allowed one is written exactly
 * as the PCI core would write it.
 *
 * The kernel has no hook for this. Both files' write functions ignore the
 * result of each register write and report the whole count written, so
 * refusing registers underneath them (in pci_user_write_config_*) would
 * tell the writer it succeeded. pciguard therefore puts a kprobe on each
 * write function: for a device in custody the probe sends the call to
 * pciguard's own implementation, with the same arguments and the same
 * caller to return to (the way the kernel's error injection overrides a
 * function); every other device takes the PCI core's path untouched. The
 * sysfs function is found through the "config" attribute of a PCI device,
 * not by name; the proc function by its symbol. Without kprobes, or if
 * either probe is refused, custody works and the module says that config
 * writes are not guarded.
 *
 * A write that was already under way in the PCI core when its device
 * entered custody completes; custody applies to the writes that start
 * after it.
 */
#include <linux/kernfs.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/pm_runtime.h>
#include <linux/proc_fs.h>
#include <linux/ptrace.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "cfgguard.h"
#include "custody.h"

#if IS_ENABLED(CONFIG_KPROBES) && defined(CONFIG_HAVE_REGS_AND_STACK_ACCESS_API)

/*
 * Serialises guarded writes, so that the current values a write is judged
 * against are still current when it lands (as far as user space goes).
 */
static DEFINE_MUTEX(pg_cfg_write_mutex);

/*
 * Most registers a write of @count bytes splits into (pg_cfg_split()): a
 * byte and a word before the dwords, a word and a byte after them. Sized
 * per write: the usual write of 1 to 4 bytes takes a small allocation,
 * not the 12 KB a whole PCIe config space would (pages, not a slab).
 */
#define PG_CFG_PIECES(count)	((count) / 4 + 4)

/* The PCI core's runtime PM bracket around user config access. */
static void pg_cfg_pm_get(struct pci_dev *pdev)
{
	struct device *parent = pdev->dev.parent;

	if (parent)
		pm_runtime_get_sync(parent);
	pm_runtime_get_noresume(&pdev->dev);
	pm_runtime_barrier(&pdev->dev);
	if (pdev->current_state == PCI_D3cold)
		pm_runtime_resume(&pdev->dev);
}

static void pg_cfg_pm_put(struct pci_dev *pdev)
{
	struct device *parent = pdev->dev.parent;

	pm_runtime_put(&pdev->dev);
	if (parent)
		pm_runtime_put_sync(parent);
}

static void pg_cfg_add(struct pg_cfg_write *w, unsigned int *n,
		       const u8 *data, unsigned int off, unsigned int len)
{
	unsigned int i;

	w[*n].offset = off;
	w[*n].len = len;
	w[*n].value = 0;
	for (i = 0; i < len; i++)
		w[*n].value |= (u32)data[i] << (8 * i);
	w[*n].cur = w[*n].value;	/* until read, if it is needed */
	(*n)++;
}

/*
 * Split a write of @count bytes at @off into the registers the PCI core
 * writes (pci_write_config() in pci-sysfs.c, proc_bus_pci_write()):
 * a byte to reach an even offset, a word to reach a multiple of four,
 * dwords, then a word and a byte.
 */
static unsigned int pg_cfg_split(const u8 *data, unsigned int off,
				 unsigned int count, struct pg_cfg_write *w)
{
	unsigned int n = 0, done = 0;

	if ((off & 1) && count) {
		pg_cfg_add(w, &n, data, off, 1);
		done = 1;
	}
	if (((off + done) & 3) && count - done > 2) {
		pg_cfg_add(w, &n, data + done, off + done, 2);
		done += 2;
	}
	while (count - done > 3) {
		pg_cfg_add(w, &n, data + done, off + done, 4);
		done += 4;
	}
	if (count - done >= 2) {
		pg_cfg_add(w, &n, data + done, off + done, 2);
		done += 2;
	}
	if (count - done)
		pg_cfg_add(w, &n, data + done, off + done, 1);
	return n;
}

static int pg_cfg_read(struct pci_dev *pdev, struct pg_cfg_write *w)
{
	u16 w16;
	u8 w8;
	int ret;

	switch (w->len) {
	case 1:
		ret = pci_user_read_config_byte(pdev, w->offset, &w8);
		w->cur = w8;
		return ret;
	case 2:
		ret = pci_user_read_config_word(pdev, w->offset, &w16);
		w->cur = w16;
		return ret;
	default:
		return pci_user_read_config_dword(pdev, w->offset, &w->cur);
	}
}

static void pg_cfg_do(struct pci_dev *pdev, const struct pg_cfg_write *w)
{
	switch (w->len) {
	case 1:
		pci_user_write_config_byte(pdev, w->offset, w->value);
		break;
	case 2:
		pci_user_write_config_word(pdev, w->offset, w->value);
		break;
	default:
		pci_user_write_config_dword(pdev, w->offset, w->value);
	}
}

/*
 * A guarded write of @count bytes of @data at @off, already clipped to the
 * config space. Return: @count, or -EPERM (nothing written).
 */
static ssize_t pg_cfg_write(struct pci_dev *pdev, const u8 *data,
			    unsigned int off, unsigned int count)
{
	struct pg_cfg_write *w;
	unsigned int n, i;
	int ret;

	w = kmalloc_array(PG_CFG_PIECES(count), sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	n = pg_cfg_split(data, off, count, w);

	mutex_lock(&pg_cfg_write_mutex);
	pg_cfg_pm_get(pdev);
	/*
	 * A register the policy opens entirely is judged without its value:
	 * reading it would cost one more config access than the unguarded
	 * write makes.
	 */
	ret = pg_custody_cfg_judge(pdev, w, n, false);
	if (ret == -EAGAIN) {
		for (i = 0; i < n; i++)
			if (pg_cfg_read(pdev, &w[i]))
				w[i].cur = ~0U >> (32 - 8 * w[i].len);
		ret = pg_custody_cfg_judge(pdev, w, n, true);
	}
	if (ret != -EPERM) {
		/* Allowed, or custody ended meanwhile: the core's rules. */
		for (i = 0; i < n; i++)
			pg_cfg_do(pdev, &w[i]);
		ret = 0;
	}
	pg_cfg_pm_put(pdev);
	mutex_unlock(&pg_cfg_write_mutex);
	kfree(w);
	return ret ? ret : (ssize_t)count;
}

/*
 * Where the probes send a guarded write. Same prototypes as the functions
 * they replace. Each runs with a reference on this module, taken by the
 * probe and dropped on the way out.
 */
static ssize_t pg_cfg_sysfs_write(struct file *filp, struct kobject *kobj,
				  struct bin_attribute *attr, char *buf,
				  loff_t off, size_t count)
{
	struct pci_dev *pdev = to_pci_dev(kobj_to_dev(kobj));
	ssize_t ret;

	ret = security_locked_down(LOCKDOWN_PCI_ACCESS);
	if (ret)
		goto out;
	if (off < 0 || off >= pdev->cfg_size) {
		ret = 0;
		goto out;
	}
	if (off + count > pdev->cfg_size)
		count = pdev->cfg_size - off;
	ret = pg_cfg_write(pdev, buf, off, count);
out:
	module_put(THIS_MODULE);
	return ret;
}

static ssize_t pg_cfg_proc_write(struct file *file, const char __user *ubuf,
				 size_t nbytes, loff_t *ppos)
{
	struct inode *ino = file_inode(file);
	struct pci_dev *pdev = pde_data(ino);
	loff_t pos = *ppos;
	ssize_t ret;
	u8 *buf;

	ret = security_locked_down(LOCKDOWN_PCI_ACCESS);
	if (ret)
		goto out;
	if (pos < 0 || pos >= pdev->cfg_size) {
		ret = 0;
		goto out;
	}
	if (pos + nbytes > pdev->cfg_size)
		nbytes = pdev->cfg_size - pos;
	buf = memdup_user(ubuf, nbytes);
	if (IS_ERR(buf)) {
		ret = PTR_ERR(buf);
		goto out;
	}
	ret = pg_cfg_write(pdev, buf, pos, nbytes);
	kfree(buf);
	if (ret > 0) {
		*ppos = pos + ret;
		i_size_write(ino, pdev->cfg_size);
	}
out:
	module_put(THIS_MODULE);
	return ret;
}

/*
 * Send the call to @to when @pdev is in custody. The probe sits on the
 * function's first instruction: the arguments are in place and the
 * caller's return address on top of the stack, so @to runs as if it had
 * been called instead.
 */
static int pg_cfg_redirect(struct pt_regs *regs, struct pci_dev *pdev,
			   void *to)
{
	if (!pdev || !pg_custody_cfg_guarded(pdev) ||
	    !try_module_get(THIS_MODULE))
		return 0;
	instruction_pointer_set(regs, (unsigned long)to);
	return 1;
}

/* Entry of pci_write_config(filp, kobj, attr, buf, off, count). */
static int pg_cfg_sysfs_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct kobject *kobj =
		(struct kobject *)regs_get_kernel_argument(regs, 1);
	struct device *dev = kobj ? kobj_to_dev(kobj) : NULL;

	if (!dev || dev->bus != &pci_bus_type)
		return 0;
	return pg_cfg_redirect(regs, to_pci_dev(dev), pg_cfg_sysfs_write);
}

/* Entry of proc_bus_pci_write(file, buf, nbytes, ppos). */
static int pg_cfg_proc_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct file *file = (struct file *)regs_get_kernel_argument(regs, 0);

	if (!file)
		return 0;
	return pg_cfg_redirect(regs, pde_data(file_inode(file)),
			       pg_cfg_proc_write);
}

/*
 * Never called with a redirect (the pre-handler returns 1 then); its being
 * there is what counts. An optimised kprobe (a jump, on kernels without
 * kprobes on ftrace) ignores a pre-handler's change of the instruction
 * pointer, so the guard would let every write through; the kprobe core
 * never optimises a probe with a post-handler. On ftrace-based kprobes a
 * post-handler makes the probe register as IPMODIFY, which is what a
 * redirect is.
 */
static void pg_cfg_post(struct kprobe *kp, struct pt_regs *regs,
			unsigned long flags)
{
}

static struct kprobe pg_cfg_sysfs_kp = {
	.pre_handler = pg_cfg_sysfs_pre,
	.post_handler = pg_cfg_post,
};

static struct kprobe pg_cfg_proc_kp = {
	.symbol_name = "proc_bus_pci_write",
	.pre_handler = pg_cfg_proc_pre,
	.post_handler = pg_cfg_post,
};

static bool pg_cfg_sysfs_on, pg_cfg_proc_on;

/* The write function of the sysfs "config" attribute of PCI devices. */
static void *pg_cfg_sysfs_fn(void)
{
	struct pci_dev *pdev = NULL;
	struct bin_attribute *attr;
	struct kernfs_node *kn;
	void *fn = NULL;

	for_each_pci_dev(pdev) {
		kn = kernfs_find_and_get(pdev->dev.kobj.sd, "config");
		if (!kn)
			continue;
		attr = kn->priv;
		fn = attr ? attr->write : NULL;
		kernfs_put(kn);
		pci_dev_put(pdev);
		break;
	}
	return fn;
}

/**
 * pg_cfgguard_init() - start judging config writes to devices in custody
 *
 * Failure is not fatal: custody holds without it, and the module says
 * which writes go unguarded.
 */
void pg_cfgguard_init(void)
{
	int ret;

	pg_cfg_sysfs_kp.addr = pg_cfg_sysfs_fn();
	ret = pg_cfg_sysfs_kp.addr ? register_kprobe(&pg_cfg_sysfs_kp) :
				     -ENOENT;
	if (ret)
		pr_warn("cannot guard config writes through sysfs (%d): they reach devices in custody unjudged\n",
			ret);
	else
		pg_cfg_sysfs_on = true;

	if (!IS_ENABLED(CONFIG_PROC_FS))
		return;
	ret = register_kprobe(&pg_cfg_proc_kp);
	if (ret)
		pr_warn("cannot guard config writes through /proc/bus/pci (%d): they reach devices in custody unjudged\n",
			ret);
	else
		pg_cfg_proc_on = true;
}

/**
 * pg_cfgguard_exit() - stop judging config writes
 *
 * Writes already sent to pciguard's functions hold a module reference.
 */
void pg_cfgguard_exit(void)
{
	if (pg_cfg_sysfs_on)
		unregister_kprobe(&pg_cfg_sysfs_kp);
	if (pg_cfg_proc_on)
		unregister_kprobe(&pg_cfg_proc_kp);
	pg_cfg_sysfs_on = false;
	pg_cfg_proc_on = false;
}

#else

void pg_cfgguard_init(void)
{
	pr_warn("built without kprobes: config writes to devices in custody are not judged\n");
}

void pg_cfgguard_exit(void)
{
}

#endif
