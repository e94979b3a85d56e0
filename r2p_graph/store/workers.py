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

With ``query_workers = 0`` queries run in the serving process instead
(:class:`InlineExecutor`): handy for the CLI and tests, but deadlines are then only
checked, not enforced.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import importlib
import json
import os
import queue
import site
import socket
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from r2p_graph.store import (
    QueryFailed,
    QueryRefused,
    QueryRequest,
    QueryResult,
    QuerySyntaxError,
    QueryTimeout,
    StoreError,
    StoreUnavailable,
)

if TYPE_CHECKING:
    from r2p_graph.store.loading import DatasetSnapshot

ENGINES = ("oxigraph", "rdflib")
_ENGINE_MODULES = {
    "oxigraph": "r2p_graph.store.oxigraph",
    "rdflib": "r2p_graph.store.rdflib_engine",
}
_PACKAGE_ROOT = Path(__file__).resolve().parent.parent.parent
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000
_BLOCKED_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.bind",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "socket.sendto",
        "socket.sendmsg",
        "urllib.Request",
        "http.client.connect",
        "ftplib.connect",
        "smtplib.connect",
        "subprocess.Popen",
        "os.system",
        "os.exec",
        "os.posix_spawn",
        "os.spawn",
        "os.fork",
        "webbrowser.open",
    }
)


class Engine(Protocol):
    """What a worker needs from an engine: evaluate one request."""

    def evaluate(self, request: QueryRequest) -> QueryResult: ...


