#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Smoke test of the Xen rig: dom0 runs under Xen with an IOMMU, xen-pciback
# takes the virtio-net at 01:00.0 through driver_override, and a PV guest
# started with pci = ['01:00.0'] sees the device, gets a DHCP lease from
# QEMU's user network through it and pings the gateway.  No pciguard here.
# shellcheck source-path=SCRIPTDIR/.. source=../vm/lib.sh
. /tests/lib.sh
# shellcheck source=xenlib.sh
. /tests/xenlib.sh

BDF=0000:01:00.0
GUEST=smoke

# Seconds since boot, to two decimals, for the timing diagnostics.
now() {
	cut -d' ' -f1 /proc/uptime
}
since() { # START
	awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'
}

tap_begin

# --- dom0 under Xen -----------------------------------------------------------
check_eq "running under Xen" xen "$(cat /sys/hypervisor/type 2>/dev/null)"
check "this is dom0 (control_d in /proc/xen/capabilities)" \
	grep -q control_d /proc/xen/capabilities
check "xl list shows Domain-0" sh -c 'xl list | grep -q "^Domain-0 "'
caps=$(xl_virt_caps)
diag "xl info virt_caps: $caps"
case " $caps " in
*" hvm_directio "*) ok "xl info: hvm_directio in virt_caps (IOMMU on)" ;;
*) not_ok "xl info: hvm_directio in virt_caps (IOMMU on)" \
	"virt_caps: $caps; without an IOMMU Xen says 'I/O virtualisation disabled'" ;;
esac

# --- the device to pciback ----------------------------------------------------
check "xen-pciback loads" modprobe xen-pciback
check "pciback driver registered" test -d /sys/bus/pci/drivers/pciback
check_eq "$BDF is the virtio-net (1af4:1041)" "0x1af4 0x1041" \
	"$(cat /sys/bus/pci/devices/$BDF/vendor /sys/bus/pci/devices/$BDF/device | tr '\n' ' ' | sed 's/ $//')"
check_eq "$BDF starts on virtio-pci" virtio-pci "$(pci_driver $BDF)"
check "driver_override=pciback, unbind, drivers_probe" pciback_assign $BDF
check_eq "$BDF bound to pciback" pciback "$(pci_driver $BDF)"
check "pciback lists $BDF in its slots" grep -q "$BDF" /sys/bus/pci/drivers/pciback/slots
check "xl pci-assignable-list shows $BDF" sh -c "xl pci-assignable-list | grep -q '^$BDF'"

# --- a PV guest with the device -------------------------------------------------
t0=$(now)
if guest_create "$GUEST" 01:00.0; then
	ok "xl create $GUEST with pci = ['01:00.0']"
	diag "xl create took $(since "$t0") s"
else
	not_ok "xl create $GUEST with pci = ['01:00.0']" "$(cat /tmp/xen/$GUEST.create)"
fi
check "xl pci-list $GUEST shows the device" sh -c "xl pci-list $GUEST | grep -q '0000:01:00.0'"
if guest_wait "$GUEST" 120; then
	ok "guest ran its checks and reported done"
	diag "guest done $(since "$t0") s after xl create began"
else
	not_ok "guest ran its checks and reported done"
	guest_diag "$GUEST"
fi
pci=$(guest_lines "$GUEST" pci)
diag "guest PCI devices: $pci"
check_guest_pci "guest sees the device: vendor 1af4, device 1041" "$GUEST" 1af4:1041
check_guest_pci "guest bound virtio-pci to it" "$GUEST" "1af4:1041 virtio-pci"
link=$(guest_lines "$GUEST" link)
check_eq "guest link up" "eth0 up" "$link"
dhcp=$(guest_lines "$GUEST" dhcp)
case $dhcp in
"eth0 10.0.2."*) ok "guest got a DHCP lease from QEMU's user network ($dhcp)" ;;
*) not_ok "guest got a DHCP lease from QEMU's user network" "guest reported: ${dhcp:-nothing}" ;;
esac
check_eq "guest pinged 10.0.2.2" "eth0 10.0.2.2 ok" "$(guest_lines "$GUEST" ping)"
errors=$(guest_lines "$GUEST" error)
check_eq "guest reported no errors" "" "$errors"

# --- teardown -------------------------------------------------------------------
check "xl destroy $GUEST" guest_destroy "$GUEST"
check_eq "$BDF back with pciback after the guest" pciback "$(pci_driver $BDF)"
diag "guest test took $(since "$t0") s"

tap_end
