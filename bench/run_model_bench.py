#!/usr/bin/env python3
"""Model benchmarks (docs/models.md, docs/benchmarks.md): doppel's ListModel host and ModelReplica
side by side with Qt 6's QStandardItemModel host and QAbstractItemModelReplica, in one run.

usage: run_model_bench.py --bin-dir BUILD/bin [--rounds 3] [--smoke] [--no-qt] [--json]

  all      100,000 rows x 2 roles: acquire until every row is cached (time; CPU time of the
           client's timed part and of the host meanwhile, which is what to compare when the
           machine is busy; client and host peak RSS (VmHWM); bytes on loopback (lo rx delta of
           /proc/net/dev, both directions))
  window   1,000,000 rows: acquire until rows 0..49 are readable
  fanout   100 replicas of a 10,000-row model: one data change until all have it (doppel only)

Every replica is run against every host (doppel<-doppel, Qt<-Qt, and the two crossed ones); the
ratio column is Qt<-Qt over doppel<-doppel. Qt's peers come from bench_model_qt (built when Qt 6
RemoteObjects and Gui are found); without it, or with --no-qt, only doppel is measured.
"""
import argparse
import json
import os
import socket
import statistics
import subprocess


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


def cpu_ms(pid):
    """User + system time of a process so far (clock ticks, so 10 ms steps)."""
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000.0 / os.sysconf('SC_CLK_TCK')


def with_host(prog, rows, body):
    url = free_url()
    host = subprocess.Popen([prog, 'host', url, str(rows)], stdout=subprocess.PIPE, text=True)
    try:
        line = host.stdout.readline()
        if not line.startswith('READY'):
            raise RuntimeError('%s host did not start' % os.path.basename(prog))
        return body(url, host)
    finally:
        host.terminate()
        host.wait()


def client(prog, mode, url, n=None):
    out = subprocess.run([prog, mode, url] + ([str(n)] if n is not None else []), capture_output=True,
                         text=True, timeout=300)
    lines = out.stdout.strip().splitlines()
    if not lines:
        raise RuntimeError('%s %s printed nothing (exit %d): %s'
                           % (os.path.basename(prog), mode, out.returncode, out.stderr[-500:]))
    r = json.loads(lines[-1])
    if 'error' in r:
        raise RuntimeError('%s %s: %s' % (os.path.basename(prog), mode, r['error']))
    return r


def median(rs, key):
    return statistics.median(r[key] for r in rs)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('--bin-dir', required=True)
    p.add_argument('--rounds', type=int, default=3)
    p.add_argument('--smoke', action='store_true', help='tiny sizes: checks the programs run')
    p.add_argument('--no-qt', action='store_true', help='doppel only')
    p.add_argument('--json', action='store_true', help='also print every figure as one JSON line')
    a = p.parse_args()
    peers = {'doppel': os.path.join(a.bin_dir, 'bench_model_doppel')}
    qt = os.path.join(a.bin_dir, 'bench_model_qt')
    if not a.no_qt:
        if os.path.exists(qt):
            peers['qt'] = qt
        else:
            print('(bench_model_qt not built: Qt not measured)')
    rows, big, fan_rows, fan = (100000, 1000000, 10000, 100) if not a.smoke else (1000, 5000, 100, 3)
    pairs = [(r, h) for h in peers for r in peers]  # (replica, host)
    figures = {}

    def all_rows(replica):
        def body(url, host):
            res = []
            for _ in range(a.rounds):
                lo0, host0 = lo_bytes(), cpu_ms(host.pid)
                r = client(peers[replica], 'all', url, rows)
                r['wire'] = lo_bytes() - lo0
                r['host_cpu_ms'] = cpu_ms(host.pid) - host0
                res.append(r)
            return res, hwm_kb(host.pid)
        return body

    print('all %d rows x 2 roles, acquire until every row is cached (median of %d):' % (rows, a.rounds))
    print('  %-16s %10s %10s %10s %10s %10s %10s'
          % ('replica<-host', 'ms', 'cpu ms', 'host cpu', 'client MB', 'host MB', 'wire MB'))
    for replica, host in pairs:
        res, host_kb = with_host(peers[host], rows, all_rows(replica))
        f = {'ms': median(res, 'ms'), 'cpu_ms': median(res, 'cpu_ms'), 'host_cpu_ms': median(res, 'host_cpu_ms'),
             'client_mb': max(r['rss_kb'] for r in res) / 1024, 'host_mb': host_kb / 1024,
             'wire_mb': median(res, 'wire') / 1e6}
        figures['all %s<-%s' % (replica, host)] = f
        print('  %-16s %10.1f %10.1f %10.0f %10.1f %10.1f %10.2f'
              % ('%s<-%s' % (replica, host), f['ms'], f['cpu_ms'], f['host_cpu_ms'], f['client_mb'],
                 f['host_mb'], f['wire_mb']))
    if 'qt' in peers:
        d, q = figures['all doppel<-doppel'], figures['all qt<-qt']
        print('  Qt/doppel: time x%.1f, client CPU x%.1f, client memory x%.1f, host memory x%.1f, wire x%.2f'
              % (q['ms'] / d['ms'], q['cpu_ms'] / max(d['cpu_ms'], 0.1), q['client_mb'] / d['client_mb'],
                 q['host_mb'] / d['host_mb'], q['wire_mb'] / d['wire_mb']))

    print('first 50 of %d rows visible (median of %d):' % (big, a.rounds))
    for replica, host in pairs:
        win = with_host(peers[host], big,
                        lambda url, h, rp=replica: [client(peers[rp], 'window', url) for _ in range(a.rounds)])
        f = {'ms': median(win, 'ms'), 'client_mb': max(r['rss_kb'] for r in win) / 1024}
        figures['window %s<-%s' % (replica, host)] = f
        print('  %-16s %10.2f ms, client peak %.1f MB' % ('%s<-%s' % (replica, host), f['ms'], f['client_mb']))
    if 'qt' in peers:
        print('  Qt/doppel: time x%.1f' % (figures['window qt<-qt']['ms'] / figures['window doppel<-doppel']['ms']))

    fo = with_host(peers['doppel'], fan_rows, lambda url, host: client(peers['doppel'], 'fanout', url, fan))
    figures['fanout doppel<-doppel'] = {'ms': fo['ms'], 'max_ms': fo['max_ms']}
    print('one change to %d doppel replicas: %.2f ms median, %.2f ms max (20 changes; Qt not measured)'
          % (fan, fo['ms'], fo['max_ms']))
    if a.json:
        print(json.dumps(figures))


if __name__ == '__main__':
    main()
