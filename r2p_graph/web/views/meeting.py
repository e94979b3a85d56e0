"""A meeting's page, read top to bottom: who took part (each participant once, grouped by
kind, with the count the sources report beside how many are known by name, how complete
that list is and how we know each), the statements delivered at it, what sources say
about it, the documents it discussed or its statements cite, and where sources disagree.

The data comes from one query (``queries/pages/meeting.rq``); the rules a reader relies
on live here, not in the template: the order of the statements and the numbering of the
sources every entry cites. Where sources disagree is a fact of the data (each
``r2p:SourceDisagreement`` about the meeting, linking its accounts), shown as recorded:
two counts that differ are not a disagreement until the data says so (the shape
``TallyCountDisagreementRecorded`` asks maintainers to record it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV

from r2p_graph.web.labels import Labeller, base_iri, vocab
from r2p_graph.web.views.model import Link, Value, by_deliverer, by_name, link_for, value_for
from r2p_graph.web.views.neighbourhood import Document, Neighbourhood

#: The order of roles at the podium, and of participant groups on the page.
ROLE_ORDER = ("convener", "opening speaker", "moderator", "panelist", "speaker")
KIND_ORDER = ("member state", "observer state", "regional organization",
              "intergovernmental organization", "UN entity", "civil society organization")
PODIUM = "Panel and podium"


@dataclass
class Citations:
    """The sources cited on the page, numbered in the order they are first cited."""

    items: list[Link] = field(default_factory=list)
    _index: dict[str, int] = field(default_factory=dict)

    def cite(self, links: list[Link]) -> list[int]:
        numbers = []
        for link in links:
            key = link.iri or link.label
            if key not in self._index:
                self.items.append(link)
                self._index[key] = len(self.items)
            numbers.append(self._index[key])
        return sorted(set(numbers))

    def renumber(self, shown: list[list[int]]) -> None:
        """Number the sources in the order ``shown`` (every list of numbers the page shows,
        top to bottom) first cites them, whatever order they were collected in: each
        list is changed in place, and :attr:`items` is put in the new order."""
        new: dict[int, int] = {}
        for numbers in shown:
            for n in numbers:
                new.setdefault(n, len(new) + 1)
        for n in range(1, len(self.items) + 1):  # cited by nothing shown: last
            new.setdefault(n, len(new) + 1)
        for numbers in shown:
            numbers[:] = sorted(new[n] for n in numbers)
        order = sorted(range(len(self.items)), key=lambda i: new[i + 1])
        self.items = [self.items[i] for i in order]
        self._index = {key: new[n] for key, n in self._index.items()}


@dataclass
class Participant:
    who: Link
    roles: list[str] = field(default_factory=list)
    capacity: str = ""
    representing: Link | None = None
    evidence: list[str] = field(default_factory=list)
    records: list[Link] = field(default_factory=list)
    cites: list[int] = field(default_factory=list)


@dataclass
class Count:
    """One source's count of one kind of participant (the tally ``tally``)."""

    tally: str
    reported: int | None
    completeness: str
    quotes: list[str]
    cites: list[int]


@dataclass
class Account:
    """One account a note of disagreement links: its value on the property the sources
    disagree on, its quoted words, and the sources it cites."""

    account: Link
    values: list[Value]
    quotes: list[str]
    cites: list[int]


@dataclass
class Disagreement:
    """A recorded ``r2p:SourceDisagreement`` about the meeting, with its accounts."""

    record: Link
    label: str
    on: Value | None
    accounts: list[Account]
    anchor: str

    def links(self, account_iri: str) -> bool:
        return any(a.account.iri == account_iri for a in self.accounts)


@dataclass
class ParticipantGroup:
    kind: str
    counts: list[Count] = field(default_factory=list)
    people: list[Participant] = field(default_factory=list)
    #: The recorded disagreements that link one of this group's tallies.
    disagreements: list[Disagreement] = field(default_factory=list)

    @property
    def reported(self) -> int | None:
        values = [c.reported for c in self.counts if c.reported is not None]
        return max(values) if values else None

    @property
    def known(self) -> int:
        return len(self.people)

    @property
    def percent_known(self) -> int | None:
        reported = self.reported
        return round(100 * self.known / reported) if reported else None

    @property
    def completeness(self) -> str:
        return ", ".join(sorted({c.completeness for c in self.counts})) or "not stated"

    @property
    def anchor(self) -> str:
        return "p-" + "-".join(self.kind.lower().split())


@dataclass
class Stance:
    value: Value
    target: Value | None
    judged_by: list[Value]
    evidence: str


@dataclass
class StatementCard:
    statement: Link
    by: list[Value]
    behalf: list[Value]
    speaker: list[Value]
    raised: list[Value]
    quotes: list[str]
    stances: list[Stance]
    cites: list[int]
    documents: list[Value]


@dataclass
class ClaimCard:
    claim: Link
    kind: str
    facts: list[tuple[str, list[Value]]]
    quotes: list[str]
    according_to: list[Value]
    cites: list[int]


