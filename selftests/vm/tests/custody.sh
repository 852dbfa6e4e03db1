#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runtime custody: pciguard hide takes devices from dom0 into quarantine
# (refusing the ones it must not take, all or nothing), the module stays
# loaded while it holds them, and release --to-host gives them back to the
# driver they had, working.
. /tests/lib.sh
tap_begin
modprobe pciguard
ev=/tmp/custody.events
monitor_start "$ev"

# --- refusals: each names the problem and the fix; nothing changes -------
out=$(pciguard hide 00:00.0 2>&1)
check_eq "a host bridge is refused (exit 1)" 1 "$?"
check_eq "the host bridge refusal says why" \
	"pciguard: cannot hide 0000:00:00.0: it is a host bridge, part of the platform; it cannot go to a guest" \
	"$out"
out=$(pciguard hide 00:10.0 2>&1)
check_eq "a root port is refused (exit 1)" 1 "$?"
check_eq "the root port refusal names the device behind it" \
	"pciguard: cannot hide 0000:00:10.0: it is a PCI-to-PCI bridge or root port, and a guest given it would get every device behind it; hide the devices behind it instead: 0000:01:00.0" \
	"$out"
check_eq "the root port keeps its driver" pcieport "$(pci_driver 0000:00:10.0)"
out=$(pciguard hide 00:1f.2 2>&1)
check_eq "dom0's storage controller needs --force (exit 1)" 1 "$?"
check_eq "the storage refusal says why and how" \
	"pciguard: cannot hide 0000:00:1f.2: dom0 drives it with ahci as a storage controller and may lose its disks (even its root file system); if dom0 does not need it, run again with --force" \
	"$out"
check_eq "the storage controller keeps ahci" ahci "$(pci_driver 0000:00:1f.2)"
out=$(pciguard hide 00:01.0 2>&1)
check_eq "dom0's display needs --force (exit 1)" 1 "$?"
check_eq "the display refusal says why and how" \
	"pciguard: cannot hide 0000:00:01.0: dom0 drives it with bochs-drm as a display controller and may lose its console; if dom0 does not need it, run again with --force" \
	"$out"
out=$(pciguard hide 0000:09:00.0 2>&1)
check_eq "an address with no device is refused" \
	"pciguard: cannot hide 0000:09:00.0: there is no PCI device at that address ('pciguard list --all' lists them)" \
	"$out"
out=$(pciguard hide 01:00.0 00:1f.2 2>&1)
check_eq "one refused device fails the whole command (exit 1)" 1 "$?"
check_eq "all or nothing: the other device stays with dom0" \
	virtio-pci "$(pci_driver 0000:01:00.0)"
out=$(pciguard hide 2>&1)
check_eq "hide without a device is a usage error (exit 2)" 2 "$?"

# --- taking devices ---------------------------------------------------------
out=$(pciguard hide 01:00.0 02:00.0 05:02.0)
check_eq "hide of three devices succeeds" 0 "$?"
diag "$out"
check_eq "hide reports each device, its old driver and the reset" \
	"0000:01:00.0: quarantined (was virtio-pci; reset ok in" \
	"$(echo "$out" | sed -n 1p | sed 's/ [0-9]* ms)$//')"
for bdf in 0000:01:00.0 0000:02:00.0 0000:05:02.0; do
	check_eq "$bdf is bound to pciguard" pciguard "$(pci_driver $bdf)"
	check_eq "$bdf's driver_override pins pciguard" pciguard \
		"$(cat /sys/bus/pci/devices/$bdf/driver_override)"
	cmd=$(setpci -s "$bdf" COMMAND)
	check_eq "$bdf has bus mastering off (COMMAND=$cmd)" 0 \
		$((0x$cmd & 0x4))
	check_eq "$bdf has INTx disabled" 1024 $((0x$cmd & 0x400))
done
check_eq "virtio-net's interface went away with its driver" "" \
	"$(ls /sys/bus/pci/devices/0000:01:00.0/ | grep virtio)"
check_eq "show: state" quarantined "$(pg_json 01:00.0 .state)"
check_eq "show: custody source" runtime "$(pg_json 01:00.0 .custody.source)"
check_eq "show: original driver" virtio-pci \
	"$(pg_json 01:00.0 .custody.original_driver)"
check_eq "show: the FLR-capable device's reset worked" true \
	"$(pg_json 01:00.0 .custody.reset.ok)"
check_eq "show: the device without a reset method records ENOTTY" ENOTTY \
	"$(pg_json 05:02.0 .custody.reset.error)"
check_eq "show: e1000e recorded as the original driver" e1000e \
	"$(pg_json 02:00.0 .custody.original_driver)"
