#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages as installed (selftests/deb/run.sh: dpkg -i on the
# host, the files the packages own and the module DKMS built put into this
# image at their installed paths with run.sh --overlay, nothing from the
# build tree): the module loads with modprobe from DKMS's updates/dkms,
# the installed CLI drives it, and the man page, completion, unit and
# initramfs hooks are where Debian's tools look for them, naming the
# installed CLI.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. /tests/lib.sh

tap_begin
[ "${RIG_TOPOLOGY:-reference}" = reference ] ||
	skip_all "written for the reference topology, not $RIG_TOPOLOGY"

KV=$RIG_KVER
PG=/usr/sbin/pciguard
KO=/lib/modules/$KV/updates/dkms/pciguard.ko
VER=$(find /usr/src -maxdepth 1 -name 'pciguard-*' | sed -n 's|^/usr/src/pciguard-||p')

# --- the module, from DKMS --------------------------------------------------
check_eq "the image's only pciguard.ko is DKMS's, in updates/dkms" "$KO" \
	"$(find /lib/modules -name 'pciguard.ko*')"
check "modprobe pciguard loads it" modprobe pciguard
check_eq "the loaded module is that file (srcversion)" \
	"$(modinfo -F srcversion "$KO")" "$(cat /sys/module/pciguard/srcversion 2>&1)"
check_eq "its version is the package's (/usr/src/pciguard-VERSION)" \
	"$VER" "$(cat /sys/module/pciguard/version 2>&1)"
check "pciguard-dkms shipped the sources DKMS built from, with dkms.conf" \
	grep -qx "PACKAGE_VERSION=\"$VER\"" "/usr/src/pciguard-$VER/dkms.conf"

# --- the CLI ------------------------------------------------------------------
check "the CLI is installed as $PG" test -x "$PG"
out=$($PG list 2>&1)
check_eq "pciguard list works against the module (exit 0)" 0 "$?"
diag "$out"
check "pciguard list --all shows 0000:01:00.0" sh -c "$PG list --all | grep -q '^0000:01:00.0 '"
out=$($PG hide 01:00.0 2>&1)
check_eq "pciguard hide 01:00.0 (exit 0)" 0 "$?"
diag "$out"
check_eq "01:00.0 is bound to pciguard" pciguard "$(pci_driver 0000:01:00.0)"
out=$($PG release --to-host 01:00.0 2>&1)
check_eq "pciguard release --to-host 01:00.0" \
	"0000:01:00.0: released to dom0, now driven by virtio-pci" "$out"
check_eq "virtio-pci drives 01:00.0 again" virtio-pci "$(pci_driver 0000:01:00.0)"
out=$($PG cmdline 2>&1)
check_eq "pciguard cmdline (the initramfs hook's call) with no store: nothing, exit 0" \
	"0:" "$?:$out"

# --- the files around it --------------------------------------------------------
check "the man page: /usr/share/man/man8/pciguard.8.gz" \
	sh -c "gunzip -c /usr/share/man/man8/pciguard.8.gz | grep -q '^\\.TH PCIGUARD 8'"
check "bash completion: /usr/share/bash-completion/completions/pciguard" \
	grep -qx 'complete -F _pciguard pciguard' /usr/share/bash-completion/completions/pciguard
UNIT=/lib/systemd/system/pciguard-restore.service
check "the unit: $UNIT, ExecStart=$PG restore" grep -qx "ExecStart=$PG restore" "$UNIT"
check_eq "the unit is enabled (multi-user.target.wants)" "$UNIT" \
	"$(readlink /etc/systemd/system/multi-user.target.wants/pciguard-restore.service)"
HOOK=/usr/share/initramfs-tools/hooks/pciguard
check "the initramfs-tools hook: $HOOK, executable, runs $PG" \
	sh -c "test -x $HOOK && grep -qx 'PCIGUARD=$PG' $HOOK"
check "the initramfs-tools boot script: scripts/init-top/pciguard, executable" \
	test -x /usr/share/initramfs-tools/scripts/init-top/pciguard
check "the dracut module: modules.d/90pciguard, runs $PG" \
	grep -qx "PCIGUARD=$PG" /usr/lib/dracut/modules.d/90pciguard/module-setup.sh
check "the dracut pre-udev hook, executable" \
	test -x /usr/lib/dracut/modules.d/90pciguard/pciguard-pre-udev.sh
check "the packages' copyright files" \
	test -s /usr/share/doc/pciguard/copyright -a -s /usr/share/doc/pciguard-dkms/copyright

check "rmmod pciguard" rmmod pciguard
tap_end
