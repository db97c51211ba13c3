#!/usr/bin/env python3
"""The signatures real Qt hosts advertise on the wire equal doppelc's: starts the repc-generated
hosts of interop.rep (qt_host) and children.rep (qt_children_host), reads their ObjectList with
`doppel list URL`, and compares every typed object's signature with `doppelc --signatures`.

usage: rep_signatures_on_wire.py --bin-dir DIR --doppelc PATH --doppel PATH"""
import argparse, os, socket, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))


def free_url():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(('127.0.0.1', 0))
        return 'tcp://127.0.0.1:%d' % s.getsockname()[1]


def wait_ready(proc, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith('READY'):
            return True
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bin-dir', required=True)
    ap.add_argument('--doppelc', required=True)
    ap.add_argument('--doppel', required=True)
    a = ap.parse_args()
    checked = 0
    failures = 0
    for prog, rep, args in (('qt_host', 'interop.rep', ['--plain']), ('qt_children_host', 'children.rep', [])):
        want = dict(line.split() for line in subprocess.run(
            [a.doppelc, '--signatures', os.path.join(HERE, rep)], capture_output=True, text=True,
            check=True).stdout.splitlines())
        url = free_url()
        proc = subprocess.Popen([os.path.join(a.bin_dir, prog), url] + args, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True)
        try:
            if not wait_ready(proc):
                print('FAIL %s did not start' % prog)
                return 1
            out = subprocess.run([a.doppel, 'list', url], capture_output=True, text=True, timeout=20)
            if out.returncode != 0:
                print('FAIL doppel list %s: %s' % (url, out.stderr))
                return 1
            for line in out.stdout.splitlines():
                parts = line.split()
                if len(parts) < 3 or parts[1] == '-':
                    continue
                name, type_name, sig = parts[0], parts[1], parts[2]
                checked += 1
                ok = want.get(type_name) == sig
                failures += 0 if ok else 1
                print('%s %s (%s) on the wire %s, doppelc %s' % ('ok  ' if ok else 'FAIL', name, rep, sig,
                                                                 want.get(type_name)))
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    print('%d typed objects checked, %d mismatches' % (checked, failures))
    return 0 if checked >= 2 and failures == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
