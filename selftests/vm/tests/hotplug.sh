#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Hot-unplug: devices removed through QEMU's monitor (ACPI hotplug on q35's
# root ports) while quarantined, while assigned to vfio-pci, in the middle
# of a reset (a release or a hide that resets the device) and in the middle
# of netlink dumps, CYCLES times each, then added back.  Each removal must
# take the device off the bus and out of every present-device listing, a
# device pciguard held must be reported by a "removed" event and stay
# listed as an absent custody entry, and a device that comes back at a
# custody address is quarantined again (never assigned again, never given
# to a dom0 driver); one that was not in custody comes back to its dom0
# driver, unless the hide= parameter names its address.  At the end
# nothing is left: no custody entry after the releases, kmemleak clean
# (when the kernel has it), and the module unloads.
#
# Needs the hotplug topology (run.sh --topology hotplug, which turns on the
# monitor): hp1 0000:01:00.0 and hp2 0000:02:00.0 virtio-net (FLR),
# hp3 0000:03:00.0 e1000e, each alone behind a hot-pluggable root port.
. /tests/lib.sh
tap_begin

# CYCLES: 50, or N from "run.sh --append rig.hotplug_cycles=N".
CYCLES=$(sed -n 's/.*rig\.hotplug_cycles=\([0-9]*\).*/\1/p' /proc/cmdline)
CYCLES=${CYCLES:-50}
B1=0000:01:00.0
B2=0000:02:00.0
B3=0000:03:00.0
A1=virtio-net-pci,id=hp1,netdev=net1,bus=rp1,addr=0x0,mac=52:54:00:00:01:01
A2=virtio-net-pci,id=hp2,netdev=net2,bus=rp2,addr=0x0,mac=52:54:00:00:02:01
A3=e1000e,id=hp3,netdev=net3,bus=rp3,addr=0x0,mac=52:54:00:00:03:01
# As run.sh booted them: without MSI-X on the debug kernel (make
# check-debug, RIG_VIRTIO_NET_INTX=1), whose lockdep would otherwise report
# Linux 6.1's own virtio-net probe (cpu_hotplug_lock against VT-d's MSI
# locks) at the first virtio-net hot-added and switch itself off.
if grep -qw rig.virtio_net_intx=1 /proc/cmdline; then
	A1=$A1,vectors=0
	A2=$A2,vectors=0
fi
ev=/tmp/hotplug.events
vfio="-o backend=vfio-pci"

[ "$RIG_TOPOLOGY" = hotplug ] || skip_all "needs run.sh --topology hotplug"
qmp_cmd "info pci" >/dev/null ||
	skip_all "no QEMU monitor in this boot (run.sh --topology hotplug)"

# Per-cycle failures are counted and the first one described; each kind
# is one TAP line after the loop.
fails=
fail() { # KIND MESSAGE
	eval "_n=\${F_$1:-0}"
	[ "$_n" -gt 0 ] || eval "M_$1=\$2"
	eval "F_$1=$((_n + 1))"
	case " $fails " in *" $1 "*) ;; *) fails="$fails $1" ;; esac
}
# verdict KIND DESC: ok when no cycle failed KIND.
verdict() {
	_m=
	eval "_n=\${F_$1:-0} _m=\${M_$1:-}"
	if [ "$_n" -eq 0 ]; then
		ok "$2"
	else
		not_ok "$2" "$_n of $CYCLES cycles failed; first: $_m"
	fi
}

# What list says of BDF: "absent STATE", "present STATE" or "" (no entry).
# Busybox tools rather than jq here: under TCG every process start counts.
listed() {
	pciguard list --all | awk -v b="$1" \
		'$1 == b { print (/\(absent: / ? "absent " : "present ") $3 }'
}
listed_as() { # BDF WANT
	[ "$(listed "$1")" = "$2" ]
}
driver_is() { # BDF DRIVER
	[ "$(pci_driver "$1")" = "$2" ]
}
# ev_count EVENT BDF: how many such events the monitor wrote (lib.sh's
# count_events with grep: one compact JSON object a line, "bdf" right
# after "event").
ev_count() {
	grep -c "\"event\":\"$1\",\"bdf\":\"$2\"" "$ev"
}
# The number of EVENT events for BDF reaches N (events come from a work item).
events_reach() { # EVENT BDF N
	[ "$(ev_count "$1" "$2")" -ge "$3" ]
}

if [ -e /sys/kernel/debug/kmemleak ]; then
	echo clear > /sys/kernel/debug/kmemleak
fi
modprobe pciguard
modprobe vfio_pci
check "the monitor listens" monitor_start "$ev"
check "hp1: hide $B1" pciguard hide "$B1"
check "hp2: hide $B2" pciguard hide "$B2"

