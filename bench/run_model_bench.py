#!/usr/bin/env python3
"""Model benchmarks (docs/models.md, docs/benchmarks.md): doppel's ListModel host and ModelReplica.

usage: run_model_bench.py --bin-dir BUILD/bin [--rounds 3] [--smoke]

  all      100,000 rows x 2 roles: acquire until every row is cached (time, client peak RSS,
           host peak RSS (VmHWM), bytes on loopback (lo rx delta of /proc/net/dev))
  window   1,000,000 rows: acquire until rows 0..49 are visible
  fanout   100 replicas of a 10,000-row model: one data change until all have it (median, max)

Qt's side (QAbstractItemModelReplica) is not measured by this script yet; docs/benchmarks.md
quotes DESIGN.md's figures for it.
"""
import argparse
import json
import os
import socket
import statistics
import subprocess
import time


def lo_bytes():
    with open('/proc/net/dev') as f:
        for line in f:
            if line.strip().startswith('lo:'):
                return int(line.split(':')[1].split()[0])
    return 0


def free_url():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return 'tcp://127.0.0.1:%d' % s.getsockname()[1]


def hwm_kb(pid):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith('VmHWM:'):
                return int(line.split()[1])
    return 0


def with_host(prog, rows, body):
    url = free_url()
    host = subprocess.Popen([prog, 'host', url, str(rows)], stdout=subprocess.PIPE, text=True)
    try:
        assert host.stdout.readline().startswith('READY')
        return body(url, host)
    finally:
        host.terminate()
        host.wait()


def client(prog, mode, url, n=''):
    out = subprocess.run([prog, mode, url] + ([str(n)] if n != '' else []), capture_output=True,
                         text=True, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('--bin-dir', required=True)
    p.add_argument('--rounds', type=int, default=3)
    p.add_argument('--smoke', action='store_true', help='tiny sizes: checks the programs run')
    a = p.parse_args()
    prog = os.path.join(a.bin_dir, 'bench_model_doppel')
    rows, big, fan_rows, fan = (100000, 1000000, 10000, 100) if not a.smoke else (1000, 5000, 100, 3)

    def all_rows(url, host):
        res = []
        for _ in range(a.rounds):
            lo0 = lo_bytes()
            r = client(prog, 'all', url, rows)
            r['wire'] = lo_bytes() - lo0
            res.append(r)
        return res, hwm_kb(host.pid)

    res, host_kb = with_host(prog, rows, all_rows)
    print('all %d rows: %.1f ms (median of %d), client peak %.1f MB, host peak %.1f MB, ~%.1f MB on loopback'
          % (rows, statistics.median(r['ms'] for r in res), len(res),
             max(r['rss_kb'] for r in res) / 1024, host_kb / 1024,
             statistics.median(r['wire'] for r in res) / 1e6))
    win = with_host(prog, big, lambda url, host: [client(prog, 'window', url) for _ in range(a.rounds)])
    print('first 50 of %d rows: %.2f ms (median), client peak %.1f MB'
          % (big, statistics.median(r['ms'] for r in win), max(r['rss_kb'] for r in win) / 1024))
    f = with_host(prog, fan_rows, lambda url, host: client(prog, 'fanout', url, fan))
    print('one change to %d replicas: %.2f ms median, %.2f ms max (20 changes)' % (fan, f['ms'], f['max_ms']))


if __name__ == '__main__':
    main()
