"""Protocol-level viewers for the stream benchmark (bench/run_stream_bench.py): each speaks its
system's protocol as the real browser client does, answers what that client answers, and records
when every byte arrived. No rendering: the figures are input-to-wire, as in
shared/remoting-survey.md §3.1.

- DoppelViewer: doppel's viewer protocol (docs/imgui-streaming.md): WebSocket, one raw-deflate
  stream of records; it acknowledges every frame at once as web/viewer does after drawing it.
- BroadwayViewer: GTK 4.8's broadway.js protocol: WebSocket "broadway", binary commands; it
  answers screen size, configure notifies and ROUNDTRIP ops as broadway.js does.
- RfbViewer: RFB 3.3 as noVNC speaks it to Qt's VNC plugin: SetPixelFormat (32 bpp), SetEncodings
  (Raw, the only one Qt sends), and a new incremental update request after each update.

Byte counts are the TCP payload received (WebSocket framing included, IP/TCP headers not); a
frame's time is when the chunk that completed it arrived, not when Python finished parsing it.
Python 3 standard library only.
"""

import base64
import os
import select
import socket
import struct
import time
import zlib

now = time.perf_counter


class Wire:
    """A TCP connection that timestamps every received chunk."""

    def __init__(self, host, port, timeout=5.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.setblocking(False)
        self.rx = []  # (time, bytes) per recv
        self.total = 0
        self.closed = False

    def send(self, data):
        self.sock.setblocking(True)
        self.sock.sendall(data)
        self.sock.setblocking(False)
        return now()

    def recv(self, timeout):
        """Waits up to `timeout` for data; returns the bytes read ('' on timeout)."""
        if self.closed:
            time.sleep(max(timeout, 0))
            return b""
        r, _, _ = select.select([self.sock], [], [], max(timeout, 0))
        if not r:
            return b""
        t = now()
        try:
            data = self.sock.recv(1 << 20)
        except BlockingIOError:
            return b""
        if not data:
            self.closed = True
            return b""
        self.rx.append((t, len(data)))
        self.total += len(data)
        return data

    def close(self):
        self.sock.close()


class WebSocket:
    """The client half of RFC 6455, enough for binary messages."""

    def __init__(self, host, port, path, protocol=None):
        self.wire = Wire(host, port)
        key = base64.b64encode(os.urandom(16)).decode()
        req = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n")
        if protocol:
            req += f"Sec-WebSocket-Protocol: {protocol}\r\n"
        self.t_open = self.wire.send((req + "\r\n").encode())
        self.buf = b""
        deadline = now() + 5
        while b"\r\n\r\n" not in self.buf:
            if now() > deadline or self.wire.closed:
                raise RuntimeError(f"no WebSocket upgrade from {host}:{port}{path}")
            self.buf += self.wire.recv(0.1)
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError("WebSocket refused: " + head.decode(errors="replace"))
        self.partial = b""

    def send(self, payload, opcode=2):
        mask = os.urandom(4)
        n = len(payload)
        head = bytes([0x80 | opcode])
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 65536:
            head += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack(">Q", n)
        body = bytes(b ^ mask[i & 3] for i, b in enumerate(payload))
        return self.wire.send(head + mask + body)

    def messages(self, timeout):
        """Reads for up to `timeout`; returns the complete messages."""
        self.buf += self.wire.recv(timeout)
        out = []
        while True:
            if len(self.buf) < 2:
                break
            b0, b1 = self.buf[0], self.buf[1]
            n = b1 & 0x7F
            p = 2
            if n == 126:
                if len(self.buf) < 4:
                    break
                n = struct.unpack(">H", self.buf[2:4])[0]
                p = 4
            elif n == 127:
                if len(self.buf) < 10:
                    break
                n = struct.unpack(">Q", self.buf[2:10])[0]
                p = 10
            if len(self.buf) < p + n:
                break
            payload = self.buf[p:p + n]
            self.buf = self.buf[p + n:]
            opcode = b0 & 0x0F
            if opcode == 9:  # ping
                self.send(payload, 10)
                continue
            if opcode == 8:
                self.wire.closed = True
                break
            if opcode in (0, 1, 2):
                self.partial += payload
                if b0 & 0x80:
                    out.append(self.partial)
                    self.partial = b""
        return out


class DoppelViewer:
    name = "doppel"

    def __init__(self, host, port, width, height):
        self.ws = WebSocket(host, port, "/stream")
        self.wire = self.ws.wire
        self.inflate = zlib.decompressobj(-15)
        self.plain = b""
        self.frames = []  # arrival time of every Frame record
        self.acked = 0
        self.ws.send(self._record(1, struct.pack("<Hfff", 1, width, height, 1.0)))

    @staticmethod
    def _record(kind, payload):
        return struct.pack("<BH", kind, len(payload)) + payload

    def pump(self, timeout):
        got = False
        for m in self.ws.messages(timeout):
            got = True
            t = self.wire.rx[-1][0]  # when the chunk that completed it arrived
            self.plain += self.inflate.decompress(m)
            latest = 0
            while len(self.plain) >= 5:
                kind, n = struct.unpack("<BI", self.plain[:5])
                if len(self.plain) < 5 + n:
                    break
                if kind == 3:  # Frame: u32 seq first
                    latest = struct.unpack("<I", self.plain[5:9])[0]
                    self.frames.append(t)
                self.plain = self.plain[5 + n:]
            if latest > self.acked:  # the viewer acknowledges what it drew
                self.acked = latest
                self.ws.send(self._record(2, struct.pack("<I", latest)))
        return got

    def move(self, x, y):
        return self.ws.send(self._record(3, struct.pack("<ff", x, y)))

    def button(self, x, y, down):
        return self.ws.send(self._record(4, struct.pack("<BB", 0, 1 if down else 0)))


# Broadway op codes (broadway.js 4.8) and the payload sizes of the fixed-size ones.
B_NEW_SURFACE, B_MOVE_RESIZE, B_UPLOAD_TEXTURE, B_SET_NODES, B_ROUNDTRIP = 2, 8, 13, 15, 16
B_FIXED = {0: 3, 1: 0, 3: 2, 4: 2, 5: 2, 6: 2, 7: 2, 9: 4, 10: 0, 12: 2, 14: 4}
# Broadway input events.
E_ENTER, E_MOVE, E_PRESS, E_RELEASE, E_CONFIGURE, E_SCREEN, E_ROUNDTRIP = 0, 2, 3, 4, 11, 12, 14
GDK_BUTTON1_MASK = 1 << 8


class BroadwayViewer:
    name = "broadway"

    def __init__(self, host, port, width, height):
        self.ws = WebSocket(host, port, "/socket", "broadway")
        self.wire = self.ws.wire
        self.width, self.height = width, height
        self.started = False
        self.serial = 0
        self.t0 = now()
        self.surfaces = {}  # id -> [x, y, w, h]
        self.frames = []
        self.state = 0
        self.entered = False

    def _input(self, kind, args):
        stamp = int((now() - self.t0) * 1000)
        return self.ws.send(struct.pack(f">{3 + len(args)}i", kind, self.serial, stamp, *args))

    def _commands(self, m):
        p, t, frame = 0, self.wire.rx[-1][0], False
        while p < len(m):
            op = m[p]
            self.serial = struct.unpack_from("<I", m, p + 1)[0]
            p += 5
            if op == B_NEW_SURFACE:
                sid, x, y, w, h = struct.unpack_from("<HhhHH", m, p)
                p += 10
                self.surfaces[sid] = [x, y, w, h]
                self._input(E_CONFIGURE, [sid, x, y, w, h])
            elif op == B_MOVE_RESIZE:
                sid, flags = struct.unpack_from("<HB", m, p)
                p += 3
                s = self.surfaces.setdefault(sid, [0, 0, 0, 0])
                if flags & 1:
                    s[0], s[1] = struct.unpack_from("<hh", m, p)
                    p += 4
                if flags & 2:
                    s[2], s[3] = struct.unpack_from("<HH", m, p)
                    p += 4
                self._input(E_CONFIGURE, [sid] + s)
            elif op == B_UPLOAD_TEXTURE:
                size = struct.unpack_from("<I", m, p + 4)[0]
                p += 8 + size
            elif op == B_SET_NODES:
                n = struct.unpack_from("<I", m, p + 2)[0]
                p += 6 + 4 * n
                frame = True
            elif op == B_ROUNDTRIP:
                sid, tag = struct.unpack_from("<HI", m, p)
                p += 6
                self._input(E_ROUNDTRIP, [sid, tag])
            elif op in B_FIXED:
                p += B_FIXED[op]
            else:
                raise RuntimeError(f"broadway: unknown op {op}")
        if frame:
            self.frames.append(t)

    def pump(self, timeout):
        got = False
        for m in self.ws.messages(timeout):
            got = True
            if not self.started:  # broadway.js starts on its first message
                self.started = True
                self._input(E_SCREEN, [self.width, self.height, 1])
            self._commands(m)
        return got

    def _target(self, x, y):
        """The surface under the window point (x, y) of the app's (largest) surface."""
        sid = max(self.surfaces, key=lambda k: self.surfaces[k][2] * self.surfaces[k][3])
        sx, sy = self.surfaces[sid][:2]
        return sid, sx + x, sy + y

    def move(self, x, y):
        sid, rx, ry = self._target(x, y)
        if not self.entered:
            self.entered = True
            self._input(E_ENTER, [sid, sid, rx, ry, x, y, self.state, 0])
        return self._input(E_MOVE, [sid, sid, rx, ry, x, y, self.state])

    def button(self, x, y, down):
        sid, rx, ry = self._target(x, y)
        if down:
            self.state |= GDK_BUTTON1_MASK
            return self._input(E_PRESS, [sid, sid, rx, ry, x, y, self.state, 1])
        self.state &= ~GDK_BUTTON1_MASK
        return self._input(E_RELEASE, [sid, sid, rx, ry, x, y, self.state, 1])


class RfbViewer:
    name = "qtvnc"

    def __init__(self, host, port, width, height):
        self.wire = Wire(host, port)
        self.buf = b""
        self._need(12)
        self.wire.send(b"RFB 003.003\n")
        self.buf = self.buf[12:]
        self._need(4)
        if struct.unpack(">I", self.buf[:4])[0] != 1:
            raise RuntimeError("rfb: security type is not None")
        self.buf = self.buf[4:]
        self.wire.send(b"\x01")  # ClientInit: shared
        self._need(24)
        self.width, self.height = struct.unpack(">HH", self.buf[:4])
        name_len = struct.unpack(">I", self.buf[20:24])[0]
        self._need(24 + name_len)
        self.buf = self.buf[24 + name_len:]
        # 32 bpp true colour, as noVNC asks; Qt crashes if this is left out (survey §2.2).
        pf = struct.pack(">BBBBHHHBBB3x", 32, 24, 0, 1, 255, 255, 255, 16, 8, 0)
        self.wire.send(b"\x00\x00\x00\x00" + pf)
        self.wire.send(struct.pack(">BxHi", 2, 1, 0))  # SetEncodings: Raw
        self.frames = []
        self.rects = []
        self.mask = 0
        self._request(False)

    def _need(self, n):
        deadline = now() + 5
        while len(self.buf) < n:
            if now() > deadline or self.wire.closed:
                raise RuntimeError("rfb: handshake timed out")
            self.buf += self.wire.recv(0.1)

    def _request(self, incremental):
        self.wire.send(struct.pack(">BBHHHH", 3, 1 if incremental else 0, 0, 0, self.width, self.height))

    def pump(self, timeout):
        data = self.wire.recv(timeout)
        if not data:
            return False
        self.buf += data
        while self.buf:
            kind = self.buf[0]
            if kind == 0:  # FramebufferUpdate
                if len(self.buf) < 4:
                    break
                count = struct.unpack(">H", self.buf[2:4])[0]
                p, size, ok = 4, 0, True
                for _ in range(count):
                    if len(self.buf) < p + 12:
                        ok = False
                        break
                    x, y, w, h, enc = struct.unpack(">HHHHi", self.buf[p:p + 12])
                    if enc != 0:
                        raise RuntimeError(f"rfb: unexpected encoding {enc}")
                    p += 12 + w * h * 4
                    size += w * h
                    if len(self.buf) < p:
                        ok = False
                        break
                if not ok:
                    break
                self.buf = self.buf[p:]
                self.frames.append(self.wire.rx[-1][0])
                self.rects.append(count)
                self._request(True)  # noVNC asks again once an update is in
            elif kind == 2:  # Bell
                self.buf = self.buf[1:]
            elif kind == 3:  # ServerCutText
                if len(self.buf) < 8:
                    break
                n = struct.unpack(">I", self.buf[4:8])[0]
                if len(self.buf) < 8 + n:
                    break
                self.buf = self.buf[8 + n:]
            else:
                raise RuntimeError(f"rfb: unexpected message {kind}")
        return True

    def move(self, x, y):
        return self.wire.send(struct.pack(">BBHH", 5, self.mask, x, y))

    def button(self, x, y, down):
        self.mask = 1 if down else 0
        return self.wire.send(struct.pack(">BBHH", 5, self.mask, x, y))


VIEWERS = {"doppel": DoppelViewer, "broadway": BroadwayViewer, "qtvnc": RfbViewer}
