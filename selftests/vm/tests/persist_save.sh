#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Persistence, boot 1 of 3 (reference topology, a fresh disk at
# /etc/pciguard): hide and assign --persistent write the store, forget
# drops entries, cmdline prints the early-boot list; a corrupt store stops
# every command before it changes anything; concurrent CLIs lose nothing;
# 100 CLIs killed with SIGKILL while saving never leave a broken or short
# file. Boot 2 (persist_restore.sh) restores what this boot saved.
. /tests/lib.sh
tap_begin
modprobe pciguard
store=/etc/pciguard/devices.conf
vfio=-o\ backend=vfio-pci

# entry BDF [FILE]: the lines of BDF's entry, comments left out.
entry() {
	awk -v b="$1" '/^device /{p = ($2 == b)} p && !/^[ \t]*#/ && NF' \
		"${2:-$store}"
}

check "/etc/pciguard is the virtio disk, mounted" \
	sh -c "grep -q ' /etc/pciguard ' /proc/mounts"
rm -rf /etc/pciguard/* /etc/pciguard/.devices.conf.* 2>/dev/null
out=$(pciguard cmdline)
check_eq "cmdline: an empty store prints nothing (exit 0)" "0:" "$?:$out"
out=$(pciguard restore)
check_eq "restore: an empty store is nothing to do (exit 0)" \
	"0:restore: no entries in /etc/pciguard/devices.conf" "$?:$out"

# ---- saving ----------------------------------------------------------------
out=$(pciguard hide --persistent 02:00.0 06:00.0)
check_eq "hide --persistent succeeds" 0 "$?"
check_eq "  and says what it saved where" "$(printf '%s\n' \
	"0000:02:00.0: persistent: hide" "0000:06:00.0: persistent: hide" \
	"saved in /etc/pciguard/devices.conf")" \
	"$(echo "$out" | grep -v ': quarantined')"
check_eq "  the devices are quarantined" "pciguard pciguard" \
	"$(pci_driver 0000:02:00.0) $(pci_driver 0000:06:00.0)"
dsn=$(pg_json 02:00.0 .serial)
check "  e1000e has a serial number (QEMU derives it from the MAC)" \
	sh -c "echo '$dsn' | grep -qx '[0-9a-f][0-9a-f]\(-[0-9a-f][0-9a-f]\)\{7\}'"
check_eq "  02:00.0's entry: address, path, IDs, serial, action" \
	"$(printf 'device 0000:02:00.0\n\tpath 00_11.0-00_00.0\n\tid 8086:10d3\n\tsubsystem 8086:0000\n\tserial %s\n\thide' "$dsn")" \
	"$(entry 0000:02:00.0)"
check_eq "  06:00.0 has no serial line" \
	"$(printf 'device 0000:06:00.0\n\tpath 00_14.0-00_00.0\n\tid 1b36:000d\n\tsubsystem 1af4:1100\n\thide')" \
	"$(entry 0000:06:00.0)"
check "  the file is commented and names pciguard(8)" \
	grep -q '^# .*pciguard(8)' "$store"
check_eq "  mode 0644, owned by root" "644 0" "$(stat -c '%a %u' "$store")"

out=$(pciguard assign --persistent vm1 01:00.0 $vfio -o permissive=true)
check_eq "assign --persistent succeeds" 0 "$?"
check "  saves it" sh -c "echo '$out' | grep -qx '0000:01:00.0: persistent: assign vm1 backend=vfio-pci permissive=true'"
check_eq "  01:00.0's entry keeps the guest and the options" \
	"$(printf 'device 0000:01:00.0\n\tpath 00_10.0-00_00.0\n\tid 1af4:1041\n\tsubsystem 1af4:1100\n\tassign vm1 backend=vfio-pci permissive=true')" \
	"$(entry 0000:01:00.0)"
cap=$(virtio_pci_cfg_cap 0000:03:00.0)
grant=$(printf '0x%x:4' $((cap + 8)))
out=$(pciguard assign vm2 03:00.0 03:00.1 $vfio -o "allow-write=$grant" --persistent)
check_eq "assign --persistent of a multifunction slot with a grant" 0 "$?"
check_eq "  both functions saved with the grant" \
	"assign vm2 backend=vfio-pci allow-write=$grant
assign vm2 backend=vfio-pci allow-write=$grant" \
	"$(entry 0000:03:00.0 | grep assign | tr -d '\t'; entry 0000:03:00.1 | grep assign | tr -d '\t')"
check_eq "cmdline prints pciguard.hide= for every entry" \
	"pciguard.hide=(0000:02:00.0)(0000:06:00.0)(0000:01:00.0)(0000:03:00.0)(0000:03:00.1)" \
	"$(pciguard cmdline)"
check_eq "  and the module's own parser accepts it" 0 \
	"$(pciguard cmdline --check "$(pciguard cmdline)" >/dev/null 2>&1; echo $?)"

# hide --persistent of an assigned device keeps its assignment.
cp "$store" /tmp/store.before
out=$(pciguard hide --persistent 01:00.0)
check "hide --persistent of an assigned device records it as assigned" \
	sh -c "echo '$out' | grep -qx '0000:01:00.0: persistent: assign vm1 backend=vfio-pci permissive=true'"
check "  the entry is the same" cmp -s /tmp/store.before "$store"

# ---- forget ---------------------------------------------------------------
out=$(pciguard forget 05:01.0 2>&1)
check_eq "forget of a device without an entry fails" \
	"1:pciguard: cannot forget 0000:05:01.0: /etc/pciguard/devices.conf has no entry for it ('pciguard restore --dry-run' lists the entries); nothing was changed" \
	"$?:$out"
check "  and changes nothing" cmp -s /tmp/store.before "$store"
out=$(pciguard forget 06:00.0 05:01.0 2>&1)
check_eq "forget is all or nothing" 1 "$?"
check "  06:00.0 is still saved" cmp -s /tmp/store.before "$store"
pciguard hide --persistent 05:01.0 >/dev/null
out=$(pciguard forget 05:01.0)
check_eq "forget drops an entry and leaves the device as it is" \
	"0:0000:05:01.0: forgotten (was: hide); its state now is unchanged
saved in /etc/pciguard/devices.conf" "$?:$out"
check_eq "  it is still quarantined" pciguard "$(pci_driver 0000:05:01.0)"
check "  the rest of the store is as before" cmp -s /tmp/store.before "$store"

# ---- a corrupt store: file:line, nothing changes ----------------------------
cp "$store" /tmp/store.good
sed -i 's/^\tsubsystem 1af4:1100$/\tsubsytem 1af4:1100/' "$store"
line=$(grep -n subsytem "$store" | head -n 1 | cut -d: -f1)
cp "$store" /tmp/store.bad
pci_drivers > /tmp/drivers.before
out=$(pciguard hide --persistent 05:02.0 2>&1)
check_eq "a corrupt store: hide --persistent fails with file:line" \
	"1:pciguard: /etc/pciguard/devices.conf:$line: unknown keyword 'subsytem'; an entry has device, path, id, subsystem, serial, hide, assign and force lines
pciguard: nothing was changed; fix /etc/pciguard/devices.conf (pciguard(8), FILES describes it) and run the command again" \
	"$?:$out"
pci_drivers > /tmp/drivers.after
check "  no device changed hands" diff /tmp/drivers.before /tmp/drivers.after
check "  the file is untouched" cmp -s /tmp/store.bad "$store"
out=$(pciguard assign --persistent vm3 05:02.0 $vfio 2>&1)
check_eq "  assign --persistent fails too" 1 "$?"
pci_drivers > /tmp/drivers.after
check "  no device changed hands" diff /tmp/drivers.before /tmp/drivers.after
for cmd in "forget 02:00.0" cmdline restore; do
	out=$(pciguard $cmd 2>&1)
	check_eq "  $cmd fails with the same line number" \
		"1:pciguard: /etc/pciguard/devices.conf:$line: unknown keyword 'subsytem'" \
		"$?:$(echo "$out" | head -n 1 | sed 's/;.*//')"