def meeting_sections(iri: str, label: Labeller) -> dict[str, Any]:
    page = Neighbourhood.fetch("meeting", "meeting", iri, label)
    hood, values, quotes_of = page.graph, page.values, page.quotes
    R = Namespace(vocab())  # noqa: N806 - reads like the ontology's prefix
    cites = Citations()

    def cite(node: Any) -> list[int]:
        links = sorted((link_for(str(o), label) for o in hood.objects(node, DCTERMS.source)),
                       key=lambda link: by_name(link.label))
        return cites.cite(links)

    groups = _participants(hood, iri, R, label, quotes_of, cite)
    statements = _statements(hood, iri, R, label, values, quotes_of, cite)
    claims = _claims(hood, iri, R, label, values, quotes_of, cite)
    documents = _documents(page, iri, R, label)
    disagreements = _disagreements(hood, iri, R, label, values, quotes_of, cite)
    for group in groups:
        group.disagreements = [d for d in disagreements
                               if any(d.links(c.tally) for c in group.counts)]
    # Top to bottom, as the template shows them: the first source cited is [1].
    cites.renumber([
        *(numbers for g in groups for numbers in (*(c.cites for c in g.counts),
                                                  *(p.cites for p in g.people))),
        *(card.cites for card in statements),
        *(card.cites for card in claims),
        *(a.cites for d in disagreements for a in d.accounts),
    ])
    return {
        "groups": groups,
        "statements": statements,
        "claims": claims,
        "documents": documents,
        "disagreements": disagreements,
        "citations": cites.items,
        "participant_count": sum(g.known for g in groups),
    }


def _participants(hood: Graph, iri: str, R: Namespace, label: Labeller,  # noqa: N803
                  quotes_of: Any, cite: Any) -> list[ParticipantGroup]:
    """Each participant once: in the group of the tally that lists it, else at the podium;
    a person listed in a tally and at the podium is one entry with both roles."""
    groups: dict[str, ParticipantGroup] = {}
    people: dict[str, Participant] = {}

    def person(part: Any, group: ParticipantGroup) -> None:
        who = hood.value(part, R.participant)
        key = str(who) if who is not None else str(part)
        entry = people.get(key)
        if entry is None:
            entry = people[key] = Participant(
                who=link_for(str(who), label) if who is not None else Link("(unknown)", None))
            group.people.append(entry)
        role = hood.value(part, R.participationRole)
        if role is not None and label(str(role)) not in entry.roles:
            entry.roles.append(label(str(role)))
        evidence = hood.value(part, R.evidenceBasis)
        if evidence is not None and label(str(evidence)) not in entry.evidence:
            entry.evidence.append(label(str(evidence)))
        capacity = hood.value(part, R.capacity)
        if capacity is not None and not entry.capacity:
            entry.capacity = str(capacity)
        representing = hood.value(part, R.representing)
        if representing is not None and entry.representing is None:
            entry.representing = link_for(str(representing), label)
        entry.records.append(link_for(str(part), label))
        entry.cites = sorted(set(entry.cites) | set(cite(part)))

    tallies = sorted(hood.objects(URIRef(iri), R.hasTally), key=str)
    for t in tallies:
        kind_iri = hood.value(t, R.participantKind)
        kind = label(str(kind_iri)) if kind_iri is not None else "participant"
        group = groups.setdefault(kind, ParticipantGroup(kind=kind))
        reported = hood.value(t, R.reportedCount)
        completeness = hood.value(t, R.listCompleteness)
        group.counts.append(Count(
            tally=str(t),
            reported=int(str(reported)) if reported is not None else None,
            completeness=label(str(completeness)) if completeness is not None else "not stated",
            quotes=quotes_of(t), cites=cite(t)))
        for part in sorted(hood.objects(t, R.listedParticipation), key=str):
            person(part, group)
    listed = {p for t in tallies for p in hood.objects(t, R.listedParticipation)}
    podium = ParticipantGroup(kind=PODIUM)
    for part in sorted(set(hood.subjects(R.inMeeting, URIRef(iri))) - listed, key=str):
        person(part, podium)
    for group in groups.values():
        group.people.sort(key=lambda p: by_name(p.who.label))

    def role_rank(p: Participant) -> tuple[int, str]:
        ranks = [ROLE_ORDER.index(r.lower()) for r in p.roles if r.lower() in ROLE_ORDER]
        return (min(ranks) if ranks else len(ROLE_ORDER), by_name(p.who.label))

    podium.people.sort(key=role_rank)
    ordered = sorted(groups.values(), key=lambda g: (
        KIND_ORDER.index(g.kind) if g.kind in KIND_ORDER else len(KIND_ORDER), g.kind))
    return [podium, *ordered] if podium.people else ordered


