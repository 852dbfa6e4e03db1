#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Turn Documentation/netlink/pciguard.yaml into the facts the running family
must report through the generic netlink controller (CTRL_CMD_GETFAMILY and
CTRL_CMD_GETPOLICY), one line each, in the format progs/genl_spec.c prints
them; tests/ynl_spec.sh compares the two in the VM.

Usage: ynl-expect.py [SPEC] > ynl.expect

Lines (KEY = VALUE; the test compares values key by key):

  family name = pciguard
  family version = 1
  family hdrsize = 0
  mcgrp events = present
  op CMD = do dump haspol admin-perm     (what the op supports; not events)
  attr CMD MODE PATH = TYPE [min N] [max N] [mask 0xN] [maxlen N]
      MODE do or dump; PATH the attribute numbers from the op's attribute
      set down through nests, e.g. 30.3 (target, then slot); TYPE as
      NL_ATTR_TYPE_* names it (u8, nul-string, nested, flag...).

  reply CMD MODE NUM = TYPE                 (an attribute the op's replies
      may carry: u8 u16 u32 u64 flag string nest, or any)

A line "may attr ..." is an attribute of a nested set that the request
does not name one by one (YNL says only which set a nest holds): the kernel
need not accept it, but if it does, the value must agree. "label" lines
name operations and attributes so that a difference names itself:

  label op CMD NAME / label opset CMD SET / label attr SET NUM NAME /
  label type SET NUM TYPE / label nest SET NUM SUBSET

How the spec maps onto the kernel's policy dump is what YNL's C generator
(tools/net/ynl in newer kernels) would build from it: a string is a
NLA_NUL_STRING (max-len its .len), an attribute with an enum is limited to
the enum's values, enum-as-flags to the mask of its flags, checks give min
and max. Linux 6.1's genl_ops have one policy for do and dump
(ctrl_dumppolicy_put_op(): "for now both do/dump are always the same"), so
an op with both is expected to accept its do request in dumps too.
"""
import sys

import yaml

NEST_DEPTH = 2		# how deep "may" lines follow nests inside a request

KTYPE = {"u8": "u8", "u16": "u16", "u32": "u32", "u64": "u64",
         "s8": "s8", "s16": "s16", "s32": "s32", "s64": "s64",
         "flag": "flag", "string": "nul-string", "binary": "binary",
         "nest": "nested", "bitfield32": "bitfield32"}
# How an attribute of each type can look in a reply (genl_spec's forms).
SENT = {"u8": "u8", "u16": "u16", "u32": "u32", "u64": "u64", "s8": "u8",
        "s16": "u16", "s32": "u32", "s64": "u64", "flag": "flag",
        "string": "string", "nest": "nest"}
UMAX = {"u8": 0xff, "u16": 0xffff, "u32": 0xffffffff, "u64": 0xffffffffffffffff}


def die(msg):
    sys.stderr.write(f"ynl-expect.py: {msg}\n")
    sys.exit(1)


class Spec:
    def __init__(self, path):
        self.spec = yaml.safe_load(open(path))
        self.consts = {}
        self.enums = {}
        for d in self.spec.get("definitions", []):
            if d["type"] == "const":
                self.consts[d["name"]] = d["value"]
            else:
                self.enums[d["name"]] = d
        self.sets = {}
        for s in self.spec["attribute-sets"]:
            if "subset-of" in s:
                die(f"attribute set {s['name']}: subset-of is not handled")
            attrs, num = {}, 0
            for a in s["attributes"]:
                num = a.get("value", num + 1)
                attrs[a["name"]] = dict(a, value=num)
            self.sets[s["name"]] = attrs

    def number(self, v, what):
        """An integer, a const's name, or "name - 1" (YNL's len-or-define)."""
        if isinstance(v, int):
            return v
        name, _, minus = str(v).partition(" - ")
        if name not in self.consts or minus not in ("", "1"):
            die(f"{what}: {v!r} is neither a number nor a const")
        return self.consts[name] - (1 if minus else 0)

    def policy(self, a, where):
        """What the kernel's policy dump says of attribute @a."""
        t = a["type"]
        if t not in KTYPE:
            die(f"{where}: type {t} has no policy")
        out = [KTYPE[t]]
        checks = a.get("checks", {})
        lo, hi, mask = 0, UMAX.get(t), None
        if "enum" in a:
            e = self.enums.get(a["enum"]) or die(f"{where}: no enum {a['enum']}")
            n = len(e["entries"])
            if a.get("enum-as-flags") or e["type"] == "flags":
                mask = (1 << n) - 1
            else:
                lo, hi = e.get("value-start", 0), e.get("value-start", 0) + n - 1
        if "min" in checks:
            lo = self.number(checks["min"], f"{where} min")
        if "max" in checks:
            hi = self.number(checks["max"], f"{where} max")
        if t in UMAX:
            if mask is not None:
                out.append(f"mask {mask:#x}")
            else:
                if lo:
                    out.append(f"min {lo}")
                if hi != UMAX[t]:
                    out.append(f"max {hi}")
        elif t in ("string", "binary"):
            if "min-len" in checks:
                out.append(f"minlen {self.number(checks['min-len'], where)}")
            if "max-len" in checks:
                out.append(f"maxlen {self.number(checks['max-len'], where)}")
        elif checks:
            die(f"{where}: checks on a {t} are not handled")
        return " ".join(out)