# out_and_back ID BDF DEVICE_ADD_ARGS KEY: cycle $i of a device in custody:
# remove it (off the bus, listed absent and quarantined, its $i-th removed
# event), put it back (bound to pciguard, listed present and quarantined);
# failures go to KEY-prefixed fail keys (gone, absent, event, back, quar).
out_and_back() {
	hp_del "$1" "$2" || fail "${4}gone" "cycle $i: $2 still on the bus"
	wait_for 2 listed_as "$2" "absent quarantined" ||
		fail "${4}absent" "cycle $i: list says '$(listed "$2")'"
	wait_for 5 events_reach removed "$2" "$i" ||
		fail "${4}event" "cycle $i: $(ev_count removed "$2") removed events"
	hp_add "$2" "$3" || fail "${4}back" "cycle $i: device_add failed or no $2"
	wait_for 10 driver_is "$2" pciguard ||
		fail "${4}quar" "cycle $i: driver '$(pci_driver "$2")'"
	listed_as "$2" "present quarantined" ||
		fail "${4}quar" "cycle $i: list says '$(listed "$2")'"
}

# ---- 1. quarantined ---------------------------------------------------------
t0=$(cut -d. -f1 /proc/uptime)
i=0
while [ $i -lt "$CYCLES" ]; do
	i=$((i + 1))
	out_and_back hp1 "$B1" "$A1" ""
done
diag "quarantined: $CYCLES removals in $(($(cut -d. -f1 /proc/uptime) - t0)) s"
verdict gone "quarantined: every removal took $B1 off the bus"
verdict absent "quarantined: while removed, list shows an absent quarantined entry"
verdict event "quarantined: every removal sent a removed event"
verdict quar "quarantined: every return went straight back to quarantine"
check_eq "quarantined: one quarantined event per return (plus the hide)" \
	$((CYCLES + 1)) "$(ev_count quarantined "$B1")"

# ---- 2. assigned to vfio-pci ------------------------------------------------
t0=$(cut -d. -f1 /proc/uptime)
i=0
while [ $i -lt "$CYCLES" ]; do
	i=$((i + 1))
	# shellcheck disable=SC2086 # $vfio is two words
	out=$(pciguard assign vm1 "$B2" $vfio 2>&1) ||
		fail assign "cycle $i: $out"
	driver_is "$B2" vfio-pci || fail assign "cycle $i: driver '$(pci_driver "$B2")'"
	out_and_back hp2 "$B2" "$A2" v
	[ "$(pg_json "$B2" .custody.assigned)" = null ] ||
		fail vquar "cycle $i: still assigned: $(pg_json "$B2" .custody.assigned)"
done
diag "assigned: $CYCLES removals in $(($(cut -d. -f1 /proc/uptime) - t0)) s"
verdict assign "assigned: every assign to vfio-pci succeeded"
verdict vgone "assigned: every removal took $B2 off the bus"
verdict vabsent "assigned: while removed, list shows an absent quarantined entry"
verdict vevent "assigned: every removal sent a removed event"
verdict vquar "assigned: every return came back quarantined, not assigned"

# ---- 3. in the middle of a reset --------------------------------------------
# A release (resets, then gives the device to virtio-pci; --force so that
# a failed reset does not stop it) or a hide (the probe resets it) runs in
# the background and device_del follows.  Odd cycles reset with FLR (about
# 120 ms) and send device_del after 0 to 160 ms, whatever the command is
# doing then.  Even cycles set the device's reset_method to "bus", a
# secondary bus reset that QEMU's root port never finishes (the kernel
# waits 1 s for the link, then fails with ENOTTY, see README), and send
# device_del once the command sleeps in the kernel (state D: the reset's
# waits), so the removal lands in the reset.  How many device_dels were
# sent while the command ran is counted, not asserted.  Either order
# is right as long as it is consistent: an entry left absent means the
# removal was reported and the device returns to quarantine; no entry
# means it returns to virtio-pci.
in_kernel() { # PID: is it sleeping uninterruptibly?
	[ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" = D ]
}
t0=$(cut -d. -f1 /proc/uptime)
i=0
n_abs=0
n_none=0
n_cmdfail=0
n_overlap=0
while [ $i -lt "$CYCLES" ]; do
	i=$((i + 1))
	if [ "$(pci_driver "$B1")" = pciguard ]; then
		op="release --to-host --force"
	else
		op=hide
	fi
	if [ $((i % 2)) -eq 0 ]; then
		echo bus > "/sys/bus/pci/devices/$B1/reset_method" ||
			fail rcmd "cycle $i: cannot set reset_method bus"
		delay=
	else
		delay=$(printf '0.%03d' $((i % 5 * 40)))
	fi
	before=$(ev_count removed "$B1")
	# shellcheck disable=SC2086 # $op is several words
	pciguard $op "$B1" >/tmp/hotplug.op 2>&1 &
	pid=$!
	if [ -n "$delay" ]; then
		sleep "$delay"
	else
		wait_for 10 in_kernel $pid
	fi
	! kill -0 $pid 2>/dev/null || n_overlap=$((n_overlap + 1))
	hp_del hp1 "$B1" || fail rgone "cycle $i ($op): $B1 still on the bus"
	# A release or hide takes seconds at most, even with a failing reset.
	wait_cmd 120 $pid
	rc=$?
	[ "$rc" -le 1 ] || fail rcmd "cycle $i ($op): exit $rc: $(cat /tmp/hotplug.op)"
	[ "$rc" -eq 0 ] || n_cmdfail=$((n_cmdfail + 1))
	state=$(listed "$B1")
	case $state in
	"absent quarantined")
		n_abs=$((n_abs + 1))
		wait_for 5 events_reach removed "$B1" $((before + 1)) ||
			fail revent "cycle $i ($op): absent entry but no removed event"
		want=pciguard
		;;
	"")
		n_none=$((n_none + 1))
		want=virtio-pci
		;;
	*)
		fail rlist "cycle $i ($op): off the bus but list says '$state'"
		want=
		;;
	esac
	hp_add "$B1" "$A1" || fail rback "cycle $i: device_add failed or no $B1"
	if [ -n "$want" ]; then
		wait_for 10 driver_is "$B1" "$want" ||
			fail rback "cycle $i ($op, entry '$state'): driver '$(pci_driver "$B1")', want $want"
	fi
