#!/usr/bin/env python3
"""What the gateway's TLS relay costs (docs/gateway.md "TLS").

Starts two doppel-gateways with the stand-in app (gateway_test_app --big MB): one plain (the
connection is handed to the session: the gateway is out of the data path) and one with
--cert/--key (tests/web/certs; the gateway terminates TLS and relays the plaintext over a
socketpair). For each it measures, with one session:

- bulk: MB MiB downloaded (GET /big.bin), MiB/s, best of 3;
- request: a small GET /pid.txt on a new connection (the gateway reads the request and hands it
  over or relays it; TLS adds its handshake), median and p95 of 200;
- ws: the round trip of 2000 WebSocket ping frames on one connection (the session's WebServer
  answers each with a pong): what the relay adds to every input record and frame, median/p95.

  bench/gateway/relay.py BUILD_DIR [--mib 64] [--rounds 2]
"""
import argparse, os, re, socket, ssl, statistics, struct, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CERT = os.path.join(ROOT, 'tests/web/certs/test-cert.pem')
KEY = os.path.join(ROOT, 'tests/web/certs/test-key.pem')


def connect(port, tls):
    s = socket.create_connection(('127.0.0.1', port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if tls:
        ctx = ssl.create_default_context(cafile=CERT)
        s = ctx.wrap_socket(s, server_hostname='127.0.0.1')
    return s


def get(port, tls, target, cookie=None):
    s = connect(port, tls)
    s.sendall((f'GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n' +
               (f'Cookie: doppel_session={cookie}\r\n' if cookie else '') + '\r\n').encode())
    chunks = []
    while True:
        try:
            chunk = s.recv(1 << 20)
        except (ssl.SSLEOFError, ConnectionResetError):
            break
        if not chunk:
            break
        chunks.append(chunk)
    s.close()
    return b''.join(chunks)


def ws_open(port, tls, cookie):
    s = connect(port, tls)
    scheme = 'https' if tls else 'http'
    s.sendall((f'GET /stream HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: doppel_session={cookie}\r\n'
               f'Origin: {scheme}://127.0.0.1:{port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n'
               f'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n').encode())
    buf = b''
    while b'\r\n\r\n' not in buf:
        buf += s.recv(65536)
    head, rest = buf.split(b'\r\n\r\n', 1)
    assert head.startswith(b'HTTP/1.1 101'), head
    return s, rest


def ws_ping_rtt(s, rest, n):
    """Round trips of masked ping frames (the server answers each with a pong)."""
    times = []
    buf = rest
    for i in range(n):
        payload = struct.pack('<I', i)
        mask = b'\x01\x02\x03\x04'
        frame = bytes([0x89, 0x80 | len(payload)]) + mask + bytes(b ^ mask[k % 4] for k, b in enumerate(payload))
        t0 = time.perf_counter()
        s.sendall(frame)
        while True:
            while len(buf) < 2:
                buf += s.recv(65536)
            length = buf[1] & 0x7f
            header = 2 + (2 if length == 126 else 8 if length == 127 else 0)
            while len(buf) < header:
                buf += s.recv(65536)
            if length == 126:
                length = struct.unpack('>H', buf[2:4])[0]
            elif length == 127:
                length = struct.unpack('>Q', buf[2:10])[0]
            while len(buf) < header + length:
                buf += s.recv(65536)
            opcode = buf[0] & 0x0f
            body = buf[header:header + length]
            buf = buf[header + length:]
            if opcode == 0xA and body == payload:
                break
        times.append(time.perf_counter() - t0)
    return times


def start_gateway(build, tls, mib):
    args = [os.path.join(build, 'bin', 'doppel-gateway'), '--listen', '127.0.0.1:0', '--token', 'bench']
    if tls:
        args += ['--cert', CERT, '--key', KEY]
    app = os.path.join(build, 'bin', 'gateway_test_app')
    args += ['--app', app, '--big', str(mib)]
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline()
    port = int(re.search(r':(\d+)/', line).group(1))
    return p, port


def pct(values, q):
    v = sorted(values)
    return v[min(len(v) - 1, int(q * len(v)))]


def measure(build, tls, mib):
    p, port = start_gateway(build, tls, mib)
    try:
        r = get(port, tls, '/?token=bench')
        cookie = re.search(rb'doppel_session=([0-9a-f]+)', r).group(1).decode()
        get(port, tls, '/pid.txt', cookie)  # the session is up
        best = 0.0
        for _ in range(3):
            t0 = time.perf_counter()
            body = get(port, tls, '/big.bin', cookie)
            dt = time.perf_counter() - t0
            assert len(body) > mib << 20, len(body)
            best = max(best, mib / dt)
        small = []
        for _ in range(200):
            t0 = time.perf_counter()
            assert get(port, tls, '/pid.txt', cookie).startswith(b'HTTP/1.1 200')
            small.append(time.perf_counter() - t0)
        s, rest = ws_open(port, tls, cookie)
        pings = ws_ping_rtt(s, rest, 2000)
        s.close()
        return best, small, pings
    finally:
        p.terminate()
        p.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('build')
    ap.add_argument('--mib', type=int, default=64)
    ap.add_argument('--rounds', type=int, default=2)
    a = ap.parse_args()
    # Alternating rounds (plain, tls, plain, tls): a shared machine's load hits both alike;
    # each path keeps its best bulk figure and all its samples.
    results = {False: [0.0, [], []], True: [0.0, [], []]}
    for _ in range(a.rounds):
        for tls in (False, True):
            bulk, small, pings = measure(a.build, tls, a.mib)
            r = results[tls]
            r[0] = max(r[0], bulk)
            r[1] += small
            r[2] += pings
    rows = [(tls, *results[tls]) for tls in (False, True)]
    print('| path | bulk MiB/s | GET p50 | GET p95 | ws ping p50 | ws ping p95 |')
    print('|---|---|---|---|---|---|')
    for tls, bulk, small, pings in rows:
        name = 'https, relayed by the gateway' if tls else 'http, handed over (gateway out of the path)'
        print(f'| {name} | {bulk:.0f} | {statistics.median(small) * 1e3:.2f} ms | {pct(small, 0.95) * 1e3:.2f} ms | '
              f'{statistics.median(pings) * 1e6:.0f} us | {pct(pings, 0.95) * 1e6:.0f} us |')
    plain, relayed = rows[0], rows[1]
    print(f'relay / direct: bulk {relayed[1] / plain[1]:.2f}x the throughput, '
          f'ws ping p50 {statistics.median(relayed[3]) / statistics.median(plain[3]):.2f}x the time')


if __name__ == '__main__':
    sys.exit(main())