def _statements(hood: Graph, iri: str, R: Namespace, label: Labeller,  # noqa: N803
                values: Any, quotes_of: Any, cite: Any) -> list[StatementCard]:
    """The statements in the order the page lists them. The record keeps no order of
    speaking: statements by the podium (no state delivering them) first, then those
    delivered on behalf of a group, then the rest, each A-Z by who delivered it."""
    cards = []
    for st in set(hood.subjects(R.atMeeting, URIRef(iri))):
        stances = []
        for a in hood.objects(st, R.hasStance):
            value = hood.value(a, R.stanceValue)
            if value is None:
                continue
            target = hood.value(a, R.stanceTarget)
            evidence = hood.value(a, R.evidenceBasis)
            stances.append(Stance(
                value=value_for(value, label),
                target=value_for(target, label) if target is not None else None,
                judged_by=values(a, PROV.wasAttributedTo),
                evidence=label(str(evidence)) if evidence is not None else ""))
        cards.append(StatementCard(
            statement=link_for(str(st), label),
            by=values(st, R.deliveredBy),
            behalf=values(st, R.onBehalfOf),
            speaker=values(st, R.speaker),
            raised=values(st, R.addressesPillar, R.addressesTheme, R.mentionsSituation,
                          R.mentionsCrime),
            quotes=quotes_of(st),
            stances=sorted(stances, key=lambda s: s.value.text),
            cites=cite(st),
            documents=values(st, R.citesDocument),
        ))
    state = f"{base_iri()}id/state/"

    def order(card: StatementCard) -> tuple[int, str, str]:
        by_state = any(v.iri.startswith(state) for v in card.by)
        rank = 0 if not by_state else (1 if card.behalf else 2)
        return (rank, by_deliverer(card.by, card.statement.label), card.statement.iri)

    cards.sort(key=order)
    return cards


def _claims(hood: Graph, iri: str, R: Namespace, label: Labeller,  # noqa: N803
            values: Any, quotes_of: Any, cite: Any) -> list[ClaimCard]:
    cards = []
    for claim in set(hood.subjects(R.claimAbout, URIRef(iri))):
        facts: list[tuple[str, list[Value]]] = []
        for prop, name in ((R.quantifier, "how many"), (R.namesActor, "names"),
                           (R.addressesTheme, "themes"), (R.mentionsSituation, "situations"),
                           (R.reportedCount, "count"), (R.listCompleteness, "completeness"),
                           (R.comparedWithYear, "compared with")):
            vals = values(claim, prop)
            if vals:
                facts.append((name, vals))
        kind = hood.value(claim, R.claimKind)
        cards.append(ClaimCard(
            claim=link_for(str(claim), label),
            kind=label(str(kind)) if kind is not None else "claim",
            facts=facts, quotes=quotes_of(claim),
            according_to=values(claim, PROV.wasAttributedTo), cites=cite(claim)))
    cards.sort(key=lambda c: (by_name(c.kind), by_name(c.claim.label), c.claim.iri))
    return cards


def _disagreements(hood: Graph, iri: str, R: Namespace, label: Labeller,  # noqa: N803
                   values: Any, quotes_of: Any, cite: Any) -> list[Disagreement]:
    """Every note of disagreement the data records about the meeting, in label order; each
    account with its value on the property the note says they disagree on (if it names
    one), its quoted words and its sources, in label order and cited in that order."""
    records = sorted(set(hood.subjects(R.disagreementAbout, URIRef(iri))),
                     key=lambda r: (by_name(label(str(r))), str(r)))
    notes = []
    for number, record in enumerate(records, start=1):
        on = hood.value(record, R.disagreesOn)
        accounts = sorted(set(hood.objects(record, R.disagreeingAccount)),
                          key=lambda a: (by_name(label(str(a))), str(a)))
        notes.append(Disagreement(
            record=link_for(str(record), label), label=label(str(record)),
            on=value_for(on, label) if on is not None else None,
            accounts=[Account(account=link_for(str(a), label),
                              values=values(a, on) if on is not None else [],
                              quotes=quotes_of(a), cites=cite(a))
                      for a in accounts],
            anchor=f"disagree-{number}"))
    return notes


def _documents(page: Neighbourhood, iri: str, R: Namespace, label: Labeller) -> list[Document]:  # noqa: N803
    """The reports the meeting discussed and the documents its statements and claims cite,
    oldest first; a document without a recorded date says so."""
    hood = page.graph
    how: dict[str, list[str]] = defaultdict(list)
    for doc in hood.objects(URIRef(iri), R.discussesReport):
        how[str(doc)].append("discussed at the meeting")
    for st, doc in hood.subject_objects(R.citesDocument):
        note = f"cited by {label(str(st))}"
        if note not in how[str(doc)]:
            how[str(doc)].append(note)
    return page.documents(how)


#: Properties of a meeting its page already shows in a section of its own.
SHOWN_IN_SECTIONS = {"hadParticipant", "panelist", "moderatedBy", "openingSpeaker",
                     "convenedBy", "hasTally", "discussesReport", "wasAssociatedWith",
                     "used", "about", "organizer"}
