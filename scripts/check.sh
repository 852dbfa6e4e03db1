#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: build, then unit tests, fuzzing, lint, the install and Debian
# package tests, the VM and the Xen tests. Every
# stage runs even when an earlier one failed; the closing line totals them all.
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

# The VM and Xen rigs print a closing "N passed, N failed[, N skipped]" line
# per boot (a crash or timeout counts as a failure there); add them up.
# rig_stage NAME MAKE-TARGET BOOTS
rig_stage() {
	local name=$1 target=$2 boots=$3
	local log=$RESULTS_DIR/$name.log line p=0 f=0 s=0 n=0 x
	make -s "$target" 2>&1 | tee "$log"
	while read -r line; do
		x=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
		p=$((p + ${x:-0}))
		x=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
		f=$((f + ${x:-0}))
		x=$(echo "$line" | sed -n 's/.* \([0-9]*\) skipped.*/\1/p')
		s=$((s + ${x:-0}))
		n=$((n + 1))
	done < <(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log")
	if [ "$n" -ne "$boots" ]; then
		echo "not ok - $n of $boots $name boots printed a result"
		f=$((f + 1))
	fi
	echo "$p $f $s" > "$RESULTS_DIR/$name"
}

if ! make -s all; then
	echo "not ok - build failed"
	echo "0 1 0" > "$RESULTS_DIR/build"
else
	stage unit make -s -C selftests/unit run
	stage fuzz scripts/tap-run.sh fuzz "make -s -C selftests/fuzz run"
	stage lint scripts/tap-run.sh lint scripts/lint.sh
	stage install scripts/tap-run.sh install "make -s check-install"
	stage deb rig_stage deb check-deb 2
	stage vm rig_stage vm vmtest 8
	stage xen rig_stage xen check-xen 2
fi

pass=0 fail=0 skip=0
for f in "$RESULTS_DIR"/unit "$RESULTS_DIR"/fuzz "$RESULTS_DIR"/lint "$RESULTS_DIR"/install "$RESULTS_DIR"/deb "$RESULTS_DIR"/vm "$RESULTS_DIR"/xen "$RESULTS_DIR"/build; do
	[ -f "$f" ] || continue
	read -r p f_ s < "$f"
	pass=$((pass + p)) fail=$((fail + f_)) skip=$((skip + s))
done
for stage in unit fuzz lint install deb vm xen; do
	[ -f "$RESULTS_DIR/$stage" ] || { echo "stage $stage produced no result"; fail=$((fail + 1)); }
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
