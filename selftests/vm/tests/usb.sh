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

# By VID:PID: the QEMU tablet.
tablet=$(grep -l '^0001$' /sys/bus/usb/devices/*/idProduct | while read -r f; do
	d=$(dirname "$f"); [ "$(cat "$d/idVendor")" = 0627 ] && echo "$d"; done | head -n 1)
if [ -n "$tablet" ]; then
	tbus=$(cat "$tablet/busnum")
	out=$(pciguard usb 0627:0001)
	case $out in
	*"USB device 0627:0001"*"is on bus $tbus"*"served by PCI controller"*) ok "usb VID:PID finds the bus and controller" ;;
	*) not_ok "usb VID:PID finds the bus and controller" "$out" ;;
	esac
else
	not_ok "the QEMU tablet (0627:0001) is present"
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
