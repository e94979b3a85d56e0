"""The Oxigraph engine: evaluates one query at a time over a pyoxigraph store.

An engine object lives inside a query worker process (see :mod:`r2p_graph.store.workers`);
it never sees HTTP. Two ways to hold the data:

* shared (the default): the on-disk store of the served folder
  (:mod:`r2p_graph.store.ondisk`), opened read-only, so every worker reads the same files
  through the OS page cache; used when no triple is stored in two graphs;
* private: the snapshot loaded into this worker's memory: on request
  (``Settings.worker_store = "memory"``: heavy queries run several times faster than on
  RocksDB, at the cost of a copy per worker), and for datasets that repeat a triple
  across graphs (or a bare snapshot without a served folder).

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
from the served folder's ``originals.nq``; see :mod:`r2p_graph.store.literal_forms`); the
rdflib engine and the dumps keep every term exactly.
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from r2p_graph import vocab
from r2p_graph.store import (
    QueryFailed,
    QueryForm,
    QueryRequest,
    QueryResult,
    QuerySyntaxError,
    formats,
    query_text,
    refuse,
    rewrite,
)
from r2p_graph.store import results as res
from r2p_graph.store.literal_forms import originals_table, restore
from r2p_graph.store.results import Send

_POSITION = re.compile(r"error at (\d+):(\d+):\s*(.*)", re.DOTALL)
_MAX_MESSAGE = 400

_XSD = vocab.XSD
_MERGE_PREFIX = "urn:r2p:merge:"
_MAX_MERGES = 16

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
        in_memory: bool = False,
    ) -> None:
        self._union = union_default_graph
        #: True when no triple is in two graphs: Oxigraph's union and its merge of
        #: several default graphs are then sets already.
        self.union_is_set = union_is_set
        #: True when the store is the shared read-only one (see the module docstring).
        self.shared = store is not None and union_is_set and not in_memory
        if self.shared:
            assert store is not None
            self._store = ox.Store.read_only(str(store))
        else:
            self._store = ox.Store()
            self._store.load(path=str(snapshot), format=ox.RdfFormat.N_QUADS)
            if union_default_graph and not union_is_set:
                # Our own text, never a client's: materialize the merge of all graphs.
                self._store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
        if originals is not None:
            candidates: Iterable[ox.Quad] = ox.parse(
                path=str(originals), format=ox.RdfFormat.N_QUADS
            )
        else:
            candidates = ox.parse(path=str(snapshot), format=ox.RdfFormat.N_QUADS)
        self._originals = originals_table(candidates)
        self._graphs = list(self._store.named_graphs())
        self._merges: OrderedDict[tuple[str, ...], ox.NamedNode] = OrderedDict()
        self._merge_serial = 0

    def _default_graph(self, iris: tuple[str, ...]) -> list[ox.NamedNode]:
        """The default graph for ``default-graph-uri`` values: one graph as it is, the
        RDF merge (a set) of several."""
        nodes = [ox.NamedNode(iri) for iri in dict.fromkeys(iris)]  # validates each IRI
        if len(nodes) < 2 or self.union_is_set:
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
        return restore(self._originals, triple)

    def _query(self, text: str, kwargs: dict[str, Any]) -> Any:
        try:
            return self._store.query(text, **kwargs)
        except SyntaxError as exc:
            raise syntax_error(str(exc)) from None
        except (OSError, ValueError, RuntimeError) as exc:
            raise QueryFailed(_shorten(str(exc))) from None

    def evaluate(self, request: QueryRequest, send: Send | None = None) -> QueryResult:
        """Evaluate ``request``; with ``send``, a graph answer longer than
        ``request.stream_after`` streams through it (see :class:`results.Relay`)."""
        started = time.perf_counter()
        # Again, in the worker (the analysis is remembered).
        info = refuse.check_query(request.text, request.max_depth, request.max_operators)
        kwargs: dict[str, Any] = {"base_iri": request.base_iri}
        try:
            if request.default_graphs or request.named_graphs:
                kwargs["default_graph"] = self._default_graph(request.default_graphs)
                kwargs["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs]
            elif info.has_dataset_clause:
                pass  # FROM / FROM NAMED: the query names its graphs itself
            elif self.union_is_set:
                kwargs["use_default_graph_as_union"] = self._union
            elif self._merges:
                kwargs["named_graphs"] = self._graphs  # cached merges stay invisible
        except ValueError as exc:
            raise QueryFailed(_shorten(str(exc))) from None
        media_type = _pick(request.media_type, formats.RESULT_TYPES)
        native = _NATIVE_RESULTS.get(media_type)
        if info.form == "SELECT" and native is not None:
            fast = self._select_natively(request, info, kwargs, native, media_type, started)
            if fast is not None:
                return fast
        answer = self._query(request.text, kwargs)
        try:
            if isinstance(answer, ox.QueryBoolean):
                if native is not None:
                    body = answer.serialize(format=native) or b""
                else:  # pragma: no cover - every result type is written natively
                    body = res.serialize_boolean(bool(answer), media_type)
                return QueryResult("ASK", body, media_type, 1, False, _since(started))
            if isinstance(answer, ox.QuerySolutions):
                return self._select_in_python(answer, info, request, media_type, started)
            media_type = _pick(request.media_type, formats.GRAPH_TYPES)
            prefixes = {k: v for k, v in info.prefixes.items() if query_text.is_iri(v)}
            form: QueryForm = "DESCRIBE" if info.form == "DESCRIBE" else "CONSTRUCT"
            relay = res.Relay(send, request.stream_after, form, media_type)
            capped = _Capped(answer, request.max_bytes, self._restore if self._originals else None)
            output: Any = relay  # a writable file, as far as the serializer is concerned
            ox.serialize(
                capped, output, format=_GRAPH_FORMATS[media_type], prefixes=prefixes or None
            )
            return QueryResult(
                form, relay.finish(), media_type, capped.count, capped.truncated,
                _since(started),
            )
        except (OSError, ValueError, RuntimeError) as exc:
            raise QueryFailed(_shorten(str(exc))) from None

    def _select_natively(
        self,
        request: QueryRequest,
        info: query_text.QueryInfo,
        kwargs: dict[str, Any],
        native: ox.QueryResultsFormat,
        media_type: str,
        started: float,
    ) -> QueryResult | None:
        """A SELECT answer serialized by Oxigraph itself, the row cap applied by a
        top-level LIMIT of ``max_rows + 1``; None when that cannot be done (the text
        cannot take the LIMIT or the projection) and the answer is to be read in Python.

        Oxigraph orders the columns of ``SELECT *`` by name; the query is then asked
        again with its columns spelled out, in order of first appearance.
        """
        capped = rewrite.with_row_limit(info, request.text, request.max_rows + 1)
        if capped is None:
            return None
        text, changed = capped
        try:
            answer = self._store.query(text, **kwargs)
        except SyntaxError as exc:
            if not changed:
                raise syntax_error(str(exc)) from None
            return None  # the error, with its position, comes from the text as sent
        except (OSError, ValueError, RuntimeError) as exc:
            raise QueryFailed(_shorten(str(exc))) from None
        if not isinstance(answer, ox.QuerySolutions):  # pragma: no cover - a SELECT
            return None
        columns = [v.value for v in answer.variables]
        wanted = rewrite.column_order(info, columns)
        spell = wanted != columns
        try:
            solutions = self._spelled(text, info, wanted, kwargs) if spell else answer
            if solutions is None:
                return None
            body = solutions.serialize(format=native) or b""
            size = count_rows(body, media_type)
            truncated = size > request.max_rows
            if truncated:
                # One row too many: run again with the cap itself (rare: a capped answer).
                again = rewrite.with_row_limit(info, request.text, request.max_rows)
                assert again is not None
                rerun = (
                    self._spelled(again[0], info, wanted, kwargs)
                    if spell
                    else self._store.query(again[0], **kwargs)
                )
                if not isinstance(rerun, ox.QuerySolutions):  # pragma: no cover
                    return None
                body = rerun.serialize(format=native) or b""
                size = count_rows(body, media_type)
        except (OSError, ValueError, RuntimeError, SyntaxError) as exc:
            raise QueryFailed(_shorten(str(exc))) from None
        return QueryResult("SELECT", body, media_type, size, truncated, _since(started))

    def _spelled(
        self,
        text: str,
        info: query_text.QueryInfo,
        wanted: list[str],
        kwargs: dict[str, Any],
    ) -> ox.QuerySolutions | None:
        """``text`` (a ``SELECT *``) asked with its columns spelled out as ``wanted``."""
        spelled = rewrite.with_projection(info, text, wanted)
        if spelled is None:
            return None
        try:
            answer = self._store.query(spelled, **kwargs)
        except SyntaxError:  # pragma: no cover - the same query, columns named
            return None
        if not isinstance(answer, ox.QuerySolutions):  # pragma: no cover - a SELECT
            return None
        return answer if [v.value for v in answer.variables] == wanted else None

    def _select_in_python(
        self,
        answer: ox.QuerySolutions,
        info: query_text.QueryInfo,
        request: QueryRequest,
        media_type: str,
        started: float,
    ) -> QueryResult:
        """A SELECT answer read row by row: the columns of ``SELECT *`` in order of first
        appearance in the query, at most ``max_rows`` rows."""
        try:
            columns = [v.value for v in answer.variables]
            variables = rewrite.column_order(info, columns)
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
        except (OSError, ValueError, RuntimeError) as exc:
            raise QueryFailed(_shorten(str(exc))) from None
        return QueryResult("SELECT", body, media_type, len(rows), truncated, _since(started))


#: Result types Oxigraph writes itself.
_NATIVE_RESULTS = {
    formats.SPARQL_JSON: ox.QueryResultsFormat.JSON,
    formats.SPARQL_XML: ox.QueryResultsFormat.XML,
    formats.CSV: ox.QueryResultsFormat.CSV,
    formats.TSV: ox.QueryResultsFormat.TSV,
}
# Strings of the JSON format, and quoted fields of CSV, blanked before rows are counted.
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_CSV_QUOTED = re.compile(rb'"[^"]*(?:""[^"]*)*"')


def count_rows(body: bytes, media_type: str) -> int:
    """Solutions in a SELECT answer as Oxigraph writes it, counted without parsing it.

    JSON: with strings blanked, every solution object is the only ``{`` that follows
    ``[`` or ``,``. XML: ``<`` in content is escaped, so each ``<result>`` is a solution.
    TSV: newlines in terms are escaped, one line per solution after the header. CSV:
    newlines only occur in quoted fields, blanked first.
    """
    if media_type == formats.SPARQL_JSON:
        blanked = _JSON_STRING.sub(b'""', body)
        return blanked.count(b"[{") + blanked.count(b",{")
    if media_type == formats.SPARQL_XML:
        return body.count(b"<result>") + body.count(b"<result/>")
    if media_type == formats.TSV:
        return max(0, body.count(b"\n") - 1)
    if media_type == formats.CSV:
        return max(0, _CSV_QUOTED.sub(b'""', body).count(b"\r\n") - 1)
    raise ValueError(f"no row count for {media_type}")


class _Capped:
    """The triples of a CONSTRUCT / DESCRIBE answer (terms as written, by ``restore``),
    read one by one as the serializer asks, and stopped before their N-Triples would pass
    ``max_bytes`` (0: no cap): the answer is never held whole."""

    def __init__(
        self,
        answer: Iterable[ox.Triple],
        max_bytes: int,
        restore: Callable[[ox.Triple], ox.Triple] | None,
    ) -> None:
        self._answer = answer
        self._max_bytes = max_bytes
        self._restore = restore
        self.count = 0
        self.truncated = False

    def __iter__(self) -> Iterator[ox.Triple]:
        size = 0
        for found in self._answer:
            triple = self._restore(found) if self._restore is not None else found
            if self._max_bytes:
                size += len(str(triple)) + 3  # "<s> <p> <o> .\n"
                if size > self._max_bytes:
                    self.truncated = True
                    return
            self.count += 1
            yield triple


def _pick(media_type: str, allowed: tuple[str, ...]) -> str:
    return media_type if media_type in allowed else allowed[0]


def _since(started: float) -> float:
    return time.perf_counter() - started
