#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build the gzip'd newc initramfs used by the pciguard VM rigs.
#
# Usage: mkinitramfs.sh [options]
#   --kver KVER         kernel release (env KVER; default: newest
#                       /lib/modules/*-amd64 that has /boot/vmlinuz-KVER)
#   --out PATH          output image (env OUT; default BUILD_DIR/initramfs.cpio.gz)
#   --build-dir DIR     work dir (env BUILD_DIR; default <repo>/build/vm);
#                       the tree is staged in DIR/initramfs.d
#   --driver NAME       kernel module to include (with its dependency
#                       closure) AND load at boot; repeatable
#   --image-module NAME kernel module to include (with its closure) but not
#                       load at boot, e.g. vfio_pci; repeatable
#   --module PATH       extra .ko put in /lib/modules/KVER/extra/; its
#                       in-tree dependencies are included too; repeatable
#   --bin PATH|NAME     host executable copied to /usr/bin with its shared
#                       libraries and the dynamic loader; repeatable
#   --file SRC:DEST     extra file or directory copied to DEST in the image;
#                       repeatable
#   --overlay DIR       a tree copied onto the image's root, paths kept (an
#                       installed package's files): copied before depmod
#                       runs, so its lib/modules/KVER modules (with their
#                       in-tree dependencies) are known to modprobe; its
#                       dynamically linked executables get their libraries
#                       as --bin's do; repeatable
#   --init PATH         the /init to use (default: selftests/vm/init)
#   --kroot DIR         take the kernel's modules from DIR/lib/modules/KVER
#                       (a kernel built and installed there, as make
#                       check-debug's) instead of /lib/modules/KVER
#
# Always included: static busybox (+ a symlink per applet), pci.ids,
# selftests/vm/tests/ as /tests, selftests/vm/lib.sh as /tests/lib.sh,
# /etc/rig/modules (the --driver list, in order) and /etc/rig/kver.
set -eu

VM_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$VM_DIR/../.." && pwd)

die() {
	echo "mkinitramfs: $*" >&2
	exit 1
}

KVER=${KVER:-}
OUT=${OUT:-}
BUILD_DIR=${BUILD_DIR:-$REPO/build/vm}
INIT=$VM_DIR/init
KROOT=
DRIVERS=""
IMAGE_MODULES=""
# Newline-separated lists: paths may contain spaces, never newlines.
NL='
'
MODULES=""
BINS=""
FILES=""
OVERLAYS=""

# Relative paths are relative to the caller's directory; we cd later.
abs() {
	case $1 in
	/*) echo "$1" ;;
	*) echo "$PWD/$1" ;;
	esac
}

while [ $# -gt 0 ]; do
	opt=$1
	case $opt in
	--kver | --out | --build-dir | --driver | --image-module | --module | --bin | --file | --overlay | --init | --kroot)
		[ $# -ge 2 ] || die "$opt needs an argument"
		arg=$2
		shift 2
		;;
	-h | --help)
		sed -n '3,/^set -eu/s/^# \{0,1\}//p' "$0"
		exit 0
		;;
	*) die "unknown argument: $opt (see --help)" ;;
	esac
	case $opt in
	--kver) KVER=$arg ;;
	--out) OUT=$arg ;;
	--build-dir) BUILD_DIR=$arg ;;
	--driver) DRIVERS="$DRIVERS $arg" ;;
	--image-module) IMAGE_MODULES="$IMAGE_MODULES $arg" ;;
	--module) MODULES="$MODULES$(abs "$arg")$NL" ;;
	--bin)
		case $arg in
		*/*) arg=$(abs "$arg") ;;
		esac
		BINS="$BINS$arg$NL"
		;;
	--file)
		case $arg in
		*:*) FILES="$FILES$(abs "${arg%%:*}"):${arg#*:}$NL" ;;
		*) die "--file $arg: want SRC:DEST" ;;
		esac
		;;
	--overlay) OVERLAYS="$OVERLAYS$(abs "$arg")$NL" ;;
	--init) INIT=$(abs "$arg") ;;
	--kroot) KROOT=$(abs "$arg") ;;
	esac
done
BUILD_DIR=$(abs "$BUILD_DIR")

