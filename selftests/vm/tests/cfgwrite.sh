#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Config-space writes from dom0's user space to a device in custody go
# through its write policy: sysfs config (setpci, dd) and /proc/bus/pci.
# A refused write fails with EPERM and changes nothing; a whitelisted one
# lands; -o allow-write opens exactly one register, -o permissive=true all
# of them, and a detach closes everything again. Every refusal is counted
# and sent as an event, one for one.
#
# The register: the "offset" field (+8, 4 bytes) of the virtio-net's
# VIRTIO_PCI_CAP_PCI_CFG capability, writable in QEMU and harmless; its
# neighbour "length" (+12) stays closed. FLR does not reset either.
. /tests/lib.sh
tap_begin
modprobe pciguard
modprobe vfio-pci
BDF=0000:01:00.0
CFG=/sys/bus/pci/devices/$BDF/config
ev=/tmp/cfgwrite.events
monitor_start "$ev"
vfio=-o\ backend=vfio-pci
refused=0

# rd OFF: the dword at OFF, as setpci prints it (8 hex digits).
rd() {
	setpci -s "$BDF" "$(printf %x "$1").l"
}

# wr FILE OFF HEX: one 4-byte write(2) of HEX at OFF (a multiple of 4)
# into FILE, as dd does it; dd's messages go to /tmp/wr.out. HEX has no
# zero byte (printf would stop at it).
wr() {
	_v=$((0x$3))
	printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $((_v & 255)) \
		$((_v >> 8 & 255)) $((_v >> 16 & 255)) $((_v >> 24 & 255)))" |
		dd of="$1" bs=4 seek=$(($2 / 4)) count=1 conv=notrunc \
			>/tmp/wr.out 2>&1
}

# refused DESC FILE OFF HEX: the write fails with EPERM and OFF keeps its
# value.
refused() {
	_before=$(rd "$2")
	wr "$1" "$2" "$3"
	_rc=$?
	refused=$((refused + 1))
	check "$4: write(2) fails" test "$_rc" -ne 0
	check "  with EPERM" grep -q "Operation not permitted" /tmp/wr.out
	check_eq "  the register is unchanged" "$_before" "$(rd "$2")"
}

# lands DESC OFF HEX: the write succeeds and reads back.
lands() {
	wr "$CFG" "$1" "$2"
	check_eq "$3: the write lands" "0:$2" "$?:$(rd "$1")"
}

cap=$(virtio_pci_cfg_cap $BDF)
check "the virtio-net has a VIRTIO_PCI_CAP_PCI_CFG capability" test -n "$cap"
REG=$((${cap:-0} + 8))
NB=$((REG + 4))
REGX=$(printf 0x%x $REG)
diag "register $REGX, neighbour $(printf 0x%x $NB)"

# Before custody the PCI core's rules apply: pciguard judges nothing.
lands $REG 11223344 "dom0's own device"

pciguard hide 01:00.0 >/dev/null
check_eq "in quarantine" quarantined "$(pg_json 01:00.0 .state)"

# A BAR: refused through every path.
bar=$(rd 0x10)
out=$(setpci -s $BDF BASE_ADDRESS_0=0x12345678 2>&1)
refused=$((refused + 1))
check "setpci to BAR0 is refused with EPERM" \
	sh -c "echo '$out' | grep -q 'write failed: Operation not permitted'"
check_eq "  BAR0 is unchanged" "$bar" "$(rd 0x10)"
refused "$CFG" 0x10 12345678 "dd into config at BAR0"
refused /proc/bus/pci/01/00.0 0x10 12345678 "dd into /proc/bus/pci at BAR0"
check "the kernel log names the writer and the narrowest grant" sh -c \
	"dmesg | grep -q '$BDF: dd\[[0-9]*\]: config write refused at 0x10 (4 bytes, bits 0x[0-9a-f]*): outside the write policy; to allow it, assign with -o allow-write=0x10:4:0x'"

# The command register's bus master bit is whitelisted.
setpci -s $BDF COMMAND=0x4:0x4 2>/tmp/wr.out
check_eq "setpci sets bus master (whitelisted)" \
	"4" "$(($(printf %d "0x$(setpci -s $BDF COMMAND)") & 4))"
check "  without an error" test ! -s /tmp/wr.out
setpci -s $BDF COMMAND=0x0:0x4
check_eq "  and clears it" "0" "$(($(printf %d "0x$(setpci -s $BDF COMMAND)") & 4))"

refused "$CFG" $REG 55667788 "device-specific register"
refused "$CFG" $NB 55667788 "its neighbour"

out=$(pciguard show 01:00.0)
check "show counts the refusals" \
	sh -c "echo '$out' | grep -q '^  refused writes   $refused, latest:'"
check "show suggests the narrowest grants" \
	sh -c "echo '$out' | grep -q -- '^  to allow them    -o allow-write=0x10:4:0x[0-9a-f]* -o allow-write=$REGX:4:0x[0-9a-f]* -o allow-write=$(printf 0x%x $NB):4'"
