#!/usr/bin/env python3
"""Time from a new user's first request to the first ImGui frame, through doppel-gateway.

Starts doppel-gateway (cold, then --warm) with the given stream app, and for N new users does
what a browser does: GET /?token= (the session starts; 303 with the cookie), GET / and
/viewer.js (handed to the session), the WebSocket upgrade, the viewer's Hello; it stops the
clock at the first Frame record (raw-deflate stream of records: type u8, length u32 LE).

  bench/gateway/first_frame.py BUILD_DIR [--users 10] [-- APP ARGS...]
"""
import argparse, base64, os, re, socket, statistics, struct, subprocess, sys, time, zlib

def http(port, target, cookie=None):
    s = socket.create_connection(('127.0.0.1', port))
    s.sendall((f'GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n' +
               (f'Cookie: doppel_session={cookie}\r\n' if cookie else '') + '\r\n').encode())
    data = b''
    while True:
        chunk = s.recv(65536)
        if not chunk: break
        data += chunk
    s.close()
    return data

def ws_frame(payload):
    mask = os.urandom(4)
    head = bytes([0x82])
    n = len(payload)
    head += bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack('>H', n)
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))

def first_frame(port, cookie):
    s = socket.create_connection(('127.0.0.1', port))
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f'GET /stream HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: doppel_session={cookie}\r\n'
               f'Origin: http://127.0.0.1:{port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n'
               f'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key}\r\n\r\n').encode())
    buf = b''
    while b'\r\n\r\n' not in buf:
        chunk = s.recv(65536)
        if not chunk: raise RuntimeError('closed during upgrade: %r' % buf[:200])
        buf += chunk
    head, buf = buf.split(b'\r\n\r\n', 1)
    if not head.startswith(b'HTTP/1.1 101'): raise RuntimeError(head.decode(errors='replace'))
    hello = bytes([1]) + struct.pack('<H', 14) + struct.pack('<Hfff', 1, 1280.0, 800.0, 1.0)
    s.sendall(ws_frame(hello))
    inflater = zlib.decompressobj(-15)
    records = b''
    while True:
        while len(buf) < 2 or len(buf) < ws_len(buf)[1]:
            chunk = s.recv(65536)
            if not chunk: raise RuntimeError('closed before the first frame')
            buf += chunk
        (n, total, off) = ws_len(buf)
        payload, buf = buf[off:total], buf[total:]
        records += inflater.decompress(payload)
        while len(records) >= 5:
            typ, length = records[0], struct.unpack('<I', records[1:5])[0]
            if len(records) < 5 + length: break
            if typ == 3:
                s.close()
                return
            records = records[5 + length:]

def ws_len(buf):
    if len(buf) < 2: return (0, 1 << 30, 0)
    n = buf[1] & 0x7f; off = 2
    if n == 126:
        if len(buf) < 4: return (0, 1 << 30, 0)
        n = struct.unpack('>H', buf[2:4])[0]; off = 4
    elif n == 127:
        if len(buf) < 10: return (0, 1 << 30, 0)
        n = struct.unpack('>Q', buf[2:10])[0]; off = 10
    return (n, off + n, off)

def run(build, app, users, warm):
    args = [os.path.join(build, 'bin', 'doppel-gateway'), '--listen', '127.0.0.1:0', '--token', 'bench',
            '--grace', '60', '--max-sessions', str(users + 4)] + (['--warm'] if warm else []) + ['--app'] + app
    gw = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = gw.stdout.readline()
        port = int(re.search(r':(\d+)/', line).group(1))
        time.sleep(0.5 if warm else 0.1)  # the template starts
        times = []
        for _ in range(users):
            t0 = time.perf_counter()
            r = http(port, '/?token=bench')
            cookie = re.search(rb'doppel_session=([0-9a-f]+)', r).group(1).decode()
            http(port, '/', cookie)
            http(port, '/viewer.js', cookie)
            first_frame(port, cookie)
            times.append((time.perf_counter() - t0) * 1000)
        return times
    finally:
        gw.terminate()
        gw.wait(10)

def main():
    p = argparse.ArgumentParser()
    p.add_argument('build')
    p.add_argument('--users', type=int, default=10)
    p.add_argument('--cold-only', action='store_true')
    p.add_argument('app', nargs='*')
    a = p.parse_args()
    app = a.app or [os.path.join(a.build, 'bin', 'example_03_imgui_panel'), '--master', 'tcp://127.0.0.1:9']
    print('new user to first frame through doppel-gateway (ms): page, script, upgrade, Hello, first Frame')
    print('%-6s %8s %8s %8s' % ('mode', 'median', 'p95', 'max'))
    for warm in ([False] if a.cold_only else [False, True]):
        t = sorted(run(a.build, app, a.users, warm))
        print('%-6s %8.1f %8.1f %8.1f' % ('warm' if warm else 'cold', statistics.median(t),
                                          t[min(len(t) - 1, int(0.95 * len(t)))], t[-1]))

if __name__ == '__main__':
    main()
