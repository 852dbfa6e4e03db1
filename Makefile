# SPDX-License-Identifier: GPL-2.0
#
# pciguard: make builds kmod/pciguard.ko and userspace/pciguard.
# make check runs every test (unit, lint, VM); make demo boots the VM
# and walks through what works. See README.

KDIR ?= $(shell scripts/kdir.sh)
KVER = $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)
VM_TESTS ?= module.sh list.sh show.sh usb.sh errors.sh unload.sh

all: module cli

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

cli:
	$(MAKE) -C userspace

deps:
	scripts/deps.sh

unit:
	$(MAKE) -C selftests/unit run

lint:
	KDIR=$(KDIR) scripts/lint.sh

# The VM boots the kernel the module was built against.
vmtest: all
	selftests/vm/run.sh --kver $(KVER) --module kmod/pciguard.ko \
		--bin userspace/pciguard --bin /usr/bin/jq $(VM_TESTS)

check: deps
	scripts/check.sh

demo: deps
	$(MAKE) all
	selftests/vm/run.sh --kver $(KVER) --module kmod/pciguard.ko \
		--bin userspace/pciguard --bin /usr/bin/jq --shell demo.sh

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	$(MAKE) -C selftests/unit clean
	rm -rf build

.PHONY: all module cli deps unit lint vmtest check demo clean
