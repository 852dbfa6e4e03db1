#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the pciguard test VM under QEMU (TCG) and run guest tests.
#
# Usage: run.sh [--topology NAME] [--shell] [--timeout SECONDS] [--kver KVER]
#               [--module KO]... [--bin EXE]... [--file SRC:DEST]...
#               [--overlay DIR]... [--append ARGS] [--disk IMG | --disk-new IMG]
#               [--monitor] [TEST...]
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
#                    /lib/modules/* with a /boot/vmlinuz-*)
#   --kernel-root DIR  boot DIR/boot/vmlinuz-KVER with the modules of
#                    DIR/lib/modules/KVER instead of the installed kernel
#                    (make check-debug's debug kernel, build/debug-kernel/root)
#   --module KO      extra kernel module for /lib/modules/KVER/extra
#   --bin EXE        extra executable for /usr/bin (with its libraries)
#   --file SRC:DEST  extra file for the image
#   --overlay DIR    a tree copied onto the image's root with its paths (an
#                    installed package: selftests/deb/run.sh); its modules
#                    in lib/modules/KVER are known to modprobe, its
#                    programs get their libraries
#   --append ARGS    extra guest kernel command line
#   --no-auto        do not add kmod/pciguard.ko and userspace/pciguard
#                    automatically when they exist
#   --disk IMG       a persistent /etc/pciguard: IMG (raw ext4, created
#                    with 16 MiB if missing) as a virtio-blk disk at
#                    0000:00:0a.0 with serial pciguard-etc, mounted on
#                    /etc/pciguard before the drivers load and unmounted
#                    before power-off (kernel parameter rig.etc=pciguard-etc)
#   --disk-new IMG   the same on a fresh file system: IMG is made anew
#   --monitor        give the tests QEMU's monitor (device_del, device_add,
#                    info pci) through ttyS2 and monitor-relay.py; on by
#                    default when the topology sets TOPO_MONITOR=1
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

TEST_DIR=$VM_DIR/tests
DISK=
DISK_NEW=0
OVERLAYS=()
RIG_EXTRA_OPTS="--disk --disk-new --overlay"
rig_extra_opt() { # OPTION VALUE
	if [ "$1" = --overlay ]; then
		[ -d "$2" ] || die "--overlay $2: not a directory"
		OVERLAYS+=("$2")
		return
	fi
	[ -z "$DISK" ] || die "only one --disk or --disk-new"
	DISK=$2
	[ "$1" = --disk ] || DISK_NEW=1
}
MONITOR=0
args=()
for a in "$@"; do
	if [ "$a" = --monitor ]; then MONITOR=1; else args+=("$a"); fi
done
# shellcheck source-path=SCRIPTDIR source=runner.sh
. "$VM_DIR/runner.sh"
rig_parse_args ${args[@]+"${args[@]}"}
rig_load_topology
# RIG_VIRTIO_NET_INTX=1 (make check-debug): virtio-net devices without
# MSI-X.  Linux 6.1's virtio-net probe looks up MSI vectors under
# cpu_hotplug_lock, which closes a cycle with VT-d's interrupt remapping
# that lockdep reports at boot, before any pciguard code runs; lockdep then
# turns itself off for the rest of the boot.  With INTx the probe takes no
# MSI lock and lockdep stays on for the suite.  rig.virtio_net_intx=1
# tells the tests, so that a virtio-net hot-added again (hotplug.sh) comes
# back as it was booted.
intx_append=
if [ "${RIG_VIRTIO_NET_INTX:-0}" = 1 ]; then
	intx_append=" rig.virtio_net_intx=1"
	for i in "${!TOPO_QEMU_ARGS[@]}"; do
		case ${TOPO_QEMU_ARGS[$i]} in
		virtio-net-pci,*) TOPO_QEMU_ARGS[i]=${TOPO_QEMU_ARGS[$i]},vectors=0 ;;
		esac
	done
fi
[ "$TOPO_MONITOR" != 1 ] || MONITOR=1
rig_pick_kernel "the guest kernel"

