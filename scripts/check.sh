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

if ! make -s all; then
	echo "not ok - build failed"
	echo "0 1 0" > "$RESULTS_DIR/build"
else
	stage unit make -s -C selftests/unit run
	stage lint scripts/tap-run.sh lint scripts/lint.sh
	stage vm make -s vmtest
fi

pass=0 fail=0 skip=0
for f in "$RESULTS_DIR"/*; do
	read -r p f_ s < "$f"
	pass=$((pass + p)) fail=$((fail + f_)) skip=$((skip + s))
done
for stage in unit lint vm; do
	[ -f "$RESULTS_DIR/$stage" ] || { echo "stage $stage produced no result"; fail=$((fail + 1)); }
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
