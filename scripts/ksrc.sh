#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Extract the few files pciguard takes from Debian's linux-source package at
# build time (never committed): the kselftest harness and checkpatch.
# Usage: ksrc.sh OUTDIR; prints nothing, leaves OUTDIR/{selftests,scripts}.
set -eu
out=$1
tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
if [ -z "$tarball" ]; then
	echo "ksrc.sh: /usr/src/linux-source-*.tar.xz missing; install linux-source-6.1 (make deps)" >&2
	exit 1
fi
stamp="$out/.stamp-$(basename "$tarball")"
[ -f "$stamp" ] && exit 0
top=$(basename "$tarball" .tar.xz)
tmp="$out.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
tar -xJf "$tarball" -C "$tmp" \
	"$top/tools/testing/selftests/kselftest_harness.h" \
	"$top/tools/testing/selftests/kselftest.h" \
	"$top/scripts/checkpatch.pl" \
	"$top/scripts/spelling.txt" \
	"$top/scripts/const_structs.checkpatch"
rm -rf "$out"
mkdir -p "$out"
mv "$tmp/$top/tools/testing/selftests" "$out/selftests"
mv "$tmp/$top/scripts" "$out/scripts"
rm -rf "$tmp"
touch "$stamp"
