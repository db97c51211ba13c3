#!/usr/bin/env python3
"""Runs one interop scenario between Qt 6 programs and doppel programs over a real socket.

usage: run_interop.py SCENARIO --bin-dir DIR [--transport tcp|local|ws] [--quiet]

Scenarios (tests/interop/README.md):
  qt-qt                      Qt host + Qt clients (dynamic, typed, via a Qt registry, across a host
                             restart): checks the Qt programs and this driver; when it passes, any
                             other failure is doppel's
  qt-host-doppel-client      Qt host, doppel dynamic replicas of Interop and Plain
  doppel-host-qt-dynamic     doppel host, Qt acquireDynamic replicas of Interop and Plain
  doppel-host-qt-typed       doppel host, Qt repc-typed replica of Interop (+ Plain, dynamic), with a
                             null signature and again with repc's
  qt-registry-doppel-source  Qt registry, doppel host registered with it, Qt clients via the registry
  doppel-registry-qt-source  doppel registry, Qt host registered with it, doppel client via the registry
  qt-host-restart            Qt host killed (SIGKILL) and restarted under a doppel client
  qt-children                Qt host + Qt clients of children.rep (CLASS/MODEL members): checks the programs
  qt-host-doppel-children    Qt repc host with nested children, doppel dynamic replica
  doppel-typed-host-qt-children  doppelc-generated host with children (children.rep), Qt typed and
                             dynamic replicas, doppel dynamic replica
  qt-host-doppel-typed-children  Qt repc host with children, doppelc-generated typed replica
  doppel-host-qt-children    doppel host with nested children, Qt dynamic and typed replicas (typed also
                             with repc's signatures)

Every child's output is kept; on failure the script prints it and exits 1. Qt peers print their
Qt warnings as "<prog>: qt warning ..." on stderr: a Qt peer that warned fails the scenario
(doppel must never send anything Qt cannot read). Children are always stopped, local socket
files removed. Only the Python standard library is used.
"""
import argparse
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time

READY_TIMEOUT = 10.0
CLIENT_TIMEOUT = 45.0
RESTART_GAP = 0.5  # seconds between killing the host and starting it again
# Qt warnings that are Qt's own business, not something doppel sent: a Qt host warns once for
# every null CLASS member when it is remoted.
ALLOWED_QT_WARNINGS = ('Cannot replicate a NULL object',)


class Failure(Exception):
    pass


