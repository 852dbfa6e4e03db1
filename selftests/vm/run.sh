#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the pciguard test VM under QEMU (TCG) and run guest tests.
#
# Usage: run.sh [--topology NAME] [--shell] [--timeout SECONDS] [--kver KVER]
#               [--module KO]... [--bin EXE]... [--file SRC:DEST]...
#               [--append ARGS] [TEST...]
#
#   TEST             script names in selftests/vm/tests/ (e.g. rig_smoke.sh),
#                    run in order inside one VM boot
#   --topology NAME  selftests/vm/topologies/NAME.sh (default: reference)
#   --shell          after the tests, give an interactive shell on the guest
#                    console (only if stdin is a terminal; otherwise ignored).
#                    No timeout applies unless --timeout is given.
#   --timeout SECS   hard limit for the whole VM run (default 300)
#   --kver KVER      guest kernel release (default: env KVER, else the
#                    vermagic of the first --module, else the newest
#                    /lib/modules/*-amd64 with a /boot/vmlinuz-*)
#   --module KO      extra kernel module for /lib/modules/KVER/extra
#   --bin EXE        extra executable for /usr/bin (with its libraries)
#   --file SRC:DEST  extra file for the image
#   --append ARGS    extra guest kernel command line
#   --no-auto        do not add kmod/pciguard.ko and userspace/pciguard
#                    automatically when they exist
#
# Env: BUILD_DIR (default <repo>/build/vm), KVER, QEMU (qemu-system-x86_64).
# Outputs: BUILD_DIR/console.log (ttyS0: kernel console), BUILD_DIR/tap.log
# (ttyS1: TAP from the tests, also echoed to stdout).  The last line is
# "N passed, N failed" (plus ", N skipped" if any); exit 0 only when nothing
# failed, the guest finished ("# rig: done") and the console shows no oops,
# BUG, WARNING, panic, GPF, UBSAN/KASAN report or call trace.
set -eu

VM_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$VM_DIR/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$REPO/build/vm}
case $BUILD_DIR in /*) ;; *) BUILD_DIR=$PWD/$BUILD_DIR ;; esac
QEMU=${QEMU:-qemu-system-x86_64}

die() {
	echo "run.sh: $*" >&2
	exit 2
}

usage() {
	sed -n '3,/^set -eu/s/^# \{0,1\}//p' "$0"
	exit "${1:-0}"
}

TOPOLOGY=reference
SHELL_MODE=0
TIMEOUT=
OPT_KVER=
APPEND=
AUTO=1
MODULES=()
BINS=()
FILES=()
TESTS=()

while [ $# -gt 0 ]; do
	case $1 in
	--topology | --timeout | --kver | --module | --bin | --file | --append)
		[ $# -ge 2 ] || die "$1 needs an argument"
		case $1 in
		--topology) TOPOLOGY=$2 ;;
		--timeout) TIMEOUT=$2 ;;
		--kver) OPT_KVER=$2 ;;
		--module) MODULES+=("$2") ;;
		--bin) BINS+=("$2") ;;
		--file) FILES+=("$2") ;;
		--append) APPEND="$APPEND $2" ;;
		esac
		shift 2
		;;
	--shell) SHELL_MODE=1 && shift ;;
	--no-auto) AUTO=0 && shift ;;
	-h | --help) usage 0 ;;
	--) shift && TESTS+=("$@") && break ;;
	-*) echo "run.sh: unknown option $1" >&2 && usage 2 ;;
	*) TESTS+=("$1") && shift ;;
	esac
done

case $TIMEOUT in
'' | *[!0-9]*) [ -z "$TIMEOUT" ] || die "--timeout wants whole seconds" ;;
esac
for t in "${TESTS[@]}"; do
	case $t in
	*/* | *,* | .*) die "bad test name '$t' (a file name in selftests/vm/tests/)" ;;
	esac
	[ -f "$VM_DIR/tests/$t" ] || die "no such test: selftests/vm/tests/$t"
done

TOPO_FILE=$VM_DIR/topologies/$TOPOLOGY.sh
[ -f "$TOPO_FILE" ] || die "no such topology: $TOPO_FILE"
TOPO_MACHINE=q35
TOPO_MEM=1024
TOPO_SMP=2
TOPO_APPEND=
TOPO_LOAD_MODULES=
TOPO_IMAGE_MODULES=
TOPO_QEMU_ARGS=()
# shellcheck source-path=SCRIPTDIR source=topologies/reference.sh
. "$TOPO_FILE"

