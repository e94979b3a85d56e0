"""Where does a request to r2p-graph spend its time, compared to Oxigraph's own server?

    .venv/bin/python bench/profile_overhead.py [SIZE]      # SIZE: a folder of bench/out

Uses the cached build of ``bench/out/<SIZE>/cache`` (``bench/run.py`` makes it) and times
each query of the mix, median of repeated runs, layer by layer:

1. ``native``: pyoxigraph evaluates and serializes JSON itself (what Oxigraph's server does);
2. ``engine``: :class:`r2p_graph.store.oxigraph.OxigraphEngine.evaluate` in-process (the
   safety check, rows converted to Python tuples, JSON written by Python);
3. ``pool``: :class:`r2p_graph.store.workers.WorkerPool` (the same plus the request and the
   answer pickled through a socket pair to a worker process);
4. ``app``: the Flask app through its WSGI test client (routing, negotiation, logging);

then cProfiles the app layer for the slowest-relative query. Prints a table.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

from queries import query_mix  # noqa: E402

from r2p_graph.config import Settings  # noqa: E402
from r2p_graph.store import QueryRequest  # noqa: E402
from r2p_graph.store.oxigraph import OxigraphEngine  # noqa: E402
from r2p_graph.store.workers import EngineSpec, WorkerPool  # noqa: E402

JSON = "application/sparql-results+json"


def median_ms(fn: Callable[[], object], seconds: float = 0.6, most: int = 200) -> float:
    fn()
    samples: list[float] = []
    end = time.perf_counter() + seconds
    while len(samples) < 5 or (time.perf_counter() < end and len(samples) < most):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples) * 1000


def main(size: str = "real") -> int:
    nq = sorted((BENCH / "out" / size / "cache").glob("dataset-*.nq"))[-1]
    engine = OxigraphEngine(nq)
    native_store = engine._store  # the same store, with the union default graph in it
    pool = WorkerPool(
        EngineSpec(engine="oxigraph", snapshot=nq, union_default_graph=True, isolate=False), 1
    )
    pool.start()
    from r2p_graph.store.factory import open_store
    from r2p_graph.web.app import create_app

    settings = Settings.from_env(query_workers=1, access_log=False, max_rows=10**8)
    store = open_store(settings, [str(nq)])
    client = create_app(settings, store=store).test_client()

    rows = []
    worst: tuple[float, str] = (0.0, "")
    for q in query_mix():
        if q.text.lstrip().split("\n")[-1].strip().upper().startswith(("DESCRIBE", "CONSTRUCT")):
            continue
        if "DESCRIBE" in q.text or "CONSTRUCT" in q.text:
            continue
        request = QueryRequest(text=q.text, media_type=JSON, timeout=60, max_rows=10**8)

        def native(text: str = q.text) -> None:
            result = native_store.query(text)
            result.serialize(io.BytesIO(), ox.QueryResultsFormat.JSON)  # type: ignore[union-attr]

        def app(text: str = q.text) -> None:
            response = client.get("/sparql", query_string={"query": text}, headers={"Accept": JSON})
            assert response.status_code == 200, response.data[:200]

        times = {
            "native": median_ms(native),
            "engine": median_ms(lambda r=request: engine.evaluate(r)),
            "pool": median_ms(lambda r=request: pool.run(r, time.monotonic() + 60)),
            "app": median_ms(app),
        }
        rows.append((q.name, times))
        if times["app"] / times["native"] > worst[0]:
            worst = (times["app"] / times["native"], q.name)

    print(f"size {size}: median ms per layer (each includes the ones above it)")
    print(f"{'query':30} {'native':>8} {'engine':>8} {'pool':>8} {'app':>8}  app/native")
    for name, t in rows:
        print(
            f"{name:30} {t['native']:8.2f} {t['engine']:8.2f} {t['pool']:8.2f} {t['app']:8.2f}"
            f"  {t['app'] / t['native']:6.1f}"
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
    pool.close()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
