"""The Oxigraph engine: evaluates one query at a time over a pyoxigraph store.

An engine object lives inside a query worker process (see :mod:`r2p_graph.store.workers`);
it never sees HTTP. Two ways to hold the data:

* shared (the usual case): the on-disk store of the served folder
  (:mod:`r2p_graph.store.ondisk`), opened read-only, so every worker reads the same files
  through the OS page cache; used when no triple is stored in two graphs;
* private: the snapshot loaded into this worker's memory, for datasets that repeat a
  triple across graphs (or a bare snapshot without a served folder).

Dataset semantics:

* no dataset in the request or the query: the default graph is the merge of every graph
  when ``union_default_graph``, otherwise the stored default graph; every named graph is
  visible to ``GRAPH``. SPARQL wants the merge to be a set. Oxigraph's own union mode
  (``use_default_graph_as_union``) would repeat a triple stored in two graphs, so it is
  used only when no triple is (checked once, when the served folder was made); otherwise
  the merge is materialized once at load into the private store's default graph;
* ``FROM`` / ``FROM NAMED`` in the query: only those graphs, from the loaded dataset
  (Oxigraph never dereferences them);
* ``default-graph-uri`` / ``named-graph-uri`` in the request: they replace the query's
  own dataset, as the SPARQL 1.1 Protocol says. Several default graphs are merged into
  a set: Oxigraph joins them as a bag, which is the same when no triple is in two graphs;
  otherwise the merge is built once in the worker's private store and cached.

Literals: Oxigraph stores numbers, booleans and date-times by value, so it answers with
their canonical lexical form and turns every integer subtype into ``xsd:integer``
(``"58"^^xsd:nonNegativeInteger`` comes back as ``58``; upstream issue oxigraph#526).
SELECT answers show these canonical terms. CONSTRUCT and DESCRIBE answers get the
original terms back for every triple that is in the data (a table built at load time,
from the served folder's ``originals.nq``); the rdflib engine and the dumps keep every
term exactly.
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from r2p_graph import sparql_safety
from r2p_graph.store import (
    QueryFailed,
    QueryForm,
    QueryRequest,
    QueryResult,
    QuerySyntaxError,
    formats,
)
from r2p_graph.store import results as res

_POSITION = re.compile(r"error at (\d+):(\d+):\s*(.*)", re.DOTALL)
_MAX_MESSAGE = 400

_XSD = "http://www.w3.org/2001/XMLSchema#"
_MERGE_PREFIX = "urn:r2p:merge:"
_MAX_MERGES = 16
_SCRATCH_PREDICATE = ox.NamedNode("urn:r2p:scratch:p")

_GRAPH_FORMATS = {
    formats.TURTLE: ox.RdfFormat.TURTLE,
    formats.N_TRIPLES: ox.RdfFormat.N_TRIPLES,
    formats.JSON_LD: ox.RdfFormat.JSON_LD,
    formats.RDF_XML: ox.RdfFormat.RDF_XML,
}


def syntax_error(message: str) -> QuerySyntaxError:
    """A :class:`QuerySyntaxError` from Oxigraph's ``error at L:C: ...`` message."""
    match = _POSITION.match(message)
    if not match:
        return QuerySyntaxError(_shorten(message))
    line, column, detail = int(match.group(1)), int(match.group(2)), match.group(3)
    if detail.startswith("expected one of") and len(detail) > 120:
        # Oxigraph lists every possible token, Unicode ranges included; keep the start.
        detail = detail[:100].rsplit(",", 1)[0] + ", \u2026"
    return QuerySyntaxError(_shorten(detail), (line, column))


def _shorten(message: str) -> str:
    message = " ".join(message.split())
    if len(message) > _MAX_MESSAGE:
        message = message[: _MAX_MESSAGE - 1] + "\u2026"
    return message


