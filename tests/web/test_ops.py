"""Operations: /health, /ready, the access log, error handling, VoID, dumps, the app
factory, server.py and run_serve.

The routes are asked through Flask's test client over the real store (no socket);
run_serve's tests start the command itself and ask it over HTTP."""

from __future__ import annotations

import gzip
import json
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from flask.testing import FlaskClient
from rdflib import Dataset, Graph, Namespace, URIRef

from r2p_graph.config import Settings
from r2p_graph.store import (
    QueryFailed,
    QueryRequest,
    QueryResult,
    QueryTimeout,
    StoreStats,
    StoreUnavailable,
)
from r2p_graph.store.factory import LocalStore
from r2p_graph.store.loading import DatasetSnapshot, build_snapshot
from r2p_graph.web.app import create_app
from r2p_graph.web.ops import ACCESS_LOGGER
from tests.web.conftest import DATA, LIBRARY, ROOT, AppServer, app_server

pytestmark = pytest.mark.xdist_group("ops")

VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
EX = "http://example.org/"


class FakeStore:
    """A store that answers (or fails) as told, to drive the error paths."""

    union_default_graph = True

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.seen: list[QueryRequest] = []

    def query(self, request: QueryRequest) -> QueryResult:
        self.seen.append(request)
        if self.error is not None:
            raise self.error
        return QueryResult("ASK", b'{"head":{},"boolean":true}', request.media_type, 1)

    def graph_names(self) -> list[str]:
        return []

    def stats(self) -> StoreStats:
        return StoreStats(triples=0)

    def ready(self) -> bool:
        return True

    def close(self) -> None:
        pass

    def dump(self, media_type: str) -> Iterator[bytes]:
        yield b""


def client_for(store: Any, **settings: Any) -> FlaskClient:
    values: dict[str, Any] = {"access_log": False}
    values.update(settings)
    return create_app(Settings(**values), store=store).test_client()


# --------------------------------------------------------------------------- health


def test_health_and_ready(library_app: AppServer) -> None:
    health = library_app.get(library_app.url + "/health", timeout=30)
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    ready = library_app.get(library_app.url + "/ready", timeout=30)
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"
    assert ready.json()["named_graphs"] == 2
    assert ready.headers["Cache-Control"] == "no-store"


def test_ready_waits_for_the_data(tmp_path: Path) -> None:
    release = threading.Event()

    def slow_loader(out_dir: Path) -> DatasetSnapshot:
        release.wait(30)
        return build_snapshot(LIBRARY, out_dir)

    settings = Settings(access_log=False, query_workers=1)
    store = LocalStore(settings, slow_loader).start(wait=False)
    try:
        client = client_for(store)
        assert client.get("/health").status_code == 200
        not_yet = client.get("/ready")
        assert not_yet.status_code == 503 and not_yet.get_json() == {"status": "loading"}
        early = client.get("/sparql", query_string={"query": "ASK {}", "timeout": "0.3"})
        assert early.status_code == 503
        assert "still loading" in early.get_data(as_text=True)
        assert early.headers["Retry-After"] == "5"
        release.set()
        assert store.wait_ready(30)
        assert client.get("/ready").status_code == 200
        assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200
    finally:
        release.set()
        store.close()


def test_a_failed_load_is_reported_without_internals() -> None:
    def broken(out_dir: Path) -> DatasetSnapshot:
        raise OSError("/secret/path/data.nq: permission denied")

    store = LocalStore(Settings(access_log=False), broken).start(wait=False)
    try:
        store.wait_ready(10)
        client = client_for(store)
        assert client.get("/ready").get_json() == {"status": "failed"}
        response = client.get("/sparql", query_string={"query": "ASK {}"})
        assert response.status_code == 503
        assert "/secret" not in response.get_data(as_text=True)
        assert store.load_error is not None and "permission denied" in store.load_error
    finally:
        store.close()


# --------------------------------------------------------------------------- access log


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(record.getMessage()))


@pytest.fixture
def access_records() -> Iterator[Records]:
    handler = Records()
    logger = logging.getLogger(ACCESS_LOGGER)
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def test_access_log_has_one_json_line_per_request(
    library_app: AppServer, access_records: Records
) -> None:
    client = client_for(library_app.store, access_log=True)
    client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o } LIMIT 4"})
    client.get("/sparql", query_string={"query": "ASK {"})
    client.get("/health")
    ok, bad, health = access_records.lines
    assert ok["method"] == "GET" and ok["path"] == "/sparql" and ok["status"] == 200
    assert ok["form"] == "SELECT" and ok["result_size"] == 4
    assert ok["query_ms"] >= 0 and ok["ms"] >= ok["query_ms"] and ok["bytes"] > 0
    assert re.match(r"\d{4}-\d\d-\d\dT", ok["ts"])
    assert bad["status"] == 400 and bad["error"] == "syntax"
    assert health["path"] == "/health" and "query_ms" not in health


