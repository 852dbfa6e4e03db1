#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The rig's persistent /etc/pciguard (run.sh --disk): it is the ext4 file
# system of the virtio disk with serial pciguard-etc at 0000:00:0a.0, and
# what a boot writes there is there in the next boot.  The test keeps a
# counter in /etc/pciguard/.rig_disk (the number of the disk's last boot
# that ran it, and its topology) and does not sync: the rig's unmount at
# power-off must make it last.  Run it in each boot of a sequence
# (run.sh --disk-new IMG, then run.sh --disk IMG ...): boot 1 finds no
# counter, boot N finds the one boot N-1 left.
#
# Also checks the facts the persistence tests rely on in the topologies
# made for them: changed (01:00.0 another device, 02:00.0 another DSN,
# 06:00.0 gone; and, when the previous boot of the disk was reference, that
# 02:00.0's DSN differs from the one recorded then) and many (FLR-capable
# endpoints, one per root port; an FLR of an unbound one is timed).
# Without --disk only those topology checks run.
# shellcheck source-path=SCRIPTDIR/.. source=lib.sh
. /tests/lib.sh

tap_begin

# pci_dsn BDF: the PCIe Device Serial Number as lspci prints it
# (52-54-00-ff-ff-00-02-01), walking the extended capabilities from 0x100
# for ID 0x0003; fails when there is none.
pci_dsn() {
	_off=256
	_n=0
	while [ "$_off" -ne 0 ] && [ $_n -lt 64 ]; do
		_h=$(setpci -s "$1" "$(printf %x "$_off").l") || return 1
		case $_h in 00000000 | ffffffff) return 1 ;; esac
		if [ $((0x$_h & 0xffff)) -eq 3 ]; then
			_lo=$(setpci -s "$1" "$(printf %x $((_off + 4))).l")
			_hi=$(setpci -s "$1" "$(printf %x $((_off + 8))).l")
			echo "$_hi$_lo" | sed 's/../&-/g; s/-$//'
			return 0
		fi
		_off=$(((0x$_h >> 20) & 0xffc))
		_n=$((_n + 1))
	done
	return 1
}

pci_id() {
	echo "$(sed 's/^0x//' "/sys/bus/pci/devices/$1/vendor"):$(sed 's/^0x//' "/sys/bus/pci/devices/$1/device")"
}

# ---- the disk ----------------------------------------------------------------
disk_serial=
read -r cmdline </proc/cmdline
for arg in $cmdline; do
	case $arg in
	rig.etc=*) disk_serial=${arg#*=} ;;
	esac
done

if [ -z "$disk_serial" ]; then
	skip "/etc/pciguard is on the rig's disk" "no --disk"
elif [ -z "${RIG_ETC:-}" ]; then
	not_ok "/etc/pciguard is on the rig's disk" \
		"rig.etc=$disk_serial given but init did not mount it (see the console log)"
else
	mnt=$(awk '$2 == "/etc/pciguard"' /proc/mounts)
	check_eq "/etc/pciguard is mounted from $RIG_ETC_DEV, ext4, read-write" \
		"$RIG_ETC_DEV /etc/pciguard ext4 rw" \
		"$(echo "$mnt" | awk '{ split($4, o, ","); print $1, $2, $3, o[1] }')"
	dev=${RIG_ETC_DEV#/dev/}
	check_eq "$RIG_ETC_DEV has the serial $disk_serial" "$disk_serial" \
		"$(cat "/sys/block/$dev/serial" 2>&1)"
	check_eq "the disk is PCI device 0000:00:0a.0" 0000:00:0a.0 "$RIG_ETC_BDF"
	check_eq "0000:00:0a.0 is a transitional virtio-blk (1af4:1001) on virtio-pci" \
		"1af4:1001 virtio-pci" "$(pci_id 0000:00:0a.0) $(pci_driver 0000:00:0a.0)"

	# The rig's own records: the boot counter and the previous topology.
	case $RIG_ETC_BOOT in
	'' | 0 | *[!0-9]*) not_ok "RIG_ETC_BOOT is a boot number" "RIG_ETC_BOOT='$RIG_ETC_BOOT'" ;;
	*) ok "RIG_ETC_BOOT is a boot number ($RIG_ETC_BOOT)" ;;
	esac
	hist=$(cat /run/rig/disk/rig/history 2>&1)
	check_eq "the disk's history ends with this boot" \
		"$RIG_ETC_BOOT ${RIG_TOPOLOGY:--} $RIG_KVER" "$(echo "$hist" | tail -n 1)"
	if [ "$RIG_ETC_BOOT" = 1 ]; then
		check_eq "a fresh disk has no previous boot" "" "$RIG_ETC_PREV"
	else
		check_eq "RIG_ETC_PREV is the previous boot's topology" \
			"$(echo "$hist" | tail -n 2 | head -n 1 | cut -d' ' -f2)" "$RIG_ETC_PREV"
	fi
	check "RIG_NOTES is a directory on the disk" test -d "$RIG_NOTES"

	# The counter.
	f=/etc/pciguard/.rig_disk
	last=
	[ -f "$f" ] && read -r last _ <"$f"
	if [ "$RIG_ETC_BOOT" = 1 ]; then
		check_eq "boot 1 of a fresh disk finds no counter" "" "$last"
	elif [ -z "$last" ]; then
		not_ok "boot $RIG_ETC_BOOT finds the counter of an earlier boot" \
			"$f missing: no earlier boot of this disk ran rig_disk.sh, or its write was lost"
	elif [ "$last" -lt "$RIG_ETC_BOOT" ]; then
		ok "boot $RIG_ETC_BOOT finds the counter of an earlier boot: $last -> $RIG_ETC_BOOT"
		[ "$last" -eq $((RIG_ETC_BOOT - 1)) ] ||
			diag "the boots between $last and $RIG_ETC_BOOT did not run rig_disk.sh"
	else
		not_ok "boot $RIG_ETC_BOOT finds the counter of an earlier boot" "$f says $last"
	fi
	echo "$RIG_ETC_BOOT ${RIG_TOPOLOGY:--}" >"$f"
	check_eq "the counter is written" "$RIG_ETC_BOOT ${RIG_TOPOLOGY:--}" "$(cat "$f")"
	diag "/etc/pciguard holds: $(find /etc/pciguard -mindepth 1 | tr "\n" " ")"
