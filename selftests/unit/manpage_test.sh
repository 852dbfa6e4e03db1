#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The man page, Documentation/pciguard.8, against the CLI it documents:
# groff renders it without a warning, it has the sections a man page needs,
# and every command, every option of every command's --help (long and
# short) and every -o option the CLI accepts is in it. Needs the CLI built
# (make cli) and groff. Prints TAP. No root needed.
set -u

TOP=$(cd "$(dirname "$0")/../.." && pwd)
MAN=$TOP/Documentation/pciguard.8
CLI=$TOP/userspace/pciguard

# shellcheck source=selftests/unit/tap.sh
. "$(dirname "$0")/tap.sh"

echo "TAP version 13"
echo "1..5"

if ! command -v groff >/dev/null; then
	skip "groff renders it without warnings" "no groff (scripts/deps.sh)"
elif out=$(groff -man -ww -z "$MAN" 2>&1) && [ -z "$out" ]; then
	ok "groff renders it without warnings"
else
	not_ok "groff renders it without warnings" "$out"
fi

missing=
for s in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS FILES ENVIRONMENT \
	 "EXIT STATUS" EXAMPLES "SEE ALSO"; do
	grep -q -x -F -e ".SH $s" -e ".SH \"$s\"" "$MAN" || missing="$missing '$s'"
done
if [ -z "$missing" ]; then
	ok "every section a man page needs"
else
	not_ok "every section a man page needs" "missing:$missing"
fi

# The page with groff's escapes undone, for plain-text searches.
text=$(sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\(dq/"/g' "$MAN")

if [ ! -x "$CLI" ]; then
	skip "every command is described" "no $CLI (make cli)"
	skip "every option of every command" "no $CLI (make cli)"
	skip "every -o option" "no $CLI (make cli)"
	exit 0
fi

cmds=$("$CLI" --help | sed -n 's/^  \([a-z]\+\)  .*/\1/p')
missing=
for c in $cmds; do
	# a SYNOPSIS line (".B pciguard cmd") and a COMMANDS entry (".B cmd ...")
	grep -q -E "^\.B pciguard $c( |$)" "$MAN" || missing="$missing $c(synopsis)"
	grep -q -E "^\.B $c( |$)" "$MAN" || missing="$missing $c(commands)"
done
if [ -n "$cmds" ] && [ -z "$missing" ]; then
	ok "every command is described"
else
	not_ok "every command is described" "missing:$missing (commands: ${cmds//$'\n'/ })"
fi

missing=
for c in $cmds; do
	# "  -a, --all  ..." or "  --all ..." lines of the command's --help
	while read -r short long; do
		for o in $short $long; do
			printf '%s\n' "$text" | grep -q -F -e "$o" || missing="$missing $c:$o"
		done
	done < <("$CLI" "$c" --help |
		sed -n 's/^ \{1,\}\(-[a-z]\)\{0,1\},\{0,1\} \{0,1\}\(--[a-z-]\{1,\}\).*/\1 \2/p')
done
for o in --config-dir --help -h; do
	printf '%s\n' "$text" | grep -q -F -e "$o" || missing="$missing $o"
done
if [ -z "$missing" ]; then
	ok "every option of every command"
else
	not_ok "every option of every command" "missing:$missing"
fi

# The -o options, as the CLI names them when it refuses an unknown one.
known=$("$CLI" check 0000:00:00.0 -o colour=1 2>&1 | sed -n 's/.*; known: //p' | tr -d ',')
missing=
for o in $known; do
	printf '%s\n' "$text" | grep -q -F -e "$o=" || missing="$missing $o"
done
if [ -n "$known" ] && [ -z "$missing" ]; then
	ok "every -o option"
else
	not_ok "every -o option" "missing:$missing (known: $known)"
fi
