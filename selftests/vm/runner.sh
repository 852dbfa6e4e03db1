# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The host side of the test rigs, sourced by selftests/vm/run.sh and
# selftests/xen/run.sh: options, topology, kernel, the QEMU boot with its
# console and TAP channel, and the verdict.  Both rigs boot the same PCI
# topologies and report the same way; only what they boot differs.
#
# The sourcing script sets REPO, VM_DIR, BUILD_DIR, QEMU and TEST_DIR
# (where its tests live) first, and keeps its usage text in its header
# comment (from line 3 to "set -eu").

die() {
	echo "run.sh: $*" >&2
	exit 2
}

usage() {
	sed -n '3,/^set -eu/s/^# \{0,1\}//p' "$0"
	exit "${1:-0}"
}

TOPOLOGY=reference
SHELL_MODE=0
TIMEOUT=
OPT_KVER=
KROOT=
APPEND=
AUTO=1
MODULES=()
BINS=()
FILES=()
TESTS=()
RIG_QEMU_TAIL=()

# rig_parse_args ARGS...: the options both rigs take.  An option named in
# RIG_EXTRA_OPTS (with an argument) goes to rig_extra_opt OPTION VALUE,
# which the sourcing script defines.
rig_parse_args() {
	while [ $# -gt 0 ]; do
		case " ${RIG_EXTRA_OPTS:-} " in
		*" $1 "*)
			[ $# -ge 2 ] || die "$1 needs an argument"
			rig_extra_opt "$1" "$2"
			shift 2
			continue
			;;
		esac
		case $1 in
		--topology | --timeout | --kver | --kernel-root | --module | --bin | --file | --append)
			[ $# -ge 2 ] || die "$1 needs an argument"
			case $1 in
			--topology) TOPOLOGY=$2 ;;
			--timeout) TIMEOUT=$2 ;;
			--kver) OPT_KVER=$2 ;;
			--kernel-root) KROOT=$(cd "$2" 2>/dev/null && pwd) ||
				die "--kernel-root $2: no such directory" ;;
			--module) MODULES+=("$2") ;;
			--bin) BINS+=("$2") ;;
			--file) FILES+=("$2") ;;
			--append) APPEND="$APPEND $2" ;;
			esac
			shift 2
			;;
		--shell) SHELL_MODE=1 && shift ;;
		--no-auto) AUTO=0 && shift ;;
		-h | --help) usage 0 ;;
		--) shift && TESTS+=("$@") && break ;;
		-*) echo "run.sh: unknown option $1" >&2 && usage 2 ;;
		*) TESTS+=("$1") && shift ;;
		esac
	done

	case $TIMEOUT in
	'' | *[!0-9]*) [ -z "$TIMEOUT" ] || die "--timeout wants whole seconds" ;;
	esac
	local rel=${TEST_DIR#"$REPO"/} t
	for t in "${TESTS[@]}"; do
		case $t in
		*/* | *,* | .*) die "bad test name '$t' (a file name in $rel/)" ;;
		esac
		[ -f "$TEST_DIR/$t" ] || die "no such test: $rel/$t"
	done
}

# rig_load_topology: source selftests/vm/topologies/$TOPOLOGY.sh, which
# sets TOPO_* (defaults here) for the sourcing script.
# shellcheck disable=SC2034
rig_load_topology() {
	TOPO_FILE=$VM_DIR/topologies/$TOPOLOGY.sh
	[ -f "$TOPO_FILE" ] || die "no such topology: $TOPO_FILE"
	TOPO_MACHINE=q35
	TOPO_MEM=1024
	TOPO_SMP=2
	TOPO_APPEND=
	TOPO_LOAD_MODULES=
	TOPO_IMAGE_MODULES=
	TOPO_QEMU_ARGS=()
	TOPO_MONITOR=0
	TOPO_HOTPLUG_IDS=
	# shellcheck source-path=SCRIPTDIR source=topologies/reference.sh
	. "$TOPO_FILE"
}

# rig_pick_kernel WHOSE: add the built module and CLI unless --no-auto or
# given, then set KVER (--kver, $KVER, the first module's vermagic, the
# newest installed) and KERNEL (KROOT/boot/vmlinuz-KVER: KROOT is empty
# unless --kernel-root), and check every module was built for it.
# WHOSE names the kernel in messages ("the guest kernel", "dom0's kernel").
rig_pick_kernel() {
	local m mv

	if [ "$AUTO" = 1 ]; then
		if [ ${#MODULES[@]} -eq 0 ] && [ -f "$REPO/kmod/pciguard.ko" ]; then
			echo "run.sh: adding kmod/pciguard.ko (use --no-auto to leave it out)"
			MODULES+=("$REPO/kmod/pciguard.ko")
		fi
		if [ ${#BINS[@]} -eq 0 ] && [ -x "$REPO/userspace/pciguard" ]; then
			echo "run.sh: adding userspace/pciguard (use --no-auto to leave it out)"
			BINS+=("$REPO/userspace/pciguard")
		fi
	fi

	KVER=${OPT_KVER:-${KVER:-}}
	if [ -z "$KVER" ] && [ ${#MODULES[@]} -gt 0 ]; then
		KVER=$(modinfo -F vermagic "${MODULES[0]}" 2>/dev/null | awk '{print $1}') || KVER=
	fi
	if [ -z "$KVER" ]; then
		KVER=$(for d in "$KROOT"/lib/modules/*; do
			[ -f "$KROOT/boot/vmlinuz-${d##*/}" ] && echo "${d##*/}"
		done | sort -V | tail -n 1)
	fi
	[ -n "$KVER" ] || die "no kernel found"
	KERNEL=$KROOT/boot/vmlinuz-$KVER
	[ -r "$KERNEL" ] || die "$KERNEL not readable"
	for m in "${MODULES[@]}"; do
		[ -f "$m" ] || die "--module $m: no such file"
		mv=$(modinfo -F vermagic "$m" 2>/dev/null | awk '{print $1}') || mv=
		[ -z "$mv" ] || [ "$mv" = "$KVER" ] ||
			die "$m was built for $mv, $1 is $KVER"
	done
}

