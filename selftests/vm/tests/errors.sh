#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Every CLI error path: message text and exit status (0 ok, 1 error, 2 usage).
. /tests/lib.sh
tap_begin
modprobe pciguard

forms="use DDDD:BB:DD.F (0000:01:00.0), BB:DD.F (01:00.0) or dom0:BB_DD.F (dom0:01_00.0)"
for bad in 1:2 0000:01:00 01:20.0 01:00.8 dom0:01:00.0 xyz 0000:01:00.0.0; do
	out=$(pciguard show "$bad" 2>&1)
	check_eq "show $bad is a usage error" 2 "$?"
	check_eq "show $bad names the accepted forms" \
		"pciguard: invalid PCI address '$bad': $forms" "$out"
done

out=$(pciguard show 0000:09:00.0 2>&1)
check_eq "show of an absent device exits 1" 1 "$?"
check_eq "show of an absent device says so" "pciguard: no PCI device 0000:09:00.0" "$out"
out=$(pciguard show 0001:00:00.0 2>&1)
check_eq "show of an absent segment says so" "pciguard: no PCI device 0001:00:00.0" "$out"

pciguard show >/dev/null 2>&1
check_eq "show without a BDF exits 2" 2 "$?"
pciguard show 00:00.0 00:01.0 >/dev/null 2>&1
check_eq "show with two BDFs exits 2" 2 "$?"
pciguard list --bogus >/dev/null 2>&1
check_eq "an unknown option exits 2" 2 "$?"
pciguard list extra >/dev/null 2>&1
check_eq "an unexpected argument exits 2" 2 "$?"
out=$(pciguard frobnicate 2>&1)
check_eq "an unknown command exits 2" 2 "$?"
case $out in
*"unknown command 'frobnicate'"*list*show*usb*) ok "an unknown command lists the commands" ;;
*) not_ok "an unknown command lists the commands" "$out" ;;
esac
pciguard >/dev/null 2>&1
check_eq "no command exits 2" 2 "$?"

for c in list show usb; do
	out=$(pciguard $c --help 2>/dev/null)
	check_eq "$c --help exits 0" 0 "$?"
	case $out in
	"Usage: pciguard $c"*) ok "$c --help prints usage on stdout" ;;
	*) not_ok "$c --help prints usage on stdout" "$out" ;;
	esac
done
check "pciguard --help exits 0" pciguard --help

tap_end
