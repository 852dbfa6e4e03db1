#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The config-space write whitelist, seen from a real guest.  The guest
# writes one byte outside xen-pciback's whitelist (the "bar" field of the
# virtio-net's VIRTIO_PCI_CAP_PCI_CFG capability: writable in the device,
# harmless, handled by no pciback field) through pcifront, and dom0 reads
# the device's register back while the guest still runs (the detach
# reset does not clear that register in QEMU: each round writes another
# value):
#   - assigned without options: the write does not reach the device;
#   - assigned with -o permissive=true: it does;
#   - assigned again without options: blocked again (nothing sticks).
# shellcheck source-path=SCRIPTDIR/.. source=../vm/lib.sh
. /tests/lib.sh
# shellcheck source=xenlib.sh
. /tests/xenlib.sh

BDF=0000:01:00.0
GUEST=cfg

# cfg_read OFF: the device's byte at OFF (decimal), as dom0 reads it.
cfg_read() {
	echo $((0x$(setpci -s "$BDF" "$(printf %x "$1").b")))
}

# virtio_pci_cfg_cap: the offset of the capability with vendor ID 0x09 and
# cfg_type 5 (VIRTIO_PCI_CAP_PCI_CFG), walking the capability list.
virtio_pci_cfg_cap() {
	_off=$(cfg_read 0x34)
	_n=0
	while [ "$_off" -ne 0 ] && [ $_n -lt 48 ]; do
		if [ "$(cfg_read "$_off")" -eq 9 ] &&
			[ "$(cfg_read $((_off + 3)))" -eq 5 ]; then
			echo "$_off"
			return 0
		fi
		_off=$(cfg_read $((_off + 1)))
		_n=$((_n + 1))
	done
	return 1
}

# round WHAT [ASSIGN-OPTIONS...]: assign, start a guest that writes NEW (a
# value REG does not hold: BEFORE + 1) at REG, read REG in dom0 while the
# guest runs, then destroy the guest and detach.  Sets BEFORE, NEW,
# GUEST_SAW (the guest's report) and DOM0_SAW.
round() {
	_what=$1
	shift
	BEFORE=$(cfg_read "$REG")
	NEW=$(((BEFORE + 1) % 6))
	pciguard assign "$GUEST" "$BDF" "$@" >/tmp/cfg.assign 2>&1 ||
		not_ok "$_what: assign $*" "$(cat /tmp/cfg.assign)"
	GUEST_EXTRA="rig.net=0 rig.cfgwrite=$REG:$NEW" guest_create "$GUEST" 01:00.0 ||
		not_ok "$_what: xl create" "$(cat /tmp/xen/$GUEST.create)"
	guest_wait "$GUEST" 120 || guest_diag "$GUEST"
	GUEST_SAW=$(guest_lines "$GUEST" cfgwrite)
	DOM0_SAW=$(cfg_read "$REG")
	guest_destroy "$GUEST" || not_ok "$_what: xl destroy"
	pciguard detach "$BDF" >/tmp/cfg.detach 2>&1 ||
		not_ok "$_what: detach" "$(cat /tmp/cfg.detach)"
}

tap_begin
check "xen-pciback and pciguard load" sh -c 'modprobe xen-pciback && modprobe pciguard'
cap=$(virtio_pci_cfg_cap)
check "the virtio-net has a VIRTIO_PCI_CAP_PCI_CFG capability" test -n "$cap"
REG=$((${cap:-0} + 4))
diag "register: offset $REG (capability at ${cap:-?})"

round "default"
check_eq "default: the guest's write is dropped by pciback" \
	"0000:00:00.0 $REG $BEFORE $BEFORE" "$GUEST_SAW"
check_eq "  dom0 reads the register unchanged" "$BEFORE" "$DOM0_SAW"
check "  pciback says it refused a write there" sh -c \
	"dmesg | grep -q 'pciback $BDF: .*write to a read-only configuration space field at offset $(printf 0x%x "$REG")'"

round "permissive" -o permissive=true
check_eq "permissive: the guest's write reaches the device" \
	"0000:00:00.0 $REG $BEFORE $NEW" "$GUEST_SAW"
check_eq "  dom0 reads the new value" "$NEW" "$DOM0_SAW"

round "again"
check_eq "assigned again without options: the write is dropped again" \
	"0000:00:00.0 $REG $BEFORE $BEFORE" "$GUEST_SAW"
check_eq "  dom0 reads the register unchanged" "$BEFORE" "$DOM0_SAW"

pciguard release --to-host "$BDF" >/dev/null 2>&1
check_eq "released to dom0" virtio-pci "$(pci_driver $BDF)"
tap_end
