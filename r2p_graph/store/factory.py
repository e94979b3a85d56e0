"""Pick and open a store from the configuration: :func:`open_store`.

:class:`LocalStore` is the one :class:`~r2p_graph.store.Store` implementation: a dataset
snapshot (an N-Quads file, made once into a served folder with an on-disk Oxigraph store,
see :mod:`r2p_graph.store.ondisk`) evaluated by the configured engine in worker
processes. It loads in the background when asked to, so a server can answer ``/health``
at once and ``/ready`` once the data is in.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from r2p_graph import vocab
from r2p_graph.config import Settings
from r2p_graph.store import (
    QueryRequest,
    QueryResult,
    Store,
    StoreStats,
    StoreUnavailable,
    formats,
    refuse,
)
from r2p_graph.store.loading import DatasetLoadError, DatasetSnapshot, GraphSource, sources_from
from r2p_graph.store.ondisk import for_build, for_files
from r2p_graph.store.workers import ENGINES, EngineSpec, InlineExecutor, WorkerPool

log = logging.getLogger("r2p_graph.store")

Loader = Callable[[Path], DatasetSnapshot]
_CHUNK = 1 << 16


class LocalStore:
    """A read-only dataset, evaluated by worker processes that can be killed at a deadline."""

    def __init__(self, settings: Settings, loader: Loader, *, description: str = "") -> None:
        if settings.engine not in ENGINES:
            raise ValueError(
                f"unknown engine {settings.engine!r} (R2P_ENGINE must be one of "
                f"{', '.join(ENGINES)})"
            )
        if settings.worker_store not in ("disk", "memory"):
            raise ValueError(
                f"unknown worker store {settings.worker_store!r} (R2P_WORKER_STORE must be "
                "disk or memory)"
            )
        self.settings = settings
        self.description = description
        self._loader = loader
        self._workdir = Path(tempfile.mkdtemp(prefix="r2p-store-"))
        self._snapshot: DatasetSnapshot | None = None
        self._executor: WorkerPool | InlineExecutor | None = None
        #: Worker processes started before the dataset is known (see :meth:`start`).
        self._pool: WorkerPool | None = None
        self._loaded = threading.Event()
        self._lock = threading.Lock()
        self._closed = False
        self.load_error: str | None = None
        #: The exception that stopped the load, for callers that report it themselves.
        self.load_exception: Exception | None = None
        self.load_seconds: float | None = None

    # -- life cycle

    def start(self, *, wait: bool = True) -> LocalStore:
        """Load the dataset and start the workers, now or in a background thread.

        The worker processes start first: their interpreter and engine import while this
        process finds the dataset (a cached build: mostly imports too)."""
        if self.settings.query_workers > 0:
            self._pool = WorkerPool(
                None,
                self.settings.query_workers,
                engine=self.settings.engine,
                isolate=self.settings.worker_isolation,
                heavy=self.settings.heavy_lane,
                heavy_per_client=self.settings.heavy_per_client,
                budget=self.settings.fast_lane_budget,
            )
            self._pool.launch_early()
        if wait:
            self._open()
        else:
            threading.Thread(target=self._open_logged, name="r2p-store-load", daemon=True).start()
        return self

    def _open_logged(self) -> None:
        try:
            self._open()
        except (DatasetLoadError, StoreUnavailable) as exc:
            log.error("the dataset could not be loaded: %s", exc)  # the data's fault
        except Exception:
            log.exception("the dataset could not be loaded")

    def _open(self) -> None:
        started = time.monotonic()
        try:
            snapshot = self._loader(self._workdir)
            spec = EngineSpec.for_snapshot(
                self.settings.engine,
                snapshot,
                union_default_graph=self.settings.union_default_graph,
                isolate=self.settings.worker_isolation,
                in_memory=self.settings.worker_store == "memory",
                query_memory_mb=self.settings.query_memory_mb,
            )
            executor: WorkerPool | InlineExecutor
            if self._pool is not None:
                executor = self._pool
                executor.start(spec)
            else:
                executor = InlineExecutor(spec)
                executor.start()
        except Exception as exc:
            if self._pool is not None:
                self._pool.close()
            self.load_error = f"{type(exc).__name__}: {exc}"
            self.load_exception = exc
            self._loaded.set()
            raise
        with self._lock:
            if self._closed:
                executor.close()
                return
            self._snapshot, self._executor = snapshot, executor
        self.load_seconds = time.monotonic() - started
        log.info(
            "dataset ready: %d quads in %d named graphs, engine %s, %s worker(s) + %s for "
            "the heavy lane, isolation: %s, limits per worker: %s, %.2f s",
            snapshot.triples,
            len(snapshot.graphs),
            self.settings.engine,
            self.settings.query_workers,
            self.settings.heavy_lane if self._pool is not None else 0,
            executor.isolation,
            getattr(executor, "limits", "") or "none",
            self.load_seconds,
        )
        self._loaded.set()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Block until loaded (or failed); True when queries can be answered."""
        self._loaded.wait(timeout)
        return self.ready()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.close()
        if self._pool is not None:
            self._pool.close()
        shutil.rmtree(self._workdir, ignore_errors=True)

    # -- Store protocol

    def query(self, request: QueryRequest) -> QueryResult:
        deadline = time.monotonic() + request.timeout
        refuse.check_query(request.text, request.max_depth, request.max_operators)
        if not self._loaded.wait(max(0.0, deadline - time.monotonic())):
            raise StoreUnavailable("The dataset is still loading; try again in a moment.")
        executor = self._executor
        if executor is None:
            raise StoreUnavailable(
                "The dataset is not available"
                + (" (it failed to load; see the server log)." if self.load_error else ".")
            )
        return executor.run(request, deadline)

    @property
    def snapshot(self) -> DatasetSnapshot | None:
        """The dataset being served (None until loaded)."""
        return self._snapshot

    def graph_names(self) -> list[str]:
        return list(self._snapshot.graphs) if self._snapshot else []

    def stats(self) -> StoreStats:
        snapshot = self._snapshot
        if snapshot is None:
            return StoreStats(triples=0)
        return StoreStats(
            triples=snapshot.triples,
            graphs=dict(snapshot.graphs),
            default_graph_triples=snapshot.default_graph_triples,
        )

    def ready(self) -> bool:
        executor = self._executor
        return executor is not None and executor.ready()

    @property
    def union_default_graph(self) -> bool:
        return self.settings.union_default_graph

    @property
    def isolation(self) -> str:
        executor = self._executor
        return executor.isolation if executor is not None else "unknown"

    def dump(self, media_type: str) -> Iterator[bytes]:
        snapshot = self._snapshot
        if snapshot is None:
            raise StoreUnavailable("The dataset is not loaded yet.")
        if media_type == formats.N_QUADS:
            path = snapshot.path
        elif media_type == formats.TRIG:
            path = self._trig(snapshot)
        else:
            raise ValueError(f"no dataset dump as {media_type}")
        return _chunks(path)

    def _trig(self, snapshot: DatasetSnapshot) -> Path:
        target = snapshot.path.with_suffix(".trig")
        with self._lock:
            if not target.exists():
                import pyoxigraph as ox  # start-up: the serving process parses only for a TriG dump

                # Served folders are shared between servers: a private partial file.
                fd, partial = tempfile.mkstemp(
                    prefix=f".{target.name}.", suffix=".part", dir=target.parent
                )
                os.close(fd)
                try:
                    quads = ox.parse(path=str(snapshot.path), format=ox.RdfFormat.N_QUADS)
                    prefixes = dict(vocab.CORE_PREFIXES)
                    ox.serialize(quads, partial, format=ox.RdfFormat.TRIG, prefixes=prefixes)
                    os.replace(partial, target)
                except BaseException:
                    Path(partial).unlink(missing_ok=True)
                    raise
        return target


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            yield chunk


