#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# pciguard assign / detach on the reference topology, with vfio-pci as the
# backend (xen-pciback loads only in a Xen dom0). The gate decides before
# anything moves; a handed-over device comes back to quarantine, never to
# dom0; a batch is all or nothing.
. /tests/lib.sh
tap_begin
modprobe pciguard
ev=/tmp/assign.events
monitor_start "$ev"
state() { pg_json "$1" .state; }
vfio=-o\ backend=vfio-pci

# No backend named, and no xen-pciback outside Xen.
pci_drivers > /tmp/assign.before
out=$(pciguard assign vm1 01:00.0 2>&1)
check_eq "assign without a backend outside Xen fails (exit 1)" 1 "$?"
check_eq "  naming -o backend=" \
	"pciguard: cannot assign: no guest backend given, and xen-pciback (the default) is not loaded and would not load (it loads only in a Xen dom0); name one: -o backend=vfio-pci on a KVM host" \
	"$out"
pci_drivers > /tmp/assign.after
check "  and changes nothing" diff /tmp/assign.before /tmp/assign.after

# virtio-net on a root port: FLR, round trip.
out=$(pciguard assign vm1 01:00.0 $vfio)
check_eq "virtio-net: assign succeeds" 0 "$?"
check "  says where it went and how it was reset" \
	sh -c "echo '$out' | grep -q -x '0000:01:00.0: assigned to vm1 through vfio-pci (reset flr ok in [0-9]* ms)'"
check_eq "  the driver is vfio-pci" vfio-pci "$(pci_driver 0000:01:00.0)"
check_eq "  state assigned" assigned "$(state 01:00.0)"
check_eq "  show --json records guest and backend" "vm1 vfio-pci false false" \
	"$(pg_json 01:00.0 '.custody.assigned | "\(.guest) \(.backend) \(.permissive) \(.no_strict_reset)"')"
check "  list shows assigned:vm1" \
	sh -c "pciguard list | grep '^0000:01:00.0 ' | grep -q ' assigned:vm1 '"
check_event "  event assigned names vfio-pci" "$ev" assigned 0000:01:00.0 vfio-pci
check_eq "  the event names the guest" vm1 \
	"$(jq -r 'select(.event == "assigned") | .guest' "$ev" | head -n 1)"
check "  vfio exposes the group" test -e "/dev/vfio/$(pg_json 01:00.0 .iommu_group)"

out=$(pciguard assign vm1 01:00.0 $vfio)
check_eq "assigning again to the same guest is a no-op" \
	"0000:01:00.0: already assigned to vm1 through vfio-pci" "$out"
out=$(pciguard assign vm2 01:00.0 $vfio 2>&1)
check_eq "assigning to another guest is refused" \
	"pciguard: cannot assign 0000:01:00.0: it is assigned to vm1 through vfio-pci; detach it first: pciguard detach 0000:01:00.0" \
	"$out"
out=$(pciguard release --to-host 01:00.0 2>&1)
check_eq "release of an assigned device is refused" \
	"pciguard: cannot release 0000:01:00.0: device is assigned to a guest: detach it first, it comes back to quarantine" \
	"$out"
out=$(pciguard hide 01:00.0)
check_eq "hide leaves an assigned device alone" \
	"0000:01:00.0: already in custody, assigned to vm1" "$out"
check_eq "  still with vfio-pci" vfio-pci "$(pci_driver 0000:01:00.0)"

out=$(pciguard detach 01:00.0)
check_eq "detach succeeds" 0 "$?"
check "  says where it came from" \
	sh -c "echo '$out' | grep -q -x '0000:01:00.0: detached from vm1 (vfio-pci); quarantined, reset ok in [0-9]* ms'"
check_eq "  the driver is pciguard" pciguard "$(pci_driver 0000:01:00.0)"
check_eq "  state quarantined" quarantined "$(state 01:00.0)"
check_eq "  the assignment is gone" null "$(pg_json 01:00.0 .custody.assigned)"
check_event "  event detached names vfio-pci" "$ev" detached 0000:01:00.0 vfio-pci
out=$(pciguard detach 01:00.0 2>&1)
check_eq "detaching a quarantined device is refused" \
	"pciguard: cannot detach 0000:01:00.0: it is not assigned to a guest (state: quarantined)" \
	"$out"

# The backend lets go by other means: back to quarantine, not to dom0.
pciguard assign vm1 01:00.0 $vfio >/dev/null
echo 0000:01:00.0 > /sys/bus/pci/drivers/vfio-pci/unbind
wait_for 5 sh -c '[ "$(readlink /sys/bus/pci/devices/0000:01:00.0/driver)" ]'
check_eq "vfio-pci unbind by hand: back with pciguard" pciguard \
	"$(pci_driver 0000:01:00.0)"
