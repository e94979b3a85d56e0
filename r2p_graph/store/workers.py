"""Query worker processes: where a deadline really cancels a query.

Neither pyoxigraph nor rdflib can interrupt a running query from another thread, so
queries are evaluated in a small pool of worker processes, each holding its own copy of
the dataset (loaded from the N-Quads snapshot). The serving process sends a
:class:`~r2p_graph.store.QueryRequest` down a socket pair and waits for the serialized
answer until the deadline. Past it, the worker is killed (SIGKILL), a fresh one is
started in the background, and the caller gets :class:`~r2p_graph.store.QueryTimeout`.
Other requests meanwhile use the other workers, so one slow query never blocks them.

Workers are plain ``python -c`` subprocesses (not ``multiprocessing``), so starting one
never re-imports the server's ``__main__``. At start-up, before loading anything, a
worker moves itself into an empty network namespace when Linux allows it (no route to
anywhere, not even loopback), and once loaded it installs an audit hook refusing
sockets, subprocesses and file reads outside Python's own directories.

The worker's side is :mod:`r2p_graph.store.worker_process` (and the walls it puts up,
:mod:`r2p_graph.store.sandbox`); how queries are shared between a fast and a heavy lane
is :mod:`r2p_graph.store.lanes`.

With ``query_workers = 0`` queries run in the serving process instead
(:class:`InlineExecutor`): handy for the CLI and tests, but deadlines are then only
checked, not enforced.
"""

from __future__ import annotations

import logging
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, NoReturn

from r2p_graph.store import (
    HeavyLaneFull,
    QueryFailed,
    QueryRefused,
    QueryRequest,
    QueryResult,
    QuerySyntaxError,
    QueryTimeout,
    QueryTooBig,
    QueryTooComplex,
    StoreError,
    StoreUnavailable,
)
from r2p_graph.store.lanes import Lanes
from r2p_graph.store.sandbox import isolate_network
from r2p_graph.store.streams import StreamOwner, WorkerStream
from r2p_graph.store.worker_process import ENGINES, Engine, EngineSpec, main, make_engine

__all__ = [
    "ENGINES",
    "Engine",
    "EngineSpec",
    "InlineExecutor",
    "WorkerPool",
    "isolate_network",
    "main",
    "make_engine",
]

log = logging.getLogger("r2p_graph.workers")

_PACKAGE_ROOT = Path(__file__).resolve().parent.parent.parent

# --------------------------------------------------------------------------- parent side


def child_path() -> str:
    """PYTHONPATH for a child started with ``-S``: this package's root, then this
    process's own path (site-packages included), so the child skips ``site`` and the
    ``.pth`` files it would run (~40 ms of every start) yet imports the same modules."""
    entries = [str(_PACKAGE_ROOT), *(p for p in sys.path if p and os.path.isdir(p))]
    return os.pathsep.join(dict.fromkeys(entries))


def _unwrap(reply: Any, limit_mb: int = 0) -> QueryResult:
    kind = reply[0] if isinstance(reply, tuple) and reply else None
    if kind == "ok" and isinstance(reply[1], QueryResult):
        return reply[1]
    if kind == "syntax":
        position = tuple(reply[2]) if reply[2] else None
        raise QuerySyntaxError(str(reply[1]), position)
    if kind == "refused":
        raise QueryRefused(str(reply[1]))
    if kind == "complex":
        raise QueryTooComplex(str(reply[1]))
    if kind == "memory":
        raise QueryTooBig(memory_message(limit_mb))
    if kind == "failed":
        raise QueryFailed(str(reply[1]))
    raise StoreUnavailable("the query worker sent an unexpected answer")


def memory_message(limit_mb: int) -> str:
    limit = f" of {limit_mb} MiB per query (R2P_QUERY_MEMORY_MB)" if limit_mb > 0 else ""
    return (
        f"The query needed more memory than this server allows{limit} and was stopped. "
        "Add a LIMIT, drop an ORDER BY over a large product, or ask for a smaller part of "
        "the data."
    )


def timeout_message(timeout: float) -> str:
    return (
        f"The query did not finish within its deadline of {timeout:g} s and was cancelled. "
        "Simplify it, add a LIMIT, or ask for a smaller part of the data."
    )


