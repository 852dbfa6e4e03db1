#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Documentation/netlink/pciguard.yaml agrees with the running family: every
# operation (command number, do/dump, admin-perm), multicast group and
# request attribute (number, type, range) the spec states, as the generic
# netlink controller reports them (progs/genl_spec.c), and nothing the
# kernel has is missing from the spec; and every attribute the family sends
# in dev-get and dev-check replies is in the spec's reply, with a payload
# that fits the spec's type. The facts the spec implies come from
# selftests/vm/ynl-expect.py on the host (make progs builds them into
# build/ynl.expect), brought in with
#   --file build/ynl.expect:/tests/ynl.expect
# Each difference is its own "not ok", named by op and attribute.
. /tests/lib.sh
EXPECT=${YNL_EXPECT:-/tests/ynl.expect}
tap_begin

if [ ! -s "$EXPECT" ]; then
	not_ok "the spec's expectations are in the image" \
		"$EXPECT is missing: make progs, then run.sh --file build/ynl.expect:/tests/ynl.expect"
	tap_end
	exit
fi
modprobe pciguard
if ! genl_spec pciguard > /tmp/ynl.kernel 2> /tmp/ynl.err; then
	not_ok "the controller describes the pciguard family" "$(cat /tmp/ynl.err)"
	tap_end
	exit
fi
ok "the controller describes the pciguard family"

# One line per verdict: "ok<TAB>desc" or "not<TAB>desc<TAB>diag".
awk '
function name(k,   f, p, n, i, set, out, nm) {
	split(k, f, " ")
	if (f[1] == "op")
		return "op " (f[2] in opname ? opname[f[2]] : "?") " (" f[2] ")"
	if (f[1] != "attr")
		return k
	set = opset[f[2]]
	n = split(f[4], p, ".")
	out = ""
	for (i = 1; i <= n; i++) {
		nm = ((set, p[i]) in aname) ? aname[set, p[i]] : "?"
		out = out (i > 1 ? "." : "") nm
		set = ((set, p[i]) in nest) ? nest[set, p[i]] : ""
	}
	return (f[2] in opname ? opname[f[2]] : "op " f[2]) " " f[3] " " out \
		" (" k ")"
}
# "KEY = VALUE"; VALUE may be empty ("op 9 =").
function parse(line) {
	i = index(line, " =")
	key = substr(line, 1, i - 1)
	val = substr(line, i + 3)
}
/^#/ || /^$/ { next }
FNR == NR && $1 == "label" {
	if ($2 == "op") opname[$3] = $4
	else if ($2 == "opset") opset[$3] = $4
	else if ($2 == "attr") aname[$3, $4] = $5
	else if ($2 == "nest") nest[$3, $4] = $5
	else if ($2 == "type") ltype[$3, $4] = $5
	next
}
FNR == NR && $1 == "reply" {
	parse(substr($0, 7))
	rtype[key] = val
	next
}
FNR == NR && $1 == "may" {
	parse(substr($0, 5))
	may[key] = val
	next
}
FNR == NR {
	parse($0)
	want[key] = val
	worder[++nw] = key
	next
}
$1 == "devices" { ndevices = $2; next }
$1 == "sent" {
	parse(substr($0, 6))
	sent[++nsent] = key
	sforms[nsent] = val
	next
}
{
	parse($0)
	got[key] = val
	gorder[++ng] = key
}
END {
	for (j = 1; j <= nw; j++) {
		k = worder[j]
		if (!(k in got))
			printf "not\t%s: in the spec, not in the kernel\tspec: %s\n", name(k), want[k]
		else if (got[k] != want[k])
			printf "not\t%s: the kernel differs from the spec\tspec:   %s\\nkernel: %s\n", name(k), want[k], got[k]
		else
			printf "ok\t%s: %s\n", name(k), want[k]
	}
	nmay = 0
	for (j = 1; j <= ng; j++) {
		k = gorder[j]
		if (k in want)
			continue
		if (!(k in may))
			printf "not\t%s: in the kernel, not in the spec\tkernel: %s\n", name(k), got[k]
		else if (may[k] != got[k])
			printf "not\t%s: the kernel differs from the spec\tspec:   %s\\nkernel: %s\n", name(k), may[k], got[k]
		else
			nmay++
	}
	printf "ok\tattributes the kernel accepts inside nests agree with the spec (%d)\n", nmay

	# Replies: "sent CMD MODE PATH = FORMS"; the spec type of each
	# attribute must be one of the forms its payload has. Below an
	# attribute the spec does not call a nest, nothing is checked.
	for (j = 1; j <= nsent; j++) {
		split(sent[j], f, " ")
		om = f[1] " " f[2]
		if (!(om in nom))
			order_om[++nomk] = om
		nom[om] += 0
		n = split(f[3], p, ".")
		k = "attr " om " " f[3]
		why = ""
		if (!((om " " p[1]) in rtype)) {
			why = "sent, but not in the spec'"'"'s reply"
		} else {
			t = rtype[om " " p[1]]
			set = opset[f[1]]
			for (i = 2; i <= n && why == "" && t != "skip"; i++) {
				if (t != "nest") {
					t = "skip"
					break
				}
				set = nest[set, p[i - 1]]
				if (!((set, p[i]) in aname)) {
					why = "sent, but not in the attribute set " set
					t = "-"
				} else
					t = ltype[set, p[i]]
			}
			if (t == "skip")
				continue
			if (why == "" && t != "any" && index(" " sforms[j] " ", " " t " ") == 0)
				why = "sent as something the spec'"'"'s " t " cannot be"
		}
		if (why == "") {
			if (!(k in counted)) {
				counted[k] = 1
				nom[om]++
			}
		} else if (!(k in reported)) {
			reported[k] = 1
			printf "not\t%s: %s\tspec:   %s\\nkernel: %s\n", name(k), why, \
				((om " " p[1]) in rtype) ? t : "-", sforms[j]
		}
	}
	if (ndevices < 1)
		printf "not\tthe dev-get dump lists devices\tdevices: %d\n", ndevices
	for (j = 1; j <= nomk; j++) {
		split(order_om[j], f, " ")
		printf "ok\t%s %s replies: every attribute the kernel sent (%d) is in the spec, with its type\n", \
			opname[f[1]], f[2], nom[order_om[j]]
	}
}' "$EXPECT" /tmp/ynl.kernel > /tmp/ynl.verdicts

nverdicts=0
tab=$(printf '\t')
while IFS="$tab" read -r verdict desc why; do
	nverdicts=$((nverdicts + 1))
	if [ "$verdict" = ok ]; then
		ok "$desc"
	else
		# awk wrote a two-line diagnostic as "spec: ...\nkernel: ...".
		not_ok "$desc" "$(printf '%b' "$why")"
	fi
done < /tmp/ynl.verdicts
# A broken comparison must not pass quietly: the spec has a family, a
# group, 7 requestable ops and their attributes.
if [ "$nverdicts" -lt 20 ]; then
	not_ok "the comparison covered the spec" "only $nverdicts verdicts; kernel facts:
$(cat /tmp/ynl.kernel)"
fi
tap_end
