#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# dracut pre-udev hook of the pciguard module: load pciguard before any
# dom0 driver can bind the devices it must hide. modprobe gives it hide=
# from /etc/modprobe.d/pciguard-store.conf (written by module-setup.sh from
# the persistent store) and pciguard.hide= from the kernel command line.
#
# Order: drivers for PCI devices are loaded by udev's coldplug, "udevadm
# trigger" (systemd-udev-trigger.service, or the trigger in dracut's init
# without systemd). pre-udev hooks run before systemd-udevd starts
# (dracut-pre-udev.service is Before=systemd-udevd.service and
# dracut-pre-trigger.service, which is Before=systemd-udev-trigger.service),
# and priority 00 puts this one first among them. Only rd.driver.pre=
# modules load earlier (cmdline hook). rd.driver.blacklist is applied in
# the cmdline hook too, so -b honours rd.driver.blacklist=pciguard.
#
# dracut sources hooks: no "exit" here. A module that does not load is
# reported and the boot goes on.

if [ ! -d /sys/module/pciguard ]; then
    modprobe -b pciguard
    [ -d /sys/module/pciguard ] ||
        warn "pciguard: not loaded early (blacklisted, not in the initramfs, or refused: see dmesg); dom0 drivers may take the devices it should hide"
fi
