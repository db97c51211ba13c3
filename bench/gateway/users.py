#!/usr/bin/env python3
"""Users sustained through doppel-gateway: N protocol-level viewers, each its own session (its own
example_03_imgui_panel process, mirroring one demo_master), each clicking once a second.

For every N of the ladder it reports:
- click-to-update: from sending a click (button down + up on the panel's "+" button, where the
  mouse already rests) to the arrival of the first Frame record after it (the pressed button /
  the new number), p50/p95/max over all clicks of all users for --seconds;
- unique memory per user: PSS and private bytes of each session process
  (/proc/PID/smaps_rollup), mean over the sessions;
- a master change reaching every user: user 0 clicks on the speed slider (its panel sets the
  master's ControlUnit.speed); from that click until every *other* user's process has read the
  pushed change (kernel syscall tracepoints through `perf record`, needs root; the figure DESIGN.md
  §4 sets a target for), and until the first bytes of its redrawn frame are readable at every
  other viewer; p95 over users and --changes changes.
Then the same memory figure for cold sessions (no --warm) at the first N.

Viewers speak the viewer protocol of bench/stream/clients.py (Hello, acks, mouse records), with
no rendering. The gateway, master, sessions and this script share the machine.

  bench/gateway/users.py BUILD_DIR [--ladder 10,25,50,100,200] [--seconds 10] [--changes 5]
"""
import argparse, os, re, select, selectors, signal, socket, statistics, struct, subprocess, sys, time, urllib.request, zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'stream'))
from clients import DoppelViewer, WebSocket, now  # noqa: E402

TOKEN = 'bench'
PLUS = (441, 201)    # the "+" of the reset field (a local widget: no master round trip)
SLIDER = ((200, 178), (600, 178))  # two places on the speed slider (sets ControlUnit.speed)


def viewer(port):
    """A DoppelViewer whose upgrade carries the token: the gateway starts a session for it."""
    v = DoppelViewer.__new__(DoppelViewer)
    v.ws = WebSocket('127.0.0.1', port, f'/stream?token={TOKEN}')
    v.wire = v.ws.wire
    v.inflate = zlib.decompressobj(-15)
    v.plain = b''
    v.frames = []
    v.acked = 0
    v.ws.send(v._record(1, struct.pack('<Hfff', 1, 1280.0, 800.0, 1.0)))
    return v


def pump_all(viewers, timeout):
    socks = {v.wire.sock: v for v in viewers if not v.wire.closed}
    r, _, _ = select.select(list(socks), [], [], timeout)
    for s in r:
        socks[s].pump(0)


def drain(viewers, quiet=0.3, limit=30.0):
    """Pumps until no frame arrived for `quiet` seconds."""
    end = now() + limit
    while now() < end:
        counts = [len(v.frames) for v in viewers]
        t = now()
        while now() - t < quiet:
            pump_all(viewers, 0.05)
        if counts == [len(v.frames) for v in viewers]:
            return
    raise RuntimeError('the sessions never went quiet')


def status_pids(port):
    req = urllib.request.Request(f'http://127.0.0.1:{port}/status', headers={'Authorization': f'Bearer {TOKEN}'})
    text = urllib.request.urlopen(req, timeout=10).read().decode()
    return [int(m.group(1)) for m in re.finditer(r'<tr><td>[0-9a-f]+</td><td>(\d+)</td><td>running</td>', text)]


def memory(pids):
    """Mean PSS and private (clean + dirty) MiB over the processes."""
    pss, private = [], []
    for pid in pids:
        fields = {}
        with open(f'/proc/{pid}/smaps_rollup') as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 2 and parts[0].endswith(':'):
                    fields[parts[0][:-1]] = int(parts[1])
        pss.append(fields['Pss'] / 1024)
        private.append((fields['Private_Clean'] + fields['Private_Dirty']) / 1024)
    return statistics.mean(pss), statistics.mean(private)


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))] if xs else float('nan')


def start_gateway(build, master_url, n, warm):
    args = [os.path.join(build, 'bin', 'doppel-gateway'), '--listen', '127.0.0.1:0', '--token', TOKEN,
            '--grace', '1', '--max-sessions', str(n + 8)] + (['--warm'] if warm else []) + \
           ['--app', os.path.join(build, 'bin', 'example_03_imgui_panel'), '--master', master_url]
    gw = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    port = int(re.search(r':(\d+)/', gw.stdout.readline()).group(1))
    return gw, port


