# SPDX-License-Identifier: GPL-2.0
# TAP for the unit directory's shell tests: source it, then ok, not_ok
# (its second argument, any number of lines, goes out as comments) and
# skip each test; n counts them.
# shellcheck shell=sh
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; printf '%s\n' "$2" | sed 's/^/# /'; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
