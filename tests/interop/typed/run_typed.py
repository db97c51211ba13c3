#!/usr/bin/env python3
"""Typed interop: a doppelc-generated source read by a repc-generated Qt replica and the reverse,
from the same thermostat.rep (Valid, every member kind checked by the client), and peers built
from mismatch/thermostat.rep ending in SignatureMismatch on both implementations; and the same
both ways for mapped/mapped.rep (flags, maps, date and time types).

usage: run_typed.py --bin-dir DIR"""
import argparse, os, socket, subprocess, sys, time


def free_url():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(('127.0.0.1', 0))
        return 'tcp://127.0.0.1:%d' % s.getsockname()[1]


def scenario(bin_dir, host, client, expect):
    url = free_url()
    proc = subprocess.Popen([os.path.join(bin_dir, host), 'host', url], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        if not line.startswith('READY'):
            return False, '%s did not start: %s %s' % (host, line, proc.stderr.read() if proc.poll() is not None else '')
        r = subprocess.run([os.path.join(bin_dir, client), 'client', url, expect], capture_output=True,
                           text=True, timeout=60)
        return r.returncode == 0, (r.stdout + r.stderr).strip()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bin-dir', required=True)
    a = ap.parse_args()
    cases = [('qt_typed_peer', 'qt_typed_peer', 'valid'),
             ('doppel_typed_peer', 'doppel_typed_peer', 'valid'),
             ('doppel_typed_peer', 'qt_typed_peer', 'valid'),
             ('qt_typed_peer', 'doppel_typed_peer', 'valid'),
             ('doppel_typed_peer', 'qt_typed_peer_mismatch', 'mismatch'),
             ('qt_typed_peer', 'doppel_typed_peer_mismatch', 'mismatch'),
             ('doppel_typed_peer', 'doppel_typed_peer_mismatch', 'mismatch'),
             ('qt_typed_peer', 'qt_typed_peer_mismatch', 'mismatch'),
             # mapped/mapped.rep: FLAG, QMap, QHash, QDateTime, QDate, QTime as C++ types.
             ('qt_mapped_peer', 'qt_mapped_peer', 'valid'),
             ('doppel_mapped_peer', 'doppel_mapped_peer', 'valid'),
             ('doppel_mapped_peer', 'qt_mapped_peer', 'valid'),
             ('qt_mapped_peer', 'doppel_mapped_peer', 'valid')]
    failures = 0
    for host, client, expect in cases:
        ok, out = scenario(a.bin_dir, host, client, expect)
        failures += 0 if ok else 1
        print('%s host %s, client %s, expect %s: %s' % ('ok  ' if ok else 'FAIL', host, client, expect, out))
    print('%d scenarios, %d failed' % (len(cases), failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
