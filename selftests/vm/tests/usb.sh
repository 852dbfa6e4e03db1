#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 'pciguard usb': from a USB bus or device to the PCI controller that serves
# it, and everything that moves with that controller.
. /tests/lib.sh
tap_begin
modprobe pciguard

wait_for 10 sh -c 'ls /sys/bus/usb/devices/ | grep -q -- "-"'
for u in /sys/bus/usb/devices/usb*; do
	bus=${u##*/usb}
	ctrl=$(basename "$(dirname "$(readlink -f "$u")")")
	out=$(pciguard usb "$bus")
	check_eq "usb $bus exits 0" 0 "$?"
	case $out in
	*"USB bus $bus is served by PCI controller $ctrl"*) ok "usb $bus names controller $ctrl" ;;
	*) not_ok "usb $bus names controller $ctrl" "$out" ;;
	esac
	# Every device on the bus is listed, lsusb style.
	for dev in /sys/bus/usb/devices/"$bus"-*; do
		case ${dev##*/} in *:*) continue ;; esac
		id="$(cat "$dev/idVendor"):$(cat "$dev/idProduct")"
		case $out in
		*"ID $id"*) ok "usb $bus lists device $id" ;;
		*) not_ok "usb $bus lists device $id" "$out" ;;
		esac
	done
done

# By VID:PID. QEMU's keyboard and tablet share 0627:0001: the answer must
# say how many devices matched, not name just one of them.
n=0
for dev in /sys/bus/usb/devices/*; do
	[ -r "$dev/idVendor" ] || continue
	[ "$(cat "$dev/idVendor"):$(cat "$dev/idProduct")" = 0627:0001 ] || continue
	n=$((n + 1))
	tbus=$(cat "$dev/busnum")
done
if [ "$n" -gt 0 ]; then
	out=$(pciguard usb 0627:0001)
	if [ "$n" -eq 1 ]; then
		want="USB device 0627:0001 ("
	else
		want="USB devices 0627:0001 ($n of them) are on bus $tbus."
	fi
	case $out in
	*"$want"*"USB bus $tbus is served by PCI controller"*) ok "usb VID:PID finds the bus and controller ($n matching devices)" ;;
	*) not_ok "usb VID:PID finds the bus and controller ($n matching devices)" "$out" ;;
	esac
else
	not_ok "a QEMU USB HID device (0627:0001) is present"
fi

json=$(pciguard usb --json)
ctrl=$(basename "$(dirname "$(readlink -f /sys/bus/usb/devices/usb1)")")
check_eq "usb --json lists the controller" "$ctrl" "$(echo "$json" | jq -r '.[0].bdf')"
ndev=$(ls -d /sys/bus/usb/devices/[0-9]*-* | grep -vc ':')
check_eq "usb --json lists every device behind it" "$ndev" "$(echo "$json" | jq '.[0].usb_devices | length')"

out=$(pciguard usb 99 2>&1)
check_eq "usb 99 exits 1" 1 "$?"
check_eq "usb 99 says there is no such bus" "pciguard: no USB bus 99; 'pciguard usb' lists every USB bus" "$out"
out=$(pciguard usb 1234:5678 2>&1)
check_eq "usb 1234:5678 exits 1" 1 "$?"
case $out in
*"no USB device 1234:5678"*) ok "usb 1234:5678 says there is no such device" ;;
*) not_ok "usb 1234:5678 says there is no such device" "$out" ;;
esac
pciguard usb bogus >/dev/null 2>&1
check_eq "usb bogus is a usage error (exit 2)" 2 "$?"
tap_end
