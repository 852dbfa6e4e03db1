#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make demo, part one: pciguard in a real Xen dom0, handing a NIC to a PV
# guest through xen-pciback.  Narrated like selftests/vm/tests/demo.sh;
# each step checks its exit status (TAP on the rig's channel).
# shellcheck source-path=SCRIPTDIR/.. source=../vm/lib.sh
. /tests/lib.sh
# shellcheck source=xenlib.sh
. /tests/xenlib.sh

tap_begin
modprobe xen-pciback
modprobe pciguard
say "X1. A Xen dom0 (Xen 4.17 in QEMU): the hypervisor owns the IOMMU"
step 0 "xl list" xl list
step 0 "check: the gate asks Xen whether DMA remapping is on" pciguard check 01:00.0
step 1 "one function of a multifunction slot is refused: dom0 has no IOMMU groups, pciguard works them out" pciguard check 03:00.0

say "X2. Hand the NIC to the guest 'web': custody, reset, then xen-pciback (the default backend)"
step 0 "assign" pciguard assign web 01:00.0
step 0 "xl sees an assignable device" xl pci-assignable-list

say "X3. The guest starts with it and drives it (pcifront, DHCP through QEMU's network, ping)"
printf "\n$ xl create web.cfg   # pci = [ '01:00.0' ]\n"
guest_create web 01:00.0 && guest_wait web 120
check_eq "the guest pinged its gateway through the NIC" "eth0 10.0.2.2 ok" "$(guest_lines web ping)"
guest_lines web pci | sed 's/^/   guest: /'
step 0 "show: the domain that really holds the device" sh -c 'pciguard show 01:00.0 | grep -E "state|assigned to|held by"'
step 1 "detach is refused while the guest uses it" pciguard detach 01:00.0

say "X4. The guest goes; the device waits on pciback for its next start; take it back"
printf '\n$ xl destroy web\n'
guest_destroy web
check_eq "xl destroy web" 0 $?
step 0 "detach: back to pciguard's quarantine, reset" pciguard detach 01:00.0
step 0 "release --to-host: out of Xen's quarantine, then dom0's driver" pciguard release --to-host 01:00.0

echo
tap_end
