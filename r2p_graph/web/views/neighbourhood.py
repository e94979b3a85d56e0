"""The triples one page shows, fetched with one CONSTRUCT from ``queries/pages/``, with
every IRI in them labelled: what the meeting and topic views read from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rdflib import Graph, Namespace, URIRef

from r2p_graph.queries import site_query
from r2p_graph.web.labels import Labeller, base_iri, vocab
from r2p_graph.web.sparql_client import construct, ref
from r2p_graph.web.views.model import Value, value_for


@dataclass
class Neighbourhood:
    """A page's triples (``graph``) and the labeller that names what they mention."""

    graph: Graph
    label: Labeller

    @classmethod
    def fetch(cls, query: str, variable: str, iri: str, label: Labeller) -> Neighbourhood:
        """Run ``queries/pages/{query}.rq`` with ``?{variable}`` bound to ``iri``, then
        label every subject and IRI object of the answer in one go."""
        text = site_query(f"pages/{query}", base_iri())
        graph = construct(text + f"\nVALUES ?{variable} {{ {ref(iri)} }}\n")
        for o in graph.objects():
            if isinstance(o, URIRef):
                label.want(str(o))
        for s in graph.subjects():
            label.want(str(s))
        label.resolve()
        return cls(graph, label)

    def values(self, node: Any, *props: Any) -> list[Value]:
        """The values of ``node`` for any of ``props``, each once, in label order."""
        found = {
            str(o): value_for(o, self.label) for p in props for o in self.graph.objects(node, p)
        }
        return sorted(found.values(), key=lambda v: v.text.lower())

    def quotes(self, node: Any) -> list[str]:
        """The texts of ``node``'s quotations (``r2p:hasQuote``), in alphabetical order."""
        r2p = Namespace(vocab())
        return sorted(
            str(t)
            for q in self.graph.objects(node, r2p.hasQuote)
            for t in self.graph.objects(q, r2p.quotedText)
        )
