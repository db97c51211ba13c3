#!/usr/bin/env python3
"""Runs one model interop scenario (protocol §9) between Qt 6 and doppel over a real socket.

usage: run_model_interop.py SCENARIO --bin-dir DIR [--transport tcp|local] [--edits N] [--seeds K]

Scenarios:
  doppel-host-qt-replica   doppel_model_host (ListModel "Flat", TreeModel "Tree") read by Qt's
                           QAbstractItemModelReplica (qt_model_client)
  qt-host-doppel-replica   qt_model_host (QStandardItemModel "Flat" and "Tree", QStringListModel
                           "Strings") read by doppel's ModelReplica (doppel_model_client)
  qt-qt                    qt_model_host read by qt_model_client: checks the Qt programs and the
                           edit scripts themselves

Each client checks every row and role, then K seeded sequences of N random edits at the source
(inserts, removes, moves, data changes, resets) against the source's final state. A Qt peer that
prints a Qt warning fails the scenario. Children are always stopped.
"""
import argparse
import os
import socket
import subprocess
import sys
import time

READY_TIMEOUT = 10.0
CLIENT_TIMEOUT = 240.0


def fresh_url(transport, tag):
    if transport == 'tcp':
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(('127.0.0.1', 0))
            return 'tcp://127.0.0.1:%d' % s.getsockname()[1], None
    name = 'doppel-model-%s-%d' % (tag, os.getpid())
    return 'local:' + name, os.path.join(os.environ.get('TMPDIR') or '/tmp', name)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('scenario', choices=['doppel-host-qt-replica', 'qt-host-doppel-replica', 'qt-qt'])
    parser.add_argument('--bin-dir', required=True)
    parser.add_argument('--transport', choices=['tcp', 'local'], default='tcp')
    parser.add_argument('--edits', default='1000')
    parser.add_argument('--seeds', default='3')
    args = parser.parse_args()
    qt_dir = doppel_dir = args.bin_dir  # every program lands in the build's bin/
    edits = ['--edits', args.edits, '--seeds', args.seeds]
    if args.scenario == 'doppel-host-qt-replica':
        host = [os.path.join(doppel_dir, 'doppel_model_host')]
        # Qt 6.4's replica does not follow random edits of a tree (it did not converge after
        # 100 in our runs) and crashes on some sequences of rowsMoved, also from Qt's own host
        # (docs/models.md): the tree is checked as read, the flat model with edits whose moves
        # are sent as remove + insert (as QStandardItemModel does).
        clients = [[os.path.join(qt_dir, 'qt_model_client'), None, 'Flat', '--no-moves'] + edits,
                   [os.path.join(qt_dir, 'qt_model_client'), None, 'Tree', '--seeds', '0']]
    elif args.scenario == 'qt-host-doppel-replica':
        host = [os.path.join(qt_dir, 'qt_model_host')]
        clients = [[os.path.join(doppel_dir, 'doppel_model_client'), None, 'Flat,Strings,Tree'] + edits]
    else:
        host = [os.path.join(qt_dir, 'qt_model_host')]
        clients = [[os.path.join(qt_dir, 'qt_model_client'), None, 'Flat'] + edits]
    url, socket_file = fresh_url(args.transport, args.scenario)
    env = dict(os.environ)
    env.setdefault('QT_QPA_PLATFORM', 'offscreen')
    env['QT_NO_GLIB'] = '1'
    for c in clients:
        c[1] = url
    started = time.monotonic()
    host_proc = subprocess.Popen(host + [url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env=env, stdin=subprocess.DEVNULL)
    ok = False
    client_out, client_err, host_err = '', '', ''
    try:
        line = host_proc.stdout.readline()
        if not line.startswith('READY'):
            raise RuntimeError('host did not print READY: %r' % line)
        ok = True
        for client in clients:
            proc = subprocess.run(client, capture_output=True, text=True, env=env, timeout=CLIENT_TIMEOUT)
            client_out += proc.stdout
            client_err += proc.stderr
            warned = [l for l in proc.stderr.splitlines() if ': qt warning' in l or ': qt critical' in l]
            ok = ok and proc.returncode == 0 and not warned
            if warned:
                client_out += '\nQt warnings:\n' + '\n'.join(warned[:20])
    except Exception as e:  # noqa: BLE001 - report anything as a failure
        client_out += '\nerror: %s' % e
    finally:
        host_proc.terminate()
        try:
            _, host_err = host_proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            host_proc.kill()
            _, host_err = host_proc.communicate()
        if socket_file and os.path.exists(socket_file):
            os.unlink(socket_file)
    host_warned = [l for l in (host_err or '').splitlines() if ': qt warning' in l or ': qt critical' in l]
    if host_warned:
        ok = False
    print(client_out)
    if not ok:
        print('--- client stderr\n' + client_err[-4000:])
        print('--- host stderr\n' + (host_err or '')[-4000:])
    print('%s %s over %s (%.1f s)' % ('PASS' if ok else 'FAIL', args.scenario, args.transport,
                                       time.monotonic() - started))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
