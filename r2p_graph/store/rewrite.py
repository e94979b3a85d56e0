"""Rewrite a query's text where that can be done lexically, from its analysis
(:func:`r2p_graph.store.query_text.analyze`): a row limit, ``SELECT *`` spelled out, and
the column order of ``SELECT *``. Each function returns None (or leaves the columns)
when the analysis says rewriting is unsafe.
"""

from __future__ import annotations

from r2p_graph.store.query_text import QueryInfo


def with_projection(info: QueryInfo, text: str, variables: list[str]) -> str | None:
    """``SELECT *`` of ``text`` spelled out as ``variables`` (which must be the
    query's in-scope variables, e.g. what the engine reports for the ``*``): the same
    query, with its columns in that order. None when ``text`` is not such a query."""
    if info.star_at is None or text[info.star_at : info.star_at + 1] != "*":
        return None
    names = " ".join(f"?{name}" for name in variables) or "*"
    return text[: info.star_at] + names + text[info.star_at + 1 :]

def with_row_limit(info: QueryInfo, text: str, rows: int) -> tuple[str, bool] | None:
    """``text`` changed so that it returns at most ``rows`` solutions, each still the
    same and in the same order, and whether it was changed; None when that cannot be
    done lexically. ``text`` must be the text this analysis is of, a SELECT query.

    A top-level ``LIMIT`` applies after ORDER BY and OFFSET, so adding one (or
    lowering the query's own) keeps exactly the first ``rows`` solutions; nothing is
    wrapped, so the projection and its order are untouched.
    """
    if info.form != "SELECT" or info.limit_at is None:
        return None
    if info.limit is not None:
        value, start, end = info.limit
        if value <= rows:
            return text, False
        return text[:start] + str(rows) + text[end:], True
    # After a line break: the text may end in a comment.
    return text[: info.limit_at] + f"\nLIMIT {rows}\n" + text[info.limit_at :], True

def column_order(info: QueryInfo, columns: list[str]) -> list[str]:
    """For ``SELECT *``, ``columns`` in order of first appearance in the query
    (what most engines and the W3C examples do); otherwise unchanged."""
    if not info.select_star:
        return columns
    rank = {name: i for i, name in enumerate(info.variables)}
    return sorted(columns, key=lambda name: rank.get(name, len(rank)))
