# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# TAP helpers for pciguard guest tests (kselftest style, TAP version 13).
# Sourced by every script in selftests/vm/tests/; runs under busybox sh.
#
#   . /tests/lib.sh
#   tap_begin
#   check    "virtio-net is present" test -d /sys/bus/pci/devices/0000:01:00.0
#   check_eq "driver" virtio-pci "$(pci_driver 0000:01:00.0)"
#   tap_end
#
# Output lines are exactly "ok N - desc", "not ok N - desc" and
# "ok N - desc # SKIP why"; diagnostics go on "# " lines.  Numbering is per
# script.  tap_end prints the "1..N" plan and returns non-zero if anything
# failed, so "tap_end" as the last command sets the script's exit status.

TAP_N=0
TAP_PASS=0
TAP_FAIL=0
TAP_SKIP=0

# tap_begin: print the TAP header.  Call once, first.
tap_begin() {
	echo "TAP version 13"
}

# diag MSG...: print each line of MSG as a "# " diagnostic line.
diag() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

# ok DESC
ok() {
	TAP_N=$((TAP_N + 1))
	TAP_PASS=$((TAP_PASS + 1))
	echo "ok $TAP_N - $1"
}

# not_ok DESC [DIAGNOSTIC]
not_ok() {
	TAP_N=$((TAP_N + 1))
	TAP_FAIL=$((TAP_FAIL + 1))
	echo "not ok $TAP_N - $1"
	if [ $# -gt 1 ] && [ -n "$2" ]; then
		diag "$2"
	fi
}

# skip DESC WHY
skip() {
	TAP_N=$((TAP_N + 1))
	TAP_SKIP=$((TAP_SKIP + 1))
	echo "ok $TAP_N - $1 # SKIP ${2:-}"
}

# check DESC CMD [ARG...]: run CMD; ok if it exits 0, else not ok with its
# output and exit status as diagnostics.
check() {
	_desc=$1
	shift
	if _out=$("$@" 2>&1); then
		ok "$_desc"
	else
		_rc=$?
		not_ok "$_desc" "$(printf 'command: %s\nexit status: %s\n%s' "$*" "$_rc" "$_out")"
	fi
}

# check_eq DESC EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "$(printf 'expected: %s\nactual:   %s' "$2" "$3")"
	fi
}

# skip_all WHY: the whole script does not apply; prints a skip plan and exits 0.
skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

# tap_end: print the plan and totals; returns 1 if any test failed.
tap_end() {
	echo "1..$TAP_N"
	echo "# Totals: pass:$TAP_PASS fail:$TAP_FAIL skip:$TAP_SKIP"
	[ "$TAP_FAIL" -eq 0 ]
}

# ---- small helpers for PCI tests ---------------------------------------

# wait_for SECONDS CMD [ARG...]: poll CMD every 0.2 s until it succeeds.
wait_for() {
	_t=$(($1 * 5))
	shift
	while [ "$_t" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
		_t=$((_t - 1))
	done
	"$@" >/dev/null 2>&1
}

# pci_find VENDOR DEVICE: print the BDFs (0000:bb:dd.f) of matching devices.
# VENDOR and DEVICE are hex without 0x, e.g. pci_find 1af4 1041.
pci_find() {
	for _d in /sys/bus/pci/devices/*; do
		[ "$(cat "$_d/vendor")" = "0x$1" ] || continue
		[ "$(cat "$_d/device")" = "0x$2" ] || continue
		echo "${_d##*/}"
	done
}

# pci_driver BDF: print the name of the driver bound to BDF ("" if none).
pci_driver() {
	if [ -L "/sys/bus/pci/devices/$1/driver" ]; then
		_l=$(readlink "/sys/bus/pci/devices/$1/driver")
		echo "${_l##*/}"
	fi
}

# pci_drivers: one line per PCI device, "BDF DRIVER" (DRIVER empty if none).
pci_drivers() {
	for _d in /sys/bus/pci/devices/*; do
		echo "${_d##*/} $(pci_driver "${_d##*/}")"
	done
}

# without_autoload CMD [ARG...]: run CMD while the kernel cannot load
# modules on demand (request_module runs /bin/false), as on a host where a
# module is not installed; restores the modprobe path and returns CMD's status.
without_autoload() {
	_mp=$(cat /proc/sys/kernel/modprobe)
	echo /bin/false > /proc/sys/kernel/modprobe
	"$@"
	_rc=$?
	echo "$_mp" > /proc/sys/kernel/modprobe
	return $_rc
}

# ---- pciguard events ---------------------------------------------------

# monitor_start FILE: run "pciguard monitor --json" in the background,
# appending events to FILE, and wait until it listens. Sets MONITOR_PID.
monitor_start() {
	: >"$1"
	: >"$1.err"
	pciguard monitor --json >>"$1" 2>"$1.err" &
	MONITOR_PID=$!
	wait_for 5 grep -q listening "$1.err"
}

# monitor_stop: stop the monitor monitor_start started.
monitor_stop() {
	[ -n "${MONITOR_PID:-}" ] || return 0
	kill "$MONITOR_PID" 2>/dev/null
	wait "$MONITOR_PID" 2>/dev/null
	MONITOR_PID=
}

