#!/usr/bin/env python3
"""Runs the same workloads against doppel, Qt 6 and a raw-socket floor in one run and prints
each figure with its ratio (docs/benchmarks.md).

Every peer is a separate process on real loopback sockets (tcp://127.0.0.1:PORT, local:NAME).
The implementations are interleaved in several rounds (the order rotates each round) and the
table shows the median of the rounds, because this machine is noisy: compare ratios taken in the
same run, not figures from different days.

  bench/run [BUILD_BIN_DIR] [--rounds 3] [--json] [--cross] ...

Ratios are doppel / baseline in the unit of the measure (lower is better for us, ms and KB;
higher for /s), printed as "N%" below 2x and as "N.NNx" from 2x up (Cap'n Proto's Gain style).

Python 3 standard library only.
"""

import argparse
import json
import os
import platform
import resource
import select
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Implementations: which host and client programs, and their environment.
# "floor" is bench_floor; the cross pairs are only run with --cross.
IMPLS = {
    "floor": {"host": ["bench_floor", "serve"], "client": ["bench_floor", "client"], "env": {}},
    "qt": {"host": ["bench_qt_host"], "client": ["bench_qt_client"], "env": {}, "qt": True},
    "qt_noglib": {"host": ["bench_qt_host"], "client": ["bench_qt_client"],
                  "env": {"QT_NO_GLIB": "1"}, "qt": True},
    "doppel": {"host": ["bench_doppel_host"], "client": ["bench_doppel_client"], "env": {}},
    # Cross pairs: who talks to whom (Qt with its default dispatcher).
    "doppel_to_qt": {"host": ["bench_qt_host"], "client": ["bench_doppel_client"], "env": {},
                     "qt": True, "cross": True},
    "qt_to_doppel": {"host": ["bench_doppel_host"], "client": ["bench_qt_client"], "env": {},
                     "qt": True, "cross": True},
}

# Where the host and the client of a round trip run. "free" leaves it to the kernel, which
# places a pair differently depending on how each side waits (a blocking read() is pulled onto
# its waker's CPU more often than an epoll_wait()), so the free figures of two implementations
# can differ by placement alone. "one" pins both to one CPU (the round trip is then the sum of
# both sides' work) and "two" gives each its own CPU (every message crosses CPUs): the same
# placement for every implementation.
PLACEMENTS = ("free", "one", "two")

# metric key -> (label, unit, better)
METRICS = {
    "rtt_tcp_p50": ("slot round trip p50, tcp", "us", "lower"),
    "rtt_tcp_p99": ("slot round trip p99, tcp", "us", "lower"),
    "rtt_local_p50": ("slot round trip p50, local", "us", "lower"),
    "rtt_local_p99": ("slot round trip p99, local", "us", "lower"),
    "rtt_tcp_p50_one": ("slot round trip p50, tcp, both on one CPU", "us", "lower"),
    "rtt_tcp_p50_two": ("slot round trip p50, tcp, one CPU each", "us", "lower"),
    "rtt_local_p50_one": ("slot round trip p50, local, both on one CPU", "us", "lower"),
    "rtt_local_p50_two": ("slot round trip p50, local, one CPU each", "us", "lower"),
    "pipe_tcp": ("pipelined calls/s (64 outstanding), tcp", "/s", "higher"),
    "push_tcp": ("property pushes/s to one replica, tcp", "/s", "higher"),
    "acquire_local_p50": ("acquire to Valid, new connection, local, p50", "ms", "lower"),
    "idle_kb": ("host memory per idle replica connection", "KB", "lower"),
}
# The JSON's "median" also holds figures that are not table rows: pipe_tcp_permsg,
# push_notifications, acquire_local_p99, idle_pss_kb and cpu_<work>_<client|host>.


def ratio_text(r):
    if r is None:
        return "-"
    return f"{r * 100:.0f}%" if r < 2 else f"{r:.2f}x"