def test_access_log_can_be_turned_off(library_app: AppServer, access_records: Records) -> None:
    client_for(library_app.store, access_log=False).get("/health")
    assert access_records.lines == []


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("error", "status", "text"),
    [
        (RuntimeError("boom at /srv/secret.py line 3"), 500, "Internal Server Error"),
        (QueryFailed("regex too big"), 400, "could not be evaluated: regex too big"),
        (QueryTimeout("too slow"), 503, "too slow"),
        (StoreUnavailable("restarting"), 503, "restarting"),
    ],
)
def test_store_errors_become_readable_answers(error: Exception, status: int, text: str) -> None:
    client = client_for(FakeStore(error))
    response = client.get("/sparql", query_string={"query": "ASK {}"})
    body = response.get_data(as_text=True)
    assert response.status_code == status
    assert text in body
    assert "/srv/secret.py" not in body and "Traceback" not in body
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_the_handler_sees_only_the_store_interface() -> None:
    store = FakeStore()
    client = client_for(store, query_timeout=7, max_rows=11)
    client.post(
        "/sparql?default-graph-uri=http://g/1&named-graph-uri=http://g/2&timeout=3",
        data="ASK {}",
        content_type="application/sparql-query",
        headers={"Accept": "application/sparql-results+xml"},
    )
    (request,) = store.seen
    assert request.default_graphs == ("http://g/1",)
    assert request.named_graphs == ("http://g/2",)
    assert request.timeout == 3 and request.max_rows == 11
    assert request.media_type == "application/sparql-results+xml"
    assert request.base_iri == "http://localhost/sparql"


def test_create_app_reads_the_environment_only_when_called(monkeypatch: pytest.MonkeyPatch) -> None:
    code = "import os, server, r2p_graph.web.app; print(sorted(os.environ.get('R2P_X', '-')))"
    env = {**os.environ, "R2P_QUERY_TIMEOUT": "not a number"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr  # importing read nothing
    monkeypatch.setenv("R2P_MAX_ROWS", "5")
    monkeypatch.setenv("R2P_CORS", "false")
    monkeypatch.setenv("R2P_ACCESS_LOG", "false")
    store = FakeStore()
    response = create_app(store=store).test_client().get("/sparql?query=ASK%20%7B%7D")
    assert store.seen[0].max_rows == 5
    assert "Access-Control-Allow-Origin" not in response.headers


def test_server_module_exposes_the_factory() -> None:
    import server

    assert server.create_app is create_app


# --------------------------------------------------------------------------- VoID, dumps


def test_void_counts(library_app: AppServer) -> None:
    response = library_app.get(library_app.url + "/.well-known/void", timeout=30)
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format="turtle")
    dataset = URIRef(library_app.url + "/.well-known/void#dataset")

    def number(subject: Any, prop: URIRef) -> int:
        return int(graph.value(subject, prop))  # type: ignore[arg-type]

    local = Dataset(default_union=True)
    for path in LIBRARY:
        local.parse(path)
    triples = set(local.triples((None, None, None)))
    assert number(dataset, VOID.triples) == len(triples)
    assert number(dataset, VOID.entities) == len({s for s, _, _ in triples})
    assert number(dataset, VOID.properties) == len({p for _, p, _ in triples})
    classes = {
        str(graph.value(part, VOID["class"])): number(part, VOID.entities)
        for part in graph.objects(dataset, VOID.classPartition)
    }
    assert classes == {EX + "Book": 3, "http://xmlns.com/foaf/0.1/Person": 2}
    properties = {
        str(graph.value(part, VOID.property)): number(part, VOID.triples)
        for part in graph.objects(dataset, VOID.propertyPartition)
    }
    assert properties["http://www.w3.org/1999/02/22-rdf-syntax-ns#type"] == 5
    assert sum(properties.values()) == len(triples)
    subsets = {
        str(graph.value(s, SD.name)): number(s, VOID.triples)
        for s in graph.objects(dataset, VOID.subset)
    }
    assert subsets == {EX + "graph/books": 13, EX + "graph/people": 8}
    assert (dataset, VOID.sparqlEndpoint, URIRef(library_app.endpoint)) in graph
    dumps = {str(d) for d in graph.objects(dataset, VOID.dataDump)}
    assert dumps >= {
        library_app.url + "/download/dataset.nq",
        library_app.url + "/download/dataset.trig",
    }
    assert dumps <= {
        library_app.url + f"/download/dataset.{ext}" for ext in ("nq", "trig", "ttl", "jsonld")
    }
    for dump in dumps:  # the links work
        assert library_app.get(dump, timeout=30).status_code == 200