done
diag "mid-reset: $CYCLES removals in $(($(cut -d. -f1 /proc/uptime) - t0)) s;" \
	"custody kept (absent) $n_abs times, dropped $n_none times;" \
	"the release/hide failed $n_cmdfail times;" \
	"$n_overlap device_dels sent while it ran;" \
	"$(dmesg | grep -c "$B1: hide rolled back") hides rolled back"
verdict rgone "mid-reset: every removal took $B1 off the bus"
verdict rcmd "mid-reset: every release/hide ended with status 0 or 1"
verdict rlist "mid-reset: afterwards list has an absent entry or none, never a present one"
verdict revent "mid-reset: each entry left absent had its removed event"
verdict rback "mid-reset: every return went to quarantine iff custody was kept"

# ---- 4. in the middle of netlink dumps --------------------------------------
# Dumps of every device (present ones, then absent custody entries) and
# DEV_GETs of the moving device, in loops while hp2 (in custody) and hp3
# (not) go and come back.
[ "$(pci_driver "$B2")" = pciguard ] || pciguard hide "$B2" >/dev/null
rm -f /tmp/hotplug.stop /tmp/hotplug.dump.*
dumper() { # NAME CMD...
	_name=$1
	_f=/tmp/hotplug.dump.$1
	shift
	_n=0
	while [ ! -e /tmp/hotplug.stop ]; do
		_n=$((_n + 1))
		"$@" >"$_f.out" 2>"$_f.err"
		_rc=$?
		if [ $_rc -eq 0 ]; then
			_dup=$(grep -o '"bdf":"[^"]*"' "$_f.out" | sort | uniq -d)
			[ -z "$_dup" ] ||
				echo "run $_n: listed twice: $_dup" >>"$_f.bad"
		elif [ $_rc -eq 1 ] && grep -q -e 'kept changing' "$_f.err"; then
			echo "$_rc" >>"$_f.retry"
		elif [ $_rc -eq 1 ] && [ "$_name" = show ] &&
			grep -q -x "pciguard: no PCI device $B2" "$_f.err"; then
			# Documented: while the kernel removes it, before the
			# entry turns absent (pciguard(8), show).
			echo "$_rc" >>"$_f.leaving"
		else
			echo "run $_n: exit $_rc: $(cat "$_f.err")" >>"$_f.bad"
		fi
	done
	echo "$_n" >"$_f.runs"
}
dumper all pciguard list --all --json &
d1=$!
dumper show pciguard show --json "$B2" &
d2=$!

t0=$(cut -d. -f1 /proc/uptime)
i=0
while [ $i -lt "$CYCLES" ]; do
	i=$((i + 1))
	hp_del hp2 "$B2" || fail dgone "cycle $i: $B2 still on the bus"
	hp_del hp3 "$B3" || fail dgone "cycle $i: $B3 still on the bus"
	wait_for 5 events_reach removed "$B2" $((CYCLES + i)) ||
		fail devent "cycle $i: $(ev_count removed "$B2") removed events"
	wait_for 2 listed_as "$B2" "absent quarantined" ||
		fail dabsent "cycle $i: $B2: list says '$(listed "$B2")'"
	[ -z "$(listed "$B3")" ] ||
		fail dabsent "cycle $i: $B3 still listed"
	hp_add "$B2" "$A2" || fail dback "cycle $i: device_add failed or no $B2"
	hp_add "$B3" "$A3" || fail dback "cycle $i: device_add failed or no $B3"
	wait_for 10 driver_is "$B2" pciguard ||
		fail dback "cycle $i: $B2 driver '$(pci_driver "$B2")'"
	wait_for 10 driver_is "$B3" e1000e ||
		fail dback "cycle $i: $B3 driver '$(pci_driver "$B3")'"
