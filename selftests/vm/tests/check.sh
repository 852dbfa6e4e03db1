#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# pciguard check: the handoff gate's dry run on the reference topology.
# Strict reset (a function-level method, or a bus reset whose every victim
# moves along), co-assignment (IOMMU group, bus reset), the fix for every
# refusal, and facts that match sysfs. Nothing changes hands.
. /tests/lib.sh
tap_begin
modprobe pciguard
pci_drivers > /tmp/check.before

# has_line TEXT LINE: TEXT has a line starting with LINE (fixed string).
has_line() {
	printf '%s\n' "$1" | cut -c1-${#2} | grep -q -F -x -- "$2"
}

out=$(pciguard check 01:00.0)
check_eq "virtio-net on a root port passes (exit 0)" 0 "$?"
check "  it would use FLR" has_line "$out" "  would use        flr "
check "  verdict ok" has_line "$out" "  verdict          ok: strict reset"

out=$(pciguard check 05:02.0)
check_eq "legacy virtio behind the PCIe-to-PCI bridge alone is refused" 1 "$?"
check "  its only reset is the bridge's bus reset" has_line "$out" "  would use        bus (secondary bus reset by 0000:04:00.0)"
check "  which also resets the e1000" has_line "$out" "  also resets      0000:05:01.0"
check "  the fix names the device to add" has_line "$out" "  fix              also assign 0000:05:01.0"
check "  and the weaker way, with its risk" has_line "$out" "  fix              or -o no-strict-reset=true: the next guest may see this guest's data"
out=$(pciguard check 05:02.0 -o no-strict-reset=true)
check_eq "  accepted with -o no-strict-reset=true" 0 "$?"
check "  which says what it costs" has_line "$out" "  verdict          allowed by no-strict-reset: the next guest may see this guest's data"

pciguard check 05:01.0 >/dev/null
check_eq "e1000 behind the bridge alone is refused" 1 "$?"
out=$(pciguard check 05:01.0 05:02.0)
check_eq "e1000 and its bus neighbour together pass" 0 "$?"
check_eq "  both verdicts ok" 2 "$(echo "$out" | grep -c '^  verdict          ok')"

out=$(pciguard check 03:00.0)
check_eq "one function of the multifunction pair is refused" 1 "$?"
check "  naming the other function" has_line "$out" "  must move with   0000:03:00.1"
pciguard check 03:00.0 03:00.1 >/dev/null
check_eq "both functions together pass" 0 "$?"

out=$(pciguard check 01:00.0 05:02.0 2>&1)
check_eq "a batch with one refused device fails as a whole" 1 "$?"

out=$(pciguard check 00:10.0 2>&1)
check_eq "a root port cannot be checked for a guest" \
	"pciguard: cannot check 0000:00:10.0: device is a PCI-to-PCI bridge or root port: hide the devices behind it instead" \
	"$out"
out=$(pciguard check 01:00.0 -o colour=blue 2>&1)
check_eq "an unknown option is a usage error (exit 2)" 2 "$?"
check_eq "  naming the known ones" \
	"pciguard: check: unknown option 'colour'; known: no-strict-reset, permissive, allow-write, backend" \
	"$(echo "$out" | sed -n 1p)"

# check --json facts equal sysfs.
for bdf in 0000:01:00.0 0000:05:01.0 0000:06:00.0; do
	j=$(pciguard check --json "$bdf" -o no-strict-reset=true | jq -c '.[0]')
	check_eq "$bdf: reset_methods match sysfs reset_method" \
		"$(cat /sys/bus/pci/devices/$bdf/reset_method)" \
		"$(echo "$j" | jq -r '.reset_methods | join(" ")')"
	check_eq "$bdf: iommu_group matches sysfs" \
		"$(basename "$(readlink /sys/bus/pci/devices/$bdf/iommu_group)")" \
		"$(echo "$j" | jq -r .iommu_group)"
done
j=$(pciguard check --json 01:00.0 | jq -c '.[0].iommu')
check_eq "check --json: the IOMMU is on, as Linux reports it" \
	"{\"active\":true,\"source\":\"linux\",\"detail\":\"$(ls /sys/class/iommu | tr '\n' ' ' | sed 's/ $//')\"}" \
	"$j"
out=$(pciguard check 01:00.0)
check "  and the text names the group and the IOMMU" has_line "$out" \
	"  iommu            group $(basename "$(readlink /sys/bus/pci/devices/0000:01:00.0/iommu_group)"), on ($(ls /sys/class/iommu | tr '\n' ' ' | sed 's/ $//'))"
check_eq "check --json lists the problems" '["reset-split","group-split"]' \
	"$(pciguard check --json 05:01.0 | jq -c '.[0].problems')"

pci_drivers > /tmp/check.after
check "check changed no driver binding" diff /tmp/check.before /tmp/check.after
check_eq "and took nothing into custody" 0 "$(cat /sys/module/pciguard/refcnt)"
tap_end