if [ -z "$KVER" ]; then
	KVER=$(for d in "$KROOT"/lib/modules/*; do
		[ -f "$KROOT/boot/vmlinuz-${d##*/}" ] && echo "${d##*/}"
	done | sort -V | tail -n 1)
	[ -n "$KVER" ] || die "no kernel found ($KROOT/lib/modules/* with $KROOT/boot/vmlinuz-*)"
fi
# MODDIR is where the image keeps them; the host's copy is in $KROOT.
MODDIR=/lib/modules/$KVER
[ -d "$KROOT$MODDIR" ] || die "$KROOT$MODDIR does not exist"
[ -f "$INIT" ] || die "init script $INIT not found"
BUSYBOX=$(command -v busybox) || die "busybox not found (apt-get install busybox-static)"
# A dynamically linked busybox would need its libraries; insist on static.
if ldd "$BUSYBOX" >/dev/null 2>&1; then
	die "$BUSYBOX is dynamically linked; install busybox-static"
fi

OUT=$(abs "${OUT:-$BUILD_DIR/initramfs.cpio.gz}")
STAGE=$BUILD_DIR/initramfs.d
rm -rf "$STAGE"
mkdir -p "$STAGE" "$(dirname "$OUT")"
cd "$STAGE"
mkdir -p bin sbin usr/bin usr/sbin lib lib64 etc/rig proc sys dev tmp run root \
	usr/share/misc "lib/modules/$KVER"

# --- busybox --------------------------------------------------------------
cp "$BUSYBOX" bin/busybox
"$BUSYBOX" --list-full | while read -r applet; do
	case $applet in
	linuxrc | init | sbin/init | bin/busybox) continue ;;
	esac
	mkdir -p "$(dirname "$applet")"
	[ -e "$applet" ] || ln -s /bin/busybox "$applet"
done

# --- kernel modules -------------------------------------------------------
# copy_closure NAME: copy NAME's .ko and its dependency closure (as resolved
# by the host's modprobe against KVER) preserving their paths.
copy_closure() {
	deps=$(modprobe ${KROOT:+-d "$KROOT"} -S "$KVER" --show-depends "$1" 2>&1) ||
		die "module $1 not found for $KVER: $deps"
	echo "$deps" | while read -r kind path _; do
		case $kind in
		insmod)
			dest=./${path#"$KROOT"}
			mkdir -p "$(dirname "$dest")"
			cp "$path" "$dest"
			;;
		builtin) ;;
		*) die "unexpected modprobe output for $1: $kind $path" ;;
		esac
	done
}

for m in $DRIVERS $IMAGE_MODULES; do
	copy_closure "$m"
done
: >etc/rig/modules
for m in $DRIVERS; do
	echo "$m" >>etc/rig/modules
done
echo "$KVER" >etc/rig/kver

if [ -n "$MODULES" ]; then
	mkdir -p "./$MODDIR/extra"
	printf '%s' "$MODULES" | while IFS= read -r ko; do
		[ -f "$ko" ] || die "--module $ko: no such file"
		cp "$ko" "./$MODDIR/extra/"
		for dep in $(modinfo -F depends "$ko" | tr ',' ' '); do
			copy_closure "$dep"
		done
	done
fi

# The installed trees (--overlay), before depmod: their modules join the
# image's.  Their own modules.* files, if any, are depmod's to write.
if [ -n "$OVERLAYS" ]; then
	printf '%s' "$OVERLAYS" | while IFS= read -r tree; do
		[ -d "$tree" ] || die "--overlay $tree: not a directory"
		cp -a "$tree/." .
		find "$tree/$MODDIR" -name '*.ko' 2>/dev/null | while IFS= read -r ko; do
			for dep in $(modinfo -F depends "$ko" | tr ',' ' '); do
				copy_closure "$dep"
			done
		done
	done
	find "./$MODDIR" -maxdepth 1 -name 'modules.*' -delete
fi

for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -f "$KROOT$MODDIR/$f" ] && cp "$KROOT$MODDIR/$f" "./$MODDIR/$f"
done
depmod -b "$STAGE" "$KVER"

# --- host executables -----------------------------------------------------
copy_lib() {
	[ -e "./$1" ] && return 0
	mkdir -p "./$(dirname "$1")"
	cp -L "$1" "./$1"
}