# ---- the /etc/pciguard disk (--disk) -------------------------------------
# The serial is how init finds the disk; the address is free in every
# topology (README).  QEMU's -drive takes ",," for a comma in a file name.
DISK_SERIAL=pciguard-etc
DISK_ADDR=0x0a
disk_qemu=()
disk_append=
if [ -n "$DISK" ]; then
	case $DISK in /*) ;; *) DISK=$PWD/$DISK ;; esac
	if [ "$DISK_NEW" = 1 ] || [ ! -e "$DISK" ]; then
		command -v mkfs.ext4 >/dev/null || die "mkfs.ext4 not found (apt-get install e2fsprogs)"
		rm -f "$DISK"
		mkdir -p "$(dirname "$DISK")"
		truncate -s 16M "$DISK"
		mkfs.ext4 -q -F -L "$DISK_SERIAL" -E root_owner=0:0 "$DISK" ||
			die "mkfs.ext4 $DISK failed"
		echo "run.sh: --disk: made a fresh file system in $DISK"
	fi
	[ -f "$DISK" ] || die "--disk $DISK: not a regular file"
	disk_qemu=(-drive "if=none,id=rigetc,format=raw,file=${DISK//,/,,}"
		-device "virtio-blk-pci,drive=rigetc,bus=pcie.0,addr=$DISK_ADDR,serial=$DISK_SERIAL")
	disk_append=" rig.etc=$DISK_SERIAL"
	echo "run.sh: --disk: $DISK is virtio-blk 0000:00:${DISK_ADDR#0x}.0, /etc/pciguard in the guest"
fi

# ---- image -----------------------------------------------------------------
mkdir -p "$BUILD_DIR"
INITRD=$BUILD_DIR/initramfs.cpio.gz
mkargs=(--kver "$KVER" --out "$INITRD" --build-dir "$BUILD_DIR")
for m in $TOPO_LOAD_MODULES; do mkargs+=(--driver "$m"); done
rig_image_args
for o in ${OVERLAYS[@]+"${OVERLAYS[@]}"}; do mkargs+=(--overlay "$o"); done
[ -z "$DISK" ] || mkargs+=(--image-module virtio_blk --image-module ext4)
BUILD_DIR=$BUILD_DIR "$VM_DIR/mkinitramfs.sh" "${mkargs[@]}"

# ---- boot ----------------------------------------------------------------
rig_boot_prepare 300

# ---- QEMU's monitor for the tests (--monitor, TOPO_MONITOR=1) -------------
# monitor-relay.py listens on two sockets that QEMU connects to: its QMP
# monitor and the guest's ttyS2.  Unix socket paths are limited to 107
# bytes, hence a short directory when BUILD_DIR is deep.
relay=
monitor_append=
if [ "$MONITOR" = 1 ]; then
	command -v python3 >/dev/null || die "--monitor needs python3"
	MON_DIR=$BUILD_DIR
	[ ${#MON_DIR} -lt 90 ] || MON_DIR=$(mktemp -d /tmp/rig-mon.XXXXXX)
	MON_LOG=$BUILD_DIR/monitor.log
	RIG_QEMU_TAIL=(-chardev "socket,id=rigqmp,path=$MON_DIR/qmp.sock"
		-mon "chardev=rigqmp,mode=control"
		-chardev "socket,id=righp,path=$MON_DIR/hp.sock" -serial chardev:righp)
	monitor_append=" rig.monitor=ttyS2"
	echo "run.sh: --monitor: ttyS2 drives QEMU's monitor for ids: ${TOPO_HOTPLUG_IDS:-(none)}; log $MON_LOG"
fi

# rig_pre_boot ATTEMPT, rig_post_boot: around each boot (runner.sh,
# rig_boot_again): the monitor relay, which ends with QEMU, and the
# --disk image, which a second boot after a crash of QEMU gets back as
# it was before the first.
rig_pre_boot() {
	if [ -n "$DISK" ]; then
		if [ "$1" = 1 ]; then
			cp --sparse=always "$DISK" "$BUILD_DIR/disk.before"
		else
			cp --sparse=always "$BUILD_DIR/disk.before" "$DISK"
		fi
	fi
	[ "$MONITOR" = 1 ] || return 0
	rm -f "$MON_LOG" "$MON_DIR/monitor.ready"
	python3 "$VM_DIR/monitor-relay.py" --qmp "$MON_DIR/qmp.sock" \
		--serial "$MON_DIR/hp.sock" --ids "$TOPO_HOTPLUG_IDS" \
		--log "$MON_LOG" --ready "$MON_DIR/monitor.ready" &
	relay=$!
	for _ in $(seq 50); do
		[ -e "$MON_DIR/monitor.ready" ] || sleep 0.1
	done
	[ -e "$MON_DIR/monitor.ready" ] || die "monitor-relay.py did not start"
}
rig_post_boot() {
	[ -n "$relay" ] || return 0
	# It ends when QEMU closes its sockets; it never outlives the run.
	kill "$relay" 2>/dev/null || true
	wait "$relay" 2>/dev/null || true
	relay=
}

# no_timer_check: under TCG on a loaded host the kernel's check that the
# timer interrupt works through the IO-APIC can time out and panic the boot
# ("timer doesn't work through Interrupt-remapped IO-APIC"); every QEMU
# guest image skips that check the same way.
# A run that times out gets a dump of the guest's tasks first (runner.sh,
# rig_qemu_dump_on_timeout): an NMI that unknown_nmi_panic turns into a
# panic printing tasks (0x1), locks held (0x8) and every CPU (0x40).
HMP_DIR=$BUILD_DIR
[ ${#HMP_DIR} -lt 90 ] || HMP_DIR=$(mktemp -d /tmp/rig-hmp.XXXXXX)
RIG_HMP_SOCK=$HMP_DIR/hmp.sock
cmdline="console=ttyS0 no_timer_check $TOPO_APPEND panic=-1 oops=panic unknown_nmi_panic panic_print=0x49$disk_append$monitor_append$intx_append$(rig_cmdline)"
rig_boot_again "$KVER" "$QEMU" -accel tcg -M "$TOPO_MACHINE" -m "$TOPO_MEM" \
	-smp "$TOPO_SMP" -nodefaults -no-reboot -display none \
	-kernel "$KERNEL" -initrd "$INITRD" -append "$cmdline" \
	"${TOPO_QEMU_ARGS[@]}" "${disk_qemu[@]}"

[ "$MONITOR" != 1 ] || [ "$MON_DIR" = "$BUILD_DIR" ] || rm -rf "$MON_DIR"
rm -f "$BUILD_DIR/disk.before"

rm -f "$RIG_HMP_SOCK"
[ "$HMP_DIR" = "$BUILD_DIR" ] || rm -rf "$HMP_DIR"

# ---- verdict ---------------------------------------------------------------
rig_verdict guest "$CONSOLE_LOG" "$RIG_LINUX_CRASH_RE" "guest kernel"
