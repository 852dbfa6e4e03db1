#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The module loads cleanly and registers its netlink family; before that the
# CLI says the module is missing and how to load it.
. /tests/lib.sh
tap_begin

# What every device is bound to before pciguard exists, for unload.sh.
pci_drivers > /tmp/drivers.before

# The kernel would load the module on demand (MODULE_ALIAS_GENL_FAMILY);
# make that fail to see what an admin sees when the module is missing.
out=$(without_autoload pciguard list --all 2>&1)
check_eq "without the module, list exits 1" 1 "$?"
check_eq "without the module, the CLI says so and how to load it" \
	"pciguard: the pciguard kernel module is not loaded; load it with 'modprobe pciguard' (or 'insmod kmod/pciguard.ko' from a build tree)" \
	"$out"

check "the first request loads the module on demand" pciguard list --all
check "the module was loaded by the family alias" test -d /sys/module/pciguard
check "rmmod after on-demand load" rmmod pciguard

check "modprobe pciguard loads the module" modprobe pciguard
check "the module is live" test "$(cat /sys/module/pciguard/initstate)" = live
out=$(dmesg | grep 'pciguard: loaded')
case $out in
*"netlink family pciguard version 1"*) ok "load message names the family and version" ;;
*) not_ok "load message names the family and version" "$(dmesg | tail -5)" ;;
esac
check "the family answers a dump" pciguard list --all
taint=$(cat /sys/module/pciguard/taint)
check_eq "the out-of-tree taint is not hidden" O "$(echo "$taint" | tr -cd O)"
tap_end
