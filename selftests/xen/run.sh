#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2054 # QEMU options are comma-separated
#
# Boot Xen 4.17 with a PV dom0 under QEMU (TCG) and run dom0 tests that
# start PV guests with passed-through PCI devices.
#
# Usage: run.sh [--topology NAME] [--shell] [--timeout SECONDS] [--kver KVER]
#               [--module KO]... [--bin EXE]... [--file SRC:DEST]...
#               [--append ARGS] [--xen-append ARGS] [--no-auto] [TEST...]
#
#   TEST             script names in selftests/xen/tests/ (e.g. smoke.sh),
#                    run in order inside one boot
#   --topology NAME  selftests/vm/topologies/NAME.sh (default: reference);
#                    an intel-iommu is added if it has none
#   --shell          after the tests, a shell on dom0's console (only if
#                    stdin is a terminal).  No timeout unless --timeout.
#   --timeout SECS   hard limit for the whole run (default 400)
#   --kver KVER      dom0 and guest kernel release (default: env KVER, else
#                    the vermagic of the first --module, else the newest
#                    /lib/modules/*-amd64 with a /boot/vmlinuz-*)
#   --module KO      extra kernel module for dom0's /lib/modules/KVER/extra
#   --bin EXE        extra executable for dom0's /usr/bin (with libraries)
#   --file SRC:DEST  extra file for dom0's image
#   --append ARGS    extra dom0 kernel command line
#   --xen-append ARGS  extra Xen command line
#   --no-auto        do not add kmod/pciguard.ko and userspace/pciguard to
#                    dom0's image automatically when they exist
#
# Env: BUILD_DIR (default <repo>/build/xen), KVER, QEMU
# (qemu-system-x86_64), XEN_GZ, XEN_BIN_DIR (see mkimages.sh).
# Outputs: BUILD_DIR/console.log (QEMU's first serial port: Xen's console,
# which carries Xen's and dom0's messages, and at the end "xl dmesg" and
# the guests' console logs), BUILD_DIR/tap.log (the second one: TAP, also
# echoed to stdout).  The last line is "N passed, N failed" (plus ", N
# skipped"); exit 0 only when nothing failed, dom0 finished ("# rig: done")
# and the console shows no Xen panic, BUG, WARN, assertion or crash, no
# Linux oops, BUG, WARNING, panic or call trace (dom0's or a guest's) and no
# IOMMU fault.
#
# This is bash, like selftests/vm/run.sh, because it sources the VM rig's
# topologies (bash fragments) to boot the very same PCI layout.
set -eu

XEN_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$XEN_DIR/../.." && pwd)
VM_DIR=$REPO/selftests/vm
BUILD_DIR=${BUILD_DIR:-$REPO/build/xen}
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
XEN_APPEND=
AUTO=1
MODULES=()
BINS=()
FILES=()
TESTS=()