def open_users(port, n):
    """n viewers with their first frame, and the pid of user 0's session."""
    viewers = []
    pid0 = None
    for _ in range(n):
        v = viewer(port)
        while not v.frames:
            v.pump(0.05)
            if v.wire.closed:
                raise RuntimeError('a session closed before its first frame')
        viewers.append(v)
        if pid0 is None:
            pid0 = status_pids(port)[0]
    for v in viewers:
        v.move(*PLUS)
    drain(viewers)
    return viewers, pid0


def clicks(viewers, seconds):
    """Every user clicks once a second, phases spread over the second."""
    n = len(viewers)
    t0 = now()
    due = [t0 + i / n for i in range(n)]
    pending = [None] * n
    lat = []
    while now() - t0 < seconds or any(p is not None for p in pending):
        if now() - t0 > seconds + 10:
            raise RuntimeError('clicks unanswered after 10 s')
        for i, v in enumerate(viewers):
            if pending[i] is None and now() >= due[i] and now() - t0 < seconds:
                pending[i] = (v.button(0, 0, True), len(v.frames))
                v.button(0, 0, False)
                due[i] += 1.0
        pump_all(viewers, 0.002)
        for i, v in enumerate(viewers):
            if pending[i] is not None and len(v.frames) > pending[i][1]:
                lat.append((v.frames[pending[i][1]] - pending[i][0]) * 1000)
                pending[i] = None
    drain(viewers)
    return lat


class ReceiptTrace:
    """When each session process first read from a socket after a moment: kernel syscall-exit
    tracepoints through `perf record` (root, tracefs), timestamped on CLOCK_MONOTONIC like
    time.perf_counter. Only recvfrom is traced: doppel's QtRO channel reads with recv, its
    WebSocket and the gateway's handoff socket with recvmsg. A drained session's only QtRO input
    after user 0's click is the master's push, so its first successful recvfrom after the click is
    the change reaching that process."""

    def __init__(self, pids):
        self.pids = pids
        self.path = '/tmp/doppel-users-%d.perf' % os.getpid()
        try:
            self.proc = subprocess.Popen(
                ['perf', 'record', '-q', '-k', 'CLOCK_MONOTONIC', '-e', 'syscalls:sys_exit_recvfrom', '-o', self.path, '-p', ','.join(map(str, pids))],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.0)  # perf attaches to every process
            if self.proc.poll() is not None:
                self.proc = None
        except OSError:
            self.proc = None

    def reads(self):
        """{pid: sorted times of successful reads}, or None without perf."""
        if self.proc is None:
            return None
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(60)
        out = subprocess.run(['perf', 'script', '-i', self.path, '-F', 'pid,time,trace'],
                             capture_output=True, text=True).stdout
        os.unlink(self.path)
        reads = {}
        for line in out.splitlines():
            m = re.match(r'\s*(\d+)\s+([\d.]+):\s+(0x[0-9a-f]+)', line)
            if m and int(m.group(3), 16) < 1 << 62:  # errors (EAGAIN) are negative
                reads.setdefault(int(m.group(1)), []).append(float(m.group(2)))
        return reads


