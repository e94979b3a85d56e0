"""Publishing to a real SPARQL store and reading it back through the same Store interface."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from r2p_graph.config import Settings
from r2p_graph.pipeline.build import ensure_build
from r2p_graph.publish import PublishError, live_version, publish
from r2p_graph.queries import competency_queries
from r2p_graph.store import QueryRequest, QueryTimeout, StoreUnavailable
from r2p_graph.store.remote import RemoteStore

from .conftest import OxigraphServer

pytestmark = [pytest.mark.xdist_group("oxigraph"), pytest.mark.slow]


@pytest.fixture(scope="module")
def published(oxigraph: OxigraphServer, settings: Settings) -> str:
    return publish(settings, oxigraph.update_url).version


def embedded_answer(nquads: Path, text: str) -> list[dict[str, str]]:
    store = ox.Store()
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    result = store.query(text, use_default_graph_as_union=True)
    out = io.BytesIO()
    result.serialize(out, ox.QueryResultsFormat.JSON)
    return canonical(out.getvalue())


def canonical(body: bytes) -> list[dict[str, str]]:
    rows = json.loads(body)["results"]["bindings"]
    return sorted(
        ({k: v["value"] for k, v in row.items()} for row in rows), key=lambda r: sorted(r.items())
    )


def test_competency_answers_match_embedded(
    oxigraph: OxigraphServer, settings: Settings, published: str
) -> None:
    store = RemoteStore(oxigraph.query_url, base_iri=settings.base_iri)
    nquads = ensure_build(settings)
    for query in competency_queries():
        remote = store.query(QueryRequest(text=query.text))
        assert canonical(remote.body) == embedded_answer(nquads, query.text), query.name
    assert live_version(oxigraph.query_url, settings) == published


def test_only_published_graphs_are_served(
    oxigraph: OxigraphServer, settings: Settings, published: str
) -> None:
    import requests

    # Someone else's graph in the same store stays invisible to our queries.
    requests.post(
        oxigraph.update_url,
        data="INSERT DATA { GRAPH <http://example.org/other> { "
        "<http://example.org/x> a <http://example.org/Secret> } }",
        headers={"Content-Type": "application/sparql-update"},
        timeout=10,
    ).raise_for_status()
    store = RemoteStore(oxigraph.query_url, base_iri=settings.base_iri)
    assert all(g.startswith(settings.base_iri + "graph/") for g in store.graph_names())
    answer = store.query(QueryRequest(text="ASK { ?x a <http://example.org/Secret> }"))
    assert json.loads(answer.body)["boolean"] is False
    # ... and so does the control graph that records the version.
    assert settings.base_iri + "graph/meta" not in store.graph_names()


def test_row_cap_and_formats(oxigraph: OxigraphServer, settings: Settings, published: str) -> None:
    store = RemoteStore(oxigraph.query_url, base_iri=settings.base_iri)
    capped = store.query(
        QueryRequest(text="SELECT ?s WHERE { ?s ?p ?o }", max_rows=5, media_type="text/csv")
    )
    assert capped.truncated and capped.size == 5
    assert len(capped.body.decode().strip().splitlines()) == 6  # header + 5 rows
    graph = store.query(
        QueryRequest(
            text="CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3",
            media_type="application/n-triples",
        )
    )
    assert (
        graph.form == "CONSTRUCT"
        and len(list(ox.parse(graph.body, format=ox.RdfFormat.N_TRIPLES))) == 3
    )


def test_interrupted_publish_leaves_the_live_version(
    oxigraph: OxigraphServer, settings: Settings, published: str, tmp_path: Path
) -> None:
    store = RemoteStore(oxigraph.query_url, base_iri=settings.base_iri)
    before = store.stats()
    # A different dataset: the build plus one extra statement, published in small chunks.
    changed = tmp_path / "changed.nq"
    extra = (
        f'<{settings.base_iri}id/state/ZZZ> <http://www.w3.org/2000/01/rdf-schema#label> "Nowhere" '
        f"<{settings.base_iri}graph/asserted> .\n"
    )
    changed.write_bytes(ensure_build(settings).read_bytes() + extra.encode())

    class Crash(Exception):
        pass

    def crash_after_first_chunk(sent: int) -> None:
        raise Crash

    with pytest.raises(Crash):
        publish(
            settings,
            oxigraph.update_url,
            source=changed,
            chunk_size=500,
            on_chunk=crash_after_first_chunk,
        )
    # Readers still see the previous complete version, not half of the new one.
    assert live_version(oxigraph.query_url, settings) == published
    assert store.stats().graphs == before.graphs
    ask = f"ASK {{ <{settings.base_iri}id/state/ZZZ> ?p ?o }}"
    assert json.loads(store.query(QueryRequest(text=ask)).body)["boolean"] is False

    # The next complete publish replaces it and clears the orphaned staging graphs.
    result = publish(settings, oxigraph.update_url, source=changed, chunk_size=2000)
    assert live_version(oxigraph.query_url, settings) == result.version != published
    assert json.loads(store.query(QueryRequest(text=ask)).body)["boolean"] is True
    import requests

    graphs = requests.post(
        oxigraph.query_url,
        data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g {} }"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=10,
    ).json()["results"]["bindings"]
    assert not [g for g in graphs if "/staging/" in g["g"]["value"]]
    # Put the real build back for the other tests.
    publish(settings, oxigraph.update_url)


def test_publish_to_nowhere_is_a_clear_error(settings: Settings) -> None:
    from .conftest import free_port

    with pytest.raises(PublishError, match="cannot reach the store"):
        publish(settings, f"http://127.0.0.1:{free_port()}/update", timeout=2)


def test_store_down_then_back(oxigraph: OxigraphServer, settings: Settings, published: str) -> None:
    store = RemoteStore(oxigraph.query_url, base_iri=settings.base_iri)
    request = QueryRequest(text="ASK { ?s ?p ?o }", timeout=5)
    assert json.loads(store.query(request).body)["boolean"] is True
    oxigraph.stop()
    try:
        with pytest.raises(StoreUnavailable, match="cannot be reached"):
            store.query(request)
        store._ready = None  # forget the remembered answer
        assert store.ready() is False
    finally:
        oxigraph.start()
    # Back without recreating the store object (no server restart needed).
    assert json.loads(store.query(request).body)["boolean"] is True


def test_slow_store_honours_the_deadline(
    oxigraph: OxigraphServer, settings: Settings, published: str
) -> None:

    from .slow_proxy import SlowProxy

    with SlowProxy(oxigraph.port, delay=5.0) as proxy:
        store = RemoteStore(f"http://127.0.0.1:{proxy.port}/query", base_iri=settings.base_iri)
        # The store answers after 5 s; a timeout means the 1 s deadline was kept.
        with pytest.raises(QueryTimeout):
            store.query(
                QueryRequest(
                    text="ASK { ?s ?p ?o }",
                    default_graphs=(settings.base_iri + "graph/asserted",),
                    timeout=1.0,
                )
            )


def test_switch_without_an_answer_is_reported_as_unconfirmed(settings: Settings) -> None:
    """When the request that switches versions gets no answer, the store may still apply
    it (Oxigraph does): publish must not claim the live version is unchanged."""
    from r2p_graph.publish import SwitchUnconfirmed

    class NoAnswerToTheSwitch(requests.Session):
        def post(self, url, data=None, **kwargs):  # type: ignore[override]
            if b"MOVE SILENT GRAPH" in data:
                raise requests.Timeout("read timed out")
            response = requests.Response()
            response.status_code = 204
            return response

    with pytest.raises(SwitchUnconfirmed, match="may still apply it") as caught:
        publish(settings, "http://127.0.0.1:9/update", session=NoAnswerToTheSwitch())
    assert "unchanged" not in str(caught.value)