class Child:
    """A child process whose stdout lines are queued and whose output is kept for the report."""

    def __init__(self, label, argv, env):
        self.label = label
        self.argv = argv
        self.out = []
        self.err = []
        self.lines = queue.Queue()
        try:
            self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                         stdin=subprocess.DEVNULL, env=env, text=True,
                                         encoding='utf-8', errors='replace', bufsize=1)
        except OSError as e:
            raise Failure('%s: cannot start %s: %s' % (label, argv[0], e))
        self.threads = [threading.Thread(target=self._pump, args=(self.proc.stdout, self.out, True), daemon=True),
                        threading.Thread(target=self._pump, args=(self.proc.stderr, self.err, False), daemon=True)]
        for t in self.threads:
            t.start()

    def _pump(self, stream, keep, queued):
        for line in stream:
            line = line.rstrip('\n')
            keep.append(line)
            if queued:
                self.lines.put(line)
        if queued:
            self.lines.put(None)  # end of output

    def wait_line(self, prefix, timeout):
        """Returns the first stdout line starting with `prefix`; fails on timeout or exit."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Failure('%s printed no %s within %.0f s' % (self.label, prefix, timeout))
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                self.proc.wait()
                raise Failure('%s exited (code %s) before printing %s' % (self.label, self.proc.returncode, prefix))
            if line.startswith(prefix):
                return line

    def wait_exit(self, timeout):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise Failure('%s did not finish within %.0f s' % (self.label, timeout))

    def stop(self, sig=signal.SIGTERM, timeout=3.0):
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(sig)
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            except ProcessLookupError:
                pass
        for t in self.threads:
            t.join(timeout=2.0)

    def qt_warnings(self):
        return [l for l in self.err if (': qt warning' in l or ': qt critical' in l or ': qt fatal' in l)
                and not any(a in l for a in ALLOWED_QT_WARNINGS)]

    def report(self):
        lines = ['----- %s: %s (exit %s)' % (self.label, ' '.join(self.argv), self.proc.returncode)]
        lines += ['  out| ' + l for l in self.out]
        lines += ['  err| ' + l for l in self.err]
        return '\n'.join(lines)


class Scenario:
    def __init__(self, name, bin_dir, transport, quiet):
        self.name = name
        self.bin_dir = bin_dir
        self.transport = transport
        self.quiet = quiet
        self.children = []
        self.socket_files = []
        self.counter = 0
        self.env = dict(os.environ)
        self.env.setdefault('QT_QPA_PLATFORM', 'offscreen')
        self.env['QT_NO_GLIB'] = '1'

    # -- helpers -------------------------------------------------------------------------------
    def url(self):
        """A fresh URL on the chosen transport."""
        self.counter += 1
        if self.transport in ('tcp', 'ws'):
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                s.bind(('127.0.0.1', 0))
                port = s.getsockname()[1]
            if self.transport == 'ws':
                return 'ws://127.0.0.1:%d/' % port
            return 'tcp://127.0.0.1:%d' % port
        name = 'doppel-interop-%s-%d-%d' % (self.name, os.getpid(), self.counter)
        # Qt and doppel put local:NAME in $TMPDIR (default /tmp), protocol §2.1.
        self.socket_files.append(os.path.join(self.env.get('TMPDIR') or '/tmp', name))
        return 'local:' + name

    def program(self, name):
        # Over ws the Qt peers are the same programs built with the QWebSocket adapter.
        if self.transport == 'ws' and name in ('qt_host', 'qt_client'):
            name = name.replace('qt_', 'qt_ws_')
        path = os.path.join(self.bin_dir, name)
        if not os.access(path, os.X_OK):
            raise Failure('%s is not built (looked for %s)' % (name, path))
        return path

    def start(self, label, prog, *args):
        child = Child(label, [self.program(prog)] + list(args), self.env)
        self.children.append(child)
        return child

    def start_host(self, label, prog, *args):
        child = self.start(label, prog, *args)
        child.wait_line('READY', READY_TIMEOUT)
        return child

    def run_client(self, label, prog, *args, timeout=CLIENT_TIMEOUT):
        child = self.start(label, prog, *args)
        code = child.wait_exit(timeout)
        child.stop()
        if code != 0:
            raise Failure('%s failed (exit %d)' % (label, code))
        return child

    def cleanup(self):
        for child in reversed(self.children):
            child.stop()
        for path in self.socket_files:
            try:
                os.unlink(path)
            except OSError:
                pass

    def check_qt_warnings(self):
        warned = [(c.label, w) for c in self.children for w in c.qt_warnings()]
        if warned:
            raise Failure('a Qt peer printed warnings:\n' + '\n'.join('  %s: %s' % x for x in warned))

    # -- scenarios -----------------------------------------------------------------------------
    def qt_qt(self):
        url = self.url()
        self.start_host('qt_host', 'qt_host', url, '--plain')
        self.run_client('qt_client dynamic', 'qt_client', url, 'Interop,Plain', 'dynamic')
        self.run_client('qt_client typed', 'qt_client', url, 'Interop,Plain', 'typed')
        if self.transport == 'ws':
            return  # a Qt registry has no WebSocket transport
        reg, host = self.url(), self.url()
        self.start_host('qt_registry', 'qt_registry', reg)
        self.start_host('qt_host (registered)', 'qt_host', host, '--registry', reg, '--plain')
        self.run_client('qt_client via registry', 'qt_client', '--registry', reg, 'Interop,Plain', 'typed')
        self.restart_under('qt_client --reconnect', 'qt_client', 'Interop,Plain', 'typed', '--reconnect')

    def restart_under(self, label, prog, *args):
        """Starts a Qt host, a client that prints WAITING_RESTART after its checks, kills the host
        (SIGKILL: no goodbye on the wire, a stale local socket file) and starts it again."""
        url = self.url()
        first = self.start_host('qt_host', 'qt_host', url, '--plain')
        client = self.start(label, prog, url, *args)
        client.wait_line('WAITING_RESTART', CLIENT_TIMEOUT)
        first.stop(signal.SIGKILL)
        time.sleep(RESTART_GAP)
        self.start_host('qt_host (restarted)', 'qt_host', url, '--plain')
        code = client.wait_exit(CLIENT_TIMEOUT)
        client.stop()
        if code != 0:
            raise Failure('%s failed (exit %d)' % (label, code))

    def qt_host_doppel_client(self):
        url = self.url()
        self.start_host('qt_host', 'qt_host', url, '--plain')
        self.run_client('doppel_interop_client', 'doppel_interop_client', url, 'Interop,Plain')

    def doppel_host_qt_dynamic(self):
        url = self.url()
        self.start_host('doppel_interop_host', 'doppel_interop_host', url)
        self.run_client('qt_client dynamic', 'qt_client', url, 'Interop,Plain', 'dynamic')

    def doppel_host_qt_typed(self):
        url = self.url()
        self.start_host('doppel_interop_host', 'doppel_interop_host', url)
        self.run_client('qt_client typed', 'qt_client', url, 'Interop,Plain', 'typed')
        # The same with repc's signature in the ObjectList, which the typed replica then checks.
        signed = self.url()
        self.start_host('doppel_interop_host --signature', 'doppel_interop_host', signed, '--signature')
        self.run_client('qt_client typed (signed)', 'qt_client', signed, 'Interop', 'typed')

    def qt_registry_doppel_source(self):
        reg, host = self.url(), self.url()
        self.start_host('qt_registry', 'qt_registry', reg)
        self.start_host('doppel_interop_host', 'doppel_interop_host', host, '--registry', reg)
        self.run_client('qt_client dynamic via registry', 'qt_client', '--registry', reg, 'Interop,Plain', 'dynamic')
        self.run_client('qt_client typed via registry', 'qt_client', '--registry', reg, 'Interop', 'typed')

    def doppel_registry_qt_source(self):
        reg, host = self.url(), self.url()
        self.start_host('doppel registry', 'doppel_interop_host', reg, '--be-registry')
        self.start_host('qt_host', 'qt_host', host, '--registry', reg, '--plain')
        self.run_client('doppel_interop_client via registry', 'doppel_interop_client', '--registry', reg,
                        'Interop,Plain')

    def qt_host_restart(self):
        self.restart_under('doppel_interop_client --reconnect', 'doppel_interop_client', 'Interop,Plain',
                           '--reconnect')

    def qt_children(self):
        url = self.url()
        self.start_host('qt_children_host', 'qt_children_host', url)
        # --no-replace: a Qt 6.4 replica crashes when its host replaces a child (Qt to Qt too).
        self.run_client('qt_children_client dynamic', 'qt_children_client', url, 'dynamic', '--no-replace')
        typed = self.url()  # each client ends with the child cleared: a fresh host
        self.start_host('qt_children_host (typed)', 'qt_children_host', typed)
        self.run_client('qt_children_client typed', 'qt_children_client', typed, 'typed', '--no-replace')

    def qt_host_doppel_children(self):
        url = self.url()
        self.start_host('qt_children_host', 'qt_children_host', url)
        self.run_client('doppel_children_client', 'doppel_children_client', url)

    def doppel_host_qt_children(self):
        url = self.url()
        self.start_host('doppel_children_host', 'doppel_children_host', url)
        self.run_client('qt_children_client dynamic', 'qt_children_client', url, 'dynamic', '--no-replace')
        # Each client ends with the child cleared: a fresh host for the next one.
        typed = self.url()
        self.start_host('doppel_children_host (typed)', 'doppel_children_host', typed)
        self.run_client('qt_children_client typed', 'qt_children_client', typed, 'typed', '--no-replace')
        signed = self.url()
        self.start_host('doppel_children_host --signature', 'doppel_children_host', signed, '--signature')
        self.run_client('qt_children_client typed (signed)', 'qt_children_client', signed, 'typed', '--no-replace')
        again = self.url()
        self.start_host('doppel_children_host (doppel client)', 'doppel_children_host', again, '--signature')
        self.run_client('doppel_children_client', 'doppel_children_client', again)

    def doppel_typed_host_qt_children(self):
        # A doppelc-generated source with CLASS and MODEL children: Qt's repc replica (which
        # checks the signatures), Qt's dynamic replica and doppel's dynamic replica.
        url = self.url()
        self.start_host('doppel_typed_children host', 'doppel_typed_children', 'host', url)
        self.run_client('qt_children_client typed', 'qt_children_client', url, 'typed', '--no-replace')
        dynamic = self.url()  # each client ends with the child cleared: a fresh host
        self.start_host('doppel_typed_children host (dynamic)', 'doppel_typed_children', 'host', dynamic)
        self.run_client('qt_children_client dynamic', 'qt_children_client', dynamic, 'dynamic', '--no-replace')
        again = self.url()
        self.start_host('doppel_typed_children host (doppel client)', 'doppel_typed_children', 'host', again)
        self.run_client('doppel_children_client', 'doppel_children_client', again)

    def qt_host_doppel_typed_children(self):
        # A repc-generated Qt source with children, read by doppelc's generated LabReplica.
        url = self.url()
        self.start_host('qt_children_host', 'qt_children_host', url)
        self.run_client('doppel_typed_children client', 'doppel_typed_children', 'client', url)
        own = self.url()
        self.start_host('doppel_typed_children host', 'doppel_typed_children', 'host', own)
        self.run_client('doppel_typed_children client (doppel host)', 'doppel_typed_children', 'client', own)

    SCENARIOS = {
        'qt-qt': qt_qt,
        'qt-host-doppel-client': qt_host_doppel_client,
        'doppel-host-qt-dynamic': doppel_host_qt_dynamic,
        'doppel-host-qt-typed': doppel_host_qt_typed,
        'qt-registry-doppel-source': qt_registry_doppel_source,
        'doppel-registry-qt-source': doppel_registry_qt_source,
        'qt-host-restart': qt_host_restart,
        'qt-children': qt_children,
        'qt-host-doppel-children': qt_host_doppel_children,
        'doppel-host-qt-children': doppel_host_qt_children,
        'doppel-typed-host-qt-children': doppel_typed_host_qt_children,
        'qt-host-doppel-typed-children': qt_host_doppel_typed_children,
    }

    def run(self):
        started = time.monotonic()
        error = None
        try:
            self.SCENARIOS[self.name](self)
        except Failure as e:
            error = str(e)
        finally:
            self.cleanup()
        if error is None:
            try:
                self.check_qt_warnings()
            except Failure as e:
                error = str(e)
        elapsed = time.monotonic() - started
        if error is None:
            if not self.quiet:
                for child in self.children:
                    print(child.report())
            print('PASS %s over %s (%.1f s)' % (self.name, self.transport, elapsed))
            return 0
        for child in self.children:
            print(child.report())
        print('FAIL %s over %s (%.1f s): %s' % (self.name, self.transport, elapsed, error))
        return 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('scenario', choices=sorted(Scenario.SCENARIOS))
    parser.add_argument('--bin-dir', required=True, help='the build bin/ directory with the programs')
    parser.add_argument('--transport', choices=['tcp', 'local', 'ws'], default='tcp')
    parser.add_argument('--quiet', action='store_true', help='print the children\'s output only on failure')
    args = parser.parse_args()
    scenario = Scenario(args.scenario, os.path.abspath(args.bin_dir), args.transport, args.quiet)
    # Children are stopped on SIGTERM/SIGINT too (ctest kills a test that times out).
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: (scenario.cleanup(), sys.exit(1)))
    sys.exit(scenario.run())


if __name__ == '__main__':
    main()