out=$(pciguard show 05:02.0 | grep 'quarantine reset')
check_eq "show (text) spells out the failed reset" \
	"  quarantine reset failed: no reset method (ENOTTY)" "$out"
list=$(pciguard list)
diag "$list"
check_eq "list shows the three quarantined devices" 3 \
	"$(echo "$list" | grep -c ' pciguard  quarantined ')"
check "list shows the original driver" sh -c \
	"echo '$list' | grep -q '^0000:02:00.0  pciguard  quarantined  e1000e '"
check_eq "list says which devices hold the module" \
	"The pciguard module stays loaded while it holds 3 devices: 0000:01:00.0 0000:02:00.0 0000:05:02.0." \
	"$(echo "$list" | grep 'stays loaded')"
check_event "event: 01:00.0 quarantined" "$ev" quarantined 0000:01:00.0
check_event "event: 05:02.0 quarantined" "$ev" quarantined 0000:05:02.0
out=$(pciguard hide 01:00.0)
check_eq "hiding a quarantined device again is a no-op" \
	"0000:01:00.0: already quarantined" "$out"

# --- the module is pinned ----------------------------------------------------
check_eq "the module's refcount counts the devices in custody" 3 \
	"$(cat /sys/module/pciguard/refcnt)"
rmmod pciguard 2>/dev/null
check_eq "rmmod is refused while devices are in custody" 1 "$?"
check "the module is still loaded" test -d /sys/module/pciguard

# --- release --------------------------------------------------------------
out=$(pciguard release 01:00.0 2>&1)
check_eq "release without --to-host is refused (exit 1)" 1 "$?"
check "it explains that a reboot is safer" sh -c \
	"echo '$out' | grep -q 'The safer way back is a reboot'"
check "it gives the exact command" sh -c \
	"echo '$out' | grep -q 'pciguard release --to-host 01:00.0'"
check_eq "the device stays in quarantine" pciguard \
	"$(pci_driver 0000:01:00.0)"
out=$(pciguard release --to-host 01:00.0 05:02.0 2>&1)
check_eq "release of a device whose reset fails is refused (exit 1)" 1 "$?"
check_eq "the refusal names the device and the fix" \
	"pciguard: cannot release 0000:05:02.0: the device could not be reset, so what a guest left in it would reach dom0: use force to release it anyway" \
	"$out"
check_eq "all or nothing: 01:00.0 stays in quarantine too" pciguard \
	"$(pci_driver 0000:01:00.0)"
out=$(pciguard release --to-host 00:1f.2 2>&1)
check_eq "releasing a device dom0 has is refused" \
	"pciguard: cannot release 0000:00:1f.2: it is not in pciguard's custody; dom0 drives it with ahci" \
	"$out"

out=$(pciguard release --to-host 01:00.0)
check_eq "release --to-host of 01:00.0" \
	"0000:01:00.0: released to dom0, now driven by virtio-pci" "$out"
check_eq "virtio-pci drives it again" virtio-pci "$(pci_driver 0000:01:00.0)"
check_eq "driver_override is cleared" "(null)" \
	"$(cat /sys/bus/pci/devices/0000:01:00.0/driver_override)"
check "its network interface is back" wait_for 5 sh -c \
	'ls /sys/bus/pci/devices/0000:01:00.0/virtio*/net/ | grep -q .'
iface=$(ls /sys/bus/pci/devices/0000:01:00.0/virtio*/net/ 2>/dev/null)
check "and it works: the link comes up" sh -c \
	"ip link set '$iface' up && ip addr add 10.0.2.15/24 dev '$iface'"
check_event "event: 01:00.0 released to virtio-pci" "$ev" released \
	0000:01:00.0 virtio-pci
check "the kernel log records the release" sh -c \
	"dmesg | grep -q 'pciguard: 0000:01:00.0 released to dom0, bound to virtio-pci'"
check_eq "show: state host again" host "$(pg_json 01:00.0 .state)"
check_eq "show: no custody" null "$(pg_json 01:00.0 .custody)"

out=$(pciguard release --to-host --force 05:02.0 02:00.0)
check_eq "release --force of the device without a reset" 0 "$?"
check_eq "02:00.0 back to e1000e" e1000e "$(pci_driver 0000:02:00.0)"
check_eq "05:02.0 back to virtio-pci" virtio-pci "$(pci_driver 0000:05:02.0)"
check_eq "nothing left in custody" \
	"pciguard manages no PCI devices yet. 'pciguard list --all' shows every PCI device." \
	"$(pciguard list)"
check_eq "the module is no longer pinned" 0 "$(cat /sys/module/pciguard/refcnt)"
monitor_stop
tap_end
