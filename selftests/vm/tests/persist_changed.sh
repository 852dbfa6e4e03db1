#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Persistence, boot 3 of 3: the hardware changed (topology "changed": an
# e1000e where the virtio-net 01:00.0 was, 02:00.0's e1000e swapped for
# one with another serial number, the xHCI at 06:00.0 gone), booted with
# the early-boot list of boot 1. restore must refuse the entries whose
# device changed or vanished, say what it expected and what it found,
# leave those devices where they are, still restore the rest, and exit 1;
# forget then drops the vanished device.
. /tests/lib.sh
tap_begin
store=/etc/pciguard/devices.conf
[ "$RIG_TOPOLOGY" = changed ] || skip_all "needs the changed topology"
ev=/tmp/changed.events
monitor_start "$ev"

check_eq "01:00.0 is an e1000e now" "8086:10d3" \
	"$(pg_json 01:00.0 '"\(.vendor):\(.device)"')"
old=$(awk '/^device 0000:02:00.0/{p = 1} p && $1 == "serial" {print $2; exit}' "$store")
new=$(pg_json 02:00.0 .serial)
check "02:00.0 has another serial number than boot 1 saved" \
	test -n "$old" -a -n "$new" -a "$old" != "$new"
check "06:00.0 is gone" test ! -e /sys/bus/pci/devices/0000:06:00.0
check_eq "the early list kept dom0's drivers off the new devices" \
	"pciguard pciguard" \
	"$(pci_driver 0000:01:00.0) $(pci_driver 0000:02:00.0)"

out=$(pciguard restore)
check_eq "restore exits 1: entries were refused" 1 "$?"
diag "$out"
check_eq "  02:00.0: expected and found, another serial, left in quarantine" \
	"0000:02:00.0: refused: expected 8086:10d3 (subsystem 8086:0000, serial $old, path 00_11.0-00_00.0), found 8086:10d3 (subsystem 8086:0000, serial $new, path 00_11.0-00_00.0): a different device (another serial number), left in quarantine: 'pciguard release --to-host 0000:02:00.0' gives it to dom0; if it is the one you want: pciguard forget, then hide or assign it again with --persistent" \
	"$(echo "$out" | grep '^0000:02:00.0')"
check_eq "  06:00.0: vanished, forget named" \
	"0000:06:00.0: refused: expected 1b36:000d (subsystem 1af4:1100, no serial, path 00_14.0-00_00.0), found no device at this address; if it was removed for good: pciguard forget" \
	"$(echo "$out" | grep '^0000:06:00.0')"
check "  01:00.0: a different device, left in quarantine" \
	sh -c "echo \"$out\" | grep '^0000:01:00.0' | grep -q '^0000:01:00.0: refused: expected 1af4:1041 (subsystem 1af4:1100, no serial, path 00_10.0-00_00.0), found 8086:10d3 (subsystem 8086:0000, serial [-0-9a-f]*, path 00_10.0-00_00.0): a different device, left in quarantine: '"
check "  the unchanged slot 03:00 still goes to vm2" \
	sh -c "echo \"$out\" | grep -c '^0000:03:00.[01]: assigned to vm2 through vfio-pci' | grep -qx 2"
check "  the summary counts 2 restored and 3 refused" \
	sh -c "echo \"$out\" | tail -n 1 | grep -q '^restore: 5 entries: 2 restored, 0 already so, 3 refused, 0 failed in '"
check_eq "  the refused devices stay quarantined" "quarantined quarantined" \
	"$(pg_json 01:00.0 .state) $(pg_json 02:00.0 .state)"

# A different device that dom0 has: restore does not touch it.
pciguard release --to-host 02:00.0 >/dev/null
check_eq "02:00.0 given to dom0" e1000e "$(pci_driver 0000:02:00.0)"
n=$(count_events "$ev" quarantined 0000:02:00.0)
out=$(pciguard restore)
check_eq "restore again exits 1" 1 "$?"
check "  02:00.0 is left with dom0" \
	sh -c "echo \"$out\" | grep '^0000:02:00.0' | grep -q 'a different device (another serial number), left with dom0 (e1000e); if it is'"
check_eq "  still bound to e1000e" e1000e "$(pci_driver 0000:02:00.0)"
sleep 1
check_eq "  and never taken (no event)" "$n" "$(count_events "$ev" quarantined 0000:02:00.0)"
check "  the rest is already so" \
	sh -c "echo \"$out\" | tail -n 1 | grep -q '^restore: 5 entries: 0 restored, 2 already so, 3 refused, 0 failed in '"

# forget works for a device that is gone.
out=$(pciguard forget 06:00.0)
check_eq "forget of the vanished 06:00.0 succeeds" 0 "$?"
check "  and says so" sh -c "echo \"$out\" | grep -qx '0000:06:00.0: forgotten (was: hide); its state now is unchanged'"
check "  its entry is gone" sh -c "! grep -q '^device 0000:06:00.0' $store"
check_eq "  cmdline no longer names it" \
	"pciguard.hide=(0000:02:00.0)(0000:01:00.0)(0000:03:00.0)(0000:03:00.1)" \
	"$(pciguard cmdline)"
out=$(pciguard restore --dry-run)
check "  restore --dry-run checks 4 entries" \
	sh -c "echo \"$out\" | tail -n 1 | grep -qx 'restore: 4 entries checked, 2 refused; nothing was changed (--dry-run)'"
monitor_stop
tap_end
