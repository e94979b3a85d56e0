"""The W3C SPARQL 1.1 Protocol tests (protocol/manifest.ttl), run against the app.

The 20 query tests must pass as the manifest says. The 14 update tests are answered with
this endpoint's documented refusal: it is read-only, and every request carrying an
update (an ``update`` parameter or an ``application/sparql-update`` body) gets
**403 Forbidden** with a plain-text explanation; the store is unchanged afterwards.
Update tests whose request is malformed before it even says "update" (a ``text/plain``
body, a form body without Content-Type) get the 400 that any such request gets; the
manifest expects 4xx for those.

Both engines run the whole manifest, through Flask's test client over the real store: the
protocol is the app's, and needs no socket. One smoke test sends a few manifest entries
to a live server too, so the conformance suite also goes through the production HTTP
stack (waitress) that serves the endpoint.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from rdflib import Graph

from tests.web.conftest import (
    KASEI,
    Answer,
    AppServer,
    LiveServer,
    app_server,
    live_server,
    protocol_files,
    w3c_dir,
)
from tests.web.w3c import HttpRequest, ProtocolTest, parse_results, protocol_tests

pytestmark = pytest.mark.xdist_group("w3c-protocol")

TESTS = protocol_tests(w3c_dir("protocol") / "manifest.ttl")
QUERY_TESTS = [t for t in TESTS if not t.is_update_test]
UPDATE_TESTS = [t for t in TESTS if t.is_update_test]

BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
TABULAR_TYPES = BOOLEAN_TYPES | {"text/csv", "text/tab-separated-values"}
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
}


#: The app over its store, with (LiveServer) or without (AppServer) a socket.
Server = AppServer | LiveServer
#: What either answers with.
Response = Answer | requests.Response


@pytest.fixture(scope="module")
def server(engine: str) -> Iterator[AppServer]:
    with app_server(protocol_files(), engine=engine) as app:
        yield app


def send(server: Server, req: HttpRequest) -> Response:
    # "A program using this manifest ... must replace [/sparql/] with whatever path
    # prefix is appropriate for the endpoint being tested."
    path = req.path.replace("/sparql/", "/sparql", 1)
    return server.request(
        req.method, server.url + path, headers=req.headers, data=req.body, timeout=30
    )


def media_type(response: Response) -> str:
    return response.headers.get("Content-Type", "").split(";", 1)[0].strip()


def check_response(req: HttpRequest, response: Response) -> None:
    status_class = str(response.status_code)[0]
    assert status_class in req.statuses, (
        f"{req.method} {req.path}: status {response.status_code}, expected "
        f"{sorted(req.statuses)}xx; body: {response.text[:300]}"
    )
    if req.expected_format == "boolean":
        assert media_type(response) in BOOLEAN_TYPES
        table = parse_results(response.content, media_type(response))
        assert table.boolean is not None
        if req.expected_boolean is not None:
            assert table.boolean is req.expected_boolean
    elif req.expected_format == "tabular":
        assert media_type(response) in TABULAR_TYPES
        parse_results(response.content, media_type(response))
    elif req.expected_format == "RDF":
        assert media_type(response) in RDF_TYPES
        Graph().parse(data=response.content, format=RDF_TYPES[media_type(response)])


def test_the_manifest_has_20_query_and_14_update_tests() -> None:
    assert len(QUERY_TESTS) == 20
    assert len(UPDATE_TESTS) == 14
    assert all(test.requests for test in TESTS)


def test_the_fixtures_are_the_graphs_the_manifest_names() -> None:
    named = {iri for test in TESTS for _, iri in test.graph_data}
    assert named == {f"{KASEI}data{i}.rdf" for i in (1, 2, 3)}
    for path, _ in (pair for test in TESTS for pair in test.graph_data):
        assert path.is_file(), path


@pytest.mark.parametrize("test", QUERY_TESTS, ids=lambda t: t.name)
def test_query(server: AppServer, test: ProtocolTest) -> None:
    for req in test.requests:
        check_response(req, send(server, req))


#: The manifest entries the smoke test sends over a socket: a form POST and a GET.
OVER_A_SOCKET = ["query_post_form", "query_get"]


def test_manifest_entries_over_a_real_socket() -> None:
    """Smoke test: the suite above runs without a socket; these entries go through the
    production HTTP stack (waitress on a loopback port) and must pass there as well."""
    chosen = [t for t in QUERY_TESTS if t.name in OVER_A_SOCKET]
    assert [t.name for t in chosen] == OVER_A_SOCKET
    with live_server(protocol_files()) as live:
        for test in chosen:
            for req in test.requests:
                check_response(req, send(live, req))


def carries_update(req: HttpRequest) -> bool:
    """True when the protocol request says it is an update (and so gets the refusal)."""
    content_type = req.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type == "application/sparql-update":
        return True
    if "update=" in req.path:
        return True
    return content_type == "application/x-www-form-urlencoded" and (req.body or b"").startswith(
        b"update="
    )


@pytest.mark.parametrize("test", UPDATE_TESTS, ids=lambda t: t.name)
def test_update_is_refused(server: AppServer, test: ProtocolTest) -> None:
    first, *follow_ups = test.requests
    response = send(server, first)
    if carries_update(first):
        assert response.status_code == 403, response.text
        assert "read-only" in response.text
        assert response.headers["Content-Type"].startswith("text/plain")
    else:
        # Not recognisably an update (wrong or missing Content-Type): a plain 400.
        assert response.status_code == 400, response.text
    assert "4" in first.statuses or "2" in first.statuses
    for req in follow_ups:
        # The manifest's follow-up ASK checks the update's effect: there must be none.
        after = send(server, req)
        assert after.status_code == 200, after.text
        table = parse_results(after.content, media_type(after))
        assert table.boolean is False


def test_every_update_test_is_answered_with_4xx(server: AppServer) -> None:
    """The summary the README gives: 14/14 update tests refused with a 4xx."""
    statuses = [send(server, t.requests[0]).status_code for t in UPDATE_TESTS]
    assert all(400 <= s < 500 for s in statuses), statuses
    assert statuses.count(403) == sum(carries_update(t.requests[0]) for t in UPDATE_TESTS)
