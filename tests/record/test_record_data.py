"""The record's files: they parse, validate, are up to date with the research, and are honest."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import country_converter  # noqa: F401  (the reference extra is part of dev: fail, never skip)
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF

from r2p_graph import record

from .conftest import DATA, FACTS, FACTS_2012, ONTOLOGY, RECORD_FILES, SHAPES

R2P = Namespace("https://w3id.org/r2p/def#")
STATE_NS = "https://w3id.org/r2p/id/state/"
#: Sources that are not research pages: the documents themselves and the reference packages.
NON_RESEARCH_SOURCES = ("https://undocs.org/", "https://pypi.org/project/",
                        "https://en.wikipedia.org/wiki/United_Nations_Regional_Groups")


@pytest.mark.parametrize("path", sorted(DATA.rglob("*.ttl")), ids=lambda p: p.name)
def test_every_data_file_parses(path: Path) -> None:
    assert len(Graph().parse(path, format="turtle")) > 0


def test_generated_files_are_up_to_date(facts: dict[str, Any]) -> None:
    for rel, text in record.build(facts).items():
        assert (DATA / rel).read_text(encoding="utf-8") == text, (
            f"data/{rel} is stale: run python -m r2p_graph.record"
        )


def test_every_event_has_a_file(facts: dict[str, Any]) -> None:
    years = {e["year"] for e in facts["events"]}
    assert years == set(range(2009, 2026)) - {2012, 2020}
    assert {int(p.stem) for p in (DATA / "meetings").glob("*.ttl")} == years | {2012}


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


@pytest.fixture(scope="module")
def record_graph() -> Graph:
    g = Graph()
    for p in RECORD_FILES:
        g.parse(p)
    return g


def _yaml_quotes(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [q for k, v in node.items() for q in (
            [v] if k == "quote" and isinstance(v, str) else _yaml_quotes(v))]
    if isinstance(node, list):
        return [q for v in node for q in _yaml_quotes(v)]
    return []


def test_quotations_are_short_and_exact(
    record_graph: Graph, facts: dict[str, Any], facts_2012: dict[str, Any]
) -> None:
    research = _yaml_quotes(facts) + _yaml_quotes(facts_2012)
    texts = [str(t) for t in record_graph.objects(None, R2P.quotedText)]
    assert texts
    for text in texts:
        assert len(text.split()) <= 15, text
        assert any(text in q for q in research), f"not an exact excerpt of the research: {text}"


def test_every_source_is_a_research_url(record_graph: Graph, facts: dict[str, Any]) -> None:
    research = FACTS.read_text(encoding="utf-8") + FACTS_2012.read_text(encoding="utf-8")
    urls = {str(o) for o in record_graph.objects(None, DCTERMS.source)}
    urls |= {str(o) for o in record_graph.objects(None, R2P.quotedFrom)}
    assert urls
    for url in urls:
        assert url.startswith("http"), url
        assert url in research or url.startswith(NON_RESEARCH_SOURCES), url


def test_fact_nodes_cite_sources(record_graph: Graph) -> None:
    for cls in (R2P.Meeting, R2P.ParticipantTally, R2P.Participation, R2P.Statement,
                R2P.MeetingClaim, R2P.Quote, R2P.UNDocument, R2P.SecretaryGeneralReport,
                R2P.GAResolution, R2P.Person):
        for node in record_graph.subjects(RDF.type, cls):
            assert list(record_graph.objects(node, DCTERMS.source)), node


def test_every_state_used_is_a_reference_state(data_graph: Graph, record_graph: Graph) -> None:
    states = {s for s in record_graph.all_nodes()
              if isinstance(s, URIRef) and str(s).startswith(STATE_NS)}
    assert states
    for s in states:
        assert (s, RDF.type, R2P.MemberState) in data_graph or (
            s, RDF.type, R2P.ObserverState) in data_graph, s


def test_no_owl_same_as(data_graph: Graph) -> None:
    assert not list(data_graph.triples((None, OWL.sameAs, None)))


def test_counts_are_copied_not_invented(record_graph: Graph, facts: dict[str, Any]) -> None:
    """Every number the record reports occurs as a number in the research file."""
    numbers = {int(n) for n in re.findall(r"\d+", FACTS.read_text(encoding="utf-8"))}
    for count in record_graph.objects(None, R2P.reportedCount):
        assert isinstance(count, Literal) and int(count) in numbers, count
    for count in record_graph.objects(None, R2P.onBehalfOfCount):
        assert int(count) in numbers, count
