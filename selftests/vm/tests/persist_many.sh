#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# restore of every eligible device of the "many" topology (ten FLR-capable
# virtio endpoints, each behind its own root port) in one run: all go into
# quarantine, the closing line reports each device's reset. The time of
# the whole restore next to one device's restore is printed for the
# record; speed is measured by make bench, not asserted here.
. /tests/lib.sh
tap_begin
[ "$RIG_TOPOLOGY" = many ] || skip_all "needs the many topology"
modprobe pciguard
d=/tmp/pciguard-many
all=$(for p in /sys/bus/pci/devices/*; do
	[ "$(cat "$p/vendor")" = 0x1af4 ] || continue
	grep -qw flr "$p/reset_method" 2>/dev/null || continue
	echo "${p##*/}"
done)
n=$(echo "$all" | wc -l)
check "at least 8 FLR-capable endpoints" test "$n" -ge 8
pciguard --config-dir "$d" hide --persistent $all >/dev/null
check_eq "  all saved" "$n" "$(grep -c '^device ' "$d/devices.conf")"

# summary_time OUT: the seconds the closing line reports.
summary_time() {
	echo "$1" | tail -n 1 | sed -n 's/.* failed in \([0-9.]*\) s.*/\1/p'
}

pciguard release --to-host $all >/dev/null
out=$(pciguard --config-dir "$d" restore)
check_eq "restore of all $n succeeds" 0 "$?"
diag "$out"
last=$(echo "$out" | tail -n 1)
check "  the closing line counts them all restored" \
	sh -c "echo '$last' | grep -q '^restore: $n entries: $n restored, 0 already so, 0 refused, 0 failed in [0-9.]* s; resets: '"
miss=0
for b in $all; do
	echo "$last" | grep -q " $b [0-9]* ms" || miss=$((miss + 1))
	[ "$(pci_driver "$b")" = pciguard ] || miss=$((miss + 1))
done
check_eq "  each is quarantined and its reset time is on the closing line" 0 "$miss"
t_all=$(summary_time "$out")

one=$(echo "$all" | head -n 1)
pciguard --config-dir "$d.one" hide --persistent "$one" >/dev/null
pciguard release --to-host $all >/dev/null
out=$(pciguard --config-dir "$d.one" restore)
check_eq "restore of one device succeeds" 0 "$?"
diag "restore of $n devices: $t_all s; of one: $(summary_time "$out") s"
pciguard release --to-host "$one" >/dev/null
tap_end
