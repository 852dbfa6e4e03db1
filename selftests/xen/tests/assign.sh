#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# pciguard hands the virtio-net at 01:00.0 to a real PV guest through the
# real xen-pciback, and takes it back:
#   - "pciguard assign GUEST BDF" picks pciback by default; xl create with
#     the device works; the guest drives it (link, DHCP, ping);
#   - show reports the domain that really holds the device, and flags a
#     device that another guest than the assigned one took;
#   - detach is refused while a guest uses the device;
#   - once the guest is gone the device stays with pciback for the next
#     start; "xl pci-assignable-remove -r" does not give it to dom0's
#     driver (pciguard's quarantine takes it), nor does "pciguard detach";
#   - "pciguard release --to-host" is the way back, and takes the device out
#     of Xen's quarantine first, so dom0's driver works with it again.
# shellcheck source-path=SCRIPTDIR/.. source=../vm/lib.sh
. /tests/lib.sh
# shellcheck source=xenlib.sh
. /tests/xenlib.sh

BDF=0000:01:00.0
GUEST=web
EV=/tmp/assign.events

# has_line TEXT LINE: TEXT has a line starting with LINE (fixed string).
has_line() {
	printf '%s\n' "$1" | cut -c1-${#2} | grep -q -F -x -- "$2"
}

# release_to_dom0 DESC IRQ-DESC: release --to-host $BDF; ok when
# virtio-pci has it, and (IRQ-DESC) when the kernel logged no failure to
# map its interrupts since (Xen still holding the device in its
# quarantine: "xen map irq failed -19").
release_to_dom0() {
	_mark="pciguard-test: release $(cut -d' ' -f1 /proc/uptime)"
	echo "$_mark" >/dev/kmsg
	check_eq "$1" "$BDF: released to dom0, now driven by virtio-pci" \
		"$(pciguard release --to-host "$BDF" 2>&1)"
	check_eq "$2" "" "$(dmesg | sed -n "/$_mark\$/,\$p" |
		grep "$BDF.*xen map irq failed")"
}

tap_begin
check "xen-pciback and pciguard load" sh -c 'modprobe xen-pciback && modprobe pciguard'
monitor_start "$EV"

# --- assign, and a guest drives the device --------------------------------------
out=$(pciguard check "$BDF")
check_eq "check $BDF passes (exit 0)" 0 "$?"
check "  Xen's IOMMU is on" has_line "$out" "  iommu            on, owned by Xen (virt_caps: "
out=$(pciguard assign "$GUEST" "$BDF" 2>&1)
check_eq "pciguard assign $GUEST $BDF (exit 0)" 0 "$?"
case $out in
"$BDF: assigned to $GUEST through pciback (reset flr ok in "*) ok "  through pciback, the default, after an FLR" ;;
*) not_ok "  through pciback, the default, after an FLR" "$out" ;;
esac
check_eq "  $BDF bound to pciback" pciback "$(pci_driver $BDF)"
check "  xl pci-assignable-list lists it" sh -c "xl pci-assignable-list | grep -q '^$BDF'"
check_eq "  show --json: no guest holds it yet" null "$(pg_json $BDF .xen_holder)"
check "  show: pciback waits for $GUEST" has_line "$(pciguard show $BDF)" \
	"  held by          no guest (waiting on pciback until $GUEST starts with it)"
check_event "  ASSIGNED event" "$EV" assigned "$BDF" pciback

if guest_create "$GUEST" 01:00.0; then
	ok "xl create $GUEST with pci = ['01:00.0']"
else
	not_ok "xl create $GUEST with pci = ['01:00.0']" "$(cat /tmp/xen/$GUEST.create)"
fi
if guest_wait "$GUEST" 120; then
	ok "  the guest ran and reported done"
else
	not_ok "  the guest ran and reported done"
	guest_diag "$GUEST"
fi
check_guest_pci "  the guest sees 1af4:1041 and drives it with virtio-pci" \
	"$GUEST" "1af4:1041 virtio-pci"
check_eq "  link up in the guest" "eth0 up" "$(guest_lines "$GUEST" link)"
case $(guest_lines "$GUEST" dhcp) in
"eth0 10.0.2."*) ok "  DHCP lease from QEMU's user network" ;;
*) not_ok "  DHCP lease from QEMU's user network" "$(guest_lines "$GUEST" dhcp)" ;;
esac
check_eq "  the guest pinged 10.0.2.2" "eth0 10.0.2.2 ok" "$(guest_lines "$GUEST" ping)"

# --- who holds it -----------------------------------------------------------------
domid=$(xl domid "$GUEST")
check_eq "show --json: xen_holder is $GUEST's domain" \
	"{\"domid\":$domid,\"name\":\"$GUEST\",\"mismatch\":false}" \
	"$(pciguard show --json $BDF | jq -c .xen_holder)"
check "show: held by Xen domain $domid ($GUEST)" has_line "$(pciguard show $BDF)" \
	"  held by          Xen domain $domid ($GUEST)"
out=$(pciguard detach "$BDF" 2>&1)
check_eq "detach while $GUEST uses it is refused (exit 1)" 1 "$?"
check_eq "  naming the domain and the fix" \
	"pciguard: cannot detach $BDF: Xen domain $domid ($GUEST) is using it now; shut that guest down or detach the device from it (xl pci-detach $GUEST $BDF) first" \
	"$out"
