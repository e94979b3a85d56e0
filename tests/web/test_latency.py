"""Latency over HTTP, measured on the library fixture and written to tests/artifacts/.

The bound is loose (CI machines vary); the point is catching a regression by an order
of magnitude, e.g. a query path that stops reusing its worker processes.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import pytest
import requests

from tests.web.conftest import ROOT, LiveServer

pytestmark = pytest.mark.xdist_group("library")

QUERIES = {
    "ask": "ASK { ?s ?p ?o }",
    "select-join": (
        "SELECT ?title ?name WHERE { ?b <http://purl.org/dc/terms/title> ?title ; "
        "<http://purl.org/dc/terms/creator> ?c . ?c <http://xmlns.com/foaf/0.1/name> ?name }"
    ),
    "group-by": "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n)",
    "graphs": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "construct": "CONSTRUCT WHERE { ?s a <http://example.org/Book> ; ?p ?o }",
    "describe": "DESCRIBE <http://example.org/herbert>",
}
RUNS = 25


def test_median_latency(library_server: LiveServer) -> None:
    session = requests.Session()
    medians = {}
    for name, query in QUERIES.items():
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            response = session.get(library_server.endpoint, params={"query": query}, timeout=30)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        medians[name] = round(statistics.median(times), 2)
    out = ROOT / "tests" / "artifacts"
    out.mkdir(parents=True, exist_ok=True)
    Path(out / "endpoint-latency.json").write_text(json.dumps(medians, indent=2) + "\n")
    print("median ms over HTTP:", medians)
    assert all(ms < 100 for ms in medians.values()), medians
