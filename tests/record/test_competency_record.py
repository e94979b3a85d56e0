"""Competency questions across the years, answered with SPARQL over data/ + the ontology.

Expected answers are computed from shared/research/facts-other-years.yaml (and
facts-2012.yaml) wherever the file states them in a regular form; the few constants
below are read from that file by hand, and each says where.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import country_converter  # noqa: F401  (the reference extra is part of dev: fail, never skip)
import pytest
from rdflib import Graph

from r2p_graph.reference import state_code

PREFIXES = """
PREFIX r2p:    <https://w3id.org/r2p/def#>
PREFIX schema: <https://schema.org/>
PREFIX skos:   <http://www.w3.org/2004/02/skos/core#>
PREFIX org:    <http://www.w3.org/ns/org#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
ID = "https://w3id.org/r2p/id/"
GOF = f"{ID}group/group-of-friends-of-r2p"

#: How the research file names its counts, by kind of participant.
METRIC_KIND = {
    "member_states": "member-state", "member_states_alt": "member-state",
    "member_states_total": "member-state", "speakers_member_states": "member-state",
    "observer_missions": "observer-state", "observer_missions_speaking": "observer-state",
    "regional_organizations": "regional-organization",
    "civil_society": "civil-society-organization",
    "civil_society_organizations": "civil-society-organization",
    "panelists": "panelist",
}


def select(g: Graph, query: str) -> list[dict[str, str]]:
    return [{k: str(v) for k, v in row.asdict().items()} for row in g.query(PREFIXES + query)]


def code(iri: str) -> str:
    return iri.rsplit("/", 1)[1]


def actor(name: str) -> str:
    return "european-union" if name == "European Union" else state_code(name)


# ---------------------------------------------------------------------------------------
# Participation per year
# ---------------------------------------------------------------------------------------

TALLIES = """
SELECT ?year ?kind ?count (COUNT(DISTINCT ?p) AS ?named) WHERE {
    ?m a r2p:Meeting ; schema:startDate ?d ; r2p:hasTally ?t .
    ?t r2p:participantKind ?k ; r2p:reportedCount ?count .
    OPTIONAL { ?t r2p:listedParticipation ?p }
    BIND (YEAR(?d) AS ?year) BIND (STRAFTER(STR(?k), "participant-kind/") AS ?kind)
} GROUP BY ?year ?kind ?t ?count"""


def expected_tallies(facts: dict[str, Any], facts_2012: dict[str, Any]
                     ) -> dict[tuple[int, str], set[int]]:
    expected: dict[tuple[int, str], set[int]] = defaultdict(set)
    for ev in facts["events"]:
        for c in ev.get("counts", []):
            if c.get("metric") in METRIC_KIND and isinstance(c.get("value"), int):
                expected[(ev["year"], METRIC_KIND[c["metric"]])].add(c["value"])
    (counts,) = [f for f in facts_2012["dialogue"] if f["fact"] == "participation_counts"]
    for metric, value in counts["value"].items():
        expected[(2012, METRIC_KIND[metric])].add(value)
    return expected


def test_reported_counts_per_year(data_graph: Graph, facts: dict[str, Any],
                                  facts_2012: dict[str, Any]) -> None:
    got: dict[tuple[int, str], set[int]] = defaultdict(set)
    for r in select(data_graph, TALLIES):
        got[(int(r["year"]), r["kind"])].add(int(r["count"]))
    assert got == expected_tallies(facts, facts_2012)
    years = {y for y, _ in got}
    assert years == set(range(2009, 2026)) - {2020}


def test_no_meeting_in_2020(data_graph: Graph, facts: dict[str, Any]) -> None:
    assert "2020" in facts["meta"]["no_meeting_2020"]["fact"]
    rows = select(data_graph, """
        SELECT ?m WHERE { ?m a r2p:Meeting ; schema:startDate ?d FILTER (YEAR(?d) = 2020) }""")
    assert rows == []


def test_names_never_exceed_counts(data_graph: Graph) -> None:
    for r in select(data_graph, TALLIES):
        assert int(r["named"]) <= int(r["count"]), r


# ---------------------------------------------------------------------------------------
# Named lists: Focal Points and veto restraint in 2013, and every other list
# ---------------------------------------------------------------------------------------

CLAIM_NAMES = """
SELECT ?actor WHERE {
    ?m a r2p:Meeting ; schema:startDate ?d .
    ?c r2p:claimAbout ?m ; r2p:claimKind <%s> ; r2p:addressesTheme <%s> ; r2p:namesActor ?actor .
    FILTER (YEAR(?d) = %d)
}"""


def yaml_list(facts: dict[str, Any], year: int, theme_words: str) -> list[str]:
    (ev,) = [e for e in facts["events"] if e["year"] == year]
    lists = [n for n in ev["named_lists"] if theme_words in n["theme"] and n["states"]]
    assert len(lists) == 1, theme_words
    return lists[0]["states"]


