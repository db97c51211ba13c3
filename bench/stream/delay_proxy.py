"""A TCP proxy on loopback that holds every chunk for `delay` seconds in each direction, so a
viewer behind it is 2 x delay round trip away (bench/run_stream_bench.py: 25 ms each way = the
browser 50 ms away). Chunks keep their order; bandwidth is not limited. Threads, all joined by
close()."""

import collections
import socket
import threading
import time


class _Pipe:
    """One direction: a reader thread queues (due, bytes), a writer thread sends when due."""

    def __init__(self, src, dst, delay):
        self.src, self.dst, self.delay = src, dst, delay
        self.queue = collections.deque()
        self.cond = threading.Condition()
        self.done = False
        self.threads = [threading.Thread(target=self._read), threading.Thread(target=self._write)]
        for t in self.threads:
            t.start()

    def _read(self):
        while True:
            try:
                data = self.src.recv(1 << 20)
            except OSError:
                data = b""
            with self.cond:
                if not data:
                    self.done = True
                else:
                    self.queue.append((time.monotonic() + self.delay, data))
                self.cond.notify()
            if not data:
                return

    def _write(self):
        while True:
            with self.cond:
                while not self.queue and not self.done:
                    self.cond.wait()
                if not self.queue:
                    break
                due, data = self.queue.popleft()
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            try:
                self.dst.sendall(data)
            except OSError:
                break
        try:
            self.dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass


class DelayProxy:
    def __init__(self, target_port, delay):
        self.target_port, self.delay = target_port, delay
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.port = self.listener.getsockname()[1]
        self.pipes = []
        self.socks = []
        self.acceptor = threading.Thread(target=self._accept)
        self.acceptor.start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            for s in (client, server):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.socks += [client, server]
            self.pipes.append(_Pipe(client, server, self.delay))
            self.pipes.append(_Pipe(server, client, self.delay))

    def close(self):
        try:
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()
        self.acceptor.join()
        for s in self.socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for p in self.pipes:
            with p.cond:
                p.done = True
                p.cond.notify()
            for t in p.threads:
                t.join()
        for s in self.socks:
            s.close()
