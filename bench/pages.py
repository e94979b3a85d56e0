"""Server time per page type on the real data: median and p95 over N requests each.

Builds data/ + ontology/ (loaded and inferred, as tests/ui does), opens the store with its
worker processes, and times each page through Flask's test client (server time: no
network, no browser). The first request of each page is a warm-up and is not counted (it
fills the search index and the labels' caches).

    python bench/pages.py            # 30 requests per page
    python bench/pages.py -n 100
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from rdflib import URIRef

from r2p_graph.config import Settings
from r2p_graph.ids import INFERRED_GRAPH
from r2p_graph.pipeline.build import write_dataset
from r2p_graph.pipeline.infer import materialize
from r2p_graph.pipeline.load import load_sources
from r2p_graph.store.factory import open_store
from r2p_graph.web.app import create_app

HTML = {"Accept": "text/html"}
PAGES: list[tuple[str, str, dict[str, str]]] = [
    ("home", "/", HTML),
    ("search (HTML)", "/search?q=cote%20d%27ivoire", HTML),
    ("search suggest (JSON)", "/search?q=dane&suggest=1&format=json", {}),
    ("statements", "/statements", HTML),
    ("statements 2012", "/statements?year=2012", HTML),
    ("statements CSV", "/statements?format=csv", {}),
    ("states", "/states", HTML),
    ("states JSON", "/states?format=json", {}),
    ("state profile CRI", "/id/state/CRI", HTML),
    ("state profile USA", "/id/state/USA", HTML),
    ("state RDF (Turtle)", "/id/state/GBR?format=ttl", {}),
    ("meeting 2012", "/id/meeting/ga-2012-09-05", HTML),
    ("meeting RDF (N-Triples)", "/id/meeting/ga-2012-09-05?format=nt", {}),
    ("theme page", "/id/theme/prevention", HTML),
    ("statement page", "/id/statement/ga-2012-09-05/GBR", HTML),
    ("charts", "/charts", HTML),
    ("query UI", "/query", HTML),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=30, help="timed requests per page")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(access_log=False, query_workers=2, cache_dir=Path(tmp))
        sources = load_sources(settings)
        materialize(sources.dataset,
                    inferred_graph=URIRef(sources.minter.graph(INFERRED_GRAPH)),
                    asserted=sources.asserted, ontology=sources.ontology,
                    rules_dir=settings.ontology_dir / "rules")
        data = write_dataset(sources.dataset, Path(tmp) / "dataset.nq", "nquads")
        store = open_store(settings, [data], wait=True)
        try:
            client = create_app(settings, store=store).test_client()
            print(f"{'page':<26} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'KiB':>7}")
            for name, path, headers in PAGES:
                first = client.get(path, headers=headers)
                times = []
                for _ in range(args.n):
                    start = time.perf_counter()
                    response = client.get(path, headers=headers)
                    response.get_data()
                    times.append((time.perf_counter() - start) * 1000)
                times.sort()
                p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
                print(f"{name:<26} {first.status_code:>6} {statistics.median(times):>10.1f} "
                      f"{p95:>8.1f} {len(first.get_data()) / 1024:>7.1f}")
        finally:
            store.close()


if __name__ == "__main__":
    main()
