#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run test programs that print TAP, echo their output, and count results.
# Usage: tap-run.sh SUITE CMD [CMD...]   (each CMD is one shell command)
# Writes "PASS FAIL SKIP" to $RESULTS_DIR/SUITE (default build/results) and
# prints "SUITE: N passed, N failed, N skipped". Exits 1 if anything failed.
# A program that exits non-zero without a "not ok" line counts one failure.
set -u
suite=$1
shift
results=${RESULTS_DIR:-$(dirname "$0")/../build/results}
mkdir -p "$results"
pass=0 fail=0 skip=0
for cmd in "$@"; do
	out=$(mktemp)
	bash -c "$cmd" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	p=$(grep -cE '^ok [0-9]+' "$out" | head -n1)
	s=$(grep -cE '^ok [0-9]+.*# (SKIP|skip)' "$out" | head -n1)
	f=$(grep -cE '^not ok [0-9]+' "$out" | head -n1)
	rm -f "$out"
	p=$((p - s))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - '$cmd' exited $rc"
		f=1
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
done
echo "$pass $fail $skip" > "$results/$suite"
echo "$suite: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