while [ $# -gt 0 ]; do
	case $1 in
	--topology | --timeout | --kver | --module | --bin | --file | --append | --xen-append)
		[ $# -ge 2 ] || die "$1 needs an argument"
		case $1 in
		--topology) TOPOLOGY=$2 ;;
		--timeout) TIMEOUT=$2 ;;
		--kver) OPT_KVER=$2 ;;
		--module) MODULES+=("$2") ;;
		--bin) BINS+=("$2") ;;
		--file) FILES+=("$2") ;;
		--append) APPEND="$APPEND $2" ;;
		--xen-append) XEN_APPEND="$XEN_APPEND $2" ;;
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
	*/* | *,* | .*) die "bad test name '$t' (a file name in selftests/xen/tests/)" ;;
	esac
	[ -f "$XEN_DIR/tests/$t" ] || die "no such test: selftests/xen/tests/$t"
done
# QEMU's multiboot loader takes "-initrd 'KERNEL ARGS,MODULE'": a comma in
# a path would split it.  (Commas in ARGS are escaped below.)
case $BUILD_DIR in
*,*) die "BUILD_DIR must not contain a comma: $BUILD_DIR" ;;
esac

TOPO_FILE=$VM_DIR/topologies/$TOPOLOGY.sh
[ -f "$TOPO_FILE" ] || die "no such topology: $TOPO_FILE"
TOPO_LOAD_MODULES=
TOPO_IMAGE_MODULES=
TOPO_QEMU_ARGS=()
# shellcheck source-path=SCRIPTDIR/.. source=vm/topologies/reference.sh
. "$TOPO_FILE"
# Machine, memory and CPU are Xen's, not the topology's: q35 for PCIe, 2 GiB
# (dom0 gets 1 GiB, guests the rest), qemu64 with SVM so that Xen finds
# HVM support and reports hvm_directio (-cpu max crashes dom0 under TCG).
#
# Xen needs the emulated VT-d: without an IOMMU it disables I/O
# virtualisation and libxl refuses passthrough.  The reference topology has
# one ("intel-iommu,intremap=on"; Xen's log and the tests are the same with
# aw-bits=48 as with QEMU's default 39); a topology without one gets it,
# first, as it must come before the devices it translates for.
qemu_topo=("${TOPO_QEMU_ARGS[@]}")
case " ${TOPO_QEMU_ARGS[*]} " in
*" intel-iommu"*) ;;
*) qemu_topo=(-device intel-iommu,intremap=on "${qemu_topo[@]}") ;;
esac

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
[ -n "$KVER" ] || die "no kernel found"
KERNEL=/boot/vmlinuz-$KVER
[ -r "$KERNEL" ] || die "$KERNEL not readable"
for m in "${MODULES[@]}"; do
	[ -f "$m" ] || die "--module $m: no such file"
	mv=$(modinfo -F vermagic "$m" 2>/dev/null | awk '{print $1}') || mv=
	[ -z "$mv" ] || [ "$mv" = "$KVER" ] ||
		die "$m was built for $mv, dom0's kernel is $KVER"
done

# ---- images ----------------------------------------------------------------
mkdir -p "$BUILD_DIR"
mkargs=(--kver "$KVER" --build-dir "$BUILD_DIR")
for m in $TOPO_LOAD_MODULES; do mkargs+=(--driver "$m"); done
mkargs+=(--)
for m in $TOPO_IMAGE_MODULES; do mkargs+=(--image-module "$m"); done
for m in "${MODULES[@]}"; do mkargs+=(--module "$m"); done
for b in jq lspci setpci "${BINS[@]}"; do mkargs+=(--bin "$b"); done
for f in "${FILES[@]}"; do mkargs+=(--file "$f"); done
t_img=$(date +%s)
BUILD_DIR=$BUILD_DIR "$XEN_DIR/mkimages.sh" "${mkargs[@]}"
echo "run.sh: images built in $(($(date +%s) - t_img))s"

# ---- boot ------------------------------------------------------------------
if [ "$SHELL_MODE" = 1 ] && ! [ -t 0 ]; then
	echo "run.sh: --shell ignored: stdin is not a terminal"
	SHELL_MODE=0
fi
if [ -z "$TIMEOUT" ]; then
	[ "$SHELL_MODE" = 1 ] && TIMEOUT=0 || TIMEOUT=400
fi

CONSOLE_LOG=$BUILD_DIR/console.log
TAP_LOG=$BUILD_DIR/tap.log
FIFO=$BUILD_DIR/tap.fifo
rm -f "$CONSOLE_LOG" "$TAP_LOG" "$FIFO.in" "$FIFO.out"
mkfifo "$FIFO.in" "$FIFO.out"

# Xen: its console on COM1 (QEMU's first serial port), every message level
# (IOMMU faults are guest-class warnings, hidden by default), timestamps
# since boot.  dom0 gets a fixed 1 GiB so that nothing is ballooned.  No
# scrubbing of free memory at boot: under TCG it costs seconds of CPU that
# dom0 needs.  A Xen panic or a dom0 crash reboots after 5 s, which
# -no-reboot turns into QEMU's exit.
xen_cmdline="console=com1 dom0_mem=1024M,max:1024M loglvl=all guest_loglvl=all"
xen_cmdline="$xen_cmdline console_timestamps=boot bootscrub=0$XEN_APPEND"
# dom0: Xen's console (hvc0); a panic or oops ends the run at once.
tests_csv=$(IFS=, && echo "${TESTS[*]}")
dom0_cmdline="console=hvc0 earlyprintk=xen panic=-1 oops=panic rig.topology=$TOPOLOGY"
[ -z "$tests_csv" ] || dom0_cmdline="$dom0_cmdline rig.tests=$tests_csv"
[ "$SHELL_MODE" = 0 ] || dom0_cmdline="$dom0_cmdline rig.shell=1"
dom0_cmdline="$dom0_cmdline$APPEND"
# Multiboot modules: "FILE ARGS" each, separated by commas; ",," is a
# literal comma.  dom0's kernel is the uncompressed one mkimages.sh
# extracted from $KERNEL: Xen would spend seconds on the xz under TCG.
modules="$BUILD_DIR/vmlinux ${dom0_cmdline//,/,,},$BUILD_DIR/dom0/initramfs.img"

qemu=("$QEMU" -accel tcg -cpu qemu64,+svm -M q35 -m 2048 -smp 2
	-nodefaults -no-reboot -display none
	-kernel "$BUILD_DIR/xen" -append "$xen_cmdline" -initrd "$modules")
if [ "$SHELL_MODE" = 1 ]; then
	# Console on stdio, logged; Ctrl-A X quits QEMU, Ctrl-A C is the monitor.
	qemu+=(-chardev "stdio,id=con,mux=on,signal=off,logfile=$CONSOLE_LOG"
		-serial chardev:con -mon "chardev=con,mode=readline")
else
	qemu+=(-chardev "file,id=con,path=$CONSOLE_LOG" -serial chardev:con)
fi
qemu+=(-chardev "pipe,id=tap,path=$FIFO" -serial chardev:tap)
qemu+=("${qemu_topo[@]}")

if [ "$SHELL_MODE" = 1 ]; then
	{ sed -u 's/\r$//' <"$FIFO.out" | tee "$TAP_LOG" | sed -u 's/$/\r/'; } &
else
	{ sed -u 's/\r$//' <"$FIFO.out" | tee "$TAP_LOG"; } &
fi
reader=$!

echo "run.sh: booting Xen + dom0 $KVER, topology $TOPOLOGY, tests: ${TESTS[*]:-(none)}, timeout ${TIMEOUT}s"
start=$(date +%s)
qrc=0
if [ "$SHELL_MODE" = 1 ] && [ "$TIMEOUT" -gt 0 ]; then
	timeout --foreground -k 10 "$TIMEOUT" "${qemu[@]}" || qrc=$?
elif [ "$SHELL_MODE" = 1 ]; then
	"${qemu[@]}" || qrc=$?
else
	timeout -k 10 "$TIMEOUT" "${qemu[@]}" </dev/null || qrc=$?
fi
end=$(date +%s)
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
		problems+=("dom0 did not finish: test $last never completed (hang, crash or timeout)")
	else
		problems+=("dom0 did not finish: no '# rig: done' marker (crash or timeout before/after tests)")
	fi
fi
# Linux (dom0, and the guests' logs that dom0 prints at the end), Xen,
# and Xen's IOMMU drivers (VT-d fault reports; AMD's for other hosts).
linux_re='Oops|BUG:|WARNING:|Kernel panic|general protection fault|UBSAN:|KASAN:|Call Trace:'
xen_re="Panic on CPU|FATAL TRAP|FATAL PAGE FAULT|DOUBLE FAULT|Xen BUG at|Xen WARN at|Assertion '.*' failed|Xen call trace|Hardware Dom[0-9]+ crashed|domain_crash called|crashed on cpu#|reported crashed by domain"
iommu_re='\[VT-D\](DMAR|INTR-REMAP|UNKNOWN):.*fault|\[VT-D\].*failed|IO_PAGE_FAULT'
# One guest-kernel defect is known and left out of the scan: Debian 6.1's
# xen-pcifront unregisters its host bridge before pci_remove_bus() removes
# the bus below it (pcifront_free_roots), so every teardown of its root
# bus warns "sysfs group 'power' not found for kobject '0000:00'": the
# last device hot-unplugged (xl pci-detach), or a guest destroyed while it
# runs, as the tests do.  Such a report, from that message to its
# "---[ end trace" (or the end of that guest's log, if it died first), is
# skipped and counted; everything else in the guest's log is scanned.
known_re="sysfs group 'power' not found for kobject '0000:00'"
scan_log=$BUILD_DIR/console.scan
tr -d '\r' <"$CONSOLE_LOG" | awk -v known="$known_re" -v nknown="$BUILD_DIR/known.count" '
	function src(line) { return match(line, /^\[guest [^]]*\] /) ? substr(line, 1, RLENGTH) : "" }
	{ s = src($0) }
	skip != "" && s != skip { skip = "" }
	skip == "" && s != "" && index($0, known) { skip = s; n++ }
	skip != "" { if (index($0, "---[ end trace")) skip = ""; next }
	{ print }
	END { print n + 0 > nknown }' >"$scan_log"
known_count=$(cat "$BUILD_DIR/known.count")
rm -f "$BUILD_DIR/known.count"
crash_lines=$(grep -aE "$linux_re|$xen_re|$iommu_re" "$scan_log" || true)
if [ -n "$crash_lines" ]; then
	problems+=("Xen, dom0 or a guest reported a problem (see $CONSOLE_LOG):")
fi

passed=$(grep -cE '^ok [0-9]+' "$TAP_LOG" || true)
skipped=$(grep -ciE '^ok [0-9]+.*# skip' "$TAP_LOG" || true)
skip_all=$(grep -ciE '^1\.\.0 # skip' "$TAP_LOG" || true)
passed=$((passed - skipped))
skipped=$((skipped + skip_all))
failed=$(grep -cE '^not ok' "$TAP_LOG" || true)
rig_fail=$(grep -c '^# rig: FAIL' "$TAP_LOG" || true)
failed=$((failed + rig_fail + (${#problems[@]} > 0)))

echo
echo "run.sh: VM ran $((end - start))s; console: $CONSOLE_LOG; TAP: $TAP_LOG"
if [ "$known_count" -gt 0 ]; then
	echo "run.sh: not counted: $known_count known xen-pcifront teardown warning(s) in guest logs (README)"
fi
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
