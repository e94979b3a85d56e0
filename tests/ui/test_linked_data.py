"""Dereferenceable IRIs: 200 + Vary: Accept, content negotiation, ?format=, Link headers, 404."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, SKOS

from tests.ui.conftest import BASE

pytestmark = [pytest.mark.xdist_group("ui"), pytest.mark.slow]

R2P = "https://w3id.org/r2p/def#"
GBR = f"{BASE}id/state/GBR"
MEETING = f"{BASE}id/meeting/ga-2012-09-05"
CHROME_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
RDFLIB = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}


def path_of(iri: str) -> str:
    return "/" + iri[len(BASE) :]


def get(client: FlaskClient, iri: str, accept: str | None = None, **query: str):  # type: ignore[no-untyped-def]
    headers = {"Accept": accept} if accept is not None else {}
    return client.get(path_of(iri), headers=headers, query_string=query)


def parse(body: bytes, media_type: str) -> Graph:
    graph = Graph()
    graph.parse(data=body, format=RDFLIB[media_type])
    return graph


# --- 200 at the IRI itself, negotiated -------------------------------------------------


@pytest.mark.parametrize("media_type", list(RDFLIB))
def test_each_rdf_type_is_served_at_the_iri(client: FlaskClient, media_type: str) -> None:
    response = get(client, GBR, media_type)
    assert response.status_code == 200  # the design is 200 + Vary, never a 303 hop
    assert response.mimetype == media_type
    assert "Accept" in response.headers["Vary"]
    graph = parse(response.data, media_type)
    gbr = URIRef(GBR)
    assert (gbr, URIRef(f"{R2P}countryCode"), Literal("GBR")) in graph


def test_data_is_the_subject_triples_from_every_graph_plus_labels(client: FlaskClient) -> None:
    response = get(client, GBR, "application/n-triples")
    lines = [line for line in response.data.decode().splitlines() if line.strip()]
    assert len(lines) == len(set(lines)), "each triple once, whatever graphs hold it"
    graph = parse(response.data, "application/n-triples")
    gbr = URIRef(GBR)
    meeting = URIRef(MEETING)
    # asserted (reference data) and inferred (owl:inverseOf from the participation record)
    assert (gbr, RDF.type, URIRef(f"{R2P}MemberState")) in graph
    assert (gbr, URIRef(f"{R2P}tookPartIn"), meeting) in graph
    # and the label of what it links to
    assert any(graph.objects(meeting, URIRef("http://www.w3.org/2000/01/rdf-schema#label")))
    # but not the linked resource's other facts
    assert not any(graph.triples((meeting, URIRef(f"{R2P}hasTally"), None)))


def test_curl_default_accept_gets_turtle(client: FlaskClient) -> None:
    for accept in ("*/*", None, ""):
        response = get(client, GBR, accept)
        assert response.status_code == 200
        assert response.mimetype == "text/turtle"
        assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"


def test_browsers_get_html(client: FlaskClient) -> None:
    response = get(client, GBR, CHROME_ACCEPT)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert b"<h1>United Kingdom</h1>" in response.data


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/turtle;q=0.5, application/ld+json;q=0.9", "application/ld+json"),
        ("application/rdf+xml, text/turtle;q=0.8", "application/rdf+xml"),
        ("text/html;q=0.1, application/n-triples;q=0.2", "application/n-triples"),
        ("text/turtle;q=0, */*", "text/html"),
        ("text/*", "text/turtle"),
        ("application/json", "application/ld+json"),
        ("text/plain", "application/n-triples"),
        ("application/xhtml+xml", "text/html"),
    ],
)
def test_q_values_and_aliases(client: FlaskClient, accept: str, expected: str) -> None:
    response = get(client, GBR, accept)
    assert response.status_code == 200
    assert response.mimetype == expected


@pytest.mark.parametrize("accept", ["image/png", "application/pdf, text/csv;q=0.5"])
def test_nothing_acceptable_is_406(client: FlaskClient, accept: str) -> None:
    response = get(client, GBR, accept)
    assert response.status_code == 406
    assert response.headers["Vary"] == "Accept"
    assert 'rel="alternate"; type="text/turtle"' in response.headers["Link"]
    assert b"?format=ttl" in response.data


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("ttl", "text/turtle"),
        ("jsonld", "application/ld+json"),
        ("nt", "application/n-triples"),
        ("rdf", "application/rdf+xml"),
        ("html", "text/html"),
    ],
)
def test_format_parameter_overrides_accept(
    client: FlaskClient, name: str, media_type: str
) -> None:
    response = get(client, GBR, "text/html", format=name)
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert urlsplit(response.headers["Content-Location"]).query == f"format={name}"


def test_unknown_format_is_406(client: FlaskClient) -> None:
    assert get(client, GBR, format="pdf").status_code == 406


def test_link_headers_name_every_other_representation(client: FlaskClient) -> None:
    response = get(client, GBR, "text/turtle")
    links = response.headers["Link"]
    for media_type, name in [
        ("text/html", "html"),
        ("application/ld+json", "jsonld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "rdf"),
    ]:
        assert f'/id/state/GBR?format={name}>; rel="alternate"; type="{media_type}"' in links
    assert 'type="text/turtle"' not in links
    assert response.headers["Content-Location"].endswith("/id/state/GBR?format=ttl")


def test_public_url_maps_the_base_onto_the_server(client: FlaskClient) -> None:
    """Links on pages and in headers point at this server, at the IRI's path."""
    response = get(client, GBR, "text/html")
    assert b'href="http://localhost/id/meeting/ga-2012-09-05"' in response.data
    assert response.headers["Content-Location"].startswith("http://localhost/id/state/GBR")