check_eq "  state quarantined" quarantined "$(state 01:00.0)"
check_eq "  two detached events so far" 2 "$(count_events "$ev" detached 0000:01:00.0)"
pciguard release --to-host 01:00.0 >/dev/null
check_eq "release after detach gives it back to dom0" virtio-pci \
	"$(pci_driver 0000:01:00.0)"

# Legacy virtio behind the PCIe-to-PCI bridge: no reset at all.
out=$(pciguard assign vm1 05:02.0 $vfio 2>&1)
check_eq "balloon behind the bridge is refused" \
	"pciguard: cannot assign 0000:05:02.0: its IOMMU group has devices that would stay behind; assign them together: add 0000:05:01.0, or accept -o no-strict-reset=true (the next guest may see this guest's data)" \
	"$out"
check_eq "  still with its dom0 driver" virtio-pci "$(pci_driver 0000:05:02.0)"
out=$(pciguard assign vm1 05:02.0 $vfio -o no-strict-reset=true)
check_eq "  accepted with -o no-strict-reset=true" \
	"0000:05:02.0: assigned to vm1 through vfio-pci (reset not checked: no-strict-reset)" \
	"$out"
check_eq "  recorded" true "$(pg_json 05:02.0 .custody.assigned.no_strict_reset)"
check "  show says so" sh -c "pciguard show 05:02.0 | grep -q -x '  assigned to      vm1, through vfio-pci, no-strict-reset'"
pciguard detach 05:02.0 >/dev/null
pciguard release --to-host --force 05:02.0 >/dev/null

# Multifunction pair: one function alone is refused naming the other.
out=$(pciguard assign vm1 03:00.0 $vfio 2>&1)
check_eq "one function of the pair is refused, naming the other" \
	"pciguard: cannot assign 0000:03:00.0: its IOMMU group has devices that would stay behind; assign them together: add 0000:03:00.1, or accept -o no-strict-reset=true (the next guest may see this guest's data)" \
	"$out"
pciguard assign vm1 03:00.0 03:00.1 $vfio >/dev/null
check_eq "both functions together are assigned" "vfio-pci vfio-pci" \
	"$(pci_driver 0000:03:00.0) $(pci_driver 0000:03:00.1)"
pciguard detach 03:00.0 03:00.1 >/dev/null
check_eq "  and detached together" "pciguard pciguard" \
	"$(pci_driver 0000:03:00.0) $(pci_driver 0000:03:00.1)"
pciguard release --to-host 03:00.0 03:00.1 >/dev/null

# e1000 behind the bridge shares the bus reset with the balloon.
pciguard assign vm1 05:01.0 $vfio >/dev/null 2>&1
check_eq "e1000 alone is refused" 1 "$?"
out=$(pciguard assign vm1 05:01.0 05:02.0 $vfio 2>&1)
rc=$?
diag "$out"
check_eq "e1000 with its neighbour: one bus reset for both" 0 "$rc"
check_eq "  both with vfio-pci" "vfio-pci vfio-pci" \
	"$(pci_driver 0000:05:01.0) $(pci_driver 0000:05:02.0)"
out=$(pciguard detach 05:01.0 05:02.0)
check "  detached together, reset by the bus reset" \
	sh -c "echo '$out' | grep -c 'quarantined, reset ok in' | grep -q -x 2"
check_event "  event detached reports the bus reset" "$ev" detached 0000:05:01.0 vfio-pci
check_eq "  whose result is ok" true \
	"$(jq -r 'select(.event == "detached" and .bdf == "0000:05:01.0") | .reset.ok' "$ev" | tail -n 1)"
pciguard release --to-host 05:01.0 05:02.0 >/dev/null
check_eq "  released together without --force: the bus reset clears both" \
	"e1000 virtio-pci" \
	"$(pci_driver 0000:05:01.0) $(pci_driver 0000:05:02.0)"

# All or nothing: a batch with one refused device changes nothing.
pci_drivers > /tmp/assign.before
pciguard assign vm1 01:00.0 05:02.0 $vfio >/dev/null 2>&1
check_eq "a batch with one refused device fails" 1 "$?"
pci_drivers > /tmp/assign.after
check "  and changes nothing" diff /tmp/assign.before /tmp/assign.after

# Bad input.
out=$(pciguard assign 'vm 1' 01:00.0 $vfio 2>&1)
check_eq "a bad guest name is a usage error" 2 "$?"
out=$(pciguard assign vm1 00:10.0 $vfio 2>&1)
check_eq "a root port cannot be assigned" \
	"pciguard: cannot assign 0000:00:10.0: it is a PCI-to-PCI bridge or root port, and a guest given it would get every device behind it; hide the devices behind it instead: 0000:01:00.0" \
	"$out"

monitor_stop
pci_drivers > /tmp/assign.end
check_eq "nothing left in custody" 0 "$(cat /sys/module/pciguard/refcnt)"
tap_end
