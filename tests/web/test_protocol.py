"""Protocol details beyond the W3C manifest, on both engines: which graphs a query sees,
every result format, base IRI, exact literals, the service description route."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from rdflib import Graph, Literal, URIRef

from tests.web.conftest import DATA, LIBRARY, AppServer, app_server
from tests.web.w3c import parse_results

pytestmark = pytest.mark.xdist_group("protocol")

EX = "http://example.org/"
BOOKS = EX + "graph/books"
PEOPLE = EX + "graph/people"
PREFIX = f"PREFIX ex: <{EX}> "
XSD_NS = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def server(engine: str) -> Iterator[AppServer]:
    """The protocol needs no socket: Flask's test client over the real store."""
    with app_server([*LIBRARY, DATA / "numbers.ttl"], engine=engine) as app:
        yield app


def ask(server: AppServer, query: str, **params: str | list[str]) -> bool:
    response = server.get(server.endpoint, params={"query": PREFIX + query, **params}, timeout=30)
    assert response.status_code == 200, response.text
    answer = response.json()["boolean"]
    assert isinstance(answer, bool)
    return answer


def select(server: AppServer, query: str, **params: str | list[str]) -> list[dict[str, str]]:
    response = server.get(server.endpoint, params={"query": PREFIX + query, **params}, timeout=30)
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]


def count(server: AppServer, pattern: str, **params: str | list[str]) -> int:
    rows = select(server, f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}", **params)
    return int(rows[0]["n"])


# --------------------------------------------------------------------------- datasets


def test_default_graph_is_the_merge_of_all_graphs(server: AppServer) -> None:
    assert ask(server, "ASK { ex:book1 a ex:Book . ex:herbert a ?person . ex:note1 ?p ?o }")
    # ex:book2 a ex:Book is stated in two graphs: the merge holds it once.
    assert count(server, "?s a ex:Book") == 3


def test_graph_sees_named_graphs_only(server: AppServer) -> None:
    graphs = {r["g"] for r in select(server, "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }")}
    assert graphs == {BOOKS, PEOPLE}


def test_default_graph_uri_restricts_the_query(server: AppServer) -> None:
    assert ask(server, "ASK { ex:book1 ?p ?o }", **{"default-graph-uri": BOOKS})
    assert not ask(server, "ASK { ex:herbert ?p ?o }", **{"default-graph-uri": BOOKS})
    assert not ask(server, "ASK { ex:note1 ?p ?o }", **{"default-graph-uri": BOOKS})
    # ...and leaves no named graph unless named-graph-uri says so
    assert not ask(server, "ASK { GRAPH ?g { ?s ?p ?o } }", **{"default-graph-uri": BOOKS})


def test_several_default_graphs_are_merged_as_a_set(server: AppServer) -> None:
    both = {"default-graph-uri": [BOOKS, PEOPLE]}
    assert count(server, "?s a ex:Book", **both) == 3
    assert ask(server, "ASK { ex:book1 ?p ?o . ex:herbert ?q ?r }", **both)
    assert not ask(server, "ASK { ex:note1 ?p ?o }", **both)
    # The merge is cached inside the worker, never visible as a graph.
    graphs = {r["g"] for r in select(server, "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }")}
    assert graphs == {BOOKS, PEOPLE}


def test_named_graph_uri_restricts_graph(server: AppServer) -> None:
    rows = select(
        server, "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }", **{"named-graph-uri": PEOPLE}
    )
    assert {r["g"] for r in rows} == {PEOPLE}
    assert not ask(server, "ASK { ?s ?p ?o }", **{"named-graph-uri": PEOPLE})  # empty default
    assert not ask(
        server, f"ASK {{ GRAPH <{BOOKS}> {{ ?s ?p ?o }} }}", **{"named-graph-uri": PEOPLE}
    )