class _Worker:
    """One worker subprocess and the parent's end of its socket pair.

    The worker's stderr is read by a thread of this process: each line goes to the log
    (prefixed with the worker's pid), and the last few are kept to say why it died.
    """

    def __init__(self, engine: str, isolate: bool) -> None:
        parent_sock, child_sock = socket.socketpair()
        env = dict(os.environ)
        env["PYTHONPATH"] = child_path()
        env["RUST_BACKTRACE"] = "0"  # a failed allocation: one line, not a backtrace
        code = "import sys; from r2p_graph.store.worker_process import main; sys.exit(main())"
        try:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-S",  # no site: this process's path instead (a tenth of a start)
                    "-c",
                    code,
                    "--fd",
                    str(child_sock.fileno()),
                    "--engine",
                    engine,
                    "--isolate",
                    "1" if isolate else "0",
                ],
                pass_fds=(child_sock.fileno(),),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                env=env,
                close_fds=True,
            )
        finally:
            child_sock.close()
        self.conn = Connection(parent_sock.detach())
        self.isolation = "unknown"
        self.limits = ""
        self._lock = threading.Lock()
        self._killed = False
        #: True when this process killed the worker (a deadline), not the worker's fault.
        self.killed_here = False
        self.last_lines: deque[str] = deque(maxlen=20)
        self._reader = threading.Thread(
            target=self._read_stderr, name=f"r2p-worker-{self.proc.pid}-stderr", daemon=True
        )
        self._reader.start()

    def _read_stderr(self) -> None:
        stream = self.proc.stderr
        if stream is None:  # pragma: no cover - always a pipe
            return
        with stream:
            for raw in stream:
                line = raw.decode("utf-8", "replace").rstrip()
                if line:
                    self.last_lines.append(line)
                    log.warning("query worker %d: %s", self.proc.pid, line)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        """Stop the process and close the socket, once, whichever thread asks first.

        ``Connection.close`` is not thread-safe: two threads closing together could both
        close the descriptor number, the second one closing whatever reused it.
        """
        with self._lock:
            if self._killed:
                return
            self._killed = True
            if self.proc.poll() is None:
                self.killed_here = True
                self.proc.kill()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL does not hang
                pass
            self.conn.close()

    def death(self) -> tuple[str, bool]:
        """Why the worker stopped, for the log, and whether it ran out of memory."""
        try:
            status = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - it closed its socket
            return "it closed its connection but is still running", False
        self._reader.join(timeout=2)
        lines = list(self.last_lines)
        memory = any("memory allocation of" in line or "MemoryError" in line for line in lines)
        if status < 0:
            try:
                how = f"killed by {signal.Signals(-status).name}"
            except ValueError:
                how = f"killed by signal {-status}"
        else:
            how = f"exited with status {status}"
        stack = any("overflow" in line and "stack" in line for line in lines)
        if status == -signal.SIGSEGV or stack:
            how += " (a segfault: most likely its stack overflowed)"
        if lines:
            how += f"; its last words: {lines[-1][:300]}"
        return how, memory


def _excerpt(text: str, limit: int = 500) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "\u2026"