fi

# ---- topology facts ------------------------------------------------------------
# Record 02:00.0's DSN for the next boot, check it against the last one's.
dsn2=$(pci_dsn 0000:02:00.0) || dsn2=
case ${RIG_TOPOLOGY:-reference} in
reference)
	check_eq "reference: 02:00.0 (e1000e) has DSN 52-54-00-ff-ff-00-02-01" \
		52-54-00-ff-ff-00-02-01 "$dsn2"
	;;
changed)
	check_eq "changed: 01:00.0 is an e1000e (8086:10d3)" 8086:10d3 "$(pci_id 0000:01:00.0)"
	# pciguard holds it when a persistence boot hides it (pciguard.hide=).
	drv=$(pci_driver 0000:01:00.0)
	case $drv in
	e1000e | pciguard) ok "changed: 01:00.0 is bound ($drv)" ;;
	*) not_ok "changed: 01:00.0 is bound to e1000e (or held by pciguard)" "driver: '$drv'" ;;
	esac
	check_eq "changed: 02:00.0 keeps its IDs (8086:10d3)" 8086:10d3 "$(pci_id 0000:02:00.0)"
	check_eq "changed: 02:00.0 has DSN 52-54-00-ff-ff-00-02-02" \
		52-54-00-ff-ff-00-02-02 "$dsn2"
	check "changed: 06:00.0 (xHCI) is gone" test ! -e /sys/bus/pci/devices/0000:06:00.0
	check "changed: its root port 00:14.0 is still there" \
		test -e /sys/bus/pci/devices/0000:00:14.0
	unbound=
	for bdf in 0000:03:00.0 0000:03:00.1 0000:05:01.0 0000:05:02.0; do
		[ -n "$(pci_driver $bdf)" ] || unbound="$unbound $bdf"
	done
	check_eq "changed: the unchanged endpoints are bound" "" "$unbound"
	if [ -n "${RIG_NOTES:-}" ] && [ "$RIG_ETC_PREV" = reference ] &&
		[ -f "$RIG_NOTES/rig_disk.dsn" ]; then
		old=$(cat "$RIG_NOTES/rig_disk.dsn")
		if [ -n "$old" ] && [ "$old" != "$dsn2" ]; then
			ok "changed: 02:00.0's DSN differs from the previous (reference) boot's ($old -> $dsn2)"
		else
			not_ok "changed: 02:00.0's DSN differs from the previous (reference) boot's" \
				"previous: '$old', now: '$dsn2'"
		fi
	fi
	;;
many)
	nflr=0
	bad=
	for d in /sys/bus/pci/devices/*; do
		case " $(cat "$d/reset_method" 2>/dev/null) " in
		*" flr "*) ;;
		*) continue ;;
		esac
		nflr=$((nflr + 1))
		# Alone behind a root port: the parent is a 1b36:000c on bus 00.
		up=$(basename "$(dirname "$(readlink -f "$d")")")
		case $up in
		0000:00:*) [ "$(pci_id "$up")" = 1b36:000c ] || bad="$bad ${d##*/}" ;;
		*) bad="$bad ${d##*/}" ;;
		esac
	done
	check "many: at least 8 endpoints list flr ($nflr)" test "$nflr" -ge 8
	check_eq "many: each FLR-capable endpoint sits right below a root port" "" "$bad"
	# Unbound: virtio-pci has no reset_prepare/reset_done, so an FLR under
	# the driver kills the device for it (a virtio-rng read then hangs).
	b=0000:03:00.0
	d=/sys/bus/pci/devices/$b
	check "many: unbind $b (virtio-net)" sh -c "echo $b > $d/driver/unbind"
	if echo flr >"$d/reset_method"; then
		read -r t0 _ </proc/uptime
		check "many: FLR of $b, unbound" sh -c "echo 1 > $d/reset"
		read -r t1 _ </proc/uptime
		diag "one FLR took about $(((${t1%.*}${t1#*.} - ${t0%.*}${t0#*.}) * 10)) ms"
		echo default >"$d/reset_method"
	else
		not_ok "many: flr can be selected for $b"
	fi
	echo "$b" >/sys/bus/pci/drivers/virtio-pci/bind
	check_eq "many: $b is bound again, reset_method restored" \
		"virtio-pci flr pm bus" "$(pci_driver $b) $(cat "$d/reset_method")"
	check "many: $b has its netdev back" sh -c "ls -d $d/virtio*/net/*"
	;;
esac
[ -z "${RIG_NOTES:-}" ] || echo "$dsn2" >"$RIG_NOTES/rig_disk.dsn"

tap_end
