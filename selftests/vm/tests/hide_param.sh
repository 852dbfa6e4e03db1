#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The hide= module parameter, as modprobe.d or modprobe gives it: malformed
# lists refuse the load with a message that points at the mistake (and
# pciguard cmdline --check says the same before a reboot); devices that
# match are claimed at load, and a matching device that appears later is
# claimed before any dom0 driver can probe it.
. /tests/lib.sh
tap_begin
rmmod pciguard 2>/dev/null

# bad_hide VALUE MESSAGE: the load fails with "pciguard: hide=: MESSAGE" and
# cmdline --check reports the same.
bad_hide() {
	dmesg -c >/dev/null
	modprobe pciguard "hide=$1" 2>/dev/null
	check_eq "hide=$1: the load is refused" 1 "$?"
	check "hide=$1: the module is not loaded" test ! -e /sys/module/pciguard
	check_eq "hide=$1: the kernel log points at the mistake" \
		"pciguard: hide=: $2" \
		"$(dmesg | grep -o 'pciguard: hide=: .*' | tail -n 1)"
	out=$(pciguard cmdline --check "$1" 2>&1)
	check_eq "cmdline --check '$1' exits 1" 1 "$?"
	check_eq "cmdline --check '$1' says the same" "pciguard: hide=: $2" \
		"$(echo "$out" | sed -n 1p)"
}
bad_hide '(00:1a.0)(0g:00.0)' "expected ':' at offset 12 in '(00:1a.0)(0g:00.0)'"
bad_hide '(00:20.0)' "slot 0x20 out of range (0-1f) at offset 5 in '(00:20.0)'"
bad_hide '(00:1f.8)' "function 8 out of range (0-7) at offset 8 in '(00:1f.8)'"
bad_hide '(00:*.1)' "'*' for the slot needs '*' for the function at offset 7 in '(00:*.1)'"
bad_hide '(00:1f.0' "unexpected end of string at offset 9 in '(00:1f.0'"
bad_hide '00:1f.0' "expected '(' at offset 1 in '00:1f.0'"

# A device that is off the bus when the module loads...
echo 1 > /sys/bus/pci/devices/0000:02:00.0/remove
check "02:00.0 is removed" test ! -e /sys/bus/pci/devices/0000:02:00.0
check "hide= with a domain form and a function wildcard loads" \
	modprobe pciguard 'hide=(0000:02:00.0) (03:00.*)'
check_eq "the parameter is visible in sysfs" '(0000:02:00.0) (03:00.*)' \
	"$(cat /sys/module/pciguard/parameters/hide)"
for bdf in 0000:03:00.0 0000:03:00.1; do
	check_eq "(03:00.*) claims $bdf at load" pciguard "$(pci_driver $bdf)"
	check_eq "$bdf: custody source is boot" boot \
		"$(pg_json $bdf .custody.source)"
	check_eq "$bdf: original driver recorded" virtio-pci \
		"$(pg_json $bdf .custody.original_driver)"
done
check_eq "03:00.0's FLR reset worked" true "$(pg_json 03:00.0 .custody.reset.ok)"

# ...is claimed when it appears, before any dom0 driver probes it.
ev=/tmp/hide_param.events
monitor_start "$ev"
echo 1 > /sys/bus/pci/rescan
check "02:00.0 is back on the bus" wait_for 5 test -e /sys/bus/pci/devices/0000:02:00.0
check_eq "the hot-added 02:00.0 is with pciguard" pciguard \
	"$(pci_driver 0000:02:00.0)"
check_event "e1000e tried and was refused" "$ev" refused-rebind 0000:02:00.0 e1000e
check_event "02:00.0 was quarantined" "$ev" quarantined 0000:02:00.0
check_eq "02:00.0: custody source is boot" boot "$(pg_json 02:00.0 .custody.source)"
check_eq "02:00.0 never had a dom0 driver" null \
	"$(pg_json 02:00.0 .custody.original_driver)"
check_eq "e1000e never created an interface for it" "" \
	"$(ls /sys/bus/pci/devices/0000:02:00.0/net 2>/dev/null)"

out=$(pciguard cmdline --check '(0000:02:00.0) (03:00.*)')
check_eq "cmdline --check accepts the string and gives the canonical form" \
	"ok: 2 groups, 3 devices; add to the kernel command line: pciguard.hide=(0000:02:00.0)(0000:03:00.*)" \
	"$(echo "$out" | tail -n 1)"
out=$(pciguard cmdline --check '(00:10.0)(09:00.0)')
check "cmdline --check warns about a root port" sh -c \
	"echo '$out' | grep -q 'warning: 0000:00:10.0 .* is a PCI-to-PCI bridge or root port'"
check "cmdline --check warns about a group with no device" sh -c \
	"echo '$out' | grep -q 'warning: (0000:09:00.0) matches no PCI device present now'"

# A device hide= named, released: dom0 binds the driver that matches it;
# when that driver's module is not loaded, the CLI loads it by modalias.
rmmod e1000e
check "e1000e is not loaded" test ! -e /sys/module/e1000e
out=$(pciguard release --to-host 02:00.0 03:00.0 03:00.1)
check_eq "release of the hide= devices" 0 "$?"
check_eq "02:00.0 (never driven, module not loaded) gets e1000e" e1000e \
	"$(pci_driver 0000:02:00.0)"
check_eq "the CLI says which driver dom0 bound" \
	"0000:02:00.0: released to dom0, now driven by e1000e" \
	"$(echo "$out" | sed -n 1p)"
check_eq "03:00.0 back to virtio-pci" virtio-pci "$(pci_driver 0000:03:00.0)"
check_eq "03:00.1 back to virtio-pci" virtio-pci "$(pci_driver 0000:03:00.1)"
monitor_stop
check "with nothing in custody the module unloads" rmmod pciguard
tap_end