@dataclass(frozen=True)
class EngineSpec:
    """Everything a worker needs to build its engine (sent to it as JSON)."""

    engine: str
    #: The dataset as N-Quads (the rdflib engine, and Oxigraph's private mode, load it).
    snapshot: Path
    union_default_graph: bool = True
    isolate: bool = True
    #: The served folder's on-disk Oxigraph store and restore table (see
    #: :mod:`r2p_graph.store.ondisk`); None: load ``snapshot`` into memory.
    store: Path | None = None
    originals: Path | None = None
    #: True when no triple is in two graphs (the shared store can then be used as is).
    union_is_set: bool = False
    #: Oxigraph: load the snapshot into each worker's memory even when ``store`` is given.
    in_memory: bool = False

    @classmethod
    def for_snapshot(
        cls,
        engine: str,
        snapshot: DatasetSnapshot,
        *,
        union_default_graph: bool,
        isolate: bool,
        in_memory: bool = False,
    ) -> EngineSpec:
        return cls(
            engine=engine,
            snapshot=snapshot.path,
            union_default_graph=union_default_graph,
            isolate=isolate,
            store=snapshot.store,
            originals=snapshot.originals,
            union_is_set=snapshot.union_is_set,
            in_memory=in_memory,
        )

    def readable(self) -> list[Path]:
        """Folders the worker reads after it has loaded (the audit hook allows them)."""
        return sorted({p.parent for p in (self.snapshot, self.store, self.originals) if p})

    def to_json(self) -> str:
        return json.dumps(
            {
                "engine": self.engine,
                "snapshot": str(self.snapshot),
                "union_default_graph": self.union_default_graph,
                "isolate": self.isolate,
                "store": str(self.store) if self.store else None,
                "originals": str(self.originals) if self.originals else None,
                "union_is_set": self.union_is_set,
                "in_memory": self.in_memory,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> EngineSpec:
        data = json.loads(text)
        return cls(
            engine=str(data["engine"]),
            snapshot=Path(data["snapshot"]),
            union_default_graph=bool(data["union_default_graph"]),
            isolate=bool(data["isolate"]),
            store=Path(data["store"]) if data.get("store") else None,
            originals=Path(data["originals"]) if data.get("originals") else None,
            union_is_set=bool(data.get("union_is_set")),
            in_memory=bool(data.get("in_memory")),
        )


def make_engine(spec: EngineSpec) -> Engine:
    """Build the engine named in ``spec`` (imports are lazy: workers load only one)."""
    if spec.engine == "oxigraph":
        # each worker imports its own engine; the server never does
        from r2p_graph.store.oxigraph import OxigraphEngine

        return OxigraphEngine(
            spec.snapshot,
            union_default_graph=spec.union_default_graph,
            store=spec.store,
            originals=spec.originals,
            union_is_set=spec.union_is_set,
            in_memory=spec.in_memory,
        )
    if spec.engine == "rdflib":
        # each worker imports its own engine; the server never does
        from r2p_graph.store.rdflib_engine import RdflibEngine

        return RdflibEngine(spec.snapshot, union_default_graph=spec.union_default_graph)
    raise ValueError(f"unknown engine {spec.engine!r} (choose one of {', '.join(ENGINES)})")


# --------------------------------------------------------------------------- worker side


def isolate_network() -> str:
    """Move this (single-threaded) process into a new, empty network namespace.

    Returns what was achieved, for the logs. Best effort: without user namespaces or
    CAP_SYS_ADMIN it does nothing, and the other safety layers remain.
    """
    if not sys.platform.startswith("linux"):
        return "none (not Linux)"
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError as exc:  # pragma: no cover - libc is always there on Linux
        return f"none ({exc})"
    error = 0
    for flags, label in (
        (_CLONE_NEWUSER | _CLONE_NEWNET, "user+network namespace"),
        (_CLONE_NEWNET, "network namespace"),
    ):
        if libc.unshare(flags) == 0:
            return label
        error = ctypes.get_errno()
    return f"none ({os.strerror(error)})"


def _allowed_roots(extra: list[Path]) -> tuple[str, ...]:
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, str(_PACKAGE_ROOT)}
    try:
        roots.update(site.getsitepackages())
    except AttributeError:  # pragma: no cover - virtualenv oddities
        pass
    roots.update(p for p in sys.path if p and os.path.isdir(p))
    roots.update(str(p) for p in extra)
    return tuple(sorted(os.path.realpath(r) for r in roots))


def install_audit_hook(extra_roots: list[Path]) -> None:
    """Refuse network, subprocesses and file opens outside Python's own directories."""
    roots = _allowed_roots(extra_roots)

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event in _BLOCKED_EVENTS:
            raise PermissionError(f"{event} is not allowed in a query worker")
        if event == "open" and args:
            path = args[0]
            if isinstance(path, int) or path is None:
                return
            real = os.path.realpath(os.fsdecode(path))
            if not any(real == root or real.startswith(root + os.sep) for root in roots):
                raise PermissionError(f"reading {real} is not allowed in a query worker")

    sys.addaudithook(hook)


def _reply(engine: Engine, request: Any) -> tuple[Any, ...]:
    if not isinstance(request, QueryRequest):
        return ("failed", "malformed request to the query worker")
    try:
        return ("ok", engine.evaluate(request))
    except QuerySyntaxError as exc:
        return ("syntax", str(exc), exc.position)
    except QueryRefused as exc:
        return ("refused", str(exc))
    except QueryFailed as exc:
        return ("failed", str(exc))
    except MemoryError:
        return ("failed", "the query needed more memory than the server has")
    except Exception:
        traceback.print_exc(file=sys.stderr)
        return ("failed", "the query could not be evaluated (an internal error was logged)")


def _preload(engine: str) -> None:
    """Import the engine's modules (and pyoxigraph or rdflib) ahead of the dataset."""
    module = _ENGINE_MODULES.get(engine)
    if module is not None:
        importlib.import_module(module)


def serve_worker(
    conn: Connection, spec: EngineSpec | None = None, *, engine: str = "", isolate: bool = True
) -> int:
    """The worker's life: isolate, load, say ready, answer requests until EOF.

    Without ``spec`` the worker was started before the dataset was known: it imports its
    engine (``engine``), then waits for the spec on ``conn``.
    """
    isolation = isolate_network() if isolate else "off"
    if spec is None:
        with contextlib.suppress(Exception):  # make_engine reports it, with context
            _preload(engine)
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return 0
        if not isinstance(message, str):
            return 0
        spec = EngineSpec.from_json(message)
    try:
        evaluator = make_engine(spec)
    except Exception as exc:
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return 1
    install_audit_hook(spec.readable())
    conn.send(("ready", isolation))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return 0
        if request is None:
            return 0
        conn.send(_reply(evaluator, request))


def main(argv: list[str] | None = None) -> int:
    """Entry point of a worker process (started by :class:`WorkerPool`)."""
    parser = argparse.ArgumentParser(prog="r2p-graph query worker")
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--engine", default="")
    parser.add_argument("--isolate", type=int, default=1)
    parser.add_argument("--spec", help="the EngineSpec as JSON (else read from --fd)")
    args = parser.parse_args(argv)
    conn = Connection(args.fd)
    spec = EngineSpec.from_json(args.spec) if args.spec else None
    try:
        return serve_worker(
            conn,
            spec,
            engine=spec.engine if spec else args.engine,
            isolate=spec.isolate if spec else bool(args.isolate),
        )
    except KeyboardInterrupt:
        return 0
    finally:
        conn.close()


# --------------------------------------------------------------------------- parent side


def child_path() -> str:
    """PYTHONPATH for a child started with ``-S``: this package's root, then this
    process's own path (site-packages included), so the child skips ``site`` and the
    ``.pth`` files it would run (~40 ms of every start) yet imports the same modules."""
    entries = [str(_PACKAGE_ROOT), *(p for p in sys.path if p and os.path.isdir(p))]
    return os.pathsep.join(dict.fromkeys(entries))


def _unwrap(reply: Any) -> QueryResult:
    kind = reply[0] if isinstance(reply, tuple) and reply else None
    if kind == "ok" and isinstance(reply[1], QueryResult):
        return reply[1]
    if kind == "syntax":
        position = tuple(reply[2]) if reply[2] else None
        raise QuerySyntaxError(str(reply[1]), position)
    if kind == "refused":
        raise QueryRefused(str(reply[1]))
    if kind == "failed":
        raise QueryFailed(str(reply[1]))
    raise StoreUnavailable("the query worker sent an unexpected answer")


def timeout_message(timeout: float) -> str:
    return (
        f"The query did not finish within its deadline of {timeout:g} s and was cancelled. "
        "Simplify it, add a LIMIT, or ask for a smaller part of the data."
    )


class _Worker:
    """One worker subprocess and the parent's end of its socket pair."""

    def __init__(self, engine: str, isolate: bool) -> None:
        parent_sock, child_sock = socket.socketpair()
        env = dict(os.environ)
        env["PYTHONPATH"] = child_path()
        code = "import sys; from r2p_graph.store.workers import main; sys.exit(main())"
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
                env=env,
                close_fds=True,
            )
        finally:
            child_sock.close()
        self.conn = Connection(parent_sock.detach())
        self.isolation = "unknown"
        self._lock = threading.Lock()
        self._killed = False

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
                self.proc.kill()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL does not hang
                pass
            self.conn.close()


