"""The rdflib engine: the pure-Python fallback (``Settings.engine = "rdflib"``).

Same contract and dataset semantics as :mod:`r2p_graph.store.oxigraph`. rdflib would
fetch ``FROM`` IRIs over HTTP or from ``file:`` paths and follow ``SERVICE``; here

* the process-wide switches ``SPARQL_LOAD_GRAPHS`` and ``SPARQL_DEFAULT_GRAPH_UNION`` are
  turned off when the engine is built (inside a query worker, so the serving process is
  left alone);
* the query's dataset clause is removed from the algebra before evaluation, and the
  dataset is assembled from graphs already loaded, so rdflib never loads anything;
* ``SERVICE`` is refused on the algebra too, after the lexical check.

rdflib cannot cancel a query; the worker pool enforces deadlines by killing the worker.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import rdflib
import rdflib.plugins.sparql as rdflib_sparql
from pyparsing import ParseException
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from r2p_graph.store import (
    QueryFailed,
    QueryForm,
    QueryRefused,
    QueryRequest,
    QueryResult,
    QuerySyntaxError,
    formats,
    refuse,
    rewrite,
)
from r2p_graph.store import results as res

_GRAPH_FORMATS = {
    formats.TURTLE: "turtle",
    formats.N_TRIPLES: "nt",
    formats.JSON_LD: "json-ld",
    formats.RDF_XML: "xml",
}
_MAX_MESSAGE = 400


def _shorten(message: str) -> str:
    message = " ".join(message.split())
    if len(message) > _MAX_MESSAGE:
        message = message[: _MAX_MESSAGE - 1] + "\u2026"
    return message


def term(value: Any) -> res.Term | None:
    """An rdflib term as an engine-neutral tuple."""
    if value is None:
        return None
    if isinstance(value, URIRef):
        return ("uri", str(value))
    if isinstance(value, BNode):
        return ("bnode", str(value))
    if isinstance(value, Literal):
        datatype = str(value.datatype) if value.datatype is not None else None
        return res.literal(str(value), datatype, value.language)
    raise TypeError(f"unexpected term {type(value).__name__}")


def uses_service(node: Any) -> bool:
    """True when a (translated) query algebra contains a SERVICE pattern."""
    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            return True
        return any(uses_service(value) for value in node.values())
    if isinstance(node, (list, tuple)):
        return any(uses_service(value) for value in node)
    return False


def configure_rdflib() -> None:
    """Process-wide rdflib switches for serving untrusted queries."""
    rdflib_sparql.SPARQL_LOAD_GRAPHS = False
    rdflib_sparql.SPARQL_DEFAULT_GRAPH_UNION = False
    rdflib.NORMALIZE_LITERALS = False  # answer with the lexical forms that were loaded
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)


class RdflibEngine:
    """Query evaluation with rdflib over a snapshot loaded into a ``Dataset``."""

    name = "rdflib"

    def __init__(self, snapshot: Path, *, union_default_graph: bool = True) -> None:
        configure_rdflib()
        self._dataset = Dataset()
        self._dataset.parse(str(snapshot), format="nquads")
        if union_default_graph:
            merged = {(s, p, o) for s, p, o, _ in self._dataset.quads((None, None, None, None))}
            default = self._dataset.default_context
            for triple in merged:
                default.add(triple)
        self._warm_up()

    def _warm_up(self) -> None:
        """Run one query of each form so the first client does not pay for rdflib's
        lazy imports and parser set-up."""
        for text, media_type in (
            ("SELECT * WHERE { ?s ?p ?o } LIMIT 1", formats.SPARQL_JSON),
            ("ASK { ?s ?p ?o }", formats.SPARQL_XML),
            ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1", formats.TURTLE),
        ):
            self.evaluate(QueryRequest(text, media_type=media_type))

    def _graph(self, iri: str) -> Graph:
        return Graph(store=self._dataset.store, identifier=URIRef(iri))

    def _view(self, default: Iterable[str], named: Iterable[str]) -> Dataset:
        """A dataset holding copies of just the chosen graphs."""
        view = Dataset()
        target = view.default_context
        for iri in default:
            for triple in self._graph(iri).triples((None, None, None)):
                target.add(triple)
        for iri in named:
            graph = view.graph(URIRef(iri))
            for triple in self._graph(iri).triples((None, None, None)):
                graph.add(triple)
        return view

    def evaluate(self, request: QueryRequest, send: Any = None) -> QueryResult:
        """Evaluate ``request``; answers are always whole (``send`` is not used: rdflib
        builds the whole graph before it serializes it)."""
        started = time.perf_counter()
        info = refuse.check_query(request.text, request.max_depth, request.max_operators)
        try:
            query = translateQuery(parseQuery(request.text), base=request.base_iri)
        except ParseException as exc:
            raise QuerySyntaxError(_shorten(exc.msg), (exc.lineno, exc.col)) from None
        except Exception as exc:  # rdflib raises bare Exceptions, e.g. unknown prefixes
            raise QuerySyntaxError(_shorten(str(exc))) from None
        if uses_service(query.algebra):
            raise QueryRefused(refuse.SERVICE_REFUSAL)

        clause = query.algebra.get("datasetClause")
        if request.default_graphs or request.named_graphs:
            dataset = self._view(request.default_graphs, request.named_graphs)
        elif clause:
            dataset = self._view(
                [str(d.default) for d in clause if d.get("default") is not None],
                [str(d.named) for d in clause if d.get("named") is not None],
            )
        else:
            dataset = self._dataset
        query.algebra["datasetClause"] = None  # never let rdflib resolve it

        try:
            answer = dataset.query(query)
            if answer.type == "ASK":
                media_type = _pick(request.media_type, formats.RESULT_TYPES)
                body = res.serialize_boolean(bool(answer.askAnswer), media_type)
                return QueryResult("ASK", body, media_type, 1, False, _since(started))
            if answer.type == "SELECT":
                media_type = _pick(request.media_type, formats.RESULT_TYPES)
                columns = [str(v) for v in answer.vars or []]
                variables = rewrite.column_order(info, columns)
                order = [columns.index(v) for v in variables]
                rows: list[tuple[res.Term | None, ...]] = []
                truncated = False
                for row in answer:
                    if len(rows) >= request.max_rows:
                        truncated = True
                        break
                    assert isinstance(row, tuple)
                    rows.append(tuple(term(row[i]) for i in order))
                body = res.serialize_select(variables, rows, media_type)
                return QueryResult(
                    "SELECT", body, media_type, len(rows), truncated, _since(started)
                )
            media_type = _pick(request.media_type, formats.GRAPH_TYPES)
            graph = answer.graph
            assert graph is not None
            for prefix, namespace in info.prefixes.items():
                graph.bind(prefix, namespace, override=True)
            body = graph.serialize(format=_GRAPH_FORMATS[media_type], encoding="utf-8")
            form: QueryForm = "DESCRIBE" if answer.type == "DESCRIBE" else "CONSTRUCT"
            return QueryResult(form, body, media_type, len(graph), False, _since(started))
        except (QueryRefused, QuerySyntaxError):
            raise
        except Exception as exc:  # evaluation errors surface as many exception types
            raise QueryFailed(_shorten(f"{type(exc).__name__}: {exc}")) from None


def _pick(media_type: str, allowed: tuple[str, ...]) -> str:
    return media_type if media_type in allowed else allowed[0]


def _since(started: float) -> float:
    return time.perf_counter() - started