def open_store(
    settings: Settings | None = None,
    files: Sequence[str | os.PathLike[str] | GraphSource] | None = None,
    *,
    wait: bool = True,
    snapshot: Callable[[], Path] | None = None,
) -> Store:
    """Open the store the configuration asks for.

    ``files`` are RDF files to serve (``FILE`` or ``FILE=GRAPH_IRI``; see
    :mod:`r2p_graph.store.loading`). Without files, ``snapshot`` is called (in the loading
    thread) for the N-Quads file of a build to serve: the project's own dataset is
    ``snapshot=lambda: r2p_graph.pipeline.build.ensure_build(settings)``, passed by the
    CLI or the app factory; the store never builds.
    With ``Settings.store_url`` set (and no files), queries go to that SPARQL store
    instead (:class:`~r2p_graph.store.remote.RemoteStore`).
    With ``wait=False`` loading happens in the background (``ready()`` turns true when
    done); file names are still checked at once. Raises
    :class:`~r2p_graph.store.loading.DatasetLoadError` for missing or unparsable files.
    """
    settings = settings or Settings.from_env()
    if settings.store_url and not files:
        # start-up: requests, only for a remote store
        from r2p_graph.store.remote import RemoteStore

        return RemoteStore(
            settings.store_url,
            base_iri=settings.base_iri,
            connect_timeout=settings.store_connect_timeout,
        )
    if files:
        sources = sources_from(files)
        description = ", ".join(str(s.path) for s in sources)

        def loader(out_dir: Path) -> DatasetSnapshot:
            return for_files(sources, settings.cache_dir)

        store = LocalStore(settings, loader, description=description)
    else:
        if snapshot is None:
            raise ValueError("nothing to serve: give files, a snapshot, or a store URL")
        build = snapshot

        def loader(out_dir: Path) -> DatasetSnapshot:
            return for_build(build())

        store = LocalStore(settings, loader, description="the r2p dataset")
    return store.start(wait=wait)
