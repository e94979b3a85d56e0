"""The benchmark's fixed query mix: the competency queries plus heavier analytical ones.

Every query is answered by every server over the same N-Quads file, with the union of all
graphs as the default graph. Queries that could return very many rows carry a LIMIT, so
no server is cut by a row cap and every server serializes the same answer.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from r2p_graph.queries import competency_queries

PREFIXES = """PREFIX r2p: <https://w3id.org/r2p/def#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


@dataclass(frozen=True)
class BenchQuery:
    name: str
    kind: str  # what it exercises
    text: str


HEAVY = [
    BenchQuery(
        "statements-by-year-theme",
        "GROUP BY year and theme",
        """SELECT ?year ?theme (COUNT(DISTINCT ?st) AS ?statements) WHERE {
  ?st a r2p:Statement ; r2p:atMeeting ?m ; r2p:addressesTheme ?theme .
  ?m schema:startDate ?date .
  BIND(YEAR(?date) AS ?year)
} GROUP BY ?year ?theme ORDER BY ?year DESC(?statements) ?theme""",
    ),
    BenchQuery(
        "participants-year-over-year",
        "GROUP BY year over inferred triples",
        """SELECT ?year (COUNT(DISTINCT ?actor) AS ?actors) (COUNT(DISTINCT ?m) AS ?meetings)
WHERE { ?m r2p:hadParticipant ?actor ; schema:startDate ?date . BIND(YEAR(?date) AS ?year) }
GROUP BY ?year ORDER BY ?year""",
    ),
    BenchQuery(
        "pillar-stance-by-state",
        "GROUP BY + OPTIONAL, LIMIT",
        """SELECT ?state ?pillar ?stance (COUNT(?st) AS ?n) WHERE {
  ?st r2p:deliveredBy ?actor ; r2p:addressesPillar ?p .
  ?actor skos:prefLabel ?state . ?p skos:prefLabel ?pillar .
  OPTIONAL { ?st r2p:hasStance/r2p:stanceValue/skos:prefLabel ?stance }
  FILTER(LANG(?state) = "en" && LANG(?pillar) = "en")
} GROUP BY ?state ?pillar ?stance ORDER BY DESC(?n) ?state LIMIT 500""",
    ),
    BenchQuery(
        "agents-by-class-path",
        "property path rdf:type/rdfs:subClassOf*",
        """SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE {
  ?x rdf:type ?class . ?class rdfs:subClassOf* prov:Agent .
} GROUP BY ?class ORDER BY DESC(?n)""",
    ),
    BenchQuery(
        "situations-via-path",
        "sequence path over three hops",
        """SELECT ?situation (COUNT(DISTINCT ?m) AS ?meetings) WHERE {
  ?m ^r2p:atMeeting/r2p:mentionsSituation/skos:prefLabel ?situation .
  FILTER(LANG(?situation) = "en")
} GROUP BY ?situation ORDER BY DESC(?meetings) ?situation""",
    ),
    BenchQuery(
        "statements-optional-detail",
        "OPTIONAL x3, ORDER BY, LIMIT",
        """SELECT ?st ?date ?actor ?quote ?situation ?doc WHERE {
  ?st a r2p:Statement ; r2p:atMeeting/schema:startDate ?date ; r2p:deliveredBy ?actor .
  OPTIONAL { ?st r2p:hasQuote/r2p:quotedText ?quote }
  OPTIONAL { ?st r2p:mentionsSituation ?situation }
  OPTIONAL { ?st r2p:citesDocument ?doc }
} ORDER BY DESC(?date) ?st LIMIT 1000""",
    ),
    BenchQuery(
        "quotes-contains",
        "text FILTER CONTAINS(LCASE())",
        """SELECT ?q ?text ?who WHERE {
  ?q r2p:quotedText ?text ; r2p:saidBy ?who .
  FILTER(CONTAINS(LCASE(STR(?text)), "early warning"))
} ORDER BY ?q LIMIT 2000""",
    ),
    BenchQuery(
        "labels-regex",
        "text FILTER REGEX, case-insensitive",
        """SELECT ?st ?label WHERE {
  ?st a r2p:Statement ; rdfs:label ?label .
  FILTER(REGEX(STR(?label), "^statement of (the )?(fr|ger|bra|ind)", "i"))
} ORDER BY ?st LIMIT 2000""",
    ),
    BenchQuery(
        "silent-member-states",
        "FILTER NOT EXISTS",
        """SELECT ?state WHERE {
  ?state a r2p:MemberState .
  FILTER NOT EXISTS {
    ?st r2p:deliveredBy ?state ; r2p:addressesPillar <https://w3id.org/r2p/id/pillar/3>
  }
} ORDER BY ?state""",
    ),
    BenchQuery(
        "count-all",
        "full scan COUNT",
        "SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o }",
    ),
    BenchQuery(
        "describe-meeting",
        "DESCRIBE",
        "DESCRIBE <https://w3id.org/r2p/id/meeting/ga-2012-09-05>",
    ),
    BenchQuery(
        "construct-participation",
        "CONSTRUCT, LIMIT",
        """CONSTRUCT { ?actor r2p:tookPartIn ?m . ?m schema:startDate ?date }
WHERE { ?actor r2p:tookPartIn ?m . ?m schema:startDate ?date } LIMIT 5000""",
    ),
]


def query_mix() -> list[BenchQuery]:
    """Competency queries first, then the heavy ones (PREFIXes added where missing)."""
    mix = [BenchQuery(q.name, "competency", q.text) for q in competency_queries()]
    mix += [BenchQuery(q.name, q.kind, PREFIXES + q.text) for q in HEAVY]
    return mix
