"""The record, deeper (issue 13): who said what, stances across the years, facts as facts.

Expected answers are written here as the sources cited in data/ give them; a change to the
data that changes an answer must change this file too, on purpose and in the same commit.
The queries are the packaged competency queries (r2p_graph/queries/*.rq).
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import Graph

from r2p_graph.queries import competency_query

from .test_competency_record import FOCAL_POINTS_2013, ID, PREFIXES, code, select


def answer(g: Graph, name: str) -> list[dict[str, str]]:
    query = competency_query(name).text
    return [{k: str(v) for k, v in row.asdict().items()} for row in g.query(query)]


# ---------------------------------------------------------------------------------------
# Who is known by name, and what their statements raised
# ---------------------------------------------------------------------------------------

#: year -> (member states reported by the sources, member states known by name). 2013: the
#: larger of the two disagreeing counts (68 or 69).
KNOWN_BY_NAME = {
    2009: (94, 24), 2010: (42, 0), 2011: (43, 5), 2012: (58, 12), 2013: (69, 22),
    2014: (67, 4), 2015: (69, 3), 2016: (68, 5), 2017: (73, 5), 2018: (79, 7), 2019: (70, 4),
    2021: (59, 3), 2022: (61, 9), 2023: (54, 6), 2024: (53, 2), 2025: (58, 2),
}


def test_member_states_known_by_name(data_graph: Graph) -> None:
    rows = select(data_graph, """
        SELECT ?year (MAX(?n) AS ?reported) (COUNT(DISTINCT ?a) AS ?named) WHERE {
            ?m schema:startDate ?d ; r2p:hasTally ?t .
            ?t r2p:participantKind <https://w3id.org/r2p/id/participant-kind/member-state> ;
               r2p:reportedCount ?n .
            OPTIONAL { ?t r2p:listedParticipation/r2p:participant ?a }
            BIND (YEAR(?d) AS ?year)
        } GROUP BY ?year""")
    got = {int(r["year"]): (int(r["reported"]), int(r["named"])) for r in rows}
    assert got == KNOWN_BY_NAME


#: year -> (statements, statements with at least one pillar, theme or crime).
STATEMENTS = {
    2009: (10, 9), 2011: (4, 4), 2012: (6, 6), 2013: (23, 23), 2014: (4, 4), 2015: (4, 3),
    2016: (6, 6), 2017: (6, 6), 2018: (10, 10), 2019: (6, 5), 2021: (5, 4), 2022: (9, 9),
    2023: (7, 5), 2024: (3, 2), 2025: (5, 4),
}


def test_statements_and_what_they_raised(data_graph: Graph) -> None:
    rows = select(data_graph, """
        SELECT ?year (COUNT(DISTINCT ?s) AS ?n) (COUNT(DISTINCT ?withTopic) AS ?topic) WHERE {
            ?s a r2p:Statement ; r2p:atMeeting/schema:startDate ?d .
            OPTIONAL { ?s r2p:addressesTheme|r2p:addressesPillar|r2p:mentionsCrime ?t .
                       BIND (?s AS ?withTopic) }
            BIND (YEAR(?d) AS ?year)
        } GROUP BY ?year""")
    got = {int(r["year"]): (int(r["n"]), int(r["topic"])) for r in rows}
    assert got == STATEMENTS


def test_reported_words_are_not_the_speakers(data_graph: Graph) -> None:
    """A report's own words hang on r2p:reportedAs and are said by the reporter; a quotation
    on r2p:hasQuote of a statement added for issue 13 is the deliverer's or speaker's."""
    rows = select(data_graph, """
        SELECT ?s ?by WHERE {
            ?s r2p:reportedAs/r2p:saidBy ?by .
            FILTER EXISTS { ?s r2p:deliveredBy|r2p:speaker ?by }
        }""")
    assert rows == []
    got = {(r["speaker"], r["reportedWords"]) for r in answer(data_graph, "what-statements-raised")
           if r.get("reportedWords")}
    assert ("Iceland", "the concept should not become a license for illegitimate or arbitrary "
            "interference and aggression") in got


def test_what_pakistan_raised_in_2011(data_graph: Graph) -> None:
    rows = answer(data_graph, "what-statements-raised")
    topics = {r.get("topic") for r in rows if r["year"] == "2011" and r["speaker"] == "Pakistan"}
    assert {"sovereignty", "regional and sub-regional arrangements", "genocide",
            "Pillar I: the protection responsibilities of the State"} <= topics
    words = {r.get("ownWords") for r in rows if r["year"] == "2011" and r["speaker"] == "Pakistan"}
    said = "Addressing all situations in an impartial manner is the key to achieving consensus"
    assert said in words


# ---------------------------------------------------------------------------------------
# Stances across the years, and whose judgement each is
# ---------------------------------------------------------------------------------------

GCR2P, ICRTOP = "gcr2p", "icrtop"
DPI, EDITORS = "un-department-of-public-information", "r2p-graph-editors"

#: (year, actor, stance, target, judged by): every stance assessment in the record.
STANCES = (
    {(2009, c, "critical", "principle-r2p", GCR2P) for c in ("CUB", "NIC", "SDN", "VEN")}
    | {(2009, c, "supportive", "principle-r2p", ICRTOP) for c in (
        "european-union", "BIH", "CRI", "FRA", "GHA", "GNB", "GTM", "HUN", "IRL", "KOR", "LUX",
        "MLI", "NGA", "NOR", "RWA", "SVN")}
    | {(2011, c, "opposed", "principle-r2p", GCR2P) for c in ("CUB", "PAK", "VEN")}
    | {(2012, c, "opposed", "principle-r2p", GCR2P) for c in ("CUB", "VEN")}
    | {(2012, c, "supportive", "principle-r2p", EDITORS) for c in (
        "GBR", "CRI", "SGP", "un-secretary-general")}
    | {(2013, c, "supportive", "veto-restraint", GCR2P) for c in (
        "CHE", "CIV", "CRI", "ESP", "FRA", "HUN", "LIE", "NLD")}
    | {(2018, "PRK", "opposed", "formal-agenda", DPI)}
    | {(2018, "USA", "supportive", "principle-r2p", EDITORS),
       (2019, "european-union", "supportive", "principle-r2p", EDITORS),
       (2019, "USA", "supportive", "principle-r2p", EDITORS),
       (2022, "DNK", "supportive", "principle-r2p", EDITORS),
       (2023, "LVA", "supportive", "principle-r2p", EDITORS),
       (2024, "european-union", "supportive", "principle-r2p", EDITORS),
       (2025, "european-union", "supportive", "principle-r2p", EDITORS)}
)


def test_stances_by_year_and_by_whom(data_graph: Graph) -> None:
    rows = select(data_graph, """
        SELECT ?year ?actor ?value ?target ?by WHERE {
            { ?r r2p:hasStance ?a ; r2p:deliveredBy ?actor ; r2p:atMeeting ?m }
            UNION { ?r r2p:hasStance ?a ; r2p:participant ?actor ; r2p:inMeeting ?m }
            ?a r2p:stanceValue ?value ; r2p:stanceTarget ?target ;
               <http://www.w3.org/ns/prov#wasAttributedTo> ?by .
            ?m schema:startDate ?d . BIND (YEAR(?d) AS ?year)
        }""")
    got = {(int(r["year"]), code(r["actor"]), code(r["value"]), code(r["target"]), code(r["by"]))
           for r in rows}
    assert got == STANCES


def test_who_opposed_or_challenged_r2p_by_year(data_graph: Graph) -> None:
    """"Which states opposed R2P, by year, according to whom" answers beyond 2012."""
    by_year: dict[int, set[str]] = defaultdict(set)
    for r in answer(data_graph, "stances-by-year"):
        whole = r["target"] == "the responsibility to protect as a whole"
        if r["stance"] in {"opposed", "critical"} and whole:
            by_year[int(r["year"])].add(f'{code(r["actor"])}/{r["assessedBy"]}')
    centre = "Global Centre for the Responsibility to Protect"
    assert by_year == {
        2009: {f"{c}/{centre}" for c in ("CUB", "NIC", "SDN", "VEN")},
        2011: {f"{c}/{centre}" for c in ("CUB", "PAK", "VEN")},
        2012: {f"{c}/{centre}" for c in ("CUB", "VEN")},
    }


def test_stances_from_a_source_derive_from_its_claim_or_words(data_graph: Graph) -> None:
    rows = select(data_graph, """
        SELECT ?a WHERE {
            ?a a r2p:StanceAssessment ; <http://www.w3.org/ns/prov#wasAttributedTo> ?by .
            FILTER (?by != <https://w3id.org/r2p/id/agent/r2p-graph-editors>)
            FILTER NOT EXISTS { ?a <http://www.w3.org/ns/prov#wasDerivedFrom> ?x }
        }""")
    assert rows == []


# ---------------------------------------------------------------------------------------
# Facts as facts
# ---------------------------------------------------------------------------------------


def test_focal_points_are_appointments(data_graph: Graph) -> None:
    got = defaultdict(set)
    for r in answer(data_graph, "focal-points"):
        got[r["date"]].add(code(r["state"]))
    assert got == {"2013-09-11": FOCAL_POINTS_2013, "2014-09-08": {"ALB", "BWA"}}


#: (meeting date, member states that spoke or None, states represented, observers or None).
REPRESENTED = {
    ("2014-09-08", "67", "83", None), ("2014-09-08", "67", "81", None),
    ("2015-09-08", None, "89", None),
    ("2016-09-06", "68", "93", None), ("2016-09-06", "68", "95", None),
    ("2017-09-06", None, "98", None), ("2018-06-25", "79", "113", None),
    ("2019-06-27", "70", "104", None), ("2021-05-17", "59", "88", None),
    ("2022-06-23", None, "91", None), ("2023-06-26", None, "102", "2"),
    ("2024-07-01", "53", "103", "1"), ("2025-06-25", "58", "99", "1"),
}


def test_states_represented_beside_speakers(data_graph: Graph) -> None:
    got = {(r["date"], r.get("speakers"), r["represented"], r.get("observers"))
           for r in answer(data_graph, "states-represented")}
    assert got == REPRESENTED


def test_resolution_adoption(data_graph: Graph) -> None:
    got = {r["symbol"]: r for r in answer(data_graph, "resolution-adoption")}
    assert got["A/RES/63/308"]["mode"] == "adopted without a vote"
    assert (got["A/RES/63/308"]["sponsors"], got["A/RES/63/308"]["sponsorsNamed"]) == ("67", "65")
    assert got["A/RES/75/277"]["mode"] == "adopted by a recorded vote"
    assert (got["A/RES/75/277"]["inFavour"], got["A/RES/75/277"]["against"],
            got["A/RES/75/277"]["abstaining"]) == ("115", "15", "28")


def test_memberships_are_dated(data_graph: Graph) -> None:
    rows = select(data_graph, """
        SELECT ?group (COUNT(?ms) AS ?n) (SAMPLE(STR(?d)) AS ?date) WHERE {
            ?ms org:organization ?group ; r2p:memberAsOf ?d
        } GROUP BY ?group""")
    got = {(code(r["group"]), int(r["n"]), r["date"]) for r in rows}
    assert got == {
        ("group-of-friends-of-r2p", 53, "2021-05-17"),
        ("nordic-baltic-eight", 8, "2023-06-26"),
    }


def test_where_sources_disagree(data_graph: Graph) -> None:
    rows = answer(data_graph, "where-sources-disagree")
    values = defaultdict(set)
    for r in rows:
        if r.get("value"):
            values[int(r["year"])].add(int(r["value"]))
    # 2013: 68 vs 69 member states, and 18 vs 23 states on national Focal Points.
    assert values == {2013: {18, 23, 68, 69}, 2014: {81, 83}, 2016: {93, 95}}
    words_2012 = {r.get("words") for r in rows if r["year"] == "2012"}
    assert "auquel ont participé une cinquantaine d’États Membres" in words_2012
    sources = defaultdict(set)
    for r in rows:
        sources[r["about"]].add(r["source"])
    assert all(len(s) >= 2 for s in sources.values())


# ---------------------------------------------------------------------------------------
# Situations as the sources raise them
# ---------------------------------------------------------------------------------------


def test_situations_raised_are_linked_to_states(data_graph: Graph) -> None:
    rows = answer(data_graph, "situations-raised")
    raised = {(int(r["year"]), r["speaker"], r["situation"]) for r in rows}
    assert {(2017, "Luxembourg", "Myanmar"), (2018, "United States", "Myanmar"),
            (2022, "Myanmar", "Myanmar"), (2022, "Australia", "Ukraine"),
            (2016, "United Kingdom", "Syria"), (2014, "Pakistan", "Gaza"),
            (2025, "Australia", "Sudan"),
            (2025, "Australia", "Democratic Republic of the Congo")} <= raised
    assert all(r.get("affected") for r in rows), [r for r in rows if not r.get("affected")]


def test_every_situation_names_its_state(data_graph: Graph) -> None:
    rows = select(data_graph, """
        SELECT ?s WHERE { ?s a r2p:Situation FILTER NOT EXISTS { ?s r2p:affectedState ?x } }""")
    assert rows == []
    assert PREFIXES and ID
