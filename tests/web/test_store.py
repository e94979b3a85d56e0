"""The store behind the endpoint: loading, the worker pool, its isolation, the default
dataset path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

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
from r2p_graph.store.literal_forms import original_literals, originals_table
from r2p_graph.store.loading import (
    DatasetLoadError,
    DatasetSnapshot,
    GraphSource,
    build_snapshot,
    parse_source,
)
from r2p_graph.store.ondisk import for_build, for_files
from r2p_graph.store.oxigraph import OxigraphEngine, count_rows
from r2p_graph.store.workers import EngineSpec, WorkerPool, isolate_network
from tests.web.conftest import DATA, LIBRARY, ROOT, Canary, quiet_settings
from tests.web.w3c import parse_results

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
    again = for_build(snapshot.path)
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
        open_store(quiet_settings(), [source])


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
        open_store(quiet_settings(engine="virtuoso"), LIBRARY)
    with pytest.raises(ValueError, match="R2P_WORKER_STORE"):
        open_store(quiet_settings(worker_store="tape"), LIBRARY)


def test_in_process_mode(library_snapshot: Path) -> None:
    store = open_store(quiet_settings(query_workers=0), LIBRARY)
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
    store = open_store(quiet_settings(query_workers=1), LIBRARY)
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
    store = open_store(quiet_settings(query_workers=1), LIBRARY)
    try:
        assert b"".join(store.dump("application/n-quads")).count(b"\n") == 23
        assert b"<http://example.org/graph/books> {" in b"".join(store.dump("application/trig"))
        with pytest.raises(ValueError):
            store.dump("text/csv")
    finally:
        store.close()


def test_the_default_store_is_the_snapshot_it_is_given(library_snapshot: Path) -> None:
    """Without files, open_store serves the N-Quads file its ``snapshot`` function
    returns (the CLI and the app factory pass the pipeline's ``ensure_build``); with
    neither, there is nothing to serve. The store never builds."""
    calls: list[str] = []

    def fake_build() -> Path:
        calls.append("built")
        return library_snapshot

    settings = quiet_settings(query_workers=1)
    store = open_store(settings, snapshot=fake_build)
    try:
        assert calls == ["built"]
        assert isinstance(store, LocalStore)
        assert store.graph_names() == [EX + "graph/books", EX + "graph/people"]
    finally:
        store.close()
    with pytest.raises(ValueError, match="nothing to serve"):
        open_store(settings)


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
        from r2p_graph.store.sandbox import isolate_network
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
        from r2p_graph.store.sandbox import install_audit_hook
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
    store = open_store(quiet_settings(query_workers=1), LIBRARY)
    try:
        assert store.isolation != "unknown"
    finally:
        store.close()
    off = open_store(quiet_settings(query_workers=1, worker_isolation=False), LIBRARY)
    try:
        assert off.isolation == "off"
        assert rows(off, "SELECT * { ?s ?p ?o } LIMIT 1")
    finally:
        off.close()


# --------------------------------------------------------------------------- served folders

XSD = "http://www.w3.org/2001/XMLSchema#"
#: Two named graphs and a default graph that share no triple.
UNIQUE_TRIG = f"""@prefix ex: <{EX}> .
<{EX}graph/books> {{ ex:book1 a ex:Book ; ex:pages 96 . ex:book2 a ex:Book . }}
<{EX}graph/people> {{ ex:herbert a ex:Person ; ex:wrote ex:book2 . }}
ex:note1 ex:about ex:book1 .
"""


def folder_state(folder: Path) -> dict[str, tuple[int, int]]:
    """Inode and modification time of everything in a served folder."""
    return {
        str(p.relative_to(folder)): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
    }


def served_folders(root: Path) -> list[str]:
    """The served folders in ``root`` (not the makers' locks and temporary folders)."""
    return sorted(p.name for p in root.iterdir() if not p.name.startswith("."))


def served_snapshot(store: Store) -> DatasetSnapshot:
    assert isinstance(store, LocalStore) and store.snapshot is not None
    return store.snapshot


def test_the_served_folder_is_made_once_and_reused(tmp_path: Path) -> None:
    settings = quiet_settings(query_workers=1, cache_dir=tmp_path)
    first = open_store(settings, LIBRARY)
    try:
        snapshot = served_snapshot(first)
        assert snapshot.store is not None and snapshot.store.is_dir()
        folder = snapshot.path.parent
        assert folder.parent == tmp_path / "served"
        before = folder_state(folder)
    finally:
        first.close()
    again = open_store(settings, LIBRARY)
    try:
        assert served_snapshot(again) == snapshot
        assert folder_state(folder) == before  # nothing made, nothing written
        assert rows(again, "SELECT (COUNT(*) AS ?n) { ?s a <http://example.org/Book> }") == [
            {"n": "3"}
        ]
    finally:
        again.close()
    assert folder_state(folder) == before  # serving never writes to it
    assert served_folders(tmp_path / "served") == [folder.name]


def test_changed_files_get_a_new_folder(tmp_path: Path) -> None:
    data = tmp_path / "data.trig"
    data.write_text(UNIQUE_TRIG)
    settings = quiet_settings(query_workers=0, cache_dir=tmp_path / "cache")
    store = open_store(settings, [data])
    before = served_snapshot(store)
    store.close()
    data.write_text(UNIQUE_TRIG + f"<{EX}note2> <{EX}about> <{EX}book2> .\n")
    store = open_store(settings, [data])
    try:
        after = served_snapshot(store)
        assert after.path.parent != before.path.parent
        assert (before.default_graph_triples, after.default_graph_triples) == (1, 2)
    finally:
        store.close()


def test_a_replaced_build_is_served_again(tmp_path: Path) -> None:
    build = tmp_path / "dataset-abc.nq"
    build.write_text(f"<{EX}s> <{EX}p> <{EX}o> .\n")
    assert for_build(build).default_graph_triples == 1
    build.unlink()  # a build is never rewritten in place; if it were, it is noticed
    build.write_text(f"<{EX}s> <{EX}p> <{EX}o> .\n<{EX}s> <{EX}p> <{EX}o2> <{EX}g> .\n")
    again = for_build(build)
    assert (again.default_graph_triples, again.graphs) == (1, {f"{EX}g": 1})
    assert again.path.read_bytes() == build.read_bytes()


def test_counts_come_from_the_folder(tmp_path: Path) -> None:
    store = open_store(quiet_settings(query_workers=0, cache_dir=tmp_path), LIBRARY)
    try:
        stats = store.stats()
        assert stats.graphs == {EX + "graph/books": 13, EX + "graph/people": 8}
        assert stats.default_graph_triples == 2
        assert stats.triples == 23
        meta = json.loads((served_snapshot(store).path.parent / "meta.json").read_text())
        assert meta["graphs"] == stats.graphs
    finally:
        store.close()


def test_a_build_is_linked_and_a_single_nquads_file_copied(tmp_path: Path) -> None:
    build = tmp_path / "dataset-0123.nq"
    build.write_bytes((DATA / "extra.nq").read_bytes())
    linked = for_build(build)
    assert linked.path.samefile(build)
    assert linked.store is not None and linked.store.parent == linked.path.parent
    copied = for_files([GraphSource(DATA / "extra.nq")], tmp_path / "cache")
    assert not copied.path.samefile(DATA / "extra.nq")  # the user's file may be edited
    assert copied.path.read_bytes() == (DATA / "extra.nq").read_bytes()
    assert (copied.graphs, copied.default_graph_triples) == (
        linked.graphs,
        linked.default_graph_triples,
    )


def test_a_broken_nquads_file_is_named_and_leaves_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "broken.nq"
    broken.write_text(f"<{EX}a> <{EX}b> .\n")
    with pytest.raises(DatasetLoadError, match=r"broken\.nq"):
        for_files([GraphSource(broken)], tmp_path / "cache")
    assert served_folders(tmp_path / "cache" / "served") == []


def make_unheld(root: Path, key: str, recipe: dict[str, object]) -> Path:
    """A served folder made by another process, which does not hold it."""
    done = subprocess.run(
        [sys.executable, "-m", "r2p_graph.store.ondisk", str(root), key, json.dumps(recipe)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return root / key


def test_folders_of_no_further_use_are_removed_unless_held(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    root = cache / "served"
    root.mkdir(parents=True)
    files = []
    for name in "abcd":
        files.append(tmp_path / f"{name}.ttl")
        files[-1].write_text(f"<{EX}s> <{EX}p> <{EX}{name}> .\n")
    held = for_files([GraphSource(files[0])], cache).path.parent  # this process serves it
    idle = make_unheld(root, "files-idle", {"kind": "files", "sources": [[str(files[1]), None]]})
    recent = make_unheld(root, "files-new", {"kind": "files", "sources": [[str(files[2]), None]]})
    build = cache / "dataset-gone.nq"
    build.write_text(f"<{EX}s> <{EX}p> <{EX}o> .\n")
    source = {"size": build.stat().st_size, "mtime_ns": build.stat().st_mtime_ns}
    recipe = {"kind": "build", "build": str(build), "source": source}
    gone = make_unheld(root, "dataset-gone.x", recipe)
    build.unlink()
    week_ago = time.time() - 8 * 24 * 3600
    for folder in (held, idle):
        os.utime(folder / "meta.json", (week_ago, week_ago))
    made = for_files([GraphSource(files[3])], cache).path.parent  # making one prunes
    left = set(served_folders(root))
    assert left == {held.name, recent.name, made.name}
    assert gone.name not in left and idle.name not in left


def test_two_servers_making_the_same_folder_agree(tmp_path: Path) -> None:
    sources = [GraphSource(p) for p in LIBRARY]
    made: list[DatasetSnapshot] = []
    threads = [
        threading.Thread(target=lambda: made.append(for_files(sources, tmp_path)))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 2 and made[0] == made[1]
    assert served_folders(tmp_path / "served") == [made[0].path.parent.name]


@pytest.mark.parametrize("worker_store", ["disk", "memory"])
def test_the_union_without_repeated_triples_is_oxigraphs_own(
    tmp_path: Path, worker_store: str
) -> None:
    """No triple in two graphs: Oxigraph forms the union itself (workers share the
    read-only store, or each loads a copy); every dataset form means what SPARQL says."""
    data = tmp_path / "unique.trig"
    data.write_text(UNIQUE_TRIG)
    settings = quiet_settings(query_workers=0, cache_dir=tmp_path, worker_store=worker_store)
    store = open_store(settings, [data])
    try:
        assert served_snapshot(store).union_is_set
        engine = store._executor._engine  # type: ignore[attr-defined]
        assert isinstance(engine, OxigraphEngine) and engine.union_is_set
        assert engine.shared is (worker_store == "disk")
        if engine.shared:
            with pytest.raises(RuntimeError):  # opened read-only
                engine._store.update(f"INSERT DATA {{ <{EX}x> <{EX}y> <{EX}z> }}")
        count = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
        assert rows(store, count) == [{"n": "6"}]  # 3 + 2 + 1: the union
        assert rows(store, f"SELECT ?s {{ ?s a <{EX}Book> }} ORDER BY ?s") == [
            {"s": EX + "book1"},
            {"s": EX + "book2"},
        ]
        graphs = rows(store, "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
        assert graphs == [{"g": EX + "graph/books"}, {"g": EX + "graph/people"}]
        both = (EX + "graph/books", EX + "graph/people")
        assert rows(store, count, default_graphs=both) == [{"n": "5"}]
        assert rows(store, count, named_graphs=both) == [{"n": "0"}]
        people = "SELECT (COUNT(*) AS ?n) FROM <http://example.org/graph/people> { ?s ?p ?o }"
        assert rows(store, people) == [{"n": "2"}]
    finally:
        store.close()
    own = open_store(settings.replace(union_default_graph=False), [data])
    try:
        assert rows(own, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }") == [{"n": "1"}]
    finally:
        own.close()


@pytest.mark.parametrize(
    "extra",
    [
        f"<{EX}graph/people> {{ <{EX}book2> a <{EX}Book> . }}",  # in two named graphs
        f"<{EX}book2> a <{EX}Book> .",  # in the default graph and a named one
    ],
)
def test_repeated_triples_keep_the_union_a_set(tmp_path: Path, extra: str) -> None:
    data = tmp_path / "repeats.trig"
    data.write_text(UNIQUE_TRIG + extra + "\n")
    store = open_store(quiet_settings(query_workers=0, cache_dir=tmp_path), [data])
    try:
        assert not served_snapshot(store).union_is_set
        engine = store._executor._engine  # type: ignore[attr-defined]
        assert isinstance(engine, OxigraphEngine) and not engine.shared
        assert rows(store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }") == [{"n": "6"}]
        assert rows(store, f"SELECT (COUNT(*) AS ?n) {{ ?s a <{EX}Book> }}") == [{"n": "2"}]
        both = (EX + "graph/books", EX + "graph/people")
        books = f"SELECT (COUNT(*) AS ?n) {{ ?s a <{EX}Book> }}"
        assert rows(store, books, default_graphs=both) == [{"n": "2"}]
    finally:
        store.close()


def test_workers_may_read_the_served_folder_only(tmp_path: Path) -> None:
    snapshot = for_files([GraphSource(p) for p in LIBRARY], tmp_path)
    spec = EngineSpec.for_snapshot("oxigraph", snapshot, union_default_graph=True, isolate=False)
    assert spec.readable() == [snapshot.path.parent]


def test_the_literal_scan_finds_what_a_full_parse_finds(tmp_path: Path) -> None:
    """The restore table is built from the lines the byte scan picks out; it must equal the
    one built from every quad of the file, whatever the lines look like."""
    lines = [
        f'<{EX}s> <{EX}p> "58"^^<{XSD}nonNegativeInteger> .',
        f'<{EX}s> <{EX}p> "007"^^<{XSD}integer> <{EX}g> .',
        f'_:b1 <{EX}p> "1.0E6"^^<{XSD}double> _:g .',
        f'<{EX}s>\t<{EX}q>\t"+5"^^<{XSD}int>\t.',
        f'<{EX}s> <{EX}r> "quoted \\"^^<{XSD}integer> inside" .',
        f'<{EX}s> <{EX}r> "\\u0030\\u0031"^^<{XSD}integer> .',
        f'<{EX}s> <{EX}t> <<( <{EX}a> <{EX}b> "02"^^<{XSD}integer> )>> .',
        f'<{EX}s> <{EX}u> "2012-09-05"^^<{XSD}date> .',
        f'<{EX}s> <{EX}u> "1"^^<{XSD}boolean> .',
        f'<{EX}s> <{EX}u> "text"^^<{XSD}string> .',
        f'<{EX}s> <{EX}v> "-5"^^<{XSD}positiveInteger> . # a comment',
        f'<{EX}s> <{EX}w> "1"^^<{XSD}integer> .',
        f'<{EX}s> <{EX}w> "01"^^<{XSD}integer> .',
        f'<{EX}s> <{EX}w> "001"^^<{XSD}integer> .',
    ]
    nq = tmp_path / "tricky.nq"
    nq.write_text("\n".join(lines) + "\n", encoding="utf-8")
    full = originals_table(ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS))
    scanned = originals_table(original_literals(nq))
    assert scanned == full
    assert len(full) >= 5  # the test exercises the table
    assert {"58", "007", "1.0E6", "+5", "-5"} <= {v.value for v in full.values() if v}


# --------------------------------------------------------------------------- answers


TRICKY_TEXTS = [
    'braces },{"o":{"type":"uri"}},{ and [{',
    'quotes " and \\" and a backslash at the end \\',
    "lines\nand\r\nCSV rows,\r\nwith commas",
    "<result>not a result</result><result/>",
    "tab\tseparated\tvalues",
]


@pytest.mark.parametrize(
    "media_type",
    [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ],
)
def test_rows_are_counted_in_what_oxigraph_writes(media_type: str) -> None:
    data = ox.Store()
    p = ox.NamedNode(EX + "p")
    for i, text in enumerate(TRICKY_TEXTS):
        data.add(ox.Quad(ox.NamedNode(f"{EX}s{i}"), p, ox.Literal(text)))
        data.add(ox.Quad(ox.NamedNode(f"{EX}s{i}"), p, ox.Literal(text, language="en")))
    data.add(ox.Quad(ox.BlankNode("b"), p, ox.Triple(ox.NamedNode(EX + "a"), p, ox.Literal("x"))))
    fmt = ox.QueryResultsFormat.from_media_type(media_type)
    assert fmt is not None
    for query, expected in [
        ("SELECT ?s ?o ?none { ?s ?p ?o OPTIONAL { ?s <urn:none> ?none } }", 11),
        ("SELECT ?o { ?s ?p ?o } LIMIT 3", 3),
        ("SELECT ?x { FILTER(false) }", 0),
        ("SELECT * {}", 1),
        ("SELECT * { VALUES ?x { UNDEF UNDEF } }", 2),
    ]:
        body = data.query(query).serialize(format=fmt)  # type: ignore[union-attr]
        assert body is not None
        assert count_rows(body, media_type) == expected, (query, body)


def test_a_syntax_error_points_into_the_query_as_sent() -> None:
    """The row cap adds a LIMIT to the text; errors still point into the client's text."""
    text = "SELECT * {\n  ?s ?p \n}"
    with pytest.raises(SyntaxError) as direct:
        ox.Store().query(text)
    store = open_store(quiet_settings(query_workers=0), LIBRARY)
    try:
        with pytest.raises(QuerySyntaxError) as error:
            store.query(QueryRequest(text))
        assert error.value.position is not None
        assert f"{error.value.position[0]}:{error.value.position[1]}" in str(direct.value)
    finally:
        store.close()


def test_select_star_keeps_its_column_order_in_every_format(tmp_path: Path) -> None:
    """Columns of SELECT * come in order of first appearance, whichever writer is used
    (Oxigraph's own, for which the columns are spelled out, or Python's, taken when the
    text is not rewritten: here because of a codepoint escape), capped alike."""
    data = tmp_path / "unique.trig"
    data.write_text(UNIQUE_TRIG)
    store = open_store(quiet_settings(query_workers=0, cache_dir=tmp_path), [data])
    query = "SELECT * { ?z ?y ?x FILTER(isIRI(?x)) } ORDER BY ?z ?y"
    escaped = query.replace("isIRI(?x)", 'isIRI(?x) && STR(?x) != "\\u0041"')
    try:
        for text in (query, escaped):
            for media_type in ("application/sparql-results+json", "text/tab-separated-values"):
                whole = store.query(QueryRequest(text, media_type=media_type))
                table = parse_results(whole.body, media_type)
                assert table.variables == ["z", "y", "x"]
                assert (whole.size, whole.truncated) == (len(table.rows), False) == (5, False)
                capped = store.query(QueryRequest(text, media_type=media_type, max_rows=2))
                assert parse_results(capped.body, media_type).rows == table.rows[:2]
                assert (capped.size, capped.truncated) == (2, True)
    finally:
        store.close()
