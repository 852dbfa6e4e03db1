#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install every Debian package pciguard's build, tests and demo need.
# Idempotent and non-interactive: does nothing when all are present.
set -eu

# make check-install needs initramfs-tools, udev, dkms, dracut-core (not
# "dracut", which replaces initramfs-tools), systemd (systemd-analyze),
# man-db (verify checks the unit's man: page) and shellcheck; groff-base
# (groff -man -ww -z checks that pciguard.8 renders without warnings). make
# deb needs debhelper, dh-dkms (dh_dkms), dpkg-dev (dpkg-buildpackage),
# fakeroot and lintian. gdb prints the backtrace of a QEMU that crashed
# (selftests/vm/runner.sh, rig_boot_again).
PKGS="build-essential make gcc bc flex bison libelf-dev kmod cpio xz-utils
      linux-image-amd64 linux-headers-amd64 linux-source-6.1
      qemu-system-x86 busybox-static pciutils pci.ids gdb
      libnl-3-dev libnl-genl-3-dev libpci-dev pkg-config
      sparse clang libclang-rt-14-dev python3 python3-yaml jq
      xen-hypervisor-4.17-amd64 xen-utils-4.17 xenstore-utils
      initramfs-tools udev dkms dracut-core systemd man-db groff-base
      shellcheck debhelper dh-dkms dpkg-dev fakeroot lintian"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
else
	SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
