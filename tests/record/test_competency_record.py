"""Competency questions across the years, answered with SPARQL over data/ + the ontology.

The expected answers are written here, as the sources the data cites give them (each table
says which); a change to the data that changes an answer must change this file too, on
purpose and in the same commit.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from rdflib import Graph

from .conftest import MEETING_YEARS

PREFIXES = """
PREFIX r2p:    <https://w3id.org/r2p/def#>
PREFIX schema: <https://schema.org/>
PREFIX skos:   <http://www.w3.org/2004/02/skos/core#>
PREFIX org:    <http://www.w3.org/ns/org#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
ID = "https://w3id.org/r2p/id/"
GOF = f"{ID}group/group-of-friends-of-r2p"

def select(g: Graph, query: str) -> list[dict[str, str]]:
    return [{k: str(v) for k, v in row.asdict().items()} for row in g.query(PREFIXES + query)]


def code(iri: str) -> str:
    return iri.rsplit("/", 1)[1]


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


#: (year, kind of participant) -> the counts the sources report (two when they disagree).
REPORTED_COUNTS: dict[tuple[int, str], set[int]] = {
    (2009, "member-state"): {94}, (2009, "observer-state"): {2},
    (2010, "member-state"): {42}, (2010, "regional-organization"): {2},
    (2010, "civil-society-organization"): {2}, (2010, "panelist"): {5},
    (2011, "member-state"): {43}, (2011, "regional-organization"): {3},
    (2011, "civil-society-organization"): {4}, (2011, "panelist"): {6},
    (2012, "member-state"): {58}, (2012, "regional-organization"): {1},
    (2012, "civil-society-organization"): {2},
    (2013, "member-state"): {68, 69}, (2013, "regional-organization"): {1},
    (2013, "civil-society-organization"): {2},
    (2014, "member-state"): {67}, (2014, "regional-organization"): {1},
    (2014, "civil-society-organization"): {4},
    (2015, "member-state"): {69}, (2015, "regional-organization"): {1},
    (2015, "civil-society-organization"): {4},
    (2016, "member-state"): {68}, (2016, "regional-organization"): {1},
    (2016, "civil-society-organization"): {4},
    (2017, "member-state"): {73}, (2017, "observer-state"): {2},
    (2017, "regional-organization"): {1}, (2017, "civil-society-organization"): {5},
    (2018, "member-state"): {79}, (2018, "regional-organization"): {1},
    (2019, "member-state"): {70}, (2019, "regional-organization"): {1},
    (2021, "member-state"): {59}, (2021, "regional-organization"): {1},
    (2022, "member-state"): {61}, (2022, "observer-state"): {1},
    (2022, "regional-organization"): {1},
    (2023, "member-state"): {54}, (2023, "observer-state"): {1},
    (2023, "regional-organization"): {1},
    (2024, "member-state"): {53}, (2024, "regional-organization"): {1},
    (2025, "member-state"): {58}, (2025, "regional-organization"): {1},
}


def test_reported_counts_per_year(data_graph: Graph) -> None:
    got: dict[tuple[int, str], set[int]] = defaultdict(set)
    for r in select(data_graph, TALLIES):
        got[(int(r["year"]), r["kind"])].add(int(r["count"]))
    assert got == REPORTED_COUNTS
    assert {y for y, _ in got} == set(MEETING_YEARS)


def test_no_meeting_in_2020(data_graph: Graph) -> None:
    """No debate or dialogue was held in 2020 (COVID-19; GCR2P's 2021 summary)."""
    assert 2020 not in MEETING_YEARS
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


#: The 18 states the UN's 2013 release names as having referred to a national Focal Point.
FOCAL_POINTS_2013 = {"AUS", "BEL", "BWA", "CHE", "CIV", "CRI", "CZE", "DEU", "DNK", "ESP", "GBR",
                     "GEO", "GHA", "MNE", "NZL", "SVK", "SVN", "TGO"}
