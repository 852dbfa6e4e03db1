#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Concurrency: 8 pciguard CLIs at once, 1,000 random hide / assign (vfio-pci)
# / detach / release --to-host / list operations on the same and different
# devices of the reference topology: 01:00.0 (virtio-net, FLR), 02:00.0
# (e1000e, PM reset), and the two functions of the multifunction slot
# 03:00 (virtio-net + virtio-rng, FLR), which share IOMMU group 10, so that
# an assign naming one of them alone is refused. dom0's own devices (AHCI,
# VGA) are left alone.
#
# The helper (progs/concurrency.c) runs the workers, each with its own
# seeded PRNG (the seeds are printed; boot with --append rig.conc_seed=N to
# repeat a run), and logs every operation with its start and end time,
# exit status and output. Then it replays them: the module's event stream
# is the serial order of the custody changes (every change is made, and its
# events queued, under pg_custody_mutex), so each run of events must be
# exactly one successful operation, legal in the model state there, and
# the model's end state must be the devices' final state; refusals, no-op
# successes and lists must fit a state the devices had while they ran. The
# header of progs/concurrency.c gives the reasoning. The kernel log must
# stay clean (the rig also fails on any WARNING or BUG; on the debug kernel
# that includes lockdep).
. /tests/lib.sh
tap_begin

[ "$RIG_TOPOLOGY" = reference ] || skip_all "needs the reference topology"

devs="0000:01:00.0 0000:02:00.0 0000:03:00.0 0000:03:00.1"
# An end marker for the event stream: nothing in the run touches it.
marker=0000:05:02.0
dir=/tmp/conc
seed=$(sed -n 's/.*rig\.conc_seed=\([0-9]*\).*/\1/p' /proc/cmdline)
[ -n "$seed" ] || seed=$(date +%s)
mkdir -p "$dir"

modprobe pciguard
modprobe vfio-pci
: > "$dir/initial"
for d in $devs; do
	printf '%s\t%s\n' "$d" "$(pci_driver "$d")" >> "$dir/initial"
done
diag "devices (BDF, dom0 driver):" "$(cat "$dir/initial")"
check "every device is present and driven by dom0" \
	sh -c "! cut -f2 $dir/initial | grep -qx ''"
dmesg -c > /dev/null

monitor_start "$dir/events"
check "the monitor listens" grep -q listening "$dir/events.err"

diag "seed $seed: concurrency run $dir $seed 8 1000 $devs"
# shellcheck disable=SC2086 # $devs is a list
concurrency run "$dir" "$seed" 8 1000 $devs > "$dir/run" 2>&1
check_eq "8 workers ran their operations" 0 "$?"
diag "$(cat "$dir/run")"

# Events are sent from a work item, in order: once the marker's release
# is in, every event of the run is.
pciguard hide "$marker" > /dev/null &&
	pciguard release --to-host --force "$marker" > /dev/null
check "end marker: $marker hidden and released" \
	wait_for 30 event_seen "$dir/events" released "$marker"
monitor_stop

pciguard list --all --json > "$dir/list.json"
: > "$dir/final"
for d in $devs; do
	jq -r --arg b "$d" '.[] | select(.bdf == $b) |
		[(if .custody == null then "host"
		  elif .custody.assigned == null then "quarantined"
		  else "assigned" end),
		 (.custody.assigned.guest // "-"),
		 (.custody.assigned.backend // "-"),
		 (.custody.original_driver // "-")] | @tsv' "$dir/list.json" |
	while IFS='	' read -r st guest backend origdrv; do
		printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$d" "$st" "$guest" \
			"$backend" "$origdrv" "$(pci_driver "$d")"
	done >> "$dir/final"
done

concurrency check "$dir" "$dir/initial" "$dir/events" "$dir/final" \
	> "$dir/check"
check_eq "the check ran" 0 "$?"
while IFS='	' read -r tag text; do
	case $tag in
	PASS) ok "$text" ;;
	FAIL) not_ok "$text" ;;
	*) diag "$text" ;;
	esac
done < "$dir/check"

dmesg > "$dir/dmesg"
check "kernel log: no WARNING, BUG, lockdep report or hung task" \
	sh -c "! grep -E 'WARNING|BUG|circular locking|lock held|INFO: task|blocked for more than' $dir/dmesg"

# Leave the devices as they were for the tests after this one.
for d in $devs; do
	[ "$(pg_json "$d" .custody.assigned)" = null ] ||
		pciguard detach "$d" > /dev/null
done
for d in $devs; do
	[ "$(pg_json "$d" .custody)" = null ] ||
		pciguard release --to-host "$d" > /dev/null
done
pci_drivers_now=$(for d in $devs; do
	printf '%s\t%s\n' "$d" "$(pci_driver "$d")"
done)
check_eq "afterwards every device is back with its dom0 driver" \
	"$(cat "$dir/initial")" "$pci_drivers_now"
tap_end
