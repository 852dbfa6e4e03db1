# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034,SC2054
#
# Many FLR-capable endpoints, for parallel restore/reset tests and
# benchmarks: ten modern virtio devices, each alone behind its own PCIe
# root port (00:10.0 to 00:19.0 -> buses 01 to 0a), so each lists
# "flr pm bus" in reset_method, is its own IOMMU group and can be reset
# independently.  q35 + VT-d as in reference.sh, but no VGA.  See README
# for the table.

TOPO_DESC="q35 + intel-iommu: 10 FLR-capable virtio endpoints, one per root port"
TOPO_MACHINE=q35
TOPO_APPEND="intel_iommu=on"

TOPO_LOAD_MODULES="virtio_pci virtio_net virtio_rng virtio_balloon virtio_console
	virtio_input ahci i2c_i801 lpc_ich"
TOPO_IMAGE_MODULES="vfio_pci"

TOPO_QEMU_ARGS=(-device intel-iommu,intremap=on)

# many_port N DEVICE...: root port rpN at 00:(0x0f+N).0, chassis and slot
# N, its secondary bus N (hex), and DEVICE on it at function 0.
many_port() {
	local n=$1
	shift
	TOPO_QEMU_ARGS+=(
		-device "pcie-root-port,id=rp$n,bus=pcie.0,addr=$(printf 0x%x $((0x0f + n))),chassis=$n,slot=$n"
		-device "$@,bus=rp$n,addr=0x0"
	)
}

for n in 1 2 3; do
	TOPO_QEMU_ARGS+=(-netdev "user,id=net$n,restrict=on")
	many_port "$n" "virtio-net-pci,netdev=net$n,mac=52:54:00:00:$(printf %02x "$n"):01"
done
many_port 4 virtio-rng-pci
many_port 5 virtio-rng-pci
many_port 6 virtio-balloon-pci
many_port 7 virtio-serial-pci
many_port 8 virtio-keyboard-pci
many_port 9 virtio-mouse-pci
many_port 10 virtio-tablet-pci
unset -f many_port
