# SPDX-License-Identifier: GPL-2.0
#
# pciguard: make builds kmod/pciguard.ko and userspace/pciguard.
# make check runs every test (unit, lint, VM, Xen); make demo boots the VM
# and walks through what works. See README.

KDIR ?= $(shell scripts/kdir.sh)
KVER = $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null)
VM_TESTS ?= rig_smoke.sh module.sh list.sh show.sh usb.sh errors.sh netlink.sh \
	custody.sh rebind.sh hide_param.sh check.sh assign.sh cfgwrite.sh unload.sh
# A second boot: pciguard.hide= on the kernel command line, module loaded
# before any driver (as an initramfs hook does).
VM_BOOT_HIDE = --append "pciguard.hide=(01:00.0)(0000:05:*.*) rig.early=pciguard"
VM_BINS = --bin $(CURDIR)/userspace/pciguard --bin $(CURDIR)/build/progs/nl_errors
VM_RUN = selftests/vm/run.sh --kver $(KVER) --timeout 900 \
	--module $(CURDIR)/kmod/pciguard.ko $(VM_BINS)
# Persistence: three boots share /etc/pciguard on a disk image (selftests/
# vm/README); rig.etc_boot=N fails a boot that is not the disk's Nth. Boots
# 2 and 3 start as a host with pciguard's initramfs hook does: the list
# persist_save.sh asserts 'pciguard cmdline' prints, pciguard loaded first.
VM_DISK = $(CURDIR)/build/vm/etc-pciguard.img
PERSIST_EARLY = pciguard.hide=(0000:02:00.0)(0000:06:00.0)(0000:01:00.0)(0000:03:00.0)(0000:03:00.1) \
	rig.early=pciguard
# The Xen rig: Xen 4.17, a PV dom0 and PV guests (selftests/xen/README).
# smoke.sh, which uses no pciguard, leaves 01:00.0 with pciback: last.
XEN_TESTS ?= refuse.sh assign.sh config.sh smoke.sh
XEN_BOOT_HIDE = --append "pciguard.hide=(01:00.0) rig.early=pciguard"

all: module cli

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

cli:
	$(MAKE) -C userspace

deps:
	scripts/deps.sh

unit:
	$(MAKE) -C selftests/unit run

fuzz:
	$(MAKE) -C selftests/fuzz run

lint:
	KDIR=$(KDIR) scripts/lint.sh

# The VM boots the kernel the module was built against.
# C selftests that run inside the VM.
build/progs/nl_errors: selftests/vm/progs/nl_errors.c kmod/uapi/pciguard.h
	scripts/ksrc.sh build/ksrc
	mkdir -p build/progs
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Wno-unused-parameter -D_GNU_SOURCE \
		-Ikmod -Ibuild/ksrc/selftests -o $@ $<

# Each boot prints its own closing "N passed, N failed" line.
vmtest: all build/progs/nl_errors
	rc=0; \
	selftests/vm/run.sh --kver $(KVER) --timeout 900 \
		--module $(CURDIR)/kmod/pciguard.ko $(VM_BINS) $(VM_TESTS) || rc=1; \
	selftests/vm/run.sh --kver $(KVER) --module $(CURDIR)/kmod/pciguard.ko \
		$(VM_BINS) $(VM_BOOT_HIDE) boot_hide.sh || rc=1; \
	$(VM_RUN) --disk-new $(VM_DISK) --append "rig.etc_boot=1" \
		rig_disk.sh persist_save.sh || rc=1; \
	$(VM_RUN) --disk $(VM_DISK) --append "rig.etc_boot=2 $(PERSIST_EARLY)" \
		rig_disk.sh persist_restore.sh || rc=1; \
	$(VM_RUN) --topology changed --disk $(VM_DISK) \
		--append "rig.etc_boot=3 $(PERSIST_EARLY)" \
		rig_disk.sh persist_changed.sh || rc=1; \
	$(VM_RUN) --topology many rig_disk.sh persist_many.sh || rc=1; \
	exit $$rc

# Each boot prints its own closing "N passed, N failed" line.
check-xen: all
	rc=0; \
	selftests/xen/run.sh --kver $(KVER) --timeout 1200 $(XEN_TESTS) || rc=1; \
	selftests/xen/run.sh --kver $(KVER) $(XEN_BOOT_HIDE) boot_hide.sh || rc=1; \
	exit $$rc

check: deps
	scripts/check.sh

# Part one under Xen (a guest gets a NIC), part two in the VM, which ends
# in a shell when run from a terminal.
demo: deps
	$(MAKE) all build/progs/nl_errors
	selftests/xen/run.sh --kver $(KVER) demo.sh
	selftests/vm/run.sh --kver $(KVER) --module $(CURDIR)/kmod/pciguard.ko \
		$(VM_BINS) --shell demo.sh

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	$(MAKE) -C selftests/unit clean
	rm -rf build

.PHONY: all module cli deps unit fuzz lint vmtest check-xen check demo clean
