# SPDX-License-Identifier: GPL-2.0
#
# pciguard: make builds kmod/pciguard.ko and userspace/pciguard.
# make check runs every test (unit, lint, VM, Xen); make demo boots the VM
# and walks through what works. See README.

KDIR ?= $(shell scripts/kdir.sh)
KVER = $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null)
VM_TESTS ?= rig_smoke.sh module.sh list.sh show.sh usb.sh errors.sh netlink.sh \
	custody.sh rebind.sh hide_param.sh check.sh assign.sh cfgwrite.sh \
	privilege.sh nl_fuzz.sh ynl_spec.sh unload.sh
# A second boot: pciguard.hide= on the kernel command line, module loaded
# before any driver (as an initramfs hook does).
VM_BOOT_HIDE = --append "pciguard.hide=(01:00.0)(0000:05:*.*) rig.early=pciguard"
# C programs the guest tests run, from selftests/vm/progs/NAME.c.
PROGS = nl_errors nl_perm privdrop nl_fuzz concurrency genl_spec
PROG_BINS = $(addprefix build/progs/,$(PROGS))
VM_BINS = --bin $(CURDIR)/userspace/pciguard $(foreach p,$(PROG_BINS),--bin $(CURDIR)/$(p))
# make check-debug runs the same boots on its debug kernel: it sets the
# VM_KERNEL, VM_KVER and VM_MODULE it built, and VM_LAST (leak_check.sh).
VM_KVER = $(KVER)
VM_MODULE = $(CURDIR)/kmod/pciguard.ko
VM_TIMEOUT = 900
VM_KERNEL =
VM_LAST =
VM_RUN = selftests/vm/run.sh --kver $(VM_KVER) --timeout $(VM_TIMEOUT) \
	--module $(VM_MODULE) $(VM_BINS) $(VM_KERNEL)
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

# The documentation tests run the CLI's --help against the man page.
unit: cli
	$(MAKE) -C selftests/unit run

fuzz:
	$(MAKE) -C selftests/fuzz run

lint:
	KDIR=$(KDIR) scripts/lint.sh

# The VM boots the kernel the module was built against.
# C selftests that run inside the VM.
build/progs/%: selftests/vm/progs/%.c selftests/vm/progs/pcisysfs.h kmod/uapi/pciguard.h
	scripts/ksrc.sh build/ksrc
	mkdir -p build/progs
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Wno-unused-parameter -D_GNU_SOURCE \
		-Ikmod -Ibuild/ksrc/selftests -o $@ $<

# What Documentation/netlink/pciguard.yaml says the running family reports
# through the genl controller, for tests/ynl_spec.sh (in the image with
# VM_YNL). Generated, never committed.
YNL_EXPECT = build/ynl.expect
VM_YNL = --file $(CURDIR)/$(YNL_EXPECT):/tests/ynl.expect
$(YNL_EXPECT): Documentation/netlink/pciguard.yaml selftests/vm/ynl-expect.py
	mkdir -p build
	selftests/vm/ynl-expect.py $< > $@.tmp
	mv $@.tmp $@

progs: $(PROG_BINS) $(YNL_EXPECT)

# Each boot prints its own closing "N passed, N failed" line.
vmtest: all $(PROG_BINS) $(YNL_EXPECT)
	rc=0; \
	$(VM_RUN) $(VM_YNL) $(VM_TESTS) $(VM_LAST) || rc=1; \
	$(VM_RUN) $(VM_BOOT_HIDE) boot_hide.sh $(VM_LAST) || rc=1; \
	$(VM_RUN) --disk-new $(VM_DISK) --append "rig.etc_boot=1" \
		rig_disk.sh persist_save.sh $(VM_LAST) || rc=1; \
	$(VM_RUN) --disk $(VM_DISK) --append "rig.etc_boot=2 $(PERSIST_EARLY)" \
		rig_disk.sh persist_restore.sh $(VM_LAST) || rc=1; \
	$(VM_RUN) --topology changed --disk $(VM_DISK) \
		--append "rig.etc_boot=3 $(PERSIST_EARLY)" \
		rig_disk.sh persist_changed.sh $(VM_LAST) || rc=1; \
	$(VM_RUN) --topology many rig_disk.sh persist_many.sh $(VM_LAST) || rc=1; \
	$(VM_RUN) concurrency.sh $(VM_LAST) || rc=1; \
	$(VM_RUN) --topology hotplug hotplug.sh $(VM_LAST) || rc=1; \
	exit $$rc