done
check "  the file is still untouched" cmp -s /tmp/store.bad "$store"
pci_drivers > /tmp/drivers.after
check "  and still no device changed hands" diff /tmp/drivers.before /tmp/drivers.after
printf 'device 0000:07:00.0\n\thide\n' >> /tmp/store.good
cp /tmp/store.good "$store"
out=$(pciguard cmdline 2>&1)
check_eq "an entry without path/id/subsystem is an error at its device line" \
	"pciguard: /etc/pciguard/devices.conf:$(grep -n '^device 0000:07:00.0' "$store" | cut -d: -f1): the entry for 0000:07:00.0 lacks a 'path' line (its stable PCI path); add it, or delete the entry and save the device again with --persistent" \
	"$(echo "$out" | head -n 1)"
cp /tmp/store.before "$store"

# ---- concurrent writers are serialised -------------------------------------
d=/etc/pciguard/concurrent
rm -rf "$d"
pciguard hide 05:02.0 >/dev/null
for b in 01:00.0 02:00.0 03:00.0 03:00.1 05:01.0 05:02.0 06:00.0; do
	pciguard --config-dir "$d" hide --persistent "$b" >/dev/null 2>&1 &
done
wait
check_eq "7 CLIs saving at once: every entry is there" \
	"0000:01:00.0 0000:02:00.0 0000:03:00.0 0000:03:00.1 0000:05:01.0 0000:05:02.0 0000:06:00.0" \
	"$(grep '^device ' "$d/devices.conf" | cut -d' ' -f2 | sort | tr '\n' ' ' | sed 's/ $//')"

