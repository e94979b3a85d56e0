"""The sections of a concept scheme's page (a topic's page is :mod:`.topic`)."""

from __future__ import annotations

from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from r2p_graph.web.labels import Labeller, fallback_label, graph_label
from r2p_graph.web.views.model import by_name, link_for


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
            return (0, float(entry["notation"]), by_name(entry["link"].label))
        except ValueError:
            return (1, 0.0, by_name(entry["link"].label))

    concepts.sort(key=order)
    return concepts
