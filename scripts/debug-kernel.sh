#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the debug kernel of "make check-debug" from Debian's linux-source
# package: x86_64_defconfig + selftests/vm/debug.config (KASAN, KFENCE,
# lockdep, DEBUG_ATOMIC_SLEEP, kmemleak, UBSAN; PCI/IOMMU/VFIO/Xen and the
# rig's drivers as modules), installed as a root the VM rig boots from:
#
#   OUT/root/boot/vmlinuz-KVER
#   OUT/root/lib/modules/KVER/...
#   OUT/src                      the configured tree (KDIR for pciguard.ko)
#   OUT/kver                     KVER
#
# Usage: debug-kernel.sh OUT.  The build is cached: it is redone only when
# the source package, the fragment or this script changes (OUT/stamp).
# Prints the kernel release on its last line.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: debug-kernel.sh OUT}
mkdir -p "$out"
out=$(cd "$out" && pwd)
frag=$top/selftests/vm/debug.config
jobs=${JOBS:-$(nproc)}

die() {
	echo "debug-kernel.sh: $*" >&2
	exit 1
}

tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
[ -n "$tarball" ] || die "/usr/src/linux-source-*.tar.xz missing; install linux-source-6.1 (make deps)"
stamp=$( (basename "$tarball" && stat -c %s "$tarball" && cat "$frag" "$0") | sha256sum | cut -c1-16)
if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$stamp" ] &&
	[ -f "$out/kver" ] && [ -f "$out/root/boot/vmlinuz-$(cat "$out/kver")" ]; then
	echo "debug-kernel.sh: cached in $out (delete $out/stamp to rebuild)"
	cat "$out/kver"
	exit 0
fi
rm -f "$out/stamp"

src=$out/src
if [ ! -f "$src/.extracted-$(basename "$tarball")" ]; then
	echo "debug-kernel.sh: extracting $tarball"
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	tar -xJf "$tarball" -C "$src.tmp" --strip-components=1
	mv "$src.tmp" "$src"
	touch "$src/.extracted-$(basename "$tarball")"
fi

cd "$src"
echo "debug-kernel.sh: configuring (x86_64_defconfig + ${frag#"$top"/})"
make -s x86_64_defconfig
scripts/kconfig/merge_config.sh -m -O . .config "$frag" >/dev/null
make -s olddefconfig
# Every option the fragment sets must have survived olddefconfig.
missing=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=*) want=$line ;;
	"# CONFIG_"*" is not set") want=$line ;;
	*) continue ;;
	esac
	opt=${want#\# }
	opt=${opt%%=*}
	opt=${opt%% *}
	have=$(grep -E "^($opt=|# $opt is not set)" .config || echo "$opt absent")
	if [ "$have" != "$want" ] && ! { [ "$have" = "$opt absent" ] &&
		[ "${want#\# }" != "$want" ]; }; then
		echo "debug-kernel.sh: $want did not stick (.config has: $have)" >&2
		missing=1
	fi
done <"$frag"
[ "$missing" = 0 ] || die "fix ${frag#"$top"/}: the options above are renamed, unmet or forced"

echo "debug-kernel.sh: building with $jobs jobs (log: $out/build.log)"
if ! make -j"$jobs" bzImage modules >"$out/build.log" 2>&1; then
	tail -n 30 "$out/build.log" >&2
	die "build failed (log: $out/build.log)"
fi
kver=$(make -s kernelrelease)
rm -rf "$out/root"
mkdir -p "$out/root/boot"
make -s INSTALL_MOD_PATH="$out/root" INSTALL_MOD_STRIP=1 modules_install >>"$out/build.log" 2>&1 ||
	die "modules_install failed (log: $out/build.log)"
# The build tree is the module's KDIR; the rig reads modules from the root.
rm -f "$out/root/lib/modules/$kver/build" "$out/root/lib/modules/$kver/source"
cp arch/x86/boot/bzImage "$out/root/boot/vmlinuz-$kver"
cp .config "$out/root/boot/config-$kver"
echo "$kver" >"$out/kver"
echo "$stamp" >"$out/stamp"
echo "debug-kernel.sh: built $kver in $out"
echo "$kver"
