#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Privilege (pciguard(8), PRIVILEGES): every command that changes custody
# or the persistent store is refused, with one message naming what is
# missing and the fix, for a user without root, root without CAP_SYS_ADMIN,
# root without CAP_NET_ADMIN, "root" in a user namespace (of a user and of
# root) and root in another network namespace; the refusal changes nothing
# (module state, drivers, /etc/pciguard). The module refuses the same
# requests on its own (raw netlink, nl_perm). Read-only commands work for
# every one of them in the initial network namespace, events included, and
# are refused with a message in another one. Full root, the positive
# control, does each command. Reference topology; privdrop and nl_perm
# from selftests/vm/progs.
. /tests/lib.sh
tap_begin
modprobe pciguard

D=0000:01:00.0
STORE=/etc/pciguard
NEEDS="permission denied: changing device custody needs CAP_SYS_ADMIN and CAP_NET_ADMIN in the initial user and network namespace"
NETNS_MSG="pciguard: the pciguard module is loaded, but its netlink family exists only in the initial network namespace and this process runs in another one; run pciguard on the host (not under 'ip netns exec', 'unshare -n' or in a container)"
KMSG="pciguard: changing device custody needs CAP_SYS_ADMIN in the initial user namespace"
CONTEXTS="nonroot nosysadmin nonetadmin userns rootuserns netns"
tmp=/tmp/privilege
mkdir -p $tmp

userns_sysctl=/proc/sys/kernel/unprivileged_userns_clone
userns_was=
if [ -e $userns_sysctl ]; then
	userns_was=$(cat $userns_sysctl)
	echo 1 >$userns_sysctl
fi
[ -e $STORE/devices.conf ] && cp $STORE/devices.conf $tmp/store.orig

cleanup() {
	monitor_stop
	pciguard detach $D >/dev/null 2>&1
	pciguard release --to-host $D >/dev/null 2>&1
	pciguard forget $D >/dev/null 2>&1
	if [ -e $tmp/store.orig ]; then
		cp $tmp/store.orig $STORE/devices.conf
	fi
	[ -n "$userns_was" ] && echo "$userns_was" >$userns_sysctl
}
trap cleanup EXIT

# as CTX CMD [ARG...]: run CMD in one of the unprivileged contexts.
as() {
	_ctx=$1
	shift
	case $_ctx in
	nonroot) privdrop --uid 1000 -- "$@" ;;
	nosysadmin) privdrop --drop sys_admin -- "$@" ;;
	nonetadmin) privdrop --drop net_admin -- "$@" ;;
	userns) privdrop --uid 1000 --userns -- "$@" ;;
	rootuserns) privdrop --userns -- "$@" ;;
	netns) privdrop --netns -- "$@" ;;
	esac
}

# why CTX: what the CLI says the process lacks.
why() {
	case $1 in
	nonroot) echo "this process lacks CAP_SYS_ADMIN and CAP_NET_ADMIN" ;;
	nosysadmin) echo "this process lacks CAP_SYS_ADMIN" ;;
	nonetadmin) echo "this process lacks CAP_NET_ADMIN" ;;
	userns | rootuserns) echo "this process runs in a user namespace" ;;
	netns) echo "this process runs in another network namespace" ;;
	esac
}

