#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make demo: a narrated walkthrough of what pciguard does today, on the
# reference topology. Each step prints the command, runs it, and checks its
# exit status, so the demo also proves itself (TAP on the rig's channel).
. /tests/lib.sh

say() {
	printf '\n\033[1m== %s\033[0m\n' "$*"
}

# step STATUS DESC CMD...: show and run CMD; ok when it exits with STATUS.
step() {
	_want=$1 _desc=$2
	shift 2
	printf '\n$ %s\n' "$*"
	"$@"
	_rc=$?
	[ "$_rc" -ne 0 ] && echo "(exit $_rc)"
	check_eq "$_desc" "$_want" "$_rc"
}

tap_begin
virtio=$(pci_find 1af4 1041 | head -n 1)
mf=$(ls -d /sys/bus/pci/devices/*.1 2>/dev/null | head -n 1)
mf=${mf##*/}

say "1. The first pciguard command loads the module on demand (its netlink family alias)"
step 1 "pciguard is not loaded at boot" grep -q '^pciguard ' /proc/modules
step 0 "list: pciguard manages no devices yet" pciguard list
step 0 "the module is now loaded" grep '^pciguard ' /proc/modules

say "2. Every PCI device, as an admin must see it before passing one through"
echo "   driver, state, the reset the kernel would use, IOMMU group; USB controllers show their buses"
step 0 "list --all" pciguard list --all

say "3. One device in full: reset methods spelled out, parent bridge, stable path"
step 0 "show a virtio-net device" pciguard show "$virtio"

say "4. A multifunction slot, named the Qubes way: each function names the others"
step 0 "show a multifunction device" pciguard show "dom0:$(echo "${mf#0000:}" | tr ':' '_')"

say "5. Which PCI controller serves a USB device, and what moves with it"
step 0 "usb by VID:PID" pciguard usb 0627:0001

say "6. Scripts get the same facts as JSON"
printf '\n$ pciguard show %s --json | jq '"'"'{bdf, driver, reset_methods, iommu_group, path}'"'"'\n' "$virtio"
pciguard show "$virtio" --json | jq '{bdf, driver, reset_methods, iommu_group, path}'
check_eq "show --json" 0 $?

say "7. Mistakes get a clear message and exit status 2 (usage) or 1 (error)"
step 2 "a malformed BDF is a usage error" pciguard show 1:2
step 1 "an absent device is an error" pciguard show 0000:09:00.0

echo
tap_end
