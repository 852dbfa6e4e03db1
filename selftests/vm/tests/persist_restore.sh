#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Persistence, boot 2 of 3 (reference topology, the disk boot 1 wrote):
# booted the way a host with pciguard's initramfs hook boots, with
# pciguard.hide= as 'pciguard cmdline' printed it in boot 1 and pciguard
# loaded before any driver. restore then gives every device the state
# boot 1 saved, with the same options; again, it changes nothing. Last,
# every eligible device of the topology is restored in one run, and the
# closing line reports each reset.
. /tests/lib.sh
tap_begin
ev=/tmp/restore.events
monitor_start "$ev"

# state: what boot 1 wrote down for each device, from the module now.
state() {
	for b in 01:00.0 02:00.0 03:00.0 03:00.1 06:00.0; do
		pciguard show --json "$b" | jq -c '{bdf, state, driver,
			guest: .custody.assigned.guest, backend: .custody.assigned.backend,
			permissive: .custody.assigned.permissive,
			no_strict_reset: .custody.assigned.no_strict_reset,
			grants: .custody.config.grants}'
	done
}

check "boot 1's store is on the disk" test -s /etc/pciguard/devices.conf
for b in 0000:01:00.0 0000:02:00.0 0000:03:00.0 0000:03:00.1 0000:06:00.0; do
	check_eq "early boot: $b was never bound to a dom0 driver" \
		"pciguard boot null" \
		"$(pci_driver $b) $(pg_json $b '"\(.custody.source) \(.custody.original_driver)"')"
done

g=$(grep -m1 'assign vm2' /etc/pciguard/devices.conf | sed 's/.*allow-write=//')
out=$(pciguard restore --dry-run)
check_eq "restore --dry-run: every entry checks out (exit 0)" 0 "$?"
check_eq "  and says what it would do" \
	"0000:02:00.0: hide: already so
0000:06:00.0: hide: already so
0000:01:00.0: assign vm1 backend=vfio-pci permissive=true: would be done
0000:03:00.0: assign vm2 backend=vfio-pci allow-write=$g: would be done
0000:03:00.1: assign vm2 backend=vfio-pci allow-write=$g: would be done
restore: 5 entries checked, 0 refused; nothing was changed (--dry-run)" \
	"$out"
check_eq "  and changes nothing" "pciguard pciguard" \
	"$(pci_driver 0000:01:00.0) $(pci_driver 0000:03:00.0)"

out=$(pciguard restore)
check_eq "restore succeeds (exit 0)" 0 "$?"
diag "$out"
check_eq "  one line per entry, then the summary" 6 "$(echo "$out" | wc -l)"
check "  01:00.0 goes to vm1, permissive" sh -c "echo '$out' | grep -qx '0000:01:00.0: assigned to vm1 through vfio-pci (reset ok in [0-9]* ms); config writes: permissive'"
check "  03:00.1 goes to vm2 with its grant" sh -c "echo '$out' | grep -qx '0000:03:00.1: assigned to vm2 through vfio-pci (reset ok in [0-9]* ms); config writes: allow-write grants'"
check "  the summary counts them and lists the resets" sh -c "echo '$out' | tail -n 1 | grep -qx 'restore: 5 entries: 3 restored, 2 already so, 0 refused, 0 failed in [0-9.]* s; resets: 0000:01:00.0 [0-9]* ms, 0000:03:00.0 [0-9]* ms, 0000:03:00.1 [0-9]* ms'"
state > /tmp/state.now
check "same state and options as boot 1 saved" \
	diff /etc/pciguard/expected.state /tmp/state.now
check_eq "  vfio-pci has the assigned devices" "vfio-pci vfio-pci vfio-pci" \
	"$(pci_driver 0000:01:00.0) $(pci_driver 0000:03:00.0) $(pci_driver 0000:03:00.1)"

n=$(wc -l < "$ev")
out=$(pciguard restore)
check_eq "restore again: nothing to do (exit 0)" 0 "$?"
check "  every entry is already so" sh -c "echo '$out' | tail -n 1 | grep -qx 'restore: 5 entries: 0 restored, 5 already so, 0 refused, 0 failed in [0-9.]* s'"
state > /tmp/state.again
check "  the state did not change" diff /tmp/state.now /tmp/state.again
sleep 1
check_eq "  no device moved (no event)" "$n" "$(wc -l < "$ev")"

# ---- every eligible device in one restore -------------------------------------
# A second store holding every endpoint pciguard may take; all go back to
# dom0 first, then one restore takes them all, resetting in parallel.
d=/etc/pciguard/all
rm -rf "$d"
all="0000:01:00.0 0000:02:00.0 0000:03:00.0 0000:03:00.1 0000:05:01.0 0000:05:02.0 0000:06:00.0"
pciguard detach 01:00.0 03:00.0 03:00.1 >/dev/null
pciguard hide 05:01.0 05:02.0 >/dev/null
pciguard --config-dir "$d" hide --persistent $all >/dev/null
check_eq "a store with every eligible device" 7 "$(grep -c '^device ' "$d/devices.conf")"
pciguard release --to-host --force $all >/dev/null
check_eq "  all back with dom0" "virtio-pci e1000e virtio-pci virtio-pci e1000 virtio-pci xhci_hcd" \
	"$(for b in $all; do pci_driver $b; done | tr '\n' ' ' | sed 's/ $//')"
out=$(pciguard --config-dir "$d" restore)
check_eq "restore of all 7 succeeds" 0 "$?"
diag "$out"
check_eq "  all are quarantined" "pciguard pciguard pciguard pciguard pciguard pciguard pciguard" \
	"$(for b in $all; do pci_driver $b; done | tr '\n' ' ' | sed 's/ $//')"
last=$(echo "$out" | tail -n 1)
check "  the closing line counts 7 restored" sh -c "echo '$last' | grep -q '^restore: 7 entries: 7 restored, 0 already so, 0 refused, 0 failed in [0-9.]* s; resets: '"
for b in $all; do
	check "  and reports $b's reset time" sh -c "echo '$last' | grep -q ' $b [0-9]* ms'"
done
monitor_stop
tap_end
