#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build everything the Xen test rig boots: the hypervisor, dom0's initramfs
# and, inside it, the kernel and initramfs of the PV guests dom0 starts.
#
# Usage: mkimages.sh --kver KVER [--build-dir DIR] [--driver NAME]...
#                    [-- MKINITRAMFS-ARGS...]
#   --kver KVER      kernel release of dom0 and of the guests (env KVER;
#                    required: run.sh picks it)
#   --build-dir DIR  output directory (env BUILD_DIR; default <repo>/build/xen)
#   --driver NAME    module loaded in dom0 at boot, after the Xen ones;
#                    repeatable (run.sh passes the topology's drivers)
#   -- ARGS          passed on to selftests/vm/mkinitramfs.sh for dom0's
#                    image (--module, --bin, --file, --image-module ...)
#
# Env: XEN_GZ (default /boot/xen-4.17-amd64.gz), XEN_BIN_DIR (the Xen tools,
# default /usr/lib/xen-4.17/bin).
#
# Outputs, in DIR:
#   xen                        the hypervisor, uncompressed: QEMU's multiboot
#                              loader wants an ELF and does not gunzip
#   vmlinux                    the kernel of dom0 and of the guests,
#                              uncompressed (see below)
#   guest/initramfs.cpio.gz    the guest's image: busybox, xen-pcifront,
#                              virtio-net, e1000e, init.guest as /init
#   dom0/initramfs.img         dom0's image: an uncompressed cpio holding
#                              /guest/vmlinux (a hard link to vmlinux) and
#                              /guest/initramfs.cpio.gz, followed by
#                              mkinitramfs.sh's gzip'd one (init.dom0, the
#                              Xen tools and modules, tests/, xenlib.sh)
set -eu

XEN_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$XEN_DIR/../.." && pwd)
VM_DIR=$REPO/selftests/vm
MKINITRAMFS=$VM_DIR/mkinitramfs.sh

die() {
	echo "mkimages: $*" >&2
	exit 1
}

KVER=${KVER:-}
BUILD_DIR=${BUILD_DIR:-$REPO/build/xen}
XEN_GZ=${XEN_GZ:-/boot/xen-4.17-amd64.gz}
XEN_BIN_DIR=${XEN_BIN_DIR:-/usr/lib/xen-4.17/bin}
DRIVERS=""

while [ $# -gt 0 ]; do
	case $1 in
	--kver | --build-dir | --driver)
		[ $# -ge 2 ] || die "$1 needs an argument"
		case $1 in
		--kver) KVER=$2 ;;
		--build-dir) BUILD_DIR=$2 ;;
		--driver) DRIVERS="$DRIVERS $2" ;;
		esac
		shift 2
		;;
	-h | --help)
		sed -n '3,/^set -eu/s/^# \{0,1\}//p' "$0"
		exit 0
		;;
	--)
		shift
		break
		;;
	*) die "unknown argument: $1 (see --help)" ;;
	esac
done
# What is left in "$@" goes to mkinitramfs.sh for dom0.

