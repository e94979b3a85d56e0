"""What runs inside a query worker process: its engine, built from an :class:`EngineSpec`,
and :func:`serve_worker`, its life (walls up, load, answer requests until EOF).

The parent side (starting, borrowing and killing workers) is :mod:`r2p_graph.store.workers`.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import sys
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
    QueryTooComplex,
)
from r2p_graph.store.results import Send
from r2p_graph.store.sandbox import (
    install_audit_hook,
    isolate_network,
    limit_memory,
    raise_stack_limit,
)

if TYPE_CHECKING:
    from r2p_graph.store.loading import DatasetSnapshot

ENGINES = ("oxigraph", "rdflib")
_ENGINE_MODULES = {
    "oxigraph": "r2p_graph.store.oxigraph",
    "rdflib": "r2p_graph.store.rdflib_engine",
}


class Engine(Protocol):
    """What a worker needs from an engine: evaluate one request."""

    def evaluate(self, request: QueryRequest, send: Send | None = None) -> QueryResult:
        """The answer; with ``send``, a long graph answer may stream through it instead
        (``("head", ...)`` and ``("chunk", ...)`` messages, then the result, body empty)."""
        ...


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
    #: Memory one worker may add to what it holds once loaded, in MiB (0: no limit); the
    #: worker sets its own ``RLIMIT_DATA`` to its loaded size plus this.
    query_memory_mb: int = 0

    @classmethod
    def for_snapshot(
        cls,
        engine: str,
        snapshot: DatasetSnapshot,
        *,
        union_default_graph: bool,
        isolate: bool,
        in_memory: bool = False,
        query_memory_mb: int = 0,
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
            query_memory_mb=query_memory_mb,
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
                "query_memory_mb": self.query_memory_mb,
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
            query_memory_mb=int(data.get("query_memory_mb") or 0),
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


def _reply(engine: Engine, request: Any, send: Send) -> tuple[Any, ...]:
    """The last message answering ``request``: ``("ok", result)`` for a whole answer,
    ``("end", triples, truncated)`` after a streamed one, or an error (which may also
    end a stream: the serving process then announces the answer as cut)."""
    if not isinstance(request, QueryRequest):
        return ("failed", "malformed request to the query worker")
    streamed = False

    def relay(message: tuple[Any, ...]) -> None:
        nonlocal streamed
        streamed = True
        send(message)

    try:
        result = engine.evaluate(request, relay if request.stream_after > 0 else None)
        if streamed:
            return ("end", result.size, result.truncated)
        return ("ok", result)
    except QuerySyntaxError as exc:
        return ("syntax", str(exc), exc.position)
    except QueryTooComplex as exc:
        return ("complex", str(exc))
    except QueryRefused as exc:
        return ("refused", str(exc))
    except QueryFailed as exc:
        return ("failed", str(exc))
    except MemoryError:
        return ("memory", "")
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
    stack = raise_stack_limit()
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
    memory = limit_memory(spec.query_memory_mb)
    install_audit_hook(spec.readable())
    conn.send(("ready", isolation, f"stack {stack}, memory {memory}"))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return 0
        if request is None:
            return 0
        conn.send(_reply(evaluator, request, conn.send))


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



if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
