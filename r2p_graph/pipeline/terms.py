"""Terms between rdflib and pyoxigraph, and the check of typed literals both reasoners share.

Used by loading (every typed literal is checked before it reaches an Oxigraph store),
validation (pySHACL reads rdflib terms) and inference (owlrl or the Oxigraph rules).
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import XSD, BNode, Literal, URIRef
from rdflib.term import Node


class LiteralChecker:
    """``dt-not-type``, with owlrl's own lexical checks so both reasoners agree.

    Call :meth:`check` on every typed literal *before* it goes into an Oxigraph store
    (which turns ``"300"^^xsd:byte`` into a valid ``xsd:integer``); :attr:`problems`
    lists the ill-typed ones.
    """

    def __init__(self) -> None:
        from owlrl.DatatypeHandling import AltXSDToPYTHON
        from owlrl.XsdDatatypes import OWL_RL_Datatypes

        self._converters = {
            str(d): AltXSDToPYTHON[d]
            for d in OWL_RL_Datatypes
            if d in AltXSDToPYTHON and d != XSD.string
        }
        self.datatypes = sorted(self._converters)
        self.problems: list[str] = []
        self._seen: set[tuple[str, str]] = set()

    def check(self, lexical: str, datatype: str) -> None:
        converter = self._converters.get(datatype)
        if converter is None or (lexical, datatype) in self._seen:
            return
        self._seen.add((lexical, datatype))
        try:
            converter(lexical)
        except ValueError:
            self.problems.append(
                f"Lexical value of the literal '{lexical}' does not match its datatype ({datatype})"
            )



# -- term conversion, memoized (the same predicates and classes recur a million times) -----


class ToOx:
    def __init__(self, checker: LiteralChecker | None = None) -> None:
        self._cache: dict[Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}
        self._checker = checker

    def __call__(self, term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        found = self._cache.get(term)
        if found is None:
            found = to_ox(term)
            if isinstance(term, Literal):
                if self._checker is not None and term.datatype is not None:
                    self._checker.check(str(term), str(term.datatype))
            else:
                self._cache[term] = found
        return found


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot reason over {type(term).__name__} terms")


_XSD_STRING = str(XSD.string)


class FromOx:
    def __init__(self) -> None:
        self._cache: dict[str, Node] = {}

    def __call__(self, term: object) -> Node:
        if isinstance(term, ox.NamedNode):
            found = self._cache.get(term.value)
            if found is None:
                found = self._cache[term.value] = URIRef(term.value)
            return found
        if isinstance(term, ox.BlankNode):
            return BNode(term.value)
        if isinstance(term, ox.Literal):
            if term.language:
                return Literal(term.value, lang=term.language)
            if term.datatype.value == _XSD_STRING:
                return Literal(term.value)  # RDF 1.1: the same literal as a plain one
            return Literal(term.value, datatype=URIRef(term.datatype.value))
        raise TypeError(f"unexpected term {term!r}")


def to_rdflib(term: object) -> Node:
    """One pyoxigraph term as the equal rdflib term."""
    return FromOx()(term)
