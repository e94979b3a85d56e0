"""The store interface: what the HTTP layer needs from a SPARQL engine, and nothing more.

The protocol layer (``r2p_graph.web``) only ever talks to a :class:`Store`. Engines
(Oxigraph, rdflib, a remote SPARQL store) live in sibling modules and are picked by
:func:`r2p_graph.store.factory.open_store` from the configuration.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

QueryForm = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]

#: Defaults of ``Settings.max_query_depth`` / ``Settings.max_query_operators``. Oxigraph
#: parses and evaluates recursively: on a worker's default 8 MB stack about 3,000 nested
#: braces, or a chain of about 10,000 ``+`` or ``UNION``, overflow it and kill the process
#: (a segfault, no error). Real queries nest a dozen levels and chain a few dozen operators.
MAX_QUERY_DEPTH = 100
MAX_QUERY_OPERATORS = 5_000


class StoreError(Exception):
    """Base class for errors a store reports to its caller."""


class QuerySyntaxError(StoreError):
    """The query text does not parse. ``position`` is (line, column), 1-based, when known."""

    def __init__(self, message: str, position: tuple[int, int] | None = None) -> None:
        super().__init__(message)
        self.position = position


class QueryRefused(StoreError):
    """The query is well-formed but asks for something this service never does
    (SERVICE, an update, LOAD)."""


class QueryTooComplex(StoreError):
    """The query nests deeper, or chains more operators, than the server evaluates
    (refused before evaluation: a parser's recursion could overflow a worker's stack)."""


class QueryTooBig(StoreError):
    """The query needed more memory than one query may use, and was stopped."""


class HeavyLaneFull(StoreError):
    """The query outgrew the fast lane's budget and the bounded heavy lane is full."""

    def __init__(self, message: str, retry_after: int = 5) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class QueryTimeout(StoreError):
    """The query passed its deadline and was cancelled."""


class StoreUnavailable(StoreError):
    """The engine cannot answer right now (still loading, or a remote store is down)."""


class QueryFailed(StoreError):
    """The query parsed but the engine could not evaluate it (the message says why)."""


@dataclass(frozen=True)
class QueryRequest:
    """One query, with the dataset it runs over and the shape of the answer wanted."""

    text: str
    #: IRIs of graphs whose merge is the default graph (SPARQL ``default-graph-uri`` / FROM).
    default_graphs: tuple[str, ...] = ()
    #: IRIs of graphs visible to ``GRAPH`` (``named-graph-uri`` / FROM NAMED).
    named_graphs: tuple[str, ...] = ()
    #: Media type of the serialization wanted (already negotiated).
    media_type: str = "application/sparql-results+json"
    #: Seconds before the query is cancelled.
    timeout: float = 10.0
    #: Most SELECT rows to return.
    max_rows: int = 10_000
    base_iri: str | None = None
    #: Deepest nesting and longest operator chain evaluated (see :data:`MAX_QUERY_DEPTH`).
    max_depth: int = MAX_QUERY_DEPTH
    max_operators: int = MAX_QUERY_OPERATORS
    #: Largest CONSTRUCT / DESCRIBE answer, in bytes (about: counted as N-Triples); the
    #: triples past it are cut and the result says so. 0: no cap.
    max_bytes: int = 0
    #: Who asked (the client's address), for fair shares of the heavy lane; "" = unknown.
    client: str = ""
    #: CONSTRUCT / DESCRIBE: an answer longer than this many bytes may stream (its first
    #: bytes go out while the engine still writes the rest; see :class:`AnswerStream`);
    #: shorter ones come whole, with exact headers. 0: always whole.
    stream_after: int = 0


@runtime_checkable
class AnswerStream(Protocol):
    """The rest of a streamed answer, after :attr:`QueryResult.body` (its first bytes).

    Iterating yields the following bytes as the engine writes them; once it is exhausted,
    :attr:`cut` says why the answer stopped early ("" when it is whole): ``max_bytes=N``
    (the byte cap), ``deadline=Ts`` (the query's deadline: the worker was killed),
    ``fast_lane_budget=Ts`` (still streaming past the fast lane's budget while the heavy
    lane was full), ``query_memory_mb=N`` or ``error``. Headers were sent before the cut
    was known, so the caller announces it in the body
    (:func:`r2p_graph.store.results.cut_notice`). :meth:`close` stops it early and frees
    the worker; it must be called (a WSGI server calls the response's ``close``).
    """

    cut: str

    def __iter__(self) -> Iterator[bytes]: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class QueryResult:
    """A serialized answer."""

    form: QueryForm
    body: bytes
    media_type: str
    #: Rows (SELECT), triples (CONSTRUCT/DESCRIBE) or 1 (ASK).
    size: int = 0
    #: True when SELECT rows were cut at ``max_rows``, or CONSTRUCT / DESCRIBE triples at
    #: ``max_bytes``.
    truncated: bool = False
    #: Seconds spent evaluating and serializing.
    elapsed: float = 0.0
    #: A streamed answer: ``body`` is its first part and this the rest (``size`` and
    #: ``truncated`` are then unknown: 0 and False). None: ``body`` is the whole answer.
    rest: AnswerStream | None = field(default=None, compare=False)


@dataclass(frozen=True)
class StoreStats:
    """Counts for VoID and ``r2p-graph stats``."""

    triples: int
    graphs: dict[str, int] = field(default_factory=dict)
    #: Triples in the stored default graph (those loaded without a graph name).
    default_graph_triples: int = 0


@runtime_checkable
class Store(Protocol):
    """A read-only SPARQL dataset."""

    def query(self, request: QueryRequest) -> QueryResult:
        """Evaluate ``request`` within its deadline and return the serialized answer.

        Raises :class:`QuerySyntaxError`, :class:`QueryRefused`, :class:`QueryTooComplex`,
        :class:`QueryTimeout`, :class:`QueryTooBig`, :class:`HeavyLaneFull`,
        :class:`QueryFailed` or :class:`StoreUnavailable`; never anything else for a bad
        query.
        """
        ...

    def graph_names(self) -> list[str]:
        """IRIs of the named graphs in the dataset."""
        ...

    def stats(self) -> StoreStats:
        """Triple counts, overall and per named graph."""
        ...

    def ready(self) -> bool:
        """True once the store can answer queries."""
        ...

    @property
    def union_default_graph(self) -> bool:
        """True when a query without a dataset sees the merge of all graphs as its
        default graph (sd:UnionDefaultGraph)."""
        ...

    def dump(self, media_type: str) -> Iterator[bytes]:
        """The whole dataset (every graph) serialized as ``media_type`` (N-Quads or TriG),
        in chunks. Raises ``ValueError`` for other media types."""
        ...

    def close(self) -> None:
        """Release processes, files and connections."""
        ...