# The YNL spec against the running family, on its own (one boot, ~15 s).
check-ynl: all $(PROG_BINS) $(YNL_EXPECT)
	$(VM_RUN) $(VM_YNL) ynl_spec.sh $(VM_LAST)

# The hot-unplug boot (Documentation/reliability.rst) on its own; make
# vmtest's last boot.
check-hotplug: all $(PROG_BINS)
	$(VM_RUN) --topology hotplug hotplug.sh $(VM_LAST)

# The debug kernel (scripts/debug-kernel.sh, selftests/vm/debug.config:
# KASAN, KFENCE, lockdep, DEBUG_ATOMIC_SLEEP, kmemleak, UBSAN), built once
# and cached in build/debug-kernel; pciguard.ko built against it from a
# copy of kmod/; then every vmtest boot with panic_on_warn=1, ending in a
# kmemleak scan that must be empty.  Not part of make check (README).
DEBUG_DIR = $(CURDIR)/build/debug-kernel
# RIG_VIRTIO_NET_INTX=1: virtio-net without MSI-X (selftests/vm/run.sh says
# why: a lockdep report in 6.1's own virtio-net probe would turn lockdep
# off before the suite starts).
DEBUG_APPEND = panic_on_warn=1 rig.kmemleak=1
DEBUG_MOD = $(DEBUG_DIR)/mod
check-debug: all $(PROG_BINS)
	scripts/debug-kernel.sh $(DEBUG_DIR)
	rm -rf $(DEBUG_MOD) && mkdir -p $(DEBUG_MOD)/kmod
	cp Kbuild VERSION $(DEBUG_MOD)/
	cp -R kmod/Kbuild kmod/*.c kmod/*.h kmod/uapi $(DEBUG_MOD)/kmod/
	$(MAKE) -C $(DEBUG_DIR)/src M=$(DEBUG_MOD) W=1 modules
	RIG_VIRTIO_NET_INTX=1 $(MAKE) -k vmtest \
		VM_KVER=$$(cat $(DEBUG_DIR)/kver) \
		VM_MODULE=$(DEBUG_MOD)/kmod/pciguard.ko VM_TIMEOUT=3600 \
		VM_KERNEL="--kernel-root $(DEBUG_DIR)/root --append '$(DEBUG_APPEND)'" \
		VM_LAST=leak_check.sh VM_DISK=$(CURDIR)/build/vm/debug-etc.img

# make bench (Documentation/performance.rst): the ratios of issue 9,
# measured side by side in one boot of the many topology (ten FLR-capable
# endpoints), and the config-write engine's cost on the host (bench/
# judge.c). Prints a table and writes bench/results.json (a build output:
# not committed). It reports speed and never fails on it; it fails when a
# measurement could not be taken. BENCH_RUNS: samples per figure.
BENCH_DIR = $(CURDIR)/build/bench
BENCH_RUNS = 11
build/bench/judge: bench/judge.c kmod/cfgspace.c kmod/cfgspace.h kmod/compat.h
	mkdir -p build/bench
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Wno-unused-parameter -D_GNU_SOURCE \
		-Ikmod -o $@ bench/judge.c kmod/cfgspace.c

bench: all build/progs/bench build/bench/judge
	build/bench/judge $(BENCH_RUNS) > $(BENCH_DIR)/judge.json
	rc=0; \
	BUILD_DIR=$(BENCH_DIR) selftests/vm/run.sh --kver $(VM_KVER) \
		--timeout 1800 --topology many --module $(VM_MODULE) \
		--bin $(CURDIR)/userspace/pciguard \
		--bin $(CURDIR)/build/progs/bench \
		--append "rig.bench_runs=$(BENCH_RUNS)" bench.sh || rc=1; \
	python3 bench/report.py --tap $(BENCH_DIR)/tap.log \
		--judge $(BENCH_DIR)/judge.json --out bench/results.json || rc=1; \
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
	$(MAKE) all $(PROG_BINS) $(YNL_EXPECT)
	selftests/xen/run.sh --kver $(KVER) demo.sh
	selftests/vm/run.sh --kver $(KVER) --module $(CURDIR)/kmod/pciguard.ko \
		$(VM_BINS) $(VM_YNL) --shell demo.sh

# Installing (README, "Installing"). PREFIX and DESTDIR as usual; the
# initramfs-tools and dracut files go where those tools look, whatever
# PREFIX is: initramfs-tools reads only /usr/share/initramfs-tools (PREFIX=
# /usr, for packages) and /etc/initramfs-tools (the admin's own: any other
# PREFIX), dracut only /usr/lib/dracut/modules.d. Files naming the CLI are
# generated from packaging/*.in with its installed path.
PG_VERSION := $(shell cat VERSION)
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
UNITDIR ?= $(PREFIX)/lib/systemd/system
INITRAMFSDIR ?= $(if $(filter /usr,$(PREFIX)),/usr/share/initramfs-tools,/etc/initramfs-tools)
DRACUTDIR ?= /usr/lib/dracut/modules.d
DKMS ?= dkms
DKMS_FLAGS ?=
DKMSSRCDIR ?= /usr/src
DKMS_SRC = $(DESTDIR)$(DKMSSRCDIR)/pciguard-$(PG_VERSION)
SUBST = sed -e 's|@SBINDIR@|$(SBINDIR)|g'

install: cli
	install -D -m 0755 userspace/pciguard $(DESTDIR)$(SBINDIR)/pciguard
	install -D -m 0644 Documentation/pciguard.8 $(DESTDIR)$(MANDIR)/man8/pciguard.8
	install -D -m 0644 packaging/bash-completion/pciguard \
		$(DESTDIR)$(BASHCOMPDIR)/pciguard
	install -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(INITRAMFSDIR)/hooks \
		$(DESTDIR)$(INITRAMFSDIR)/scripts/init-top \
		$(DESTDIR)$(DRACUTDIR)/90pciguard
	$(SUBST) packaging/systemd/pciguard-restore.service.in \
		> $(DESTDIR)$(UNITDIR)/pciguard-restore.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/pciguard-restore.service
	$(SUBST) packaging/initramfs-tools/hooks/pciguard.in \
		> $(DESTDIR)$(INITRAMFSDIR)/hooks/pciguard
	chmod 0755 $(DESTDIR)$(INITRAMFSDIR)/hooks/pciguard
	install -m 0755 packaging/initramfs-tools/scripts/init-top/pciguard \
		$(DESTDIR)$(INITRAMFSDIR)/scripts/init-top/pciguard
	$(SUBST) packaging/dracut/90pciguard/module-setup.sh.in \
		> $(DESTDIR)$(DRACUTDIR)/90pciguard/module-setup.sh
	chmod 0755 $(DESTDIR)$(DRACUTDIR)/90pciguard/module-setup.sh
	install -m 0755 packaging/dracut/90pciguard/pciguard-pre-udev.sh \
		$(DESTDIR)$(DRACUTDIR)/90pciguard/pciguard-pre-udev.sh
	@echo "install: next: make dkms-install (the module), systemctl daemon-reload," \
		"systemctl enable pciguard-restore.service, update-initramfs -u (or dracut -f)"

# On a live system (no DESTDIR) the unit is disabled first, if enabled.
uninstall:
	if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ] && \
		[ -f $(UNITDIR)/pciguard-restore.service ]; then \
		systemctl disable pciguard-restore.service || true; fi
	rm -f $(DESTDIR)$(SBINDIR)/pciguard $(DESTDIR)$(MANDIR)/man8/pciguard.8 \
		$(DESTDIR)$(BASHCOMPDIR)/pciguard \
		$(DESTDIR)$(UNITDIR)/pciguard-restore.service \
		$(DESTDIR)$(INITRAMFSDIR)/hooks/pciguard \
		$(DESTDIR)$(INITRAMFSDIR)/scripts/init-top/pciguard \
		$(DESTDIR)$(DRACUTDIR)/90pciguard/module-setup.sh \
		$(DESTDIR)$(DRACUTDIR)/90pciguard/pciguard-pre-udev.sh
	if [ -d $(DESTDIR)$(DRACUTDIR)/90pciguard ]; then \
		rmdir $(DESTDIR)$(DRACUTDIR)/90pciguard; fi
	@echo "uninstall: update-initramfs -u (or dracut -f) drops the hooks from the initramfs"

# The module's sources go to /usr/src/pciguard-VERSION with dkms.conf; DKMS
# builds and installs it for KVER now (the kernel make builds for) and, with
# AUTOINSTALL, for every kernel installed later. Reinstalling replaces the
# same version. DKMS_FLAGS: e.g. --dkmstree, --sourcetree (the tests).
# dkms-src only puts the sources there (DESTDIR to stage: the Debian
# package pciguard-dkms ships them and registers them at install).
dkms-src:
	rm -rf $(DKMS_SRC)
	install -d $(DKMS_SRC)/kmod/uapi
	install -m 0644 Kbuild VERSION $(DKMS_SRC)/
	install -m 0644 kmod/Kbuild $(filter-out %.mod.c,$(wildcard kmod/*.[ch])) \
		$(DKMS_SRC)/kmod/
	install -m 0644 $(wildcard kmod/uapi/*.h) $(DKMS_SRC)/kmod/uapi/
	sed -e 's|@VERSION@|$(PG_VERSION)|g' dkms.conf > $(DKMS_SRC)/dkms.conf

dkms-install:
	if [ -n "$$($(DKMS) $(DKMS_FLAGS) status -m pciguard -v $(PG_VERSION))" ]; then \
		$(DKMS) $(DKMS_FLAGS) remove -m pciguard -v $(PG_VERSION) --all; fi
	$(MAKE) --no-print-directory dkms-src
	$(DKMS) $(DKMS_FLAGS) add -m pciguard -v $(PG_VERSION)
	$(DKMS) $(DKMS_FLAGS) build -m pciguard -v $(PG_VERSION) -k $(KVER)
	$(DKMS) $(DKMS_FLAGS) install -m pciguard -v $(PG_VERSION) -k $(KVER)
	@echo "dkms-install: update-initramfs -u -k $(KVER) (or dracut -f) puts it in the initramfs"

# Every version DKMS knows, from every kernel, and their sources.
dkms-uninstall:
	for v in $$($(DKMS) $(DKMS_FLAGS) status -m pciguard | \
			sed -n 's|^pciguard/\([^,:]*\)[,:].*|\1|p' | sort -u); do \
		$(DKMS) $(DKMS_FLAGS) remove -m pciguard -v "$$v" --all || exit 1; \
		rm -rf $(DESTDIR)$(DKMSSRCDIR)/pciguard-"$$v"; \
	done
	rm -rf $(DKMS_SRC)

# The Debian packages pciguard and pciguard-dkms (debian/, README.Debian)
# in build/deb, with lintian's verdict in build/deb/lintian.log. Built by
# dpkg-buildpackage from a copy of the tree (tracked and new files, not
# build outputs) in build/deb/src, which writes next to that copy and is
# removed after: nothing is left outside build/.
DEB_DIR = $(CURDIR)/build/deb
DEB_SRC = $(DEB_DIR)/src/pciguard-$(PG_VERSION)
deb:
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_SRC)
	git ls-files -z --cached --others --exclude-standard | \
		xargs -0 sh -c 'for f; do [ -e "$$f" ] && printf "%s\0" "$$f"; done' _ | \
		cpio -0 -pdm --quiet $(DEB_SRC)
	cd $(DEB_SRC) && dpkg-buildpackage -us -uc -b
	mv $(DEB_DIR)/src/*.deb $(DEB_DIR)/src/*.buildinfo $(DEB_DIR)/src/*.changes $(DEB_DIR)/
	rm -rf $(DEB_DIR)/src
	lintian --info $(DEB_DIR)/*.changes > $(DEB_DIR)/lintian.log 2>&1; \
		rc=$$?; cat $(DEB_DIR)/lintian.log; [ $$rc -eq 0 ] || [ $$rc -eq 2 ]
	@ls -1 $(DEB_DIR)/*.deb

# The packages as an admin gets them: make deb, dpkg -i in a private mount
# namespace (the DKMS build in pciguard-dkms's postinst, the
# update-initramfs trigger), dpkg -r and --purge, then a VM boot with the
# installed files in the image and deb_smoke.sh (selftests/deb/run.sh;
# root, or sudo). Host part and VM each print "N passed, N failed".
check-deb:
	KDIR=$(KDIR) selftests/deb/run.sh --timeout $(VM_TIMEOUT)

# Install, uninstall, the unit, the initramfs-tools hook (a real
# mkinitramfs), the dracut module and DKMS, in a private mount namespace
# (needs root). Prints TAP and "N passed, N failed".
check-install: all
	KDIR=$(KDIR) selftests/install/run.sh

.PHONY: install uninstall dkms-src dkms-install dkms-uninstall check-install

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	$(MAKE) -C selftests/unit clean
	rm -rf build

.PHONY: deb check-deb all module cli progs deps unit fuzz lint vmtest check-ynl check-hotplug check-debug check-xen check demo bench clean