# rig_image_args: append to the array mkargs what mkinitramfs.sh needs for
# the image the tests run in: the topology's image modules, --module,
# --bin (with the tools every test uses) and --file.
rig_image_args() {
	local m b f

	[ -z "$KROOT" ] || mkargs+=(--kroot "$KROOT")
	for m in $TOPO_IMAGE_MODULES; do mkargs+=(--image-module "$m"); done
	for m in "${MODULES[@]}"; do mkargs+=(--module "$m"); done
	for b in jq lspci setpci "${BINS[@]}"; do mkargs+=(--bin "$b"); done
	for f in "${FILES[@]}"; do mkargs+=(--file "$f"); done
}

# rig_boot_prepare DEFAULT_TIMEOUT: settle --shell and the timeout, and
# make the log names and the TAP FIFO (CONSOLE_LOG, TAP_LOG, FIFO).
rig_boot_prepare() {
	if [ "$SHELL_MODE" = 1 ] && ! [ -t 0 ]; then
		echo "run.sh: --shell ignored: stdin is not a terminal"
		SHELL_MODE=0
	fi
	if [ -z "$TIMEOUT" ]; then
		[ "$SHELL_MODE" = 1 ] && TIMEOUT=0 || TIMEOUT=$1
	fi
	CONSOLE_LOG=$BUILD_DIR/console.log
	TAP_LOG=$BUILD_DIR/tap.log
	FIFO=$BUILD_DIR/tap.fifo
	rm -f "$CONSOLE_LOG" "$TAP_LOG" "$FIFO.in" "$FIFO.out"
	mkfifo "$FIFO.in" "$FIFO.out"
}

# rig_cmdline: the rig's own kernel parameters for the guest's init
# (topology, tests, shell, then --append), after a leading space.
rig_cmdline() {
	local tests_csv

	tests_csv=$(IFS=, && echo "${TESTS[*]}")
	printf ' rig.topology=%s' "$TOPOLOGY"
	[ -z "$tests_csv" ] || printf ' rig.tests=%s' "$tests_csv"
	[ "$SHELL_MODE" = 0 ] || printf ' rig.shell=1'
	printf '%s' "$APPEND"
}

