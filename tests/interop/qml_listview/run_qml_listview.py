#!/usr/bin/env python3
"""Runs the QML ListView interop test: qml_model_host (doppel) read by qml_listview_client (Qt's
QAbstractItemModelReplica under a QML ListView, offscreen, software renderer).

usage: run_qml_listview.py --bin-dir DIR [--transport tcp|local] [--png FILE] [--expect-mismatch]

--expect-mismatch starts the host with --wrong-row 4 (it serves a wrong display value for row 4)
and passes only if the client reports that very mismatch on the first screen: proof that the
check looks at what the delegates show. A Qt warning from the client fails the run.
"""
import argparse
import os
import socket
import subprocess
import sys
import time

CLIENT_TIMEOUT = 90.0


def fresh_url(transport):
    if transport == 'tcp':
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(('127.0.0.1', 0))
            return 'tcp://127.0.0.1:%d' % s.getsockname()[1], None
    name = 'doppel-qml-listview-%d' % os.getpid()
    return 'local:' + name, os.path.join(os.environ.get('TMPDIR') or '/tmp', name)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--bin-dir', required=True)
    parser.add_argument('--transport', choices=['tcp', 'local'], default='tcp')
    parser.add_argument('--png')
    parser.add_argument('--expect-mismatch', action='store_true')
    args = parser.parse_args()
    env = dict(os.environ)
    env['QT_QPA_PLATFORM'] = 'offscreen'
    env['QT_QUICK_BACKEND'] = 'software'
    env['QT_NO_GLIB'] = '1'
    url, socket_file = fresh_url(args.transport)
    host = [os.path.join(args.bin_dir, 'qml_model_host'), url]
    client = [os.path.join(args.bin_dir, 'qml_listview_client'), url]
    if args.expect_mismatch:
        host += ['--wrong-row', '4']
        client += ['--fail-fast']
    if args.png:
        client += ['--png', args.png]
    started = time.monotonic()
    host_proc = subprocess.Popen(host, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 stdin=subprocess.DEVNULL, env=env)
    out, err, code = '', '', None
    try:
        line = host_proc.stdout.readline()
        if not line.startswith('READY'):
            raise RuntimeError('host did not print READY: %r' % line)
        proc = subprocess.run(client, capture_output=True, text=True, env=env, timeout=CLIENT_TIMEOUT)
        out, err, code = proc.stdout, proc.stderr, proc.returncode
    except Exception as e:  # noqa: BLE001 - any problem is a failure
        out += '\nerror: %s' % e
    finally:
        host_proc.terminate()
        try:
            _, host_err = host_proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            host_proc.kill()
            _, host_err = host_proc.communicate()
        if socket_file and os.path.exists(socket_file):
            os.unlink(socket_file)
    print(out)
    if args.expect_mismatch:
        wanted = "FAIL first screen: row 4 shows 'row 4 (wrong) | 4', source has 'row 4 | 4'"
        ok = code == 1 and wanted in out
        if not ok:
            print('expected the client to exit 1 reporting: %s' % wanted)
    else:
        ok = code == 0 and 'PASS' in out
    if not ok:
        print('--- client exit code %s, stderr\n%s' % (code, err[-4000:]))
        print('--- host stderr\n' + (host_err or '')[-4000:])
    print('%s qml-listview%s over %s (%.1f s)' % ('PASS' if ok else 'FAIL',
                                                 ' (expecting a mismatch)' if args.expect_mismatch else '',
                                                 args.transport, time.monotonic() - started))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