if [ "$AUTO" = 1 ]; then
	if [ ${#MODULES[@]} -eq 0 ] && [ -f "$REPO/kmod/pciguard.ko" ]; then
		echo "run.sh: adding kmod/pciguard.ko (use --no-auto to leave it out)"
		MODULES+=("$REPO/kmod/pciguard.ko")
	fi
	if [ ${#BINS[@]} -eq 0 ] && [ -x "$REPO/userspace/pciguard" ]; then
		echo "run.sh: adding userspace/pciguard (use --no-auto to leave it out)"
		BINS+=("$REPO/userspace/pciguard")
	fi
fi

# Kernel release: --kver, $KVER, the module's vermagic, newest installed.
KVER=${OPT_KVER:-${KVER:-}}
if [ -z "$KVER" ] && [ ${#MODULES[@]} -gt 0 ]; then
	KVER=$(modinfo -F vermagic "${MODULES[0]}" 2>/dev/null | awk '{print $1}') || KVER=
fi
if [ -z "$KVER" ]; then
	KVER=$(for d in /lib/modules/*-amd64; do
		[ -f "/boot/vmlinuz-${d##*/}" ] && echo "${d##*/}"
	done | sort -V | tail -n 1)
fi
[ -n "$KVER" ] || die "no guest kernel found"
KERNEL=/boot/vmlinuz-$KVER
[ -r "$KERNEL" ] || die "$KERNEL not readable"
for m in "${MODULES[@]}"; do
	[ -f "$m" ] || die "--module $m: no such file"
	mv=$(modinfo -F vermagic "$m" 2>/dev/null | awk '{print $1}') || mv=
	[ -z "$mv" ] || [ "$mv" = "$KVER" ] ||
		die "$m was built for $mv, guest kernel is $KVER"
done

# ---- image -----------------------------------------------------------------
mkdir -p "$BUILD_DIR"
INITRD=$BUILD_DIR/initramfs.cpio.gz
mkargs=(--kver "$KVER" --out "$INITRD" --build-dir "$BUILD_DIR")
for m in $TOPO_LOAD_MODULES; do mkargs+=(--driver "$m"); done
for m in $TOPO_IMAGE_MODULES; do mkargs+=(--image-module "$m"); done
for m in "${MODULES[@]}"; do mkargs+=(--module "$m"); done
for b in jq lspci setpci "${BINS[@]}"; do mkargs+=(--bin "$b"); done
for f in "${FILES[@]}"; do mkargs+=(--file "$f"); done
BUILD_DIR=$BUILD_DIR "$VM_DIR/mkinitramfs.sh" "${mkargs[@]}"

# ---- boot ------------------------------------------------------------------
if [ "$SHELL_MODE" = 1 ] && ! [ -t 0 ]; then
	echo "run.sh: --shell ignored: stdin is not a terminal"
	SHELL_MODE=0
fi
if [ -z "$TIMEOUT" ]; then
	[ "$SHELL_MODE" = 1 ] && TIMEOUT=0 || TIMEOUT=300
fi

CONSOLE_LOG=$BUILD_DIR/console.log
TAP_LOG=$BUILD_DIR/tap.log
FIFO=$BUILD_DIR/tap.fifo
rm -f "$CONSOLE_LOG" "$TAP_LOG" "$FIFO.in" "$FIFO.out"
mkfifo "$FIFO.in" "$FIFO.out"

tests_csv=$(IFS=, && echo "${TESTS[*]}")
cmdline="console=ttyS0 $TOPO_APPEND panic=-1 oops=panic rig.topology=$TOPOLOGY"
[ -z "$tests_csv" ] || cmdline="$cmdline rig.tests=$tests_csv"
[ "$SHELL_MODE" = 0 ] || cmdline="$cmdline rig.shell=1"
cmdline="$cmdline$APPEND"

qemu=("$QEMU" -accel tcg -M "$TOPO_MACHINE" -m "$TOPO_MEM" -smp "$TOPO_SMP"
	-nodefaults -no-reboot -display none
	-kernel "$KERNEL" -initrd "$INITRD" -append "$cmdline")
if [ "$SHELL_MODE" = 1 ]; then
	# Console on stdio, logged; Ctrl-A X quits QEMU, Ctrl-A C is the monitor.
	qemu+=(-chardev "stdio,id=con,mux=on,signal=off,logfile=$CONSOLE_LOG"
		-serial chardev:con -mon "chardev=con,mode=readline")
else
	qemu+=(-chardev "file,id=con,path=$CONSOLE_LOG" -serial chardev:con)
fi
qemu+=(-chardev "pipe,id=tap,path=$FIFO" -serial chardev:tap)
qemu+=("${TOPO_QEMU_ARGS[@]}")

# TAP reader: the guest sets ttyS1 raw; drop any CR anyway.  In shell mode
# the terminal is raw too, so give it CRLF.
if [ "$SHELL_MODE" = 1 ]; then
	{ sed -u 's/\r$//' <"$FIFO.out" | tee "$TAP_LOG" | sed -u 's/$/\r/'; } &
else
	{ sed -u 's/\r$//' <"$FIFO.out" | tee "$TAP_LOG"; } &
fi
reader=$!

echo "run.sh: booting $KVER, topology $TOPOLOGY, tests: ${TESTS[*]:-(none)}, timeout ${TIMEOUT}s"
start=$(date +%s)
qrc=0
if [ "$SHELL_MODE" = 1 ] && [ "$TIMEOUT" -gt 0 ]; then
	# --foreground keeps QEMU in the terminal's process group (stdio console).
	timeout --foreground -k 10 "$TIMEOUT" "${qemu[@]}" || qrc=$?
elif [ "$SHELL_MODE" = 1 ]; then
	"${qemu[@]}" || qrc=$?
else
	timeout -k 10 "$TIMEOUT" "${qemu[@]}" </dev/null || qrc=$?
fi
end=$(date +%s)
# Unblock the reader if QEMU never opened the FIFO, then let it drain.
exec 9<>"$FIFO.out"
exec 9>&-
wait "$reader" || true
rm -f "$FIFO.in" "$FIFO.out"
touch "$TAP_LOG" "$CONSOLE_LOG"

# ---- verdict ---------------------------------------------------------------
problems=()
if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
	problems+=("timeout: the VM did not finish within ${TIMEOUT}s")
elif [ "$qrc" -ne 0 ]; then
	problems+=("QEMU exited with status $qrc")
fi
if ! grep -qx '# rig: done' "$TAP_LOG"; then
	last=$(sed -n 's/^# rig: begin //p' "$TAP_LOG" | tail -n 1)
	if [ -n "$last" ] && ! grep -q "^# rig: end $last " "$TAP_LOG"; then
		problems+=("guest did not finish: test $last never completed (hang, crash or timeout)")
	else
		problems+=("guest did not finish: no '# rig: done' marker (crash or timeout before/after tests)")
	fi
fi
crash_re='Oops|BUG:|WARNING:|Kernel panic|general protection fault|UBSAN:|KASAN:|Call Trace:'
crash_lines=$(grep -aE "$crash_re" "$CONSOLE_LOG" | tr -d '\r' || true)
if [ -n "$crash_lines" ]; then
	problems+=("guest kernel reported a problem (see $CONSOLE_LOG):")
fi

passed=$(grep -cE '^ok [0-9]+' "$TAP_LOG" || true)
skipped=$(grep -ciE '^ok [0-9]+.*# skip' "$TAP_LOG" || true)
skip_all=$(grep -ciE '^1\.\.0 # skip' "$TAP_LOG" || true)
passed=$((passed - skipped))
skipped=$((skipped + skip_all))
failed=$(grep -cE '^not ok' "$TAP_LOG" || true)
rig_fail=$(grep -c '^# rig: FAIL' "$TAP_LOG" || true)
# A broken run (timeout, crash, missing marker, QEMU error) counts as one
# more failure, however many symptoms it showed.
failed=$((failed + rig_fail + (${#problems[@]} > 0)))

echo
echo "run.sh: VM ran $((end - start))s; console: $CONSOLE_LOG; TAP: $TAP_LOG"
if grep -qE '^not ok' "$TAP_LOG"; then
	echo "run.sh: failing tests:"
	awk '/^# rig: begin / { t = $4 } /^not ok/ { print "  " t ": " $0 }' "$TAP_LOG"
fi
if [ "$rig_fail" -gt 0 ]; then
	grep '^# rig: FAIL' "$TAP_LOG" | sed 's/^# rig: /run.sh: /'
fi
for p in "${problems[@]}"; do
	echo "run.sh: FAIL: $p"
done
if [ -n "$crash_lines" ]; then
	echo "$crash_lines" | head -n 40 | sed 's/^/  console: /'
elif ! grep -qx '# rig: done' "$TAP_LOG"; then
	echo "run.sh: last console lines:"
	tail -n 15 "$CONSOLE_LOG" | tr -d '\r' | sed 's/^/  console: /'
fi

summary="$passed passed, $failed failed"
[ "$skipped" -eq 0 ] || summary="$summary, $skipped skipped"
echo "$summary"
[ "$failed" -eq 0 ]