def test_jsonld_parses_and_describes_the_resource(client: FlaskClient) -> None:
    response = get(client, MEETING, "application/ld+json")
    document = json.loads(response.data)
    assert "@context" in document
    graph = parse(response.data, "application/ld+json")
    assert (URIRef(MEETING), RDF.type, URIRef(f"{R2P}Meeting")) in graph


def test_head_answers_like_get(client: FlaskClient) -> None:
    response = client.head(path_of(GBR), headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"


# --- 404 -------------------------------------------------------------------------------


def test_unknown_iri_is_404_in_html_for_browsers(client: FlaskClient) -> None:
    response = get(client, f"{BASE}id/state/QQQ", CHROME_ACCEPT)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert b"Not in this dataset" in response.data
    assert b"https://w3id.org/r2p/id/state/QQQ" in response.data


def test_unknown_iri_is_404_in_text_for_machines(client: FlaskClient) -> None:
    response = get(client, f"{BASE}id/state/QQQ", "text/turtle")
    assert response.status_code == 404
    assert response.mimetype == "text/plain"
    assert b"says nothing about <https://w3id.org/r2p/id/state/QQQ>" in response.data


@pytest.mark.parametrize("path", ["/id/state/%3E%20%7B", "/id/x%22y", "/id/a%5Cb", "/id/"])
def test_hostile_paths_are_404_not_errors(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 404


# --- the ontology, concept schemes, named graphs ---------------------------------------


def test_ontology_iri_serves_turtle_to_machines(client: FlaskClient) -> None:
    response = client.get("/def", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = parse(response.data, "text/turtle")
    assert (URIRef(f"{BASE}def"), RDF.type, OWL.Ontology) in graph
    assert (URIRef(f"{R2P}Meeting"), RDF.type, OWL.Class) in graph
    assert len(graph) > 300


def test_ontology_iri_serves_generated_docs_to_browsers(client: FlaskClient) -> None:
    response = client.get("/def", headers={"Accept": CHROME_ACCEPT})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.data.decode()
    assert "R2P statements ontology" in page
    assert "pyLODE" in page
    # def#Term lands on the term: anchors named after the local names
    for term in ("Meeting", "ParticipantTally", "deliveredBy", "Quote"):
        assert f'id="{term}"' in page
    assert 'rel="alternate"; type="text/turtle"' in response.headers["Link"]


def test_ontology_docs_that_cannot_be_made_fall_back_to_the_resource_page(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """pyLODE writes a cache into its own package folder on first use: where site-packages
    is read-only that raises PermissionError. /def still answers, with the ontology's
    resource page, and the log says why."""
    from r2p_graph import ontology_docs

    tries: list[object] = []

    def read_only(*_args: object, **_kwargs: object) -> str:
        tries.append(_args)
        raise PermissionError(13, "Permission denied", "/usr/lib/pylode/rdf/refs.pickle")

    monkeypatch.setattr(ontology_docs, "build_docs", read_only)
    monkeypatch.setattr(ontology_docs, "_memory", {})
    monkeypatch.setattr(ontology_docs, "_failed", {})
    for _ in range(3):
        response = client.get("/def", headers={"Accept": CHROME_ACCEPT})
        assert response.status_code == 200 and response.mimetype == "text/html"
        page = response.data.decode()
        assert "R2P statements ontology" in page and "pyLODE" not in page
        assert 'rel="alternate"; type="text/turtle"' in response.headers["Link"]
    assert len(tries) == 1  # pyLODE is not run again at every request
    assert [r.getMessage() for r in caplog.records].count(
        next(r.getMessage() for r in caplog.records if "refs.pickle" in r.getMessage())) == 1


def test_ontology_version_iri_is_the_ontology(client: FlaskClient) -> None:
    response = client.get("/def/0.1.0", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert (URIRef(f"{BASE}def"), RDF.type, OWL.Ontology) in parse(response.data, "text/turtle")


def test_concept_scheme_serves_its_concepts(client: FlaskClient) -> None:
    scheme = f"{BASE}id/scheme/stance"
    response = get(client, scheme, "text/turtle")
    assert response.status_code == 200
    graph = parse(response.data, "text/turtle")
    assert (URIRef(scheme), RDF.type, SKOS.ConceptScheme) in graph
    concepts = set(graph.subjects(SKOS.inScheme, URIRef(scheme)))
    assert URIRef(f"{BASE}id/stance/supportive") in concepts
    assert URIRef(f"{BASE}id/stance/opposed") in concepts
    opposed = URIRef(f"{BASE}id/stance/opposed")
    assert (opposed, SKOS.prefLabel, Literal("opposed", lang="en")) in graph

    html = get(client, scheme, "text/html").data.decode()
    assert "Concepts (5)" in html
    assert "supportive with reservations" in html


def test_named_graph_iri_is_described(client: FlaskClient) -> None:
    response = client.get("/graph/asserted", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = parse(response.data, "text/turtle")
    void_triples = URIRef("http://rdfs.org/ns/void#triples")
    (count,) = graph.objects(URIRef(f"{BASE}graph/asserted"), void_triples)
    assert int(count) > 1000
    assert client.get("/graph/nonsense", headers={"Accept": "text/turtle"}).status_code == 404


def test_every_subject_under_the_base_dereferences(client: FlaskClient, store) -> None:  # type: ignore[no-untyped-def]
    """All of them, as Turtle: the dataset's every IRI answers on this server."""
    from r2p_graph.store import QueryRequest

    result = store.query(
        QueryRequest(
            text=f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{BASE}")) }}',
            max_rows=100_000,
        )
    )
    subjects = [b["s"]["value"] for b in json.loads(result.body)["results"]["bindings"]]
    assert len(subjects) > 500
    failures = []
    for iri in subjects:
        path = "/" + iri[len(BASE) :].split("#", 1)[0]
        response = client.get(path, headers={"Accept": "application/n-triples"})
        if response.status_code != 200 or (
            "#" not in iri and f"<{iri}>".encode() not in response.data
        ):
            failures.append(f"{response.status_code} {iri}")
    assert not failures, failures[:20]


def test_whole_dataset_loads_as_one_dataset(client: FlaskClient) -> None:
    """Sanity for the dumps the pages link to: rdflib reads the JSON-LD dump's graphs."""
    response = client.get("/download/dataset.jsonld")
    assert response.status_code == 200
    dataset = Dataset()
    dataset.parse(data=response.data, format="json-ld")
    names = {str(g.identifier) for g in dataset.graphs()}
    assert f"{BASE}graph/asserted" in names
