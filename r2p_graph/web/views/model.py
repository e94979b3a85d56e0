"""What a resource page shows: links, values, rows, and the page itself (view models)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rdflib import BNode, Literal
from rdflib.namespace import XSD

from r2p_graph.web.labels import Labeller, is_local, local_href
from r2p_graph.web.sparql_client import Term

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u0060": "'",
                         "\u00b4": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
                         "\u00ab": '"', "\u00bb": '"', "\u2010": "-", "\u2011": "-",
                         "\u2013": "-", "\u2014": "-"})
_SPACES = re.compile(r"\s+")

def fold(text: str) -> str:
    """Lower case, without diacritics, straight quotes, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def by_name(text: str) -> str:
    """The order every page lists names and labels in: A-Z, case, accents and quote style
    ignored (Côte d'Ivoire among the Cs, not after Czechia), as the UN's own lists are."""
    return fold(text)


def by_deliverer(by: list[Value], fallback: str) -> str:
    """The order of statements: by who delivered them (:func:`by_name`), else ``fallback``
    (the record keeps no order of speaking)."""
    return by_name(" ".join(v.text for v in by) or fallback)


@dataclass
class Link:
    """A link to a resource, with its label."""

    label: str
    href: str | None
    iri: str = ""
    note: str = ""
    external: bool = False


@dataclass
class Value:
    """One value of a property: a link, or a literal (with its language)."""

    text: str
    href: str | None = None
    lang: str = ""
    iri: str = ""
    external: bool = False
    datatype: str = ""


@dataclass
class PropertyRow:
    label: str
    href: str | None
    iri: str
    values: list[Value]


@dataclass
class InverseGroup:
    heading: str
    predicate: str
    items: list[Link]
    total: int


@dataclass
class ResourcePage:
    iri: str
    label: str
    types: list[Link]
    description: str
    properties: list[PropertyRow]
    inverse: list[InverseGroup]
    sources: list[Link]
    jsonld: str
    alternates: list[tuple[str, str, str]]  # (name, media type, href)
    kind: str = "resource"  # meeting | state | actor | topic | concept | scheme | person | resource
    sections: dict[str, Any] = field(default_factory=dict)


def _literal_value(lit: Literal | Term) -> Value:
    if isinstance(lit, Term):
        text, lang, datatype = lit.value, lit.lang, lit.datatype
    else:
        text, lang, datatype = str(lit), lit.language or "", str(lit.datatype or "")
    if datatype == str(XSD.date):
        text = human_date(text)
    elif datatype == str(XSD.boolean):
        text = "yes" if text.strip().lower() in ("true", "1") else "no"
    elif datatype == str(XSD.anyURI) and text.startswith(("http://", "https://")):
        return Value(text=text, href=text, external=True, datatype=datatype)
    return Value(text=text, lang=lang, datatype=datatype)


def human_date(text: str) -> str:
    """``2012-09-05`` -> ``5 September 2012`` (anything else unchanged)."""
    try:
        d = date.fromisoformat(text[:10])
    except ValueError:
        return text
    return f"{d.day} {d.strftime('%B')} {d.year}" if len(text) == 10 else text


def link_for(iri: str, label: Labeller, note: str = "") -> Link:
    href = local_href(iri)
    return Link(label=label(iri), href=href, iri=iri, note=note,
                external=bool(href) and not is_local(iri))


def value_for(node: Any, label: Labeller) -> Value:
    if isinstance(node, Literal):
        return _literal_value(node)
    if isinstance(node, BNode):
        return Value(text="(an anonymous resource)")
    iri = str(node)
    href = local_href(iri)
    return Value(text=label(iri), href=href, iri=iri, external=bool(href) and not is_local(iri))