case $BUILD_DIR in /*) ;; *) BUILD_DIR=$PWD/$BUILD_DIR ;; esac
[ -n "$KVER" ] || die "--kver is required (run.sh picks the kernel)"
VMLINUZ=/boot/vmlinuz-$KVER
[ -r "$VMLINUZ" ] || die "$VMLINUZ not readable"
[ -r "$XEN_GZ" ] || die "$XEN_GZ not found (apt-get install xen-hypervisor-4.17-amd64)"
[ -x "$XEN_BIN_DIR/xl" ] || die "$XEN_BIN_DIR/xl not found (apt-get install xen-utils-4.17)"
command -v xenstore-read >/dev/null || die "xenstore-read not found (apt-get install xenstore-utils)"

mkdir -p "$BUILD_DIR/guest" "$BUILD_DIR/dom0"

# newer A B: A exists and was modified after B (test -nt is not POSIX).
newer() {
	[ -e "$1" ] && [ -n "$(find "$1" -prune -newer "$2")" ]
}

# --- hypervisor -------------------------------------------------------------
# Rebuilt only when the package's file is newer: cheap either way (0.1 s).
if ! newer "$BUILD_DIR/xen" "$XEN_GZ"; then
	zcat "$XEN_GZ" >"$BUILD_DIR/xen.tmp"
	mv "$BUILD_DIR/xen.tmp" "$BUILD_DIR/xen"
fi

# --- kernel -----------------------------------------------------------------
# Xen (for dom0) and libxl (for a guest) accept a bzImage, but then
# decompress Debian's xz payload under TCG: 3 s more for Xen's boot, 8 s
# more for every xl create.  An ELF vmlinux is only copied.  Where the
# payload is comes from the x86 boot protocol's setup header
# (Documentation/x86/boot.rst): setup_sects at 0x1f1 (0 means 4),
# payload_offset at 0x248 and payload_length at 0x24c, the offset counted
# from the protected-mode code that follows the (setup_sects + 1) sectors
# of real-mode code.  The kernel build appends the uncompressed size (4
# bytes, little-endian) to the compressed stream: the decompressors are
# told to ignore it (--single-stream, -q) and it checks the result.
le_u() { # FILE OFFSET SIZE: unsigned little-endian integer
	od -An -tu"$3" -j "$2" -N "$3" "$1" | tr -d ' \n'
}

extract_vmlinux() { # BZIMAGE OUT
	[ "$(od -An -c -j 514 -N 4 "$1" | tr -d ' ')" = HdrS ] ||
		die "$1: not a bzImage (no HdrS setup header)"
	setup_sects=$(le_u "$1" 497 1)
	[ "$setup_sects" -ne 0 ] || setup_sects=4
	payload_off=$(le_u "$1" 584 4)
	payload_len=$(le_u "$1" 588 4)
	start=$(((setup_sects + 1) * 512 + payload_off))
	magic=$(od -An -tx1 -j "$start" -N 6 "$1" | tr -d ' \n')
	case $magic in
	fd377a585a00) unpack="xz -dc --single-stream" ;;
	1f8b*) unpack="gzip -dcq" ;;
	28b52ffd*) unpack="zstd -dcq" ;;
	*) die "$1: unsupported kernel compression (payload magic $magic)" ;;
	esac
	size=$(le_u "$1" $((start + payload_len - 4)) 4)
	# Deliberately unquoted $unpack: command and its options.  Its status
	# is not reliable (gzip exits 2 on trailing data); the checks are.
	# shellcheck disable=SC2086
	tail -c "+$((start + 1))" "$1" | head -c "$payload_len" | $unpack >"$2.tmp" 2>/dev/null || true
	[ "$(od -An -c -N 4 "$2.tmp" | tr -d ' ')" = 177ELF ] ||
		die "$1: the decompressed payload is not an ELF image"
	[ "$(wc -c <"$2.tmp" | tr -d ' ')" = "$size" ] ||
		die "$1: decompressed $(wc -c <"$2.tmp") bytes, the kernel says $size"
	mv "$2.tmp" "$2"
}

if ! newer "$BUILD_DIR/vmlinux" "$VMLINUZ" ||
	[ "$(cat "$BUILD_DIR/vmlinux.kver" 2>/dev/null)" != "$KVER" ]; then
	extract_vmlinux "$VMLINUZ" "$BUILD_DIR/vmlinux"
	echo "$KVER" >"$BUILD_DIR/vmlinux.kver"
fi

# --- guest image -------------------------------------------------------------
# xen-pcifront makes the passed-through device appear; virtio_pci and
# virtio_net (modprobe loads virtio_ring and virtio first) drive the
# reference topology's virtio-net at 01:00.0, e1000e its 02:00.0.  Unlike
# virtio (without iommu_platform=on), e1000e's DMA goes through QEMU's
# VT-d, so Xen's IOMMU set-up for the guest really is exercised with it.
"$MKINITRAMFS" --kver "$KVER" --build-dir "$BUILD_DIR/guest" \
	--out "$BUILD_DIR/guest/initramfs.cpio.gz" --init "$XEN_DIR/init.guest" \
	--driver xen_pcifront --driver virtio_pci --driver virtio_net \
	--driver e1000e \
	--file "$XEN_DIR/udhcpc.script:/etc/rig/udhcpc.script"

# --- dom0 image --------------------------------------------------------------
# Xen's device drivers first: /proc/xen (xenfs) and the evtchn, gntdev and
# privcmd devices are what xenstored, xenconsoled and xl talk through.
# xen-pciback is only put in the image: a test loads it.
set -- --kver "$KVER" --build-dir "$BUILD_DIR/dom0" \
	--out "$BUILD_DIR/dom0/initramfs.cpio.gz" --init "$XEN_DIR/init.dom0" \
	--driver xen_evtchn --driver xen_gntdev \
	--driver xen_privcmd --driver xenfs --image-module xen_pciback "$@"
for m in $DRIVERS; do
	set -- "$@" --driver "$m"
done
# The tools, from the package's private directory (the /usr/sbin names are
# a wrapper that asks the running hypervisor for its version).  --bin also
# brings their libraries and libgcc_s, which glibc dlopen()s for
# pthread_cancel although ldd does not list it: xl aborts without it.
for b in xl xenstored xenconsoled xen-init-dom0 xenconsole; do
	set -- "$@" --bin "$XEN_BIN_DIR/$b"
done
# xl finds xenconsole (for "xl console") by its absolute path.
set -- "$@" --file "$XEN_BIN_DIR/xenconsole:$XEN_BIN_DIR/xenconsole" \
	--file "$XEN_DIR/xl.conf:/etc/xen/xl.conf" \
	--file "$XEN_DIR/udhcpc.script:/etc/rig/udhcpc.script"
# xenstore-* are one multi-call binary that goes by its name.
for b in xenstore-read xenstore-write xenstore-ls xenstore-list \
	xenstore-exists xenstore-rm; do
	set -- "$@" --bin "$(command -v "$b")"
done
# The Xen tests replace the VM tests in /tests; lib.sh is shared.
set -- "$@" --file "$XEN_DIR/tests:/tests" \
	--file "$VM_DIR/lib.sh:/tests/lib.sh" \
	--file "$XEN_DIR/xenlib.sh:/tests/xenlib.sh"
"$MKINITRAMFS" "$@"

# The guest's files go in an uncompressed cpio of their own, put before the
# gzip'd archive (the kernel unpacks concatenated archives in order): gzip
# would take seconds on the host and more in dom0 under TCG for a 60+ MB
# vmlinux that is copied once anyway.  cpio pads its output to 512 bytes,
# so the gzip member that follows starts where the kernel looks for one.
stage=$BUILD_DIR/dom0/guest.d
rm -rf "$stage"
mkdir -p "$stage/guest"
ln "$BUILD_DIR/vmlinux" "$stage/guest/vmlinux" 2>/dev/null ||
	cp "$BUILD_DIR/vmlinux" "$stage/guest/vmlinux"
cp "$BUILD_DIR/guest/initramfs.cpio.gz" "$stage/guest/initramfs.cpio.gz"
(
	cd "$stage"
	find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet
) >"$BUILD_DIR/dom0/initramfs.img.tmp"
cat "$BUILD_DIR/dom0/initramfs.cpio.gz" >>"$BUILD_DIR/dom0/initramfs.img.tmp"
mv "$BUILD_DIR/dom0/initramfs.img.tmp" "$BUILD_DIR/dom0/initramfs.img"
rm -rf "$stage"

echo "mkimages: $BUILD_DIR/xen, $BUILD_DIR/dom0/initramfs.img" \
	"($(du -h "$BUILD_DIR/dom0/initramfs.img" | cut -f1), kernel $KVER)"
