"""The record's files: they parse, validate, are curated by hand, and are honest."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF

from .conftest import DATA, MEETING_FILES, MEETING_YEARS, ONTOLOGY, SHAPES

R2P = Namespace("https://w3id.org/r2p/def#")
SDO = Namespace("https://schema.org/")
STATE_NS = "https://w3id.org/r2p/id/state/"
SOURCE_NS = "https://w3id.org/r2p/id/source/"


@pytest.mark.parametrize("path", sorted(DATA.rglob("*.ttl")), ids=lambda p: p.name)
def test_every_data_file_parses(path: Path) -> None:
    assert len(Graph().parse(path, format="turtle")) > 0


def test_each_meeting_file_holds_the_meetings_of_its_year(data_graph: Graph) -> None:
    assert MEETING_YEARS, "no data/meetings/YYYY.ttl"
    for path in MEETING_FILES:
        g = Graph().parse(path, format="turtle")
        years = {int(str(d)[:4]) for m in g.subjects(RDF.type, R2P.Meeting)
                 for d in g.objects(m, SDO.startDate)}
        assert years == {int(path.stem)}, path.name


def test_files_are_curated_not_generated() -> None:
    """Meeting files are edited by hand: none may claim to be generated from elsewhere."""
    for path in sorted((DATA / "meetings").glob("*.ttl")):
        head = path.read_text(encoding="utf-8")[:2000]
        assert "GENERATED FILE" not in head and "shared/research" not in head, path.name


def test_shacl_no_violation(data_graph: Graph) -> None:
    import pyshacl

    shape_files = sorted(SHAPES.glob("*.ttl"))
    assert shape_files, f"no SHACL shapes in {SHAPES}"
    shapes = Graph()
    for p in shape_files:
        shapes.parse(p)
    data = Graph()
    for p in sorted(DATA.rglob("*.ttl")):
        data.parse(p)
    conforms, _report, text = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=Graph().parse(ONTOLOGY), inference="none",
        advanced=True, allow_warnings=True)
    assert conforms, text[:5000]


def test_quotations_are_short(data_graph: Graph) -> None:
    """At most 15 words each; that each is exact is checked against the sources' own text
    by the maintainers' audit (``r2p-graph audit --sources DIR``)."""
    texts = [str(t) for t in data_graph.objects(None, R2P.quotedText)]
    assert texts
    for text in texts:
        assert len(text.split()) <= 15, text


def test_every_source_is_a_web_page_or_a_catalogued_source(data_graph: Graph) -> None:
    urls = {o for o in data_graph.objects(None, DCTERMS.source)}
    urls |= {o for o in data_graph.objects(None, R2P.quotedFrom)}
    assert urls
    for url in urls:
        assert isinstance(url, URIRef), url
        catalogued = (url, RDF.type, R2P.SourceDocument) in data_graph
        assert str(url).startswith(("http://", "https://")), url
        assert catalogued or not str(url).startswith(SOURCE_NS), url


def test_fact_nodes_cite_sources(data_graph: Graph) -> None:
    for cls in (R2P.Meeting, R2P.ParticipantTally, R2P.Participation, R2P.Statement,
                R2P.MeetingClaim, R2P.Quote, R2P.UNDocument, R2P.SecretaryGeneralReport,
                R2P.GAResolution, R2P.Person):
        for node in data_graph.subjects(RDF.type, cls):
            assert list(data_graph.objects(node, DCTERMS.source)), node


def test_every_state_used_is_a_reference_state(data_graph: Graph) -> None:
    states = {s for s in data_graph.all_nodes()
              if isinstance(s, URIRef) and str(s).startswith(STATE_NS)}
    assert states
    for s in states:
        assert (s, RDF.type, R2P.MemberState) in data_graph or (
            s, RDF.type, R2P.ObserverState) in data_graph, s


def test_no_owl_same_as(data_graph: Graph) -> None:
    assert not list(data_graph.triples((None, OWL.sameAs, None)))
