#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Netlink fuzzing: nl_fuzz (selftests/vm/progs/nl_fuzz.c) sends 10,000
# malformed and random requests to the family; each must get an extack
# error or a correct answer (its TAP lines are repeated here). Then the
# module must be sane: 0000:01:00.0 back with virtio-pci, nothing in
# custody, no pciguard warning in the kernel log, and it unloads and loads
# again. Reference topology. NL_FUZZ_ARGS (e.g. "--seed 42") go to nl_fuzz.
. /tests/lib.sh
tap_begin
modprobe pciguard
# With vfio-pci loaded, assign can succeed and detach and violation reach
# their code too.
vfio_was_loaded=0
test -d /sys/module/vfio_pci && vfio_was_loaded=1
modprobe vfio-pci

echo "nl_fuzz.sh: fuzzing starts" >/dev/kmsg
# shellcheck disable=SC2086 # NL_FUZZ_ARGS is a list of arguments
/usr/bin/nl_fuzz --count 10000 ${NL_FUZZ_ARGS:-} >/tmp/nl_fuzz.out 2>&1
rc=$?
while IFS= read -r line; do
	case $line in
	"ok "*) ok "nl_fuzz: ${line#ok * - }" ;;
	"not ok "*) not_ok "nl_fuzz: ${line#not ok * - }" ;;
	"#"*) echo "$line" ;;
	"TAP version"* | 1..*) ;;
	*) diag "nl_fuzz: $line" ;;
	esac
done </tmp/nl_fuzz.out
check_eq "nl_fuzz exits 0" 0 "$rc"

check_eq "0000:01:00.0 is back with virtio-pci" virtio-pci \
	"$(pci_driver 0000:01:00.0)"
out=$(pciguard list --json)
check_eq "pciguard list works after the run" 0 "$?"
check_eq "nothing is left in custody" 0 "$(echo "$out" | jq length)"
check_eq "pciguard show of 0000:01:00.0 says host" host \
	"$(pg_json 0000:01:00.0 .state)"

# Warnings (level 4) and worse since the start that name pciguard or the
# device it fuzzed with. A violation report that is accepted is logged at
# warning level by design: those lines are expected.
dmesg -r >/tmp/nl_fuzz.log
if grep -q 'nl_fuzz.sh: fuzzing starts' /tmp/nl_fuzz.log; then
	bad=$(sed -n '/nl_fuzz.sh: fuzzing starts/,$p' /tmp/nl_fuzz.log |
		grep '^<[0-4]>' | grep -e pciguard -e 0000:01:00.0 |
		grep -v 'backend violates the config-space policy')
	check_eq "no pciguard warning in the kernel log" "" "$bad"
	diag "core netlink warnings (ratelimited): $(sed -n \
		'/nl_fuzz.sh: fuzzing starts/,$p' /tmp/nl_fuzz.log |
		grep -c -e 'bytes leftover' -e 'has an invalid length')"
else
	not_ok "no pciguard warning in the kernel log" \
		"the start marker left the kernel log: it wrapped"
fi

test "$vfio_was_loaded" = 1 || modprobe -r vfio-pci
check "rmmod pciguard after the run" rmmod pciguard
check "modprobe pciguard after the run" modprobe pciguard
check_eq "0000:01:00.0 still with virtio-pci" virtio-pci \
	"$(pci_driver 0000:01:00.0)"
tap_end
