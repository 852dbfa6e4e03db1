#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The comparison in selftests/vm/tests/ynl_spec.sh, on the host: run under
# busybox sh (as in the VM) against kernel facts made from the spec itself,
# it must pass; after each single drift (a missing op, a changed limit, an
# extra op, a nested attribute of the wrong type, a reply attribute the
# spec lacks or types otherwise, a controller that refuses) it must fail
# exactly once, naming the drift. Prints TAP.
set -u
top=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
echo "TAP version 13"

result() {	# result DESC OK [DIAG]
	n=$((n + 1))
	if [ "$2" = 1 ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		[ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/# /'
		failed=$((failed + 1))
	fi
}

/usr/bin/python3 "$top/selftests/vm/ynl-expect.py" \
	"$top/Documentation/netlink/pciguard.yaml" > "$tmp/expect" || exit 1
sed "s|/tests/lib.sh|$top/selftests/vm/lib.sh|" \
	"$top/selftests/vm/tests/ynl_spec.sh" > "$tmp/ynl_spec.sh"
mkdir "$tmp/bin"
printf '#!/bin/sh\nexec cat %s\n' "$tmp/facts" > "$tmp/bin/genl_spec"
printf '#!/bin/sh\nexit 0\n' > "$tmp/bin/modprobe"
chmod +x "$tmp/bin/"*

# What a family that agrees with the spec reports: its facts, the four
# address attributes inside every target nest, and one reply per attribute.
{
	grep -vE '^(#|label |may |reply )' "$tmp/expect"
	grep -E '^may attr [0-9]+ do 30\.[1-4] = ' "$tmp/expect" | cut -c5-
	sed -n 's/^reply \(.*\) = any$/sent \1 = flag nest/p;
		s/^reply \(.*\) = \(.*\)$/sent \1 = \2/p' "$tmp/expect"
	echo "devices 9"
} > "$tmp/good"

run() {	# run: the test's output on $tmp/facts
	PATH="$tmp/bin:$PATH" YNL_EXPECT="$tmp/expect" \
		busybox sh "$tmp/ynl_spec.sh" 2>&1
}

cp "$tmp/good" "$tmp/facts"
out=$(run)
nok=$(printf '%s\n' "$out" | grep -c '^ok ')
result "a family that agrees with the spec passes ($nok facts)" \
	"$([ "$nok" -ge 40 ] && ! printf '%s\n' "$out" | grep -q '^not ok' && echo 1)" "$out"

drift() {	# drift DESC EXPECTED-NOT-OK SED-SCRIPT [EXTRA-LINE]
	sed "$3" "$tmp/good" > "$tmp/facts"
	[ $# -gt 3 ] && echo "$4" >> "$tmp/facts"
	out=$(run)
	bad=$(printf '%s\n' "$out" | grep '^not ok')
	result "$1" "$([ "$(printf '%s\n' "$bad" | wc -l)" = 1 ] &&
		printf '%s\n' "$bad" | grep -qF -- "$2" && echo 1)" \
		"want one: not ok N - $2"$'\n'"got: $bad"
}

drift "an op the kernel lacks names itself" \
	"op dev-hide (2): in the spec, not in the kernel" '/^op 2 = /d'
drift "a limit that differs names itself" \
	"dev-assign do guest (attr 6 do 45): the kernel differs from the spec" \
	's/^attr 6 do 45 = .*/attr 6 do 45 = nul-string maxlen 64/'
drift "admin-perm the spec does not state names itself" \
	"op dev-check (5): the kernel differs from the spec" \
	's/^op 5 = .*/op 5 = do haspol admin-perm/'
drift "an op the spec lacks names itself" \
	"op ? (9): in the kernel, not in the spec" '' "op 9 = do haspol"
drift "a request attribute the spec lacks names itself" \
	"dev-detach do force (attr 7 do 31): in the kernel, not in the spec" '' \
	"attr 7 do 31 = flag"
drift "a nested attribute of another type names itself" \
	"dev-hide do target.bdf (attr 2 do 30.5): the kernel differs from the spec" '' \
	"attr 2 do 30.5 = u32"
drift "a reply attribute the spec lacks names itself" \
	"dev-get dump changed (attr 1 dump 55): sent, but not in the spec's reply" '' \
	"sent 1 dump 55 = flag nest"
drift "a reply attribute of another type names itself" \
	"dev-get dump driver (attr 1 dump 14): sent as something the spec's string cannot be" \
	's/^sent 1 dump 14 = .*/sent 1 dump 14 = u32/'
drift "a nested reply attribute outside the set names itself" \
	"dev-check do result.? (attr 5 do 38.99): sent, but not in the attribute set dev" '' \
	"sent 5 do 38.99 = u8"
drift "an empty dump fails" "the dev-get dump lists devices" '/^devices /d'
printf '#!/bin/sh\necho "# genl_spec: CTRL_CMD_GETFAMILY: No such file" >&2\nexit 1\n' \
	> "$tmp/bin/genl_spec"
drift "a controller that refuses fails" \
	"the controller describes the pciguard family" ''

echo "1..$n"
echo "# Totals: pass:$((n - failed)) fail:$failed"
[ "$failed" -eq 0 ]
