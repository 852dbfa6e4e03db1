#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: build, then unit tests, lint and the VM tests. Every stage
# runs even when an earlier one failed; the closing line totals them all.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export RESULTS_DIR=$top/build/results
rm -rf "$RESULTS_DIR"
mkdir -p "$RESULTS_DIR"

stage() {	# stage NAME CMD...: run a stage that writes its own result
	echo "=== $1"
	shift
	"$@"
}

# The VM rig prints its own closing "N passed, N failed[, N skipped]" line
# (a crash or timeout counts as a failure there); record it.
vm_stage() {
	local log=$RESULTS_DIR/vm.log line p f s
	make -s vmtest 2>&1 | tee "$log"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
	f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
	s=$(echo "$line" | sed -n 's/.* \([0-9]*\) skipped.*/\1/p')
	if [ -z "$line" ]; then
		echo "not ok - the VM stage printed no result"
		p=0 f=1
	fi
	echo "${p:-0} ${f:-0} ${s:-0}" > "$RESULTS_DIR/vm"
}

if ! make -s all; then
	echo "not ok - build failed"
	echo "0 1 0" > "$RESULTS_DIR/build"
else
	stage unit make -s -C selftests/unit run
	stage lint scripts/tap-run.sh lint scripts/lint.sh
	stage vm vm_stage
fi

pass=0 fail=0 skip=0
for f in "$RESULTS_DIR"/unit "$RESULTS_DIR"/lint "$RESULTS_DIR"/vm "$RESULTS_DIR"/build; do
	[ -f "$f" ] || continue
	read -r p f_ s < "$f"
	pass=$((pass + p)) fail=$((fail + f_)) skip=$((skip + s))
done
for stage in unit lint vm; do
	[ -f "$RESULTS_DIR/$stage" ] || { echo "stage $stage produced no result"; fail=$((fail + 1)); }
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
