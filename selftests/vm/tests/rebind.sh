#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# No automatic rebind while in custody: every way a dom0 driver could get a
# quarantined device, one at a time, leaves it with pciguard. Where a driver
# actually tries, the attempt is counted and reported by pciguard monitor.
. /tests/lib.sh
tap_begin
modprobe pciguard
ev=/tmp/rebind.events
monitor_start "$ev"
pciguard hide 01:00.0 02:00.0 >/dev/null
check_eq "01:00.0 starts in quarantine" pciguard "$(pci_driver 0000:01:00.0)"
check_eq "02:00.0 starts in quarantine" pciguard "$(pci_driver 0000:02:00.0)"
nets=$(ls /sys/class/net | wc -l)
refused() { pg_json "$1" .custody.refused_rebinds; }

# 1. A driver's bind file.
echo 0000:01:00.0 > /sys/bus/pci/drivers/virtio-pci/bind 2>/dev/null
check_eq "bind: the write fails" 1 "$?"
check_eq "bind: 01:00.0 stays with pciguard" pciguard "$(pci_driver 0000:01:00.0)"
check_event "bind: refused-rebind event names virtio-pci" "$ev" \
	refused-rebind 0000:01:00.0 virtio-pci
check_eq "bind: counted once" 1 "$(refused 01:00.0)"
check_eq "bind: show names the driver" virtio-pci \
	"$(pg_json 01:00.0 .custody.last_refused_driver)"

# 2. drivers_probe: the PCI core only probes unbound devices, and pciguard
# holds this one, so no driver even tries: nothing to count.
echo 0000:01:00.0 > /sys/bus/pci/drivers_probe
check_eq "drivers_probe: 01:00.0 stays with pciguard" pciguard \
	"$(pci_driver 0000:01:00.0)"
check_eq "drivers_probe: no attempt, nothing counted" 1 "$(refused 01:00.0)"

# 3. new_id: teach virtio-pci the e1000e's ID. It tries every device it
# now matches: the e1000e (by the new ID) and the virtio-net (by its own).
n1=$(refused 01:00.0)
echo "8086 10d3" > /sys/bus/pci/drivers/virtio-pci/new_id
check_eq "new_id: 02:00.0 stays with pciguard" pciguard \
	"$(pci_driver 0000:02:00.0)"
check_event "new_id: refused-rebind event for the new ID's device" "$ev" \
	refused-rebind 0000:02:00.0 virtio-pci
check_eq "new_id: counted for 02:00.0" 1 "$(refused 02:00.0)"
check_eq "new_id: the virtio-net's own match counted too" $((n1 + 1)) \
	"$(refused 01:00.0)"
echo "8086 10d3" > /sys/bus/pci/drivers/virtio-pci/remove_id

# 4. Reloading a driver module.
n2=$(refused 02:00.0)
rmmod e1000e
modprobe e1000e
check_eq "module reload: 02:00.0 stays with pciguard" pciguard \
	"$(pci_driver 0000:02:00.0)"
check_event "module reload: refused-rebind event names e1000e" "$ev" \
	refused-rebind 0000:02:00.0 e1000e
check_eq "module reload: counted" $((n2 + 1)) "$(refused 02:00.0)"

# 5. A bus rescan finds the devices bound: nothing tries, nothing changes.
n1=$(refused 01:00.0)
echo 1 > /sys/bus/pci/rescan
check_eq "rescan: 01:00.0 stays with pciguard" pciguard "$(pci_driver 0000:01:00.0)"
check_eq "rescan: 02:00.0 stays with pciguard" pciguard "$(pci_driver 0000:02:00.0)"
check_eq "rescan: nothing tried" "$n1" "$(refused 01:00.0)"

# 6. Remove and rescan: a new struct pci_dev, no override of its own. The
# custody entry (kept by address) pins it before any driver can probe.
echo 1 > /sys/bus/pci/devices/0000:01:00.0/remove
check_event "remove: removed event" "$ev" removed 0000:01:00.0
check "remove: list keeps the custody entry as absent" sh -c \
	"pciguard list | grep -q '^0000:01:00.0  -  *quarantined  virtio-pci .*(absent'"
check_eq "remove: list --json marks it absent" true \
	"$(pciguard list --json | jq -r '.[] | select(.bdf == "0000:01:00.0") | .absent')"
check_eq "remove: show still answers for the absent device" true \
	"$(pg_json 01:00.0 .absent)"
check "remove: show (text) says it is absent" sh -c \
	"pciguard show 01:00.0 | grep -q '^0000:01:00.0  (absent: not on the bus now'"
echo 1 > /sys/bus/pci/rescan
check "rescan: 01:00.0 is back" wait_for 5 test -e /sys/bus/pci/devices/0000:01:00.0
check_eq "remove+rescan: 01:00.0 is with pciguard" pciguard \
	"$(pci_driver 0000:01:00.0)"
check_event "remove+rescan: virtio-pci's attempt is refused and reported" \
	"$ev" refused-rebind 0000:01:00.0 virtio-pci
check_eq "remove+rescan: quarantined again (reset included)" 2 \
	"$(count_events "$ev" quarantined 0000:01:00.0)"
check_eq "remove+rescan: custody keeps its facts" virtio-pci \
	"$(pg_json 01:00.0 .custody.original_driver)"
check_eq "no dom0 driver got a device: no new network interface" "$nets" \
	"$(ls /sys/class/net | wc -l)"

# Counters are kept per device and shown by list.
check "list shows the refused counts" sh -c \
	"pciguard list | grep -q '^0000:02:00.0  pciguard  quarantined  e1000e      2 '"

out=$(pciguard release --to-host 01:00.0 02:00.0)
check_eq "both go back to dom0" 0 "$?"
check_eq "01:00.0 back to virtio-pci" virtio-pci "$(pci_driver 0000:01:00.0)"
check_eq "02:00.0 back to e1000e" e1000e "$(pci_driver 0000:02:00.0)"
monitor_stop
tap_end