# rig_qemu_dump_on_timeout QEMU ARGS...: run QEMU (its human monitor on
# RIG_HMP_SOCK) for at most TIMEOUT seconds.  When that runs out, first
# send the guest an NMI: with unknown_nmi_panic and panic_print on its
# command line it panics and prints every task's stack, the locks held and
# every CPU's backtrace to the console, so that a hang says where it hangs
# (a task waiting for a serial port or in a killable sleep never trips the
# hung-task detector).  panic=-1 with -no-reboot then ends QEMU; it is
# killed 60 s later if not.  Returns QEMU's status, or 124 on timeout.
rig_qemu_dump_on_timeout() {
	local qpid watcher rc=0 fired=$BUILD_DIR/timeout.fired

	rm -f "$fired"
	"$@" </dev/null &
	qpid=$!
	(
		sleep "$TIMEOUT" &
		# Killed when QEMU ends in time: take the sleep along.
		trap 'kill $! 2>/dev/null; exit 0' TERM
		wait $!
		: >"$fired"
		echo "run.sh: ${TIMEOUT}s are up: NMI to the guest for a dump of its tasks"
		python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(b"nmi\n")
time.sleep(1)' "$RIG_HMP_SOCK" || true
		for _ in $(seq 60); do
			kill -0 "$qpid" 2>/dev/null || exit 0
			sleep 1
		done
		kill "$qpid" 2>/dev/null
		sleep 10
		kill -9 "$qpid" 2>/dev/null
	) &
	watcher=$!
	wait "$qpid" || rc=$?
	kill "$watcher" 2>/dev/null || true
	wait "$watcher" 2>/dev/null || true
	if [ -e "$fired" ]; then
		rm -f "$fired"
		return 124
	fi
	return "$rc"
}

# rig_boot DESCRIPTION QEMU ARGS...: run QEMU with the console on its first
# serial port (logged to CONSOLE_LOG; on stdio too with --shell) and the
# TAP channel on the second (to TAP_LOG and stdout), under the timeout.
# The array RIG_QEMU_TAIL, if set, goes after those (a third serial port
# is ttyS2 there).  Sets qrc (QEMU's status; 124 or 137: timeout) and
# start and end.
rig_boot() {
	local desc=$1 reader
	shift
	local qemu=("$@")

	if [ "$SHELL_MODE" = 1 ]; then
		# Console on stdio, logged; Ctrl-A X quits QEMU, Ctrl-A C is the monitor.
		qemu+=(-chardev "stdio,id=con,mux=on,signal=off,logfile=$CONSOLE_LOG"
			-serial chardev:con -mon "chardev=con,mode=readline")
	else
		qemu+=(-chardev "file,id=con,path=$CONSOLE_LOG" -serial chardev:con)
	fi
	qemu+=(-chardev "pipe,id=tap,path=$FIFO" -serial chardev:tap)
	qemu+=("${RIG_QEMU_TAIL[@]}")

	# TAP reader: the guest sets its port raw; drop any CR anyway.  In
	# shell mode the terminal is raw too, so give it CRLF.
	if [ "$SHELL_MODE" = 1 ]; then
		{ sed -u 's/\r$//' <"$FIFO.out" | tee "$TAP_LOG" | sed -u 's/$/\r/'; } &
	else
		{ sed -u 's/\r$//' <"$FIFO.out" | tee "$TAP_LOG"; } &
	fi
	reader=$!

	echo "run.sh: booting $desc, topology $TOPOLOGY, tests: ${TESTS[*]:-(none)}, timeout ${TIMEOUT}s"
	start=$(date +%s)
	qrc=0
	if [ "$SHELL_MODE" = 1 ] && [ "$TIMEOUT" -gt 0 ]; then
		# --foreground keeps QEMU in the terminal's process group.
		timeout --foreground -k 10 "$TIMEOUT" "${qemu[@]}" || qrc=$?
	elif [ "$SHELL_MODE" = 1 ]; then
		"${qemu[@]}" || qrc=$?
	elif [ -n "${RIG_HMP_SOCK:-}" ]; then
		rig_qemu_dump_on_timeout "${qemu[@]}" -monitor \
			"unix:$RIG_HMP_SOCK,server=on,wait=off" || qrc=$?
	else
		timeout -k 10 "$TIMEOUT" "${qemu[@]}" </dev/null || qrc=$?
	fi
	end=$(date +%s)
	# Unblock the reader if QEMU never opened the FIFO, then let it drain.
	exec 9<>"$FIFO.out"
	exec 9>&-
	wait "$reader" || true
	rm -f "$FIFO.in" "$FIFO.out"
	touch "$TAP_LOG" "$CONSOLE_LOG"
}