def test_states_that_named_a_focal_point_in_2013(data_graph: Graph,
                                                 facts: dict[str, Any]) -> None:
    expected = {state_code(n) for n in yaml_list(facts, 2013, "Focal Point")}
    got = {code(r["actor"]) for r in select(data_graph, CLAIM_NAMES % (
        f"{ID}claim-kind/domestic-practice", f"{ID}theme/national-focal-points", 2013))}
    assert len(expected) == 18 and got == expected


def test_states_that_raised_veto_restraint_in_2013(data_graph: Graph,
                                                   facts: dict[str, Any]) -> None:
    expected = {state_code(n) for n in yaml_list(facts, 2013, "veto")}
    got = {code(r["actor"]) for r in select(data_graph, CLAIM_NAMES % (
        f"{ID}claim-kind/support", f"{ID}theme/veto-restraint", 2013))}
    assert got == expected
    assert {"CRI", "CIV", "FRA", "HUN", "LIE", "NLD", "ESP", "CHE"} == got


def test_every_named_list_is_a_claim(data_graph: Graph, facts: dict[str, Any]) -> None:
    rows = select(data_graph, """
        SELECT ?year ?c ?actor WHERE {
            ?c a r2p:MeetingClaim ; r2p:claimAbout/schema:startDate ?d ; r2p:namesActor ?actor .
            BIND (YEAR(?d) AS ?year)
        }""")
    by_claim: dict[tuple[int, str], set[str]] = defaultdict(set)
    for r in rows:
        by_claim[(int(r["year"]), r["c"])].add(code(r["actor"]))
    for ev in facts["events"]:
        for named in ev.get("named_lists", []):
            if not named["states"]:
                continue
            expected = {actor(n) for n in named["states"]}
            assert any(y == ev["year"] and names == expected
                       for (y, _), names in by_claim.items()), (ev["year"], named["theme"])


# ---------------------------------------------------------------------------------------
# The Group of Friends of R2P
# ---------------------------------------------------------------------------------------


def test_who_delivered_the_group_of_friends_statements(data_graph: Graph,
                                                       facts: dict[str, Any]) -> None:
    got = {(int(r["year"]), code(r["by"])) for r in select(data_graph, f"""
        SELECT ?year ?by WHERE {{
            ?s r2p:onBehalfOf <{GOF}> ; r2p:deliveredBy ?by ; r2p:atMeeting/schema:startDate ?d .
            BIND (YEAR(?d) AS ?year)
        }}""")}
    expected = {(ev["year"], state_code(gs["delivered_by"]))
                for ev in facts["events"] for gs in ev.get("group_statements", [])
                if gs["group"].startswith("Group of Friends of R2P") and gs.get("delivered_by")}
    assert got == expected
    # As the research file's own summary puts it (group_of_friends_r2p).
    assert got == {(2014, "RWA"), (2015, "NLD"), (2016, "NLD"), (2017, "NLD"), (2018, "QAT"),
                   (2019, "DNK"), (2021, "CRI"), (2023, "HRV")}


def test_deliverers_are_recorded_members(data_graph: Graph) -> None:
    rows = select(data_graph, """
        SELECT ?by WHERE {
            ?s r2p:onBehalfOf ?grp ; r2p:deliveredBy ?by .
            FILTER NOT EXISTS { ?ms org:member ?by ; org:organization ?grp ; dcterms:source ?src }
        }""")
    assert rows == []
    members = select(data_graph, f"""
        SELECT ?m WHERE {{ ?ms org:organization <{GOF}> ; org:member ?m }}""")
    assert len(members) == 53  # the 2021 statement names 52 states and the European Union


# ---------------------------------------------------------------------------------------
# Every meeting a state is known to have spoken at
# ---------------------------------------------------------------------------------------

SPOKE_AT = """
SELECT DISTINCT ?d WHERE {
    ?p a r2p:Participation ; r2p:participant <%s> ; r2p:inMeeting ?m ;
       r2p:participationRole <https://w3id.org/r2p/id/participation-role/speaker> .
    ?m schema:startDate ?d .
} ORDER BY ?d"""


@pytest.mark.parametrize(("code_", "dates"), [
    # Costa Rica: strong supporter 2009 (ICRtoP); own statement 2012; Focal Point and veto
    # lists 2013; read the Group of Friends' statement in 2021.
    ("CRI", ["2009-07-23", "2012-09-05", "2013-09-11", "2021-05-17"]),
    # Qatar: national statements 2016, 2017, 2021, 2023; Group of Friends statement 2018.
    ("QAT", ["2016-09-06", "2017-09-06", "2018-06-25", "2021-05-17", "2023-06-26"]),
    # Netherlands: veto-restraint list 2013; Group of Friends statements 2015-2017.
    ("NLD", ["2013-09-11", "2015-09-08", "2016-09-06", "2017-09-06"]),
    # Denmark: Focal Point list 2013; Group of Friends 2019; own statement 2022; NB8 2025.
    ("DNK", ["2013-09-11", "2019-06-27", "2022-06-23", "2025-06-25"]),
])
def test_meetings_a_state_spoke_at(data_graph: Graph, code_: str, dates: list[str]) -> None:
    got = [r["d"] for r in select(data_graph, SPOKE_AT % f"{ID}state/{code_}")]
    assert got == dates