class WorkerPool:
    """A fixed number of query workers; each query borrows one until it answers.

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
    ) -> None:
        if size < 1:
            raise ValueError("a worker pool needs at least one worker")
        self.spec = spec
        self.engine = spec.engine if spec is not None else engine
        self.isolate = spec.isolate if spec is not None else isolate
        self._early: list[_Worker] = []
        self.size = size
        self.start_timeout = start_timeout
        self.isolation = "unknown"
        self.last_error: str | None = None
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._workers: set[_Worker] = set()
        self._closed = False
        self.timeouts = 0
        self.restarts = 0

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
        """Evaluate ``request`` in a worker; ``deadline`` is a ``time.monotonic()`` value."""
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
                self._discard(worker)
                self._replace_later()
                continue
            try:
                worker.conn.send(request)
            except OSError:
                self._discard(worker)
                self._replace_later()
                continue
            return self._collect(worker, request, deadline)

    def _collect(self, worker: _Worker, request: QueryRequest, deadline: float) -> QueryResult:
        try:
            answered = worker.conn.poll(max(0.0, deadline - time.monotonic()))
            reply = worker.conn.recv() if answered else None
        except (EOFError, OSError):
            self._discard(worker)
            self._replace_later()
            raise StoreUnavailable(
                "The query worker stopped while evaluating this query (it may have run out "
                "of memory); it is being restarted."
            ) from None
        if not answered:
            self.timeouts += 1
            self._discard(worker)
            self._replace_later()
            raise QueryTimeout(timeout_message(request.timeout))
        self._idle.put(worker)
        return _unwrap(reply)


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
                raise QueryFailed("the query needed more memory than the server has") from None

    def close(self) -> None:
        self._engine = None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
