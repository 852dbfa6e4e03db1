#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Fail when kmod/uapi/pciguard.h and Documentation/netlink/pciguard.yaml
disagree: family name, constants, enums, attribute sets and commands, with
the names and values YNL's C generator would give them; and fail when
selftests/vm/ynl-expect.py cannot derive the facts the VM test
(tests/ynl_spec.sh) holds the running family to. Prints TAP."""
import re
import subprocess
import sys

import yaml

top = sys.argv[1] if len(sys.argv) > 1 else "."
spec = yaml.safe_load(open(f"{top}/Documentation/netlink/pciguard.yaml"))
hdr = raw_hdr = open(f"{top}/kmod/uapi/pciguard.h").read()
hdr = re.sub(r"/\*.*?\*/", lambda m: "/* private */" if "private:" in m.group(0) else "",
             hdr, flags=re.S)

results = []


def check(desc, cond, diag=""):
    results.append((desc, cond, diag))


def c_name(s):
    return s.upper().replace("-", "_")


def header_enum(name):
    """Entries of 'enum NAME' before '/* private */', as {NAME: value}."""
    m = re.search(r"enum\s+%s\s*\{(.*?)\};" % name, hdr, re.S)
    if not m:
        return None
    body = m.group(1).split("/* private */")[0]
    out, val = {}, 0
    for item in [x.strip() for x in body.split(",") if x.strip()]:
        if "=" in item:
            k, v = [x.strip() for x in item.split("=")]
            val = int(v, 0)
        else:
            k = item
        out[k] = val
        val += 1
    return out


fam = spec["name"]
# genetlink-c: the spec names the header's defines for the family's name
# and version (YNL's defaults would be FAMILY_FAMILY_NAME and _VERSION).
fam_define = c_name(spec.get("c-family-name", f"{fam}-family-name"))
ver_define = c_name(spec.get("c-version-name", f"{fam}-family-version"))
check(f"family name matches {fam_define}",
      re.search(r'#define\s+%s\s+"%s"' % (fam_define, fam), hdr) is not None)
check(f"{ver_define} is defined",
      re.search(r'#define\s+%s\s+\d+' % ver_define, hdr) is not None)
check("protocol is genetlink-c", spec.get("protocol") == "genetlink-c")

for d in spec.get("definitions", []):
    if d["type"] == "const":
        name = c_name(f"{fam}-{d['name']}")
        m = re.search(r"#define\s+%s\s+(\S+)" % name, hdr)
        check(f"const {name} = {d['value']}",
              m is not None and int(m.group(1), 0) == d["value"],
              f"header has {m.group(1) if m else 'nothing'}")
    elif d["type"] in ("enum", "flags"):
        # YNL numbers enum entries 0, 1, 2...; flags entries 1, 2, 4...
        cname = c_name(f"{fam}-{d['name']}")
        prefix = c_name(d.get("name-prefix", f"{fam}-{d['name']}-"))
        want = {}
        for i, e in enumerate(d["entries"]):
            ename = e if isinstance(e, str) else e["name"]
            want[prefix + c_name(ename)] = 1 << i if d["type"] == "flags" else i
        got = header_enum(cname.lower())
        check(f"enum {cname.lower()} matches", got == want,
              f"spec {want}\n header {got}")

for aset in spec["attribute-sets"]:
    prefix = c_name(f"{fam}-a-{aset['name']}-")
    want = {prefix + "UNSPEC": 0}
    for i, a in enumerate(aset["attributes"], start=1):
        want[prefix + c_name(a["name"])] = a.get("value", i)
    got = header_enum(f"{fam}_attrs_{aset['name']}")
    check(f"attribute set '{aset['name']}' matches the header", got == want,
          f"spec {want}\n header {got}")
    m = re.search(r"%sMAX\s*=\s*__%sMAX\s*-\s*1" % (prefix, prefix), hdr)
    check(f"{prefix}MAX is defined as the last attribute", m is not None)

want = {c_name(f"{fam}-cmd-unspec"): 0}
for i, op in enumerate(spec["operations"]["list"], start=1):
    want[c_name(f"{fam}-cmd-{op['name']}")] = op.get("value", i)
got = header_enum(f"{fam}_cmd")
check("commands match the header", got == want, f"spec {want}\n header {got}")

# Multicast groups: YNL renders each as #define FAMILY_MCGRP_NAME "name".
groups = [g["name"] for g in (spec.get("mcast-groups") or {}).get("list", [])]
for g in groups:
    name = c_name(f"{fam}-mcgrp-{g}")
    check(f"multicast group {name} = \"{g}\"",
          re.search(r'#define\s+%s\s+"%s"' % (name, g), hdr) is not None)

# Nothing in the header is missing from the spec: every enum and define.
enums = {d["name"] for d in spec.get("definitions", []) if d["type"] in ("enum", "flags")}
known = {c_name(f"{fam}-{e}").lower() for e in enums}
known |= {f"{fam}_attrs_{a['name']}" for a in spec["attribute-sets"]} | {f"{fam}_cmd"}
extra = set(re.findall(r"enum\s+(\w+)\s*\{", hdr)) - known
check("every enum in the header is in the spec", not extra, f"not in spec: {sorted(extra)}")
known = {c_name(f"{fam}-{d['name']}") for d in spec.get("definitions", []) if d["type"] == "const"}
known |= {c_name(f"{fam}-mcgrp-{g}") for g in groups}
known |= {fam_define, ver_define}
extra = set(re.findall(r"#define\s+(%s_\w+)" % c_name(fam), hdr)) - known
check("every define in the header is in the spec", not extra, f"not in spec: {sorted(extra)}")

# Attribute types the header's protocol description states ("PCIGUARD_A_X
# u32, enum pciguard_y", "the flag PCIGUARD_A_X", "PCIGUARD_A_X nest",
# "PCIGUARD_A_X (enum pciguard_y)") match the spec.
attrs = {}
for aset in spec["attribute-sets"]:
    for a in aset["attributes"]:
        attrs[c_name(f"{fam}-a-{aset['name']}-{a['name']}")] = a
doc = re.sub(r"\n\s*\*[ \t]*", "\n", "\n".join(re.findall(r"/\*.*?\*/", raw_hdr, re.S)))
stated = []
for m in re.finditer(r"^(%s_A_\w+)[ \t]+(u8|u16|u32|u64|s8|s16|s32|s64|string|flag)\b"
                     r"(?:,\s*enum\s+(\w+))?" % c_name(fam), doc, re.M):
    stated.append((m.group(1), m.group(2), m.group(3)))
for m in re.finditer(r"\bflag\s+(%s_A_\w+)" % c_name(fam), doc):
    stated.append((m.group(1), "flag", None))
for m in re.finditer(r"\b(%s_A_\w+)\s+nest\b" % c_name(fam), doc):
    stated.append((m.group(1), "nest", None))
for m in re.finditer(r"\b(%s_A_\w+)\s+\(enum\s+(\w+)\)" % c_name(fam), doc):
    stated.append((m.group(1), None, m.group(2)))
bad = []
for name, typ, enum in stated:
    a = attrs.get(name)
    if a is None:
        bad.append(f"{name}: not in the spec")
        continue
    if typ and a.get("type") != typ:
        bad.append(f"{name}: header {typ}, spec {a.get('type')}")
    if enum and c_name(f"{fam}-{a.get('enum', '')}").lower() != enum:
        bad.append(f"{name}: header enum {enum}, spec enum {a.get('enum')}")
check(f"attribute types stated in the header match the spec ({len(stated)} stated)",
      stated and not bad, "\n".join(bad) or "the header states no types")

# References inside the spec resolve: enums, nests, multicast groups, and
# the attributes each operation (request, reply, event) names.
sets = {s["name"]: {a["name"] for a in s["attributes"]} for s in spec["attribute-sets"]}
bad = []
for aset in spec["attribute-sets"]:
    for a in aset["attributes"]:
        if "enum" in a and a["enum"] not in enums:
            bad.append(f"{aset['name']}.{a['name']}: unknown enum {a['enum']}")
        if (a.get("type") == "nest") != ("nested-attributes" in a) or \
           a.get("nested-attributes", aset["name"]) not in sets:
            bad.append(f"{aset['name']}.{a['name']}: nest without a known attribute set")
check("attribute enums and nests refer to known definitions", not bad, "\n".join(bad))
for op in spec["operations"]["list"]:
    names = set()
    for mode in ("do", "dump"):
        for part in ("request", "reply"):
            names |= set(((op.get(mode) or {}).get(part) or {}).get("attributes", []))
    names |= set((op.get("event") or {}).get("attributes", []))
    missing = names - sets[op["attribute-set"]]
    check(f"operation {op['name']} names only known attributes", not missing,
          f"unknown: {sorted(missing)}")
    if "event" in op or "notify" in op:
        check(f"notification {op['name']} goes to a known multicast group",
              op.get("mcgrp") in groups, f"mcgrp {op.get('mcgrp')}, groups {groups}")

# The VM test (selftests/vm/tests/ynl_spec.sh) compares the running family
# with the facts selftests/vm/ynl-expect.py derives from the spec; it must
# be able to derive them (known types, checks that name known consts).
r = subprocess.run([sys.executable, f"{top}/selftests/vm/ynl-expect.py",
                    f"{top}/Documentation/netlink/pciguard.yaml"],
                   capture_output=True, text=True)
check("ynl-expect.py derives the running family's facts from the spec",
      r.returncode == 0 and "\nop 1 = " in r.stdout, r.stderr)

print("TAP version 13")
print(f"1..{len(results)}")
failed = 0
for i, (desc, ok, diag) in enumerate(results, start=1):
    print(f"{'ok' if ok else 'not ok'} {i} - {desc}")
    if not ok:
        failed += 1
        for line in diag.splitlines():
            print(f"# {line}")
print(f"# Totals: pass:{len(results) - failed} fail:{failed}")
sys.exit(1 if failed else 0)
