"""The W3C result-format tests (json-res, csv-tsv-res), over HTTP, on both engines.

Each test's data file is loaded as a named graph, and its query is sent with
``default-graph-uri`` naming that graph (which also checks that the dataset parameter
really restricts the query). Answers are compared as data, blank nodes up to renaming,
in order (every query has ORDER BY):

* rdflib engine: JSON terms exactly; TSV terms exactly except that numbers compare by
  value (the expected file itself writes the data's ``1.0E6`` as ``1.0e6``); CSV cells
  exactly, text for text.
* Oxigraph engine: Oxigraph stores numeric literals by value (oxigraph/oxigraph#526), so
  its SELECT answers give canonical numbers and ``xsd:integer`` for integer subtypes
  (csv03/tsv03: ``1000000`` for ``1.0E6``, ``-3`` for ``"-3"^^xsd:negativeInteger``).
  Numbers therefore compare by value and integer subtypes as integers
  (:func:`tests.web.w3c.by_value`); everything else as for rdflib. The difference is
  documented in the README's endpoint section.

The endpoint is asked through Flask's test client over the real store: the result formats
are the app's and need no socket (the W3C protocol suite's smoke test covers the live
server).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import AppServer, app_server, w3c_dir
from tests.web.w3c import ResultFormatTest, by_value, parse_results, result_format_tests

pytestmark = pytest.mark.xdist_group("w3c-results")

JSON_TESTS = result_format_tests(w3c_dir("json-res") / "manifest.ttl")
CSV_TSV_TESTS = result_format_tests(w3c_dir("csv-tsv-res") / "manifest.ttl")
MEDIA_TYPES = {
    ".srj": "application/sparql-results+json",
    ".srx": "application/sparql-results+xml",
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
}


def graph_iri(data: Path) -> str:
    return f"urn:w3c:{data.parent.name}/{data.name}"


@pytest.fixture(scope="module")
def server(engine: str) -> Iterator[AppServer]:
    files = sorted({t.data for t in JSON_TESTS + CSV_TSV_TESTS})
    with app_server([f"{f}={graph_iri(f)}" for f in files], engine=engine) as app:
        yield app


def run(server: AppServer, test: ResultFormatTest) -> None:
    media_type = MEDIA_TYPES[test.result.suffix]
    response = server.get(
        server.endpoint,
        params={"query": test.query.read_text(), "default-graph-uri": graph_iri(test.data)},
        headers={"Accept": media_type},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].split(";")[0] == media_type
    expected = parse_results(test.result.read_bytes(), media_type)
    got = parse_results(response.content, media_type)
    ordered = "ORDER BY" in test.query.read_text().upper()
    key = by_value if server.settings.engine == "oxigraph" else None
    assert got.same_as(expected, ordered=ordered, key=key), (
        f"\nexpected {expected}\n     got {got}\nbody:\n{response.text}"
    )
    if media_type == "text/csv":
        # The CSV format's own rules: CRLF line ends, header without '?'.
        assert response.content.endswith(b"\r\n")
        assert response.content.split(b"\r\n", 1)[0] == b",".join(
            v.encode() for v in expected.variables
        )


def test_the_manifests_have_4_json_and_6_csv_tsv_tests() -> None:
    assert len(JSON_TESTS) == 4
    assert len(CSV_TSV_TESTS) == 6


@pytest.mark.parametrize("test", JSON_TESTS, ids=lambda t: t.name)
def test_json_results(server: AppServer, test: ResultFormatTest) -> None:
    run(server, test)


@pytest.mark.parametrize("test", CSV_TSV_TESTS, ids=lambda t: t.name)
def test_csv_tsv_results(server: AppServer, test: ResultFormatTest) -> None:
    run(server, test)


@pytest.mark.parametrize("test", JSON_TESTS, ids=lambda t: t.name)
def test_the_same_answers_in_xml(server: AppServer, test: ResultFormatTest) -> None:
    """No XML result files ship with these suites: XML must say what JSON says."""
    params = {"query": test.query.read_text(), "default-graph-uri": graph_iri(test.data)}
    as_json = server.get(server.endpoint, params={**params, "format": "json"}, timeout=30)
    as_xml = server.get(server.endpoint, params={**params, "format": "xml"}, timeout=30)
    assert as_xml.headers["Content-Type"] == "application/sparql-results+xml"
    json_table = parse_results(as_json.content, "application/sparql-results+json")
    xml_table = parse_results(as_xml.content, "application/sparql-results+xml")
    assert xml_table.same_as(json_table, ordered=True)


def test_the_dataset_parameter_restricts_the_query(server: AppServer) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    counts = {}
    for data in sorted({t.data for t in JSON_TESTS + CSV_TSV_TESTS}):
        response = server.get(
            server.endpoint,
            params={"query": query, "default-graph-uri": graph_iri(data)},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        )
        counts[data.parent.name + "/" + data.name] = int(
            response.json()["results"]["bindings"][0]["n"]["value"]
        )
    assert counts == {"csv-tsv-res/data.ttl": 6, "csv-tsv-res/data2.ttl": 7, "json-res/data.ttl": 6}
