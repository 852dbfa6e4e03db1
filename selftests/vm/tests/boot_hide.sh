#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# pciguard.hide= on the kernel command line, with pciguard loaded before
# any PCI driver (as an initramfs hook loads it): the named devices are
# claimed before a dom0 driver ever sees them, and the drivers that load
# afterwards are refused and counted. Booted by "make vmtest" with
#   pciguard.hide=(01:00.0)(0000:05:*.*) rig.early=pciguard
. /tests/lib.sh
tap_begin
case $(cat /proc/cmdline) in
*pciguard.hide=*) ;;
*) skip_all "boot with pciguard.hide= on the kernel command line" ;;
esac

check_eq "the module took hide= from the kernel command line" \
	'(01:00.0)(0000:05:*.*)' "$(cat /sys/module/pciguard/parameters/hide)"
for bdf in 0000:01:00.0 0000:05:01.0 0000:05:02.0; do
	check_eq "$bdf is with pciguard after boot" pciguard "$(pci_driver $bdf)"
	check_eq "$bdf: custody source is boot" boot "$(pg_json $bdf .custody.source)"
	check_eq "$bdf: no dom0 driver ever had it" null \
		"$(pg_json $bdf .custody.original_driver)"
done
check_eq "(0000:05:*.*) leaves the bridge above bus 5 alone" host \
	"$(pg_json 04:00.0 .state)"
check_eq "and every device on other buses" virtio-pci "$(pci_driver 0000:03:00.0)"
check_eq "virtio-pci's attempt at 01:00.0 was refused" virtio-pci \
	"$(pg_json 01:00.0 .custody.last_refused_driver)"
check_eq "e1000's attempt at 05:01.0 was refused" e1000 \
	"$(pg_json 05:01.0 .custody.last_refused_driver)"
check_eq "e1000 never probed 05:01.0" "" \
	"$(dmesg | grep 'e1000 0000:05:01.0')"
check_eq "virtio-net never created an interface for 01:00.0" "" \
	"$(ls /sys/bus/pci/devices/0000:01:00.0/ | grep virtio)"

out=$(pciguard release --to-host --force 01:00.0 05:01.0 05:02.0)
check_eq "release of the boot-hidden devices" 0 "$?"
diag "$out"
check_eq "01:00.0 gets virtio-pci by its modalias" virtio-pci \
	"$(pci_driver 0000:01:00.0)"
check_eq "05:01.0 gets e1000 by its modalias" e1000 "$(pci_driver 0000:05:01.0)"
check "the module unloads once nothing is held" rmmod pciguard
tap_end
