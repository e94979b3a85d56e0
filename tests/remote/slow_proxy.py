"""A loopback TCP proxy that holds every response back for a while: a slow store."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType


class SlowProxy:
    """Forwards 127.0.0.1:<port> to 127.0.0.1:<target>, delaying the first reply bytes."""

    def __init__(self, target_port: int, *, delay: float) -> None:
        self.target_port = target_port
        self.delay = delay
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(16)
        self._server.settimeout(0.2)
        self.port = int(self._server.getsockname()[1])
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> SlowProxy:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._server.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=30)
        threading.Thread(target=self._pipe, args=(client, upstream, 0.0), daemon=True).start()
        self._pipe(upstream, client, self.delay)

    def _pipe(self, source: socket.socket, sink: socket.socket, delay: float) -> None:
        first = True
        try:
            while not self._stop.is_set():
                data = source.recv(65536)
                if not data:
                    break
                if first and delay:
                    end = time.monotonic() + delay
                    while time.monotonic() < end and not self._stop.is_set():
                        time.sleep(0.05)
                    first = False
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.close()
                except OSError:
                    pass
