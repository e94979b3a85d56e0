"""The W3C SPARQL 1.1 Service Description tests (service-description/manifest.ttl).

The manifest only names the three tests; what each checks is taken from the two runners
that implement them (kasei/sparql11-sdvalidator and rdf-test-suite.js): the endpoint
returns RDF on GET, has a ``sd:endpoint`` triple naming itself, and conforms to the
schema (every sd:NamedGraph has an IRI sd:name, every sd:Dataset a sd:defaultGraph,
sd:endpoint values are IRIs). The validator's best-practice checks run too.

The endpoint is asked through Flask's test client over the real store: describing itself
needs no socket (the W3C protocol suite's smoke test covers the live server).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rdflib import RDF, BNode, Graph, Namespace, URIRef

from tests.web.conftest import KASEI, Answer, AppServer, app_server, protocol_files, w3c_dir
from tests.web.w3c import MF, _manifest, local_name

pytestmark = pytest.mark.xdist_group("w3c-sd")

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
PARSERS = {
    "text/turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
}
# rdf-test-suite.js asks with exactly this header.
RUNNER_ACCEPT = "text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8"


@pytest.fixture(scope="module")
def server() -> Iterator[AppServer]:
    with app_server(protocol_files()) as app:
        yield app


def fetch(server: AppServer, url: str, accept: str = RUNNER_ACCEPT) -> tuple[Answer, Graph]:
    response = server.get(url, headers={"Accept": accept}, timeout=30)
    assert response.status_code == 200, response.text
    media_type = response.headers["Content-Type"].split(";", 1)[0]
    graph = Graph().parse(data=response.content, format=PARSERS[media_type])
    return response, graph


def sd_check(name: str, server: AppServer, endpoint: str) -> None:
    """One test of the manifest, by its local name."""
    response, graph = fetch(server, endpoint)
    if name == "returns-rdf":
        assert response.headers["Content-Type"].split(";")[0] in PARSERS
        assert len(graph) > 0
    elif name == "has-endpoint-triple":
        assert (None, SD.endpoint, URIRef(endpoint)) in graph
    elif name == "conforms-to-schema":
        for value in graph.objects(None, SD.endpoint):
            assert isinstance(value, URIRef)
        named_graphs = set(graph.subjects(RDF.type, SD.NamedGraph)) | set(
            graph.objects(None, SD.namedGraph)
        )
        for named in named_graphs:
            names = list(graph.objects(named, SD.name))
            assert names and all(isinstance(n, URIRef) for n in names), named
        for dataset in graph.subjects(RDF.type, SD.Dataset):
            assert graph.value(dataset, SD.defaultGraph) is not None
    else:
        raise AssertionError(f"unknown service-description test {name}")


TEST_NAMES = [local_name(e) for e in _manifest(w3c_dir("service-description") / "manifest.ttl")[1]]


def test_the_manifest_has_three_tests() -> None:
    graph, entries = _manifest(w3c_dir("service-description") / "manifest.ttl")
    assert sorted(TEST_NAMES) == ["conforms-to-schema", "has-endpoint-triple", "returns-rdf"]
    assert all((e, RDF.type, MF.ServiceDescriptionTest) in graph for e in entries)


@pytest.mark.parametrize("name", TEST_NAMES)
def test_service_description(server: AppServer, name: str) -> None:
    sd_check(name, server, server.endpoint)


@pytest.mark.parametrize("name", TEST_NAMES)
def test_service_description_with_trailing_slash(server: AppServer, name: str) -> None:
    """The manifest's own path is /sparql/: that URL describes itself too."""
    sd_check(name, server, server.endpoint + "/")


def test_best_practices(server: AppServer) -> None:
    """kasei's optional checks: everything typed, a recognised language, non-empty datasets."""
    _, graph = fetch(server, server.endpoint)
    for prop in (SD.endpoint, SD.feature, SD.supportedLanguage, SD.resultFormat, SD.defaultDataset):
        for subject in graph.subjects(prop, None):
            assert (subject, RDF.type, SD.Service) in graph
    for dataset in graph.objects(None, SD.defaultDataset):
        assert (dataset, RDF.type, SD.Dataset) in graph
        assert graph.value(dataset, SD.defaultGraph) or graph.value(dataset, SD.namedGraph)
    for named in graph.objects(None, SD.namedGraph):
        assert (named, RDF.type, SD.NamedGraph) in graph
    for prop in (SD.defaultGraph, SD.graph):
        for g in graph.objects(None, prop):
            assert (g, RDF.type, SD.Graph) in graph
    assert (None, SD.supportedLanguage, SD.SPARQL11Query) in graph


def test_features_are_honest(server: AppServer) -> None:
    _, graph = fetch(server, server.endpoint)
    features = set(graph.objects(None, SD.feature))
    assert SD.UnionDefaultGraph in features  # the default setting
    assert SD.BasicFederatedQuery not in features  # SERVICE is refused
    assert (None, SD.supportedLanguage, SD.SPARQL11Update) not in graph


def test_named_graphs_and_counts_are_described(server: AppServer) -> None:
    _, graph = fetch(server, server.endpoint)
    names = {str(n) for n in graph.objects(None, SD.name)}
    assert names == {f"{KASEI}data{i}.rdf" for i in (1, 2, 3)}
    for named in graph.subjects(SD.name, None):
        described = graph.value(named, SD.graph)
        assert isinstance(described, BNode)
        assert int(graph.value(described, VOID.triples)) == 1  # type: ignore[arg-type]


@pytest.mark.parametrize("accept", list(PARSERS))
def test_every_rdf_format_is_offered(server: AppServer, accept: str) -> None:
    response, graph = fetch(server, server.endpoint, accept)
    assert response.headers["Content-Type"].split(";")[0] == accept
    assert response.headers["Vary"] == "Accept"
    assert (None, SD.endpoint, URIRef(server.endpoint)) in graph


def test_no_acceptable_format_is_406(server: AppServer) -> None:
    response = server.get(server.endpoint, headers={"Accept": "image/png"}, timeout=30)
    assert response.status_code == 406
    assert "text/turtle" in response.text


def test_public_url_names_the_endpoint() -> None:
    with app_server(protocol_files(), public_url="https://r2p.example.org/") as app:
        _, graph = fetch(app, app.endpoint)
        assert (None, SD.endpoint, URIRef("https://r2p.example.org/sparql")) in graph
        assert (None, SD.endpoint, URIRef(app.endpoint)) not in graph


def test_without_union_the_feature_is_absent() -> None:
    with app_server(protocol_files(), union_default_graph=False) as app:
        _, graph = fetch(app, app.endpoint)
        assert SD.UnionDefaultGraph not in set(graph.objects(None, SD.feature))