def fmt_value(v, unit):
    if v is None:
        return "-"
    if unit == "/s":
        return f"{v:,.0f}"
    if unit == "us":
        return f"{v:.1f} us"
    if unit == "ms":
        return f"{v:.3f} ms"
    if unit == "KB":
        return f"{v:.1f} KB"
    return f"{v:g}"


# Targets (DESIGN.md section 4). Each check: (description, function(values, ratios) -> bool or
# None); ratios are doppel's against "floor", "qt", "qt_noglib" and "qt_best" (the faster of
# Qt's two dispatchers).
def _ratio(a, b):
    return None if a is None or b in (None, 0) else a / b


def _floor_check():
    return ("<= 1.3x floor", lambda v, r: _le(r["floor"], 1.3))


TARGETS = {
    "rtt_tcp_p50": [_floor_check(), ("<= 0.5x Qt", lambda v, r: _le(r["qt_best"], 0.5))],
    "rtt_local_p50": [_floor_check()],
    **{f"rtt_{t}_p50_{p}": [_floor_check()] for t in ("tcp", "local") for p in ("one", "two")},
    "pipe_tcp": [(">= 3x Qt", lambda v, r: _ge(r["qt_best"], 3))],
    "push_tcp": [(">= 10x Qt", lambda v, r: _ge(r["qt_best"], 10))],
    "acquire_local_p50": [("<= 0.15 ms", lambda v, r: _le(v["doppel"], 0.15))],
    "idle_kb": [("<= 20 KB", lambda v, r: _le(v["doppel"], 20))],
}


def _le(x, limit):
    return None if x is None else x <= limit


def _ge(x, limit):
    return None if x is None else x >= limit


def _best_qt(v, better):
    """The harder Qt to beat: the one of its two event dispatchers with the better median."""
    qs = [impl for impl in ("qt", "qt_noglib") if v.get(impl) is not None]
    if not qs:
        return None
    pick = min if better == "lower" else max
    return pick(qs, key=lambda impl: v[impl])


def paired_ratio(rounds, key, impl, base):
    """doppel's figure over the baseline's, taken round by round (the two ran seconds apart, the
    machine's speed drifts over minutes), and the median of those ratios."""
    ratios = [r[impl][key] / r[base][key] for r in rounds
              if key in r.get(impl, {}) and r.get(base, {}).get(key)]
    return statistics.median(ratios) if ratios else None


def paired_ratio_of(rounds, num, den):
    """paired_ratio for two (impl, key) pairs: median over the rounds of num / den."""
    ratios = [r[num[0]][num[1]] / r[den[0]][den[1]] for r in rounds
              if num[1] in r.get(num[0], {}) and r.get(den[0], {}).get(den[1])]
    return statistics.median(ratios) if ratios else None


# The round-trip keys whose floor is also run with an event-loop client.
EVENT_LOOP_FLOOR = [k for k in METRICS if k.startswith("rtt_") and "_p50" in k]


def record_cpu(out, result, work):
    """Copies a client's CPU figures (client_cpu_us, host_cpu_us) to cpu_<work>_<side>."""
    for side in ("client", "host"):
        if f"{side}_cpu_us" in result:
            out[f"cpu_{work}_{side}"] = result[f"{side}_cpu_us"]


class Failure(Exception):
    pass


