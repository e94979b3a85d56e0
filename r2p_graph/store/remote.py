"""A :class:`~r2p_graph.store.Store` over any SPARQL 1.1 server reached by URL.

Oxigraph server, Apache Jena Fuseki, Virtuoso, GraphDB and QLever all speak the SPARQL 1.1
Protocol, so this store needs nothing else. It applies the same rules as the embedded store
before a query leaves this process (SERVICE, updates and LOAD are refused by
:func:`r2p_graph.refuse.check_query`), bounds every request by the query's deadline,
caps SELECT rows, and answers with the same media types.

The dataset it serves is the set of graphs that ``r2p-graph publish`` wrote under the
project's base (``{base}graph/ontology``, ``asserted``, ``inferred``): the default graph a
query sees is their merge, named explicitly with ``default-graph-uri``, so the remote store's
own configuration (union default graph or not) does not change the answers, and other
graphs kept in the same store stay invisible.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import requests

from r2p_graph import vocab
from r2p_graph.store import (
    QueryFailed,
    QueryRequest,
    QueryResult,
    QuerySyntaxError,
    QueryTimeout,
    StoreStats,
    StoreUnavailable,
    formats,
    refuse,
    rewrite,
)
from r2p_graph.store import results as res

#: How long graph names and readiness are remembered, in seconds.
_CACHE_SECONDS = 2.0
#: The published dataset's graphs are found under this path of the base.
GRAPH_PATH = "graph/"
#: The control graph that records which build is live; never part of the served dataset.
META_GRAPH = "graph/meta"


class RemoteStore:
    """A read-only dataset held by a SPARQL server elsewhere."""

    def __init__(
        self,
        endpoint: str,
        *,
        base_iri: str = vocab.DEFAULT_BASE,
        connect_timeout: float = 3.0,
        session: requests.Session | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.base_iri = base_iri
        self.connect_timeout = connect_timeout
        self._session = session or requests.Session()
        self._lock = threading.Lock()
        self._graphs: tuple[float, list[str]] | None = None
        self._ready: tuple[float, bool] | None = None

    # -- Store protocol

    def query(self, request: QueryRequest) -> QueryResult:
        """Check, send and re-serialize one query within its deadline."""
        started = time.monotonic()
        deadline = started + request.timeout
        info = refuse.check_query(request.text, request.max_depth, request.max_operators)
        if info.form is None:
            # Vendor pragmas before the query form (Virtuoso's "define get:soft" makes it
            # fetch FROM IRIs) are not SPARQL; nothing but a plain query leaves this server.
            raise QuerySyntaxError(
                "Not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE."
            )
        form = info.form
        default_graphs = list(request.default_graphs)
        named_graphs = list(request.named_graphs)
        if not default_graphs and not named_graphs and not info.has_dataset_clause:
            graphs = self.graph_names(deadline=deadline)
            default_graphs, named_graphs = graphs, graphs
        if form in ("CONSTRUCT", "DESCRIBE"):
            accept = request.media_type
        else:
            accept = formats.SPARQL_JSON
        response = self._post(
            request.text,
            default_graphs=default_graphs,
            named_graphs=named_graphs,
            accept=accept,
            deadline=deadline,
        )
        if form in ("CONSTRUCT", "DESCRIBE"):
            body = response.content
            size = _count_lines(body) if request.media_type == formats.N_TRIPLES else 0
            return QueryResult(
                form=form,
                body=body,
                media_type=request.media_type,
                size=size,
                elapsed=time.monotonic() - started,
            )
        try:
            document = response.json()
        except ValueError as exc:
            raise QueryFailed("The store answered with something that is not SPARQL JSON.") from exc
        if "boolean" in document:
            return QueryResult(
                form="ASK",
                body=res.serialize_boolean(bool(document["boolean"]), request.media_type),
                media_type=request.media_type,
                size=1,
                elapsed=time.monotonic() - started,
            )
        variables = rewrite.column_order(info, list(document.get("head", {}).get("vars", [])))
        bindings = document.get("results", {}).get("bindings", [])
        truncated = len(bindings) > request.max_rows
        rows = [[_term(b.get(v)) for v in variables] for b in bindings[: request.max_rows]]
        return QueryResult(
            form="SELECT",
            body=res.serialize_select(variables, rows, request.media_type),
            media_type=request.media_type,
            size=len(rows),
            truncated=truncated,
            elapsed=time.monotonic() - started,
        )

    def graph_names(self, *, deadline: float | None = None) -> list[str]:
        """The published graphs (under ``{base}graph/``, without the control graph)."""
        now = time.monotonic()
        with self._lock:
            if self._graphs and now - self._graphs[0] < _CACHE_SECONDS:
                return list(self._graphs[1])
        prefix = self.base_iri + GRAPH_PATH
        meta = self.base_iri + META_GRAPH
        response = self._post(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }",
            accept=formats.SPARQL_JSON,
            deadline=deadline or now + 10.0,
        )
        names = sorted(
            b["g"]["value"]
            for b in response.json()["results"]["bindings"]
            if b["g"]["value"].startswith(prefix)
            and b["g"]["value"] != meta
            and "/staging/" not in b["g"]["value"]
        )
        with self._lock:
            self._graphs = (time.monotonic(), names)
        return names

    def stats(self) -> StoreStats:
        """Triples per published graph."""
        graphs = self.graph_names()
        if not graphs:
            return StoreStats(triples=0)
        values = " ".join(f"<{g}>" for g in graphs)
        response = self._post(
            f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} "
            "GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
            accept=formats.SPARQL_JSON,
            deadline=time.monotonic() + 30.0,
        )
        counts = {
            b["g"]["value"]: int(b["n"]["value"]) for b in response.json()["results"]["bindings"]
        }
        return StoreStats(triples=sum(counts.values()), graphs=counts)

    def ready(self) -> bool:
        """True when the store answers a trivial query (remembered for two seconds)."""
        now = time.monotonic()
        with self._lock:
            if self._ready and now - self._ready[0] < _CACHE_SECONDS:
                return self._ready[1]
        try:
            self._post("ASK { }", accept=formats.SPARQL_JSON, deadline=now + 2.0)
            ok = True
        except Exception:
            ok = False
        with self._lock:
            self._ready = (time.monotonic(), ok)
        return ok

    @property
    def union_default_graph(self) -> bool:
        """Queries without a dataset see the merge of the published graphs."""
        return True

    def dump(self, media_type: str) -> Iterator[bytes]:
        """The published graphs as N-Quads or TriG, read back from the store."""
        if media_type not in formats.DATASET_TYPES:
            raise ValueError(f"no dataset dump as {media_type}")
        import pyoxigraph as ox  # start-up: pyoxigraph only to parse a CONSTRUCT answer

        quads: list[ox.Quad] = []
        for graph in self.graph_names():
            response = self._post(
                f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
                accept=formats.N_TRIPLES,
                deadline=time.monotonic() + 120.0,
            )
            name = ox.NamedNode(graph)
            for t in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES):
                quads.append(ox.Quad(t.subject, t.predicate, t.object, name))
        fmt = ox.RdfFormat.N_QUADS if media_type == formats.N_QUADS else ox.RdfFormat.TRIG
        data = ox.serialize(quads, format=fmt)
        assert data is not None
        yield data

    def close(self) -> None:
        """Close pooled connections."""
        self._session.close()

    # -- HTTP

    def _post(
        self,
        text: str,
        *,
        accept: str,
        deadline: float,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> requests.Response:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise QueryTimeout(_timeout_message())
        form: list[tuple[str, str]] = [("query", text)]
        form += [("default-graph-uri", g) for g in default_graphs or []]
        form += [("named-graph-uri", g) for g in named_graphs or []]
        try:
            response = self._session.post(
                self.endpoint,
                data=form,
                headers={"Accept": accept},
                timeout=(min(self.connect_timeout, remaining), remaining),
            )
        except requests.Timeout as exc:
            if isinstance(exc, requests.ConnectTimeout):
                raise StoreUnavailable(_unavailable_message()) from exc
            raise QueryTimeout(_timeout_message()) from exc
        except requests.ConnectionError as exc:
            raise StoreUnavailable(_unavailable_message()) from exc
        if response.status_code == 400:
            raise QuerySyntaxError(_short(response.text) or "The store rejected the query.")
        if response.status_code in (502, 503, 504):
            raise StoreUnavailable(_unavailable_message())
        if response.status_code >= 400:
            raise QueryFailed(f"The store answered {response.status_code}: {_short(response.text)}")
        return response


def _term(binding: dict[str, Any] | None) -> res.Term | None:
    if binding is None:
        return None
    kind = binding.get("type")
    value = binding.get("value", "")
    if kind == "uri":
        return res.uri(value)
    if kind == "bnode":
        return res.bnode(value)
    if kind == "triple":
        inner = binding["value"]
        parts = [_term(inner[k]) for k in ("subject", "predicate", "object")]
        assert all(p is not None for p in parts)
        return res.triple(*parts)  # type: ignore[arg-type]
    return res.literal(
        value,
        binding.get("datatype"),
        binding.get("xml:lang"),
        binding.get("its:dir"),
    )


def _count_lines(body: bytes) -> int:
    return sum(1 for line in body.splitlines() if line.strip() and not line.startswith(b"#"))


def _short(text: str, limit: int = 500) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def _timeout_message() -> str:
    return "The query did not finish within its deadline at the backing store and was abandoned."


def _unavailable_message() -> str:
    return (
        "The backing SPARQL store cannot be reached right now. The server will use it again "
        "as soon as it is back; try again in a moment."
    )
