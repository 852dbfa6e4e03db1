#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# With nothing in custody the module unloads cleanly and leaves every device
# as it found it.
. /tests/lib.sh
tap_begin
modprobe pciguard

check "rmmod pciguard succeeds" rmmod pciguard
check "the module is gone" test ! -e /sys/module/pciguard
pci_drivers > /tmp/drivers.after
if [ -f /tmp/drivers.before ]; then
	check "every device keeps the driver it had before the module loaded" \
		diff /tmp/drivers.before /tmp/drivers.after
fi
without_autoload pciguard list --all >/dev/null 2>&1
check_eq "after unload the CLI reports the missing module (exit 1)" 1 "$?"
check "modprobe after unload works again" modprobe pciguard
check "and unloads again" rmmod pciguard
tap_end