def test_took_part_in_shortcut_is_backed(data_graph: Graph) -> None:
    rows = select(data_graph, """
        SELECT ?a ?m WHERE {
            ?a r2p:tookPartIn ?m .
            FILTER NOT EXISTS { ?p r2p:participant ?a ; r2p:inMeeting ?m }
        }""")
    assert rows == []


# ---------------------------------------------------------------------------------------
# Where the sources disagree
# ---------------------------------------------------------------------------------------


def test_discrepancies_are_kept(data_graph: Graph, facts: dict[str, Any]) -> None:
    tallies = select(data_graph, """
        SELECT ?year ?kind ?a ?b WHERE {
            ?m schema:startDate ?d ; r2p:hasTally ?t1 , ?t2 .
            ?t1 r2p:participantKind ?kind ; r2p:reportedCount ?a .
            ?t2 r2p:participantKind ?kind ; r2p:reportedCount ?b .
            FILTER (?a < ?b) BIND (YEAR(?d) AS ?year)
        }""")
    claims = select(data_graph, """
        SELECT ?year ?kind ?a ?b WHERE {
            ?c1 r2p:claimAbout ?m ; r2p:claimKind ?kind ; r2p:reportedCount ?a .
            ?c2 r2p:claimAbout ?m ; r2p:claimKind ?kind ; r2p:reportedCount ?b .
            ?m schema:startDate ?d .
            FILTER (?a < ?b) BIND (YEAR(?d) AS ?year)
        }""")
    found = {(int(r["year"]), int(r["a"]), int(r["b"])) for r in tallies + claims}
    expected = set()
    for ev in facts["events"]:
        for text in ev.get("discrepancies", []):
            m = re.search(r"(\d+)(?: states)? \([^)]*\) vs (\d+)", text)
            assert m, text
            a, b = sorted((int(m.group(1)), int(m.group(2))))
            expected.add((ev["year"], a, b))
    assert expected == {(2013, 68, 69), (2013, 18, 23), (2014, 81, 83), (2016, 93, 95)}
    assert expected <= found


def test_ordinal_disagreement_2017(data_graph: Graph) -> None:
    rows = select(data_graph, """
        SELECT ?m ?o WHERE {
            ?m a r2p:Meeting ; schema:startDate ?d . FILTER (STR(?d) = "2017-09-06")
            OPTIONAL { ?m r2p:ordinal ?o } }""")
    assert [r.get("o") for r in rows] == [None]
    claims = select(data_graph, """
        SELECT ?c WHERE { ?c r2p:claimAbout/schema:startDate ?d ;
                             r2p:claimKind <https://w3id.org/r2p/id/claim-kind/context> .
                          FILTER (YEAR(?d) = 2017) }""")
    assert len(claims) == 2


# ---------------------------------------------------------------------------------------
# The Secretary-General's reports
# ---------------------------------------------------------------------------------------


def test_reports_with_symbols(data_graph: Graph, facts: dict[str, Any]) -> None:
    rows = select(data_graph, """
        SELECT ?r ?symbol ?title ?n WHERE {
            ?r a r2p:SecretaryGeneralReport ; r2p:documentSymbol ?symbol ;
               dcterms:title ?title ; r2p:reportNumber ?n . }""")
    by_symbol = {r["symbol"]: r for r in rows}
    for rep in facts["sg_reports"]:
        if not rep.get("symbol"):
            continue
        first, *rest = rep["symbol"].split("-S/")
        assert first in by_symbol, first
        assert by_symbol[first]["title"] == rep["title"]
        assert int(by_symbol[first]["n"]) == rep["ordinal"]
        for s in rest:
            assert by_symbol[f"S/{s}"]["r"] == by_symbol[first]["r"]
    assert len({r["r"] for r in rows}) == sum(1 for r in facts["sg_reports"] if r.get("symbol"))


def test_meetings_discuss_their_report(data_graph: Graph, facts: dict[str, Any]) -> None:
    rows = select(data_graph, """
        SELECT ?year ?symbol WHERE {
            ?m schema:startDate ?d ; r2p:discussesReport/r2p:documentSymbol ?symbol .
            BIND (YEAR(?d) AS ?year) }""")
    got = {(int(r["year"]), r["symbol"]) for r in rows}
    for ev in facts["events"]:
        symbol = ev["sg_report"].get("symbol")
        if symbol:
            assert (ev["year"], symbol.split("-S/")[0]) in got