# event_seen FILE EVENT BDF [DRIVER]: has the monitor written an event of
# type EVENT for BDF (and, if given, naming DRIVER)?
event_seen() {
	# Not jq -e: jq 1.6 takes its status from the last input line only.
	jq -c --arg e "$2" --arg b "$3" --arg d "${4:-}" \
		'select(.event == $e and .bdf == $b and ($d == "" or .driver == $d))' \
		"$1" 2>/dev/null | grep -q .
}

# check_event DESC FILE EVENT BDF [DRIVER]: ok once the event shows up
# (events are sent from a work item: allow a few seconds).
check_event() {
	_desc=$1
	shift
	if wait_for 5 event_seen "$@"; then
		ok "$_desc"
	else
		not_ok "$_desc" "$(printf 'wanted: %s %s %s\nevents:\n%s' "$2" "$3" "${4:-}" "$(cat "$1")")"
	fi
}

# count_events FILE EVENT BDF: how many such events the monitor wrote.
count_events() {
	jq -c --arg e "$2" --arg b "$3" 'select(.event == $e and .bdf == $b)' \
		"$1" 2>/dev/null | wc -l
}

# pg_json BDF FILTER: a field of "pciguard show --json BDF".
pg_json() {
	pciguard show --json "$1" | jq -r "$2"
}

# ---- config space ---------------------------------------------------------

# cfg_byte BDF OFF: the device's config byte at OFF (decimal out; OFF in
# any shell number form), as dom0 reads it.
cfg_byte() {
	echo $((0x$(setpci -s "$1" "$(printf %x "$2").b")))
}

# virtio_pci_cfg_cap BDF: the offset of the virtio device's
# VIRTIO_PCI_CAP_PCI_CFG capability (vendor-specific ID 0x09, cfg_type 5),
# walking the capability list. Its fields after the header (bar at +4,
# offset at +8, length at +12, data at +16) are writable in QEMU, harmless,
# and in no whitelist: the register a grant opens in the tests.
virtio_pci_cfg_cap() {
	_off=$(cfg_byte "$1" 0x34)
	_n=0
	while [ "$_off" -ne 0 ] && [ $_n -lt 48 ]; do
		if [ "$(cfg_byte "$1" "$_off")" -eq 9 ] &&
			[ "$(cfg_byte "$1" $((_off + 3)))" -eq 5 ]; then
			echo "$_off"
			return 0
		fi
		_off=$(cfg_byte "$1" $((_off + 1)))
		_n=$((_n + 1))
	done
	return 1
}

# ---- make demo's narration -------------------------------------------------

# say TEXT: a step's heading, in bold.
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

# ---- QEMU's monitor (topologies with TOPO_MONITOR=1, run.sh --monitor) ----

# qmp_cmd CMD...: run CMD on QEMU's monitor through the rig's relay on
# ttyS2 (README: "QEMU's monitor"): "device_del ID", "device_add
# DRIVER,id=ID,...", "info pci", for the topology's hot-pluggable ids.
# Prints QEMU's reply. Return: 0, 1 when QEMU reported an error, 2 when
# the relay refused the command or there is no relay.
qmp_cmd() {
	if [ -z "${_QMP_OPEN:-}" ]; then
		if ! grep -q 'rig\.monitor=' /proc/cmdline || ! [ -c /dev/ttyS2 ]; then
			echo "qmp_cmd: no monitor in this boot (run.sh --monitor)"
			return 2
		fi
		stty -F /dev/ttyS2 raw -echo || return 2
		exec 8<>/dev/ttyS2
		_QMP_OPEN=1
	fi
	printf '%s\n' "$*" >&8
	# The relay answers within 30 s (a device_add waits that long for
	# QEMU to finish a removal): no answer in 90 s means it is gone.
	while IFS= read -r -t 90 _l <&8; do
		case $_l in
		"# hp: end rc="*) return "${_l#\# hp: end rc=}" ;;
		esac
		printf '%s\n' "$_l"
	done
	echo "qmp_cmd: no answer from the relay to '$*' within 90 s"
	return 2
}

# wait_cmd SECS PID: wait for background command PID like "wait PID", but
# when it is still running after SECS seconds print where it is in the
# kernel (its stack, and with sysrq every blocked task on the console)
# and return 125 first; it is then left running.
_pid_gone() {
	! kill -0 "$1" 2>/dev/null
}
wait_cmd() {
	if ! wait_for "$1" _pid_gone "$2"; then
		diag "pid $2 ($(tr '\0' ' ' <"/proc/$2/cmdline" 2>/dev/null)) still runs after $1 s; its kernel stack:"
		diag "$(cat "/proc/$2/stack" 2>/dev/null)"
		echo w >/proc/sysrq-trigger 2>/dev/null
		return 125
	fi
	wait "$2"
}

# pci_gone BDF / pci_present BDF: is the device off / on the bus?
pci_gone() {
	[ ! -e "/sys/bus/pci/devices/$1" ]
}
pci_present() {
	[ -e "/sys/bus/pci/devices/$1" ]
}

# hp_del ID BDF: device_del ID and wait (up to 30 s) until BDF has left
# the guest's bus. Return: non-zero when either failed.
hp_del() {
	qmp_cmd "device_del $1" >/dev/null || return 1
	wait_for 30 pci_gone "$2"
}

# hp_add BDF DEVICE_ADD_ARGS: device_add DEVICE_ADD_ARGS and wait (up to
# 30 s) until BDF is on the guest's bus, with its driver bound, if any.
hp_add() {
	_bdf=$1
	shift
	qmp_cmd "device_add $*" >/dev/null || return 1
	wait_for 30 pci_present "$_bdf"
}
