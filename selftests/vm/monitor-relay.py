#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Let guest tests hot-unplug and hot-plug devices through QEMU's monitor.

run.sh starts this before QEMU when the topology sets TOPO_MONITOR=1 (or
with --monitor).  It listens on two unix sockets that QEMU then connects to
as a client: QEMU's QMP monitor and the guest's third serial port (ttyS2).
The guest writes one command per line on ttyS2; the relay checks it,
runs it on the monitor and writes back QEMU's reply followed by the line
"# hp: end rc=N" (0: done, 1: QEMU reported an error, 2: refused here).

Allowed commands, and only for the device ids in --ids (the topology's
TOPO_HOTPLUG_IDS):

    device_del ID
    device_add DRIVER,id=ID[,PROP=VALUE]...
    info pci

device_del returns once QEMU has asked the guest to eject the device (the
guest removes it asynchronously).  A device_add for an id whose device_del
QEMU has not finished yet waits (up to 30 s) for QEMU's DEVICE_DELETED
event first, so that the id is free again.  Everything goes to --log.
"""
import argparse
import json
import os
import select
import socket
import sys
import time

END = "# hp: end rc=%d\n"


class Monitor:
    """A QMP connection: commands, and the DEVICE_DELETED events seen."""

    def __init__(self, conn, log):
        self.sock = conn
        self.buf = b""
        self.log = log
        self.deleted = set()
        self.read(None)  # the greeting
        self.execute("qmp_capabilities")

    def read(self, deadline):
        """The next message, or None at @deadline (time.monotonic())."""
        while b"\n" not in self.buf:
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([self.sock], [], [], left)[0]:
                    return None
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("QEMU closed the monitor")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        msg = json.loads(line)
        if msg.get("event") == "DEVICE_DELETED":
            dev = msg.get("data", {}).get("device")
            if dev:
                self.deleted.add(dev)
                self.log("event DEVICE_DELETED %s" % dev)
        return msg

    def execute(self, cmd, **args):
        req = {"execute": cmd}
        if args:
            req["arguments"] = args
        self.sock.sendall((json.dumps(req) + "\n").encode())
        while True:
            msg = self.read(None)
            if "return" in msg or "error" in msg:
                return msg

    def wait_deleted(self, dev, secs):
        """Wait for QEMU's DEVICE_DELETED event for @dev."""
        deadline = time.monotonic() + secs
        while dev not in self.deleted:
            if self.read(deadline) is None:
                return False
        return True


def device_id(opts):
    """The id= of a device_add option string, or None."""
    for kv in opts.split(",")[1:]:
        if kv.startswith("id="):
            return kv[3:]
    return None


def handle(mon, line, ids, pending):
    """Run one guest command; return (reply text, rc)."""
    words = line.split()
    if words == ["info", "pci"]:
        hmp = "info pci"
    elif len(words) == 2 and words[0] == "device_del":
        if words[1] not in ids:
            return "refused: %s is not hot-pluggable here\n" % words[1], 2
        mon.deleted.discard(words[1])
        pending.add(words[1])
        hmp = line
    elif len(words) == 2 and words[0] == "device_add":
        dev = device_id(words[1])
        if dev not in ids:
            return "refused: device_add needs id=ID of a hot-pluggable id\n", 2
        if dev in pending:
            if not mon.wait_deleted(dev, 30):
                return "QEMU has not finished removing %s\n" % dev, 1
            pending.discard(dev)
        hmp = line
    else:
        return "refused: only device_del ID, device_add ...,id=ID, info pci\n", 2
    msg = mon.execute("human-monitor-command", **{"command-line": hmp})
    if "error" in msg:
        return msg["error"].get("desc", "error") + "\n", 1
    out = msg.get("return", "")
    # HMP reports a failed device_add/device_del as text, status success.
    rc = 1 if out.startswith("Error") else 0
    return out.replace("\r", ""), rc


def listen(path):
    if os.path.exists(path):
        os.unlink(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(1)
    return s


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--qmp", required=True, help="socket for QEMU's QMP")
    ap.add_argument("--serial", required=True, help="socket for ttyS2")
    ap.add_argument("--ids", default="", help="hot-pluggable ids, separated by spaces or commas")
    ap.add_argument("--log", required=True)
    ap.add_argument("--ready", help="file created once both sockets listen")
    a = ap.parse_args()
    ids = set(a.ids.replace(",", " ").split())

    logf = open(a.log, "a", encoding="utf-8")

    def log(msg):
        logf.write("%.3f %s\n" % (time.monotonic(), msg))
        logf.flush()

    qs, ss = listen(a.qmp), listen(a.serial)
    if a.ready:
        open(a.ready, "w", encoding="utf-8").close()
    log("listening; ids: %s" % (" ".join(sorted(ids)) or "(none)"))
    try:
        qconn, _ = qs.accept()
        sconn, _ = ss.accept()
        mon = Monitor(qconn, log)
        sf = sconn.makefile("rw", encoding="utf-8", errors="replace", newline="\n")
        pending = set()
        for line in sf:
            line = line.strip("\r\n\x00 ")
            if not line:
                continue
            t0 = time.monotonic()
            reply, rc = handle(mon, line, ids, pending)
            log("guest: %s -> rc=%d in %.0f ms: %s" %
                (line, rc, (time.monotonic() - t0) * 1000, reply.strip()))
            sf.write(reply if not reply or reply.endswith("\n") else reply + "\n")
            sf.write(END % rc)
            sf.flush()
    except (EOFError, OSError, ValueError) as e:
        log("stopped: %s" % e)
    log("QEMU went away")
    for p in (a.qmp, a.serial):
        try:
            os.unlink(p)
        except OSError:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
