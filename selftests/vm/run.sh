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

TEST_DIR=$VM_DIR/tests
# shellcheck source-path=SCRIPTDIR source=runner.sh
. "$VM_DIR/runner.sh"
rig_parse_args "$@"
rig_load_topology
rig_pick_kernel "the guest kernel"

# ---- image -----------------------------------------------------------------
mkdir -p "$BUILD_DIR"
INITRD=$BUILD_DIR/initramfs.cpio.gz
mkargs=(--kver "$KVER" --out "$INITRD" --build-dir "$BUILD_DIR")
for m in $TOPO_LOAD_MODULES; do mkargs+=(--driver "$m"); done
rig_image_args
BUILD_DIR=$BUILD_DIR "$VM_DIR/mkinitramfs.sh" "${mkargs[@]}"

# ---- boot ----------------------------------------------------------------
rig_boot_prepare 300
cmdline="console=ttyS0 $TOPO_APPEND panic=-1 oops=panic$(rig_cmdline)"
rig_boot "$KVER" "$QEMU" -accel tcg -M "$TOPO_MACHINE" -m "$TOPO_MEM" \
	-smp "$TOPO_SMP" -nodefaults -no-reboot -display none \
	-kernel "$KERNEL" -initrd "$INITRD" -append "$cmdline" \
	"${TOPO_QEMU_ARGS[@]}"

# ---- verdict ---------------------------------------------------------------
rig_verdict guest "$CONSOLE_LOG" "$RIG_LINUX_CRASH_RE" "guest kernel"
