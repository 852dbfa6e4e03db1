#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-deb: the Debian packages as an admin gets them. Builds them
# (make deb), installs them with dpkg -i as on a Debian 12 host (the
# pciguard-dkms postinst builds the module with DKMS for the kernel the
# tests boot, the update-initramfs trigger runs the hook), checks what
# that left, removes and purges them, then boots the VM rig with the
# installed files at their installed paths (run.sh --overlay) and runs
# selftests/vm/tests/deb_smoke.sh there, the module loaded with modprobe
# from DKMS's updates/dkms.
#
# Usage: run.sh [--no-build] [--no-vm] [RUN.SH OPTION...]
#   --no-build   use the packages already in build/deb
#   --no-vm      stop after the host part
#   other options go to selftests/vm/run.sh (e.g. --timeout 1200)
#
# Nothing on the host changes: dpkg runs in a private mount namespace
# (unshare -m) where /usr, /etc, /var and /boot are overlays whose upper
# layers are on a tmpfs, and /run is an empty tmpfs (no systemctl reaches
# the host's systemd); they go when it ends. The installed files are
# copied out to build/deb-test/root for the VM. Needs root (re-runs itself
# through sudo). Prints TAP and "N passed, N failed" for the host part;
# the VM boot prints its own.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
self=$top/selftests/deb/run.sh
cd "$top" || exit 1

