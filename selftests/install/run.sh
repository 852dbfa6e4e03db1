#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-install: what "make install" and "make dkms-install" put on a
# host, and that it works with the real tools: systemd-analyze verify on
# the unit, shellcheck on the scripts, mkinitramfs/unmkinitramfs with the
# initramfs-tools hook, dracut/lsinitrd with the dracut module, and a DKMS
# add/build/install/remove of the module against the Debian kernel the
# tests boot ($KDIR). A stub pciguard stands in for "pciguard cmdline",
# and once the real CLI with a private store.
#
# Nothing on the host changes: everything runs in a private mount
# namespace (unshare -m) on a tmpfs, with an overlay over
# /lib/modules/$KV (DKMS installs and depmod write there) and over
# /usr/lib/dracut/modules.d, and a private /var/lib/dkms (where DKMS
# creates its module signing key). The namespace, its mounts and files go when it ends. Needs
# root (re-runs itself through sudo); prints TAP and "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
self=$top/selftests/install/run.sh
cd "$top" || exit 1

if [ "${1:-}" != --inner ]; then
	KDIR=${KDIR:-$(scripts/kdir.sh)} || exit 1
	if [ "$(id -u)" -ne 0 ]; then
		exec sudo KDIR="$KDIR" "$self" "$@"
	fi
	tmp=$(mktemp -d /tmp/pciguard-install.XXXXXX) || exit 1
	# Empty here: its tmpfs exists only in the namespace.
	trap 'rmdir "$tmp"' EXIT
	unshare --mount --propagation private "$self" --inner "$tmp" "$KDIR"
	exit
fi

