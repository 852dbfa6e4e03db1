# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034,SC2054
#
# Hotplug topology: q35 + VT-d with three hot-pluggable PCIe root ports,
# each with one device that the tests remove and add again through QEMU's
# monitor (TOPO_MONITOR=1: ttyS2 and monitor-relay.py, see README).  The
# devices' ids are the only ones the relay lets the guest device_del or
# device_add; tests/hotplug.sh uses the QEMU arguments below, so keep the
# two in step.

TOPO_DESC="q35 + intel-iommu: hot-pluggable root ports with virtio-net (FLR) and e1000e"
TOPO_MACHINE=q35
TOPO_APPEND="intel_iommu=on"
TOPO_MONITOR=1
TOPO_HOTPLUG_IDS="hp1 hp2 hp3"

TOPO_LOAD_MODULES="virtio_pci virtio_net e1000e ahci i2c_i801 lpc_ich"
TOPO_IMAGE_MODULES="vfio_pci"

TOPO_QEMU_ARGS=(
	-device intel-iommu,intremap=on

	# 00:10.0 -> 01:00.0 hp1, virtio-net (FLR capable)
	-device pcie-root-port,id=rp1,bus=pcie.0,addr=0x10,chassis=1,slot=1
	-netdev user,id=net1,restrict=on
	-device virtio-net-pci,id=hp1,netdev=net1,bus=rp1,addr=0x0,mac=52:54:00:00:01:01

	# 00:11.0 -> 02:00.0 hp2, virtio-net (FLR capable)
	-device pcie-root-port,id=rp2,bus=pcie.0,addr=0x11,chassis=2,slot=2
	-netdev user,id=net2,restrict=on
	-device virtio-net-pci,id=hp2,netdev=net2,bus=rp2,addr=0x0,mac=52:54:00:00:02:01

	# 00:12.0 -> 03:00.0 hp3, e1000e (PM reset, no FLR)
	-device pcie-root-port,id=rp3,bus=pcie.0,addr=0x12,chassis=3,slot=3
	-netdev user,id=net3,restrict=on
	-device e1000e,id=hp3,netdev=net3,bus=rp3,addr=0x0,mac=52:54:00:00:03:01
)