if [ "${1:-}" != --inner ]; then
	build=1 vm=1
	vmargs=()
	for a in "$@"; do
		case $a in
		--no-build) build=0 ;;
		--no-vm) vm=0 ;;
		-h | --help) sed -n '3,/^set -u/s/^# \{0,1\}//p' "$0"; exit 0 ;;
		*) vmargs+=("$a") ;;
		esac
	done
	KDIR=${KDIR:-$(scripts/kdir.sh)} || exit 1
	if [ "$(id -u)" -ne 0 ]; then
		exec sudo KDIR="$KDIR" "$self" "$@"
	fi
	KV=$(sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' "$KDIR/include/generated/utsrelease.h")
	if [ "$build" = 1 ]; then
		make -s deb > build/deb.log 2>&1 || { tail -n 30 build/deb.log; echo "make deb failed"; exit 1; }
	fi
	OUT=$top/build/deb-test
	rm -rf "$OUT"
	mkdir -p "$OUT/root"
	tmp=$(mktemp -d /tmp/pciguard-deb.XXXXXX) || exit 1
	# Empty here: its tmpfs exists only in the namespace.
	trap 'rmdir "$tmp"' EXIT
	rc=0
	unshare --mount --propagation private "$self" --inner "$tmp" "$KDIR" "$OUT" || rc=1
	[ "$vm" = 1 ] || exit $rc
	[ -f "$OUT/root/lib/modules/$KV/updates/dkms/pciguard.ko" ] ||
		{ echo "run.sh: no DKMS-built module to boot with"; exit 1; }
	BUILD_DIR=${BUILD_DIR:-$top/build/vm-deb} selftests/vm/run.sh --kver "$KV" \
		--no-auto --overlay "$OUT/root" ${vmargs[@]+"${vmargs[@]}"} deb_smoke.sh || rc=1
	exit $rc
fi

T=$2
KDIR=$3
OUT=$4
R=$OUT/root
KV=$(sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' "$KDIR/include/generated/utsrelease.h")
VER=$(cat VERSION)
DEBS=$top/build/deb
# shellcheck source=selftests/host-tap.sh
. "$top/selftests/host-tap.sh"

echo "TAP version 13"
cli_deb=$(ls "$DEBS"/pciguard_"$VER"_*.deb 2>/dev/null)
dkms_deb=$(ls "$DEBS"/pciguard-dkms_"$VER"_all.deb 2>/dev/null)
if [ -z "$cli_deb" ] || [ -z "$dkms_deb" ]; then
	bail "make deb built pciguard and pciguard-dkms $VER in $DEBS"
fi
if [ ! -d "/lib/modules/$KV/kernel" ] || [ ! -e "/lib/modules/$KV/build" ]; then
	bail "kernel $KV and its headers are installed (linux-image-amd64, linux-headers-amd64)"
fi

# --- a private system to install into ------------------------------------------
mount -t tmpfs -o mode=0755 pciguard-deb "$T" || bail "mount a tmpfs on $T"
mkdir -p "$T/log" "$T/tmp"
L=$T/log
for d in usr etc var boot; do
	mkdir -p "$T/ovl/$d-up" "$T/ovl/$d-work"
	mount -t overlay "pciguard-deb-$d" \
		-o "lowerdir=/$d,upperdir=$T/ovl/$d-up,workdir=$T/ovl/$d-work" "/$d" ||
		bail "mount an overlay on /$d"
done
mount -t tmpfs -o mode=0755 pciguard-deb-run /run || bail "mount a tmpfs on /run"
mkdir -p /run/lock
export TMPDIR=$T/tmp DEBIAN_FRONTEND=noninteractive

# --- dpkg -i ---------------------------------------------------------------------
# dpkg refuses to start on a half-done install: another apt running on
# the host while the overlays were mounted.
if ! dpkg --audit > "$L/audit" 2>&1 || [ -s "$L/audit" ]; then
	bail "the host's dpkg database is consistent (dpkg --audit; an apt run in progress?)" "$L/audit"
fi
for p in pciguard pciguard-dkms; do
	if dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'installed$'; then
		bail "$p is not installed on this host already (this test installs it)"
	fi
done
start=$(date +%s)
check "dpkg -i pciguard-dkms pciguard: installs, postinst and triggers succeed" "$L/dpkg-i" \
	dpkg -i "$dkms_deb" "$cli_deb"
diag_time=$(($(date +%s) - start))
echo "# dpkg -i took ${diag_time}s (DKMS build, update-initramfs)"
cp "$L/dpkg-i" "$OUT/dpkg-i.log"

installed() {
	local p s rc=0
	for p in pciguard pciguard-dkms; do
		s=$(dpkg-query -W -f '${Status} ${Version}' "$p" 2>&1)
		echo "$p: $s"
		[ "$s" = "install ok installed $VER" ] || rc=1
	done
	return $rc
}
check "dpkg: both packages 'install ok installed', version $VER" "$L/status" installed

dkms_built() {
	local f
	dkms status -m pciguard | tee /dev/stderr | grep -q "^pciguard/$VER, $KV, [^:]*: installed" || return 1
	f=$(modinfo -k "$KV" -F filename pciguard) || return 1
	echo "modinfo: $f"
	[ "$f" = "/lib/modules/$KV/updates/dkms/pciguard.ko" ] || return 1
	modinfo -k "$KV" -F vermagic pciguard | grep -q "^$KV "
}
check "pciguard-dkms postinst: DKMS built and installed pciguard $VER for $KV in updates/dkms" \
	"$L/dkms" dkms_built

enabled() {
	local l=/etc/systemd/system/multi-user.target.wants/pciguard-restore.service t
	t=$(readlink "$l") || { echo "$l: no link"; return 1; }
	echo "$l -> $t"
	[ "$t" = /lib/systemd/system/pciguard-restore.service ] && [ -f "$t" ]
}
check "pciguard postinst: pciguard-restore.service enabled (multi-user.target.wants)" \
	"$L/enabled" enabled

initrd_has() {
	local img=/boot/initrd.img-$KV list
	list=$(lsinitramfs "$img") || return 1
	echo "$list" | grep -E 'pciguard'
	echo "$list" | grep -q "lib/modules/$KV/updates/dkms/pciguard.ko" &&
		echo "$list" | grep -q 'scripts/init-top/pciguard$'
}
if [ -e "/boot/initrd.img-$KV" ] && [ -n "$(find "$T/ovl/boot-up" -name "initrd.img-$KV")" ]; then
	check "update-initramfs trigger: the initramfs of $KV has the DKMS pciguard.ko and the init-top script" \
		"$L/initrd" initrd_has
else
	# update-initramfs -u rebuilds only the newest kernel's initramfs.
	echo "ok $((n + 1)) - update-initramfs trigger rebuilt the initramfs of $KV # SKIP no /boot/initrd.img-$KV, or not $KV's the trigger rebuilt"
	n=$((n + 1)) pass=$((pass + 1))
fi

# --- the installed tree, for the VM --------------------------------------------------
# Every file dpkg says the packages own, the module DKMS installed and the
# enable link, copied with their paths (through /lib, /usr/lib... as dpkg
# names them: the guest image has real directories there).
export_tree() {
	local f
	dpkg -L pciguard pciguard-dkms > "$T/owned" || return 1
	{
		cat "$T/owned"
		echo "/lib/modules/$KV/updates/dkms/pciguard.ko"
		echo /etc/systemd/system/multi-user.target.wants/pciguard-restore.service
	} | while IFS= read -r f; do
		# Directories (and /lib, a link to one on a merged-/usr host) are
		# the image's.
		[ -d "$f" ] && continue
		if [ -L "$f" ] || [ -f "$f" ]; then
			mkdir -p "$R$(dirname "$f")"
			cp -P --preserve=mode,timestamps,links "$f" "$R$f" || exit 1
		fi
	done || return 1
	find "$R" \( -type f -o -type l \) -printf '%m %p\n' | sort -k 2
	for f in /usr/sbin/pciguard "/lib/modules/$KV/updates/dkms/pciguard.ko" \
		/lib/systemd/system/pciguard-restore.service "/usr/src/pciguard-$VER/dkms.conf"; do
		[ -f "$R$f" ] || { echo "missing: $f"; return 1; }
	done
}
check "the installed files copied to build/deb-test/root" "$L/export" export_tree
cp "$L/export" "$OUT/files"

# --- removal ---------------------------------------------------------------------------
dkms_gone() {
	local out
	out=$(dkms status -m pciguard)
	[ -z "$out" ] || { echo "dkms status: $out"; return 1; }
	[ ! -e "/lib/modules/$KV/updates/dkms/pciguard.ko" ] || { echo "module left"; return 1; }
	[ ! -e "/usr/src/pciguard-$VER" ] || { echo "sources left"; return 1; }
}
if dpkg -r pciguard-dkms > "$L/dpkg-r" 2>&1; then
	check "dpkg -r pciguard-dkms: DKMS forgets pciguard, module and sources gone" "$L/gone" dkms_gone
else
	not_ok "dpkg -r pciguard-dkms succeeds" "$L/dpkg-r"
fi

purged() {
	local f left=""
	while IFS= read -r f; do
		[ -d "$f" ] && continue
		if [ -e "$f" ] || [ -L "$f" ]; then left="$left $f"; fi
	done < "$T/owned"
	[ ! -L /etc/systemd/system/multi-user.target.wants/pciguard-restore.service ] ||
		left="$left (enable link)"
	[ -z "$left" ] || { echo "left behind:$left"; return 1; }
}
if dpkg --purge pciguard > "$L/dpkg-purge" 2>&1; then
	check "dpkg --purge pciguard: every file and the enable link gone" "$L/purged" purged
else
	not_ok "dpkg --purge pciguard succeeds" "$L/dpkg-purge"
fi

echo "1..$n"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
