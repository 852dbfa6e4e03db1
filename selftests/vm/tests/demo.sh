#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make demo: a narrated walkthrough of what pciguard does today, on the
# reference topology. Each step prints the command, then runs it.
say() {
	printf '\n\033[1m== %s\033[0m\n' "$*"
}
run() {
	printf '\n$ %s\n' "$*"
	"$@"
}

say "1. pciguard talks to its kernel module; without it, it says how to load it"
run pciguard list --all
run modprobe pciguard

say "2. Every PCI device, the way an admin must see it before passing one through"
echo "   (driver, state, the reset the kernel would use, IOMMU group; USB controllers show their buses)"
run pciguard list --all

say "3. Devices pciguard manages (none yet: custody arrives with the next issue)"
run pciguard list

virtio=$(for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x1af4:0x1041 ] && echo "${d##*/}"
done | head -n 1)
say "4. One device in full: reset methods spelled out, parent bridge, stable path"
run pciguard show "$virtio"

mf=$(ls -d /sys/bus/pci/devices/*.1 2>/dev/null | head -n 1)
mf=${mf##*/}
if [ -n "$mf" ]; then
	say "5. A multifunction slot: each function names its siblings (they travel together)"
	run pciguard show "dom0:$(echo "${mf#0000:}" | tr ':' '_')"
fi

say "6. Which PCI controller serves a USB device, and what moves with it"
run pciguard usb 0627:0001

say "7. Scripts get the same facts as JSON"
run sh -c "pciguard show $virtio --json | jq '{bdf, driver, reset_methods, iommu_group, path}'"

say "8. Mistakes get a clear error and exit status 2 (usage) or 1 (error)"
run pciguard show 1:2
echo "(exit $?)"
run pciguard show 0000:09:00.0
echo "(exit $?)"
echo
