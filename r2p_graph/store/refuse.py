"""Refuse what must never run: SPARQL Update, ``LOAD`` and ``SERVICE`` (federated query).

:func:`check_query` runs in the serving process and again in the query worker, over the
analysis of :mod:`r2p_graph.store.query_text` (remembered, so the second check costs a
dictionary lookup). See that module for why the check is lexical and conservative.
"""

from __future__ import annotations

from typing import Final

from r2p_graph.store import MAX_QUERY_DEPTH, MAX_QUERY_OPERATORS, QueryRefused, QueryTooComplex
from r2p_graph.store.query_text import QueryInfo, analyze

SERVICE_REFUSAL: Final = (
    "SERVICE (federated query) is disabled on this endpoint: it never contacts other "
    "servers. The query was not run."
)
UPDATE_REFUSAL: Final = (
    "This endpoint is read-only: SPARQL Update requests (INSERT, DELETE, LOAD, CLEAR, "
    "DROP, CREATE, ADD, MOVE, COPY) are refused. The request was not run."
)
LOAD_REFUSAL: Final = (
    "LOAD is refused: this endpoint is read-only and never fetches data from the network "
    "or the file system. The request was not run."
)


MAX_DEPTH: Final = MAX_QUERY_DEPTH
MAX_OPERATORS: Final = MAX_QUERY_OPERATORS


def check_complexity(
    info: QueryInfo, max_depth: int = MAX_DEPTH, max_operators: int = MAX_OPERATORS
) -> None:
    """Raise :class:`QueryTooComplex` for a query nested or chained beyond the limits."""
    if info.depth > max_depth:
        raise QueryTooComplex(
            f"The query nests {info.depth} levels of braces, parentheses and brackets; this "
            f"server evaluates at most {max_depth} (R2P_MAX_QUERY_DEPTH). Flatten the query. "
            "It was not run."
        )
    if info.operators > max_operators:
        raise QueryTooComplex(
            f"The query chains {info.operators} operators (UNION, OPTIONAL, MINUS, arithmetic, "
            f"comparisons, path operators); this server evaluates at most {max_operators} "
            "(R2P_MAX_QUERY_OPERATORS). Split the query. It was not run."
        )


def check_query(
    text: str, max_depth: int = MAX_DEPTH, max_operators: int = MAX_OPERATORS
) -> QueryInfo:
    """Analyze ``text`` and raise :class:`QueryRefused` if it must never run, or
    :class:`QueryTooComplex` if it nests or chains beyond the limits."""
    info = analyze(text)
    if info.update_keyword == "LOAD":
        raise QueryRefused(LOAD_REFUSAL)
    if info.is_update:
        raise QueryRefused(UPDATE_REFUSAL)
    if info.uses_service:
        raise QueryRefused(SERVICE_REFUSAL)
    check_complexity(info, max_depth, max_operators)
    return info