# ---- kill -9 while saving ----------------------------------------------------
# The CLI says "saved in" only once the new file is in place. A pause
# between writing the new file and renaming it (a test hook) widens the
# window; half the kills land before, during or after saves at random, the
# other half once the temporary file is there, so inside a save.
d=/etc/pciguard/kill
rm -rf "$d"
mkdir -p "$d"
# ms: milliseconds since boot, at /proc/uptime's 10 ms resolution.
ms() {
	read -r up _ < /proc/uptime
	frac=${up#*.}
	echo $((${up%.*} * 1000 + 10 * ${frac#0}))
}
# How long a save takes here, with a 20 ms pause: kills are spread over
# one and a half times that.
t0=$(ms)
for b in 05:01.0 05:02.0 05:01.0 05:02.0; do
	PCIGUARD_TEST_SAVE_PAUSE_MS=20 pciguard --config-dir "$d" hide --persistent $b >/dev/null
	PCIGUARD_TEST_SAVE_PAUSE_MS=20 pciguard --config-dir "$d" forget $b >/dev/null
done
span=$(( ($(ms) - t0) / 8 * 3 / 2 + 10 ))
diag "a save takes about $((span * 2 / 3)) ms here; kills within $span ms"
tmp_there() {
	ls -a "$1" | grep -q '^\.devices\.conf\.'
}
have=""			# entries the store must have now
bad=0 torn=0 lost=0 midsave=0 done_=0
i=0
while [ $i -lt 100 ]; do
	i=$((i + 1))
	case $((i % 4)) in
	1) b=05:01.0 ;;
	2) b=05:02.0 ;;
	3) b=06:00.0 ;;
	0) b=02:00.0 ;;
	esac
	if echo "$have" | grep -q "0000:$b"; then
		op="forget $b"
	else
		op="hide --persistent $b"
	fi
	# Count only this kill's temporary file (the last kill's leftover
	# is for the check after the loop).
	rm -f "$d"/.devices.conf.*
	if [ $((i % 2)) -eq 1 ]; then
		# Anywhere: before, during or after the save.
		PCIGUARD_TEST_SAVE_PAUSE_MS=20 \
			pciguard --config-dir "$d" $op > /tmp/kill.out 2>&1 &
		pid=$!
		usleep $((RANDOM % span * 1000))
	else
		# In the save: once its temporary file is there (a longer
		# pause, so that a slow kernel does not make this a race).
		PCIGUARD_TEST_SAVE_PAUSE_MS=500 \
			pciguard --config-dir "$d" $op > /tmp/kill.out 2>&1 &
		pid=$!
		wait_for $((span / 1000 + 5)) tmp_there "$d"
	fi
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	ls -a "$d" | grep -q '^\.devices\.conf\.' && midsave=$((midsave + 1))
	if ! now=$(pciguard --config-dir "$d" cmdline 2>&1); then
		bad=$((bad + 1))
		diag "after '$op': $now"
		continue
	fi
	now=$(echo "$now" | sed 's/^pciguard.hide=//; s/)(/ /g; s/[()]//g')
	if grep -q '^saved in' /tmp/kill.out; then
		done_=$((done_ + 1))
		case $op in
		forget*) want=$(echo "$have" | tr ' ' '\n' | grep -v "0000:$b" | tr '\n' ' ') ;;
		*) want="$have 0000:$b" ;;
		esac
		want=$(echo $want | tr ' ' '\n' | sort | tr '\n' ' ')
		got=$(echo $now | tr ' ' '\n' | sort | tr '\n' ' ')
		if [ "$want" != "$got" ]; then
			lost=$((lost + 1))
			diag "after '$op' said saved: want '$want', have '$got'"
		fi
	fi
	# Killed before or during the save: old or new, never anything else.
	for e in $now; do
		echo "$have 0000:$b" | grep -q "$e" || torn=$((torn + 1))
	done
	have=$now
done
check_eq "100 CLIs killed while saving: the store always parses" 0 "$bad"
check_eq "  never loses an entry a CLI reported saved" 0 "$lost"
check_eq "  never holds an entry nobody saved" 0 "$torn"
diag "$done_ saves completed, $midsave kills left a half-written temporary file"
check "  some kills landed in the middle of a save" test "$midsave" -ge 25
check "  and some saves completed" test "$done_" -ge 5
pciguard --config-dir "$d" hide --persistent 05:01.0 >/dev/null 2>&1 ||
	pciguard --config-dir "$d" forget 05:01.0 >/dev/null
check "  the next writer removes the temporary files" \
	sh -c "! ls -a '$d' | grep -q '^\.devices\.conf\.'"

# Boot 2 restores this store: 02:00.0 and 06:00.0 hidden, 01:00.0 to vm1
# (permissive), 03:00.0 and 03:00.1 to vm2 (a grant). Write down what the
# module reports now, for boot 2 to compare.
rm -rf /etc/pciguard/concurrent /etc/pciguard/kill
for b in 01:00.0 02:00.0 03:00.0 03:00.1 06:00.0; do
	pciguard show --json "$b" | jq -c '{bdf, state, driver,
		guest: .custody.assigned.guest, backend: .custody.assigned.backend,
		permissive: .custody.assigned.permissive,
		no_strict_reset: .custody.assigned.no_strict_reset,
		grants: .custody.config.grants}'
done > /etc/pciguard/expected.state
check_eq "the state boot 2 must restore is written down" 5 \
	"$(wc -l < /etc/pciguard/expected.state)"
diag "$(cat /etc/pciguard/expected.state)"
tap_end
