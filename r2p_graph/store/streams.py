"""The serving process's side of a streamed answer: relay a worker's chunks, and free the
worker however the stream ends.

A worker that has written more than ``QueryRequest.stream_after`` bytes of a graph answer
sends ``("head", first part)``, then ``("chunk", bytes)`` messages, then ``("end", triples,
truncated)`` (see :class:`r2p_graph.store.results.Relay`). :class:`WorkerStream` is the
rest of the answer as the HTTP layer sees it (an :class:`~r2p_graph.store.AnswerStream`):
iterating it receives the chunks, and it holds the worker until the end.

Rules (README, "Holding under attack"):

* **The deadline still applies.** A timer kills the worker at the query's deadline,
  whatever the thread relaying it is doing (a client that stops reading blocks that
  thread in the HTTP server's write, and the worker on its full pipe: the timer is what
  frees it). The stream then ends, cut, and says so (``deadline=Ts``).
* **Streaming counts as running.** A stream still going when the fast lane's budget is
  spent takes a place in the heavy lane, exactly as a query still evaluating would; when
  the heavy lane is full it is cut there (``fast_lane_budget=Ts``). So, as before, at
  most ``heavy_lane`` answers run past the budget, and ``query_workers`` processes stay
  free for cheap queries.
* **A client that goes away** (the response closed before the end) kills the worker: it
  is mid-answer and cannot be reused without reading the rest.

A worker killed here is replaced at once; one that reached the end goes back to the pool.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from r2p_graph.store import QueryRequest

if TYPE_CHECKING:
    from r2p_graph.store.lanes import Lanes

log = logging.getLogger("r2p_graph.workers")

#: Seconds past the deadline the relaying thread waits for a message before it cuts the
#: stream itself (the timer should have killed the worker by then).
_GRACE = 2.0


class StreamOwner:
    """What a stream needs from its pool (kept small, so that this module does not know
    the pool): give a worker back, or drop it and start another."""

    def __init__(
        self,
        lanes: Lanes,
        give_back: Callable[[Any], None],
        drop: Callable[[Any], None],
        died: Callable[[Any], bool],
    ) -> None:
        self.lanes = lanes
        #: The worker finished its answer: it is idle again.
        self.give_back = give_back
        #: The worker is being killed here: forget it and start another.
        self.drop = drop
        #: The worker stopped by itself: log why; True when it ran out of memory.
        self.died = died


class WorkerStream:
    """The rest of an answer a worker is streaming (see the module's docstring)."""

    def __init__(
        self,
        owner: StreamOwner,
        worker: Any,
        request: QueryRequest,
        deadline: float,
        *,
        heavy: bool,
        budget_end: float | None,
        memory_mb: int = 0,
    ) -> None:
        self.cut = ""
        self._owner = owner
        self._worker = worker
        self._request = request
        self._deadline = deadline
        self._heavy = heavy
        self._memory_mb = memory_mb
        self._lock = threading.Lock()
        self._done = False
        self._killed = False
        self._timer: threading.Timer | None = None
        lanes = owner.lanes
        if not heavy and lanes.enabled and budget_end is not None and budget_end < deadline:
            self._arm(budget_end)
        else:
            self._arm(deadline)

    # -- the watchdog

    def _arm(self, at: float) -> None:
        timer = threading.Timer(max(0.0, at - time.monotonic()), self._tick)
        timer.name = f"r2p-stream-{self._worker.proc.pid}"
        timer.daemon = True
        self._timer = timer
        timer.start()

    def _tick(self) -> None:
        lanes = self._owner.lanes
        with self._lock:
            if self._done:
                return
            if not self._heavy and lanes.enabled and time.monotonic() < self._deadline:
                why = lanes.enter(self._request.client)
                if why is None:
                    self._heavy = True
                    lanes.remember(self._request.text)
                    self._arm(self._deadline)
                    return
                self._end(f"fast_lane_budget={lanes.budget:g}s", reuse=False)
                return
            self._end(f"deadline={self._request.timeout:g}s", reuse=False)

    def _end(self, cut: str, *, reuse: bool) -> None:
        """Once, under the lock: the stream is over; the worker goes back or is killed."""
        self._done = True
        self.cut = cut
        if self._timer is not None:
            self._timer.cancel()
        if self._heavy:
            self._owner.lanes.leave(self._request.client)
        if reuse:
            self._owner.give_back(self._worker)
        else:
            # A signal only: the relaying thread owns the connection and closes it.
            self._killed = True
            try:
                self._worker.proc.kill()
            except OSError:  # pragma: no cover - already reaped
                pass
            self._owner.drop(self._worker)

    # -- the relay

    def __iter__(self) -> Iterator[bytes]:
        conn = self._worker.conn
        try:
            while True:
                try:
                    wait = max(0.0, self._deadline - time.monotonic()) + _GRACE
                    message = conn.recv() if conn.poll(wait) else None
                except (EOFError, OSError):
                    self._stopped()
                    return
                if message is None:
                    with self._lock:
                        if not self._done:
                            self._end(f"deadline={self._request.timeout:g}s", reuse=False)
                    return
                kind = message[0] if isinstance(message, tuple) and message else None
                if kind == "chunk":
                    yield bytes(message[1])
                    continue
                with self._lock:
                    if self._done:
                        return  # cut meanwhile; the worker is being killed
                    if kind == "end":
                        cut = f"max_bytes={self._request.max_bytes}" if message[2] else ""
                    else:  # an error after the answer began: the worker is still sound
                        log.warning(
                            "a streamed answer stopped: %s; client %s",
                            message[1] if len(message) > 1 else message,
                            self._request.client or "-",
                        )
                        cut = "error"
                    self._end(cut, reuse=True)
                return
        finally:
            self.close()

    def _stopped(self) -> None:
        """The connection ended: a kill of ours, or the worker died by itself."""
        with self._lock:
            if self._done:
                return
            self._done = True  # no kill of ours: stop the timer from trying one
        memory = self._owner.died(self._worker)
        with self._lock:
            self._done = False
            self._end(f"query_memory_mb={self._memory_mb}" if memory else "error", reuse=False)

    def close(self) -> None:
        """Stop here: before the end, the worker is killed (it is mid-answer)."""
        with self._lock:
            if not self._done:
                self._end("closed", reuse=False)
            killed = self._killed
        if killed:
            self._worker.kill()  # reap it and close the connection, in this thread