# rig_qemu_crashed: did QEMU itself die of a fault (qrc from rig_boot:
# 128 + SIGILL, SIGABRT, SIGBUS, SIGFPE or SIGSEGV)?  That is a bug of
# the emulator, not of the guest: the guest cannot make QEMU's process
# fault, only stop, panic or hang.  The timeout's own kills are 124 and
# 137 (SIGKILL), not these.
rig_qemu_crashed() {
	case $qrc in
	132 | 134 | 135 | 136 | 139) return 0 ;;
	esac
	return 1
}

# rig_qemu_core QEMU: after a crash of QEMU, move its core file (if the
# host's core_pattern left one in the current directory) to
# BUILD_DIR/qemu.core and print the crashing thread's backtrace when gdb
# is there.
rig_qemu_core() {
	local core='' f exe

	rm -f "$BUILD_DIR/qemu.core"
	for f in core core.*; do
		[ -f "$f" ] && [ "$f" -nt "$BUILD_DIR/boot.mark" ] && core=$f
	done
	[ -n "$core" ] || return 0
	mv -f "$core" "$BUILD_DIR/qemu.core"
	command -v gdb >/dev/null || return 0
	# The program the core names (QEMU may be a wrapper).
	exe=$(gdb -q -batch -c "$BUILD_DIR/qemu.core" 2>/dev/null |
		sed -n 's/^Core was generated by `\([^ '"'"']*\).*/\1/p')
	exe=$(command -v "${exe:-$1}" || true)
	echo "run.sh: the crashing thread ($exe, $BUILD_DIR/qemu.core):"
	gdb -q -batch -ex bt "$exe" "$BUILD_DIR/qemu.core" 2>/dev/null |
		awk '/^#/ && !seen[$0]++' | head -n 20 | sed 's/^/  /'
}

# rig_boot_again DESCRIPTION QEMU ARGS...: rig_boot, and when QEMU crashed
# (rig_qemu_crashed) the same boot once more.  The crashed boot's logs
# are kept as console.crashed.log and tap.crashed.log, its core as
# qemu.core (rig_qemu_core).  RIG_CRASH_NOTE then says so, for
# rig_verdict's NOTE; only the second boot's TAP counts, and a second
# crash fails the run.  The caller may define rig_pre_boot ATTEMPT and
# rig_post_boot (a disk to put back as it was, a monitor relay to
# restart): they run around each boot.
RIG_CRASH_NOTE=
rig_boot_again() {
	local attempt sig

	for attempt in 1 2; do
		if declare -F rig_pre_boot >/dev/null; then rig_pre_boot "$attempt"; fi
		ulimit -S -c unlimited 2>/dev/null || true
		: >"$BUILD_DIR/boot.mark"
		rig_boot "$@"
		ulimit -S -c 0 2>/dev/null || true
		if declare -F rig_post_boot >/dev/null; then rig_post_boot; fi
		rig_qemu_crashed || break

		sig=$(kill -l $((qrc - 128)) 2>/dev/null || echo "?")
		echo
		echo "run.sh: QEMU crashed (status $qrc, SIG$sig): a fault of the emulator, not of the guest"
		rig_qemu_core "$2"
		[ "$attempt" = 1 ] || break
		mv -f "$CONSOLE_LOG" "$BUILD_DIR/console.crashed.log"
		mv -f "$TAP_LOG" "$BUILD_DIR/tap.crashed.log"
		echo "run.sh: its logs: $BUILD_DIR/console.crashed.log, $BUILD_DIR/tap.crashed.log; the TAP lines above do not count"
		echo "run.sh: booting once more"
		RIG_CRASH_NOTE="QEMU crashed once (status $qrc, SIG$sig) and this boot ran a second time; the first run's logs are console.crashed.log and tap.crashed.log"
		rm -f "$FIFO.in" "$FIFO.out"
		mkfifo "$FIFO.in" "$FIFO.out"
	done
	rm -f "$BUILD_DIR/boot.mark"
}