class WorkerPool:
    """Query workers in two lanes; each query borrows one worker until it answers.

    ``size`` workers are always left to queries within the fast lane's budget; with
    ``heavy > 0``, ``heavy`` more are started, and at most ``heavy`` queries may run past
    the budget at once (see :mod:`r2p_graph.store.lanes`). With ``heavy = 0`` there are no
    lanes: every query may run to its deadline.

    ``spec`` may be given later, to :meth:`start`: :meth:`launch_early` then starts the
    processes at once, so that Python and the engine import while the caller is still
    finding the dataset, and :meth:`start` only has to tell them where it is.
    """

    def __init__(
        self,
        spec: EngineSpec | None,
        size: int,
        *,
        start_timeout: float = 600.0,
        engine: str = "oxigraph",
        isolate: bool = True,
        heavy: int = 0,
        heavy_per_client: int = 0,
        budget: float = 0.5,
    ) -> None:
        if size < 1:
            raise ValueError("a worker pool needs at least one worker")
        self.spec = spec
        self.engine = spec.engine if spec is not None else engine
        self.isolate = spec.isolate if spec is not None else isolate
        self._early: list[_Worker] = []
        self.lanes = Lanes(max(0, heavy), heavy_per_client, budget)
        self.size = size + self.lanes.heavy
        self.start_timeout = start_timeout
        self.isolation = "unknown"
        self.limits = ""
        self.last_error: str | None = None
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._workers: set[_Worker] = set()
        self._closed = False
        self.timeouts = 0
        self.restarts = 0
        self.deaths = 0

    # -- life cycle

    def _launch(self) -> _Worker:
        worker = _Worker(self.engine, self.isolate)
        with self._lock:
            self._workers.add(worker)
        if self.spec is not None:
            self._send_spec(worker)
        return worker

    def _send_spec(self, worker: _Worker) -> None:
        assert self.spec is not None
        try:
            worker.conn.send(self.spec.to_json())
        except OSError:
            pass  # the worker died: _await_ready reports it

    def launch_early(self) -> None:
        """Start the worker processes now; they wait for the spec given to :meth:`start`."""
        if self.spec is None and not self._early:
            self._early = [self._launch() for _ in range(self.size)]

    def _await_ready(self, worker: _Worker) -> bool:
        try:
            if worker.conn.poll(self.start_timeout):
                message = worker.conn.recv()
                if isinstance(message, tuple) and message and message[0] == "ready":
                    worker.isolation = str(message[1])
                    self.isolation = worker.isolation
                    if len(message) > 2:
                        worker.limits = self.limits = str(message[2])
                    return True
                if isinstance(message, tuple) and len(message) > 1:
                    self.last_error = str(message[1])
            else:
                self.last_error = f"the worker did not load within {self.start_timeout:g} s"
        except (EOFError, OSError):
            self.last_error = f"the worker exited with status {worker.proc.poll()}"
        self._discard(worker)
        return False

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._workers.discard(worker)

    def start(self, spec: EngineSpec | None = None) -> None:
        """Start every worker (or use the early ones) and wait until they have loaded the
        dataset described by ``spec`` (or the pool's own)."""
        if spec is not None:
            self.spec = spec
        if self.spec is None:
            raise ValueError("the worker pool has no EngineSpec")
        launched, self._early = self._early, []
        for worker in launched:
            self._send_spec(worker)
        launched += [self._launch() for _ in range(self.size - len(launched))]
        ready = [w for w in launched if self._await_ready(w)]
        if not ready:
            raise StoreUnavailable(f"no query worker could start: {self.last_error}")
        for worker in ready:
            self._idle.put(worker)
        for _ in range(self.size - len(ready)):
            self._replace_later()

    def _replace_later(self) -> None:
        def replace() -> None:
            delay = 0.5
            while not self._closed:
                worker = self._launch()
                if self._await_ready(worker):
                    self._hand_over(worker)
                    return
                time.sleep(delay)
                delay = min(delay * 2, 30.0)

        self.restarts += 1
        threading.Thread(target=replace, name="r2p-worker-restart", daemon=True).start()

    def _hand_over(self, worker: _Worker) -> None:
        """Put a freshly started worker to use (or stop it, if the pool closed meanwhile)."""
        if self._closed:
            self._discard(worker)
        else:
            self._idle.put(worker)

    def _retire(self, worker: _Worker) -> None:
        """Kill ``worker`` (it is past its deadline or broken) and start another."""
        self._discard(worker)
        self._replace_later()

    def ready(self) -> bool:
        with self._lock:
            return not self._closed and any(w.alive() for w in self._workers)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._workers)
        for worker in workers:
            self._discard(worker)

    # -- queries

    def run(self, request: QueryRequest, deadline: float) -> QueryResult:
        """Evaluate ``request`` in a worker; ``deadline`` is a ``time.monotonic()`` value.

        A streamed answer (see :mod:`r2p_graph.store.streams`) keeps its worker, and its
        place in the heavy lane, until the stream ends."""
        lanes = self.lanes
        if not lanes.enabled:
            worker = self._borrow(request, deadline)
            return self._collect(worker, request, deadline)
        if lanes.known_heavy(request.text):
            # It outgrew the budget lately: straight to the heavy lane, or refused now.
            self._enter_heavy(request)
            result = None
            try:
                worker = self._borrow(request, deadline)
                started = time.monotonic()
                result = self._collect(worker, request, deadline, heavy=True)
                if result.rest is None and time.monotonic() - started < lanes.budget:
                    lanes.forget(request.text)
                return result
            finally:
                if result is None or result.rest is None:
                    lanes.leave(request.client)
        worker = self._borrow(request, deadline)
        budget_end = min(deadline, time.monotonic() + lanes.budget)
        answered = self._wait(worker, request, budget_end)
        if answered or time.monotonic() >= deadline:
            return self._collect(worker, request, deadline, budget_end=budget_end)
        lanes.remember(request.text)
        try:
            self._enter_heavy(request)
        except HeavyLaneFull:
            self._retire(worker)
            raise
        result = None
        try:
            result = self._collect(worker, request, deadline, heavy=True)
            return result
        finally:
            if result is None or result.rest is None:
                lanes.leave(request.client)

    def _enter_heavy(self, request: QueryRequest) -> None:
        why = self.lanes.enter(request.client)
        if why is not None:
            raise HeavyLaneFull(
                f"This query runs longer than {self.lanes.budget:g} s, the budget of the fast "
                f"lane, and {why}, so it was stopped. Try again in a few seconds, or add a "
                "LIMIT or ask for a smaller part of the data.",
                retry_after=max(1, round(request.timeout / 2)),
            )

    def _borrow(self, request: QueryRequest, deadline: float) -> _Worker:
        """An idle, live worker with ``request`` sent to it."""
        while True:
            if self._closed:
                raise StoreUnavailable("the store is closed")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise QueryTimeout(timeout_message(request.timeout))
            try:
                worker = self._idle.get(timeout=remaining)
            except queue.Empty:
                self.timeouts += 1
                raise QueryTimeout(
                    timeout_message(request.timeout)
                    + " (Every query worker stayed busy with other queries.)"
                ) from None
            if not worker.alive():
                self._retire(worker)
                continue
            try:
                worker.conn.send(request)
            except OSError:
                self._retire(worker)
                continue
            return worker

    def _wait(self, worker: _Worker, request: QueryRequest, until: float) -> bool:
        """Wait for ``worker``'s answer until ``until``: True when one is ready (or the
        worker stopped: :meth:`_collect` then says so)."""
        try:
            return worker.conn.poll(max(0.0, until - time.monotonic()))
        except (EOFError, OSError):
            return True

    def _collect(
        self,
        worker: _Worker,
        request: QueryRequest,
        deadline: float,
        *,
        heavy: bool = False,
        budget_end: float | None = None,
    ) -> QueryResult:
        try:
            answered = worker.conn.poll(max(0.0, deadline - time.monotonic()))
            reply = worker.conn.recv() if answered else None
        except (EOFError, OSError):
            self._died(worker, request)
        if not answered:
            self.timeouts += 1
            self._retire(worker)
            raise QueryTimeout(timeout_message(request.timeout))
        limit = self.spec.query_memory_mb if self.spec is not None else 0
        if isinstance(reply, tuple) and len(reply) == 2 and reply[0] == "head":
            head = reply[1]
            if isinstance(head, QueryResult):
                stream = WorkerStream(
                    self._stream_owner(), worker, request, deadline,
                    heavy=heavy, budget_end=budget_end, memory_mb=limit,
                )
                return replace(head, rest=stream)
        self._idle.put(worker)
        return _unwrap(reply, limit)

    def _stream_owner(self) -> StreamOwner:
        def drop(worker: _Worker) -> None:
            with self._lock:
                self._workers.discard(worker)
            self._replace_later()

        def died(worker: _Worker) -> bool:
            self.deaths += 1
            how, memory = worker.death()
            log.error(
                "query worker %d stopped while streaming an answer: %s",
                worker.proc.pid, how,
            )
            return memory or worker.proc.returncode == -signal.SIGABRT

        return StreamOwner(self.lanes, self._idle.put, drop, died)

    def _died(self, worker: _Worker, request: QueryRequest) -> NoReturn:
        """A worker stopped while evaluating ``request``: log it with the request, start
        another, and tell the client what happened."""
        self.deaths += 1
        how, memory = worker.death()
        self._retire(worker)
        limit = self.spec.query_memory_mb if self.spec is not None else 0
        if memory or (limit > 0 and worker.proc.returncode == -signal.SIGABRT):
            log.warning(
                "query worker %d stopped: the query needed more than its memory limit "
                "(%s); client %s, query: %s",
                worker.proc.pid, worker.limits or f"{limit} MiB", request.client or "-",
                _excerpt(request.text),
            )
            raise QueryTooBig(memory_message(limit))
        log.error(
            "query worker %d died while evaluating a query: %s; client %s, query: %s",
            worker.proc.pid, how, request.client or "-", _excerpt(request.text),
        )
        raise StoreUnavailable(
            "The query worker stopped while evaluating this query (the server logged it "
            "with the query); it is being restarted."
        )


class InlineExecutor:
    """Evaluate in the calling process (``query_workers = 0``); deadlines are not enforced."""

    def __init__(self, spec: EngineSpec) -> None:
        self.spec = spec
        self.isolation = "none (in-process)"
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        self._engine = make_engine(self.spec)

    def ready(self) -> bool:
        return self._engine is not None

    def run(self, request: QueryRequest, deadline: float) -> QueryResult:
        if self._engine is None:
            raise StoreUnavailable("the store is not started")
        with self._lock:
            try:
                return self._engine.evaluate(request)
            except StoreError:
                raise
            except MemoryError:
                raise QueryTooBig(memory_message(0)) from None

    def close(self) -> None:
        self._engine = None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
