#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The config-space write policy, seen from a real guest.  The guest writes
# two bytes outside xen-pciback's whitelist through pcifront: REG, the
# "bar" field of the virtio-net's VIRTIO_PCI_CAP_PCI_CFG capability, and
# NB, the first byte of its "offset" field (both writable in the device,
# harmless, handled by no pciback field), and dom0 reads the device's
# registers back while the guest still runs (the detach reset does not
# clear them in QEMU: each round writes other values):
#   - assigned without options: neither write reaches the device;
#   - assigned with -o allow-write=REG:1: REG's does (through a pciback
#     quirk pciguard set), NB's does not;
#   - assigned with -o permissive=true: both do;
#   - assigned again without options: blocked again (nothing sticks).
# Then the audit: permissive switched on behind pciguard's back is shown
# as a violation and sent as an event; grants pciback cannot apply are
# refused up front.
# shellcheck source-path=SCRIPTDIR/.. source=../vm/lib.sh
. /tests/lib.sh
# shellcheck source=xenlib.sh
. /tests/xenlib.sh

BDF=0000:01:00.0
GUEST=cfg

# cfg_read OFF: the device's byte at OFF (decimal), as dom0 reads it.
cfg_read() {
	cfg_byte "$BDF" "$1"
}

# round WHAT [ASSIGN-OPTIONS...]: assign, start a guest that writes NEW (a
# value REG does not hold: BEFORE + 1) at REG and NB_NEW at NB, read both
# in dom0 while the guest runs, then destroy the guest and detach.  Sets
# BEFORE, NEW, NB_BEFORE, NB_NEW, GUEST_SAW and GUEST_SAW_NB (the guest's
# reports), DOM0_SAW, DOM0_SAW_NB and SHOW (pciguard show --json meanwhile).
round() {
	_what=$1
	shift
	BEFORE=$(cfg_read "$REG")
	NEW=$(((BEFORE + 1) % 6))
	NB_BEFORE=$(cfg_read "$NB")
	NB_NEW=$(((NB_BEFORE + 1) % 256))
	pciguard assign "$GUEST" "$BDF" "$@" >/tmp/cfg.assign 2>&1 ||
		not_ok "$_what: assign $*" "$(cat /tmp/cfg.assign)"
	GUEST_EXTRA="rig.net=0 rig.cfgwrite=$REG:$NEW,$NB:$NB_NEW" \
		guest_create "$GUEST" 01:00.0 ||
		not_ok "$_what: xl create" "$(cat /tmp/xen/$GUEST.create)"
	guest_wait "$GUEST" 120 || guest_diag "$GUEST"
	GUEST_SAW=$(guest_lines "$GUEST" cfgwrite | sed -n 1p)
	GUEST_SAW_NB=$(guest_lines "$GUEST" cfgwrite | sed -n 2p)
	DOM0_SAW=$(cfg_read "$REG")
	DOM0_SAW_NB=$(cfg_read "$NB")
	SHOW=$(pciguard show --json "$BDF")
	guest_destroy "$GUEST" || not_ok "$_what: xl destroy"
	pciguard detach "$BDF" >/tmp/cfg.detach 2>&1 ||
		not_ok "$_what: detach" "$(cat /tmp/cfg.detach)"
}

tap_begin
check "xen-pciback and pciguard load" sh -c 'modprobe xen-pciback && modprobe pciguard'
cap=$(virtio_pci_cfg_cap $BDF)
check "the virtio-net has a VIRTIO_PCI_CAP_PCI_CFG capability" test -n "$cap"
REG=$((${cap:-0} + 4))
NB=$((REG + 4))
REGX=$(printf 0x%x $REG)
diag "registers: offsets $REG and $NB (capability at ${cap:-?})"
ev=/tmp/cfg.events
monitor_start "$ev"

round "default"
check_eq "default: the guest's write is dropped by pciback" \
	"0000:00:00.0 $REG $BEFORE $BEFORE" "$GUEST_SAW"