check_eq "  still with pciback" pciback "$(pci_driver $BDF)"
check "  still in the guest (xl pci-list)" sh -c "xl pci-list $GUEST | grep -q '$BDF'"
out=$(pciguard release --to-host "$BDF" 2>&1)
check_eq "release while $GUEST uses it is refused (exit 1)" 1 "$?"

check "xl destroy $GUEST" guest_destroy "$GUEST"
check_eq "  the device stays with pciback for the next start" pciback "$(pci_driver $BDF)"
check_eq "  still assigned to $GUEST" "$GUEST" "$(pg_json $BDF .custody.assigned.guest)"
check_eq "  no guest holds it" null "$(pg_json $BDF .xen_holder)"
out=$(pciguard release --to-host "$BDF" 2>&1)
check_eq "release of the idle assigned device is refused (exit 1)" 1 "$?"
check_eq "  saying to detach it" \
	"pciguard: cannot release $BDF: device is assigned to a guest: detach it first, it comes back to quarantine" \
	"$out"
check_eq "  still with pciback, assigned" "pciback $GUEST" \
	"$(pci_driver $BDF) $(pg_json $BDF .custody.assigned.guest)"

# --- another guest takes it ---------------------------------------------------------
GUEST_EXTRA=rig.net=0 guest_create intruder 01:00.0 && guest_wait intruder 120
odomid=$(xl domid intruder)
check_eq "show --json flags a guest other than $GUEST holding it" \
	"{\"domid\":$odomid,\"name\":\"intruder\",\"mismatch\":true}" \
	"$(pciguard show --json $BDF | jq -c .xen_holder)"
check "  show says so, with the fix" has_line "$(pciguard show $BDF)" \
	"  MISMATCH         assigned to $GUEST, but domain intruder has it: take it from there (xl pci-detach intruder $BDF) and find out how it got there"
check_eq "  list warns on stderr" \
	"pciguard: warning: $BDF is assigned to $GUEST, but Xen domain $odomid (intruder) has it ('pciguard show $BDF')" \
	"$(pciguard list 2>&1 >/dev/null)"
check "xl destroy intruder" guest_destroy intruder

# --- libxl's way back does not reach dom0's driver -----------------------------------
# As if "xl pci-assignable-add" had been used once: libxl remembers the
# dom0 driver and "-r" rebinds it.
xenstore-write /libxl/pci/0000-01-00-0/driver_path /sys/bus/pci/drivers/virtio-pci
xl pci-assignable-remove -r 01:00.0 >/tmp/xl-remove.out 2>&1
diag "xl pci-assignable-remove -r: $(cat /tmp/xl-remove.out)"
check_eq "after xl pci-assignable-remove -r, pciguard has $BDF" pciguard "$(pci_driver $BDF)"
check_eq "  quarantined" quarantined "$(pg_json $BDF .state)"
check_event "  DETACHED event" "$EV" detached "$BDF"
check_eq "  pciback no longer lists it" "" "$(grep "$BDF" /sys/bus/pci/drivers/pciback/slots)"

release_to_dom0 "release --to-host gives it back to dom0" \
	"  without interrupt trouble"

# --- a guest, then pciguard detach, then release -------------------------------------
out=$(pciguard assign "$GUEST" "$BDF" 2>&1)
check_eq "assign $GUEST $BDF again" 0 "$?"
GUEST_EXTRA=rig.net=0 guest_create "$GUEST" 01:00.0 && guest_wait "$GUEST" 120
check_guest_pci "  the guest drives it" "$GUEST" "1af4:1041 virtio-pci"
check "xl destroy $GUEST" guest_destroy "$GUEST"
out=$(pciguard detach "$BDF" 2>&1)
case $out in
"$BDF: detached from $GUEST (pciback); quarantined, reset ok in "*) ok "pciguard detach: quarantined after a reset" ;;
*) not_ok "pciguard detach: quarantined after a reset" "$out" ;;
esac
check_eq "  with pciguard" pciguard "$(pci_driver $BDF)"
check_eq "  pciback no longer lists it" "" "$(grep "$BDF" /sys/bus/pci/drivers/pciback/slots)"
release_to_dom0 "release --to-host after a guest" \
	"  Xen let it go first: dom0's driver gets its interrupts"
ifc=
for n in "/sys/bus/pci/devices/$BDF"/virtio*/net/*; do
	[ -e "$n" ] && ifc=${n##*/}
done
check "  dom0 has its network interface (${ifc:-none})" test -n "$ifc"
if [ -n "$ifc" ] && ip link set "$ifc" up &&
	udhcpc -i "$ifc" -n -q -t 5 -T 2 -s /etc/rig/udhcpc.script >/tmp/udhcpc.log 2>&1; then
	ok "  and gets a DHCP lease through it"
else
	not_ok "  and gets a DHCP lease through it" "$(cat /tmp/udhcpc.log 2>/dev/null)"
fi
[ -z "$ifc" ] || ip link set "$ifc" down

monitor_stop
tap_end