#: The states the same release names as raising restraint on the use of the veto.
VETO_RESTRAINT_2013 = {"CHE", "CIV", "CRI", "ESP", "FRA", "HUN", "LIE", "NLD"}

#: Every list of states a source names for a meeting, by year (each is one claim).
NAMED_LISTS: list[tuple[int, set[str]]] = [
    # GCR2P's assessment of the 2009 debate: states that sought to challenge R2P.
    (2009, {"CUB", "NIC", "SDN", "VEN"}),
    # ICRtoP: strong supporting statements, 23-24 July 2009.
    (2009, {"BIH", "CRI", "FRA", "GHA", "GNB", "GTM", "HUN", "IRL", "KOR", "LUX", "MLI", "NGA",
            "NOR", "RWA", "SVN", "european-union"}),
    # The sponsors of resolution A/RES/63/308.
    (2009, {"AND", "ARG", "ARM", "AUS", "AUT", "BEL", "BEN", "BGR", "CAN", "CIV", "COG", "COL",
            "CRI", "CZE", "DEU", "DNK", "DOM", "ESP", "EST", "FIN", "FJI", "FRA", "GBR", "GIN",
            "GRC", "GTM", "HRV", "HTI", "HUN", "IND", "IRL", "ISL", "ITA", "KOR", "LCA", "LIE",
            "LTU", "LUX", "LVA", "MCO", "MDG", "MEX", "MLT", "NLD", "NOR", "NZL", "PAN", "PER",
            "PNG", "POL", "PRT", "PRY", "ROU", "RWA", "SEN", "SGP", "SLV", "SVK", "SVN", "SWE",
            "SWZ", "TLS", "TTO", "TZA", "USA"}),
    # 2011: continued strong objections to R2P.
    (2011, {"CUB", "PAK", "VEN"}),
    (2013, FOCAL_POINTS_2013),
    (2013, VETO_RESTRAINT_2013),
    # 2014: referred to the appointment of an R2P Focal Point.
    (2014, {"ALB", "BWA"}),
]


def test_states_that_named_a_focal_point_in_2013(data_graph: Graph) -> None:
    got = {code(r["actor"]) for r in select(data_graph, CLAIM_NAMES % (
        f"{ID}claim-kind/domestic-practice", f"{ID}theme/national-focal-points", 2013))}
    assert got == FOCAL_POINTS_2013


def test_states_that_raised_veto_restraint_in_2013(data_graph: Graph) -> None:
    got = {code(r["actor"]) for r in select(data_graph, CLAIM_NAMES % (
        f"{ID}claim-kind/support", f"{ID}theme/veto-restraint", 2013))}
    assert got == VETO_RESTRAINT_2013


def test_every_named_list_is_a_claim(data_graph: Graph) -> None:
    rows = select(data_graph, """
        SELECT ?year ?c ?actor WHERE {
            ?c a r2p:MeetingClaim ; r2p:claimAbout/schema:startDate ?d ; r2p:namesActor ?actor .
            BIND (YEAR(?d) AS ?year)
        }""")
    by_claim: dict[tuple[int, str], set[str]] = defaultdict(set)
    for r in rows:
        by_claim[(int(r["year"]), r["c"])].add(code(r["actor"]))
    for year, expected in NAMED_LISTS:
        assert any(y == year and names == expected for (y, _), names in by_claim.items()), (
            year, sorted(expected))


# ---------------------------------------------------------------------------------------
# The Group of Friends of R2P
# ---------------------------------------------------------------------------------------


def test_who_delivered_the_group_of_friends_statements(data_graph: Graph) -> None:
    got = {(int(r["year"]), code(r["by"])) for r in select(data_graph, f"""
        SELECT ?year ?by WHERE {{
            ?s r2p:onBehalfOf <{GOF}> ; r2p:deliveredBy ?by ; r2p:atMeeting/schema:startDate ?d .
            BIND (YEAR(?d) AS ?year)
        }}""")}
    # As the Group of Friends' statements and the GCR2P summaries cited in data/ give them.
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


