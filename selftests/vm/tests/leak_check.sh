#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The last test of every boot on the debug kernel (make check-debug): a
# kmemleak scan must find nothing.  init cleared the kernel's own boot-time
# reports (rig.kmemleak=1) before the first module loaded, so whatever is
# left was leaked by the suite: by pciguard, or by a path it drove.
# kmemleak reports an object only once it is 5 s old and was unreferenced
# in a scan; two scans, 6 s apart, let the last frees settle.
. /tests/lib.sh
KMEMLEAK=/sys/kernel/debug/kmemleak
[ -w $KMEMLEAK ] || skip_all "no kmemleak in this kernel (only the debug kernel has it)"
tap_begin
sleep 6
echo scan >$KMEMLEAK
sleep 6
echo scan >$KMEMLEAK
report=$(cat $KMEMLEAK)
n=$(printf '%s\n' "$report" | grep -c '^unreferenced object')
if [ "$n" -eq 0 ]; then
	ok "kmemleak: no leak after the suite"
else
	not_ok "kmemleak: $n unreferenced object(s) after the suite" \
		"$(printf '%s\n' "$report" | head -n 120)"
fi
tap_end