# state: everything a refused command must leave alone.
state() {
	pciguard list --all --json
	pci_drivers
	cat /sys/bus/pci/devices/$D/driver_override
	ls -la $STORE
	md5sum $STORE/* 2>/dev/null
}

# refused WHAT CMD [ARG...]: in every context, "pciguard CMD ARG..." exits
# 1 with the permission message for WHAT ("hide 0000:01:00.0") and changes
# nothing.
refused() {
	_what=$1
	shift
	state >$tmp/before 2>&1
	for ctx in $CONTEXTS; do
		out=$(as "$ctx" pciguard "$@" 2>&1)
		check_eq "$ctx: pciguard $* is refused with the reason" \
			"1:pciguard: $_what: $NEEDS, and $(why "$ctx"); run it as root on the host" \
			"$?:$out"
		state >$tmp/after 2>&1
		if cmp -s $tmp/before $tmp/after; then
			ok "$ctx: pciguard $* changed nothing"
		else
			not_ok "$ctx: pciguard $* changed nothing" \
				"$(diff $tmp/before $tmp/after)"
		fi
	done
}

check "privdrop runs a command as a user" \
	sh -c "[ \"\$(privdrop --uid 1000 -- id -u)\" = 1000 ]"
check "privdrop can enter a user namespace as a user" \
	sh -c "[ \"\$(privdrop --uid 1000 --userns -- id -u)\" = 0 ]"

# --- setup and positive controls: full root does each command ---------------
out=$(pciguard hide --persistent $D)
check_eq "root: hide --persistent succeeds" 0 "$?"
out=$(pciguard release --to-host $D)
check_eq "root: release --to-host succeeds" 0 "$?"
check_eq "  $D is back with virtio-pci" virtio-pci "$(pci_driver $D)"
check "  the store still names $D" grep -q "^device $D" $STORE/devices.conf

# --- $D with dom0, the store naming it ----------------------------------------
refused "hide $D" hide $D
refused "hide $D" hide --persistent $D
refused "assign $D" assign privtest $D -o backend=vfio-pci
refused "assign $D" assign --persistent privtest $D -o backend=vfio-pci
refused "restore" restore
refused "forget $D" forget $D

# --- read-only commands -------------------------------------------------------
pciguard list --all >$tmp/list.root 2>&1
pciguard show --json $D >$tmp/show.root 2>&1
pciguard check $D >$tmp/check.root 2>&1
check_rc=$?
pciguard cmdline >$tmp/cmdline.root 2>&1
pciguard restore --dry-run >$tmp/dry.root 2>&1
for ctx in $CONTEXTS; do
	if [ "$ctx" = netns ]; then
		for cmd in "list --all" "show $D" "check $D" "monitor --count 1"; do
			# shellcheck disable=SC2086
			out=$(as "$ctx" pciguard $cmd 2>&1)
			check_eq "netns: pciguard $cmd says why it cannot" \
				"1:$NETNS_MSG" "$?:$out"
		done
		continue
	fi
	as "$ctx" pciguard list --all >$tmp/list."$ctx" 2>&1
	check_eq "$ctx: list --all works (exit 0)" 0 "$?"
	check "$ctx: list --all shows what root sees" \
		cmp $tmp/list.root $tmp/list."$ctx"
	as "$ctx" pciguard show --json $D >$tmp/show."$ctx" 2>&1
	check_eq "$ctx: show works (exit 0)" 0 "$?"
	check "$ctx: show shows what root sees" \
		cmp $tmp/show.root $tmp/show."$ctx"
	as "$ctx" pciguard check $D >$tmp/check."$ctx" 2>&1
	check_eq "$ctx: check exits as for root" $check_rc "$?"
	check "$ctx: check says what it says to root" \
		cmp $tmp/check.root $tmp/check."$ctx"
	as "$ctx" pciguard cmdline >$tmp/cmdline."$ctx" 2>&1
	check "$ctx: cmdline reads the store as root does" \
		cmp $tmp/cmdline.root $tmp/cmdline."$ctx"
	as "$ctx" pciguard restore --dry-run >$tmp/dry."$ctx" 2>&1
	check "$ctx: restore --dry-run reads as root does" \
		cmp $tmp/dry.root $tmp/dry."$ctx"
done

# Events: any user may listen (here, one with no privilege at all).
: >$tmp/ev
privdrop --uid 1000 -- pciguard monitor --json --count 1 >$tmp/ev 2>$tmp/ev.err &
mon=$!
wait_for 5 grep -q listening $tmp/ev.err
out=$(pciguard hide $D)
check_eq "root: hide succeeds" 0 "$?"
wait $mon
check_eq "nonroot: monitor --count 1 ends after the event (exit 0)" 0 "$?"
check "nonroot: monitor got the quarantined event" \
	event_seen $tmp/ev quarantined $D

# --- $D quarantined -----------------------------------------------------------
refused "release $D" release --to-host $D
refused "assign $D" assign privtest $D -o backend=vfio-pci
refused "hide $D" hide --persistent $D

# The module's own refusal, below the CLI: raw requests.
id=$(nl_perm resolve)
check "nl_perm resolves the family" test "$id" -gt 0
for ctx in $CONTEXTS; do
	state >$tmp/before 2>&1
	for cmd in hide release assign detach violation; do
		out=$(as "$ctx" nl_perm --family "$id" $cmd $D)
		case $ctx in
		nosysadmin) want="EPERM: $KMSG" ;;
		netns) want=ENOENT ;;
		*) want=EPERM ;;
		esac
		check_eq "$ctx: the module refuses DEV_${cmd} ($want)" \
			"$want" "$out"
	done
	state >$tmp/after 2>&1
	check "$ctx: the refused requests changed nothing" \
		cmp $tmp/before $tmp/after
	if [ "$ctx" = netns ]; then
		check_eq "netns: the family does not resolve" ENOENT \
			"$(as "$ctx" nl_perm resolve)"
		check_eq "netns: DEV_GET finds no family" ENOENT \
			"$(as "$ctx" nl_perm --family "$id" get $D)"
	else
		check_eq "$ctx: DEV_GET answers" ok \
			"$(as "$ctx" nl_perm get $D)"
		check_eq "$ctx: DEV_CHECK answers" ok \
			"$(as "$ctx" nl_perm check $D)"
	fi
done

# --- $D assigned --------------------------------------------------------------
out=$(pciguard assign privtest $D -o backend=vfio-pci)
check_eq "root: assign succeeds" 0 "$?"
check_eq "  $D is with vfio-pci" vfio-pci "$(pci_driver $D)"
refused "detach $D" detach $D
refused "release $D" release --to-host $D
refused "assign $D" assign --persistent privtest $D -o backend=vfio-pci

# --- positive controls, back to the start -------------------------------------
out=$(pciguard detach $D)
check_eq "root: detach succeeds" 0 "$?"
out=$(pciguard release --to-host $D)
check_eq "root: release --to-host succeeds" 0 "$?"
out=$(pciguard restore)
check_eq "root: restore succeeds" 0 "$?"
check_eq "  restore took $D" pciguard "$(pci_driver $D)"
out=$(pciguard forget $D)
check_eq "root: forget succeeds" 0 "$?"
check "  the store no longer names $D" \
	sh -c "! grep -q '^device $D' $STORE/devices.conf"
out=$(pciguard release --to-host $D)
check_eq "root: release --to-host succeeds" 0 "$?"
check_eq "  $D is back with virtio-pci" virtio-pci "$(pci_driver $D)"
tap_end
