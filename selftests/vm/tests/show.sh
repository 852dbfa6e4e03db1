#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 'pciguard show': the same facts as list, every BDF form, reset methods
# spelled out, the Device Serial Number as lspci prints it, and the sibling
# functions of a multifunction slot.
. /tests/lib.sh
tap_begin
modprobe pciguard

all=$(pciguard list --all --json)
for d in /sys/bus/pci/devices/*; do
	b=${d##*/}
	want=$(echo "$all" | jq -S -c --arg b "$b" '.[] | select(.bdf == $b)')
	got=$(pciguard show "$b" --json | jq -S -c 'del(.siblings, .reset_method_descriptions, .backend_violation)')
	check_eq "show $b --json has the same facts as list" "$want" "$got"
done

virtio=$(pci_find 1af4 1041 | head -n 1)
short=${virtio#0000:}
qubes="dom0:$(echo "$short" | tr ':' '_')"
ref=$(pciguard show "$virtio")
check_eq "show accepts BB:DD.F ($short)" "$ref" "$(pciguard show "$short")"
check_eq "show accepts Qubes' $qubes" "$ref" "$(pciguard show "$qubes")"
check_eq "show accepts upper-case hex" "$ref" "$(pciguard show "$(echo "$virtio" | tr a-f A-F)")"

for m in $(cat "/sys/bus/pci/devices/$virtio/reset_method"); do
	case $m in
	flr) desc="flr (PCIe Function Level Reset)" ;;
	pm) desc="pm (power-management reset, D3hot to D0)" ;;
	bus) desc="bus (secondary bus or slot reset" ;;
	*) desc="$m (" ;;
	esac
	case $ref in
	*"$desc"*) ok "show spells out reset method $m" ;;
	*) not_ok "show spells out reset method $m" "$ref" ;;
	esac
done
first=$(cut -d' ' -f1 "/sys/bus/pci/devices/$virtio/reset_method")
echo "$ref" | grep -q "would use *$first\$"
check_eq "show names the method the kernel would use ($first)" 0 "$?"

# Device Serial Number: as lspci -vv prints it, for every device.
for d in /sys/bus/pci/devices/*; do
	b=${d##*/}
	want=$(lspci -s "$b" -vv 2>/dev/null | sed -n 's/.*Device Serial Number \([0-9a-f-]*\).*/\1/p')
	check_eq "$b serial as lspci -vv prints it (${want:-none})" "${want:-null}" \
		"$(pg_json "$b" .serial)"
done
# QEMU's e1000e derives its DSN from the MAC: 52:54:00:00:02:01 gives
# 52-54-00-ff-ff-00-02-01; virtio devices have none.
e1000e=$(pci_find 8086 10d3 | head -n 1)
mac=$(cat "/sys/bus/pci/devices/$e1000e"/net/*/address 2>/dev/null | head -n 1)
want=$(echo "$mac" | awk -F: '{ printf "%s-%s-%s-ff-ff-%s-%s-%s", $1, $2, $3, $4, $5, $6 }')
check_eq "e1000e ($e1000e, MAC $mac): its serial comes from the MAC" \
	"$want" "$(pg_json "$e1000e" .serial)"
check_eq "show (text) prints the serial" \
	"  serial number    $want" \
	"$(pciguard show "$e1000e" | grep '^  serial number')"
check_eq "virtio-net ($virtio) has no serial" null "$(pg_json "$virtio" .serial)"
check_eq "show (text) says it has none" \
	"  serial number    none (no Device Serial Number capability)" \
	"$(pciguard show "$virtio" | grep '^  serial number')"

# Multifunction: each function lists the others of its slot.
for d in /sys/bus/pci/devices/*; do
	b=${d##*/}
	slot=${b%.*}
	sibs=$(ls -d /sys/bus/pci/devices/"$slot".* | sed 's|.*/||' | grep -v "^$b$" | sort | tr '\n' ' ')
	[ "$(pciguard show "$b" --json | jq -r .multifunction)" = true ] || continue
	check_eq "$b lists its sibling functions" "$sibs" \
		"$(pciguard show "$b" --json | jq -r '.siblings | sort | .[]' | tr '\n' ' ')"
	human=$(pciguard show "$b")
	for s in $sibs; do
		case $human in
		*"$s"*) ok "show $b names sibling $s" ;;
		*) not_ok "show $b names sibling $s" "$human" ;;
		esac
	done
done
tap_end