check_eq "  dom0 reads the register unchanged" "$BEFORE" "$DOM0_SAW"
check "  pciback says it refused a write there" sh -c \
	"dmesg | grep -q 'pciback $BDF: .*write to a read-only configuration space field at offset $(printf 0x%x "$REG")'"

check_eq "  NB's write is dropped too" \
	"0000:00:00.0 $NB $NB_BEFORE $NB_BEFORE" "$GUEST_SAW_NB"

round "grant" -o "allow-write=$REGX:1"
check_eq "allow-write=$REGX:1: the guest's write reaches the device" \
	"0000:00:00.0 $REG $BEFORE $NEW" "$GUEST_SAW"
check_eq "  dom0 reads the new value" "$NEW" "$DOM0_SAW"
check_eq "  NB's write is still dropped" \
	"0000:00:00.0 $NB $NB_BEFORE $NB_BEFORE" "$GUEST_SAW_NB"
check_eq "  dom0 reads NB unchanged" "$NB_BEFORE" "$DOM0_SAW_NB"
check_eq "  show lists the grant, and pciback applies it (no violation)" \
	"$REGX:1 null" \
	"$(echo "$SHOW" | jq -r '"\(.custody.config.grants[0].option) \(.backend_violation)"')"
check "  assign said it" grep -q -x "$BDF: config writes: allow-write=$REGX:1" /tmp/cfg.assign

round "permissive" -o permissive=true
check_eq "permissive: the guest's write reaches the device" \
	"0000:00:00.0 $REG $BEFORE $NEW" "$GUEST_SAW"
check_eq "  dom0 reads the new value" "$NEW" "$DOM0_SAW"
check_eq "  NB's write too" "0000:00:00.0 $NB $NB_BEFORE $NB_NEW" "$GUEST_SAW_NB"

round "again"
check_eq "assigned again without options: the write is dropped again" \
	"0000:00:00.0 $REG $BEFORE $BEFORE" "$GUEST_SAW"
check_eq "  dom0 reads the register unchanged" "$BEFORE" "$DOM0_SAW"

check_eq "  NB's write is dropped again" \
	"0000:00:00.0 $NB $NB_BEFORE $NB_BEFORE" "$GUEST_SAW_NB"

# Grants xen-pciback cannot apply are refused before anything moves.
out=$(pciguard assign "$GUEST" "$BDF" -o allow-write=0x4:2 2>&1)
check_eq "a grant in the standard header is refused for pciback" \
	"1 pciguard: cannot assign $BDF: xen-pciback emulates the standard header (0x0-0x3f) itself: a grant there would not reach the device; use -o permissive=true" \
	"$? $out"
out=$(pciguard assign "$GUEST" "$BDF" -o "allow-write=$REGX:1:0xf" 2>&1)
check_eq "a partial mask is refused for pciback" \
	"1 pciguard: cannot assign $BDF: xen-pciback opens whole registers and ignores a grant's mask: grant the whole register, or use backend vfio-pci" \
	"$? $out"
check_eq "  the device stayed in quarantine" quarantined "$(pg_json "$BDF" .state)"

# The audit: permissive turned on behind pciguard's back.
pciguard assign "$GUEST" "$BDF" >/dev/null
echo "$BDF" >/sys/bus/pci/drivers/pciback/permissive
out=$(pciguard show "$BDF")
check "show reports permissive switched on behind pciguard's back" sh -c \
	"echo '$out' | grep -q -x '  VIOLATION        xen-pciback has permissive on for it, but it was assigned without: the guest can write all of config space (detach and assign it again to clear it)'"
check_event "  and sends a violation event" "$ev" violation "$BDF"
pciguard show "$BDF" >/dev/null
check_eq "  counted once however often show looks" 1 \
	"$(pg_json "$BDF" .custody.config.violations)"
pciguard detach "$BDF" >/dev/null
check "  detach clears pciback's permissive (nothing sticks)" sh -c \
	"! grep -q '$BDF' /sys/bus/pci/drivers/pciback/permissive"
monitor_stop

pciguard release --to-host "$BDF" >/dev/null 2>&1
check_eq "released to dom0" virtio-pci "$(pci_driver $BDF)"
tap_end
