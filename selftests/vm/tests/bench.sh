#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench's measurements, in one boot of the "many" topology (ten
# FLR-capable virtio endpoints). Each figure is a ratio of two things timed
# side by side, A and B, in alternating order (ABBA: A first in odd
# samples, B first in even ones) to cancel drift. Every sample is one line
#
#   # bench: fig=NAME i=N a=NS b=NS [KEY=VALUE...]
#
# that bench/report.py turns into medians and spreads. Nothing here judges
# speed: a "not ok" means a measurement could not be taken. The
# stopwatch is build/progs/bench (selftests/vm/progs/bench.c).
# rig.bench_runs=N on the kernel command line: N samples (default 11).
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. /tests/lib.sh
tap_begin
[ "$RIG_TOPOLOGY" = many ] || skip_all "needs the many topology"
command -v bench >/dev/null || skip_all "needs build/progs/bench (--bin)"

RUNS=$(sed -n 's/.*rig\.bench_runs=\([0-9][0-9]*\).*/\1/p' /proc/cmdline)
RUNS=${RUNS:-11}
# Config writes per sample.
COUNT=4000
SYS=/sys/bus/pci/devices
# The device handed off, the one whose config space is written, and all
# FLR-capable endpoints (for restore). HD is also the "one" of restore.
HD=0000:01:00.0
CD=0000:03:00.0
ALL=$(for p in "$SYS"/*; do
	[ "$(cat "$p/vendor")" = 0x1af4 ] || continue
	grep -qw flr "$p/reset_method" 2>/dev/null || continue
	echo "${p##*/}"
done)
NALL=$(echo "$ALL" | wc -l)

# order I: the sides of sample I in the order they are measured.
order() {
	if [ $(($1 % 2)) = 1 ]; then echo "a b"; else echo "b a"; fi
}

emit() {
	diag "bench: fig=$1 i=$2 a=$3 b=$4${5:+ $5}"
}

# in_custody BDF: bound to pciguard.
in_custody() {
	[ "$(pci_driver "$1")" = pciguard ]
}

lspci_bin=$(command -v lspci)
lspci_ver=$(lspci --version 2>/dev/null | tr ' ' _)
diag "bench: info kernel=$(uname -r) runs=$RUNS cfg_writes=$COUNT" \
	"flr_devices=$NALL lspci=$(readlink -f "$lspci_bin") lspci_version=${lspci_ver:-unknown}" \
	"cpus=$(grep -c ^processor /proc/cpuinfo)"
check "at least 8 FLR-capable endpoints" test "$NALL" -ge 8

# --- config writes: pciguard's kprobe on a device not in custody --------
# a: module loaded, b: not loaded. The command word, rewritten as it is.
fails=0
for i in $(seq "$RUNS"); do
	for s in $(order "$i"); do
		if [ "$s" = a ]; then
			modprobe pciguard || fails=$((fails + 1))
		else
			! grep -q '^pciguard ' /proc/modules ||
				rmmod pciguard || fails=$((fails + 1))
		fi
		eval "t_$s=\$(bench cfg $SYS/$CD/config 0x04 2 $COUNT)" ||
			fails=$((fails + 1))
	done
	emit cfg_probe "$i" "$t_a" "$t_b"
done
check_eq "cfg_probe: $RUNS samples" 0 "$fails"
modprobe pciguard

# --- config writes: in custody (guarded) vs not -------------------------
# a: in custody, b: back with its driver. Per sample and side: the command
# word rewritten with its value (judging needs the register's current
# value), the cache line size toggled (every bit writable), and reads.
fails=0
for i in $(seq "$RUNS"); do
	for s in $(order "$i"); do
		if [ "$s" = a ]; then
			in_custody $CD || pciguard hide $CD >/dev/null ||
				fails=$((fails + 1))
			in_custody $CD || fails=$((fails + 1))
		else
			! in_custody $CD ||
				pciguard release --to-host $CD >/dev/null ||
				fails=$((fails + 1))
			! in_custody $CD || fails=$((fails + 1))
		fi
		eval "cmd_$s=\$(bench cfg $SYS/$CD/config 0x04 2 $COUNT)" ||
			fails=$((fails + 1))
		eval "cls_$s=\$(bench cfg $SYS/$CD/config 0x0c 1 $COUNT 0x10 0x08)" ||
			fails=$((fails + 1))
		eval "rd_$s=\$(bench cfgread $SYS/$CD/config 0x04 2 $COUNT)" ||
			fails=$((fails + 1))
	done
	# shellcheck disable=SC2154 # set by eval
	emit cfg_cmd "$i" "$cmd_a" "$cmd_b"
	# shellcheck disable=SC2154
	emit cfg_cls "$i" "$cls_a" "$cls_b"
	# shellcheck disable=SC2154
	emit cfg_read "$i" "$rd_a" "$rd_b"
done
check_eq "cfg_cmd, cfg_cls, cfg_read: $RUNS samples" 0 "$fails"
! in_custody $CD || pciguard release --to-host $CD >/dev/null

# --- pciguard list --all vs lspci ---------------------------------------
# Both print every device with class, vendor and device names from
# pci.ids; lspci -k adds the driver, as list does.
fails=0
bench run pciguard list --all >/dev/null || fails=$((fails + 1))
bench run lspci >/dev/null || fails=$((fails + 1))
bench run lspci -k >/dev/null || fails=$((fails + 1))
for i in $(seq "$RUNS"); do
	for s in $(order "$i"); do
		if [ "$s" = a ]; then
			t_a=$(bench run pciguard list --all) || fails=$((fails + 1))
		else
			t_b=$(bench run lspci) || fails=$((fails + 1))
			t_k=$(bench run lspci -k) || fails=$((fails + 1))
		fi
	done
	emit list "$i" "$t_a" "$t_b"
	emit list_k "$i" "$t_a" "$t_k"
