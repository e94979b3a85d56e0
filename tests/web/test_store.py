"""The store behind the endpoint: loading, the worker pool, its isolation, the default
dataset path."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from r2p_graph.config import Settings
from r2p_graph.store import (
    QueryFailed,
    QueryRefused,
    QueryRequest,
    QuerySyntaxError,
    QueryTimeout,
    Store,
    StoreUnavailable,
)
from r2p_graph.store.factory import LocalStore, open_store
from r2p_graph.store.loading import (
    DatasetLoadError,
    GraphSource,
    build_snapshot,
    parse_source,
    snapshot_from_nquads,
)
from r2p_graph.store.workers import EngineSpec, WorkerPool, isolate_network
from tests.web.conftest import DATA, LIBRARY, ROOT, Canary

pytestmark = pytest.mark.xdist_group("store")

EX = "http://example.org/"
JSON = "application/sparql-results+json"


def rows(store: Store, query: str, **kw: object) -> list[dict[str, str]]:
    result = store.query(QueryRequest(query, media_type=JSON, **kw))  # type: ignore[arg-type]
    bindings = json.loads(result.body)["results"]["bindings"]
    return [{k: v["value"] for k, v in b.items()} for b in bindings]


# --------------------------------------------------------------------------- sources


def test_parse_source() -> None:
    assert parse_source("a.ttl") == GraphSource(Path("a.ttl"))
    assert parse_source("a.nt=http://x/g") == GraphSource(Path("a.nt"), "http://x/g")
    # pathlib folds "//": Path("a.nt=http://x/g") prints as "a.nt=http:/x/g"
    assert parse_source(Path("a.nt=http://x/g")) == GraphSource(Path("a.nt"), "http://x/g")
    assert parse_source("a.nt=urn:x:g").graph == "urn:x:g"
    with pytest.raises(DatasetLoadError, match="not an absolute IRI"):
        parse_source("a.nt=relative")


def test_a_file_whose_name_has_an_equals_sign(tmp_path: Path) -> None:
    odd = tmp_path / "a=b.ttl"
    odd.write_text("<http://x/s> <http://x/p> 1 .\n")
    assert parse_source(str(odd)) == GraphSource(odd)


def test_snapshot_of_every_syntax(tmp_path: Path) -> None:
    snapshot = build_snapshot(
        [
            *LIBRARY,
            DATA / "extra.jsonld",
            DATA / "extra.rdf",
            DATA / "extra.nq",
            f"{DATA / 'blank1.nt'}={EX}graph/blank",
            DATA / "blank2.nt",
            DATA / "numbers.ttl",
        ],
        tmp_path,
    )
    assert snapshot.graphs == {
        EX + "graph/blank": 1,
        EX + "graph/books": 13,
        EX + "graph/nquads": 1,
        EX + "graph/people": 8,
    }
    # notes 2 + JSON-LD 2 + RDF/XML 2 + N-Quads default 1 + blank2 1 + numbers 4
    assert snapshot.default_graph_triples == 12
    text = snapshot.path.read_text()
    # literals exactly as written (an ox.Store would have normalized them)
    assert '"58"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>' in text
    assert '"1.0E6"^^<http://www.w3.org/2001/XMLSchema#double>' in text
    # blank nodes of different files are different nodes
    labels = {line.split()[0] for line in text.splitlines() if 'file"' in line}
    assert len(labels) == 2


def test_duplicates_are_removed(tmp_path: Path) -> None:
    snapshot = build_snapshot([DATA / "notes.ttl", DATA / "notes.ttl"], tmp_path / "a")
    assert snapshot.default_graph_triples == 2
    again = snapshot_from_nquads(snapshot.path, tmp_path / "b")
    assert again.default_graph_triples == 2
    assert set(again.path.read_text().splitlines()) == set(snapshot.path.read_text().splitlines())


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("missing.ttl", "no such file"),
        (str(DATA / "library.trig") + ".bak", "unknown RDF file extension"),
    ],
)
def test_bad_sources_fail_before_loading(source: str, message: str) -> None:
    with pytest.raises(DatasetLoadError, match=message):
        open_store(Settings(access_log=False), [source])


def test_a_syntax_error_names_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.trig"
    broken.write_text("<http://a> { <http://b> }")
    with pytest.raises(DatasetLoadError, match=r"broken\.trig"):
        build_snapshot([broken], tmp_path / "out")


# --------------------------------------------------------------------------- engines


@pytest.fixture(scope="module")
def library_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_snapshot(LIBRARY, tmp_path_factory.mktemp("snap")).path


def test_unknown_engine() -> None:
    with pytest.raises(ValueError, match="unknown engine"):
        open_store(Settings(engine="virtuoso"), LIBRARY)


def test_in_process_mode(library_snapshot: Path) -> None:
    store = open_store(Settings(query_workers=0, access_log=False), LIBRARY)
    try:
        assert rows(store, "SELECT (COUNT(*) AS ?n) { ?s a <http://example.org/Book> }") == [
            {"n": "3"}
        ]
        with pytest.raises(QueryRefused):
            store.query(QueryRequest("SELECT * { SERVICE <http://x/> {} }"))
        with pytest.raises(QuerySyntaxError) as error:
            store.query(QueryRequest("SELECT * {"))
        assert error.value.position == (1, 11)
    finally:
        store.close()


def test_an_invalid_graph_iri_is_a_query_error() -> None:
    store = open_store(Settings(query_workers=1, access_log=False), LIBRARY)
    try:
        with pytest.raises(QueryFailed):
            store.query(QueryRequest("ASK {}", default_graphs=("not an iri",)))
        assert rows(store, "SELECT * { ?s ?p ?o } LIMIT 1")  # the worker survived
    finally:
        store.close()


def test_a_dead_worker_is_replaced(library_snapshot: Path) -> None:
    pool = WorkerPool(EngineSpec("oxigraph", library_snapshot), 1)
    pool.start()
    try:
        (worker,) = list(pool._workers)
        worker.proc.kill()
        worker.proc.wait()
        result = pool.run(QueryRequest("ASK { ?s ?p ?o }"), time.monotonic() + 30)
        assert result.body.endswith(b"true}")
        assert pool.restarts == 1
    finally:
        pool.close()


def test_a_worker_dying_mid_query_is_a_503_then_recovers(library_snapshot: Path) -> None:
    pool = WorkerPool(EngineSpec("oxigraph", library_snapshot), 1)
    pool.start()
    explosive = (
        "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o . "
        "?p ?q ?r . ?s ?t ?u }"
    )
    try:
        (worker,) = list(pool._workers)
        threading.Timer(0.5, worker.proc.kill).start()
        with pytest.raises(StoreUnavailable, match="stopped while evaluating"):
            pool.run(QueryRequest(explosive), time.monotonic() + 30)
        assert pool.run(QueryRequest("ASK {}"), time.monotonic() + 30).form == "ASK"
    finally:
        pool.close()


def test_a_busy_pool_times_out_waiting(library_snapshot: Path) -> None:
    pool = WorkerPool(EngineSpec("oxigraph", library_snapshot), 1)
    pool.start()
    # Far beyond 2 s on any machine: a seven-way cross product of the fixture.
    explosive = (
        "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o . "
        "?p ?q ?r . ?s ?t ?u }"
    )
    outcome: list[BaseException] = []

    def hog() -> None:
        try:
            pool.run(QueryRequest(explosive, timeout=2), time.monotonic() + 2)
        except BaseException as exc:
            outcome.append(exc)

    try:
        thread = threading.Thread(target=hog)
        thread.start()
        time.sleep(0.3)
        with pytest.raises(QueryTimeout, match="busy"):
            pool.run(QueryRequest("ASK {}", timeout=0.5), time.monotonic() + 0.5)
        thread.join()
        assert len(outcome) == 1 and isinstance(outcome[0], QueryTimeout)
    finally:
        pool.close()


def test_a_worker_that_cannot_load_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.nq"
    bad.write_text("this is not n-quads\n")
    pool = WorkerPool(EngineSpec("oxigraph", bad), 1)
    with pytest.raises(StoreUnavailable, match="no query worker could start"):
        pool.start()
    pool.close()


def test_dump_types(library_snapshot: Path) -> None:
    store = open_store(Settings(query_workers=1, access_log=False), LIBRARY)
    try:
        assert b"".join(store.dump("application/n-quads")).count(b"\n") == 23
        assert b"<http://example.org/graph/books> {" in b"".join(store.dump("application/trig"))
        with pytest.raises(ValueError):
            store.dump("text/csv")
    finally:
        store.close()


def test_the_default_store_is_the_project_build(
    monkeypatch: pytest.MonkeyPatch, library_snapshot: Path
) -> None:
    """Without files, open_store serves what r2p_graph.build.ensure_build returns."""
    import r2p_graph.build

    calls: list[Settings] = []

    def fake_ensure_build(settings: Settings) -> Path:
        calls.append(settings)
        return library_snapshot

    monkeypatch.setattr(r2p_graph.build, "ensure_build", fake_ensure_build)
    settings = Settings(query_workers=1, access_log=False)
    store = open_store(settings)
    try:
        assert calls == [settings]
        assert isinstance(store, LocalStore)
        assert store.graph_names() == [EX + "graph/books", EX + "graph/people"]
    finally:
        store.close()


# --------------------------------------------------------------------------- isolation


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_workers_lose_network_access(canary: Canary) -> None:
    """The second wall: a worker in its own network namespace cannot reach anything,
    even loopback. Where the OS refuses namespaces, the reason is reported instead."""
    host, port = canary.url.split("//")[1].rstrip("/").split(":")
    done = run_python(
        f"""
        import socket
        from r2p_graph.store.workers import isolate_network
        state = isolate_network()
        try:
            socket.create_connection(("{host}", {port}), timeout=2).close()
            reached = True
        except OSError:
            reached = False
        print(state, reached, sep="|")
        """
    )
    assert done.returncode == 0, done.stderr
    state, reached = done.stdout.strip().split("|")
    if state.startswith("none"):
        assert state.startswith("none (") and reached == "True"
    else:
        assert state in ("user+network namespace", "network namespace")
        assert reached == "False"
        assert canary.hits == []
    assert isolate_network.__name__ == "isolate_network"


def test_the_audit_hook_refuses_files_sockets_and_processes(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    done = run_python(
        f"""
        import socket, subprocess
        from r2p_graph.store.workers import install_audit_hook
        install_audit_hook([])
        outcomes = []
        for attempt in (
            lambda: open({str(secret)!r}).read(),
            lambda: socket.create_connection(("127.0.0.1", 9), timeout=1),
            lambda: socket.getaddrinfo("example.org", 80),
            lambda: subprocess.run(["true"]),
        ):
            try:
                attempt()
                outcomes.append("allowed")
            except PermissionError:
                outcomes.append("refused")
        import json  # still allowed: Python's own files
        print(",".join(outcomes))
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "refused,refused,refused,refused"


def test_the_store_reports_its_isolation() -> None:
    store = open_store(Settings(query_workers=1, access_log=False), LIBRARY)
    try:
        assert store.isolation != "unknown"
    finally:
        store.close()
    off = open_store(Settings(query_workers=1, access_log=False, worker_isolation=False), LIBRARY)
    try:
        assert off.isolation == "off"
        assert rows(off, "SELECT * { ?s ?p ?o } LIMIT 1")
    finally:
        off.close()
