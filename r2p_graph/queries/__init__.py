"""The competency questions: SPARQL a researcher would ask, each with a title and what it answers.

They are the test suite's contract with the data, the example tabs of the query UI and the
benchmark's query mix, so they live in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class CompetencyQuery:
    """One example query."""

    name: str
    title: str
    answers: str
    text: str


def competency_queries() -> list[CompetencyQuery]:
    """All ``*.rq`` files of this package, sorted by name."""
    found = []
    for entry in sorted(resources.files(__package__).iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".rq"):
            continue
        text = entry.read_text(encoding="utf-8")
        meta = {}
        for line in text.splitlines():
            if line.startswith("# ") and ":" in line:
                key, _, value = line[2:].partition(":")
                meta[key.strip()] = value.strip()
        found.append(
            CompetencyQuery(
                name=entry.name.removesuffix(".rq"),
                title=meta.get("title", entry.name),
                answers=meta.get("answers", ""),
                text=text,
            )
        )
    return found


def competency_query(name: str) -> CompetencyQuery:
    """One query by file name (without ``.rq``)."""
    for query in competency_queries():
        if query.name == name:
            return query
    raise KeyError(name)
