"""Media types the store can produce, shared by every engine and by the HTTP layer.

Engines serialize answers themselves (inside the worker that evaluated the query), so the
HTTP layer only has to pick one of these types and hand it over in the
:class:`~r2p_graph.store.QueryRequest`.
"""

from __future__ import annotations

from typing import Final

#: SPARQL 1.1 Query Results JSON Format.
SPARQL_JSON: Final = "application/sparql-results+json"
#: SPARQL Query Results XML Format.
SPARQL_XML: Final = "application/sparql-results+xml"
#: SPARQL 1.1 Query Results CSV Format.
CSV: Final = "text/csv"
#: SPARQL 1.1 Query Results TSV Format.
TSV: Final = "text/tab-separated-values"

TURTLE: Final = "text/turtle"
N_TRIPLES: Final = "application/n-triples"
JSON_LD: Final = "application/ld+json"
RDF_XML: Final = "application/rdf+xml"
N_QUADS: Final = "application/n-quads"
TRIG: Final = "application/trig"

#: Answers to SELECT and ASK, most preferred first (the first is the default).
RESULT_TYPES: Final[tuple[str, ...]] = (SPARQL_JSON, SPARQL_XML, CSV, TSV)
#: Answers to CONSTRUCT and DESCRIBE, most preferred first (the first is the default).
GRAPH_TYPES: Final[tuple[str, ...]] = (TURTLE, N_TRIPLES, JSON_LD, RDF_XML)
#: Whole-dataset serializations (dumps).
DATASET_TYPES: Final[tuple[str, ...]] = (N_QUADS, TRIG)

#: Media types that are text and get ``; charset=utf-8`` in Content-Type.
TEXT_TYPES: Final[frozenset[str]] = frozenset({CSV, TSV, TURTLE, N_TRIPLES, N_QUADS, TRIG})


def types_for_form(form: str | None) -> tuple[str, ...]:
    """The media types that can carry the answer to a query of this form."""
    if form in ("CONSTRUCT", "DESCRIBE"):
        return GRAPH_TYPES
    return RESULT_TYPES


def content_type(media_type: str) -> str:
    """The Content-Type header value for a media type (charset added for text types)."""
    if media_type in TEXT_TYPES:
        return f"{media_type}; charset=utf-8"
    return media_type