done
touch /tmp/hotplug.stop
for d in $d1 $d2; do
	wait_cmd 60 "$d"
	[ $? -ne 125 ] || fail dstop "loop $d did not stop"
done
diag "mid-dump: $CYCLES removals of two devices in $(($(cut -d. -f1 /proc/uptime) - t0)) s"
for d in all show; do
	diag "  $d: $(cat /tmp/hotplug.dump.$d.runs) runs," \
		"$(cat /tmp/hotplug.dump.$d.retry 2>/dev/null | wc -l) refused as \"kept changing\"," \
		"$(cat /tmp/hotplug.dump.$d.leaving 2>/dev/null | wc -l) as \"no PCI device\" while it left"
done
verdict dstop "mid-dump: both dump loops stopped when asked"
verdict dgone "mid-dump: every removal took the device off the bus"
verdict devent "mid-dump: every removal of $B2 sent a removed event"
verdict dabsent "mid-dump: $B2 listed absent, $B3 not listed, while removed"
verdict dback "mid-dump: $B2 came back quarantined, $B3 to e1000e"
for d in all show; do
	check "mid-dump: every '$d' answer was whole, or refused as documented" \
		test ! -s /tmp/hotplug.dump.$d.bad
	[ ! -s /tmp/hotplug.dump.$d.bad ] || diag "$(head -n 5 /tmp/hotplug.dump.$d.bad)"
done
check "mid-dump: the dumps ran during the cycles" \
	test "$(cat /tmp/hotplug.dump.all.runs)" -gt 0

# ---- what a device that was not in custody does ----------------------------
# After the mid-reset cycles hp1 may be released already.
[ "$(pci_driver "$B1")" = virtio-pci ] || pciguard release --to-host "$B1" >/dev/null
check_eq "released hp1 is not taken back on return: driver" virtio-pci "$(pci_driver "$B1")"
before=$(ev_count removed "$B1")
check "  device_del" hp_del hp1 "$B1"
check_eq "  no list entry while removed" "" "$(listed "$B1")"
check "  device_add" hp_add "$B1" "$A1"
check "  back to virtio-pci" wait_for 10 driver_is "$B1" virtio-pci
check_eq "  no removed event for a device not in custody" "$before" \
	"$(ev_count removed "$B1")"

# ---- nothing left -------------------------------------------------------------
check "release every device in custody" pciguard release --to-host "$B2"
check_eq "no custody entry is left" 0 "$(pciguard list --json | jq length)"
check_eq "nothing in custody: list --all agrees" 0 \
	"$(pciguard list --all --json | jq '[.[] | select(.custody != null or .absent)] | length')"
check_eq "every hot-plugged device is back with its dom0 driver" \
	"virtio-pci virtio-pci e1000e" \
	"$(pci_driver "$B1") $(pci_driver "$B2") $(pci_driver "$B3")"
monitor_stop
check "rmmod pciguard" rmmod pciguard
check "the module is gone" test ! -e /sys/module/pciguard
# ---- hide= covers a returning device ----------------------------------------
# Custody is kept by address: a released device is dom0's, but one that
# returns at an address the hide= parameter names is taken, as at boot.
check "modprobe pciguard hide=($B3)" modprobe pciguard "hide=($B3)"
check "  takes hp3 at load" wait_for 10 driver_is "$B3" pciguard
check "  release --to-host" pciguard release --to-host "$B3"
check_eq "  released: e1000e drives it" e1000e "$(pci_driver "$B3")"
check "  device_del" hp_del hp3 "$B3"
check "  device_add" hp_add "$B3" "$A3"
check "  taken again on return: hide= names it" wait_for 10 driver_is "$B3" pciguard
check_eq "  listed in quarantine, from boot's hide=" "present quarantined boot" \
	"$(listed "$B3") $(pg_json "$B3" .custody.source)"
check "  release --to-host" pciguard release --to-host "$B3"
check "rmmod pciguard (hide=)" rmmod pciguard

if [ -e /sys/kernel/debug/kmemleak ]; then
	echo scan > /sys/kernel/debug/kmemleak
	echo scan > /sys/kernel/debug/kmemleak
	leaks=$(cat /sys/kernel/debug/kmemleak)
	check_eq "kmemleak: no leak" "" "$leaks"
else
	skip "kmemleak: no leak" "this kernel has no kmemleak (the debug kernel has)"
fi
tap_end