# copy_libs EXE WHAT: the shared libraries EXE needs (WHAT names it in
# errors), with the dynamic loader.
copy_libs() {
	# "libx.so => /path (addr)", "/lib64/ld-linux-x86-64.so.2 (addr)";
	# static executables make ldd fail, which is fine.
	libs=$(ldd "$1" 2>/dev/null | sed -n \
		-e 's/^.*=> \(\/[^ ]*\) (0x[0-9a-f]*)$/\1/p' \
		-e 's/^[[:space:]]*\(\/[^ ]*\) (0x[0-9a-f]*)$/\1/p') || true
	if ldd "$1" 2>/dev/null | grep -q 'not found'; then
		die "$2: missing libraries"
	fi
	for lib in $libs; do
		copy_lib "$lib"
	done
	if [ -n "$libs" ]; then
		# glibc dlopen()s libgcc_s for pthread_cancel and backtraces.
		for g in /lib/x86_64-linux-gnu/libgcc_s.so.1 /usr/lib/x86_64-linux-gnu/libgcc_s.so.1; do
			if [ -f "$g" ]; then
				copy_lib "$g"
				break
			fi
		done
	fi
}

if [ -n "$BINS" ]; then
	printf '%s' "$BINS" | while IFS= read -r b; do
		case $b in
		*/*) exe=$b ;;
		*) exe=$(command -v "$b") || die "--bin $b: not found in PATH" ;;
		esac
		{ [ -f "$exe" ] && [ -x "$exe" ]; } || die "--bin $b: not an executable file"
		dest=usr/bin/$(basename "$exe")
		rm -f "$dest"
		cp -L "$exe" "$dest"
		copy_libs "$exe" "--bin $b"
	done
fi
# The --overlay trees' programs (ELF files with an executable bit).
if [ -n "$OVERLAYS" ]; then
	printf '%s' "$OVERLAYS" | while IFS= read -r tree; do
		find "$tree" -type f -perm /111 | while IFS= read -r exe; do
			[ "$(head -c 4 "$exe")" = "$(printf '\177ELF')" ] || continue
			copy_libs "$exe" "--overlay ${exe#"$tree"}"
		done
	done
fi

# --- data, tests, init, extra files --------------------------------------
[ -f /usr/share/misc/pci.ids ] || die "/usr/share/misc/pci.ids missing (apt-get install pci.ids)"
cp /usr/share/misc/pci.ids usr/share/misc/pci.ids
mkdir -p tests
if [ -d "$VM_DIR/tests" ]; then
	cp -R "$VM_DIR/tests/." tests/
fi
cp "$VM_DIR/lib.sh" tests/lib.sh
cp "$INIT" init
chmod 755 init

if [ -n "$FILES" ]; then
	printf '%s' "$FILES" | while IFS= read -r spec; do
		src=${spec%%:*}
		dest=${spec#*:}
		{ [ "$src" != "$spec" ] && [ -n "$dest" ]; } || die "--file $spec: want SRC:DEST"
		[ -e "$src" ] || die "--file $spec: $src does not exist"
		dest=./${dest#/}
		mkdir -p "$(dirname "$dest")"
		rm -rf "$dest"
		cp -RL "$src" "$dest"
	done
fi

# --- archive --------------------------------------------------------------
# /dev/console must exist in the rootfs for the kernel to give /init its
# stdio.  Rather than needing root for mknod, emit a second newc archive
# holding just that node (the kernel unpacks concatenated archives).
newc_entry() { # name mode major minor
	namesize=$((${#1} + 1))
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%s\0' \
		0 "$2" 0 0 1 0 0 0 0 "$3" "$4" "$namesize" 0 "$1"
	# header (110 bytes) + name padded to a multiple of 4
	pad=$(((4 - (110 + namesize) % 4) % 4))
	head -c "$pad" /dev/zero
}

{
	find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet
	newc_entry dev/console $((0020600)) 5 1
	newc_entry TRAILER!!! 0 0 0
} | gzip -6n >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"

echo "mkinitramfs: $OUT ($(du -h "$OUT" | cut -f1), kernel $KVER)"
