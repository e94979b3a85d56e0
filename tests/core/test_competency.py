"""Competency questions, answered from the built graph, with the founding document's answers.

The founding document (GCR2P's summary of the 5 September 2012 dialogue) is not shipped with
the project; what it says is written here, and ``r2p-graph audit --sources DIR`` checks the
quotations against a maintainer's local copy.
"""

from __future__ import annotations

import io
import json

import pyoxigraph as ox

from r2p_graph.local import LocalGraph
from r2p_graph.queries import competency_queries, competency_query


def rows(graph: LocalGraph, name: str) -> list[dict[str, str]]:
    result = graph.query(competency_query(name).text)
    out = io.BytesIO()
    result.serialize(out, ox.QueryResultsFormat.JSON)
    bindings = json.loads(out.getvalue())["results"]["bindings"]
    return [{k: v["value"] for k, v in b.items()} for b in bindings]


def test_participation_counts_match_the_founding_document(graph: LocalGraph) -> None:
    # "fifty-eight member states, one regional organization and two civil society ..."
    expected = {"member state": 58, "regional organization": 1, "civil-society organization": 2}
    got = {r["kind"]: int(r["reported"]) for r in rows(graph, "participation-2012")}
    assert got == expected
    by_kind = {r["kind"]: r for r in rows(graph, "participation-2012")}
    # Names known for some member states only: the list says it is partial, never padded.
    assert by_kind["member state"]["completeness"] == "partial"
    assert 0 < int(by_kind["member state"]["knownByName"]) < 58
    assert by_kind["regional organization"]["completeness"] == "count only"
    assert int(by_kind["regional organization"]["knownByName"]) == 0


def test_outright_opponents(graph: LocalGraph) -> None:
    # The founding document: "only two states, Cuba and Venezuela" remained outright opponents.
    found = rows(graph, "opponents-2012")
    assert {r["state"].rsplit("/", 1)[1] for r in found} == {"CUB", "VEN"}
    assert {r["count"] for r in found} == {"2"} and {r["completeness"] for r in found} == {
        "complete"
    }


def test_report_discussed(graph: LocalGraph) -> None:
    found = rows(graph, "report-2012")
    assert {r["symbol"] for r in found} == {"A/66/874", "S/2012/578"}
    assert {r["title"] for r in found} == {
        "Responsibility to protect: timely and decisive response"
    }
    assert {r["issued"] for r in found} == {"2012-07-25"}


def test_situations_that_framed_the_debate(graph: LocalGraph) -> None:
    # "Libya, Côte d'Ivoire and the plight of civilians in Syria" framed the debate.
    found = rows(graph, "situations-2012")
    assert {r["stateName"] for r in found} == {"Libya", "Côte d'Ivoire", "Syria"}


def test_2011_security_council_resolutions(graph: LocalGraph) -> None:
    found = rows(graph, "resolutions-2011")
    assert [r["symbol"] for r in found] == [
        "S/RES/1970 (2011)",
        "S/RES/1973 (2011)",
        "S/RES/1975 (2011)",
    ]
    # Only one of them has a source saying, in so many words, that it refers to R2P.
    assert {r["symbol"] for r in found if r["explicit"] == "true"} == {"S/RES/1975 (2011)"}


def test_concerns_raised(graph: LocalGraph) -> None:
    # "double standards", "sequencing of the three pillars", "use of force".
    found = {r["theme"].rsplit("/", 1)[1] for r in rows(graph, "concerns-2012")}
    assert {"consistency", "pillar-sequencing", "use-of-force"} <= found


def test_known_participants_are_sourced(graph: LocalGraph) -> None:
    found = rows(graph, "known-participants-2012")
    codes = {r["state"].rsplit("/", 1)[1] for r in found}
    assert {"GBR", "CRI", "SGP", "CUB", "VEN"} <= codes
    assert len(codes) == len(found) == 12
    assert all(r["source"].startswith(("http://", "https://")) for r in found)
    assert {r["evidence"] for r in found} == {"direct statement", "secondary report", "inference"}


def test_who_said_what_has_quotes_and_dates(graph: LocalGraph) -> None:
    found = rows(graph, "who-said-what")
    assert {r["date"] for r in found} >= {"2012-09-05"}
    quotes = {r.get("quote") for r in found}
    assert (
        "The United Kingdom is fully committed to implementing the Responsibility to Protect."
        in quotes
    )


def test_subjects_exist_only_through_inference(graph: LocalGraph, built) -> None:  # type: ignore[no-untyped-def]
    assert rows(graph, "subjects-inferred"), "dcterms:subject should be inferred"
    asserted_only = LocalGraph(ox.Store())
    for s, p, o in built.graph("asserted"):
        asserted_only._store.add(ox.Quad(*(_ox(t) for t in (s, p, o))))
    assert rows(asserted_only, "subjects-inferred") == []


def test_every_quotation_is_short(built) -> None:  # type: ignore[no-untyped-def]
    from tests.r2p_terms import R2P

    for quote in built.graph("asserted").objects(None, R2P.quotedText):
        assert len(str(quote).split()) <= 15, quote


def test_every_query_parses_and_answers(graph: LocalGraph) -> None:
    for query in competency_queries():
        assert query.title and query.answers, query.name
        assert rows(graph, query.name), f"{query.name} returned nothing"


def _ox(term):  # type: ignore[no-untyped-def]
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    assert isinstance(term, Literal)
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(
        str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None
    )
