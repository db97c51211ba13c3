#!/usr/bin/env python3
"""Streams one small UI three ways in one run and prints each figure with its ratio
(docs/benchmarks.md, "Streaming a UI"):

  doppel   bench/stream/stream_doppel_app   Dear ImGui on doppel's backend (WebSocket, deltas)
  broadway bench/stream/stream_gtk_app      GTK 4 under gtk4-broadwayd (WebSocket, render nodes)
  qtvnc    bench/stream/stream_qt_app       Qt Widgets on Qt's VNC platform plugin (RFB, raw)

The workload (buttons, a "Count: N" label, a text field, a progress bar; the same pixels in each
twin) is served on loopback and a protocol-level viewer (bench/stream/clients.py) connects,
clicks and measures, as shared/remoting-survey.md §3.1 did:

  first screen     bytes from connecting until 0.5 s of silence, and the time to its last byte
  idle             bytes per second over --idle seconds with nothing happening
  click            press, release 30 ms later, then until 0.3 s of silence; press to first byte
                   (median, p95), to the first frame (a doppel Frame record, a Broadway
                   SET_NODES op, a complete RFB update), to the last byte, bytes per click
  animation        the progress bar sweeping (--animate): bytes/s and frames/s the viewer got
  50 ms away       the same animation through a proxy holding each chunk 25 ms each way
  CPU              server processes' user+system seconds per minute while animating / clicking
                   (/proc/PID/stat; Broadway counts gtk4-broadwayd and the app), and their RSS

Figures are input-to-wire: no browser decodes or paints. Ratios are doppel / other in the unit of
the measure ("N%" below 2x, "N.NNx" from 2x up, as bench/run_bench.py, and "1/N" below 1%); for
frames/s higher is better, for everything else lower.

  bench/run_stream_bench.py [--bin-dir build/bin] [--sizes 1280x800,400x300] [--clicks 20]
                            [--only doppel,broadway,qtvnc] [--json] [--smoke]

Needs gtk4-broadwayd (libgtk-4-bin) and the three programs (ninja stream_bench_programs); a
system whose program is missing is skipped with a note. Python 3 standard library only.
"""

import argparse
import json
import os
import select
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "stream"))

from clients import VIEWERS, now  # noqa: E402
from delay_proxy import DelayProxy  # noqa: E402

ROOT = os.path.dirname(HERE)
SYSTEMS = ["doppel", "broadway", "qtvnc"]
LABELS = {"doppel": "doppel", "broadway": "GTK4 Broadway", "qtvnc": "Qt VNC"}
PROGRAMS = {"doppel": "stream_doppel_app", "broadway": "stream_gtk_app", "qtvnc": "stream_qt_app"}
CLICK_AT = (100, 40)  # the centre of "Increment" in every twin
TICK = os.sysconf("SC_CLK_TCK")

# key -> (label, unit, better)
METRICS = [
    ("first_kb", "first screen", "KB", "lower"),
    ("first_ms", "connect to first screen complete", "ms", "lower"),
    ("idle_bps", "idle traffic", "B/s", "lower"),
    ("click_first_p50", "click to first byte, median", "ms", "lower"),
    ("click_first_p95", "click to first byte, p95", "ms", "lower"),
    ("click_frame_p50", "click to first frame received, median", "ms", "lower"),
    ("click_last_p50", "click to last byte, median", "ms", "lower"),
    ("click_bytes", "bytes per click, median", "B", "lower"),
    ("anim_bps", "animation traffic", "B/s", "lower"),
    ("anim_fps", "animation frames received", "fps", "higher"),
    ("fps_50ms", "animation frames, browser 50 ms away", "fps", "higher"),
    ("bps_50ms", "animation traffic, 50 ms away", "B/s", "lower"),
    ("cpu_anim", "server CPU while animating", "s/min", "lower"),
    ("cpu_frame", "server CPU per animation frame", "ms", "lower"),
    ("cpu_click", "server CPU while clicking", "s/min", "lower"),
    ("rss_mb", "server resident memory", "MB", "lower"),
]


