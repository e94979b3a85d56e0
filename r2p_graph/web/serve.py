"""Serve the endpoint with waitress: :func:`run_serve` (used by ``r2p-graph serve``).

``python -m r2p_graph.web.serve [FILE[=GRAPH_IRI] ...]`` does the same from a shell.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from r2p_graph.config import Settings
from r2p_graph.pipeline.build import ServedBuild
from r2p_graph.store import StoreUnavailable
from r2p_graph.store.factory import LocalStore, open_store
from r2p_graph.store.loading import DatasetLoadError, GraphSource

log = logging.getLogger("r2p_graph.serve")


def run_serve(
    settings: Settings,
    files: Sequence[str | os.PathLike[str] | GraphSource],
    *,
    threads: int | None = None,
) -> int:
    """Load ``files`` (or, if none, the project's dataset) and serve them until stopped.

    ``files`` are RDF files, chosen by extension (.ttl .nt .nq .trig .n3 .jsonld .rdf
    .owl .xml, optionally .gz). Named graphs in TriG / N-Quads are kept; other files go
    into the default graph, or into a named graph when written ``FILE=GRAPH_IRI``. By
    default (``Settings.union_default_graph``) a query without a dataset sees the merge
    of all graphs. Serves on ``settings.host:settings.port`` (port 0 picks a free one)
    with ``threads`` HTTP threads (default ``settings.http_threads``) and the query
    processes of ``settings.query_workers`` and ``settings.heavy_lane``, behind the
    HTTP stack of :mod:`r2p_graph.web.http_server`.

    Returns a process exit status: 0 after a clean stop (Ctrl-C / SIGTERM), 2 when the
    data cannot be loaded.
    """
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if not files and not settings.store_url:
        log.info("data: %s", settings.data_origin())
    try:
        # Loads in the background: the web app imports meanwhile, the workers start.
        build = ServedBuild(settings, strict=settings.strict_build)
        store = open_store(settings, list(files), wait=False, snapshot=build)
    except (DatasetLoadError, StoreUnavailable, ValueError) as exc:
        print(f"r2p-graph serve: {exc}", file=sys.stderr)
        return 2
    try:
        # start-up: imported while the store loads in the background
        from r2p_graph.web.app import create_app
        from r2p_graph.web.http_server import make_server

        app = create_app(settings, store=store, build=None if files else build)
        if isinstance(store, LocalStore) and not store.wait_ready():
            failure = store.load_exception
            if isinstance(failure, ImportError):  # the default dataset needs the pipeline
                message = f"cannot build the default dataset ({failure})"
            elif build.error is not None:
                message = "the data does not build" + (
                    " (--strict: the last good build is not served)"
                    if settings.strict_build
                    else " and there is no earlier good build to serve"
                ) + f":\n{build.error}"
            elif isinstance(failure, (DatasetLoadError, StoreUnavailable, ValueError)):
                message = str(failure)
            else:
                message = store.load_error or "the dataset could not be loaded"
            print(f"r2p-graph serve: {message}", file=sys.stderr)
            return 2
        server = make_server(app, settings if threads is None else settings.replace(
            http_threads=threads))
        host = getattr(server, "effective_host", settings.host)
        port = getattr(server, "effective_port", settings.port)
        backing = (
            f"over the SPARQL store at {settings.store_url}"
            if settings.store_url and not files
            else f"{store.stats().triples} quads, engine {settings.engine}"
        )
        print(
            f"r2p-graph: serving SPARQL at http://{host}:{port}/sparql ({backing})",
            file=sys.stderr,
            flush=True,
        )
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, _interrupt)
        try:
            server.run()
        except KeyboardInterrupt:
            pass
        finally:
            server.close()
    finally:
        store.close()
    return 0


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m r2p_graph.web.serve",
        description="Serve RDF files (or the r2p dataset) as a read-only SPARQL endpoint.",
    )
    parser.add_argument(
        "files",
        nargs="*",
        help="RDF files; FILE=GRAPH_IRI loads a triple file into that named graph",
    )
    parser.add_argument("--host", help="interface to listen on (default from settings)")
    parser.add_argument("--port", type=int, help="port (0 picks a free one)")
    parser.add_argument("--engine", choices=("oxigraph", "rdflib"))
    parser.add_argument("--timeout", type=float, dest="query_timeout", help="query deadline (s)")
    parser.add_argument("--workers", type=int, dest="query_workers", help="query processes")
    parser.add_argument(
        "--strict", action="store_true", help="refuse to start when the data does not build"
    )
    args = parser.parse_args(argv)
    settings = Settings.from_env(
        host=args.host,
        port=args.port,
        engine=args.engine,
        query_timeout=args.query_timeout,
        query_workers=args.query_workers,
        strict_build=True if args.strict else None,
    )
    return run_serve(settings, args.files)


if __name__ == "__main__":
    sys.exit(main())
