"""The sections of a concept's and a concept scheme's page."""

from __future__ import annotations

from typing import Any

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

from r2p_graph import vocab as namespaces
from r2p_graph.web.labels import Labeller, fallback_label, graph_label, vocab
from r2p_graph.web.sparql_client import ref, select
from r2p_graph.web.views.model import human_date, link_for

SDO = Namespace(namespaces.SCHEMA)
ORG = Namespace(namespaces.ORG)
VOID = Namespace(namespaces.VOID)


def concept_sections(iri: str, label: Labeller) -> dict[str, Any]:
    """The meetings where a theme, pillar, crime or situation was raised, with how often."""
    v = vocab()
    r = ref(iri)
    rows = select(
        f"PREFIX r2p: <{v}>\nPREFIX schema: <{SDO}>\nPREFIX dcterms: <{DCTERMS}>\n"
        "SELECT ?meeting ?date (COUNT(DISTINCT ?x) AS ?n) WHERE { "
        f"{{ ?x dcterms:subject|r2p:addressesTheme {r} . "
        "?x r2p:atMeeting|r2p:claimAbout ?meeting } "
        f"UNION {{ ?meeting r2p:focusPillar {r} . BIND(?meeting AS ?x) }} "
        "OPTIONAL { ?meeting schema:startDate ?date } } "
        "GROUP BY ?meeting ?date ORDER BY ?date"
    )
    label.want(*(row["meeting"].value for row in rows))
    label.resolve()
    raised = [{
        "meeting": link_for(row["meeting"].value, label),
        "date": human_date(row["date"].value) if "date" in row else "",
        "count": int(row["n"].value),
    } for row in rows]
    return {"raised": raised}


def scheme_concepts(iri: str, members: Graph, label: Labeller) -> list[dict[str, Any]]:
    """The concepts of a scheme, in notation order when they have one."""
    concepts = []
    for c in set(members.subjects()):
        if not isinstance(c, URIRef):
            continue
        label.labels.setdefault(str(c), graph_label(members, c) or fallback_label(str(c)))
        notation = members.value(c, SKOS.notation)
        definition = members.value(c, SKOS.definition)
        concepts.append({
            "link": link_for(str(c), label),
            "notation": str(notation) if notation is not None else "",
            "definition": str(definition) if definition is not None else "",
        })

    def order(entry: dict[str, Any]) -> tuple[int, float, str]:
        try:
            return (0, float(entry["notation"]), entry["link"].label.lower())
        except ValueError:
            return (1, 0.0, entry["link"].label.lower())

    concepts.sort(key=order)
    return concepts
