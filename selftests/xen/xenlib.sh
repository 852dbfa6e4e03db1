# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Helpers for the Xen rig's dom0 tests (/tests/xenlib.sh in dom0; source
# /tests/lib.sh first).  A guest is a PV domain running the rig's guest
# kernel and init.guest, which reports on its console what it sees:
#
#   guest_create NAME [PCI...]     write /tmp/xen/NAME.cfg, xl create it
#   guest_wait NAME [SECS]         wait until the guest printed "done"
#   guest_lines NAME KIND          its "rig-guest: KIND ..." lines, KIND cut
#   guest_destroy NAME             xl destroy, wait until it is gone
#   guest_log NAME                 path of its console log
#   check_guest_pci DESC NAME WHAT  ok if it reported a PCI device WHAT
#
# PCI entries are xl's syntax ("01:00.0", "0000:01:00.0,permissive=1").
# GUEST_MEMORY (MiB, default 256), GUEST_EXTRA (appended to the guest's
# kernel command line) and GUEST_TIMEOUT (seconds for xl create, default
# 120) tune guest_create.

GUEST_KERNEL=/guest/vmlinux
GUEST_RAMDISK=/guest/initramfs.cpio.gz
GUEST_LOG_DIR=/var/log/xen/console

# guest_log NAME: xenconsoled's log of the guest's console.
guest_log() {
	echo "$GUEST_LOG_DIR/guest-$1.log"
}

# guest_config NAME [PCI...]: print an xl config for a PV guest.
# iommu=soft: a PV guest with a passed-through device needs swiotlb-xen to
# get DMA buffers that are contiguous in machine memory.
guest_config() {
	_name=$1
	shift
	_pci=""
	for _p in "$@"; do
		_pci="$_pci${_pci:+, }'$_p'"
	done
	cat <<EOF
name = "$_name"
type = "pv"
kernel = "$GUEST_KERNEL"
ramdisk = "$GUEST_RAMDISK"
extra = "console=hvc0 iommu=soft${GUEST_EXTRA:+ $GUEST_EXTRA}"
memory = ${GUEST_MEMORY:-256}
vcpus = 1
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "destroy"
EOF
	[ -z "$_pci" ] || echo "pci = [ $_pci ]"
}

# guest_create NAME [PCI...]: start the guest; xl's output goes to
# /tmp/xen/NAME.create.  An older console log of the same name is kept as
# guest-NAME.log.N so that every guest's log is dumped at the end of the run.
guest_create() {
	mkdir -p /tmp/xen
	_log=$(guest_log "$1")
	if [ -e "$_log" ]; then
		_n=1
		while [ -e "$_log.$_n" ]; do _n=$((_n + 1)); done
		mv "$_log" "$_log.$_n"
	fi
	guest_config "$@" >"/tmp/xen/$1.cfg"
	timeout "${GUEST_TIMEOUT:-120}" xl create "/tmp/xen/$1.cfg" \
		>"/tmp/xen/$1.create" 2>&1
}

# guest_wait NAME [SECS]: wait (default 120 s) until the guest printed
# "rig-guest: done"; fails at once if the domain is gone.
guest_wait() {
	_t=$((${2:-120} * 5))
	while [ "$_t" -gt 0 ]; do
		grep -q '^rig-guest: done' "$(guest_log "$1")" 2>/dev/null && return 0
		xl domid "$1" >/dev/null 2>&1 || return 1
		sleep 0.2
		_t=$((_t - 1))
	done
	return 1
}

# guest_lines NAME KIND: the guest's "rig-guest: KIND REST" lines, as REST.
guest_lines() {
	tr -d '\r' <"$(guest_log "$1")" 2>/dev/null |
		sed -n "s/^rig-guest: $2 //p"
}

# check_guest_pci DESC NAME "VVVV:DDDD DRIVER": ok when the guest reported
# a PCI device with those IDs, bound to DRIVER ("VVVV:DDDD" alone: any).
check_guest_pci() {
	_pci=$(guest_lines "$2" pci | tr '\n' ' ')
	case " $_pci " in
	*" $3 "*) ok "$1" ;;
	*) not_ok "$1" "the guest reported: ${_pci:-no PCI device}" ;;
	esac
}

# guest_destroy NAME: destroy the domain and wait (10 s) until xl no longer
# lists it.
guest_destroy() {
	xl destroy "$1" || return 1
	_t=50
	while xl domid "$1" >/dev/null 2>&1; do
		_t=$((_t - 1))
		[ "$_t" -gt 0 ] || return 1
		sleep 0.2
	done
}

# guest_diag NAME: the tail of the guest's console and of xl's output, as
# TAP diagnostics, for a failed step.
guest_diag() {
	diag "xl create output:"
	diag "$(cat "/tmp/xen/$1.create" 2>/dev/null)"
	diag "guest console (last 20 lines):"
	diag "$(tr -d '\r' <"$(guest_log "$1")" 2>/dev/null | tail -n 20)"
}

# xl_virt_caps: the virt_caps line of "xl info" (e.g. "pv hvm hvm_directio
# pv_directio hap shadow").
xl_virt_caps() {
	xl info | sed -n 's/^virt_caps *: *//p'
}

# pciback_assign BDF: hand BDF to xen-pciback through driver_override, as
# "xl pci-assignable-add" would, but without xl: set the override, unbind
# the current driver, ask the core to probe again.  pciback then lists the
# device in its slots.
pciback_assign() {
	_d=/sys/bus/pci/devices/$1
	echo pciback >"$_d/driver_override" || return 1
	if [ -L "$_d/driver" ]; then
		echo "$1" >"$_d/driver/unbind" || return 1
	fi
	echo "$1" >/sys/bus/pci/drivers_probe
}
