"""The project's SPARQL, as ``.rq`` files: the competency questions and the site's queries.

The competency questions (``*.rq`` here: SPARQL a researcher would ask, each with a title
and what it answers) are the test suite's contract with the data, the example tabs of the
query UI and the benchmark's query mix. The site's own queries are beside them
(:func:`site_query`): ``pages/`` for the pages (a page query's parameters are its empty
``VALUES ?var { }`` blocks, filled by :func:`r2p_graph.web.sparql_client.page_query`),
``charts/`` for the charts and ``service/`` for the VoID statistics. All are written with
the default base IRI.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from r2p_graph.vocab import DEFAULT_BASE

#: The base IRI the ``.rq`` files are written with.
WRITTEN_BASE = DEFAULT_BASE


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


@cache
def site_query(name: str, base_iri: str = WRITTEN_BASE) -> str:
    """The text of ``<name>.rq`` (e.g. ``charts/themes``), its IRIs under ``base_iri``.
    Read once per process: pages run these on every request, and the files are part of
    the installed package."""
    text = resources.files(__package__).joinpath(f"{name}.rq").read_text(encoding="utf-8")
    return text if base_iri == WRITTEN_BASE else text.replace(WRITTEN_BASE, base_iri)
