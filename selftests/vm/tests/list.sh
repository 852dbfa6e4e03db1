#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 'pciguard list --all --json' agrees with sysfs and lspci for every device,
# field by field.
. /tests/lib.sh
tap_begin
modprobe pciguard

json=$(pciguard list --all --json)
check_eq "list --all --json exits 0" 0 "$?"
echo "$json" | jq -e 'type == "array"' >/dev/null
check_eq "list --all --json is a JSON array" 0 "$?"

nsys=$(ls /sys/bus/pci/devices | wc -l)
check_eq "one entry per PCI device in sysfs" "$nsys" "$(echo "$json" | jq length)"

hex() {	# hex FILE: sysfs hex value without 0x, lower case
	sed 's/^0x//' "$1"
}

# Expected stable path, computed from the sysfs device tree.
sysfs_path() {
	_real=$(readlink -f "/sys/bus/pci/devices/$1")
	_p="" _first=1
	for _e in $(echo "$_real" | tr '/' ' '); do
		case $_e in
		[0-9a-f][0-9a-f][0-9a-f][0-9a-f]:[0-9a-f][0-9a-f]:[0-9a-f][0-9a-f].[0-7]) ;;
		*) continue ;;
		esac
		_sf=${_e#*:*:}			# dd.f
		if [ $_first = 1 ]; then
			_b=${_e#*:}
			_p="${_b%%:*}_$_sf"
			_first=0
		else
			_p="$_p-00_$_sf"
		fi
	done
	echo "$_p"
}

sysfs_parent() {
	_up=$(basename "$(dirname "$(readlink -f "/sys/bus/pci/devices/$1")")")
	case $_up in
	*:*:*.*) echo "$_up" ;;
	*) echo "" ;;
	esac
}

cfg_byte() {	# cfg_byte BDF OFFSET: decimal value of a config space byte
	dd if="/sys/bus/pci/devices/$1/config" bs=1 skip="$2" count=1 2>/dev/null |
		od -An -tu1 | tr -d ' '
}

for d in /sys/bus/pci/devices/*; do
	b=${d##*/}
	e=$(echo "$json" | jq -c --arg b "$b" '.[] | select(.bdf == $b)')
	if [ -z "$e" ]; then
		not_ok "$b is listed"
		continue
	fi
	f() { echo "$e" | jq -r "$1"; }
	check_eq "$b vendor" "$(hex "$d/vendor")" "$(f .vendor)"
	check_eq "$b device" "$(hex "$d/device")" "$(f .device)"
	check_eq "$b subsystem" "$(hex "$d/subsystem_vendor"):$(hex "$d/subsystem_device")" \
		"$(f '.subsystem_vendor + ":" + .subsystem_device')"
	check_eq "$b class" "$(hex "$d/class")" "$(f .class)"
	check_eq "$b revision" "$(hex "$d/revision")" "$(f .revision)"
	hdr=$(cfg_byte "$b" 14)
	check_eq "$b header type" "$((hdr & 127))" "$(f .header_type)"
	# The kernel marks every function of a slot whose function 0 says
	# multifunction (bit 7 of its header type).
	hdr0=$(cfg_byte "${b%.*}.0" 14)
	check_eq "$b multifunction" "$([ $((hdr0 & 128)) -ne 0 ] && echo true || echo false)" \
		"$(f .multifunction)"
	check_eq "$b driver" "$(pci_driver "$b")" "$(f '.driver // ""')"
	check_eq "$b state" host "$(f .state)"
	rm_expect=""
	[ -r "$d/reset_method" ] && rm_expect=$(cat "$d/reset_method")
	check_eq "$b reset methods (sysfs reset_method)" "$rm_expect" \
		"$(f '.reset_methods | join(" ")')"
	check_eq "$b best reset" "${rm_expect%% *}" "$(f 'if .reset == "none" then "" else .reset end')"
	grp=""
	[ -e "$d/iommu_group" ] && grp=$(basename "$(readlink "$d/iommu_group")")
	check_eq "$b IOMMU group" "$grp" "$(f '.iommu_group // "" | tostring')"
	check_eq "$b parent bridge" "$(sysfs_parent "$b")" "$(f '.parent // ""')"
	check_eq "$b stable path" "$(sysfs_path "$b")" "$(f .path)"
	flr=false
	lspci -s "$b" -vv 2>/dev/null | grep -A1 'DevCap:' | grep -q 'FLReset+' && flr=true
	check_eq "$b FLR advertised (lspci DevCap)" "$flr" "$(f .flr_capable)"
	check_eq "$b names as lspci prints them" "$(lspci -s "$b" | cut -d' ' -f2-)" \
		"$(pciguard show "$b" | head -n 1 | sed "s/^$b  //")"
	vn=$(f '.vendor_name // "-"')
	case $(lspci -s "$b" -mm | cut -d'"' -f4) in
	"Vendor $(f .vendor)"|"$(f .vendor)") check_eq "$b vendor_name is null when pci.ids lacks it" - "$vn" ;;
	*) check_eq "$b vendor_name" "$(lspci -s "$b" -mm | cut -d'"' -f4)" "$vn" ;;
	esac
done

# The human table: one row per device, USB controllers marked with buses.
table=$(pciguard list --all)
check_eq "list --all prints a header and one row per device" "$((nsys + 1))" \
	"$(echo "$table" | wc -l)"
for d in /sys/bus/pci/devices/*; do
	# usb[0-9]*: a kernel with usbmon built in also has a usbmon/ there.
	buses=$(ls -d "$d"/usb[0-9]* 2>/dev/null | sed 's/.*usb//' | sort -n | tr '\n' ',' | sed 's/,$//')
	[ -n "$buses" ] || continue
	row=$(echo "$table" | grep "^${d##*/} ")
	case $row in
	*"[USB bus $buses]"*) ok "${d##*/} is marked as USB controller of bus $buses" ;;
	*) not_ok "${d##*/} is marked as USB controller of bus $buses" "$row" ;;
	esac
done

out=$(pciguard list)
check_eq "list without --all exits 0" 0 "$?"
case $out in
*"manages no PCI devices"*"--all"*) ok "list without --all says nothing is managed and hints --all" ;;
*) not_ok "list without --all says nothing is managed and hints --all" "$out" ;;
esac
check_eq "list --json without --all is an empty array" 0 "$(pciguard list --json | jq length)"
tap_end
