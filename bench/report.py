#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench's report: the guest's samples and the host's judge figures
turned into one table (stdout) and bench/results.json.

    report.py --tap TAP_LOG --judge JUDGE_JSON --out RESULTS_JSON

The guest (selftests/vm/tests/bench.sh) prints one line per sample,

    # bench: fig=NAME i=N a=NS b=NS [KEY=VALUE...]

and one "# bench: info KEY=VALUE..." line. Each figure is the ratio a/b
of one sample; the table gives its median and its spread (min-max) over
the samples, and the medians of a and b. Exit 1 when a figure has no
sample (a measurement could not be taken); speed never fails it.
"""
import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys

# name, what a is, what b is, target (None: for the record), unit of a, b
FIGURES = [
    ("handoff", "pciguard assign (vfio-pci)", "sysfs reset (FLR)", 1.1,
     "ms"),
    ("handoff_req", "the module's assign request", "sysfs reset (FLR)", None,
     "ms"),
    ("restore", "restore of every FLR device", "restore of one", 1.5, "ms"),
    ("cfg_cmd", "guarded write, command word", "unguarded write", 1.05,
     "us"),
    ("cfg_cls", "guarded write, cache line size", "unguarded write", 1.05,
     "us"),
    ("cfg_read", "read, in custody", "read, not in custody", None, "us"),
    ("cfg_probe", "unguarded write, module loaded", "module not loaded",
     None, "us"),
    ("list", "pciguard list --all", "lspci", 1.2, "ms"),
    ("list_k", "pciguard list --all", "lspci -k", None, "ms"),
]
SCALE = {"ms": 1e6, "us": 1e3}


def parse_tap(path):
    info, samples = {}, {}
    pat = re.compile(r"^# bench: (.*)$")
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = pat.match(line.rstrip("\n"))
            if not m:
                continue
            fields = m.group(1).split()
            if fields and fields[0] == "info":
                info.update(kv.split("=", 1) for kv in fields[1:]
                            if "=" in kv)
                continue
            kv = dict(f.split("=", 1) for f in fields if "=" in f)
            if "fig" not in kv:
                continue
            try:
                s = {k: float(v) for k, v in kv.items()
                     if k not in ("fig",)}
            except ValueError:
                continue        # an empty a= or b=: not taken
            if s.get("a", 0) > 0 and s.get("b", 0) > 0:
                samples.setdefault(kv["fig"], []).append(s)
    return info, samples


def spread(values):
    return {"median": statistics.median(values), "min": min(values),
            "max": max(values)}


def host_info():
    def cmd(*argv):
        try:
            return subprocess.run(argv, capture_output=True, text=True,
                                  check=False).stdout.strip()
        except OSError:
            return ""
    cpu = ""
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    debian = ""
    if os.path.exists("/etc/debian_version"):
        with open("/etc/debian_version", encoding="utf-8") as f:
            debian = f.read().strip()
    qemu = os.environ.get("QEMU", "qemu-system-x86_64")
    return {
        "os": f"Debian {debian}" if debian else platform.platform(),
        "kernel": platform.release(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "qemu": cmd(qemu, "--version").splitlines()[0:1] or [""],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tap", required=True)
    ap.add_argument("--judge", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    info, samples = parse_tap(args.tap)
    with open(args.judge, encoding="utf-8") as f:
        judge = json.load(f)
    host = host_info()
    host["qemu"] = host["qemu"][0]
    res = {
        "date": datetime.datetime.now(datetime.timezone.utc)
        .strftime("%Y-%m-%dT%H:%M:%SZ"),
        "host": host,
        "guest": {"machine": "QEMU TCG q35, topology many", **info},
        "figures": {},
        "judge": judge,
    }
    missing = []
    rows = []
    for name, a_desc, b_desc, target, unit in FIGURES:
        ss = samples.get(name, [])
        if not ss:
            missing.append(name)
            continue
        ratios = [s["a"] / s["b"] for s in ss]
        r = spread(ratios)
        fig = {
            "a": a_desc, "b": b_desc, "target": target, "unit": unit,
            "samples": len(ss), "ratio": r,
            "a_" + unit: spread([s["a"] / SCALE[unit] for s in ss]),
            "b_" + unit: spread([s["b"] / SCALE[unit] for s in ss]),
            "met": None if target is None else r["median"] <= target,
        }
        for extra in sorted({k for s in ss for k in s} - {"a", "b", "i"}):
            vals = [s[extra] for s in ss if extra in s]
            if extra in ("detach", "exec"):
                vals = [v / SCALE[unit] for v in vals]
                extra = extra + "_" + unit
            fig[extra] = spread(vals)
        res["figures"][name] = fig
        rows.append((name, fig))

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(res, f, indent=2)
        f.write("\n")

    print(f"make bench, {res['date']}: {host['os']}, {host['cpus']} CPUs "
          f"({host['cpu']}), {host['qemu']}; guest {info.get('kernel', '?')}"
          f", {info.get('runs', '?')} samples per figure")
    hdr = ("figure", "A", "B", "A median", "B median", "A/B median",
           "spread", "target")
    table = []
    for name, fig in rows:
        u = fig["unit"]
        target = fig["target"]
        verdict = "-" if target is None else \
            f"<= {target} {'met' if fig['met'] else 'MISSED'}"
        table.append((name, fig["a"], fig["b"],
                      f"{fig['a_' + u]['median']:.3g} {u}",
                      f"{fig['b_' + u]['median']:.3g} {u}",
                      f"{fig['ratio']['median']:.3f}",
                      f"{fig['ratio']['min']:.3f}-{fig['ratio']['max']:.3f}",
                      verdict))
    widths = [max(len(str(r[i])) for r in [hdr] + table)
              for i in range(len(hdr))]
    for r in [hdr] + table:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())
    if "handoff" in res["figures"]:
        h = res["figures"]["handoff"]
        if "kreset_ms" in h:
            print(f"handoff: the module's own reset took "
                  f"{h['kreset_ms']['median']:.0f} ms (median)")
        if "exec_ms" in h:
            print(f"handoff: the CLI's process start alone (pciguard --help)"
                  f" took {h['exec_ms']['median']:.0f} ms (median)")
    print("engine (host, pg_cfg_denied() per write; pg_cfg_build() once "
          "per custody):")
    for c in judge["caps"]:
        d, b = c["decision_ns"], c["build_us"]
        print(f"  {c['caps']:2d} capabilities: decision {d['median']:.1f} ns "
              f"({d['min']:.1f}-{d['max']:.1f}), build {b['median']:.2f} us "
              f"({b['min']:.2f}-{b['max']:.2f})")
    print(f"written: {args.out}")
    if missing:
        print(f"bench: no samples for: {' '.join(missing)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
