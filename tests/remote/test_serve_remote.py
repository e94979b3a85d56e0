"""`r2p-graph serve --store URL`: the HTTP surface over a real Oxigraph server, under faults."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from r2p_graph.config import Settings
from r2p_graph.pipeline.build import ensure_build
from r2p_graph.publish import publish
from r2p_graph.queries import competency_queries

from .conftest import OxigraphServer, free_port
from .test_publish import canonical, embedded_answer

pytestmark = [pytest.mark.xdist_group("oxigraph"), pytest.mark.slow]


def start_endpoint(
    store_url: str, cache_dir: Path, **env: str
) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    exe = str(Path(sys.executable).parent / "r2p-graph")
    proc = subprocess.Popen(
        [exe, "serve", "--store", store_url, "--port", str(port)],
        env={**os.environ, "R2P_CACHE_DIR": str(cache_dir), "R2P_ACCESS_LOG": "0", **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"endpoint exited: {proc.stderr.read() if proc.stderr else ''}")
        try:
            if requests.get(url + "/health", timeout=5).status_code == 200:
                return proc, url
        except requests.ConnectionError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("endpoint did not start")


@pytest.fixture(scope="module")
def replicas(oxigraph: OxigraphServer, settings: Settings) -> Iterator[list[str]]:
    publish(settings, oxigraph.update_url)
    started = [start_endpoint(oxigraph.query_url, settings.cache_dir) for _ in range(2)]
    yield [url for _, url in started]
    for proc, _ in started:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def test_two_replicas_answer_like_the_embedded_engine(
    replicas: list[str], settings: Settings
) -> None:
    nquads = ensure_build(settings)
    for query in competency_queries():
        expected = embedded_answer(nquads, query.text)
        for url in replicas:
            response = requests.post(
                url + "/sparql",
                data={"query": query.text},
                headers={"Accept": "application/sparql-results+json"},
                timeout=30,
            )
            assert response.status_code == 200, response.text
            assert canonical(response.content) == expected, (query.name, url)


def test_safety_rules_hold_before_the_store(replicas: list[str]) -> None:
    url = replicas[0] + "/sparql"
    for text in (
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "INSERT DATA { <http://example.org/a> <http://example.org/b> 1 }",
        "LOAD <http://127.0.0.1:9/x.ttl>",
    ):
        response = requests.post(url, data={"query": text}, timeout=10)
        assert 400 <= response.status_code < 500, (text, response.status_code)


def test_store_down_gives_503_then_recovers(replicas: list[str], oxigraph: OxigraphServer) -> None:
    url = replicas[0] + "/sparql"
    query = {"query": "ASK { ?s ?p ?o }"}
    assert requests.post(url, data=query, timeout=10).json()["boolean"] is True
    oxigraph.stop()
    try:
        response = requests.post(url, data=query, timeout=15)
        assert response.status_code == 503
        assert "cannot be reached" in response.text
        assert "Traceback" not in response.text
        assert response.headers.get("Access-Control-Allow-Origin") == "*"
    finally:
        oxigraph.start()
    # The same server process answers again once the store is back.
    deadline = time.monotonic() + 10
    while True:
        response = requests.post(url, data=query, timeout=10)
        if response.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert response.status_code == 200 and response.json()["boolean"] is True


def test_slow_store_deadline_is_honoured(oxigraph: OxigraphServer, settings: Settings) -> None:
    from .slow_proxy import SlowProxy

    with SlowProxy(oxigraph.port, delay=8.0) as proxy:
        proc, url = start_endpoint(
            f"http://127.0.0.1:{proxy.port}/query", settings.cache_dir, R2P_QUERY_TIMEOUT="1.5"
        )
        try:
            # The store answers after 8 s: a 503 naming the deadline means we did not wait.
            response = requests.post(
                url + "/sparql", data={"query": "ASK { ?s ?p ?o }"}, timeout=30
            )
            assert response.status_code == 503, response.text
            assert "deadline" in response.text
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
