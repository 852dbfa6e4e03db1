#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make lint: checkpatch --strict on the kernel sources, a W=1 build with
# sparse (C=2), and a -Werror build of the CLI. Prints TAP; any finding fails.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
KDIR=${KDIR:-$(scripts/kdir.sh)} || exit 1
scripts/ksrc.sh build/ksrc || exit 1
log=build/lint
mkdir -p "$log"
n=0 failed=0

result() {	# result DESC LOGFILE: ok when LOGFILE is empty
	n=$((n + 1))
	if [ -s "$2" ]; then
		echo "not ok $n - $1"
		sed 's/^/# /' "$2" | head -n 40
		failed=$((failed + 1))
	else
		echo "ok $n - $1"
	fi
}

echo "TAP version 13"
echo "1..3"

mapfile -t ksrc < <(find kmod -name '*.[ch]' ! -name '*.mod.c' | sort)
perl build/ksrc/scripts/checkpatch.pl --strict --no-tree --terse --show-types \
	-f "${ksrc[@]}" 2>&1 | grep -E 'ERROR|WARNING|CHECK' > "$log/checkpatch"
result "checkpatch --strict: kmod/ is clean" "$log/checkpatch"

# Rebuild every object of the module, for W=1 and sparse to see them all.
# Not kbuild's "M=$top clean": that deletes every .o and .ko below $top,
# build/ included (the debug kernel's tree and modules, packages' trees).
find kmod -maxdepth 1 \( -name '*.o' -o -name '*.ko' -o -name '*.mod' \
	-o -name '*.mod.c' -o -name '.*.cmd' \) -delete
make -C "$KDIR" M="$top" W=1 C=2 CHECK=sparse modules > "$log/kbuild.full" 2>&1
rc=$?
grep -vE '^make|^  [A-Z]|^Skipping BTF' "$log/kbuild.full" > "$log/kbuild"
[ $rc -eq 0 ] || echo "kernel build failed (exit $rc)" >> "$log/kbuild"
result "kernel module builds clean with W=1 and sparse (C=2)" "$log/kbuild"

make -s -B -C userspace CFLAGS="-O2 -g -Werror" > "$log/cli" 2>&1 || true
grep -E 'warning|error' "$log/cli" > "$log/cli.findings"
result "CLI builds clean with -Wall -Wextra -Werror" "$log/cli.findings"

[ "$failed" -eq 0 ]
