#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The bash completion (packaging/bash-completion/pciguard) against a fake
# sysfs tree (PCIGUARD_SYSFS), a fake persistent store and a fake pciguard
# that prints a custody list: what each command line completes to, as
# bash would insert it (after the last ':' or '=' of the word). With the
# CLI built (userspace/pciguard), also that every command and every long
# option its --help names is offered. Prints TAP. No root needed.
set -u

TOP=$(cd "$(dirname "$0")/../.." && pwd)
COMPLETION=$TOP/packaging/bash-completion/pciguard
CLI=$TOP/userspace/pciguard
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export LC_ALL=C

# --- the fake system -------------------------------------------------------------
S=$T/sys
for b in 0000:00:00.0 0000:00:1f.2 0000:01:00.0 0000:03:00.0 0000:03:00.1 \
	 0001:02:00.0; do
	mkdir -p "$S/bus/pci/devices/$b"
done
usbdev() { # usbdev NAME VID PID [BUSNUM]
	mkdir -p "$S/bus/usb/devices/$1"
	echo "$2" > "$S/bus/usb/devices/$1/idVendor"
	echo "$3" > "$S/bus/usb/devices/$1/idProduct"
	[ $# -lt 4 ] || echo "$4" > "$S/bus/usb/devices/$1/busnum"
}
usbdev usb1 1d6b 0002 1
usbdev usb2 1d6b 0003 2
usbdev 1-1 413c 818d
mkdir -p "$S/bus/usb/devices/1-1:1.0"	# an interface: no IDs

# 'pciguard list' as the CLI prints it: 01:00.0 quarantined, 03:00.0
# assigned, 05:00.0 absent (in custody, off the bus). Each run leaves a mark.
mkdir -p "$T/bin"
cat > "$T/bin/pciguard" <<EOF
#!/bin/sh
touch "$T/ran"
[ "\$1" = list ] || exit 2
cat <<'LIST'
BDF           DRIVER    STATE            ORIGINAL    REFUSED  RESET  IOMMU  DEVICE
0000:01:00.0  pciguard  quarantined      virtio-pci  0        flr    5      Ethernet controller: Red Hat, Inc. Virtio 1.0 network device
0000:03:00.0  pciback   assigned:sys-usb xhci_hcd    1        bus    -      USB controller: NEC Corporation uPD720200 USB 3.0 Host Controller [USB bus 3,4]
0000:05:00.0  -         quarantined      e1000e      0        -      -      (absent: removed from the bus; taken again when it returns)

The pciguard module stays loaded while it holds 3 devices: 0000:01:00.0 0000:03:00.0 0000:05:00.0.
'pciguard release --to-host BDF...' gives them back to dom0.
LIST
EOF
chmod +x "$T/bin/pciguard"

mkdir -p "$T/etc" "$T/other"
printf 'device 0000:01:00.0\n\tpath 00_10.0-00_00.0\n\thide\n# device 0000:09:00.0\ndevice 0000:06:00.0\n' \
	> "$T/etc/devices.conf"
printf 'device 0000:07:00.0\n' > "$T/other/devices.conf"

# comp LINE [WORDBREAKS]: what the completion offers at the end of LINE,
# sorted, on one line; WORDBREAKS defaults to bash's.
comp() {
	PATH="$T/bin:$PATH" PCIGUARD_SYSFS=$S PCIGUARD_CONFIG_DIR=$T/etc \
	bash -c '
		source "$1" || exit 1
		COMP_LINE=$2 COMP_POINT=${#2} COMP_WORDBREAKS=$3
		_pciguard
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' \
		_ "$COMPLETION" "$1" "${2-$DEFAULT_BREAKS}" | sed 's/ $//'
}
DEFAULT_BREAKS=$' \t\n"'\''><=;|&(:'

# shellcheck source=selftests/unit/tap.sh
. "$(dirname "$0")/tap.sh"

# expect DESC LINE WANT [WORDBREAKS]
expect() {
	local got
	got=$(comp "$2" "${4-$DEFAULT_BREAKS}")
	if [ "$got" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "'$2': got '$got', want '$3'"
	fi
}

echo "TAP version 13"
echo "1..33"

# --- commands and options --------------------------------------------------------
expect "every command" "pciguard " \
	"assign check cmdline detach forget hide list monitor release restore show usb"
expect "commands by prefix" "pciguard re" "release restore"
expect "global options" "pciguard -" "--config-dir --help"
expect "the command after --config-dir DIR" "pciguard --config-dir /tmp c" "check cmdline"
expect "the command after --config-dir=DIR" "pciguard --config-dir=/tmp de" "detach"
expect "--config-dir completes directories" "pciguard --config-dir $T/ot" "$T/other"
expect "list's options" "pciguard list -" "--all --help --json"
expect "check's options, -o included" "pciguard check -" "--help --json --option -o"
expect "assign's options" "pciguard assign sys-net 01:00.0 --" "--force --help --option --persistent"
expect "release's options" "pciguard release --" "--force --help --to-host"
expect "an unknown command completes nothing" "pciguard frobnicate " ""

# --- option values -----------------------------------------------------------------
expect "-o values" "pciguard assign sys-net -o " \
	"allow-write= backend=pciback backend=vfio-pci no-strict-reset=true permissive=true"
expect "-o value after '=' (bash inserts the rest)" "pciguard check 01:00.0 -o backend=v" "vfio-pci"
expect "--option takes the same values" "pciguard check 01:00.0 --option perm" "permissive=true"
expect "--count takes a number: nothing offered" "pciguard monitor --count " ""
expect "--check takes a string: nothing offered" "pciguard cmdline --check " ""
expect "assign's DOMAIN: nothing offered" "pciguard assign " ""

# --- addresses from sysfs --------------------------------------------------------------
expect "hide: full addresses (after the last ':')" "pciguard hide 0000:0" \
	"00:00.0 00:1f.2 01:00.0 03:00.0 03:00.1"
expect "hide: short addresses, segment 0 only" "pciguard hide 03:" "00.0 00.1"
expect "hide: another segment in full" "pciguard hide 0001:" "02:00.0"
expect "hide: Qubes' dom0: form" "pciguard hide dom0:0" \
	"00_00.0 00_1f.2 01_00.0 03_00.0 03_00.1"
expect "whole words when ':' does not break words" "pciguard check 03" \
	"03:00.0 03:00.1" $' \t\n'
expect "assign: addresses after DOMAIN" "pciguard assign sys-net 01:00" "00.0"

# --- custody, from 'pciguard list', only with the module loaded --------------------------
rm -f "$T/ran"
expect "release without the module: sysfs addresses" "pciguard release 01" "01:00.0" $' \t\n'
if [ -e "$T/ran" ]; then
	not_ok "  and pciguard was not run (no module autoload)" "it ran"
else
	ok "  and pciguard was not run (no module autoload)"
fi
mkdir -p "$S/module/pciguard"
expect "release: quarantined ones, absent included" "pciguard release " \
	"0000:01:00.0 0000:05:00.0 01:00.0 05:00.0"
expect "detach: the assigned ones" "pciguard detach " "0000:03:00.0 03:00.0"
expect "show: sysfs and absent custody entries" "pciguard show 0" \
	"0000:00:00.0 0000:00:1f.2 0000:01:00.0 0000:03:00.0 0000:03:00.1 0000:05:00.0 0001:02:00.0 00:00.0 00:1f.2 01:00.0 03:00.0 03:00.1 05:00.0" \
	$' \t\n'
expect "show: one address only" "pciguard show 01:00.0 " ""

# --- the persistent store ------------------------------------------------------------
expect "forget: the store's entries" "pciguard forget " \
	"0000:01:00.0 0000:06:00.0 01:00.0 06:00.0"
expect "forget: the store of --config-dir" "pciguard --config-dir $T/other forget " \
	"0000:07:00.0 07:00.0"

# --- USB --------------------------------------------------------------------------------
expect "usb: bus numbers and VID:PID" "pciguard usb " "1 1d6b:0002 1d6b:0003 2 413c:818d"

# --- against the CLI itself --------------------------------------------------------------
if [ ! -x "$CLI" ]; then
	skip "every command and long option of the CLI is offered" "no $CLI (make cli)"
else
	missing=
	cmds=$("$CLI" --help | sed -n 's/^  \([a-z]\+\)  .*/\1/p')
	offered=" $(comp "pciguard ") "
	for c in $cmds; do
		[[ $offered == *" $c "* ]] || missing="$missing $c"
		# the option lines: "  -a, --all ..." or "  --all ..."
		opts=$("$CLI" "$c" --help |
			sed -n 's/^ \{1,\}\(-[a-z], \)\{0,1\}\(--[a-z-]\{1,\}\).*/\2/p')
		offered_opts=" $(comp "pciguard $c --") "
		[ "$c" = assign ] && offered_opts=" $(comp "pciguard $c vm1 01:00.0 --") "
		for o in $opts; do
			[[ $offered_opts == *" $o "* ]] || missing="$missing $c:$o"
		done
	done
	if [ -z "$cmds" ]; then
		not_ok "every command and long option of the CLI is offered" "no commands in --help"
	elif [ -n "$missing" ]; then
		not_ok "every command and long option of the CLI is offered" "missing:$missing"
	else
		ok "every command and long option of the CLI is offered"
	fi
fi