# rig_verdict WHO SCAN_LOG CRASH_RE CRASH_WHAT [NOTE]: count the TAP
# results, add the run's own failures (timeout, QEMU's status, WHO never
# printing "# rig: done", a line of SCAN_LOG matching CRASH_RE: "CRASH_WHAT
# reported a problem"), print them, NOTE (a line, if any) and the closing
# "N passed, N failed" line.  Return: 0 when nothing failed.
rig_verdict() {
	local who=$1 scan=$2 crash_re=$3 crash_what=$4 note=${5:-}
	local problems=() last crash_lines p
	local passed skipped skip_all failed rig_fail summary

	if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
		if [ -n "${RIG_HMP_SOCK:-}" ]; then
			problems+=("timeout: the VM did not finish within ${TIMEOUT}s (the console log ends in a dump of the guest's tasks)")
		else
			problems+=("timeout: the VM did not finish within ${TIMEOUT}s")
		fi
	elif [ "$qrc" -ne 0 ]; then
		problems+=("QEMU exited with status $qrc")
	fi
	if ! grep -qx '# rig: done' "$TAP_LOG"; then
		last=$(sed -n 's/^# rig: begin //p' "$TAP_LOG" | tail -n 1)
		if [ -n "$last" ] && ! grep -q "^# rig: end $last " "$TAP_LOG"; then
			problems+=("$who did not finish: test $last never completed (hang, crash or timeout)")
		else
			problems+=("$who did not finish: no '# rig: done' marker (crash or timeout before/after tests)")
		fi
	fi
	crash_lines=$(grep -aE "$crash_re" "$scan" | tr -d '\r' || true)
	if [ -n "$crash_lines" ]; then
		problems+=("$crash_what reported a problem (see $CONSOLE_LOG):")
	fi

	passed=$(grep -cE '^ok [0-9]+' "$TAP_LOG" || true)
	skipped=$(grep -ciE '^ok [0-9]+.*# skip' "$TAP_LOG" || true)
	skip_all=$(grep -ciE '^1\.\.0 # skip' "$TAP_LOG" || true)
	passed=$((passed - skipped))
	skipped=$((skipped + skip_all))
	failed=$(grep -cE '^not ok' "$TAP_LOG" || true)
	rig_fail=$(grep -c '^# rig: FAIL' "$TAP_LOG" || true)
	# A broken run (timeout, crash, missing marker, QEMU error) counts as
	# one more failure, however many symptoms it showed.
	failed=$((failed + rig_fail + (${#problems[@]} > 0)))

	echo
	echo "run.sh: VM ran $((end - start))s; console: $CONSOLE_LOG; TAP: $TAP_LOG"
	[ -z "$note" ] || echo "run.sh: $note"
	[ -z "$RIG_CRASH_NOTE" ] || echo "run.sh: $RIG_CRASH_NOTE"
	if grep -qE '^not ok' "$TAP_LOG"; then
		echo "run.sh: failing tests:"
		awk '/^# rig: begin / { t = $4 } /^not ok/ { print "  " t ": " $0 }' "$TAP_LOG"
	fi
	if [ "$rig_fail" -gt 0 ]; then
		grep '^# rig: FAIL' "$TAP_LOG" | sed 's/^# rig: /run.sh: /'
	fi
	for p in "${problems[@]}"; do
		echo "run.sh: FAIL: $p"
	done
	if [ -n "$crash_lines" ]; then
		# The first lines, without the "Call Trace:" of every task
		# of a dump (a timeout's NMI prints all of them).
		echo "$crash_lines" | awk '!/Call Trace:$/ || !seen++' |
			head -n 40 | sed 's/^/  console: /'
	elif ! grep -qx '# rig: done' "$TAP_LOG"; then
		echo "run.sh: last console lines:"
		tail -n 15 "$CONSOLE_LOG" | tr -d '\r' | sed 's/^/  console: /'
	fi

	summary="$passed passed, $failed failed"
	[ "$skipped" -eq 0 ] || summary="$summary, $skipped skipped"
	echo "$summary"
	[ "$failed" -eq 0 ]
}

# The Linux kernel's own reports of trouble, for rig_verdict.
# shellcheck disable=SC2034
RIG_LINUX_CRASH_RE='Oops|BUG:|WARNING:|Kernel panic|general protection fault|UBSAN:|KASAN:|Call Trace:|suspected memory leak|blocked for more than'