def master_changes(viewers, changes, pids, pid0):
    """Per change, the time from user 0's click to the first bytes of every other user's update.

    While a change fans out this loop only timestamps and stores what each socket has (one recv
    per ready user, epoll), and parses it after: parsing 200 users' frames one by one here would
    otherwise add this script's own time to the later users' figures. A user's time is that of
    the read that completed its first Frame record (a WebSocket ping may come first)."""
    sel = selectors.DefaultSelector()
    for i, v in enumerate(viewers[1:], 1):
        sel.register(v.wire.sock, selectors.EVENT_READ, i)
    lat = []
    trace = ReceiptTrace([p for p in pids if p != pid0])
    clicked = []
    try:
        for k in range(changes):
            # Alternating over the whole run: the master keeps its speed from one N to the next,
            # and a click setting the speed it already has changes nothing.
            master_changes.turn += 1
            x, y = SLIDER[master_changes.turn % 2]
            drain(viewers)
            marks = [len(v.frames) for v in viewers]
            first = {}
            chunks = {}
            viewers[0].move(x, y)
            t = viewers[0].button(0, 0, True)
            viewers[0].button(0, 0, False)
            clicked.append(t)
            end = now() + 30
            while len(first) < len(viewers) - 1 and now() < end:
                for key, _ in sel.select(0.05):
                    v = viewers[key.data]
                    ready = now()
                    try:
                        data = v.wire.sock.recv(1 << 20)
                    except BlockingIOError:
                        continue
                    if not data:
                        raise RuntimeError('a session closed during a master change')
                    chunks.setdefault(key.data, []).append((ready, data))
                    first.setdefault(key.data, ready)
            for i, v in enumerate(viewers):
                for ready, data in chunks.get(i, []):
                    v.wire.rx.append((ready, len(data)))
                    v.ws.buf += data
                    v.pump(0)  # a Frame completed by this read gets this read's time
                settle = now() + 5  # a frame still incomplete: its time is that of its last read
                while i > 0 and len(v.frames) == marks[i] and now() < settle:
                    v.pump(0.05)
                if i > 0 and len(v.frames) == marks[i]:
                    raise RuntimeError('user %d got no frame after a master change' % i)
                v.pump(0)
            lat += [(viewers[i].frames[marks[i]] - t) * 1000 for i in sorted(first)]
            viewers[0].move(*PLUS)
    finally:
        sel.close()
    drain(viewers)
    reads = trace.reads()
    received = None
    if reads is not None:
        received = []
        bounds = clicked + [float('inf')]
        for pid in trace.pids:
            times = reads.get(pid, [])
            for k in range(changes):
                after = [x for x in times if bounds[k] < x < bounds[k + 1]]
                if after:
                    received.append((after[0] - bounds[k]) * 1000)
    return lat, received


master_changes.turn = 0


def close(viewers):
    for v in viewers:
        v.wire.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument('build')
    p.add_argument('--ladder', default='10,25,50,100,200')
    p.add_argument('--seconds', type=float, default=10)
    p.add_argument('--changes', type=int, default=5)
    a = p.parse_args()
    ladder = [int(x) for x in a.ladder.split(',')]
    probe = socket.socket()
    probe.bind(('127.0.0.1', 0))  # a port that was free a moment ago
    master_url = 'tcp://127.0.0.1:%d' % probe.getsockname()[1]
    probe.close()
    master = subprocess.Popen([os.path.join(a.build, 'bin', 'demo_master'), '--no-state', '--no-web', master_url],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    master.stdout.readline()
    rows = []
    try:
        for n in ladder:
            gw, port = start_gateway(a.build, master_url, n, True)
            try:
                time.sleep(0.5)  # the template starts
                viewers, pid0 = open_users(port, n)
                pids = status_pids(port)
                lat = clicks(viewers, a.seconds)
                pss, private = memory(pids)
                change, received = master_changes(viewers, a.changes, pids, pid0)
                rows.append((n, len(pids), pct(lat, 0.5), pct(lat, 0.95), max(lat), pss, private,
                             pct(received, 0.95) if received else float('nan'), pct(change, 0.95)))
                print('N=%d done' % n, file=sys.stderr, flush=True)
                close(viewers)
            finally:
                gw.terminate()
                gw.wait(60)
        gw, port = start_gateway(a.build, master_url, ladder[0], False)
        try:
            viewers, _ = open_users(port, ladder[0])
            cold = memory(status_pids(port))
            close(viewers)
        finally:
            gw.terminate()
            gw.wait(60)
    finally:
        master.terminate()
        master.wait(10)
    print('users through doppel-gateway (--warm), each clicking once a second for %gs' % a.seconds)
    print('%5s %9s %9s %9s %9s %9s %12s %13s %13s' % ('N', 'sessions', 'click p50', 'click p95', 'click max',
                                                      'PSS MiB', 'private MiB', 'in proc p95', 'frame p95'))
    for r in rows:
        print('%5d %9d %9.1f %9.1f %9.1f %9.1f %12.1f %13.1f %13.1f' % r)
    print('master change: "in proc" = until every other session process has read it (perf syscall trace;')
    print('nan without perf), "frame" = until its redrawn frame is readable at every other viewer; ms, p95')
    over = [r[0] for r in rows if r[3] > 100]
    print('first N with click p95 over 100 ms: %s' % (over[0] if over else 'none up to %d' % ladder[-1]))
    print('cold sessions (N=%d): PSS %.1f MiB, private %.1f MiB per user' % (ladder[0], cold[0], cold[1]))


if __name__ == '__main__':
    main()
