"""A topic's page (a pillar, a theme, a crime or a situation), read top to bottom: the
statements that raised it, grouped by meeting, oldest meeting first; what sources say
about it (claims that address it, each dated by its meeting); and the UN documents that
concern it, each dated.

The data comes from one query (``queries/pages/topic.rq``); the order of meetings,
statements, claims and documents is decided here, not in the template.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import PROV, SKOS

from r2p_graph import vocab as namespaces
from r2p_graph.web.labels import Labeller, base_iri, vocab
from r2p_graph.web.views.model import Link, Value, by_deliverer, by_name, human_date, link_for
from r2p_graph.web.views.neighbourhood import Document, Neighbourhood

SDO = Namespace(namespaces.SCHEMA)

#: The concept schemes whose concepts get a topic page.
TOPIC_SCHEMES = ("pillar", "theme", "crime", "situation")

#: How a UN document relates to a topic, by the property that links them.
_DOCUMENT_RELATIONS = (("addressesPillar", "addresses it"), ("addressesTheme", "addresses it"),
                       ("concernsSituation", "concerns it"))

#: The dates a meeting's label ends with: "…, 5 September 2012" or a range of days.
_DATES_AT_END = re.compile(r", (\d{1,2} [A-Z][a-z]+ \d{4}(?: to \d{1,2} [A-Z][a-z]+ \d{4})?)$")


@dataclass
class TopicStatement:
    statement: Link
    by: list[Value]
    behalf: list[Value]
    speaker: list[Value]
    quotes: list[str]


@dataclass
class MeetingGroup:
    meeting: Link
    iso_date: str
    date: str
    statements: list[TopicStatement] = field(default_factory=list)


@dataclass
class TopicClaim:
    claim: Link
    kind: str
    meeting: Link
    iso_date: str
    date: str
    quotes: list[str]
    according_to: list[Value]


def is_topic(iri: str, data: Graph) -> bool:
    """A concept of the pillar, theme, crime or situation scheme."""
    schemes = {f"{base_iri()}id/scheme/{name}" for name in TOPIC_SCHEMES}
    subject = URIRef(iri)
    return any(str(s) in schemes for p in (SKOS.inScheme, SKOS.topConceptOf)
               for s in data.objects(subject, p))


def topic_sections(iri: str, label: Labeller) -> dict[str, Any]:
    page = Neighbourhood.fetch("topic", "topic", iri, label)
    hood, values, quotes_of = page.graph, page.values, page.quotes
    R = Namespace(vocab())  # noqa: N806 - reads like the ontology's prefix

    def dated(meeting: Any) -> tuple[Link, str, str]:
        """The meeting's name (its label without the dates it ends with), the ISO date it
        started and its dates as the label gives them (a range for a debate of days)."""
        link = link_for(str(meeting), label)
        start = hood.value(meeting, SDO.startDate)
        iso = str(start) if start is not None else ""
        date = human_date(iso) if iso else "date not recorded"
        found = _DATES_AT_END.search(link.label)
        if found:
            link.label, date = link.label[:found.start()], found.group(1)
        return link, iso, date

    groups: dict[str, MeetingGroup] = {}
    for st, meeting in hood.subject_objects(R.atMeeting):
        group = groups.get(str(meeting))
        if group is None:
            link, iso, date = dated(meeting)
            group = groups[str(meeting)] = MeetingGroup(meeting=link, iso_date=iso, date=date)
        group.statements.append(TopicStatement(
            statement=link_for(str(st), label), by=values(st, R.deliveredBy),
            behalf=values(st, R.onBehalfOf), speaker=values(st, R.speaker),
            quotes=quotes_of(st)))
    for group in groups.values():
        group.statements.sort(key=lambda s: by_deliverer(s.by, s.statement.label))
    meetings = sorted(groups.values(),
                      key=lambda g: (g.iso_date or "9999", by_name(g.meeting.label)))

    claims = []
    for claim, meeting in hood.subject_objects(R.claimAbout):
        kind = hood.value(claim, R.claimKind)
        link, iso, date = dated(meeting)
        claims.append(TopicClaim(
            claim=link_for(str(claim), label),
            kind=label(str(kind)) if kind is not None else "claim",
            meeting=link, iso_date=iso, date=date,
            quotes=quotes_of(claim), according_to=values(claim, PROV.wasAttributedTo)))
    claims.sort(key=lambda c: (c.iso_date or "9999", by_name(c.kind), by_name(c.claim.label)))

    documents = _documents(page, iri, R, label)
    statement_count = sum(len(g.statements) for g in meetings)
    non_empty = sum(1 for section in (meetings, claims, documents) if section)
    return {
        "meetings": meetings,
        "statement_count": statement_count,
        "claims": claims,
        "documents": documents,
        "show_toc": non_empty > 1,
    }


def _documents(page: Neighbourhood, iri: str, R: Namespace, label: Labeller) -> list[Document]:  # noqa: N803
    """The UN documents that concern the topic, oldest first; one without a recorded
    date says so."""
    hood = page.graph
    topic = URIRef(iri)
    how: dict[str, list[str]] = {}
    for doc in hood.subjects(None, topic):
        if (doc, R.atMeeting, None) in hood or (doc, R.claimAbout, None) in hood:
            continue
        notes = how.setdefault(str(doc), [])
        for prop, note in _DOCUMENT_RELATIONS:
            if (doc, R[prop], topic) in hood and note not in notes:
                notes.append(note)
        if not notes:
            notes.append("its subject")
    return page.documents(how)