def test_from_and_from_named_select_loaded_graphs(server: AppServer) -> None:
    assert ask(server, f"ASK FROM <{PEOPLE}> {{ ex:herbert ?p ?o }}")
    assert not ask(server, f"ASK FROM <{PEOPLE}> {{ ex:book3 ?p ?o }}")
    from_named = " ".join(
        ["SELECT DISTINCT ?g", f"FROM NAMED <{BOOKS}>", "{ GRAPH ?g { ?s ?p ?o } }"]
    )
    rows = select(server, from_named)
    assert {r["g"] for r in rows} == {BOOKS}


def test_protocol_dataset_overrides_from(server: AppServer) -> None:
    query = f"ASK FROM <{PEOPLE}> {{ ex:book3 ?p ?o }}"
    assert ask(server, query, **{"default-graph-uri": BOOKS})


def test_unknown_graphs_are_empty(server: AppServer) -> None:
    assert not ask(server, "ASK { ?s ?p ?o }", **{"default-graph-uri": EX + "nothing"})
    assert count(server, f"GRAPH <{EX}nothing> {{ ?s ?p ?o }}") == 0


# --------------------------------------------------------------------------- formats


@pytest.mark.parametrize(
    "media_type",
    [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ],
)
def test_select_formats_agree(server: AppServer, media_type: str) -> None:
    query = (
        PREFIX
        + "SELECT ?b ?t WHERE { ?b a ex:Book "
        + "OPTIONAL { ?b <http://purl.org/dc/terms/title> ?t } } ORDER BY ?b"
    )
    response = server.get(
        server.endpoint, params={"query": query}, headers={"Accept": media_type}, timeout=30
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == media_type
    table = parse_results(response.content, media_type)
    assert table.variables == ["b", "t"]
    assert len(table.rows) == 3
    texts = [row[1][1] if row[1] else None for row in table.rows]
    assert texts == ["Le Petit Prince", "Dune", 'Untitled "draft", with\ttab']


@pytest.mark.parametrize(
    ("media_type", "parser"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_graph_formats_agree(server: AppServer, media_type: str, parser: str) -> None:
    query = PREFIX + "CONSTRUCT { ?b ?p ?o } WHERE { ?b a ex:Book ; ?p ?o }"
    response = server.get(
        server.endpoint, params={"query": query}, headers={"Accept": media_type}, timeout=30
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == media_type
    graph = Graph().parse(data=response.content, format=parser)
    assert len(graph) == 14
    assert (URIRef(EX + "book2"), URIRef(EX + "pages"), Literal(412)) in graph


def test_describe(server: AppServer) -> None:
    response = server.get(
        server.endpoint, params={"query": f"DESCRIBE <{EX}herbert>"}, timeout=30
    )
    assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"
    graph = Graph().parse(data=response.content, format="turtle")
    assert (URIRef(EX + "herbert"), None, None) in graph


def test_ask_in_every_result_format(server: AppServer) -> None:
    for media_type, expected in [
        ("application/sparql-results+json", b'"boolean": true'),
        ("application/sparql-results+xml", b"<boolean>true</boolean>"),
        ("text/csv", b"true"),
        ("text/tab-separated-values", b"true"),
    ]:
        response = server.get(
            server.endpoint,
            params={"query": "ASK { ?s ?p ?o }"},
            headers={"Accept": media_type},
            timeout=30,
        )
        assert response.status_code == 200
        assert expected in response.content.replace(b'":true', b'": true')


def test_relative_iris_resolve_against_the_endpoint(server: AppServer) -> None:
    response = server.post(
        server.endpoint,
        data=b"CONSTRUCT { <s> <p> 1 } WHERE {}",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/n-triples"},
        timeout=30,
    )
    assert response.text.startswith(f"<{server.url}/s> <{server.url}/p> ")


def test_post_form_and_direct_and_get_agree(server: AppServer) -> None:
    query = PREFIX + "SELECT ?n WHERE { ?p <http://xmlns.com/foaf/0.1/name> ?n } ORDER BY ?n"
    answers = [
        server.get(server.endpoint, params={"query": query}, timeout=30),
        server.post(server.endpoint, data={"query": query}, timeout=30),
        server.post(
            server.endpoint,
            data=query.encode(),
            headers={"Content-Type": "application/sparql-query; charset=UTF-8"},
            timeout=30,
        ),
        server.post(server.endpoint + "/", data={"query": query}, timeout=30),
    ]
    bodies = {json.dumps(a.json(), sort_keys=True) for a in answers}
    assert len(bodies) == 1
    names = [b["n"]["value"] for b in answers[0].json()["results"]["bindings"]]
    assert names == ["Anonymous", "Antoine de Saint-Exupéry", "Frank Herbert"]


def test_head_answers_like_get(server: AppServer) -> None:
    response = server.head(server.endpoint, params={"query": "ASK {}"}, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/sparql-results+json"


# --------------------------------------------------------------------------- literals


def test_construct_and_describe_keep_literals_as_written(server: AppServer) -> None:
    """numbers.ttl uses integer subtypes and non-canonical forms; graph answers keep them
    (Oxigraph stores numbers by value, so this needs the engine's restore table)."""
    for query in (
        f"DESCRIBE <{EX}tally>",
        f"CONSTRUCT WHERE {{ <{EX}tally> ?p ?o }}",
    ):
        response = server.get(
            server.endpoint,
            params={"query": query},
            headers={"Accept": "application/n-triples"},
            timeout=30,
        )
        # Compared as text: rdflib would normalize the literals while parsing.
        lines = set(response.text.splitlines())
        tally = f"<{EX}tally>"
        assert f'{tally} <{EX}speakers> "58"^^<{XSD_NS}nonNegativeInteger> .' in lines
        assert f'{tally} <{EX}rank> "1"^^<{XSD_NS}positiveInteger> .' in lines
        assert f'{tally} <{EX}big> "1.0E6"^^<{XSD_NS}double> .' in lines
        assert f'{tally} <{EX}padded> "007"^^<{XSD_NS}integer> .' in lines


def test_select_literals_by_engine(server: AppServer) -> None:
    """rdflib answers with the terms as written; Oxigraph with the same values in canonical
    form, integer subtypes as xsd:integer (documented: oxigraph/oxigraph#526)."""
    response = server.get(
        server.endpoint,
        params={"query": f"SELECT ?o WHERE {{ <{EX}tally> <{EX}speakers> ?o }}"},
        timeout=30,
    )
    (binding,) = response.json()["results"]["bindings"]
    assert binding["o"]["value"] == "58"
    expected = "integer" if server.settings.engine == "oxigraph" else "nonNegativeInteger"
    assert binding["o"]["datatype"] == XSD_NS + expected
    values = select(server, f"SELECT ?o WHERE {{ <{EX}tally> ?p ?o FILTER(?o > 57) }}")
    assert {r["o"] for r in values} >= {"58"}


# --------------------------------------------------------------------------- misc


def test_service_description_on_get_without_query(server: AppServer) -> None:
    response = server.get(server.endpoint, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert "sparql-service-description" in response.text
    assert response.headers["Link"].endswith('rel="describedby"')


def test_post_without_query_is_not_a_service_description(server: AppServer) -> None:
    response = server.post(server.endpoint, data={"default-graph-uri": BOOKS}, timeout=30)
    assert response.status_code == 400
    assert "No query" in response.text


def test_unicode_round_trips(server: AppServer) -> None:
    rows = select(server, 'SELECT ?s WHERE { ?s ?p "Antoine de Saint-Exupéry" }')
    assert rows == [{"s": EX + "saint-exupery"}]


def test_result_size_header(server: AppServer) -> None:
    response = server.get(
        server.endpoint, params={"query": PREFIX + "SELECT ?b { ?b a ex:Book }"}, timeout=30
    )
    assert response.headers["X-R2P-Result-Size"] == "3"
    assert "X-R2P-Results-Truncated" not in response.headers


def test_a_new_server_per_engine_is_independent(engine: str) -> None:
    with app_server([DATA / "notes.ttl"], engine=engine, union_default_graph=False) as app:
        assert count(app, "?s ?p ?o") == 2
        response = app.get(app.endpoint, timeout=30)
        assert "UnionDefaultGraph" not in response.text
