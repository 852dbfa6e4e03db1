# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034,SC2054
#
# The reference topology after a hardware change, for tests of what
# pciguard does with saved state when the machine it describes changed
# (persistence: "restore refuses an entry whose device changed or
# vanished").  Same root ports, bus numbers and BDFs as reference.sh,
# except:
#
#   0000:01:00.0  an e1000e (8086:10d3) where reference has a virtio-net
#                 (1af4:1041): another vendor and device ID
#   0000:02:00.0  still an e1000e, same IDs, but another MAC: QEMU derives
#                 the e1000e's PCIe Device Serial Number from the MAC, so
#                 only the DSN differs (52-54-00-ff-ff-00-02-01 in
#                 reference, 52-54-00-ff-ff-00-02-02 here)
#   0000:06:00.0  gone: no xHCI (and no USB devices); its root port rp5
#                 (00:14.0, bus 06) stays, empty
#
# Everything else (03:00.x, 04:00.0, 05:0x.0, the root bus) is identical.
# The driver list is reference's, so every driver binds as there (xhci_pci
# and usbhid load and find nothing).  See README for the table.

TOPO_DESC="reference after a hardware change: 01:00.0 e1000e, 02:00.0 new DSN, 06:00.0 gone"
TOPO_MACHINE=q35
TOPO_APPEND="intel_iommu=on"

TOPO_LOAD_MODULES="virtio_pci virtio_net virtio_rng virtio_balloon e1000e e1000
	xhci_pci usbhid hid_generic ahci i2c_i801 lpc_ich bochs"
TOPO_IMAGE_MODULES="vfio_pci"

TOPO_QEMU_ARGS=(
	-device intel-iommu,intremap=on
	-vga std

	# 00:10.0 -> 01:00.0 e1000e (was virtio-net: the device changed)
	-device pcie-root-port,id=rp1,bus=pcie.0,addr=0x10,chassis=1,slot=1
	-netdev user,id=net1,restrict=on
	-device e1000e,netdev=net1,bus=rp1,addr=0x0,mac=52:54:00:00:01:01

	# 00:11.0 -> 02:00.0 e1000e, same IDs, another MAC and so another DSN
	-device pcie-root-port,id=rp2,bus=pcie.0,addr=0x11,chassis=2,slot=2
	-netdev user,id=net2,restrict=on
	-device e1000e,netdev=net2,bus=rp2,addr=0x0,mac=52:54:00:00:02:02

	# 00:12.0 -> 03:00.0 virtio-net + 03:00.1 virtio-rng (unchanged)
	-device pcie-root-port,id=rp3,bus=pcie.0,addr=0x12,chassis=3,slot=3
	-netdev user,id=net3,restrict=on
	-device virtio-net-pci,netdev=net3,bus=rp3,addr=0x0.0,multifunction=on,mac=52:54:00:00:03:01
	-device virtio-rng-pci,bus=rp3,addr=0x0.1

	# 00:13.0 -> 04:00.0 PCIe-to-PCI bridge -> 05:01.0 e1000, 05:02.0
	# virtio-balloon (unchanged)
	-device pcie-root-port,id=rp4,bus=pcie.0,addr=0x13,chassis=4,slot=4
	-device pcie-pci-bridge,id=pbr1,bus=rp4,addr=0x0
	-netdev user,id=net4,restrict=on
	-device e1000,netdev=net4,bus=pbr1,addr=0x1,mac=52:54:00:00:05:01
	-device virtio-balloon-pci,bus=pbr1,addr=0x2

	# 00:14.0 -> bus 06, empty: the xHCI vanished
	-device pcie-root-port,id=rp5,bus=pcie.0,addr=0x14,chassis=5,slot=5
)