T=$2
KDIR=$3
KV=$(sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' "$KDIR/include/generated/utsrelease.h")
VER=$(cat VERSION)
# shellcheck source=selftests/host-tap.sh
. "$top/selftests/host-tap.sh"

echo "TAP version 13"
if [ -z "$KV" ] || [ ! -d "/lib/modules/$KV/kernel" ]; then
	bail "kernel '$KV' from $KDIR has its modules in /lib/modules (linux-image-amd64)"
fi

# Everything below lives on a tmpfs in this namespace only.
mount -t tmpfs -o mode=0755 pciguard-install "$T" || bail "mount a tmpfs on $T"
mkdir -p "$T/log" "$T/ovl/mod-up" "$T/ovl/mod-work" "$T/ovl/drc-up" \
	"$T/ovl/drc-work" "$T/dkmskey" "$T/tmp"
export TMPDIR=$T/tmp
L=$T/log
mount -t overlay pciguard-modules -o "lowerdir=/lib/modules/$KV,upperdir=$T/ovl/mod-up,workdir=$T/ovl/mod-work" \
	"/lib/modules/$KV" || bail "mount an overlay on /lib/modules/$KV"
if [ -d /var/lib/dkms ]; then
	mount --bind "$T/dkmskey" /var/lib/dkms || bail "bind-mount over /var/lib/dkms"
fi

# --- make install / uninstall into a staging DESTDIR -------------------------

files_usr="0755 /usr/sbin/pciguard
0644 /usr/share/man/man8/pciguard.8
0644 /usr/share/bash-completion/completions/pciguard
0644 /usr/lib/systemd/system/pciguard-restore.service
0755 /usr/share/initramfs-tools/hooks/pciguard
0755 /usr/share/initramfs-tools/scripts/init-top/pciguard
0755 /usr/lib/dracut/modules.d/90pciguard/module-setup.sh
0755 /usr/lib/dracut/modules.d/90pciguard/pciguard-pre-udev.sh"
files_local="0755 /usr/local/sbin/pciguard
0644 /usr/local/share/man/man8/pciguard.8
0644 /usr/local/share/bash-completion/completions/pciguard
0644 /usr/local/lib/systemd/system/pciguard-restore.service
0755 /etc/initramfs-tools/hooks/pciguard
0755 /etc/initramfs-tools/scripts/init-top/pciguard
0755 /usr/lib/dracut/modules.d/90pciguard/module-setup.sh
0755 /usr/lib/dracut/modules.d/90pciguard/pciguard-pre-udev.sh"

# installed_as DESTDIR "MODE PATH" lines: exactly these regular files, modes
installed_as() {
	local dest=$1 want=$2 got
	got=$(cd "$dest" && find . -type f -printf '%m /%P\n' | sed 's/^\([0-9]\{3\}\) /0\1 /' | sort)
	if [ "$got" != "$(echo "$want" | sort)" ]; then
		echo "expected:"; echo "$want" | sort
		echo "installed:"; echo "$got"
		return 1
	fi
}

# placeholders_gone DESTDIR SBINDIR: the CLI's path in every generated file
placeholders_gone() {
	local dest=$1 sbindir=$2 f
	if grep -rlI '@[A-Z]*@' "$dest"; then
		echo "placeholders left"; return 1
	fi
	f=$(find "$dest" -name pciguard-restore.service)
	grep -qx "ExecStart=$sbindir/pciguard restore" "$f" ||
		{ echo "$f:"; grep Exec "$f"; return 1; }
	grep -qx "PCIGUARD=$sbindir/pciguard" "$(find "$dest" -path '*/hooks/pciguard')" ||
		{ echo "hook: wrong CLI path"; return 1; }
	grep -qx "PCIGUARD=$sbindir/pciguard" "$(find "$dest" -name module-setup.sh)" ||
		{ echo "module-setup.sh: wrong CLI path"; return 1; }
}

D=$T/dest-usr
make -s install DESTDIR="$D" PREFIX=/usr > "$L/install-usr" 2>&1 ||
	not_ok "make install DESTDIR= PREFIX=/usr succeeds" "$L/install-usr"
check "make install PREFIX=/usr: every file in place with its mode" "$L/files-usr" \
	installed_as "$D" "$files_usr"
check "make install PREFIX=/usr: generated files name /usr/sbin/pciguard (unit ExecStart, hooks)" \
	"$L/subst-usr" placeholders_gone "$D" /usr/sbin

D2=$T/dest-local
make -s install DESTDIR="$D2" > "$L/install-local" 2>&1 ||
	not_ok "make install DESTDIR= (PREFIX=/usr/local) succeeds" "$L/install-local"
check "make install PREFIX=/usr/local: /usr/local, hooks in /etc/initramfs-tools" "$L/files-local" \
	installed_as "$D2" "$files_local"
check "make install PREFIX=/usr/local: ExecStart and hooks name /usr/local/sbin/pciguard" \
	"$L/subst-local" placeholders_gone "$D2" /usr/local/sbin

# --- the unit ---------------------------------------------------------------

# systemd-analyze verify on the unit make install wrote for the test
# prefix below ($P): the real check, against this host's systemd units
# (sysinit.target...), with ExecStart existing (the CLI there) and the man
# page found (MANPATH). The Before= units (xendomains, qubesd, libvirtd...)
# are not installed on a Debian test host; ordering against absent units is
# legal and systemd says nothing about them, so any output fails the test.
verify_unit() {	# verify_unit UNITFILE
	local out rc
	out=$(MANPATH=$P/share/man SYSTEMD_LOG_COLOR=0 systemd-analyze verify "$1" 2>&1)
	rc=$?
	echo "$out"
	[ $rc -eq 0 ] && [ -z "$out" ]
}
C=$T/itconf
P=$T/prefix
mkdir -p "$C/conf.d" "$C/scripts" "$C/hooks"
make -s install PREFIX="$P" INITRAMFSDIR="$C" DRACUTDIR="$T/ovl/drc-up" \
	> "$L/install-stub" 2>&1 || not_ok "make install into the test prefix" "$L/install-stub"
U=$P/lib/systemd/system
check "systemd-analyze verify: pciguard-restore.service is clean" "$L/verify" \
	verify_unit "$U/pciguard-restore.service"
# The same check must catch a broken unit, or it proves nothing.
sed "s|^ExecStart=.*|ExecStart=$P/sbin/pciguard-missing restore|" \
	"$U/pciguard-restore.service" > "$T/pciguard-broken.service"
if verify_unit "$T/pciguard-broken.service" > "$L/verify-broken" 2>&1; then
	not_ok "systemd-analyze verify rejects a unit whose ExecStart is missing" "$L/verify-broken"
else
	ok "systemd-analyze verify rejects a unit whose ExecStart is missing"
fi

unit_props() {	# the settings that matter, as installed
	local u=$D/usr/lib/systemd/system/pciguard-restore.service
	grep -qx 'Type=oneshot' "$u" && grep -qx 'RemainAfterExit=yes' "$u" &&
	grep -qx 'ExecStartPre=/sbin/modprobe pciguard' "$u" &&
	grep -qx 'Documentation=man:pciguard(8)' "$u" &&
	grep -qx 'WantedBy=multi-user.target' "$u" &&
	grep -q '^Before=.*xendomains.service' "$u" && grep -q '^Before=.*qubesd.service' "$u" &&
	grep -q '^Before=.*libvirtd.service' "$u" &&
	grep -q '^After=.*local-fs.target' "$u" && grep -q '^After=.*systemd-modules-load.service' "$u"
}
check "pciguard-restore.service: oneshot, RemainAfterExit, modprobe, ordered before guest starters" \
	"$L/unit-props" unit_props

# --- uninstall ----------------------------------------------------------------

left() {	# left DESTDIR: no file may remain
	local f
	f=$(find "$1" -type f)
	[ -z "$f" ] || { echo "left behind:"; echo "$f"; return 1; }
}
make -s uninstall DESTDIR="$D" PREFIX=/usr > "$L/uninst-usr" 2>&1 ||
	not_ok "make uninstall PREFIX=/usr succeeds" "$L/uninst-usr"
check "make uninstall PREFIX=/usr removes every file" "$L/left-usr" left "$D"
make -s uninstall DESTDIR="$D2" > "$L/uninst-local" 2>&1 ||
	not_ok "make uninstall (PREFIX=/usr/local) succeeds" "$L/uninst-local"
check "make uninstall PREFIX=/usr/local removes every file" "$L/left-local" left "$D2"

# --- shellcheck -------------------------------------------------------------------

make -s install DESTDIR="$D" PREFIX=/usr > /dev/null 2>&1
check "shellcheck: initramfs-tools hook and init-top script (as installed)" "$L/sc-initramfs" \
	shellcheck -s sh "$D/usr/share/initramfs-tools/hooks/pciguard" \
	"$D/usr/share/initramfs-tools/scripts/init-top/pciguard"
check "shellcheck: dracut module-setup.sh and pre-udev hook (as installed)" "$L/sc-dracut" \
	shellcheck "$D/usr/lib/dracut/modules.d/90pciguard/module-setup.sh" \
	"$D/usr/lib/dracut/modules.d/90pciguard/pciguard-pre-udev.sh"
check "shellcheck: bash completion, this test" "$L/sc-other" \
	shellcheck -x -s bash packaging/bash-completion/pciguard selftests/install/run.sh

# --- bash completion ----------------------------------------------------------------

complete_test() {
	# comp LINE: what the completion offers at the end of LINE
	comp() {
		bash -c 'source "$1"; COMP_LINE=$2; COMP_POINT=${#2}; _pciguard; echo "${COMPREPLY[*]}"' \
			_ "$D/usr/share/bash-completion/completions/pciguard" "$1"
	}
	expect() {
		local got
		got=$(comp "$1")
		[ "$got" = "$2" ] || { echo "'$1': got '$got', want '$2'"; return 1; }
	}
	local bdf rc=0
	expect "pciguard " "list show usb hide release monitor check assign detach cmdline restore forget" || rc=1
	expect "pciguard re" "release restore" || rc=1
	expect "pciguard --config-dir /tmp c" "check cmdline" || rc=1
	expect "pciguard release --" "--to-host --force --help" || rc=1
	expect "pciguard hide --p" "--persistent" || rc=1
	expect "pciguard check 01:00.0 -o backend=v" "vfio-pci" || rc=1
	expect "pciguard assign vm1 -o no" "no-strict-reset=true" || rc=1
	expect "pciguard assign " "" || rc=1
	expect "pciguard restore -" "--dry-run --help" || rc=1
	bdf=$(find /sys/bus/pci/devices/ -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort | head -n 1)
	if [ -n "$bdf" ]; then
		# bash completes after the last ':' (COMP_WORDBREAKS)
		expect "pciguard hide ${bdf%.*}." "${bdf##*:}" || rc=1
		expect "pciguard assign vm1 ${bdf%.*}." "${bdf##*:}" || rc=1
	fi
	return $rc
}
check "bash completion: commands, options, -o values, BDFs from sysfs" "$L/completion" complete_test

# --- DKMS ------------------------------------------------------------------------------

DK="--dkmstree $T/dkms --sourcetree $T/src"
mkdir -p "$T/dkms" "$T/src"
dkms_installed() {
	local f
	$DKMS_STATUS | tee /dev/stderr | grep -q "^pciguard/$VER, $KV, [^:]*: installed" || return 1
	f=$(modinfo -k "$KV" -F filename pciguard) || return 1
	echo "modinfo: $f"
	[ "$f" = "/lib/modules/$KV/updates/dkms/pciguard.ko" ] || return 1
	modinfo -k "$KV" -F vermagic pciguard | grep -q "^$KV " || return 1
	grep -qx "PACKAGE_VERSION=\"$VER\"" "$T/src/pciguard-$VER/dkms.conf"
}
DKMS_STATUS="dkms $DK status -m pciguard"
if make -s dkms-install DKMS_FLAGS="$DK" DKMSSRCDIR="$T/src" KDIR="$KDIR" \
	> "$L/dkms-install" 2>&1; then
	check "make dkms-install: dkms add/build/install for $KV, module in updates/dkms" \
		"$L/dkms-status" dkms_installed
else
	not_ok "make dkms-install: dkms add/build/install for $KV" "$L/dkms-install"
fi
# A second run replaces the same version instead of failing.
make -s dkms-install DKMS_FLAGS="$DK" DKMSSRCDIR="$T/src" KDIR="$KDIR" \
	> "$L/dkms-reinstall" 2>&1
check "make dkms-install again: replaces the installed version" "$L/dkms-status2" dkms_installed

# The initramfs tests need pciguard.ko for $KV; without DKMS, the tree's.
if ! modinfo -k "$KV" pciguard > /dev/null 2>&1; then
	mkdir -p "/lib/modules/$KV/extra"
	cp kmod/pciguard.ko "/lib/modules/$KV/extra/"
	depmod -a "$KV"
fi

# --- initramfs-tools -------------------------------------------------------------------

# A private configuration directory (mkinitramfs -d) that make install
# filled (above) with the hook and boot script; the CLI is a stub in the
# private prefix.
sed -e 's/^MODULES=.*/MODULES=list/' -e 's/^COMPRESS=.*/COMPRESS=gzip/' \
	/etc/initramfs-tools/initramfs.conf > "$C/initramfs.conf"
touch "$C/modules"

cp "$P/sbin/pciguard" "$T/pciguard.real"
stub() {	# stub OUTPUT [EXIT]: the pciguard the hooks run
	cat > "$P/sbin/pciguard" <<-EOF
	#!/bin/sh
	[ "\$1" = cmdline ] && [ \$# -eq 1 ] || { echo "stub: unexpected \$*" >&2; exit 2; }
	[ -n "$1" ] && echo "$1"
	[ ${2:-0} -eq 0 ] || echo "pciguard: /etc/pciguard/devices.conf:3: corrupt entry" >&2
	exit ${2:-0}
	EOF
	chmod 0755 "$P/sbin/pciguard"
}
HIDE="(0000:01:00.0)(0000:02:00.0)"

mkinitramfs_run() {	# mkinitramfs_run IMAGE: build with the private config
	mkinitramfs -d "$C" -o "$1" "$KV"
}

# unpack IMAGE DIR: the main archive's root in DIR/root
unpack() {
	rm -rf "$2"
	unmkinitramfs "$1" "$2" || return 1
	if [ -d "$2/main" ]; then ln -s main "$2/root"; else ln -s . "$2/root"; fi
}

initramfs_with_list() {
	local x=$T/it1 ko order
	unpack "$T/initrd1" "$x" || return 1
	ko=$(cd "$x/root" && find . -name 'pciguard.ko*')
	echo "module: $ko"
	[ -n "$ko" ] || { echo "pciguard.ko missing"; return 1; }
	grep -q 'pciguard.ko' "$x/root/usr/lib/modules/$KV/modules.dep" ||
		{ echo "pciguard not in modules.dep"; return 1; }
	grep -qx "options pciguard hide=$HIDE" "$x/root/etc/modprobe.d/pciguard-store.conf" ||
		{ echo "options line missing:"; cat "$x/root/etc/modprobe.d/pciguard-store.conf"; return 1; }
	[ -x "$x/root/scripts/init-top/pciguard" ] || { echo "init-top script missing"; return 1; }
	order=$x/root/scripts/init-top/ORDER
	cat "$order"
	# pciguard must run, and run before udev's coldplug.
	awk '/^\/scripts\/init-top\/pciguard /{p=NR} /^\/scripts\/init-top\/udev /{u=NR}
	     END{exit !(p && u && p < u)}' "$order" ||
		{ echo "pciguard does not come before udev in ORDER"; return 1; }
	lsinitramfs "$T/initrd1" | grep -q 'scripts/init-top/pciguard$' ||
		{ echo "lsinitramfs does not list the init-top script"; return 1; }
}

stub "pciguard.hide=$HIDE"
if mkinitramfs_run "$T/initrd1" > "$L/mkinitramfs1" 2>&1; then
	check "mkinitramfs: pciguard.ko, 'options pciguard hide=...', init-top script before udev in ORDER" \
		"$L/initrd1" initramfs_with_list
else
	not_ok "mkinitramfs with a hide list succeeds" "$L/mkinitramfs1"
fi

initramfs_empty_store() {
	local x=$T/it2
	unpack "$T/initrd2" "$x" || return 1
	[ -n "$(cd "$x/root" && find . -name 'pciguard.ko*')" ] || { echo "pciguard.ko missing"; return 1; }
	[ ! -e "$x/root/etc/modprobe.d/pciguard-store.conf" ] || { echo "options file written"; return 1; }
}
stub ""
if mkinitramfs_run "$T/initrd2" > "$L/mkinitramfs2" 2>&1; then
	check "mkinitramfs with an empty store: module, no options file" "$L/initrd2" initramfs_empty_store
else
	not_ok "mkinitramfs with an empty store succeeds" "$L/mkinitramfs2"
fi

says() {	# says LOG PATTERN...: LOG has every PATTERN
	local log=$1 p
	shift
	cat "$log"
	for p in "$@"; do
		grep -q -- "$p" "$log" || { echo "missing in the output: $p"; return 1; }
	done
}
# A second list in the host's modprobe.d: the hook warns (modprobe keeps
# only the last hide=). A private copy of /etc/modprobe.d in this namespace.
mkdir -p "$T/modprobe.d"
cp -a /etc/modprobe.d/. "$T/modprobe.d/"
echo 'options pciguard hide=(0000:05:00.0)' > "$T/modprobe.d/pciguard.conf"
mount --bind "$T/modprobe.d" /etc/modprobe.d
stub "pciguard.hide=$HIDE"
if mkinitramfs_run "$T/initrd7" > "$L/mkinitramfs7" 2>&1; then
	check "mkinitramfs warns when /etc/modprobe.d sets pciguard's hide= too" "$L/warn7" \
		says "$L/mkinitramfs7" "W: pciguard: /etc/modprobe.d/pciguard.conf sets pciguard's hide= too"
else
	not_ok "mkinitramfs with a second hide= in /etc/modprobe.d succeeds" "$L/mkinitramfs7"
fi
umount /etc/modprobe.d

stub "" 1
if mkinitramfs_run "$T/initrd3" > "$L/mkinitramfs3" 2>&1; then
	not_ok "mkinitramfs fails when 'pciguard cmdline' fails" "$L/mkinitramfs3"
else
	check "mkinitramfs fails when 'pciguard cmdline' fails, with the CLI's message" "$L/fail3" \
		says "$L/mkinitramfs3" "devices.conf:3: corrupt entry" "E: pciguard: .*cmdline' failed"
fi

stub "garbage"
if mkinitramfs_run "$T/initrd4" > "$L/mkinitramfs4" 2>&1; then
	not_ok "mkinitramfs fails on unexpected 'pciguard cmdline' output" "$L/mkinitramfs4"
else
	check "mkinitramfs fails on unexpected 'pciguard cmdline' output" "$L/fail4" \
		says "$L/mkinitramfs4" "unexpected output"
fi

# The real CLI with a store in PCIGUARD_CONFIG_DIR: the contract the stub
# stands in for ("pciguard cmdline" prints pciguard.hide=, fails on a
# corrupt store).
cp "$T/pciguard.real" "$P/sbin/pciguard"
mkdir -p "$T/store"
printf 'device 0000:01:00.0\n\tpath 00_10.0-00_00.0\n\tid 1af4:1041\n\tsubsystem 1af4:1100\n\thide\n' \
	> "$T/store/devices.conf"
real_options() {
	local x=$T/it8
	unpack "$T/initrd8" "$x" || return 1
	grep -qx "options pciguard hide=(0000:01:00.0)" "$x/root/etc/modprobe.d/pciguard-store.conf" ||
		{ echo "options line missing"; cat "$x/root/etc/modprobe.d/pciguard-store.conf"; return 1; }
}
if PCIGUARD_CONFIG_DIR=$T/store mkinitramfs_run "$T/initrd8" > "$L/mkinitramfs8" 2>&1; then
	check "mkinitramfs with the real CLI and a one-device store: 'options pciguard hide=(0000:01:00.0)'" \
		"$L/initrd8" real_options
else
	not_ok "mkinitramfs with the real CLI and a one-device store succeeds" "$L/mkinitramfs8"
fi
echo "garbage" >> "$T/store/devices.conf"
if PCIGUARD_CONFIG_DIR=$T/store mkinitramfs_run "$T/initrd9" > "$L/mkinitramfs9" 2>&1; then
	not_ok "mkinitramfs with the real CLI fails on a corrupt store" "$L/mkinitramfs9"
else
	check "mkinitramfs with the real CLI fails on a corrupt store, naming its line" "$L/fail9" \
		says "$L/mkinitramfs9" "devices.conf:6:" "E: pciguard: .*cmdline' failed"
fi

# --- dracut ---------------------------------------------------------------------------

# The module joins dracut's own through an overlay on modules.d.
dracut_ok=
if command -v dracut > /dev/null; then
	if mount -t overlay pciguard-dracut \
		-o "lowerdir=/usr/lib/dracut/modules.d,upperdir=$T/ovl/drc-up,workdir=$T/ovl/drc-work" \
		/usr/lib/dracut/modules.d; then
		dracut_ok=1
	fi
fi
mkdir -p "$T/dracut.conf.d"
dracut_run() {	# dracut_run IMAGE: the pciguard module alone (and what it needs)
	dracut --force --no-hostonly --no-early-microcode --no-compress \
		--conf /dev/null --confdir "$T/dracut.conf.d" --tmpdir "$T/tmp" \
		--kver "$KV" -m pciguard "$1"
}
dracut_with_list() {
	local list
	list=$(lsinitrd "$T/dracut1") || return 1
	echo "$list" | grep -E 'pciguard|pre-udev'
	echo "$list" | grep -q "lib/modules/$KV/.*pciguard.ko" || { echo "pciguard.ko missing"; return 1; }
	echo "$list" | grep -q 'lib/dracut/hooks/pre-udev/00-pciguard-pre-udev.sh$' ||
		{ echo "pre-udev hook missing"; return 1; }
	lsinitrd -f etc/modprobe.d/pciguard-store.conf "$T/dracut1" | grep -qx "options pciguard hide=$HIDE" ||
		{ echo "options line missing"; return 1; }
}
if [ -z "$dracut_ok" ]; then
	not_ok "dracut is installed (dracut-core, scripts/deps.sh) and modules.d can be overlaid"
else
	stub "pciguard.hide=$HIDE"
	if dracut_run "$T/dracut1" > "$L/dracut1" 2>&1; then
		check "dracut: pciguard.ko, 'options pciguard hide=...', pre-udev hook 00" \
			"$L/dracut1-check" dracut_with_list
	else
		not_ok "dracut with the pciguard module and a hide list succeeds" "$L/dracut1"
	fi
	stub "" 1
	if dracut_run "$T/dracut2" > "$L/dracut2" 2>&1; then
		not_ok "dracut fails when 'pciguard cmdline' fails" "$L/dracut2"
	else
		check "dracut fails when 'pciguard cmdline' fails, with the CLI's message" "$L/fail-d2" \
			says "$L/dracut2" "devices.conf:3: corrupt entry" "pciguard: .*cmdline' failed"
	fi
fi

# --- without the module -----------------------------------------------------------------

dkms_gone() {
	local out
	out=$($DKMS_STATUS)
	[ -z "$out" ] || { echo "dkms status: $out"; return 1; }
	[ ! -e "/lib/modules/$KV/updates/dkms/pciguard.ko" ] || { echo "module left"; return 1; }
	[ ! -e "$T/src/pciguard-$VER" ] || { echo "sources left"; return 1; }
}
make -s dkms-uninstall DKMS_FLAGS="$DK" DKMSSRCDIR="$T/src" > "$L/dkms-uninstall" 2>&1 ||
	not_ok "make dkms-uninstall succeeds" "$L/dkms-uninstall"
check "make dkms-uninstall: DKMS forgets it, module and sources removed" "$L/dkms-gone" dkms_gone

rm -f "/lib/modules/$KV/extra/pciguard.ko"
depmod -a "$KV"
stub "pciguard.hide=$HIDE"
if mkinitramfs_run "$T/initrd5" > "$L/mkinitramfs5" 2>&1; then
	not_ok "mkinitramfs fails when the store names devices and $KV has no pciguard.ko" "$L/mkinitramfs5"
else
	check "mkinitramfs fails when the store names devices and $KV has no pciguard.ko" "$L/fail5" \
		says "$L/mkinitramfs5" "has no pciguard.ko"
fi
stub ""
check "mkinitramfs without pciguard.ko and an empty store: builds, with a warning" "$L/mkinitramfs6" \
	mkinitramfs_run "$T/initrd6"
if [ -n "$dracut_ok" ]; then
	stub "pciguard.hide=$HIDE"
	if dracut_run "$T/dracut3" > "$L/dracut3" 2>&1; then
		not_ok "dracut fails when the store names devices and $KV has no pciguard.ko" "$L/dracut3"
	else
		check "dracut fails when the store names devices and $KV has no pciguard.ko" "$L/fail-d3" \
			says "$L/dracut3" "has no pciguard.ko"
	fi
fi

echo "1..$n"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
