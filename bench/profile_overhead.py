"""Where does a request to r2p-graph spend its time, compared to Oxigraph's own server?

    .venv/bin/python bench/profile_overhead.py [SIZE] [--only NAME,...] [--no-http]

Uses the cached build of ``bench/out/<SIZE>/cache`` (``bench/run.py`` makes it) and times
each SELECT/ASK query of the mix, median of repeated runs, layer by layer:

1. ``native``: pyoxigraph evaluates (union default graph) and serializes JSON itself, in
   memory; ``on-disk``: the same on the served folder's on-disk store, opened read-only
   (what the workers use with ``R2P_WORKER_STORE=disk``, the default);
2. ``engine``: our store with the engine in this process (``query_workers = 0``): the
   safety check, the engine's evaluation and serialization;
3. ``pool``: the same through a :class:`~r2p_graph.store.workers.WorkerPool` (request and
   answer through a socket pair to a worker process);
4. ``app``: the Flask app through its WSGI test client (routing, negotiation, headers);
5. ``http``: ``r2p-graph serve FILE`` in its own process (waitress, access log on, as the
   benchmark runs it), over one keep-alive HTTP connection;
6. ``oxigraph``: ``oxigraph serve-read-only --union-default-graph`` on
   ``bench/out/<SIZE>/oxigraph-db`` (made by ``bench/run.py``), the same way.

``R2P_WORKER_STORE=memory`` in the environment measures the other worker store. Then
cProfiles the app layer for the query whose app/native ratio is worst. Prints a table.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

from queries import query_mix  # noqa: E402
from run import PEERS, Client, Server, free_port, spawn, stop, wait_ready  # noqa: E402

from r2p_graph.config import Settings  # noqa: E402
from r2p_graph.store import QueryRequest  # noqa: E402
from r2p_graph.store.factory import open_store  # noqa: E402

JSON = "application/sparql-results+json"
LAYERS = ("native", "on-disk", "engine", "pool", "app", "http", "oxigraph")


def median_ms(fn: Callable[[], object], seconds: float = 0.6, most: int = 200) -> float:
    fn()
    samples: list[float] = []
    end = time.perf_counter() + seconds
    while len(samples) < 5 or (time.perf_counter() < end and len(samples) < most):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples) * 1000


def start_ours(nq: Path, log: Path) -> Server:
    port = free_port()
    env = dict(
        os.environ,
        R2P_HOST="127.0.0.1",
        R2P_PORT=str(port),
        R2P_MAX_ROWS="100000000",
        R2P_QUERY_TIMEOUT="120",
        R2P_ACCESS_LOG="1",
    )
    started = time.perf_counter()
    with log.open("ab") as err:
        proc = spawn(
            [str(ROOT / ".venv" / "bin" / "r2p-graph"), "serve", str(nq)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    server = Server("r2p-graph", f"http://127.0.0.1:{port}/sparql", proc)
    wait_ready(server, started, started + 900)
    return server


def start_oxigraph(location: Path, log: Path) -> Server | None:
    binary = PEERS / "bin" / "oxigraph"
    if not binary.exists() or not location.is_dir():
        return None
    port = free_port()
    started = time.perf_counter()
    with log.open("ab") as err:
        proc = spawn(
            [
                str(binary),
                "serve-read-only",
                "--location",
                str(location),
                "--bind",
                f"127.0.0.1:{port}",
                "--union-default-graph",
            ],
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    server = Server("oxigraph", f"http://127.0.0.1:{port}/query", proc)
    wait_ready(server, started, started + 300)
    return server


def is_graph_query(text: str) -> bool:
    return "DESCRIBE" in text or "CONSTRUCT" in text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", nargs="?", default="real")
    parser.add_argument("--only", help="comma-separated query names")
    parser.add_argument("--no-http", action="store_true", help="skip the two HTTP layers")
    args = parser.parse_args(argv)
    size = args.size
    nq = max(
        (BENCH / "out" / size / "cache").glob("dataset-*.nq"), key=lambda p: p.stat().st_mtime
    )
    native_store = ox.Store()
    native_store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    from r2p_graph.web.app import create_app

    settings = Settings.from_env(access_log=False, max_rows=10**8, worker_isolation=False)
    inline = open_store(settings.replace(query_workers=0), [str(nq)])
    pooled = open_store(settings.replace(query_workers=1), [str(nq)])
    served = inline.snapshot  # type: ignore[attr-defined]
    assert served is not None and served.store is not None
    disk_store = ox.Store.read_only(str(served.store))
    print(f"worker store: {settings.worker_store}", flush=True)
    client = create_app(settings, store=pooled).test_client()
    log = BENCH / "out" / "logs" / "profile_overhead.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    servers: dict[str, Server | None] = {}
    if not args.no_http:
        servers["http"] = start_ours(nq, log)
        servers["oxigraph"] = start_oxigraph(BENCH / "out" / size / "oxigraph-db", log)
    clients = {name: Client(s.url, timeout=120) for name, s in servers.items() if s}
    wanted = set(args.only.split(",")) if args.only else None

    rows = []
    worst: tuple[float, str] = (0.0, "")
    try:
        for q in query_mix():
            if is_graph_query(q.text) or (wanted and q.name not in wanted):
                continue
            request = QueryRequest(text=q.text, media_type=JSON, timeout=120, max_rows=10**8)

            def native(text: str = q.text, store: ox.Store = native_store) -> None:
                result = store.query(text, use_default_graph_as_union=True)
                result.serialize(format=ox.QueryResultsFormat.JSON)  # type: ignore[union-attr]

            def app(text: str = q.text) -> None:
                response = client.get(
                    "/sparql", query_string={"query": text}, headers={"Accept": JSON}
                )
                assert response.status_code == 200, response.data[:200]

            times = {
                "native": median_ms(native),
                "on-disk": median_ms(lambda t=q.text: native(t, disk_store)),
                "engine": median_ms(lambda r=request: inline.query(r)),
                "pool": median_ms(lambda r=request: pooled.query(r)),
                "app": median_ms(app),
            }
            for name, http in clients.items():

                def over_http(text: str = q.text, c: Client = http) -> None:
                    status, _ = c.query(text, JSON)
                    assert status == 200, status

                times[name] = median_ms(over_http)
            rows.append((q.name, times))
            if times["app"] / times["native"] > worst[0]:
                worst = (times["app"] / times["native"], q.name)
    finally:
        for http in clients.values():
            http.close()
        for server in servers.values():
            if server is not None:
                stop(server.proc)

    shown = [layer for layer in LAYERS if any(layer in t for _, t in rows)]
    print(f"size {size}: median ms per layer (each includes the ones before it)")
    print(f"{'query':30} " + " ".join(f"{layer:>8}" for layer in shown) + "  http/oxigraph")
    for name, t in rows:
        ratio = t["http"] / t["oxigraph"] if "http" in t and "oxigraph" in t else float("nan")
        print(
            f"{name:30} "
            + " ".join(f"{t[layer]:8.2f}" if layer in t else f"{'':8}" for layer in shown)
            + f"  {ratio:6.2f}"
        )
    name = worst[1]
    text = next(q.text for q in query_mix() if q.name == name)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(200):
        client.get("/sparql", query_string={"query": text}, headers={"Accept": JSON})
    profiler.disable()
    print(f"\ncProfile of 200 app requests for {name} (serving process only), by own time:")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("tottime").print_stats(14)
    inline.close()
    pooled.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
