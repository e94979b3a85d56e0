"""Real SPARQL clients against the running server get the same answers as an in-process
query over the same files (rdflib, a different engine, as the reference)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, POST, POSTDIRECTLY, RDFXML, TSV, TURTLE, XML
from SPARQLWrapper import SPARQLWrapper as Wrapper

from tests.web.conftest import LIBRARY, LiveServer, live_server
from tests.web.w3c import parse_csv, parse_tsv

pytestmark = [
    pytest.mark.xdist_group("clients"),
    # SPARQLWrapper itself still builds ConjunctiveGraphs.
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
]

PREFIXES = """PREFIX ex: <http://example.org/>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
"""
SELECTS = {
    "books": "SELECT ?b ?title WHERE { ?b a ex:Book ; dct:title ?title }",
    "names": "SELECT ?p ?name WHERE { ?p foaf:name ?name }",
    "optional": "SELECT ?b ?price WHERE { ?b a ex:Book OPTIONAL { ?b ex:price ?price } }",
    "count": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }",
    "graphs": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "note": "SELECT ?c WHERE { ex:note1 ?p ?c FILTER(isLiteral(?c)) }",
}
ASKS = {
    "yes": "ASK { ex:book1 ex:recommendedBy ex:herbert }",
    "no": "ASK { ex:herbert ex:recommendedBy ex:book1 }",
}
CONSTRUCT = (
    "CONSTRUCT { ?b ex:by ?c . ?c foaf:name ?n } WHERE { ?b dct:creator ?c . ?c foaf:name ?n }"
)

Row = tuple[Any, ...]


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with live_server(LIBRARY) as live:
        yield live


@pytest.fixture(scope="module")
def local() -> Dataset:
    """The same files in rdflib, in this process (default graph = union, like the server)."""
    dataset = Dataset(default_union=True)
    for path in LIBRARY:
        dataset.parse(path)
    return dataset


def key(term: Any) -> Any:
    """A comparable form of a term from any client (blank nodes all alike)."""
    if term is None:
        return None
    if isinstance(term, dict):  # SPARQL JSON
        kind = term["type"]
        if kind == "bnode":
            return ("bnode",)
        if kind == "uri":
            return ("uri", term["value"])
        datatype = term.get("datatype")
        return ("literal", term["value"], datatype, term.get("xml:lang"))
    if isinstance(term, BNode):
        return ("bnode",)
    if isinstance(term, URIRef):
        return ("uri", str(term))
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype else None
        return ("literal", str(term), datatype, term.language)
    raise TypeError(term)


def in_process(local: Dataset, query: str) -> list[Row]:
    return sorted((tuple(key(v) for v in row) for row in local.query(PREFIXES + query)), key=repr)


def via_json(payload: dict[str, Any]) -> list[Row]:
    variables = payload["head"]["vars"]
    return sorted(
        (tuple(key(b.get(v)) for v in variables) for b in payload["results"]["bindings"]),
        key=repr,
    )


def wrapper(server: LiveServer, query: str, fmt: str, method: str | None = None) -> Wrapper:
    client = Wrapper(server.endpoint)
    client.setQuery(PREFIXES + query)
    client.setReturnFormat(fmt)
    if method == POST:
        client.setMethod(POST)
    elif method == POSTDIRECTLY:
        client.setMethod(POST)
        client.setRequestMethod(POSTDIRECTLY)
    return client


@pytest.mark.parametrize("method", [None, POST, POSTDIRECTLY], ids=["GET", "POST", "POSTDIRECTLY"])
@pytest.mark.parametrize("name", list(SELECTS))
def test_sparqlwrapper_select_json(
    server: LiveServer, local: Dataset, name: str, method: str | None
) -> None:
    result = wrapper(server, SELECTS[name], JSON, method).queryAndConvert()
    assert isinstance(result, dict)
    assert via_json(result) == in_process(local, SELECTS[name])


@pytest.mark.parametrize("name", list(SELECTS))
def test_sparqlwrapper_select_xml(server: LiveServer, local: Dataset, name: str) -> None:
    document = wrapper(server, SELECTS[name], XML).queryAndConvert()
    rows = []
    for result in document.getElementsByTagName("result"):  # type: ignore[union-attr]
        row: dict[str, Any] = {}
        for binding in result.getElementsByTagName("binding"):
            (node,) = [n for n in binding.childNodes if n.nodeType == n.ELEMENT_NODE]
            text = node.firstChild.data if node.firstChild else ""
            if node.tagName == "literal":
                row[binding.getAttribute("name")] = {
                    "type": "literal",
                    "value": text,
                    **(
                        {"datatype": node.getAttribute("datatype")}
                        if node.hasAttribute("datatype")
                        else {}
                    ),
                    **(
                        {"xml:lang": node.getAttribute("xml:lang")}
                        if node.hasAttribute("xml:lang")
                        else {}
                    ),
                }
            else:
                row[binding.getAttribute("name")] = {"type": node.tagName, "value": text}
        rows.append(row)
    variables = [v.getAttribute("name") for v in document.getElementsByTagName("variable")]  # type: ignore[union-attr]
    payload = {"head": {"vars": variables}, "results": {"bindings": rows}}
    assert via_json(payload) == in_process(local, SELECTS[name])


@pytest.mark.parametrize("fmt", [CSV, TSV])
def test_sparqlwrapper_csv_tsv(server: LiveServer, local: Dataset, fmt: str) -> None:
    body = wrapper(server, SELECTS["books"], fmt).queryAndConvert()
    assert isinstance(body, bytes)
    table = parse_csv(body) if fmt == CSV else parse_tsv(body)
    assert table.variables == ["b", "title"]
    expected = {(str(b), str(t)) for b, t in local.query(PREFIXES + SELECTS["books"])}  # type: ignore[misc]
    got = {(row[0][1], row[1][1]) for row in table.rows}  # type: ignore[index]
    assert got == expected


@pytest.mark.parametrize("name", list(ASKS))
def test_sparqlwrapper_ask(server: LiveServer, local: Dataset, name: str) -> None:
    for fmt in (JSON, XML):
        result = wrapper(server, ASKS[name], fmt).queryAndConvert()
        answer = (
            result["boolean"]
            if fmt == JSON
            # type: ignore[index]
            else (
                result.getElementsByTagName("boolean")[0].firstChild.data == "true"  # type: ignore[union-attr]
            )
        )
        assert answer == local.query(PREFIXES + ASKS[name]).askAnswer


@pytest.mark.parametrize("fmt", [TURTLE, RDFXML, JSONLD, XML])
def test_sparqlwrapper_construct(server: LiveServer, local: Dataset, fmt: str) -> None:
    result = wrapper(server, CONSTRUCT, fmt).queryAndConvert()
    if isinstance(result, bytes):
        result = Graph().parse(data=result, format="turtle")
    assert isinstance(result, Graph)
    expected = local.query(PREFIXES + CONSTRUCT).graph
    assert expected is not None and len(expected) == 4
    assert isomorphic(result, expected)


def test_rdflib_sparqlstore(server: LiveServer, local: Dataset) -> None:
    remote = Graph(store=SPARQLStore(query_endpoint=server.endpoint))
    for query in SELECTS.values():
        got = sorted(
            (tuple(key(v) for v in row) for row in remote.query(PREFIXES + query)), key=repr
        )
        assert got == in_process(local, query), query
    for query in ASKS.values():
        assert remote.query(PREFIXES + query).askAnswer == local.query(PREFIXES + query).askAnswer
    book = URIRef("http://example.org/Book")
    rdf_type = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    assert set(remote.triples((None, rdf_type, book))) == set(local.triples((None, rdf_type, book)))
    assert len(remote) == len(set(local.triples((None, None, None))))


def test_rdflib_sparqlstore_post(server: LiveServer, local: Dataset) -> None:
    remote = Graph(store=SPARQLStore(query_endpoint=server.endpoint, method="POST"))
    got = sorted(
        (tuple(key(v) for v in row) for row in remote.query(PREFIXES + SELECTS["names"])), key=repr
    )
    assert got == in_process(local, SELECTS["names"])


def test_json_answers_are_plain_json(server: LiveServer) -> None:
    """Any HTTP client can read the default format."""
    import requests

    response = requests.get(server.endpoint, params={"query": "SELECT * { ?s ?p ?o } LIMIT 2"})
    assert json.loads(response.text)["head"]["vars"] == ["s", "p", "o"]
