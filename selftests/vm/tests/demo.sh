#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make demo: a narrated walkthrough of what pciguard does today, on the
# reference topology. Each step prints the command, runs it, and checks its
# exit status, so the demo also proves itself (TAP on the rig's channel).
. /tests/lib.sh

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

say "8. Check a pciguard.hide= string before rebooting with it"
step 0 "cmdline --check: a good string" pciguard cmdline --check '(0000:02:00.0)(03:00.*)'
step 1 "cmdline --check: a typo is pointed at" pciguard cmdline --check '(00:1a.0)(0g:00.0)'

say "9. Take devices into custody: unbound from dom0, pinned to pciguard, reset"
ev=/tmp/demo.events
monitor_start "$ev"
echo "   (pciguard monitor --json is recording events in the background)"
step 0 "hide two NICs" pciguard hide "$virtio" 02:00.0
step 0 "list: what pciguard holds" pciguard list

say "10. What pciguard will not take, and why"
step 1 "a root port" pciguard hide 00:10.0
step 1 "dom0's disk controller (needs --force)" pciguard hide 00:1f.2

say "11. No dom0 driver gets a quarantined device back"
printf '\n$ echo %s > /sys/bus/pci/drivers/virtio-pci/bind\n' "$virtio"
echo "$virtio" > /sys/bus/pci/drivers/virtio-pci/bind
check_eq "a driver's bind file is refused" 1 $?
printf '\n$ echo 1 > /sys/bus/pci/devices/%s/remove; echo 1 > /sys/bus/pci/rescan\n' "$virtio"
echo 1 > "/sys/bus/pci/devices/$virtio/remove"
echo 1 > /sys/bus/pci/rescan
wait_for 5 test -e "/sys/bus/pci/devices/$virtio/driver"
check_eq "after remove+rescan it is with pciguard again" pciguard "$(pci_driver "$virtio")"
step 0 "show: refused rebinds are counted" pciguard show "$virtio"
wait_for 5 event_seen "$ev" quarantined "$virtio"
monitor_stop
printf '\n$ cat events.json   # what pciguard monitor --json printed\n'
cat "$ev"

say "12. The module cannot be unloaded while it holds devices"
step 1 "rmmod pciguard is refused" rmmod pciguard

say "13. Back to dom0 only when the admin says so"
step 1 "release without --to-host explains why a reboot is safer" pciguard release "$virtio"
step 0 "release --to-host: reset, then the original driver" pciguard release --to-host "$virtio" 02:00.0
step 0 "nothing in custody" pciguard list

say "14. Before any handoff: would it be safe? (pciguard check changes nothing)"
step 0 "an FLR-capable NIC passes" pciguard check "$virtio"
step 1 "a device whose only reset also hits its neighbour is refused, with the fix" pciguard check 05:02.0
step 0 "with its neighbour, the bus reset clears both" pciguard check 05:01.0 05:02.0

say "15. Hand devices to a guest, and take them back"
echo "   (outside Xen there is no xen-pciback: vfio-pci is the backend here)"
step 1 "no backend named: the error says which option to use" pciguard assign vm1 "$virtio"
step 0 "assign: custody, gate, verified reset, then vfio-pci" pciguard assign vm1 "$virtio" -o backend=vfio-pci
step 0 "list: the guest is recorded" pciguard list
step 1 "the gate refuses half of a shared bus reset, before anything moves" pciguard assign vm1 05:02.0 -o backend=vfio-pci
step 0 "both devices behind the bridge: one bus reset for the pair" pciguard assign vm1 05:01.0 05:02.0 -o backend=vfio-pci
step 0 "detach: back to quarantine, reset again" pciguard detach "$virtio" 05:01.0 05:02.0
printf '\n$ echo %s > /sys/bus/pci/drivers/vfio-pci/unbind   # the backend lets go by hand\n' "$virtio"
pciguard assign vm1 "$virtio" -o backend=vfio-pci >/dev/null
echo "$virtio" > /sys/bus/pci/drivers/vfio-pci/unbind
wait_for 5 test -e "/sys/bus/pci/devices/$virtio/driver"
check_eq "a device back from the backend goes to quarantine, not to dom0" pciguard "$(pci_driver "$virtio")"
step 0 "release --to-host: dom0 gets them back (one bus reset for the pair)" pciguard release --to-host "$virtio" 05:01.0 05:02.0

