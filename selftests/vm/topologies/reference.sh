# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034,SC2054
#
# Reference topology: q35 + VT-d with a mix of PCIe and conventional PCI
# devices, chosen to exercise every reset method, multifunction slots, a
# PCIe-to-PCI bridge and USB.  Sourced by run.sh; see README for the BDFs,
# drivers, reset methods and IOMMU groups the guest kernel reports.
#
# Variables a topology sets:
#   TOPO_DESC           one line description
#   TOPO_MACHINE        -M argument
#   TOPO_MEM, TOPO_SMP  -m and -smp (optional; default 1024 and 2)
#   TOPO_APPEND         extra kernel command line
#   TOPO_LOAD_MODULES   modules put in the image and loaded at boot, in order
#   TOPO_IMAGE_MODULES  modules put in the image but not loaded
#   TOPO_QEMU_ARGS      bash array of QEMU device arguments

TOPO_DESC="q35 + intel-iommu: virtio-net, e1000e, multifunction slot, PCIe-PCI bridge, xHCI"
TOPO_MACHINE=q35
TOPO_APPEND="intel_iommu=on"

TOPO_LOAD_MODULES="virtio_pci virtio_net virtio_rng virtio_balloon e1000e e1000
	xhci_pci usbhid hid_generic ahci i2c_i801 lpc_ich bochs"
TOPO_IMAGE_MODULES="vfio_pci"

TOPO_QEMU_ARGS=(
	# VT-d first: it must exist before the devices it translates for.
	-device intel-iommu,intremap=on
	-vga std

	# 00:10.0 -> 01:00.0 virtio-net (PCIe, FLR capable)
	-device pcie-root-port,id=rp1,bus=pcie.0,addr=0x10,chassis=1,slot=1
	-netdev user,id=net1,restrict=on
	-device virtio-net-pci,netdev=net1,bus=rp1,addr=0x0,mac=52:54:00:00:01:01

	# 00:11.0 -> 02:00.0 e1000e
	-device pcie-root-port,id=rp2,bus=pcie.0,addr=0x11,chassis=2,slot=2
	-netdev user,id=net2,restrict=on
	-device e1000e,netdev=net2,bus=rp2,addr=0x0,mac=52:54:00:00:02:01

	# 00:12.0 -> 03:00.0 virtio-net + 03:00.1 virtio-rng (one multifunction slot)
	-device pcie-root-port,id=rp3,bus=pcie.0,addr=0x12,chassis=3,slot=3
	-netdev user,id=net3,restrict=on
	-device virtio-net-pci,netdev=net3,bus=rp3,addr=0x0.0,multifunction=on,mac=52:54:00:00:03:01
	-device virtio-rng-pci,bus=rp3,addr=0x0.1

	# 00:13.0 -> 04:00.0 PCIe-to-PCI bridge -> 05:01.0 e1000, 05:02.0 virtio-balloon
	-device pcie-root-port,id=rp4,bus=pcie.0,addr=0x13,chassis=4,slot=4
	-device pcie-pci-bridge,id=pbr1,bus=rp4,addr=0x0
	-netdev user,id=net4,restrict=on
	-device e1000,netdev=net4,bus=pbr1,addr=0x1,mac=52:54:00:00:05:01
	-device virtio-balloon-pci,bus=pbr1,addr=0x2

	# 00:14.0 -> 06:00.0 xHCI with a keyboard and a tablet
	-device pcie-root-port,id=rp5,bus=pcie.0,addr=0x14,chassis=5,slot=5
	-device qemu-xhci,id=xhci,bus=rp5,addr=0x0
	-device usb-kbd,bus=xhci.0
	-device usb-tablet,bus=xhci.0
)
