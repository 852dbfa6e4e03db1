#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The handoff gate under Xen: "check" and "assign" refuse, before xl create
# is ever reached, a device whose only reset also hits a neighbour (the
# legacy virtio-balloon behind the PCIe-to-PCI bridge) and one function of
# a multifunction slot, with the same messages as on plain Linux
# (selftests/vm/tests/check.sh and assign.sh).  dom0 has no IOMMU groups
# under Xen: the gate works out the ones Linux would form.  The whole slot
# then goes to one guest.
# shellcheck source-path=SCRIPTDIR/.. source=../vm/lib.sh
. /tests/lib.sh
# shellcheck source=xenlib.sh
. /tests/xenlib.sh

GUEST=pair

# has_line TEXT LINE: TEXT has a line starting with LINE (fixed string).
has_line() {
	printf '%s\n' "$1" | cut -c1-${#2} | grep -q -F -x -- "$2"
}

tap_begin
check "xen-pciback and pciguard load" sh -c 'modprobe xen-pciback && modprobe pciguard'
pci_drivers >/tmp/refuse.before

out=$(pciguard check 05:02.0)
check_eq "check: the balloon behind the PCIe-to-PCI bridge alone is refused" 1 "$?"
check "  its only reset is the bridge's bus reset" has_line "$out" "  would use        bus (secondary bus reset by 0000:04:00.0)"
check "  which also resets the e1000" has_line "$out" "  also resets      0000:05:01.0"
check "  the fix names the device to add" has_line "$out" "  fix              also assign 0000:05:01.0"
check "  and the weaker way, with its risk" has_line "$out" "  fix              or -o no-strict-reset=true: the next guest may see this guest's data"
out=$(pciguard check 03:00.0)
check_eq "check: one function of the multifunction pair is refused" 1 "$?"
check "  naming the other function" has_line "$out" "  must move with   0000:03:00.1"
check_eq "check --json lists the problems of the e1000 alone" '["reset-split","group-split"]' \
	"$(pciguard check --json 05:01.0 | jq -c '.[0].problems')"
pciguard check 03:00.0 03:00.1 >/dev/null
check_eq "check: both functions together pass" 0 "$?"

out=$(pciguard assign "$GUEST" 05:02.0 2>&1)
check_eq "assign: the balloon alone is refused, as on Linux" \
	"pciguard: cannot assign 0000:05:02.0: its IOMMU group has devices that would stay behind; assign them together: add 0000:05:01.0, or accept -o no-strict-reset=true (the next guest may see this guest's data)" \
	"$out"
out=$(pciguard assign "$GUEST" 03:00.0 2>&1)
check_eq "assign: one function of the pair is refused, naming the other" \
	"pciguard: cannot assign 0000:03:00.0: its IOMMU group has devices that would stay behind; assign them together: add 0000:03:00.1, or accept -o no-strict-reset=true (the next guest may see this guest's data)" \
	"$out"
pci_drivers >/tmp/refuse.after
check "  the refusals changed no driver binding" diff /tmp/refuse.before /tmp/refuse.after
check_eq "  pciback has nothing" "" "$(cat /sys/bus/pci/drivers/pciback/slots)"
if guest_create "$GUEST" 03:00.0; then
	not_ok "  so xl create with 03:00.0 fails, as it would have" "$(cat /tmp/xen/$GUEST.create)"
	guest_destroy "$GUEST"
else
	ok "  so xl create with 03:00.0 fails, as it would have"
fi

out=$(pciguard assign "$GUEST" 03:00.0 03:00.1 2>&1)
check_eq "assign: the whole slot goes (exit 0)" 0 "$?"
check_eq "  both functions with pciback" "pciback pciback" \
	"$(pci_driver 0000:03:00.0) $(pci_driver 0000:03:00.1)"
if GUEST_EXTRA=rig.net=0 guest_create "$GUEST" 03:00.0 03:00.1 && guest_wait "$GUEST" 120; then
	ok "a guest starts with both functions"
else
	not_ok "a guest starts with both functions"
	guest_diag "$GUEST"
fi
check_guest_pci "  it drives the virtio-net" "$GUEST" "1af4:1041 virtio-pci"
check_guest_pci "  and the virtio-rng" "$GUEST" "1af4:1044 virtio-pci"
check "xl destroy $GUEST" guest_destroy "$GUEST"
out=$(pciguard detach 03:00.0 03:00.1 2>&1)
check_eq "detach both" 0 "$?"
out=$(pciguard release --to-host 03:00.0 03:00.1 2>&1)
check_eq "release both to dom0" "virtio-pci virtio-pci" \
	"$(pci_driver 0000:03:00.0) $(pci_driver 0000:03:00.1)"
tap_end