def term(value: Any) -> res.Term | None:
    """A pyoxigraph term as an engine-neutral tuple."""
    if value is None:
        return None
    if isinstance(value, ox.NamedNode):
        return ("uri", value.value)
    if isinstance(value, ox.BlankNode):
        return ("bnode", value.value)
    if isinstance(value, ox.Literal):
        direction = value.direction
        return res.literal(
            value.value,
            value.datatype.value,
            value.language,
            str(direction) if direction is not None else None,
        )
    if isinstance(value, ox.Triple):
        s, p, o = term(value.subject), term(value.predicate), term(value.object)
        assert s is not None and p is not None and o is not None
        return res.triple(s, p, o)
    raise TypeError(f"unexpected term {type(value).__name__}")


class OxigraphEngine:
    """Query evaluation over a snapshot: its shared on-disk store, or a private copy."""

    name = "oxigraph"

    def __init__(
        self,
        snapshot: Path,
        *,
        union_default_graph: bool = True,
        store: Path | None = None,
        originals: Path | None = None,
        union_is_set: bool = False,
    ) -> None:
        self._union = union_default_graph
        #: True when the store is the shared read-only one (see the module docstring).
        self.shared = store is not None and union_is_set
        if self.shared:
            assert store is not None
            self._store = ox.Store.read_only(str(store))
        else:
            self._store = ox.Store()
            self._store.load(path=str(snapshot), format=ox.RdfFormat.N_QUADS)
            if union_default_graph:
                # Our own text, never a client's: materialize the merge of all graphs.
                self._store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
        if originals is not None:
            candidates: Iterable[ox.Quad] = ox.parse(
                path=str(originals), format=ox.RdfFormat.N_QUADS
            )
        else:
            candidates = ox.parse(path=str(snapshot), format=ox.RdfFormat.N_QUADS)
        self._originals = _original_literals(candidates)
        self._graphs = list(self._store.named_graphs())
        self._merges: OrderedDict[tuple[str, ...], ox.NamedNode] = OrderedDict()
        self._merge_serial = 0

    def _default_graph(self, iris: tuple[str, ...]) -> list[ox.NamedNode]:
        """The default graph for ``default-graph-uri`` values: one graph as it is, the
        RDF merge (a set) of several."""
        nodes = [ox.NamedNode(iri) for iri in dict.fromkeys(iris)]  # validates each IRI
        if len(nodes) < 2 or self.shared:  # shared: no triple is in two graphs
            return nodes
        key = tuple(sorted(node.value for node in nodes))
        merged = self._merges.get(key)
        if merged is not None:
            self._merges.move_to_end(key)
            return [merged]
        self._merge_serial += 1
        merged = ox.NamedNode(f"{_MERGE_PREFIX}{self._merge_serial}")
        self._store.extend(
            ox.Quad(quad.subject, quad.predicate, quad.object, merged)
            for node in nodes
            for quad in self._store.quads_for_pattern(None, None, None, node)
        )
        self._merges[key] = merged
        if len(self._merges) > _MAX_MERGES:
            _, oldest = self._merges.popitem(last=False)
            self._store.remove_graph(oldest)
        return [merged]

    def _restore(self, triple: ox.Triple) -> ox.Triple:
        """The triple with its object as written in the data (see the module docstring)."""
        obj = triple.object
        if isinstance(obj, ox.Literal):
            original = self._originals.get((triple.subject, triple.predicate, obj))
            if original is not None:
                return ox.Triple(triple.subject, triple.predicate, original)
        return triple

    def evaluate(self, request: QueryRequest) -> QueryResult:
        started = time.perf_counter()
        info = sparql_safety.check_query(request.text)  # again, inside the worker
        kwargs: dict[str, Any] = {"base_iri": request.base_iri}
        try:
            if request.default_graphs or request.named_graphs:
                kwargs["default_graph"] = self._default_graph(request.default_graphs)
                kwargs["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs]
            elif info.has_dataset_clause:
                pass  # FROM / FROM NAMED: the query names its graphs itself
            elif self.shared:
                kwargs["use_default_graph_as_union"] = self._union
            elif self._merges:
                kwargs["named_graphs"] = self._graphs  # cached merges stay invisible
            answer = self._store.query(request.text, **kwargs)
        except SyntaxError as exc:
            raise syntax_error(str(exc)) from None
        except (OSError, ValueError, RuntimeError) as exc:
            raise QueryFailed(_shorten(str(exc))) from None
        try:
            if isinstance(answer, ox.QueryBoolean):
                media_type = _pick(request.media_type, formats.RESULT_TYPES)
                body = res.serialize_boolean(bool(answer), media_type)
                return QueryResult("ASK", body, media_type, 1, False, _since(started))
            if isinstance(answer, ox.QuerySolutions):
                media_type = _pick(request.media_type, formats.RESULT_TYPES)
                columns = [v.value for v in answer.variables]
                variables = info.column_order(columns)
                order = [columns.index(v) for v in variables]
                rows: list[tuple[res.Term | None, ...]] = []
                truncated = False
                for solution in answer:
                    if len(rows) >= request.max_rows:
                        truncated = True
                        break
                    values = tuple(solution)
                    rows.append(tuple(term(values[i]) for i in order))
                body = res.serialize_select(variables, rows, media_type)
                return QueryResult(
                    "SELECT", body, media_type, len(rows), truncated, _since(started)
                )
            media_type = _pick(request.media_type, formats.GRAPH_TYPES)
            triples = list(answer)
            if self._originals:
                triples = [self._restore(t) for t in triples]
            prefixes = {k: v for k, v in info.prefixes.items() if sparql_safety.is_iri(v)}
            graph_body = ox.serialize(
                triples, format=_GRAPH_FORMATS[media_type], prefixes=prefixes or None
            )
            form: QueryForm = "DESCRIBE" if info.form == "DESCRIBE" else "CONSTRUCT"
            return QueryResult(
                form, graph_body or b"", media_type, len(triples), False, _since(started)
            )
        except (OSError, ValueError, RuntimeError) as exc:
            raise QueryFailed(_shorten(str(exc))) from None


def _original_literals(
    quads: Iterable[ox.Quad],
) -> dict[tuple[Any, Any, Any], ox.Literal | None]:
    """(subject, predicate, literal as Oxigraph stores it) -> literal as written, for the
    data literals among ``quads`` that Oxigraph rewrites. Ambiguous keys (two originals
    folded into one stored term) map to None and stay canonical."""
    candidates = [
        quad
        for quad in quads
        if isinstance(quad.object, ox.Literal)
        and quad.object.datatype.value.startswith(_XSD)
        and quad.object.datatype.value != _XSD + "string"
    ]
    if not candidates:
        return {}
    scratch = ox.Store()
    scratch.extend(
        ox.Quad(ox.NamedNode(f"urn:r2p:scratch:{i}"), _SCRATCH_PREDICATE, quad.object)
        for i, quad in enumerate(candidates)
    )
    stored: dict[int, Any] = {}
    for quad in scratch.quads_for_pattern(None, _SCRATCH_PREDICATE, None, None):
        if isinstance(quad.subject, ox.NamedNode):
            stored[int(quad.subject.value.rsplit(":", 1)[1])] = quad.object
    table: dict[tuple[Any, Any, Any], ox.Literal | None] = {}
    for i, quad in enumerate(candidates):
        canonical, original = stored.get(i), quad.object
        if canonical is None or canonical == original or not isinstance(original, ox.Literal):
            continue
        key = (quad.subject, quad.predicate, canonical)
        if key in table and table[key] != original:
            table[key] = None
        else:
            table[key] = original
    return table


def _pick(media_type: str, allowed: tuple[str, ...]) -> str:
    return media_type if media_type in allowed else allowed[0]


def _since(started: float) -> float:
    return time.perf_counter() - started