check_eq "show --json counts them" "$refused" \
	"$(pg_json 01:00.0 .custody.config.refused)"
check_eq "  the latest: offset, length, writer" "$NB 4 dd" \
	"$(pg_json 01:00.0 '.custody.config.latest_refused[-1] | "\(.offset) \(.len) \(.comm)"')"
out=$(pciguard check 01:00.0)
check "check points at them" \
	sh -c "echo '$out' | grep -q '^  config writes    $refused config writes from dom0 refused so far'"

# A grant opens exactly that register.
out=$(pciguard assign vm1 01:00.0 $vfio -o allow-write=$REGX:4)
check_eq "assign with -o allow-write=$REGX:4" 0 "$?"
check "  says so" sh -c "echo '$out' | grep -q -x '$BDF: config writes: allow-write=$REGX:4'"
check_eq "  show --json lists the grant" "$REGX:4" \
	"$(pg_json 01:00.0 '.custody.config.grants[0].option')"
lands $REG 55667788 "granted register"
refused "$CFG" $NB 55667788 "  the neighbour stays closed"
refused "$CFG" 0x10 12345678 "  BAR0 stays closed"
pciguard detach 01:00.0 >/dev/null

# A mask opens only those bits.
pciguard assign vm1 01:00.0 $vfio -o allow-write=$REGX:4:0xff >/dev/null
lands $REG 556677aa "granted bits (mask 0xff)"
refused "$CFG" $REG 116677aa "bits outside the mask"
pciguard detach 01:00.0 >/dev/null

# permissive opens everything.
pciguard assign vm1 01:00.0 $vfio -o permissive=true >/dev/null
check_eq "assign with -o permissive=true" true \
	"$(pg_json 01:00.0 .custody.config.permissive)"
lands $NB 55667788 "permissive: the neighbour"
lands $REG 11223344 "permissive: the register"
pciguard detach 01:00.0 >/dev/null

# Nothing sticks.
pciguard assign vm1 01:00.0 $vfio >/dev/null
check_eq "assigned again without options: no grants, not permissive" \
	"[] false" "$(pg_json 01:00.0 '"\(.custody.config.grants) \(.custody.config.permissive)"')"
refused "$CFG" $REG 55667788 "  the register is closed again"
refused "$CFG" $NB 11223344 "  the neighbour too"

# One event per refusal, counters exact.
check_eq "show --json counts every refusal" "$refused" \
	"$(pg_json 01:00.0 .custody.config.refused)"
wait_for 5 sh -c "[ \$(jq -c 'select(.event == \"cfg-denied\")' $ev | wc -l) -ge $refused ]"
check_eq "monitor got one cfg-denied event per refusal" "$refused" \
	"$(count_events "$ev" cfg-denied $BDF)"
check_eq "  the last one: offset, length, value, writer, count" \
	"$NB 4 $((0x11223344)) dd $refused" \
	"$(jq -r 'select(.event == "cfg-denied") | "\(.cfg_write.offset) \(.cfg_write.len) \(.cfg_write.value) \(.cfg_write.comm) \(.cfg_refused)"' "$ev" | tail -n 1)"

# Bad grants.
out=$(pciguard assign vm1 01:00.0 $vfio -o allow-write=0x41:4 2>&1)
check_eq "a misaligned grant is a usage error" \
	"2 pciguard: assign: allow-write=0x41:4: OFF must be a multiple of LEN" \
	"$? $(echo "$out" | sed -n 1p)"
out=$(pciguard assign vm1 01:00.0 $vfio -o allow-write=0x40:3 2>&1)
check_eq "a bad length is a usage error" 2 "$?"
out=$(pciguard assign vm1 01:00.0 $vfio -o allow-write=0x40 2>&1)
check_eq "a grant without a length is a usage error" \
	"2 pciguard: assign: allow-write takes OFF:LEN[:MASK] (OFF 0x0-0xfff, LEN 1, 2 or 4, MASK the bits to open), e.g. allow-write=0x40:4" \
	"$? $(echo "$out" | sed -n 1p)"
pci_drivers >/tmp/cfgwrite.before
out=$(pciguard assign vm2 05:01.0 $vfio -o allow-write=0x100:4 2>&1)
check_eq "a grant outside a 256-byte config space is refused" \
	"1 pciguard: cannot assign 0000:05:01.0: allow-write=0x100:4 is outside its config space (256 bytes, 0x0-0xff)" \
	"$? $out"
pci_drivers >/tmp/cfgwrite.after
check "  and changes nothing" diff /tmp/cfgwrite.before /tmp/cfgwrite.after

pciguard detach 01:00.0 >/dev/null
pciguard release --to-host 01:00.0 >/dev/null
check_eq "released to dom0" virtio-pci "$(pci_driver $BDF)"
lands $REG 11223344 "back with dom0: the PCI core's rules again"
monitor_stop
tap_end
