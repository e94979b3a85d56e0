"""The triples one page shows, fetched with one CONSTRUCT from ``queries/pages/``, with
every IRI in them labelled: what the meeting and topic views read from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS

from r2p_graph import vocab as namespaces
from r2p_graph.web.labels import Labeller, vocab
from r2p_graph.web.sparql_client import construct, page_query
from r2p_graph.web.views.model import Link, Value, by_name, human_date, link_for, value_for


@dataclass
class Document:
    """A UN document as a page lists it: dated, with its symbol, its text and how it
    relates to the page's subject."""

    doc: Link
    iso_date: str
    date: str
    how: list[str]
    symbol: str
    url: str


@dataclass
class Neighbourhood:
    """A page's triples (``graph``) and the labeller that names what they mention."""

    graph: Graph
    label: Labeller

    @classmethod
    def fetch(cls, query: str, variable: str, iri: str, label: Labeller) -> Neighbourhood:
        """Run ``queries/pages/{query}.rq`` with ``?{variable}`` bound to ``iri``, then
        label every subject and IRI object of the answer in one go."""
        graph = construct(page_query(query, **{variable: iri}))
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
        return sorted(found.values(), key=lambda v: by_name(v.text))

    def quotes(self, node: Any) -> list[str]:
        """The texts of ``node``'s quotations (``r2p:hasQuote``), in alphabetical order."""
        r2p = Namespace(vocab())
        return sorted(
            str(t)
            for q in self.graph.objects(node, r2p.hasQuote)
            for t in self.graph.objects(q, r2p.quotedText)
        )

    def documents(self, how: dict[str, list[str]]) -> list[Document]:
        """The documents named in ``how`` (IRI -> how each relates to the page), oldest
        first; one without a recorded date says so."""
        r2p, sdo = Namespace(vocab()), Namespace(namespaces.SCHEMA)
        docs = []
        for doc_iri, notes in how.items():
            node = URIRef(doc_iri)
            issued = self.graph.value(node, DCTERMS.issued) or self.graph.value(node, DCTERMS.date)
            iso = str(issued) if issued is not None else ""
            docs.append(Document(
                doc=link_for(doc_iri, self.label), iso_date=iso,
                date=human_date(iso) if iso else "date not recorded", how=notes,
                symbol=str(self.graph.value(node, r2p.documentSymbol) or ""),
                url=str(self.graph.value(node, sdo.url) or "")))
        docs.sort(key=lambda d: (d.iso_date or "9999", by_name(d.doc.label)))
        return docs
