"""Content negotiation, the one used by ``/sparql``, the service description and VoID,
``/id``, ``/def``, ``/graph``, the downloads and the list pages: :func:`choose` (406 as
an error) and :func:`best` (None when nothing fits, for callers that write their own 406).

The Accept header is parsed by werkzeug (``request.accept_mimetypes``, a ``MIMEAccept``).
Each offered type then gets the quality of the *most specific* range that matches it
(RFC 9110 section 12.5.1): ``text/turtle;q=0`` beats ``*/*``, ``text/*`` beats ``*/*``.
The best quality wins; ties go to the server's order of preference. Nothing acceptable:
``None`` (the caller answers 406). No Accept header at all: the server's first choice.

``format=`` (short names or media types) overrides the Accept header.

Aliases: a client asking for ``application/xhtml+xml`` gets HTML; ``application/json``
gets SPARQL JSON results (or JSON-LD for a graph); ``application/xml`` / ``text/xml`` get
SPARQL XML (or RDF/XML); and ``text/plain`` gets N-Triples.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask import request

from r2p_graph.store import formats
from r2p_graph.web.errors import ApiError

HTML = "text/html"
JSON = "application/json"
#: What a list page (``/search``, ``/statements``, ``/states``) offers: itself, its rows as
#: JSON, its rows as CSV.
TABLE_OFFERS: tuple[str, ...] = (HTML, JSON, formats.CSV)

#: Media types accepted in Accept headers as synonyms for each offer.
ALIASES: dict[str, tuple[str, ...]] = {
    HTML: ("application/xhtml+xml",),
    formats.SPARQL_JSON: ("application/json",),
    formats.SPARQL_XML: ("application/xml", "text/xml"),
    formats.CSV: (),
    formats.TSV: (),
    formats.TURTLE: ("application/x-turtle", "application/turtle"),
    formats.N_TRIPLES: ("text/plain",),
    formats.JSON_LD: ("application/json",),
    formats.RDF_XML: ("application/xml", "text/xml"),
    formats.N_QUADS: ("text/x-nquads",),
    formats.TRIG: ("application/x-trig",),
}

#: ``format=`` parameter values (lower case) for each media type, by result family.
_RESULT_NAMES = {
    "json": formats.SPARQL_JSON,
    "srj": formats.SPARQL_JSON,
    "xml": formats.SPARQL_XML,
    "srx": formats.SPARQL_XML,
    "csv": formats.CSV,
    "tsv": formats.TSV,
}
_GRAPH_NAMES = {
    "turtle": formats.TURTLE,
    "ttl": formats.TURTLE,
    "n3": formats.TURTLE,
    "nt": formats.N_TRIPLES,
    "ntriples": formats.N_TRIPLES,
    "n-triples": formats.N_TRIPLES,
    "jsonld": formats.JSON_LD,
    "json-ld": formats.JSON_LD,
    "json": formats.JSON_LD,
    "xml": formats.RDF_XML,
    "rdf": formats.RDF_XML,
    "rdfxml": formats.RDF_XML,
    "rdf+xml": formats.RDF_XML,
    "rdf/xml": formats.RDF_XML,
}
_DATASET_NAMES = {"nq": formats.N_QUADS, "nquads": formats.N_QUADS, "trig": formats.TRIG}
#: A resource (``/id``, ``/def``, ``/graph``): its graph, or its page.
_RESOURCE_NAMES = {"html": HTML, **_GRAPH_NAMES}
#: A list page: HTML, JSON or CSV.
_TABLE_NAMES = {"html": HTML, "json": JSON, "csv": formats.CSV}


@dataclass(frozen=True)
class _Range:
    type: str
    subtype: str
    quality: float

    def matches(self, media_type: str) -> int:
        """Specificity of the match (3 exact, 2 type/*, 1 */*) or 0 for none."""
        main, _, sub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 1
        if self.type == main and self.subtype == "*":
            return 2
        if self.type == main and self.subtype == sub:
            return 3
        return 0


def _ranges(accept: Iterable[tuple[str, float]]) -> list[_Range]:
    ranges = []
    for value, quality in accept:
        media_range = value.split(";", 1)[0].strip().lower()
        main, slash, sub = media_range.partition("/")
        if not slash:
            if media_range == "*":  # some clients send a bare "*"
                main, sub = "*", "*"
            else:
                continue
        try:
            q = float(quality)
        except (TypeError, ValueError):
            q = 0.0
        ranges.append(_Range(main.strip(), sub.strip(), max(0.0, min(1.0, q))))
    return ranges


def _best(media_type: str, ranges: Sequence[_Range]) -> tuple[int, float]:
    """(specificity, quality) of the most specific range matching ``media_type``."""
    specificity, q = 0, 0.0
    for media_range in ranges:
        s = media_range.matches(media_type)
        if s > specificity or (s == specificity and s and media_range.quality > q):
            specificity, q = s, media_range.quality
    return specificity, q


def quality(media_type: str, ranges: Sequence[_Range]) -> tuple[float, int]:
    """(quality, rank) the client gives ``media_type``; rank orders equal qualities.

    The canonical type named exactly decides. Otherwise an alias named exactly
    (``application/json``) decides. Otherwise wildcards apply to the canonical type.
    """
    specificity, q = _best(media_type, ranges)
    if specificity == 3:
        return q, 7
    alias_qualities = [
        media_range.quality
        for alias in ALIASES.get(media_type, ())
        for media_range in ranges
        if media_range.matches(alias) == 3
    ]
    if alias_qualities:
        return max(alias_qualities), 6
    if specificity:
        return q, specificity * 2
    return 0.0, 0


def negotiate(accept: Iterable[tuple[str, float]] | None, offers: Sequence[str]) -> str | None:
    """The offer the client prefers, or None when it accepts none of them.

    ``accept`` is werkzeug's parsed Accept header (``request.accept_mimetypes``);
    ``None`` or empty means no header: the first offer.
    """
    ranges = _ranges(accept or ())
    if not ranges:
        return offers[0] if offers else None
    best: str | None = None
    best_key = (0.0, 0)
    for offer in offers:
        key = quality(offer, ranges)
        if key[0] > 0 and key > best_key:
            best, best_key = offer, key
    return best


def from_format_param(values: Sequence[str], offers: Sequence[str]) -> str | None:
    """The media type named by ``format=`` values (short names or media types), if any
    of them fits ``offers``; SPARQLWrapper sends several, the first usable one wins."""
    names = _names_for(offers)
    for value in values:
        key = value.strip().lower()
        if not key:
            continue
        media_type = names.get(key, key.split(";", 1)[0].strip())
        if media_type in offers:
            return media_type
        for offer in offers:
            if media_type in ALIASES.get(offer, ()):
                return offer
    return None


def format_names(offers: Sequence[str]) -> list[str]:
    """Short ``format=`` names usable for ``offers`` (for error messages)."""
    return sorted(name for name, media in _names_for(offers).items() if media in offers)


def _names_for(offers: Sequence[str]) -> dict[str, str]:
    if JSON in offers:
        return _TABLE_NAMES
    if HTML in offers:
        return _RESOURCE_NAMES
    if formats.TURTLE in offers:
        return _GRAPH_NAMES
    if formats.SPARQL_JSON in offers:
        return _RESULT_NAMES
    return _DATASET_NAMES


def best(offers: Sequence[str], format_values: Sequence[str]) -> str | None:
    """The media type to answer this request with: ``format=`` values first, else the
    Accept header; None when nothing in ``offers`` is acceptable."""
    if format_values:
        return from_format_param(format_values, offers)
    accept = request.accept_mimetypes if request.headers.get("Accept") else None
    return negotiate(accept, offers)


def choose(offers: Sequence[str], format_values: Sequence[str]) -> str:
    """:func:`best`, or a 406 :class:`~r2p_graph.web.errors.ApiError` naming the offers."""
    chosen = best(offers, format_values)
    if chosen is not None:
        return chosen
    if format_values:
        raise ApiError(
            406,
            f"format={format_values[0]!r} cannot carry this answer; use one of "
            f"{', '.join(format_names(offers))} or one of these media "
            f"types: {', '.join(offers)}.",
            headers={"Vary": "Accept"},
            kind="not-acceptable",
        )
    raise ApiError(
        406,
        "None of the media types in the Accept header can carry this answer. "
        f"Available: {', '.join(offers)}.",
        headers={"Vary": "Accept"},
        kind="not-acceptable",
    )
