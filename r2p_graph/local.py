"""An in-process, read-only view of a built dataset for the command line (``query``, ``stats``).

The HTTP server uses the store layer (``r2p_graph.store``), which adds deadlines and worker
processes; a person at a terminal can simply press Ctrl-C.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox


class QueryError(Exception):
    """The query does not parse or asks for something refused."""


class LocalGraph:
    """A pyoxigraph store whose default graph is the union of the dataset's graphs."""

    def __init__(self, store: ox.Store) -> None:
        self._store = store

    @classmethod
    def from_nquads(cls, path: Path) -> LocalGraph:
        """Load an N-Quads file (a cached build)."""
        store = ox.Store()
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        return cls(store)

    def query(self, text: str) -> Any:
        """Evaluate ``text`` over the union of all graphs."""
        try:
            return self._store.query(text, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QueryError(f"syntax error: {exc}") from exc

    def query_formatted(self, text: str, fmt: str) -> str:
        """Run a query and render it as ``table``, ``csv`` or ``json`` (graphs as N-Triples)."""
        result = self.query(text)
        if isinstance(result, ox.QueryBoolean):
            return ("true" if bool(result) else "false") + "\n"
        if isinstance(result, ox.QueryTriples):
            out = io.BytesIO()
            result.serialize(out, ox.RdfFormat.N_TRIPLES)
            return out.getvalue().decode("utf-8")
        if fmt in ("csv", "json"):
            out = io.BytesIO()
            result.serialize(
                out, ox.QueryResultsFormat.CSV if fmt == "csv" else ox.QueryResultsFormat.JSON
            )
            return out.getvalue().decode("utf-8")
        variables = [v.value for v in result.variables]
        rows = [[_plain(solution[v]) for v in variables] for solution in result]
        return _table(variables, rows)

    def _select(self, text: str, *, union: bool = False) -> ox.QuerySolutions:
        return _select_rows(self._store.query(text, use_default_graph_as_union=union))

    def summary(self, namespace: str) -> dict[str, Any]:
        """Triple counts overall and per graph, and resources per class of ``namespace``
        (the r2p ontology's, under the configured base IRI)."""
        graphs = {
            str(row["g"].value): int(row["n"].value)
            for row in self._select(
                "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
            )
        }
        classes = {
            str(row["c"].value): int(row["n"].value)
            for row in self._select(
                "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c "
                f"FILTER(STRSTARTS(STR(?c), {json.dumps(namespace)})) }} "
                "GROUP BY ?c ORDER BY DESC(?n)",
                union=True,
            )
        }
        return {"triples": sum(graphs.values()), "graphs": graphs, "classes": classes}


def _select_rows(result: Any) -> ox.QuerySolutions:
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError("expected a SELECT query")
    return result


def _plain(term: Any) -> str:
    if term is None:
        return ""
    return str(term.value)


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, min(len(c), 80)) for w, c in zip(widths, row, strict=True)]
    line = " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out = [line, "-+-".join("-" * w for w in widths)]
    for row in rows:
        out.append(" | ".join(c[:80].ljust(w) for c, w in zip(row, widths, strict=True)))
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"
