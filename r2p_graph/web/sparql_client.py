"""A small SPARQL client for pages and charts: queries through the app's
:class:`~r2p_graph.store.Store`, answers as rows of :class:`Term` or rdflib graphs.

A store that is down or a query past its deadline propagates (503, by
:mod:`r2p_graph.web.errors`); any other store error is a bug in one of our own queries.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from flask import has_request_context
from flask import request as http_request
from rdflib import Graph

from r2p_graph import vocab as namespaces
from r2p_graph.ids import Minter
from r2p_graph.queries import site_query
from r2p_graph.store import (
    HeavyLaneFull,
    QueryRequest,
    QueryTimeout,
    QueryTooBig,
    StoreError,
    StoreUnavailable,
    formats,
)
from r2p_graph.web.context import web_context
from r2p_graph.web.errors import ApiError

#: Prefixes for Turtle and JSON-LD output and for compact names on pages.
PREFIXES: dict[str, str] = dict(namespaces.PAGE_PREFIXES)

_SAFE_IRI = re.compile(
    r"^[A-Za-z][A-Za-z0-9+.\-]*:"
    # No characters SPARQL forbids in <...>, none outside RFC 3987's ranges (controls,
    # surrogates, U+FFFD that stands for undecodable bytes), and every % starts a
    # percent-encoded byte: Oxigraph refuses the IRI otherwise.
    r"(?:[^<>\"{}|^`\\\x00-\x20%\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufff0-\uffff]"
    r"|%[0-9A-Fa-f]{2})*$"
)
#: IRIs per VALUES block of a batched query.
VALUES_CHUNK = 300


# ---------------------------------------------------------------------------------------
# SPARQL through the Store
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One RDF term of a SPARQL JSON result."""

    type: str  # "uri", "literal" or "bnode"
    value: str
    lang: str = ""
    datatype: str = ""

    @property
    def is_iri(self) -> bool:
        return self.type == "uri"


Row = dict[str, Term]


def safe_iri(iri: str) -> bool:
    """True when ``iri`` can be written as ``<iri>`` in SPARQL without escaping anything."""
    return bool(_SAFE_IRI.match(iri))


def ref(iri: str) -> str:
    """``<iri>`` for a SPARQL query; refuses anything that could break out of the brackets."""
    if not safe_iri(iri):
        raise ValueError(f"not a safe IRI: {iri!r}")
    return f"<{iri}>"


def _request(
    text: str,
    media_type: str,
    *,
    max_rows: int | None = None,
    default_graphs: tuple[str, ...] | None = None,
) -> QueryRequest:
    ctx = web_context()
    store = ctx.store
    if default_graphs is None and not getattr(store, "union_default_graph", False):
        # Without the union default graph a query sees only the stored default graph;
        # ask for the merge of every named graph instead (all graphs, each triple once).
        default_graphs = tuple(store.graph_names())
    return QueryRequest(
        text=text,
        default_graphs=default_graphs or (),
        media_type=media_type,
        timeout=ctx.settings.query_timeout,
        max_rows=max_rows or ctx.settings.max_rows,
        max_depth=ctx.settings.max_query_depth,
        max_operators=ctx.settings.max_query_operators,
        client=(http_request.remote_addr or "") if has_request_context() else "",
    )


def _run(
    text: str,
    media_type: str,
    max_rows: int | None = None,
    default_graphs: tuple[str, ...] | None = None,
) -> bytes:
    store = web_context().store
    request = _request(text, media_type, max_rows=max_rows, default_graphs=default_graphs)
    try:
        return store.query(request).body
    except (StoreUnavailable, QueryTimeout, HeavyLaneFull, QueryTooBig):
        raise  # 503 / 400, by the app's handlers (errors.py)
    except StoreError as exc:  # a bug in one of our own queries, never the client's
        raise ApiError(500, f"A query of this page failed: {exc}", kind="internal") from None


def select(text: str, *, max_rows: int | None = None) -> list[Row]:
    """Rows of a SELECT, each a dict of variable name -> :class:`Term`."""
    data = json.loads(_run(text, formats.SPARQL_JSON, max_rows))
    rows: list[Row] = []
    for binding in data["results"]["bindings"]:
        row: Row = {}
        for name, value in binding.items():
            kind = "literal" if value["type"] == "typed-literal" else value["type"]
            row[name] = Term(kind, value["value"], value.get("xml:lang", ""),
                             value.get("datatype", ""))
        rows.append(row)
    return rows


def ask(text: str) -> bool:
    """The answer to an ASK query."""
    return bool(json.loads(_run(text, formats.SPARQL_JSON)).get("boolean"))


def construct(text: str, *, default_graphs: tuple[str, ...] | None = None) -> Graph:
    """The graph a CONSTRUCT (or DESCRIBE) query returns, parsed into rdflib.
    ``default_graphs``: the graphs whose merge the query sees (default: all of them)."""
    graph = new_graph()
    body = _run(text, formats.N_TRIPLES, default_graphs=default_graphs)
    if body.strip():
        graph.parse(data=body.decode("utf-8"), format="nt")
    return graph


def new_graph() -> Graph:
    """An empty rdflib graph with the project's prefixes bound."""
    graph = Graph(bind_namespaces="none")
    settings = web_context().settings
    minter = Minter(settings.base_iri)
    graph.bind("r2p", minter.vocab)
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def query_file(name: str, **bound: str | Iterable[str]) -> str:
    """The text of ``queries/<name>.rq`` (``pages/meeting``, ``charts/themes``) under this
    server's base IRI, with each ``VALUES ?var { }`` block named in ``bound`` filled with
    the IRIs given for ``var``.

    A site query's parameters are its empty ``VALUES`` blocks (the file stays a query
    that parses and runs on its own, answering nothing); IRIs go in through :func:`ref`,
    never as text. A block that is not in the file, or is in it twice, is a bug: it
    raises ``KeyError``."""
    text = site_query(name, web_context().settings.base_iri)
    for variable, iris in bound.items():
        slot = f"VALUES ?{variable} {{ }}"
        if text.count(slot) != 1:
            raise KeyError(f"{name}.rq has no single '{slot}' block")
        filled = values([iris] if isinstance(iris, str) else iris)
        text = text.replace(slot, f"VALUES ?{variable} {{ {filled} }}")
    return text


def page_query(name: str, **bound: str | Iterable[str]) -> str:
    """:func:`query_file` for a page's query, ``queries/pages/<name>.rq``."""
    return query_file(f"pages/{name}", **bound)


def values(iris: Iterable[str]) -> str:
    """``<a> <b> ...`` for a ``VALUES`` block (each IRI checked by :func:`ref`)."""
    return " ".join(ref(iri) for iri in iris)
