"""Search over the names of what the record is about: states (by any of their names in the
six UN languages, former names, ISO codes), organizations, people, meetings, situations,
themes, pillars, crimes, UN documents and quotations.

The index is read once per process from ``queries/pages/search-index.rq`` (the data does
not change while it is served) and kept on the application. Matching folds case,
diacritics and typographic quotes: "cote d'ivoire" finds "Côte d\u2019Ivoire" (a curly
apostrophe).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from flask import current_app

from r2p_graph.web import sparql_client
from r2p_graph.web.labels import lang_rank, local_href
from r2p_graph.web.views.model import by_name, fold

_INDEX_KEY = "r2p_graph.search_index"
_LOCK = threading.Lock()

#: Kinds a resource may have, most telling first (a state is also an actor).
KINDS: tuple[str, ...] = ("state", "person", "organization", "meeting", "situation",
                          "pillar", "theme", "crime", "document", "quotation")
KIND_LABELS = {
    "state": "State", "person": "Person", "organization": "Organization",
    "meeting": "Meeting", "situation": "Situation", "pillar": "Pillar", "theme": "Theme",
    "crime": "Crime", "document": "Document", "quotation": "Quotation",
}
_PREFERRED = ("prefLabel", "label", "name", "title")
_WORD_START = re.compile(r"(?:^|[\s\-'\"(/,.])")


@dataclass
class Entry:
    iri: str
    kind: str
    label: str = ""
    label_rank: tuple[int, int] = (99, 99)
    context: str = ""
    #: (folded name, weight): preferred names weigh more than search names.
    names: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class Hit:
    iri: str
    label: str
    kind: str
    href: str | None
    matched: str
    score: int
    context: str = ""

    def record(self) -> dict[str, str | int]:
        return {"iri": self.iri, "label": self.label, "type": self.kind,
                "type_label": KIND_LABELS.get(self.kind, self.kind), "url": self.href or "",
                "matched": self.matched, "score": self.score,
                **({"context": self.context} if self.context else {})}


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


def build_index() -> list[Entry]:
    entries: dict[str, Entry] = {}
    for row in sparql_client.select(sparql_client.page_query("search-index")):
        iri, kind, text = row["s"].value, row["kind"].value, row["text"].value
        entry = entries.get(iri)
        if entry is None:
            entry = entries[iri] = Entry(iri=iri, kind=kind)
        elif KINDS.index(kind) < KINDS.index(entry.kind):
            entry.kind = kind
        prop = _local(row["prop"].value)
        if kind == "quotation":
            entry.label = text if len(text) <= 140 else text[:137] + "…"
            entry.context = row["context"].value if "context" in row else ""
            entry.names.append((fold(text), 1))
            continue
        if prop in _PREFERRED:
            rank = (_PREFERRED.index(prop), lang_rank(row["text"].lang))
            if rank < entry.label_rank:
                entry.label, entry.label_rank = text, rank
        weight = 3 if prop in _PREFERRED else 2 if prop in ("altLabel", "countryCode",
                                                             "documentSymbol") else 1
        entry.names.append((fold(text), weight))
    return [e for e in entries.values() if e.label]


def index() -> list[Entry]:
    """The process's index, built on first use."""
    app = current_app
    found = app.extensions.get(_INDEX_KEY)
    if found is None:
        with _LOCK:
            found = app.extensions.get(_INDEX_KEY)
            if found is None:
                found = app.extensions[_INDEX_KEY] = build_index()
    return list(found)


def _score(query: str, tokens: list[str], name: str) -> int:
    if name == query:
        return 100
    if name.startswith(query):
        return 80
    if re.search(_WORD_START.pattern + re.escape(query), name):
        return 65
    if len(query) >= 3 and query in name:
        return 45
    if len(tokens) > 1 and all(re.search(_WORD_START.pattern + re.escape(t), name)
                               for t in tokens):
        return 35
    return 0


def search(text: str, limit: int = 50, kinds: tuple[str, ...] = ()) -> list[Hit]:
    """Hits for ``text``, best first: exact names, then names starting with it, then names
    with a word starting with it, then names containing it; ties by kind, then name."""
    query = fold(text)
    if not query:
        return []
    tokens = query.split(" ")
    hits: list[Hit] = []
    for entry in index():
        if kinds and entry.kind not in kinds:
            continue
        best, matched = 0, ""
        for name, weight in entry.names:
            score = _score(query, tokens, name)
            if entry.kind == "quotation" and score < 100:
                score = score // 2
            if score:
                score += weight
            if score > best:
                best, matched = score, name
        if best:
            hits.append(Hit(iri=entry.iri, label=entry.label, kind=entry.kind,
                            href=local_href(entry.iri), matched=matched, score=best,
                            context=entry.context))
    hits.sort(key=lambda h: (-h.score, KINDS.index(h.kind), by_name(h.label)))
    return hits[:limit]