def main():
    spec = Spec(sys.argv[1] if len(sys.argv) > 1 else
                "Documentation/netlink/pciguard.yaml")
    s = spec.spec
    if s.get("protocol", "genetlink") not in ("genetlink", "genetlink-c"):
        die(f"protocol {s['protocol']} is not handled")
    out = [f"family name = {s['name']}",
           f"family version = {s.get('version', 1)}",
           "family hdrsize = 0"]
    groups = [g["name"] for g in (s.get("mcast-groups") or {}).get("list", [])]
    out += [f"mcgrp {g} = present" for g in groups]
    for name, attrs in spec.sets.items():
        for a in attrs.values():
            out.append(f"label attr {name} {a['value']} {a['name']}")
            out.append(f"label type {name} {a['value']} {SENT.get(a['type'], 'any')}")
            if a["type"] == "nest":
                out.append(f"label nest {name} {a['value']} {a['nested-attributes']}")

    def nested(cmd, mode, path, setname, depth):
        """may lines for every attribute of @setname below @path."""
        for a in spec.sets[setname].values():
            if a["type"] == "pad":
                continue
            p = f"{path}.{a['value']}"
            out.append(f"may attr {cmd} {mode} {p} = "
                       f"{spec.policy(a, setname + '.' + a['name'])}")
            if a["type"] == "nest" and depth < NEST_DEPTH:
                nested(cmd, mode, p, a["nested-attributes"], depth + 1)

    cmd = 0
    for op in s["operations"]["list"]:
        cmd = op.get("value", cmd + 1)
        aset = op["attribute-set"]
        out.append(f"label op {cmd} {op['name']}")
        out.append(f"label opset {cmd} {aset}")
        if "event" in op or "notify" in op:
            if op.get("mcgrp") not in groups:
                die(f"{op['name']}: notification without a known mcgrp")
            continue	# sent, never requested: no genl_ops entry
        req = {}
        for mode in ("do", "dump"):
            if mode in op:
                req[mode] = ((op[mode] or {}).get("request") or {}).get("attributes", [])
        if "do" in req and "dump" in req:
            extra = set(req["dump"]) - set(req["do"])
            if extra:
                die(f"{op['name']}: dump request {sorted(extra)} not in do's, "
                    "but Linux 6.1 has one policy for both")
            req["dump"] = req["do"]
        flags = [m for m in ("do", "dump") if m in req]
        if any(req.values()):
            flags.append("haspol")
        for f in op.get("flags", []):
            if f not in ("admin-perm", "uns-admin-perm"):
                die(f"{op['name']}: unknown flag {f}")
            flags.append(f)
        out.append(f"op {cmd} = {' '.join(flags)}")
        for mode in ("do", "dump"):
            for n in ((op.get(mode) or {}).get("reply") or {}).get("attributes", []):
                a = spec.sets[aset].get(n) or die(f"{op['name']}: no attribute {n}")
                out.append(f"reply {cmd} {mode} {a['value']} = "
                           f"{SENT.get(a['type'], 'any')}")
        for mode, names in req.items():
            for n in names:
                a = spec.sets[aset].get(n) or die(f"{op['name']}: no attribute {n}")
                out.append(f"attr {cmd} {mode} {a['value']} = "
                           f"{spec.policy(a, op['name'] + '.' + n)}")
                if a["type"] == "nest":
                    nested(cmd, mode, a["value"], a["nested-attributes"], 1)
    print("# Generated by selftests/vm/ynl-expect.py from "
          "Documentation/netlink/pciguard.yaml; do not edit.")
    print("\n".join(out))


main()
