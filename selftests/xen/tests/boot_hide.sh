#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# pciguard.hide= on dom0's kernel command line under Xen, with pciguard
# loaded before any PCI driver (as an initramfs hook loads it): the
# virtio-net at 01:00.0 never meets dom0's driver, and goes from boot
# custody to a guest.  Booted by "make check-xen" with
#   pciguard.hide=(01:00.0) rig.early=pciguard
# shellcheck source-path=SCRIPTDIR/.. source=../vm/lib.sh
. /tests/lib.sh
# shellcheck source=xenlib.sh
. /tests/xenlib.sh

BDF=0000:01:00.0
GUEST=early

tap_begin
case $(cat /proc/cmdline) in
*pciguard.hide=*) ;;
*) skip_all "boot dom0 with pciguard.hide= on its kernel command line" ;;
esac
check_eq "running as Xen's dom0" xen "$(cat /sys/hypervisor/type 2>/dev/null)"
check_eq "the module took hide= from dom0's command line" \
	'(01:00.0)' "$(cat /sys/module/pciguard/parameters/hide)"
check_eq "$BDF is with pciguard after boot" pciguard "$(pci_driver $BDF)"
check_eq "  custody source is boot" boot "$(pg_json $BDF .custody.source)"
check_eq "  no dom0 driver ever had it" null "$(pg_json $BDF .custody.original_driver)"
check_eq "  virtio-pci's attempt was refused" virtio-pci \
	"$(pg_json $BDF .custody.last_refused_driver)"
check_eq "  virtio-pci never probed it" "" \
	"$(dmesg | grep "virtio-pci $BDF")"
check_eq "the other virtio-net is dom0's" virtio-pci "$(pci_driver 0000:03:00.0)"

check "xen-pciback loads" modprobe xen-pciback
out=$(pciguard assign "$GUEST" "$BDF" 2>&1)
check_eq "assign $GUEST $BDF from boot custody (exit 0)" 0 "$?"
diag "$out"
check_eq "  bound to pciback" pciback "$(pci_driver $BDF)"
if guest_create "$GUEST" 01:00.0 && guest_wait "$GUEST" 120; then
	ok "a guest starts with it"
else
	not_ok "a guest starts with it"
	guest_diag "$GUEST"
fi
check_eq "  and pings through it" "eth0 10.0.2.2 ok" "$(guest_lines "$GUEST" ping)"
check "xl destroy $GUEST" guest_destroy "$GUEST"
pciguard detach "$BDF" >/dev/null 2>&1
check_eq "detach: back in pciguard's quarantine" pciguard "$(pci_driver $BDF)"
check_eq "  custody is still from boot" boot "$(pg_json $BDF .custody.source)"
tap_end
