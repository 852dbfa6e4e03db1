#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 'pciguard show': the same facts as list, every BDF form, reset methods
# spelled out, and the sibling functions of a multifunction slot.
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