def test_discrepancies_are_kept(data_graph: Graph) -> None:
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
    # 2013: 68 vs 69 member states, 18 vs 23 Focal Points; 2014: 81 vs 83; 2016: 93 vs 95.
    expected = {(2013, 68, 69), (2013, 18, 23), (2014, 81, 83), (2016, 93, 95)}
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


#: The Secretary-General's reports on R2P: first symbol, other symbols, title, number.
#: The 12th (2020), 15th (2023) and 17th (2025) have no symbol in the sources cited.
SG_REPORTS = [
    ("A/63/677", [], "Implementing the responsibility to protect", 1),
    ("A/64/864", [], "Early warning, assessment and the responsibility to protect", 2),
    ("A/65/877", ["S/2011/393"], "The role of regional and subregional arrangements in "
     "implementing the responsibility to protect", 3),
    ("A/66/874", ["S/2012/578"], "Responsibility to protect: timely and decisive response", 4),
    ("A/67/929", ["S/2013/399"],
     "Responsibility to protect: State responsibility and prevention", 5),
    ("A/68/947", ["S/2014/449"], "Fulfilling our collective responsibility: international "
     "assistance and the responsibility to protect", 6),
    ("A/69/981", ["S/2015/500"],
     "A vital and enduring commitment: implementing the responsibility to protect", 7),
    ("A/70/999", ["S/2016/620"],
     "Mobilizing collective action: the next decade of the responsibility to protect", 8),
    ("A/71/1016", ["S/2017/556"],
     "Implementing the responsibility to protect: accountability for prevention", 9),
    ("A/72/884", ["S/2018/525"],
     "Responsibility to protect: from early warning to early action", 10),
    ("A/73/898", [], "Responsibility to protect: lessons learned for prevention", 11),
    ("A/75/863", ["S/2021/424"], "Advancing atrocity prevention: work of the Office on "
     "Genocide Prevention and the Responsibility to Protect", 13),
    ("A/76/844", ["S/2022/428"],
     "Responsibility to protect: prioritizing children and young people", 14),
    ("A/78/901", [], "Responsibility to protect: the commitment to prevent and protect "
     "populations from atrocity crimes", 16),
]

#: The report each meeting discussed, where the sources give its symbol.
REPORT_OF_MEETING = {
    2009: "A/63/677", 2010: "A/64/864", 2011: "A/65/877", 2012: "A/66/874", 2013: "A/67/929",
    2014: "A/68/947", 2015: "A/69/981", 2016: "A/70/999", 2017: "A/71/1016",
    2018: "A/72/884", 2019: "A/73/898", 2021: "A/75/863", 2022: "A/76/844", 2024: "A/78/901",
}


def test_reports_with_symbols(data_graph: Graph) -> None:
    rows = select(data_graph, """
        SELECT ?r ?symbol ?title ?n WHERE {
            ?r a r2p:SecretaryGeneralReport ; r2p:documentSymbol ?symbol ;
               dcterms:title ?title ; r2p:reportNumber ?n . }""")
    by_symbol = {r["symbol"]: r for r in rows}
    for first, rest, title, number in SG_REPORTS:
        assert first in by_symbol, first
        assert by_symbol[first]["title"] == title
        assert int(by_symbol[first]["n"]) == number
        for s in rest:
            assert by_symbol[s]["r"] == by_symbol[first]["r"]
    assert len({r["r"] for r in rows}) == len(SG_REPORTS)


def test_meetings_discuss_their_report(data_graph: Graph) -> None:
    rows = select(data_graph, """
        SELECT ?year ?symbol WHERE {
            ?m schema:startDate ?d ; r2p:discussesReport/r2p:documentSymbol ?symbol .
            BIND (YEAR(?d) AS ?year) }""")
    got = {(int(r["year"]), r["symbol"]) for r in rows}
    assert set(REPORT_OF_MEETING.items()) <= got