@pytest.mark.parametrize(("name", "fmt"), [("dataset.nq", "nquads"), ("dataset.trig", "trig")])
def test_dumps_hold_the_whole_dataset(library_app: AppServer, name: str, fmt: str) -> None:
    response = library_app.get(f"{library_app.url}/download/{name}", timeout=30)
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    got = Dataset()
    got.parse(data=response.content, format=fmt)
    expected = Dataset()
    for path in LIBRARY:
        expected.parse(path)
    assert {str(g.identifier) for g in got.graphs() if len(g)} == {
        str(g.identifier) for g in expected.graphs() if len(g)
    }
    assert len(set(got.quads())) == len(set(expected.quads()))


def test_unknown_download_is_404(library_app: AppServer) -> None:
    response = library_app.get(library_app.url + "/download/secrets.txt", timeout=30)
    assert response.status_code == 404
    assert "dataset.nq" in response.text


# --------------------------------------------------------------------------- run_serve


def start_serve(
    args: list[str], env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "r2p_graph.web.serve", "--port", "0", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stderr is not None
    deadline = time.monotonic() + 60
    for line in proc.stderr:
        match = re.search(r"serving SPARQL at (http://\S+/sparql)", line)
        if match:
            return proc, match.group(1)
        assert time.monotonic() < deadline, "the server did not start"
    proc.wait(10)
    raise AssertionError(f"the server exited with {proc.returncode}")


def test_run_serve_serves_files_of_every_syntax(tmp_path: Path) -> None:
    gz = tmp_path / "notes.ttl.gz"
    gz.write_bytes(gzip.compress((DATA / "notes.ttl").read_bytes()))
    files = [
        str(DATA / "library.trig"),
        str(gz),
        str(DATA / "extra.jsonld"),
        str(DATA / "extra.rdf"),
        str(DATA / "extra.nq"),
        f"{DATA / 'blank1.nt'}={EX}graph/blank",
        str(DATA / "blank2.nt"),
    ]
    proc, endpoint = start_serve(files, {"R2P_ACCESS_LOG": "true"})
    try:
        query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
        rows = requests.get(endpoint, params={"query": query}, timeout=30).json()
        counts = {b["g"]["value"]: int(b["n"]["value"]) for b in rows["results"]["bindings"]}
        assert counts == {
            EX + "graph/blank": 1,
            EX + "graph/books": 13,
            EX + "graph/nquads": 1,
            EX + "graph/people": 8,
        }
        labels = requests.get(
            endpoint,
            params={"query": f"SELECT ?l WHERE {{ ?x <{EX}label> ?l }}"},
            timeout=30,
        ).json()["results"]["bindings"]
        assert sorted(b["l"]["value"] for b in labels) == [
            "From N-Quads",
            "From RDF/XML",
            "first file",
            "second file",
        ]
        ask = requests.get(
            endpoint,
            params={"query": f"ASK {{ <{EX}jsonld-thing> ?p ?o . <{EX}note1> ?q ?r }}"},
            timeout=30,
        ).json()
        assert ask["boolean"] is True
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0
    assert proc.stderr is not None
    log = proc.stderr.read()
    assert '"path": "/sparql"' in log and '"status": 200' in log


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (["no-such-file.ttl"], "no such file"),
        ([str(DATA / "library.trig") + "=not an iri"], "not an absolute IRI"),
        ([str(DATA / "README.unknown")], "unknown RDF file extension"),
    ],
)
def test_run_serve_refuses_bad_sources(files: list[str], message: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "r2p_graph.web.serve", "--port", "0", *files],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert message in done.stderr


def test_run_serve_reports_a_syntax_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("<http://a> <http://b> .\n")
    done = subprocess.run(
        [sys.executable, "-m", "r2p_graph.web.serve", "--port", "0", str(broken)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "broken.ttl" in done.stderr and "Traceback" not in done.stderr


def test_app_server_fixture_uses_workers(library_app: AppServer) -> None:
    assert library_app.settings.query_workers == 2
    assert library_app.store.ready()
    assert isinstance(library_app.store, LocalStore)


@pytest.fixture(scope="module")
def rdflib_app() -> Iterator[AppServer]:
    with app_server(LIBRARY, engine="rdflib") as app:
        yield app


def test_void_is_the_same_on_both_engines(library_app: AppServer, rdflib_app: AppServer) -> None:
    def numbers(server: AppServer) -> dict[str, str]:
        graph = Graph().parse(
            data=server.get(server.url + "/.well-known/void", timeout=30).content,
            format="turtle",
        )
        dataset = URIRef(server.url + "/.well-known/void#dataset")
        return {
            str(p): str(o)
            for p, o in graph.predicate_objects(dataset)
            if str(p).startswith(str(VOID))
            and not isinstance(o, URIRef)
            and o.__class__.__name__ == "Literal"
        }

    assert numbers(library_app) == numbers(rdflib_app)