class Runner:
    def __init__(self, args):
        self.args = args
        self.bin_dir = args.bin_dir
        self.tmp = tempfile.mkdtemp(prefix="doppel-bench-")
        self.counter = 0
        self.errors = []
        self.failed = set()  # (impl, metric) that failed in some round
        self.log = sys.stderr

    def note(self, msg):
        if not self.args.quiet:
            print(msg, file=self.log, flush=True)

    def exe(self, name):
        return os.path.join(self.bin_dir, name)

    def have(self, impl):
        spec = IMPLS[impl]
        return all(os.access(self.exe(p[0]), os.X_OK) for p in (spec["host"], spec["client"]))

    def env_for(self, impl):
        env = dict(os.environ)
        env.pop("QT_NO_GLIB", None)
        env.update(IMPLS[impl]["env"])
        env.setdefault("DOPPEL_LOG", "warning")
        return env

    def new_url(self, transport):
        self.counter += 1
        if transport == "tcp":
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            return f"tcp://127.0.0.1:{port}"
        # Absolute path: the same socket file for every peer whatever its TMPDIR rule.
        return f"local:{self.tmp}/s{self.counter}"

    def start_host(self, impl, url):
        spec = IMPLS[impl]
        cmd = [self.exe(spec["host"][0])] + spec["host"][1:] + ["--url", url]
        err = tempfile.TemporaryFile(mode="w+")
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, env=self.env_for(impl),
                                text=True)
        deadline = time.monotonic() + 15
        line = ""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stdout], [], [], 0.2)
            if ready:
                line = proc.stdout.readline()
                if line.startswith("LISTENING"):
                    return proc, err
                if not line:
                    break
            if proc.poll() is not None:
                break
        self.stop_host(proc)
        err.seek(0)
        raise Failure(f"{impl} host did not start on {url}: {line.strip()} {err.read()[-500:]}")

    def stop_host(self, proc):
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc.stdout:
            proc.stdout.close()

    def release_host(self, url, proc, err):
        """Stops a host started by start_host() and removes its socket file."""
        self.stop_host(proc)
        err.close()
        if url.startswith("local:"):
            try:
                os.unlink(url[len("local:"):])
            except OSError:
                pass

    def cpus_for(self, placement):
        """(host CPUs, client CPUs) for a placement, or None to leave both to the kernel."""
        if placement == "free":
            return None
        allowed = sorted(os.sched_getaffinity(0))
        if placement == "one":
            return {allowed[0]}, {allowed[0]}
        if len(allowed) < 2:
            raise Failure("placement 'two' needs two CPUs")
        return {allowed[0]}, {allowed[1]}

    @staticmethod
    def pin(pid, cpus):
        """Sets the CPUs of every thread of a running process."""
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                os.sched_setaffinity(int(tid), cpus)
            except OSError:
                pass  # a thread that ended meanwhile

    def client(self, impl, url, mode, n, extra=(), host=None, cpus=None):
        spec = IMPLS[impl]
        cmd = ([self.exe(spec["client"][0])] + spec["client"][1:] +
               ["--url", url, "--mode", mode, "--n", str(n)] + list(extra))
        if host is not None:
            cmd += ["--host-pid", str(host.pid)]
        try:
            res = subprocess.run(cmd, capture_output=True, text=True, env=self.env_for(impl),
                                 timeout=self.args.timeout,
                                 preexec_fn=None if cpus is None else
                                 (lambda: os.sched_setaffinity(0, cpus)))
        except subprocess.TimeoutExpired:
            raise Failure(f"{impl} {mode} timed out after {self.args.timeout} s")
        for line in res.stdout.splitlines():
            if line.startswith("RESULT "):
                return json.loads(line[len("RESULT "):])
        raise Failure(f"{impl} {mode} failed (exit {res.returncode}): {res.stderr.strip()[-500:]}")

    def attempt(self, impl, what, fn, keys=()):
        t0 = time.monotonic()
        try:
            r = fn()
            self.note(f"  {impl} {what}: {time.monotonic() - t0:.1f} s")
            return r
        except Failure as e:
            self.failed.update((impl, k) for k in keys)
            self.errors.append(f"{impl} {what}: {e}")
            self.note(f"  ERROR {impl} {what}: {e}")
            return None

    def run_rtt(self, order):
        """One round of round trips: per transport, every implementation's host is started
        first, then each placement runs every client back to back, so that the runs compared
        are seconds apart (this VM's speed drifts over minutes). Returns {impl: {metric: value}}.
        """
        a = self.args
        out = {impl: {} for impl in order}
        everywhere = os.sched_getaffinity(0)
        for transport in ("tcp", "local"):
            hosts = {}
            try:
                for impl in order:
                    url = self.new_url(transport)
                    try:
                        hosts[impl] = (url,) + self.start_host(impl, url)
                    except Failure as e:
                        self.failed.update((impl, k) for k in METRICS if k.startswith(
                            f"rtt_{transport}_"))
                        self.errors.append(str(e))
                        self.note(f"  ERROR {e}")
                for placement in a.placements:
                    for impl, (url, proc, _) in hosts.items():
                        self.rtt_once(impl, transport, placement, url, proc, everywhere,
                                      out[impl])
            finally:
                for url, proc, err in hosts.values():
                    self.release_host(url, proc, err)
        return out

    def rtt_once(self, impl, transport, placement, url, proc, everywhere, out):
        free = placement == "free"
        keys = ((f"rtt_{transport}_p50", f"rtt_{transport}_p99") if free
                else (f"rtt_{transport}_p50_{placement}",))

        def one_run(extra=()):
            cpus = self.cpus_for(placement)
            self.pin(proc.pid, everywhere if cpus is None else cpus[0])
            try:
                return self.client(impl, url, "rtt", self.args.rtt, extra=extra, host=proc,
                                   cpus=None if cpus is None else cpus[1])
            finally:
                self.pin(proc.pid, everywhere)  # the next workloads run unpinned

        r = self.attempt(impl, f"rtt {transport} ({placement})", one_run, keys)
        if r:
            out[keys[0]] = r["p50_us"]
            if free:
                out[keys[1]] = r["p99_us"]
                record_cpu(out, r, f"rtt_{transport}")
        if impl == "floor":
            # The same floor with a client that waits as an event loop does (epoll_wait, then
            # recv): context for the ratios, not a target (see EVENT_LOOP_FLOOR).
            r = self.attempt(impl, f"rtt {transport} ({placement}, epoll client)",
                             lambda: one_run(["--wait", "epoll"]))
            if r:
                out[keys[0] + "_epoll"] = r["p50_us"]

    def run_impl(self, impl):
        """One round of every workload for one implementation; returns {metric: value}."""
        a = self.args
        out = {}
        is_floor = impl == "floor"

        def with_host(transport, body):
            url = self.new_url(transport)
            proc, err = self.start_host(impl, url)
            try:
                body(url, proc)
            finally:
                self.release_host(url, proc, err)

        want = set(a.workloads)

        def tcp(url, proc):
            if "pipe" in want:
                extra = ["--batched", "1"] if is_floor else []
                r = self.attempt(impl, "pipe", lambda: self.client(
                    impl, url, "pipe", a.pipe, ["--depth", str(a.depth)] + extra, host=proc),
                    ("pipe_tcp",))
                if r:
                    out["pipe_tcp"] = r["calls_per_s"]
                    record_cpu(out, r, "pipe_tcp")
            if "pipe" in want and is_floor:
                # A side figure (slow: four syscalls per call): a quarter of the calls.
                r = self.attempt(impl, "pipe (one write per message)", lambda: self.client(
                    impl, url, "pipe", max(1, a.pipe // 4), ["--depth", str(a.depth)]))
                if r:
                    out["pipe_tcp_permsg"] = r["calls_per_s"]
            if "push" in want:
                # Last on this host: Qt keeps every queued change in memory.
                r = self.attempt(impl, "push", lambda: self.client(
                    impl, url, "push", a.push, host=proc), ("push_tcp",))
                if r and int(r["final"]) != a.push:
                    self.failed.add((impl, "push_tcp"))
                    self.errors.append(f"{impl} push: final value {r['final']} != {a.push}")
                elif r:
                    out["push_tcp"] = r["pushes_per_s"]
                    out["push_notifications"] = r["notifications"]
                    record_cpu(out, r, "push_tcp")

        def local(url, proc):
            if "acquire" in want:
                r = self.attempt(impl, "acquire", lambda: self.client(
                    impl, url, "acquire", a.acquire), ("acquire_local_p50",))
                if r:
                    out["acquire_local_p50"] = r["p50_ms"]
                    out["acquire_local_p99"] = r["p99_ms"]

        def idle(url, proc):
            r = self.attempt(impl, "idle", lambda: self.client(
                impl, url, "idle", a.idle, host=proc), ("idle_kb",))
            if r:
                out["idle_kb"] = r["kb_per_conn"]
                out["idle_pss_kb"] = r["pss_kb_per_conn"]

        bodies = []
        if want & {"pipe", "push"}:
            bodies.append(("tcp", tcp))
        if "acquire" in want:
            bodies.append(("local", local))
        if "idle" in want and not is_floor and not IMPLS[impl].get("cross"):
            bodies.append(("local", idle))  # a fresh host: its RSS is the measure
        for transport, body in bodies:
            try:
                with_host(transport, body)
            except Failure as e:
                self.errors.append(str(e))
                self.note(f"  ERROR {e}")
        return out


def machine_info():
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "cpu": model,
        "nproc": os.cpu_count(),
        "kernel": platform.release(),
        "loadavg": os.getloadavg(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def build_rows(median, failed, rounds):
    """A figure that failed in any round counts as failed (FAIL), not as the median of the rest.
    Ratios are medians of per-round ratios (paired_ratio)."""
    rows = []
    for key, (label, unit, better) in METRICS.items():
        impls = ("floor", "qt", "qt_noglib", "doppel")
        v = {impl: None if (impl, key) in failed else median.get(impl, {}).get(key)
             for impl in impls}
        ratio = {base: None if v["doppel"] is None or v[base] is None
                 else paired_ratio(rounds, key, "doppel", base)
                 for base in ("floor", "qt", "qt_noglib")}
        best = _best_qt(v, better)
        ratio["qt_best"] = None if best is None else ratio[best]
        checks = []
        for desc, fn in TARGETS.get(key, []):
            checks.append((desc, fn(v, ratio)))
        if not checks:
            result = "-"
        elif any(ok is None for _, ok in checks):
            result = "n/a"
        elif all(ok for _, ok in checks):
            result = "PASS"
        else:
            result = "MISS (" + ", ".join(d for d, ok in checks if not ok) + ")"
        rows.append({
            "key": key,
            "measure": label,
            "unit": unit,
            "better": better,
            **v,
            "doppel_vs_floor": ratio["floor"],
            "doppel_vs_qt": ratio["qt"],
            "doppel_vs_qt_noglib": ratio["qt_noglib"],
            "target": "; ".join(d for d, _ in checks) or "-",
            "result": "MISS (failed)" if ("doppel", key) in failed else result,
            "failed": [impl for impl in impls if (impl, key) in failed],
        })
    return rows


def print_md_table(head, body, out):
    """A Markdown table with columns padded to their widest cell."""
    w = [max(len(str(x[i])) for x in [head] + body) for i in range(len(head))]
    print("| " + " | ".join(str(c).ljust(n) for c, n in zip(head, w)) + " |", file=out)
    print("|" + "|".join("-" * (n + 2) for n in w) + "|", file=out)
    for b in body:
        print("| " + " | ".join(str(c).ljust(n) for c, n in zip(b, w)) + " |", file=out)


def print_event_loop_floor(rounds, median, out):
    """The floor with its client waiting in epoll_wait() then reading, beside the floor proper:
    the part of doppel's ratio that any event loop pays on this machine."""
    f = median.get("floor", {})
    body = []
    for key in EVENT_LOOP_FLOOR:
        if key + "_epoll" not in f or key not in f:
            continue
        body.append([METRICS[key][0], f"{f[key]:.1f} us", f"{f[key + '_epoll']:.1f} us",
                     ratio_text(paired_ratio_of(rounds, ("floor", key + "_epoll"),
                                                ("floor", key))),
                     ratio_text(paired_ratio_of(rounds, ("doppel", key),
                                                ("floor", key + "_epoll")))])
    if not body:
        return
    head = ["measure", "floor (client blocks in recv)", "floor, client in epoll_wait + recv",
            "epoll client vs floor", "doppel vs epoll client"]
    print(file=out)
    print("the floor with an event loop's wait (context, not a target: doppel's and Qt's clients "
          "wait in epoll_wait/ppoll, then read):", file=out)
    print_md_table(head, body, out)


def print_table(rows, median, info, config, errors, out=sys.stdout):
    head = ["measure", "floor", "Qt", "Qt NO_GLIB", "doppel", "doppel vs floor", "doppel vs Qt",
            "vs Qt NO_GLIB", "target", "result"]
    body = []
    for r in rows:
        u = r["unit"]
        if all(r[i] is None for i in ("floor", "qt", "qt_noglib", "doppel")) and not r["failed"]:
            continue  # a workload not run

        def cell(impl):
            return "FAIL" if impl in r["failed"] else fmt_value(r[impl], u)

        body.append([r["measure"], cell("floor"), cell("qt"), cell("qt_noglib"), cell("doppel"),
                     ratio_text(r["doppel_vs_floor"]), ratio_text(r["doppel_vs_qt"]),
                     ratio_text(r["doppel_vs_qt_noglib"]), r["target"], r["result"]])
    widths = [max(len(str(x[i])) for x in [head] + body) for i in range(len(head))]

    def line(cells):
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"

    print(f"doppel bench: {info['cpu']}, {info['nproc']} cpus, kernel {info['kernel']}, "
          f"{info['date']}, load average {info['loadavg'][0]:.2f} before, "
          f"{info['loadavg_after'][0]:.2f} after", file=out)
    print(f"median of {config['rounds']} interleaved rounds; counts: rtt {config['rtt']}, "
          f"pipe {config['pipe']}, push {config['push']}, acquire {config['acquire']}, "
          f"idle {config['idle']}", file=out)
    print(file=out)
    print(line(head), file=out)
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|", file=out)
    for b in body:
        print(line(b), file=out)
    print(file=out)
    f = median.get("floor", {})
    if "pipe_tcp_permsg" in f:
        print(f"floor for pipelined calls: both sides answer what one read brought with one "
              f"write; with one write per message it is {f['pipe_tcp_permsg']:,.0f}/s.", file=out)
    notes = []
    for impl in ("qt", "qt_noglib", "doppel"):
        n = median.get(impl, {}).get("push_notifications")
        if n is not None:
            notes.append(f"{impl} {n:,.0f}")
    if notes:
        print("change notifications seen by the replica per burst: " + ", ".join(notes), file=out)
    print("ratios: doppel / baseline in the unit of the measure (lower is better for us, ms, KB;"
          " higher for /s), taken round by round, median of the rounds (so not always the ratio"
          " of the two medians shown); Qt targets are judged against the faster of Qt's two"
          " dispatchers.", file=out)
    ch = ["work", "floor", "Qt", "Qt NO_GLIB", "doppel", "doppel vs Qt", "vs Qt NO_GLIB"]
    cb = []
    for name, label in (("rtt_tcp", "round trip, tcp"), ("rtt_local", "round trip, local"),
                        ("pipe_tcp", "pipelined call, tcp"), ("push_tcp", "property push, tcp")):
        tot = {}
        cells = []
        for impl in ("floor", "qt", "qt_noglib", "doppel"):
            m = median.get(impl, {})
            c, h = m.get(f"cpu_{name}_client"), m.get(f"cpu_{name}_host")
            tot[impl] = None if c is None or h is None else c + h
            cells.append("-" if tot[impl] is None else f"{c:.2f} + {h:.2f} = {c + h:.2f}")
        if all(t is None for t in tot.values()):
            continue
        cb.append([label] + cells + [ratio_text(_ratio(tot["doppel"], tot["qt"])),
                                     ratio_text(_ratio(tot["doppel"], tot["qt_noglib"]))])
    if cb:
        print(file=out)
        print("CPU per operation, client + host (us; from getrusage and /proc/PID/stat, so robust "
              "when the machine is busy):", file=out)
        print_md_table(ch, cb, out)

    cross = {k: median[k] for k in ("doppel_to_qt", "qt_to_doppel") if k in median}
    if cross:
        print(file=out)
        print("cross pairs (Qt with its default dispatcher):", file=out)
        ch = ["measure", "Qt -> Qt", "doppel client -> Qt host", "Qt client -> doppel host",
              "doppel -> doppel"]
        cb = []
        for key, (label, unit, _) in METRICS.items():
            if key == "idle_kb":
                continue
            cb.append([label] + [fmt_value(median.get(i, {}).get(key), unit)
                                 for i in ("qt", "doppel_to_qt", "qt_to_doppel", "doppel")])
        print_md_table(ch, cb, out)
    if errors:
        print(file=out)
        print(f"{len(errors)} error(s):", file=out)
        for e in errors:
            print("  " + e, file=out)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("bin_dir_pos", nargs="?", help="directory of the bench programs")
    p.add_argument("--bin-dir", default=None, help="same as the positional (default build/bin)")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--rtt", type=int, default=20000, help="round trips per run")
    p.add_argument("--pipe", type=int, default=200000, help="pipelined calls per run")
    p.add_argument("--depth", type=int, default=64, help="calls outstanding when pipelined")
    p.add_argument("--push", type=int, default=1000000, help="property changes per burst")
    p.add_argument("--acquire", type=int, default=200, help="acquires per run")
    p.add_argument("--idle", type=int, default=1000, help="idle connections")
    p.add_argument("--workloads", default="rtt,pipe,push,acquire,idle",
                   help="comma-separated subset of rtt,pipe,push,acquire,idle")
    p.add_argument("--placements", default=",".join(PLACEMENTS),
                   help="comma-separated subset of free,one,two: where the round trip's host "
                        "and client run (free: the kernel decides; one: both pinned to one "
                        "CPU; two: one CPU each)")
    p.add_argument("--only", default=None,
                   help="comma-separated implementations (floor,qt,qt_noglib,doppel,"
                        "doppel_to_qt,qt_to_doppel)")
    p.add_argument("--cross", action="store_true",
                   help="also doppel client -> Qt host and Qt client -> doppel host")
    p.add_argument("--no-qt", action="store_true", help="skip the Qt peers")
    p.add_argument("--json", action="store_true", help="print JSON instead of the table")
    p.add_argument("--json-out", default=None, help="also write the JSON to this file")
    p.add_argument("--timeout", type=float, default=180, help="seconds per client run")
    p.add_argument("--smoke", action="store_true",
                   help="tiny counts, one round; fail unless every program printed numbers")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = p.parse_args()
    args.workloads = [w.strip() for w in args.workloads.split(",") if w.strip()]
    for w in args.workloads:
        if w not in ("rtt", "pipe", "push", "acquire", "idle"):
            p.error(f"unknown workload {w}")
    args.placements = [x.strip() for x in args.placements.split(",") if x.strip()]
    for x in args.placements:
        if x not in PLACEMENTS:
            p.error(f"unknown placement {x}")
    args.bin_dir = os.path.abspath(args.bin_dir or args.bin_dir_pos or
                                   os.path.join(ROOT, "build", "bin"))
    if args.smoke:
        args.rounds, args.rtt, args.pipe, args.push = 1, 200, 2000, 10000
        args.acquire, args.idle, args.timeout = 5, 20, 60

    # 1,000 idle connections need 1,000 descriptors in the host and in the client.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = args.idle + 256
    if soft != resource.RLIM_INFINITY and soft < want:
        new = want if hard == resource.RLIM_INFINITY else min(hard, max(want, soft))
        resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))

    runner = Runner(args)
    try:
        return run(args, p, runner)
    finally:
        shutil.rmtree(runner.tmp, ignore_errors=True)


def run(args, p, runner):
    impls = ["floor", "qt", "qt_noglib", "doppel"]
    if args.cross:
        impls += ["doppel_to_qt", "qt_to_doppel"]
    if args.only:
        impls = [i.strip() for i in args.only.split(",") if i.strip()]
        for i in impls:
            if i not in IMPLS:
                p.error(f"unknown implementation {i}")
    if args.no_qt:
        impls = [i for i in impls if not IMPLS[i].get("qt")]
    missing = [i for i in impls if not runner.have(i)]
    for i in missing:
        runner.errors.append(f"{i}: programs not found in {args.bin_dir}")
        runner.note(f"skipping {i}: programs not found in {args.bin_dir}")
    impls = [i for i in impls if i not in missing]

    info = machine_info()
    if info["loadavg"][0] > 1.0:
        runner.note(f"warning: load average {info['loadavg'][0]:.2f} before the run; other work "
                    "on this machine skews every figure (ratios less so)")
    config = {k: getattr(args, k) for k in ("rounds", "rtt", "pipe", "depth", "push", "acquire",
                                            "idle", "workloads", "placements")}
    rounds = []
    t_start = time.monotonic()
    for rnd in range(args.rounds):
        order = impls[rnd % len(impls):] + impls[:rnd % len(impls)] if impls else []
        result = {impl: {} for impl in order}
        if "rtt" in args.workloads:
            runner.note(f"round {rnd + 1}/{args.rounds}: round trips")
            for impl, figures in runner.run_rtt(order).items():
                result[impl].update(figures)
        if set(args.workloads) - {"rtt"}:
            for impl in order:
                runner.note(f"round {rnd + 1}/{args.rounds}: {impl}")
                result[impl].update(runner.run_impl(impl))
        rounds.append(result)
    elapsed = time.monotonic() - t_start
    info["loadavg_after"] = os.getloadavg()

    median = {}
    for impl in impls:
        keys = set().union(*(r.get(impl, {}).keys() for r in rounds))
        median[impl] = {k: statistics.median(r[impl][k] for r in rounds if k in r.get(impl, {}))
                        for k in keys}
    rows = build_rows(median, runner.failed, rounds)

    # What every program that ran must have printed (the smoke test's check).
    rtt_keys = [f"rtt_{t}_p50" + ("" if x == "free" else "_" + x)
                for t in ("tcp", "local") for x in args.placements]
    expected = {"floor": rtt_keys + ["pipe_tcp", "pipe_tcp_permsg", "push_tcp",
                                     "acquire_local_p50"]}
    full = rtt_keys + ["pipe_tcp", "push_tcp", "acquire_local_p50"]
    for i in impls:
        expected.setdefault(i, full + ([] if IMPLS[i].get("cross") else ["idle_kb"]))
    workload_of = {"rtt": "rtt", "pipe": "pipe", "push": "push", "acquire": "acquire",
                   "idle": "idle"}
    missing_numbers = [f"{i}: no {k}" for i in impls for k in expected[i]
                       if workload_of[k.split("_")[0]] in args.workloads and
                       not isinstance(median.get(i, {}).get(k), (int, float))]

    doc = {"machine": info, "config": config, "elapsed_s": elapsed, "median": median,
           "rounds": rounds, "rows": rows, "errors": runner.errors}
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(doc, f, indent=2)
    if args.json:
        json.dump(doc, sys.stdout, indent=2)
        print()
    else:
        print_table(rows, median, info, config, runner.errors)
        print_event_loop_floor(rounds, median, sys.stdout)
        print(f"\n{elapsed:.0f} s")

    if args.smoke and (missing_numbers or runner.errors):
        for m in missing_numbers:
            print("smoke: " + m, file=sys.stderr)
        return 1
    return 1 if runner.errors else 0


if __name__ == "__main__":
    sys.exit(main())