say "16. Config space: xen-pciback's whitelist guards dom0's writes too; grant one register, not everything"
reg=$(printf 0x%x $(($(virtio_pci_cfg_cap "$virtio") + 8)))
echo "   (register $reg: a device-specific field of the virtio-net, outside every whitelist)"
pciguard hide "$virtio" >/dev/null
step 0 "setpci: the bus master bit is whitelisted and lands" setpci -s "$virtio" COMMAND=0x4:0x4
step 0 "setpci: a BAR write is refused (EPERM), the BAR unchanged" setpci -s "$virtio" BASE_ADDRESS_0=0x12345678
step 0 "setpci: the device-specific register too" setpci -s "$virtio" "${reg#0x}.l=0x11223344"
step 0 "show: refused writes, who wrote, and the narrowest grant" pciguard show "$virtio"
step 0 "assign with exactly that register opened" pciguard assign vm1 "$virtio" -o backend=vfio-pci -o "allow-write=$reg:4"
step 0 "now it lands" setpci -s "$virtio" "${reg#0x}.l=0x11223344"
step 0 "read back" setpci -s "$virtio" "${reg#0x}.l"
step 0 "detach closes it again; release to dom0" sh -c "pciguard detach $virtio && pciguard release --to-host $virtio"

say "17. Persistent: saved with the device's identity, restored at boot, a swapped card refused"
step 0 "assign --persistent: hand it over and save it, options included" pciguard assign --persistent vm1 "$virtio" -o backend=vfio-pci -o permissive=true
step 0 "hide --persistent: the e1000e stays in quarantine at every boot" pciguard hide --persistent 02:00.0
step 0 "the store: commented text, stable path, IDs, serial number" cat /etc/pciguard/devices.conf
step 0 "cmdline: the early-boot list (kernel command line, initramfs hooks)" pciguard cmdline
echo "   (as after a reboot without the early list: both back with dom0)"
pciguard detach "$virtio" >/dev/null && pciguard release --to-host "$virtio" 02:00.0 >/dev/null
step 0 "restore (pciguard-restore.service at boot): one line per entry, the resets in parallel" pciguard restore
step 0 "again: nothing to do" pciguard restore
echo "   (swap the e1000e for another of the same model: only its serial number differs)"
pciguard release --to-host 02:00.0 >/dev/null
sed -i 's/^\(\tserial \)..-/\1ff-/' /etc/pciguard/devices.conf
step 1 "restore refuses it, says what it expected and found, and leaves it with dom0" pciguard restore
echo "   (a typo in the store)"
echo "	permisive=true" >> /etc/pciguard/devices.conf
step 1 "every command stops with file:line before it changes anything" pciguard restore
sed -i '$d' /etc/pciguard/devices.conf
step 0 "forget: drop an entry, the device stays as it is" pciguard forget 02:00.0
pciguard forget "$virtio" >/dev/null
pciguard detach "$virtio" >/dev/null && pciguard release --to-host "$virtio" >/dev/null

say "18. Only root on the host changes custody; malformed requests are refused with a reason"
step 1 "a user: refused before anything changes, with what is missing" privdrop --uid 1000 -- pciguard hide "$virtio"
step 1 "root without CAP_SYS_ADMIN: refused the same way" privdrop --drop sys_admin -- pciguard hide "$virtio"
step 1 "root in a container's network namespace: told why" privdrop --netns -- pciguard hide "$virtio"
step 0 "a user may look, as with lspci" privdrop --uid 1000 -- pciguard show "$virtio"
step 0 "2,000 random and malformed netlink requests: each answered or refused with a message" sh -c "nl_fuzz --count 2000 | grep -v '^#'"

say "19. The published netlink spec is what the module runs"
step 0 "every op, attribute, limit and reply in pciguard.yaml agrees with the genl controller" \
	sh -c "sh /tests/ynl_spec.sh | sed -n 's/^# Totals: /   ynl_spec.sh: /p' | grep 'fail:0 '"

echo
tap_end
