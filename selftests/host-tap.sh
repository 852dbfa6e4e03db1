# SPDX-License-Identifier: GPL-2.0
# TAP for the host-side tests that run as root (selftests/install/run.sh,
# selftests/deb/run.sh): source it, then ok/not_ok/check each test, bail
# when the set-up fails; the counters n, pass and fail make the plan and
# the closing "N passed, N failed" line.
# shellcheck shell=bash
n=0 pass=0 fail=0

ok() {	# ok DESC: a passing test
	n=$((n + 1)) pass=$((pass + 1))
	echo "ok $n - $1"
}

not_ok() {	# not_ok DESC [LOGFILE]: a failing test, with its log as comments
	n=$((n + 1)) fail=$((fail + 1))
	echo "not ok $n - $1"
	[ -n "${2:-}" ] && [ -s "$2" ] && sed 's/^/# /' "$2" | tail -n 30
	return 0
}

check() {	# check DESC LOGFILE CMD...: ok when CMD succeeds
	local desc=$1 log=$2
	shift 2
	if "$@" > "$log" 2>&1; then ok "$desc"; else not_ok "$desc" "$log"; fi
}

bail() {	# bail WHY [LOGFILE]: the set-up failed, nothing more can be tested
	not_ok "$1" "${2:-}"
	echo "1..$n"
	echo "$pass passed, $fail failed"
	exit 1
}
