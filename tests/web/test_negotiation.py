"""Content negotiation: q-values, wildcards, q=0, aliases, 406 and Vary (after
Oxigraph's Accept edge-case tests)."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from r2p_graph.store import formats
from r2p_graph.web.negotiation import format_names, from_format_param, negotiate
from tests.web.conftest import AppServer

pytestmark = pytest.mark.xdist_group("library")

JSON, XML, CSV, TSV = formats.RESULT_TYPES
TURTLE, NT, JSONLD, RDFXML = formats.GRAPH_TYPES


def best(header: str | None, offers: tuple[str, ...]) -> str | None:
    accept = parse_accept_header(header, MIMEAccept) if header is not None else None
    return negotiate(accept, offers)


@pytest.mark.parametrize(
    ("header", "results", "graphs"),
    [
        (None, JSON, TURTLE),  # no header: the server's first choice
        ("", JSON, TURTLE),
        ("*/*", JSON, TURTLE),
        ("*", JSON, TURTLE),
        ("application/sparql-results+xml", XML, None),
        ("text/csv", CSV, None),
        ("text/tab-separated-values", TSV, None),
        ("text/turtle", None, TURTLE),
        ("application/n-triples", None, NT),
        ("application/ld+json", None, JSONLD),
        ("application/rdf+xml", None, RDFXML),
        # aliases
        ("application/json", JSON, JSONLD),
        ("application/xml", XML, RDFXML),
        ("text/xml", XML, RDFXML),
        ("text/plain", None, NT),
        ("application/x-turtle", None, TURTLE),
        # q-values and order
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", XML, None),
        ("text/csv, application/sparql-results+xml", XML, None),  # ties: server order
        ("text/turtle;q=0.1, application/rdf+xml", None, RDFXML),
        # wildcards
        ("text/*", CSV, TURTLE),
        ("application/*", JSON, NT),
        ("application/*;q=0.2, text/*", CSV, TURTLE),
        # q=0 excludes, even under a wildcard
        ("*/*, application/sparql-results+json;q=0", XML, TURTLE),
        ("*/*;q=0.1, text/turtle;q=0", JSON, NT),
        ("application/json;q=0, */*", XML, TURTLE),
        ("*/*;q=0", None, None),
        ("text/turtle;q=0, text/*", CSV, None),
        # parameters on ranges are ignored for matching
        ("text/turtle; charset=utf-8", None, TURTLE),
        # nothing acceptable
        ("image/png", None, None),
        ("text/html", None, None),
        # a browser
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", XML, RDFXML),
        # SPARQLWrapper (JSON) and rdflib's SPARQLStore (XML)
        (
            "application/sparql-results+json,application/json,text/javascript,"
            "application/javascript",
            JSON,
            JSONLD,
        ),
        ("application/sparql-results+xml, application/rdf+xml", XML, RDFXML),
    ],
)
def test_accept(header: str | None, results: str | None, graphs: str | None) -> None:
    assert best(header, formats.RESULT_TYPES) == results
    assert best(header, formats.GRAPH_TYPES) == graphs


@pytest.mark.parametrize(
    ("values", "offers", "expected"),
    [
        (["json"], formats.RESULT_TYPES, JSON),
        (["xml"], formats.RESULT_TYPES, XML),
        (["CSV"], formats.RESULT_TYPES, CSV),
        (["tsv", "text/tab-separated-values"], formats.RESULT_TYPES, TSV),
        (["text/csv"], formats.RESULT_TYPES, CSV),
        (["xml"], formats.GRAPH_TYPES, RDFXML),
        (["json"], formats.GRAPH_TYPES, JSONLD),
        (["json-ld", "application/ld+json"], formats.GRAPH_TYPES, JSONLD),
        (["n3"], formats.GRAPH_TYPES, TURTLE),
        (["ttl"], formats.GRAPH_TYPES, TURTLE),
        (["nt"], formats.GRAPH_TYPES, NT),
        (["rdf+xml", ""], formats.GRAPH_TYPES, RDFXML),
        (["", "turtle"], formats.GRAPH_TYPES, TURTLE),
        (["csv"], formats.GRAPH_TYPES, None),
        (["png"], formats.RESULT_TYPES, None),
    ],
)
def test_format_parameter(values: list[str], offers: tuple[str, ...], expected: str | None) -> None:
    assert from_format_param(values, offers) == expected


def test_format_names_for_messages() -> None:
    assert format_names(formats.RESULT_TYPES) == ["csv", "json", "srj", "srx", "tsv", "xml"]
    assert "turtle" in format_names(formats.GRAPH_TYPES)


def test_vary_and_406_over_http(library_app: AppServer) -> None:
    url = library_app.endpoint
    ok = library_app.get(url, params={"query": "ASK {}"}, headers={"Accept": "text/csv"})
    assert ok.status_code == 200 and ok.headers["Vary"] == "Accept"
    assert ok.headers["Content-Type"] == "text/csv; charset=utf-8"
    refused = library_app.get(
        url, params={"query": "SELECT * {}"}, headers={"Accept": "text/turtle"}, timeout=30
    )
    assert refused.status_code == 406
    assert refused.headers["Vary"] == "Accept"
    assert "application/sparql-results+json" in refused.text
    graph = library_app.get(
        url,
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert graph.status_code == 406
    assert "text/turtle" in graph.text


def test_format_parameter_overrides_accept(library_app: AppServer) -> None:
    response = library_app.get(
        library_app.endpoint,
        params={"query": "SELECT * { ?s ?p ?o } LIMIT 1", "format": "tsv"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert response.headers["Content-Type"].startswith("text/tab-separated-values")
    bad = library_app.get(
        library_app.endpoint,
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "csv"},
        timeout=30,
    )
    assert bad.status_code == 406
    assert "turtle" in bad.text
