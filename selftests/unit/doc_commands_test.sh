#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The pciguard command lines the documentation shows (the code blocks of
# Documentation/admin-guide.rst, the EXAMPLES of pciguard.8) against the
# CLI: each names a real command, only options that command's --help
# lists, -o options the CLI knows and addresses in a form it accepts. The
# commands are parsed, never run. Needs the CLI built (make cli). TAP.
set -u

TOP=$(cd "$(dirname "$0")/../.." && pwd)
CLI=$TOP/userspace/pciguard
GUIDE=$TOP/Documentation/admin-guide.rst
MAN=$TOP/Documentation/pciguard.8

# shellcheck source=selftests/unit/tap.sh
. "$(dirname "$0")/tap.sh"

echo "TAP version 13"
echo "1..2"
if [ ! -x "$CLI" ]; then
	skip "admin-guide.rst: every pciguard command line" "no $CLI (make cli)"
	skip "pciguard.8 EXAMPLES: every pciguard command line" "no $CLI (make cli)"
	exit 0
fi

commands=" $("$CLI" --help | sed -n 's/^  \([a-z]\+\)  .*/\1/p' | tr '\n' ' ') "
known_o=" $("$CLI" check 0000:00:00.0 -o x=1 2>&1 | sed -n 's/.*; known: //p' | tr -d ',') "
bdf_re='^(([0-9a-fA-F]{4,8}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]|dom0:[0-9a-fA-F]{2}_[0-9a-fA-F]{2}\.[0-7])$'
takes_bdf=" show hide release check assign detach forget "

# judge LINE: print what is wrong with one "pciguard ..." command line.
judge() {
	local -a w
	local i cmd='' help='' t nops=0
	read -ra w <<< "$1"
	for ((i = 1; i < ${#w[@]}; i++)); do
		t=${w[i]}
		case $t in
		\#* | '|' | '>'* | '&&' | "\\") break ;;	# comment, pipe, redirection
		esac
		if [ -z "$cmd" ]; then
			case $t in
			--config-dir) ((i++)) ;;
			--config-dir=*) ;;
			-*) echo "unknown global option $t" ;;
			*)
				cmd=$t
				[[ $commands == *" $cmd "* ]] || { echo "unknown command $cmd"; return; }
				help=$("$CLI" "$cmd" --help)
				;;
			esac
			continue
		fi
		case $t in
		-o | --option)
			((i++))
			t=${w[i]:-}
			[[ $known_o == *" ${t%%=*} "* && $t == *=* ]] ||
				echo "$cmd: unknown -o option '$t'"
			;;
		--count | -c)
			((i++)) ;;
		--check)
			break ;;	# the rest is the (quoted) hide= string
		--help | -h) ;;
		-*)
			grep -q -E -e "(^|[ [,])$t([] ,=]|$)" <<< "$help" ||
				echo "$cmd: option $t is not in its --help"
			;;
		*)
			nops=$((nops + 1))
			# assign's first operand is the guest; usb's a bus or ID
			if [[ $takes_bdf == *" $cmd "* ]] &&
			   ! [[ $cmd == assign && $nops == 1 ]] &&
			   ! [[ $t =~ $bdf_re || $t == *'$'* || $t == BDF* ]]; then
				echo "$cmd: '$t' is not an address the CLI takes"
			fi
			;;
		esac
	done
	[ -n "$cmd" ] || echo "no command"
}

# check DESC: the command lines on stdin, one per line.
check_lines() {
	local desc=$1 line bad='' count=0 out
	while IFS= read -r line; do
		count=$((count + 1))
		out=$(judge "$line")
		[ -z "$out" ] || bad="$bad$line"$'\n'"  -> ${out//$'\n'/; }"$'\n'
	done
	if [ "$count" -eq 0 ]; then
		not_ok "$desc" "no command lines found"
	elif [ -n "$bad" ]; then
		not_ok "$desc" "$bad"
	else
		ok "$desc ($count lines)"
	fi
}

# Code-block lines "$ pciguard ..." / "# pciguard ...", and the same
# inside running text is left alone (it quotes option names, not lines).
check_lines "admin-guide.rst: every pciguard command line" < <(
	grep -E '^ +[$#] pciguard( |$)' "$GUIDE" | sed -E 's/^ +[$#] //')

check_lines "pciguard.8 EXAMPLES: every pciguard command line" < <(
	sed -n '/^\.SH EXAMPLES/,/^\.SH /p' "$MAN" |
	sed -e 's/\\-/-/g' -e 's/\\(dq/"/g' -e 's/\\(aq/'"'"'/g' -e 's/\\e/\\/g' |
	grep -E '^[$#] pciguard( |$)' | sed -E 's/^[$#] //')
