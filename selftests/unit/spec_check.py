#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Fail when kmod/uapi/pciguard.h and Documentation/netlink/pciguard.yaml
disagree: family name, constants, enums, attribute sets and commands, with
the names and values YNL's C generator would give them. Prints TAP."""
import re
import sys

import yaml

top = sys.argv[1] if len(sys.argv) > 1 else "."
spec = yaml.safe_load(open(f"{top}/Documentation/netlink/pciguard.yaml"))
hdr = open(f"{top}/kmod/uapi/pciguard.h").read()
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
check("family name matches PCIGUARD_GENL_NAME",
      re.search(r'#define\s+PCIGUARD_GENL_NAME\s+"%s"' % fam, hdr) is not None)
check("protocol is genetlink", spec.get("protocol") == "genetlink")

for d in spec.get("definitions", []):
    if d["type"] == "const":
        name = c_name(f"{fam}-{d['name']}")
        m = re.search(r"#define\s+%s\s+(\S+)" % name, hdr)
        check(f"const {name} = {d['value']}",
              m is not None and int(m.group(1), 0) == d["value"],
              f"header has {m.group(1) if m else 'nothing'}")
    elif d["type"] == "enum":
        cname = c_name(f"{fam}-{d['name']}")
        prefix = c_name(d.get("name-prefix", f"{fam}-{d['name']}-"))
        want = {}
        for i, e in enumerate(d["entries"]):
            ename = e if isinstance(e, str) else e["name"]
            want[prefix + c_name(ename)] = i
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

# Every attribute an operation names exists in its attribute set.
sets = {s["name"]: {a["name"] for a in s["attributes"]} for s in spec["attribute-sets"]}
for op in spec["operations"]["list"]:
    names = set()
    for mode in ("do", "dump"):
        for part in ("request", "reply"):
            names |= set(((op.get(mode) or {}).get(part) or {}).get("attributes", []))
    missing = names - sets[op["attribute-set"]]
    check(f"operation {op['name']} names only known attributes", not missing,
          f"unknown: {sorted(missing)}")

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