def listening(port):
    """True when something listens on 127.0.0.1/0.0.0.0:port (read from /proc: a probe
    connection would be a client to Qt's VNC server)."""
    for path in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(path) as f:
                next(f)
                for line in f:
                    parts = line.split()
                    if parts[3] == "0A" and int(parts[1].split(":")[1], 16) == port:
                        return True
        except OSError:
            pass
    return False


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    """The system's processes for one size, static or animated; ended by close()."""

    def __init__(self, system, bin_dir, size, animate, settle):
        self.system = system
        self.procs = []
        self.tmp = tempfile.mkdtemp(prefix="stream-bench-")
        w, h = size
        extra = ["--animate"] if animate else []
        log = open(os.path.join(self.tmp, "log"), "w")
        self.log = log
        prog = os.path.join(bin_dir, PROGRAMS[system])
        if system == "doppel":
            p = subprocess.Popen([prog] + extra, stdout=subprocess.PIPE, stderr=log, text=True)
            self.procs.append(p)
            r, _, _ = select.select([p.stdout], [], [], 10)
            line = p.stdout.readline() if r else ""
            if not line.startswith("PORT "):
                self.close()
                raise RuntimeError("stream_doppel_app did not print its port")
            self.port = int(line.split()[1])
        elif system == "broadway":
            self.port = free_port()
            env = dict(os.environ, XDG_RUNTIME_DIR=self.tmp)
            self.procs.append(subprocess.Popen(
                ["gtk4-broadwayd", "--port", str(self.port), "--address", "127.0.0.1", ":5"],
                env=env, stdout=log, stderr=log))
            self._wait_listening()
            env.update(GDK_BACKEND="broadway", BROADWAY_DISPLAY=":5", STREAM_SIZE=f"{w}x{h}")
            self.procs.append(subprocess.Popen([prog] + extra, env=env, stdout=log, stderr=log))
        else:
            self.port = free_port()
            self.procs.append(subprocess.Popen(
                [prog, "-platform", f"vnc:size={w}x{h},port={self.port}"] + extra,
                env=dict(os.environ, XDG_RUNTIME_DIR=self.tmp), stdout=log, stderr=log))
        self._wait_listening()
        time.sleep(settle)  # the application's own start-up and first paint are not measured
        for p in self.procs:
            if p.poll() is not None:
                self.close()
                raise RuntimeError(f"{system}: a server process exited ({p.returncode}); "
                                   f"log in {self.tmp}")

    def _wait_listening(self):
        deadline = time.monotonic() + 10
        while not listening(self.port):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.system}: nothing listens on port {self.port}")
            time.sleep(0.02)

    def cpu(self):
        total = 0
        for p in self.procs:
            with open(f"/proc/{p.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        return total / TICK

    def rss_mb(self):
        total = 0
        for p in self.procs:
            with open(f"/proc/{p.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        return total / 1024

    def count(self):
        """The application's click counter: every twin prints "count N" on stderr when it changes."""
        self.log.flush()
        n = 0
        with open(os.path.join(self.tmp, "log")) as f:
            for line in f:
                if line.startswith("count "):
                    n = int(line.split()[1])
        return n

    def close(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
            if p.stdout:
                p.stdout.close()
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def pump_for(viewer, seconds):
    end = now() + seconds
    while now() < end:
        viewer.pump(min(0.02, max(end - now(), 0)))


def wait_quiet(viewer, quiet, limit):
    """Pumps until no byte came for `quiet` seconds (or `limit`); returns the last byte's time."""
    start = now()
    while now() - start < limit:
        viewer.pump(0.01)
        last = viewer.wire.rx[-1][0] if viewer.wire.rx else start
        if now() - max(last, start) >= quiet:
            break
    return viewer.wire.rx[-1][0] if viewer.wire.rx else None


def bytes_since(viewer, t):
    return sum(n for (ts, n) in viewer.wire.rx if ts >= t)


def pct(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def static_run(system, args, size, out):
    """First screen, idle, clicks: one static server, one viewer."""
    server = Server(system, args.bin_dir, size, False, args.settle)
    try:
        t0 = now()
        v = VIEWERS[system]("127.0.0.1", server.port, *size)
        last = wait_quiet(v, 0.5, 15)
        out["first_kb"] = v.wire.total / 1000
        out["first_ms"] = (last - t0) * 1000 if last else None
        before = v.wire.total
        pump_for(v, args.idle)
        out["idle_bps"] = (v.wire.total - before) / args.idle
        v.move(*CLICK_AT)  # hover first: the press alone is measured
        wait_quiet(v, 0.3, 3)
        firsts, lasts, sizes, frames, silent = [], [], [], [], 0
        cpu0, t_cpu = server.cpu(), now()
        for _ in range(args.clicks):
            t_press = v.button(*CLICK_AT, True)
            pump_for(v, 0.03)
            v.button(*CLICK_AT, False)
            wait_quiet(v, 0.3, 3)
            after = [ts for (ts, n) in v.wire.rx if ts >= t_press]
            if not after:
                silent += 1
                continue
            firsts.append((after[0] - t_press) * 1000)
            lasts.append((after[-1] - t_press) * 1000)
            drawn = [t for t in v.frames if t >= t_press]
            if drawn:
                frames.append((drawn[0] - t_press) * 1000)
            sizes.append(bytes_since(v, t_press))
        out["cpu_click"] = (server.cpu() - cpu0) / (now() - t_cpu) * 60
        counted = server.count()
        if counted != args.clicks:
            out.setdefault("notes", []).append(f"the application counted {counted} of {args.clicks} clicks")
        if silent:
            out.setdefault("notes", []).append(f"{silent} of {args.clicks} clicks got no update")
        if firsts:
            out["click_first_p50"] = statistics.median(firsts)
            out["click_first_p95"] = pct(firsts, 0.95)
            out["click_last_p50"] = statistics.median(lasts)
            out["click_frame_p50"] = statistics.median(frames) if frames else None
            out["click_bytes"] = statistics.median(sizes)
        v.wire.close()
    finally:
        server.close()


def animated_run(system, args, size, out):
    """The progress bar animating: direct, then through the 50 ms proxy (a new viewer)."""
    server = Server(system, args.bin_dir, size, True, args.settle)
    try:
        v = VIEWERS[system]("127.0.0.1", server.port, *size)
        pump_for(v, args.warmup)
        b0, f0, cpu0, t0 = v.wire.total, len(v.frames), server.cpu(), now()
        pump_for(v, args.anim)
        dt = now() - t0
        out["anim_bps"] = (v.wire.total - b0) / dt
        out["anim_fps"] = (len(v.frames) - f0) / dt
        out["cpu_anim"] = (server.cpu() - cpu0) / dt * 60
        frames = len(v.frames) - f0
        out["cpu_frame"] = out["cpu_anim"] / 60 * dt / frames * 1000 if frames else None
        out["rss_mb"] = server.rss_mb()
        v.wire.close()
        time.sleep(0.3)  # the server sees the first viewer leave (doppel: one user per process)
        proxy = DelayProxy(server.port, args.delay / 2)
        try:
            v = VIEWERS[system]("127.0.0.1", proxy.port, *size)
            pump_for(v, args.warmup + args.delay * 4)
            b0, f0, t0 = v.wire.total, len(v.frames), now()
            pump_for(v, args.anim)
            dt = now() - t0
            out["fps_50ms"] = (len(v.frames) - f0) / dt
            out["bps_50ms"] = (v.wire.total - b0) / dt
            v.wire.close()
        finally:
            proxy.close()
    finally:
        server.close()


def fmt(v, unit):
    if v is None:
        return "-"
    if unit in ("B/s", "B"):
        return f"{v:,.0f} {unit}"
    if unit == "KB":
        return f"{v:,.1f} KB"
    if unit in ("ms",):
        return f"{v:.2f} ms"
    if unit == "MB":
        return f"{v:.1f} MB"
    return f"{v:.1f} {unit}"


def ratio(d, o):
    if d is None or o is None or o == 0:
        return "-"
    r = d / o
    if r == 0:
        return "0"
    if r < 0.01:
        return f"1/{1 / r:,.0f}"
    return f"{r * 100:.0f}%" if r < 2 else f"{r:.2f}x"


def print_table(size, results, systems):
    print(f"\n== {size[0]}x{size[1]} ==")
    others = [s for s in systems if s != "doppel"]
    head = f"{'':40}" + "".join(f"{LABELS[s]:>16}" for s in systems)
    if "doppel" in systems:
        head += "".join(f"{'doppel/' + LABELS[s].split()[0]:>14}" for s in others)
    print(head)
    for key, label, unit, _better in METRICS:
        row = f"{label:40}" + "".join(f"{fmt(results[s].get(key), unit):>16}" for s in systems)
        if "doppel" in systems:
            row += "".join(f"{ratio(results['doppel'].get(key), results[s].get(key)):>14}"
                           for s in others)
        print(row)
    for s in systems:
        for note in results[s].get("notes", []):
            print(f"  note ({LABELS[s]}): {note}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin-dir", default=os.path.join(ROOT, "build", "bin"))
    ap.add_argument("--sizes", default="1280x800,400x300")
    ap.add_argument("--only", default=",".join(SYSTEMS))
    ap.add_argument("--clicks", type=int, default=20)
    ap.add_argument("--idle", type=float, default=5.0, help="seconds of idle measured")
    ap.add_argument("--anim", type=float, default=5.0, help="seconds of animation measured")
    ap.add_argument("--warmup", type=float, default=1.0)
    ap.add_argument("--settle", type=float, default=1.0, help="seconds between start and connect")
    ap.add_argument("--delay", type=float, default=50.0, help="round trip of the proxy, ms")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--smoke", action="store_true",
                    help="doppel only, 400x300, short phases; fails unless every figure is there")
    args = ap.parse_args()
    if args.smoke:
        args.only, args.sizes, args.clicks = "doppel", "400x300", 3
        args.idle, args.anim, args.warmup, args.settle = 0.5, 0.5, 0.3, 0.2
    args.delay /= 1000.0
    sizes = [tuple(int(x) for x in s.split("x")) for s in args.sizes.split(",")]
    systems = []
    for s in args.only.split(","):
        if not os.path.exists(os.path.join(args.bin_dir, PROGRAMS[s])):
            print(f"skipped {LABELS[s]}: {PROGRAMS[s]} not built in {args.bin_dir}", file=sys.stderr)
        elif s == "broadway" and shutil.which("gtk4-broadwayd") is None:
            print("skipped GTK4 Broadway: gtk4-broadwayd not installed (libgtk-4-bin)", file=sys.stderr)
        else:
            systems.append(s)
    if not systems:
        return 1
    report = {}
    for size in sizes:
        results = {}
        for s in systems:
            out = results.setdefault(s, {})
            for run in (static_run, animated_run):
                try:
                    run(s, args, size, out)
                except Exception as e:  # a broken system is reported, the others still run
                    out.setdefault("notes", []).append(f"{run.__name__} failed: {e}")
        report[f"{size[0]}x{size[1]}"] = results
        if not args.json:
            print_table(size, results, systems)
    if args.json:
        print(json.dumps(report, indent=1))
    if args.smoke:
        got = report[args.sizes]["doppel"]
        missing = [k for k, *_ in METRICS if got.get(k) is None]
        bad = [k for k in ("first_kb", "click_bytes", "anim_fps", "fps_50ms") if not got.get(k)]
        if missing or bad or got.get("notes"):
            print(f"smoke: missing {missing}, zero {bad}, notes {got.get('notes')}", file=sys.stderr)
            return 1
        print("smoke: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
