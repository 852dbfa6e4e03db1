#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Not a check: prints what the guest kernel reports for every PCI device
# (BDF, ID, driver, reset_method, IOMMU group) as a markdown table, plus
# "lspci -tv", as TAP diagnostics.  Used to write the README topology table.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. /tests/lib.sh

tap_begin
diag "| BDF | vendor:device | device (lspci) | driver | reset_method | iommu_group |"
diag "| --- | --- | --- | --- | --- | --- |"
for d in /sys/bus/pci/devices/*; do
	bdf=${d##*/}
	id="$(sed 's/^0x//' "$d/vendor"):$(sed 's/^0x//' "$d/device")"
	name=$(lspci -s "$bdf" 2>/dev/null | cut -d' ' -f2-)
	drv=$(pci_driver "$bdf")
	reset=$(cat "$d/reset_method" 2>/dev/null) || reset=
	grp=
	[ -L "$d/iommu_group" ] && grp=$(readlink "$d/iommu_group") && grp=${grp##*/}
	diag "| $bdf | $id | $name | ${drv:--} | ${reset:--} | ${grp:--} |"
done
diag ""
diag "$(lspci -tv)"
diag ""
diag "$(lspci -nn)"
diag ""
diag "$(cat /sys/bus/usb/devices/*/product 2>/dev/null)"
diag ""
for d in /sys/bus/pci/devices/*; do
	caps=$(lspci -s "${d##*/}" -vv 2>/dev/null | sed -n 's/^[[:space:]]*Capabilities: \[[0-9a-f]*[^]]*\] \([^:,]*\).*/\1/p' | tr '\n' ',')
	diag "${d##*/} capabilities: ${caps%,}"
done
ok "dumped PCI topology"
tap_end
