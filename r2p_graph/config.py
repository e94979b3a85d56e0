"""One configuration object for every part of r2p-graph.

Defaults live here; any field can be overridden by an environment variable named
``R2P_<FIELD>`` (upper case), e.g. ``R2P_QUERY_TIMEOUT=5``. Nothing reads the
environment at import time: call :meth:`Settings.from_env` where a process starts.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .vocab import DEFAULT_BASE

PACKAGE_DIR = Path(__file__).resolve().parent
#: The folder holding the package: a checkout's root for a source tree or an editable install.
PROJECT_ROOT = PACKAGE_DIR.parent
#: Where a wheel keeps the ontology and the dataset it was built with (the top-level
#: ``ontology/`` and ``data/`` folders, mapped into the package by pyproject.toml).
BUNDLED_DIR = PACKAGE_DIR / "bundled"


def is_checkout(folder: Path) -> bool:
    """True when ``folder`` is the root of an r2p-graph source tree (its own ``data/``,
    ``ontology/r2p.ttl`` and ``pyproject.toml``)."""
    return (
        (folder / "ontology" / "r2p.ttl").is_file()
        and (folder / "data").is_dir()
        and (folder / "pyproject.toml").is_file()
    )


def default_root() -> tuple[Path, str]:
    """The folder whose ``data/`` and ``ontology/`` are used when none is given, and why.

    In order: the working folder when it is a checkout; the data bundled in an installed
    wheel; the checkout the package runs from (a source tree or an editable install).
    """
    cwd = Path.cwd()
    if is_checkout(cwd):
        return cwd, "the checkout in the working folder"
    if (BUNDLED_DIR / "ontology" / "r2p.ttl").is_file():
        return BUNDLED_DIR, "the dataset bundled with the package"
    return PROJECT_ROOT, "the checkout the package runs from"


def _default_data_dir() -> Path:
    return default_root()[0] / "data"


def _default_ontology_dir() -> Path:
    return default_root()[0] / "ontology"


def _default_cache_dir() -> Path:
    root, _ = default_root()
    if root != BUNDLED_DIR:
        return root / ".cache" / "build"
    # An installed package never writes into site-packages: the user's cache folder.
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "r2p-graph" / "build"


@dataclass(frozen=True)
class Settings:
    """Everything an r2p-graph process can be told, with safe defaults."""

    #: Public base under which every r2p IRI is minted.
    base_iri: str = DEFAULT_BASE
    #: Folder of the curated data (Turtle/TriG files).
    data_dir: Path = field(default_factory=_default_data_dir)
    #: Folder holding ``r2p.ttl`` (the ontology) and the SHACL shapes.
    ontology_dir: Path = field(default_factory=_default_ontology_dir)
    #: Where validated + inferred builds are cached, keyed by a hash of their inputs.
    cache_dir: Path = field(default_factory=_default_cache_dir)

    #: Interface and port for ``r2p-graph serve`` / ``python server.py``.
    host: str = "127.0.0.1"
    port: int = 8000
    #: The HTTP server (waitress, polling with poll(), not select()): threads that run
    #: the app; connections held at once (beyond, new ones wait in the listen backlog);
    #: seconds a connection may stay idle; seconds a client has to send a whole request
    #: (line, headers and body) once it has started, however slowly it trickles.
    http_threads: int = 8
    connection_limit: int = 4_000
    channel_timeout: float = 60.0
    request_read_timeout: float = 30.0
    #: URL at which clients reach the server, if it differs from the request's own
    #: (behind a proxy). Used for ``sd:endpoint`` and dereferenceable IRIs.
    public_url: str = ""
    #: Without ``public_url``, links on pages, the service description and the query
    #: UI's endpoint are built from the request's Host header; only these host names
    #: (comma-separated, without port; ``*`` for any) are accepted, any other Host is
    #: answered 400. With ``public_url`` set, the Host header is never used for links.
    allowed_hosts: str = "localhost,127.0.0.1,::1"

    #: Query engine: ``oxigraph`` (default) or ``rdflib``.
    engine: str = "oxigraph"
    #: Build reasoner: ``oxigraph`` (the OWL 2 RL rules we use, as SPARQL) or ``owlrl`` (slow).
    reasoner: str = "oxigraph"
    #: Processes that validate a build in parallel, each a share of the focus nodes:
    #: 0 picks one per core (at most 4) for data over ``parallel_validation_quads``.
    validation_workers: int = 0
    #: Size (ontology + data quads) from which validation is split across processes;
    #: below it one process is faster than starting others.
    parallel_validation_quads: int = 200_000
    #: Deadline for one query, in seconds; a client may ask for less, never more.
    query_timeout: float = 10.0
    #: Most rows a SELECT returns; the rest are cut and the response says so.
    max_rows: int = 10_000
    #: Largest CONSTRUCT / DESCRIBE answer, in bytes (counted as N-Triples): the triples
    #: past it are cut, and the response says so (X-R2P-Results-Truncated: max_bytes=N).
    #: The whole dataset is at /download. 0: no cap.
    max_answer_bytes: int = 16_000_000
    #: CONSTRUCT / DESCRIBE answers longer than this (bytes) stream: the first bytes go
    #: out while the worker still writes the rest (chunked, no Content-Length, header
    #: ``X-R2P-Streamed: notice-in-body``). Their headers cannot say how they end, so a
    #: cut (the byte cap, the deadline, the fast lane's budget with the heavy lane full)
    #: is announced at the end of the body: ``# truncated: max_bytes=N`` (N-Triples,
    #: Turtle), ``<!-- truncated: ... -->`` (RDF/XML), a last ``{"@truncated": ...}``
    #: (JSON-LD). Shorter answers go whole, with exact headers. A stream counts as a
    #: running query: past ``fast_lane_budget`` it takes a heavy-lane place (or is cut),
    #: and the deadline kills it. 0: never stream.
    stream_after_bytes: int = 262_144
    #: Largest request body accepted, in bytes (413 above it).
    max_body_bytes: int = 1_000_000
    #: Longest query text accepted, in characters (414 for GET, 413 for POST above it).
    max_query_chars: int = 100_000
    #: Worker processes kept for queries within the fast lane's budget (each can be
    #: killed at its deadline); ``heavy_lane`` more run the long ones.
    query_workers: int = 2
    #: Seconds a query may run in the fast lane; one that is not done by then moves to
    #: the heavy lane if it has room, else is stopped and answered 503 with Retry-After
    #: (see r2p_graph/store/lanes.py).
    fast_lane_budget: float = 0.5
    #: Queries that may run past the fast lane's budget at once (each in a worker of its
    #: own, started on top of ``query_workers``); 0 turns the lanes off (every query may
    #: run to its deadline, on any worker).
    heavy_lane: int = 1
    #: Places in the heavy lane one client (by address) may hold at once; 0: no limit.
    heavy_per_client: int = 1
    #: Memory one query may use, in MiB, on top of what its worker holds once loaded
    #: (the worker's RLIMIT_DATA); a query that needs more is stopped with a 400 that
    #: says so. 0: no limit.
    query_memory_mb: int = 384
    #: Deepest nesting of braces, parentheses and brackets in a query, and most operators
    #: (UNION, OPTIONAL, arithmetic, path operators, ...) it may chain: beyond, 400
    #: before evaluation (the engine's recursion would overflow a worker's stack).
    max_query_depth: int = 100
    max_query_operators: int = 5_000
    #: Where the Oxigraph workers read the data: ``disk``, the served folder's on-disk
    #: store opened read-only by every worker (small memory, start-up in a second, shared
    #: page cache), or ``memory``, a copy of the dataset in each worker (heavy queries
    #: 2-10x faster; ~0.5 GB per worker per million triples, ~10 s to load them).
    worker_store: str = "disk"
    #: Send CORS headers (``Access-Control-Allow-Origin: *``) on every response.
    cors: bool = True
    #: Log one JSON line per request to stderr.
    access_log: bool = True
    #: A query that names no dataset (no FROM, no default-graph-uri / named-graph-uri)
    #: sees the merge of every graph as its default graph; off: only the stored default
    #: graph (triples loaded without a graph name).
    union_default_graph: bool = True
    #: Start query workers without network access (a Linux network namespace) when the
    #: OS allows it; a second wall behind the refusal of SERVICE.
    worker_isolation: bool = True

    #: When the data no longer builds, ``serve`` serves the last good build with a loud
    #: warning (log, /health, every page); strict: it refuses to start instead
    #: (``r2p-graph serve --strict``).
    strict_build: bool = False

    #: Serve from a SPARQL 1.1 store at this query URL instead of the embedded engine
    #: (``r2p-graph serve --store URL``); the data must have been published there with
    #: ``r2p-graph publish``.
    store_url: str = ""
    #: Seconds to wait for a connection to that store before answering 503.
    store_connect_timeout: float = 3.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from defaults, then ``R2P_*`` variables, then explicit overrides."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            raw = env.get(f"R2P_{f.name.upper()}")
            if raw is not None:
                values[f.name] = _coerce(f.name, f.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def to_env(self) -> dict[str, str]:
        """These settings as ``R2P_*`` variables, which :meth:`from_env` reads back: what a
        child process needs to see exactly what this one does."""
        return {
            f"R2P_{f.name.upper()}": str(getattr(self, f.name)) for f in dataclasses.fields(self)
        }

    def replace(self, **changes: Any) -> Settings:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)

    def data_origin(self) -> str:
        """Which data folder is in use and why, for ``--version`` and the log."""
        root, why = default_root()
        if self.data_dir.resolve() == (root / "data").resolve():
            return f"{self.data_dir} ({why})"
        return f"{self.data_dir} (given by --data or R2P_DATA_DIR)"

    @property
    def ontology_file(self) -> Path:
        """The OWL ontology in Turtle."""
        return self.ontology_dir / "r2p.ttl"

    @property
    def shapes_dir(self) -> Path:
        """Folder of SHACL shapes files (``*.ttl``), one file per area."""
        return self.ontology_dir / "shapes"


def _coerce(name: str, type_name: Any, raw: str) -> Any:
    """Turn an environment string into the field's type, with a readable error."""
    kind = str(type_name)
    try:
        if kind in ("bool", "<class 'bool'>"):
            if raw.strip().lower() in ("1", "true", "yes", "on"):
                return True
            if raw.strip().lower() in ("0", "false", "no", "off", ""):
                return False
            raise ValueError(raw)
        if kind in ("int", "<class 'int'>"):
            return int(raw)
        if kind in ("float", "<class 'float'>"):
            return float(raw)
        if kind in ("Path", "<class 'pathlib.Path'>"):
            return Path(raw)
    except ValueError as exc:
        raise ValueError(f"R2P_{name.upper()}={raw!r} is not a valid {kind}") from exc
    return raw