done
check_eq "list, list_k: $RUNS samples" 0 "$fails"

# --- handoff vs the device's own reset ----------------------------------
# a: pciguard assign to vfio-pci from quarantine (gate, reset, bind), and
# the reset time the module reports; then detach (untimed in the ratio).
# b: 1 written to the device's sysfs reset, in quarantine.
# handoff_req: the module's part of a, the assign request alone, timed by
# the kernel's function-graph tracer (pg_nl_dev_assign_doit, nothing below
# it traced), ÷ the same b. exec: the CLI's process start on its own
# (pciguard --help), for the record.
TR=/sys/kernel/tracing
[ -e $TR/trace ] || mount -t tracefs nodev $TR 2>/dev/null
tracing=0
if echo pg_nl_dev_assign_doit >$TR/set_graph_function 2>/dev/null &&
	echo 1 >$TR/max_graph_depth && echo function_graph >$TR/current_tracer; then
	echo 0 >$TR/tracing_on
	tracing=1
else
	diag "no function-graph tracer: handoff_req not measured"
fi
# req_ns: the traced assign request's time in ns, from the trace.
req_ns() {
	sed -n 's/.* \([0-9][0-9]*\)\.\([0-9]\)[0-9]* us .*pg_nl_dev_assign_doit.*/\1\200/p' \
		$TR/trace | tail -n 1
}
fails=0
pciguard hide $HD >/dev/null || fails=$((fails + 1))
# The first assign loads vfio-pci.
pciguard assign bench $HD -o backend=vfio-pci >/dev/null &&
	pciguard detach $HD >/dev/null || fails=$((fails + 1))
for i in $(seq "$RUNS"); do
	req=
	for s in $(order "$i"); do
		if [ "$s" = a ]; then
			[ $tracing = 0 ] || { echo >$TR/trace; echo 1 >$TR/tracing_on; }
			t_a=$(bench run -o /tmp/bench-assign pciguard assign bench \
				$HD -o backend=vfio-pci) || fails=$((fails + 1))
			if [ $tracing = 1 ]; then
				echo 0 >$TR/tracing_on
				req=$(req_ns)
				[ -n "$req" ] || { fails=$((fails + 1)); cat $TR/trace; }
			fi
			k=$(sed -n 's/.*(reset flr ok in \([0-9]*\) ms)$/\1/p' \
				/tmp/bench-assign)
			[ -n "$k" ] || { fails=$((fails + 1)); cat /tmp/bench-assign; }
			[ "$(pci_driver $HD)" = vfio-pci ] || fails=$((fails + 1))
			t_d=$(bench run pciguard detach $HD) || fails=$((fails + 1))
			t_x=$(bench run pciguard --help) || fails=$((fails + 1))
		else
			in_custody $HD || fails=$((fails + 1))
			t_b=$(bench write $SYS/$HD/reset 1) || fails=$((fails + 1))
		fi
	done
	emit handoff "$i" "$t_a" "$t_b" "kreset_ms=$k detach=$t_d exec=$t_x"
	[ -z "$req" ] || emit handoff_req "$i" "$req" "$t_b"
done
check_eq "handoff: $RUNS samples" 0 "$fails"
if [ $tracing = 1 ]; then
	echo nop >$TR/current_tracer
	echo >$TR/set_graph_function
fi
pciguard release --to-host $HD >/dev/null

# --- restore of all vs restore of one -----------------------------------
# Two stores: every FLR-capable endpoint, and HD alone. Each restore
# starts with its devices back with their drivers, as at boot.
fails=0
# shellcheck disable=SC2086 # BDF lists
pciguard --config-dir /tmp/bench-all hide --persistent $ALL >/dev/null &&
	pciguard release --to-host $ALL >/dev/null || fails=$((fails + 1))
pciguard --config-dir /tmp/bench-one hide --persistent $HD >/dev/null &&
	pciguard release --to-host $HD >/dev/null || fails=$((fails + 1))
# restore_sample STORE SUMMARY BDF...: time a restore from STORE (its
# last line must be SUMMARY), then give the devices back; prints the time.
restore_sample() {
	_store=$1 _want=$2 _out=/tmp/bench-restore.${1##*/}
	shift 2
	_t=$(bench run -o "$_out" pciguard --config-dir "$_store" restore) ||
		return 1
	tail -n 1 "$_out" | grep -q "^restore: $_want" ||
		{ cat "$_out" >&2; return 1; }
	pciguard release --to-host "$@" >/dev/null || return 1
	echo "$_t"
}
for i in $(seq "$RUNS"); do
	for s in $(order "$i"); do
		if [ "$s" = a ]; then
			# shellcheck disable=SC2086
			t_a=$(restore_sample /tmp/bench-all \
				"$NALL entries: $NALL restored" $ALL) ||
				fails=$((fails + 1))
		else
			t_b=$(restore_sample /tmp/bench-one "1 entry: 1 restored" \
				$HD) || fails=$((fails + 1))
		fi
	done
	emit restore "$i" "$t_a" "$t_b" "n=$NALL"
done
diag "last restore of all: $(tail -n 1 /tmp/bench-restore.bench-all)"
check_eq "restore: $RUNS samples" 0 "$fails"
tap_end
