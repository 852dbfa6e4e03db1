#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Smoke test of the rig itself: the reference topology is there, at its
# documented BDFs, with the expected drivers bound, USB HID devices
# enumerated, IOMMU groups populated and the image's tools working.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. /tests/lib.sh

tap_begin
[ "${RIG_TOPOLOGY:-reference}" = reference ] ||
	skip_all "written for the reference topology, not $RIG_TOPOLOGY"

# BDF vendor:device driver ("-" for none)
EXPECTED="
0000:00:00.0 8086:29c0 -
0000:00:01.0 1234:1111 bochs-drm
0000:00:10.0 1b36:000c pcieport
0000:00:11.0 1b36:000c pcieport
0000:00:12.0 1b36:000c pcieport
0000:00:13.0 1b36:000c pcieport
0000:00:14.0 1b36:000c pcieport
0000:00:1f.0 8086:2918 lpc_ich
0000:00:1f.2 8086:2922 ahci
0000:00:1f.3 8086:2930 i801_smbus
0000:01:00.0 1af4:1041 virtio-pci
0000:02:00.0 8086:10d3 e1000e
0000:03:00.0 1af4:1041 virtio-pci
0000:03:00.1 1af4:1044 virtio-pci
0000:04:00.0 1b36:000e -
0000:05:01.0 8086:100e e1000
0000:05:02.0 1af4:1002 virtio-pci
0000:06:00.0 1b36:000d xhci_hcd
"

pci_id() {
	echo "$(sed 's/^0x//' "/sys/bus/pci/devices/$1/vendor"):$(sed 's/^0x//' "/sys/bus/pci/devices/$1/device")"
}

while read -r bdf id drv; do
	[ -n "$bdf" ] || continue
	if [ ! -d "/sys/bus/pci/devices/$bdf" ]; then
		not_ok "$bdf ($id) exists" "missing; present: $(cd /sys/bus/pci/devices && echo *)"
		continue
	fi
	check_eq "$bdf is $id" "$id" "$(pci_id "$bdf")"
	[ "$drv" = - ] && drv=""
	check_eq "$bdf driver is ${drv:-none}" "$drv" "$(pci_driver "$bdf")"
done <<EOF
$EXPECTED
EOF
n_expected=$(echo "$EXPECTED" | grep -c .)
# The rig's own /etc/pciguard disk (run.sh --disk) is not the topology's.
n_present=$(ls /sys/bus/pci/devices | grep -vxF "${RIG_ETC_BDF:-none}" | wc -l)
check_eq "no unexpected PCI devices" "$n_expected" "$n_present"

# Function drivers on top of virtio-pci.
for bdf in 0000:01:00.0 0000:03:00.0; do
	check "$bdf has a virtio_net netdev" sh -c "ls -d /sys/bus/pci/devices/$bdf/virtio*/net/*"
done
check "0000:02:00.0 has an e1000e netdev" sh -c "ls -d /sys/bus/pci/devices/0000:02:00.0/net/*"
check "0000:05:01.0 has an e1000 netdev" sh -c "ls -d /sys/bus/pci/devices/0000:05:01.0/net/*"
check "virtio-rng registered as hwrng" grep -q virtio_rng /sys/class/misc/hw_random/rng_available
check "virtio-balloon bound" sh -c "readlink /sys/bus/pci/devices/0000:05:02.0/virtio*/driver | grep -q virtio_balloon"

# USB: the xHCI root hub and the two HID devices behind it.
xhci=/sys/bus/pci/devices/0000:06:00.0
check "xHCI has a USB bus" sh -c "ls -d $xhci/usb[0-9]*"
usb_has() { # product string, bound to usbhid
	for p in "$xhci"/usb*/*/product; do
		[ "$(cat "$p")" = "$1" ] || continue
		d=${p%/product}
		readlink "$d"/*:1.0/driver | grep -q '/usbhid$' && return 0
	done
	return 1
}
for prod in "QEMU USB Keyboard" "QEMU USB Tablet"; do
	if wait_for 15 usb_has "$prod"; then
		ok "$prod enumerated on the xHCI bus, bound to usbhid"
	else
		not_ok "$prod enumerated on the xHCI bus, bound to usbhid" \
			"$(cat /sys/bus/usb/devices/*/product 2>&1)"
	fi
done

# IOMMU.
ngroups=$(set -- /sys/kernel/iommu_groups/*; [ -e "$1" ] && echo $# || echo 0)
if [ "$ngroups" -gt 0 ]; then
	ok "/sys/kernel/iommu_groups is populated ($ngroups groups)"
else
	not_ok "/sys/kernel/iommu_groups is populated" "no groups; is intel_iommu=on set?"
fi
nogroup=""
for d in /sys/bus/pci/devices/*; do
	[ -L "$d/iommu_group" ] || nogroup="$nogroup ${d##*/}"
done
check_eq "every PCI device is in an IOMMU group" "" "$nogroup"

# Image contents.
check "vfio_pci is in the image" sh -c "modinfo vfio_pci >/dev/null"
if grep -q '^vfio_pci ' /proc/modules; then
	not_ok "vfio_pci is not loaded at boot"
else
	ok "vfio_pci is not loaded at boot"
fi
check "debugfs is mounted" grep -q ' /sys/kernel/debug debugfs ' /proc/mounts
check "jq runs (dynamic executable + libraries)" sh -c "echo '{\"a\":1}' | jq -e '.a == 1'"
check "lspci sees the topology" sh -c "lspci | grep -q 'QEMU XHCI'"

tap_end
