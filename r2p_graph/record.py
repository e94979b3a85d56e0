"""The full record: every UNGA R2P debate and dialogue 2009-2025 (except 2012) as RDF.

The facts come from ``shared/research/facts-other-years.yaml`` (every fact there carries
its source URL). This module turns them into Turtle under ``data/``:

* ``data/meetings/{year}.ttl``: the meeting(s) of that year, participant tallies, the
  participants known by name, group statements and the claims the sources make;
* ``data/reference/documents.ttl``: the Secretary-General's annual reports and the
  General Assembly resolutions;
* ``data/reference/groups.ttl``: the five UN regional groups, the organizations and ad
  hoc groups that speak in the debates, and the memberships the sources list.

URLs, quotations, counts, dates, titles and symbols are copied from the YAML by program,
never retyped. What a fact *means* (which tally a count belongs to, which theme a named
list is about, what evidence a participation rests on) is decided below, one function per
event, so every modeling choice can be reviewed next to the fact it models. State names
go through :func:`r2p_graph.reference.state_code`, which fails on any name it cannot map.

Regenerate with ``python -m r2p_graph.record [path/to/facts-other-years.yaml]``.
"""

from __future__ import annotations

import argparse
import re
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from r2p_graph.config import PROJECT_ROOT
from r2p_graph.ids import Minter
from r2p_graph.reference import state_code, un_states, write_atomically

DEFAULT_FACTS = PROJECT_ROOT.parent / "shared" / "research" / "facts-other-years.yaml"
DATA_DIR = PROJECT_ROOT / "data"

MINT = Minter()
BASE = MINT.base
R2P = Namespace(MINT.vocab)
SDO = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
ID = Namespace(f"{BASE}id/")

MAX_QUOTE_WORDS = 15


def concept(scheme: str, slug: str) -> URIRef:
    return URIRef(MINT.concept(scheme, slug))


# Concepts of the project's schemes (and of data/vocabularies/schemes-extra.ttl).
MT_PLENARY = concept("meeting-type", "plenary-debate")
MT_IID = concept("meeting-type", "informal-interactive-dialogue")
MT_FORMAL = concept("meeting-type", "formal-debate-agenda-item")
K_MS = concept("participant-kind", "member-state")
K_OBS = concept("participant-kind", "observer-state")
K_RO = concept("participant-kind", "regional-organization")
K_CSO = concept("participant-kind", "civil-society-organization")
K_PANEL = concept("participant-kind", "panelist")
C_COMPLETE = concept("completeness", "complete")
C_PARTIAL = concept("completeness", "partial")
C_COUNT_ONLY = concept("completeness", "count-only")
E_DIRECT = concept("evidence", "direct-statement")
E_SECONDARY = concept("evidence", "secondary-report")
E_INFERENCE = concept("evidence", "inference")
R_SPEAKER = concept("participation-role", "speaker")
R_CONVENER = concept("participation-role", "convener")
R_OPENING = concept("participation-role", "opening-speaker")
R_MODERATOR = concept("participation-role", "moderator")
R_PANELIST = concept("participation-role", "panelist")

COMPLETENESS = {"complete": C_COMPLETE, "partial": C_PARTIAL, "count_only": C_COUNT_ONLY,
                "as_stated": C_PARTIAL}
_EVIDENCE_RANK = {E_INFERENCE: 0, E_SECONDARY: 1, E_DIRECT: 2}


def theme(slug: str) -> URIRef:
    return concept("theme", slug)


def pillar(n: int) -> URIRef:
    return URIRef(f"{BASE}id/pillar/{n}")


def ck(slug: str) -> URIRef:
    return concept("claim-kind", slug)


def qn(slug: str) -> URIRef:
    return concept("quantifier", slug)


def situation(slug: str) -> URIRef:
    return URIRef(f"{BASE}id/situation/{slug}")


def state(code: str) -> URIRef:
    return URIRef(MINT.state(code))


def org(name: str) -> URIRef:
    return URIRef(MINT.org(name))


def group(name: str) -> URIRef:
    return URIRef(MINT.group(name))


def person(name: str) -> URIRef:
    return URIRef(MINT.person(name))


def doc(symbol: str) -> URIRef:
    return URIRef(MINT.document(symbol))


# Organizations defined elsewhere (data/sources/sources.ttl, data/meetings/2012.ttl) or below.
GCR2P = org("gcr2p")
ICRTOP = org("icrtop")
APCR2P = org("asia-pacific-centre-for-r2p")
UN_GA = org("un-general-assembly")
UN_SG = org("un-secretary-general")
PGA = org("president-of-the-general-assembly")
EU = org("european-union")
AU = org("african-union")
CARICOM = org("caribbean-community")
CCR2P = org("canadian-centre-for-r2p")
AIPR = org("auschwitz-institute-for-peace-and-reconciliation")
GOF = group("group-of-friends-of-r2p")
NORDIC = group("nordic-countries")
NB8 = group("nordic-baltic-eight")
CANZ = group("canz")
NORDIC_BALTIC_2023 = group("nordic-and-baltic-states")
GOF_CHARTER = group("group-of-friends-in-defense-of-the-charter-of-the-united-nations")
FRA_MEX = group("france-and-mexico")

#: Actors that are not states, with their class, English label, alternative label and the
#: kind of participant they are counted as.
NON_STATE_ACTORS: dict[URIRef, tuple[URIRef, str, str | None, URIRef | None]] = {
    EU: (R2P.RegionalOrganization, "European Union", "EU", K_RO),
    AU: (R2P.RegionalOrganization, "African Union", "AU", K_RO),
    CARICOM: (R2P.RegionalOrganization, "Caribbean Community", "CARICOM", K_RO),
    CCR2P: (R2P.CivilSocietyOrganization, "Canadian Centre for the Responsibility to Protect",
            None, K_CSO),
    AIPR: (R2P.CivilSocietyOrganization, "Auschwitz Institute for Peace and Reconciliation",
           "AIPR", K_CSO),
    GOF: (R2P.AdHocGroup, "Group of Friends of the Responsibility to Protect",
          "Group of Friends of R2P", None),
    NORDIC: (R2P.AdHocGroup, "Nordic countries", None, None),
    NB8: (R2P.AdHocGroup, "Nordic-Baltic Eight", "NB8", None),
    CANZ: (R2P.AdHocGroup, "CANZ", None, None),
    NORDIC_BALTIC_2023: (R2P.AdHocGroup, "Nordic and Baltic States", None, None),
    GOF_CHARTER: (R2P.AdHocGroup,
                  "Group of Friends in Defense of the Charter of the United Nations", None, None),
    FRA_MEX: (R2P.AdHocGroup, "France and Mexico", None, None),
}
#: Kinds of participant of actors defined in other files.
KNOWN_KINDS: dict[URIRef, URIRef] = {GCR2P: K_CSO, ICRTOP: K_CSO, APCR2P: K_CSO}

#: One spelling per person: the IRI is minted from the first name given here.
PERSON_ALIASES = {
    "Edward C. Luck": "Edward Luck",
    "Francis M. Deng": "Francis Deng",
    "Sheikha Alya Ahmed bin Saif Al-Thani": "Alya Ahmed bin Saif Al-Thani",
}

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]


def human_date(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def sources_of(item: dict[str, Any], *keys: str) -> list[str]:
    """The URLs an item of the YAML cites, under ``source``/``sources`` or the given keys."""
    out: list[str] = []
    for key in (keys or ("source", "sources")):
        value = item.get(key)
        if value is None:
            continue
        values = value if isinstance(value, list) else [value]
        for v in values:
            v = v["url"] if isinstance(v, dict) else v
            if not isinstance(v, str) or not v.startswith("http"):
                raise ValueError(f"not a source URL: {v!r}")
            if v not in out:
                out.append(v)
    return out


def publisher(url: str) -> URIRef | None:
    """The organization that publishes a source, where the URL says so unambiguously."""
    host = url.split("/")[2].removeprefix("www.")
    if host == "globalr2p.org":
        return GCR2P
    if host == "responsibilitytoprotect.org":
        return ICRTOP
    return None


def check_quote(text: str) -> str:
    words = len(text.split())
    if words > MAX_QUOTE_WORDS:
        raise ValueError(f"quotation of {words} words (max {MAX_QUOTE_WORDS}): {text!r}")
    return text


def ordinal_word(n: int) -> str:
    words = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
             "ninth", "tenth"]
    return words[n - 1]


# ---------------------------------------------------------------------------------------
# Building one year
# ---------------------------------------------------------------------------------------


@dataclass
class Tally:
    iri: URIRef
    kind: URIRef
    count: int | None


@dataclass
class Context:
    """What the years share: the whole fact base and where each organization or group is
    mentioned (they are written once, to data/reference/groups.ttl)."""

    facts: dict[str, Any]
    actor_sources: dict[URIRef, list[str]] = field(default_factory=dict)


@dataclass
class YearBuilder:
    """Collects the triples of one year's file."""

    year: int
    event: dict[str, Any]
    ctx: Context
    graph: Graph = field(default_factory=Graph)
    meeting: URIRef | None = None
    tallies: list[Tally] = field(default_factory=list)
    participations: dict[URIRef, tuple[URIRef, URIRef | None, URIRef]] = field(
        default_factory=dict)
    # participation IRI -> (participant, kind or None, meeting)
    defined: set[URIRef] = field(default_factory=set)

    # -- small helpers -------------------------------------------------------------

    def add(self, s: URIRef, p: URIRef, o: Any) -> None:
        self.graph.add((s, p, o))

    def cite(self, node: URIRef, urls: Iterable[str]) -> None:
        urls = list(urls)
        if not urls:
            raise ValueError(f"{node} would have no source")
        for url in urls:
            self.add(node, DCTERMS.source, URIRef(url))

    def quote(self, owner: URIRef, text: str, source: str, said_by: URIRef | None,
              suffix: str | None = None) -> URIRef:
        """Attach a short exact quotation (copied from the YAML) to ``owner``."""
        n = sum(1 for _ in self.graph.objects(owner, R2P.hasQuote)) + 1
        q = URIRef(f"{owner}-quote-{suffix or n}")
        self.add(owner, R2P.hasQuote, q)
        self.add(q, RDF.type, R2P.Quote)
        self.add(q, R2P.quotedText, Literal(check_quote(text)))
        self.add(q, R2P.quotedFrom, URIRef(source))
        if said_by is not None:
            self.add(q, R2P.saidBy, said_by)
        self.cite(q, [source])
        return q

    def define_actor(self, actor: URIRef, urls: Iterable[str]) -> None:
        """Remember where an organization or group of NON_STATE_ACTORS is mentioned."""
        if actor not in NON_STATE_ACTORS:
            return
        seen = self.ctx.actor_sources.setdefault(actor, [])
        seen += [u for u in urls if u not in seen]

    def define_person(self, name: str, urls: Iterable[str]) -> URIRef:
        canonical = PERSON_ALIASES.get(name, name)
        p = person(canonical)
        if p not in self.defined:
            self.defined.add(p)
            self.add(p, RDF.type, R2P.Person)
            self.add(p, SDO.name, Literal(canonical))
            self.add(p, RDFS.label, Literal(canonical, lang="en"))
        if canonical != name:
            self.add(p, SKOS.altLabel, Literal(name, lang="en"))
        self.cite(p, urls)
        return p

    def kind_of(self, actor: URIRef) -> URIRef | None:
        if str(actor).startswith(f"{BASE}id/state/"):
            code = str(actor).rsplit("/", 1)[1]
            return K_OBS if code in observer_codes() else K_MS
        if actor in NON_STATE_ACTORS:
            return NON_STATE_ACTORS[actor][3]
        return KNOWN_KINDS.get(actor)

    # -- the meeting -----------------------------------------------------------------

    def add_meeting(self, *, start: str, mtype: URIRef, urls: Iterable[str], end: str | None = None,
                    n: int | None = None, ordinal: int | None = None, theme_text: str | None = None,
                    session: int | None = None, report: URIRef | None = None,
                    focus: int | None = None, venue: tuple[str, str, list[str]] | None = None,
                    label: str | None = None) -> URIRef:
        m = URIRef(MINT.meeting(start, n=n))
        self.meeting = m
        self.add(m, RDF.type, R2P.Meeting)
        kind_label = {MT_PLENARY: "plenary debate", MT_IID: "informal interactive dialogue",
                      MT_FORMAL: "plenary debate under its agenda item"}[mtype]
        when = human_date(start) if not end else f"{human_date(start)} to {human_date(end)}"
        self.add(m, RDFS.label, Literal(
            label or f"UN General Assembly {kind_label} on the responsibility to protect, {when}",
            lang="en"))
        self.add(m, R2P.meetingType, mtype)
        self.add(m, SDO.startDate, Literal(start, datatype=XSD.date))
        if end:
            self.add(m, SDO.endDate, Literal(end, datatype=XSD.date))
        if ordinal is not None:
            self.add(m, R2P.ordinal, Literal(ordinal, datatype=XSD.positiveInteger))
        if theme_text:
            self.add(m, R2P.theme, Literal(theme_text, lang="en"))
        if session is not None:
            self.add(m, R2P.gaSession, Literal(session, datatype=XSD.positiveInteger))
        if focus is not None:
            self.add(m, R2P.focusPillar, pillar(focus))
        if report is not None:
            self.add(m, R2P.discussesReport, report)
        if venue is not None:
            slug, vlabel, vurls = venue
            place = URIRef(MINT.place(slug))
            self.add(m, R2P.venue, place)
            self.add(place, RDF.type, SDO.Place)
            self.add(place, RDFS.label, Literal(vlabel, lang="en"))
            self.cite(place, vurls)
        self.add(m, SDO.organizer, UN_GA)
        self.cite(m, urls)
        return m

    # -- participation -------------------------------------------------------------

    def tally(self, metric: str, kind: URIRef, *, extra_sources: Iterable[str] = (),
              quote: bool = True) -> Tally:
        """A participant tally from one count of the YAML (its value must be a number)."""
        assert self.meeting is not None
        entry = self.count(metric)
        value = entry["value"]
        if not isinstance(value, int):
            raise ValueError(f"{self.year} {metric}: not a number: {value!r}")
        kind_slug = str(kind).rsplit("/", 1)[1]
        n = sum(1 for t in self.tallies if t.kind == kind)
        t = URIRef(f"{self.meeting}/tally-{kind_slug}" + (f"-{n + 1}" if n else ""))
        self.add(self.meeting, R2P.hasTally, t)
        self.add(t, RDF.type, R2P.ParticipantTally)
        self.add(t, R2P.participantKind, kind)
        self.add(t, R2P.reportedCount, Literal(value, datatype=XSD.nonNegativeInteger))
        urls = sources_of(entry) + [u for u in extra_sources if u not in sources_of(entry)]
        self.cite(t, urls)
        if quote and entry.get("quote"):
            self.quote(t, entry["quote"], sources_of(entry)[0], publisher(sources_of(entry)[0]))
        tally = Tally(t, kind, value)
        self.tallies.append(tally)
        return tally

    def participation(self, actor: URIRef, role: URIRef, evidence: URIRef, urls: Iterable[str],
                      *, key: str | None = None, capacity: str | None = None,
                      representing: URIRef | None = None) -> URIRef:
        """A sourced participation; the same participant and role twice merge into one."""
        assert self.meeting is not None
        urls = list(urls)
        self.define_actor(actor, urls)
        code = key or str(actor).rsplit("/", 1)[1]
        p = URIRef(f"{self.meeting}/participation-{code}")
        if p in self.participations:
            old = self.graph.value(p, R2P.evidenceBasis)
            if isinstance(old, URIRef) and _EVIDENCE_RANK[evidence] > _EVIDENCE_RANK[old]:
                self.graph.set((p, R2P.evidenceBasis, evidence))
            self.cite(p, urls)
            return p
        self.participations[p] = (actor, self.kind_of(actor) if key is None else None, self.meeting)
        self.add(p, RDF.type, R2P.Participation)
        self.add(p, R2P.participant, actor)
        self.add(p, R2P.inMeeting, self.meeting)
        self.add(p, R2P.participationRole, role)
        self.add(p, R2P.evidenceBasis, evidence)
        if capacity:
            self.add(p, R2P.capacity, Literal(capacity))
        if representing is not None:
            self.add(p, R2P.representing, representing)
        self.cite(p, urls)
        if key is None:  # an actor: the shortcut the brief asks for
            self.add(actor, R2P.tookPartIn, self.meeting)
        return p

    def state_speaker(self, name: str, evidence: URIRef, urls: Iterable[str]) -> URIRef:
        return self.participation(state(state_code(name)), R_SPEAKER, evidence, urls)

    def person_role(self, idx: int, role: URIRef, *, capacity: str | None = None,
                    representing: URIRef | None = None, evidence: URIRef = E_SECONDARY,
                    name: str | None = None) -> URIRef:
        """A person of the YAML's participants list in one role."""
        assert self.meeting is not None
        entry = self.event["participants"][idx]
        urls = sources_of(entry)
        name = name or entry["name"]
        who = self.define_person(name, urls)
        role_slug = str(role).rsplit("/", 1)[1]
        key = f"{who.rsplit('/', 1)[1]}-{role_slug}"
        p = self.participation(who, role, evidence, urls, key=key,
                               capacity=capacity or entry["role"].split(";")[0].strip(),
                               representing=representing)
        shortcut = {R_CONVENER: R2P.convenedBy, R_OPENING: R2P.openingSpeaker,
                    R_MODERATOR: R2P.moderatedBy, R_PANELIST: R2P.panelist}.get(role)
        if shortcut is not None:
            self.add(self.meeting, shortcut, who)
        if role == R_PANELIST:
            self.participations[p] = (who, K_PANEL, self.meeting)
        return who

    def count(self, metric: str) -> dict[str, Any]:
        for entry in self.event.get("counts", []):
            if entry.get("metric") == metric:
                return entry
        raise KeyError(f"{self.year}: no count {metric!r}")

    # -- statements ------------------------------------------------------------------

    def statement(self, deliverer: URIRef, urls: Iterable[str], *, evidence: URIRef,
                  label: str, on_behalf: URIRef | None = None, count: int | None = None,
                  speaker: URIRef | None = None, themes: Sequence[URIRef] = (),
                  situations: Sequence[URIRef] = (), quote: tuple[str, str, URIRef] | None = None,
                  participate: bool = True) -> URIRef:
        """A statement delivered at the meeting, and the deliverer's participation."""
        assert self.meeting is not None
        urls = list(urls)
        code = str(deliverer).rsplit("/", 1)[1]
        s = URIRef(MINT.statement(str(self.meeting), code))
        self.add(s, RDF.type, R2P.Statement)
        self.add(s, RDFS.label, Literal(label, lang="en"))
        self.add(s, R2P.deliveredBy, deliverer)
        self.add(s, R2P.atMeeting, self.meeting)
        if speaker is not None:
            self.add(s, R2P.speaker, speaker)
        if on_behalf is not None:
            self.define_actor(on_behalf, urls)
            self.add(s, R2P.onBehalfOf, on_behalf)
        if count is not None:
            self.add(s, R2P.onBehalfOfCount, Literal(count, datatype=XSD.nonNegativeInteger))
        for t in themes:
            self.add(s, R2P.addressesTheme, t)
        for sit in situations:
            self.add(s, R2P.mentionsSituation, sit)
        self.cite(s, urls)
        if quote is not None:
            self.quote(s, *quote)
        if participate:
            self.participation(deliverer, R_SPEAKER, evidence, urls)
        return s

    # -- claims ----------------------------------------------------------------------

    def claim(self, slug: str, kind: URIRef, urls: Iterable[str], *, label: str,
              names: Sequence[URIRef] = (), count: int | None = None,
              completeness: URIRef | None = None, themes: Sequence[URIRef] = (),
              situations: Sequence[URIRef] = (), quantifier: URIRef | None = None,
              quote: tuple[str, str] | None = None, compared_with: URIRef | None = None,
              compared_year: str | None = None, documents: Sequence[URIRef] = ()) -> URIRef:
        assert self.meeting is not None
        urls = list(urls)
        c = URIRef(f"{self.meeting}/claim-{slug}")
        if (c, RDF.type, R2P.MeetingClaim) in self.graph:
            raise ValueError(f"claim {c} defined twice")
        self.add(c, RDF.type, R2P.MeetingClaim)
        self.add(c, RDFS.label, Literal(label, lang="en"))
        self.add(c, R2P.claimAbout, self.meeting)
        self.add(c, R2P.claimKind, kind)
        for a in names:
            self.define_actor(a, urls)
            self.add(c, R2P.namesActor, a)
        if count is not None:
            self.add(c, R2P.reportedCount, Literal(count, datatype=XSD.nonNegativeInteger))
        if completeness is not None:
            self.add(c, R2P.listCompleteness, completeness)
        for t in themes:
            self.add(c, R2P.addressesTheme, t)
        for sit in situations:
            self.add(c, R2P.mentionsSituation, sit)
        for d in documents:
            self.add(c, R2P.citesDocument, d)
        if quantifier is not None:
            self.add(c, R2P.quantifier, quantifier)
        if compared_with is not None:
            self.add(c, R2P.comparedWith, compared_with)
        if compared_year is not None:
            self.add(c, R2P.comparedWithYear, Literal(compared_year, datatype=XSD.gYear))
        by = publisher(urls[0])
        if by is not None:
            self.add(c, PROV.wasAttributedTo, by)
        self.cite(c, urls)
        if quote is not None:
            text, src = quote
            self.quote(c, text, src, publisher(src), suffix="1")
        return c

    def named_list(self, idx: int, slug: str, kind: URIRef, *, themes: Sequence[URIRef] = (),
                   speak: URIRef | None = None, label: str | None = None,
                   quantifier: URIRef | None = None, documents: Sequence[URIRef] = (),
                   quote_text: str | None = None) -> URIRef:
        """A named list of the YAML as a claim; ``speak`` is the evidence that each named
        state took the floor (None when the list says nothing about speaking)."""
        entry = self.event["named_lists"][idx]
        urls = sources_of(entry, "source", "sources", "count_source")
        actors = [actor_for(n) for n in entry.get("states", [])]
        count = entry.get("count_stated")
        quote = entry.get("quote")
        if quote_text is not None:  # a shorter exact excerpt of the YAML's quotation
            if quote_text not in (quote or ""):
                raise ValueError(f"{quote_text!r} is not part of {quote!r}")
            quote = quote_text
        if label is None:
            label = entry["theme"]
            if count is not None and not isinstance(count, int):
                label = f"{label} ({count})"
        c = self.claim(slug, kind, urls, label=label, names=actors,
                       count=count if isinstance(count, int) else None,
                       completeness=COMPLETENESS[entry["list_status"]], themes=themes,
                       quantifier=quantifier, documents=documents,
                       quote=(quote, sources_of(entry)[0]) if quote else None)
        if speak is not None:
            for a in actors:
                self.participation(a, R_SPEAKER, speak, sources_of(entry))
        return c

    # -- finishing ---------------------------------------------------------------------

    def finish(self) -> None:
        """List each known participant in the tallies of its kind and set completeness."""
        for t in self.tallies:
            listed = [p for p, (_, kind, m) in self.participations.items()
                      if kind == t.kind and m == self.meeting]
            for p in listed:
                self.add(t.iri, R2P.listedParticipation, p)
            if t.count is not None and len(listed) == t.count:
                completeness = C_COMPLETE
            elif listed:
                completeness = C_PARTIAL
            else:
                completeness = C_COUNT_ONLY
            self.add(t.iri, R2P.listCompleteness, completeness)


@cache
def observer_codes() -> frozenset[str]:
    return frozenset(s.iso3 for s in un_states() if s.observer)


def actor_for(name: str) -> URIRef:
    """A named actor of the YAML: a state by its ISO code, or a known organization."""
    if name == "European Union":
        return EU
    if name == "Group of Friends of R2P":
        return GOF
    return state(state_code(name))


def session_of(text: str) -> int:
    m = re.search(r"(\d+)(?:st|nd|rd|th) session", text)
    if not m:
        raise ValueError(f"no session number in {text!r}")
    return int(m.group(1))


def report_of(event: dict[str, Any]) -> URIRef | None:
    symbol = event["sg_report"].get("symbol")
    return doc(symbol) if symbol else None


def meeting_sources(event: dict[str, Any], *extra: str) -> list[str]:
    urls: list[str] = []
    for key in ("date_sources", "ordinal_source", "ordinal_sources", "venue_source",
                "venue_sources"):
        urls += [u for u in sources_of(event, key) if u not in urls]
    for item in event.get("meetings", []):
        urls += [u for u in sources_of(item) if u not in urls]
    urls += [u for u in extra if u not in urls]
    return urls


# ---------------------------------------------------------------------------------------
# One function per event. The YAML's wording is the authority; comments say why.
# ---------------------------------------------------------------------------------------


def y2009(ev: dict[str, Any], ctx: Context) -> YearBuilder:
    b = YearBuilder(2009, ev, ctx)
    report = report_of(ev)
    dates = ev["dates"]
    date_urls = sources_of(ev, "date_sources")
    session = session_of(ev["session"])

    # 21 July: the Secretary-General presents his report at the 96th plenary meeting.
    b.add_meeting(start=dates["sg_presentation"], mtype=MT_PLENARY, session=session,
                  report=report, urls=date_urls + sources_of(ev["meetings"][0]),
                  label="UN General Assembly plenary meeting at which the Secretary-General "
                        "presented his report on implementing the responsibility to protect, "
                        f"{human_date(dates['sg_presentation'])}")
    b.person_role(0, R_OPENING, capacity="Secretary-General of the United Nations",
                  representing=UN_SG)
    sg_meeting = b.meeting

    # 23 July: the informal interactive dialogue (same day as the debate's first meeting).
    b.add_meeting(start=dates["informal_interactive_dialogue"], n=2, mtype=MT_IID,
                  session=session, report=report, urls=date_urls)

    # 23, 24 and 28 July: the plenary debate, with the counts.
    plenary = dates["plenary_debate"]
    b.add_meeting(start=plenary[0], end=plenary[-1], mtype=MT_PLENARY, session=session,
                  ordinal=1, theme_text=ev["theme"], report=report,
                  urls=meeting_sources(ev, ev["ordinal_source"]))
    b.tally("speakers_member_states", K_MS)
    b.tally("observer_missions_speaking", K_OBS)
    for metric, slug, kind in [
        ("states_represented_by_other_speakers", "represented-by-other-speakers",
         ck("states-represented")),
        ("member_states_represented_total", "states-represented", ck("states-represented")),
        ("member_states_not_part", "states-not-part", ck("participation-count")),
        ("governments_speaking_23_24_July", "governments-speaking-23-24-july",
         ck("participation-count")),
    ]:
        entry = b.count(metric)
        b.claim(slug, kind, sources_of(entry), count=entry["value"],
                label=entry.get("fact") or metric.replace("_", " "),
                quote=(entry["quote"], sources_of(entry)[0]) if entry.get("quote") else None)
    entry = b.count("speakers_24_July")
    b.claim("speakers-24-july", ck("participation-count"), sources_of(entry),
            label=f"Speakers on 24 July 2009: {entry['value']}", quantifier=qn("many"))

    # Speakers the UN press releases name.
    for idx in (1, 2):
        name = ev["participants"][idx]["name"].replace(" (representative)", "")
        b.state_speaker(name, E_SECONDARY, sources_of(ev["participants"][idx]))
    for name in ("Nicaragua", "Iceland", "former Yugoslav Republic of Macedonia"):
        b.state_speaker(name, E_SECONDARY, sources_of(ev["participants"][3]))

    # Named lists. "Sought to challenge" does not say in so many words that they spoke.
    b.named_list(0, "challenged-r2p", ck("opposition"), themes=[theme("principle-r2p")],
                 quantifier=qn("only"), speak=E_INFERENCE)
    b.named_list(1, "strong-support", ck("support"), themes=[theme("principle-r2p")],
                 speak=E_SECONDARY)
    gs = ev["group_statements"][0]
    b.statement(EU, sources_of(gs), evidence=E_SECONDARY,
                label="Statement of the European Union, plenary debate of July 2009")

    # The outcome: resolution 63/308 and its sponsors.
    sponsors = ev["named_lists"][2]
    outcome = ev["outcome"][1]
    b.named_list(2, "resolution-63-308-sponsors", ck("outcome"),
                 themes=[theme("general-assembly-resolution")], documents=[doc("A/RES/63/308")],
                 label="Sponsors of General Assembly resolution 63/308, adopted by consensus "
                       "after the debate")
    c = URIRef(f"{b.meeting}/claim-resolution-63-308-sponsors")
    b.cite(c, sources_of(outcome) + sources_of(ev["outcome"][0]))
    b.quote(c, outcome["quote"], sources_of(outcome)[0], publisher(sources_of(outcome)[0]),
            suffix="2")
    assert sponsors["count_stated"] == 67

    other = ev["other_facts"][0]
    b.claim("double-standards", ck("concern"), sources_of(other), label=other["fact"],
            themes=[theme("consistency")], completeness=C_COUNT_ONLY)
    b.finish()
    assert sg_meeting is not None
    return b


def y2010(ev: dict[str, Any], ctx: Context) -> YearBuilder:
    b = YearBuilder(2010, ev, ctx)
    b.add_meeting(start=ev["date"], mtype=MT_IID, ordinal=2, theme_text=ev["theme"],
                  report=report_of(ev),
                  urls=meeting_sources(ev, *sources_of(b_count(ev, "member_states"))),
                  venue=("un-hq-conference-room-4",
                         "Conference Room 4, United Nations Headquarters",
                         sources_of(ev, "venue_source")))
    icrtop = sources_of(ev["counts"][-1])  # "ICRtoP gives the same 42 / 2 / 2 figures."
    b.tally("member_states", K_MS, extra_sources=icrtop)
    b.tally("regional_organizations", K_RO, extra_sources=icrtop)
    b.tally("civil_society", K_CSO, extra_sources=icrtop)
    b.tally("panelists", K_PANEL)
    b.person_role(0, R_OPENING, representing=PGA,
                  capacity="Acting President of the General Assembly (Permanent Representative "
                           "of Kazakhstan)")
    b.person_role(1, R_SPEAKER, capacity="Secretary-General of the United Nations",
                  representing=UN_SG)
    for idx in range(2, 7):
        role = ev["participants"][idx]["role"]
        b.person_role(idx, R_PANELIST, capacity=role.split("; ", 1)[1])
    other = ev["other_facts"][1]
    b.claim("detractors-questioned-definition", ck("concern"), sources_of(other),
            label="A few expected detractors questioned R2P's definition",
            themes=[theme("principle-r2p")], completeness=C_COUNT_ONLY)
    b.finish()
    return b


def b_count(ev: dict[str, Any], metric: str) -> dict[str, Any]:
    for entry in ev["counts"]:
        if entry.get("metric") == metric:
            return entry
    raise KeyError(metric)


def y2011(ev: dict[str, Any], ctx: Context) -> YearBuilder:
    b = YearBuilder(2011, ev, ctx)
    b.add_meeting(start=ev["date"], mtype=MT_IID, ordinal=3, theme_text=ev["theme"],
                  report=report_of(ev),
                  urls=meeting_sources(ev, *sources_of(b_count(ev, "member_states"))),
                  venue=("un-hq-conference-room-4-north-lawn-building",
                         "Conference Room 4, North Lawn Building, United Nations Headquarters, "
                         "New York",
                         sources_of(ev, "venue_source")))
    b.tally("member_states", K_MS)
    ro = b_count(ev, "regional_organizations")
    b.tally("regional_organizations", K_RO)
    for name in ro["names"]:
        actor = {"European Union": EU, "African Union": AU, "Caribbean Community": CARICOM}[name]
        b.participation(actor, R_SPEAKER, E_SECONDARY, sources_of(ro))
    cso = b_count(ev, "civil_society")
    b.tally("civil_society", K_CSO)
    # "4 civil society representatives, including ICRtoP."
    b.participation(ICRTOP, R_SPEAKER, E_DIRECT, sources_of(cso))
    b.tally("panelists", K_PANEL)
    # GCR2P: "6 panelists including the SG and his two Special Advisers".
    panel_src = sources_of(b_count(ev, "panelists"))
    for idx, capacity, rep in [(0, "Secretary-General of the United Nations", UN_SG),
                               (1, "Special Adviser on the Prevention of Genocide", None),
                               (2, "Special Adviser on the Responsibility to Protect", None)]:
        who = b.person_role(idx, R_PANELIST, capacity=capacity, representing=rep)
        b.cite(URIRef(f"{b.meeting}/participation-{who.rsplit('/', 1)[1]}-panelist"), panel_src)
    b.named_list(0, "strong-objections", ck("opposition"), themes=[theme("principle-r2p")],
                 speak=E_SECONDARY)
    other = ev["other_facts"][1]
    b.claim("third-pillar-at-the-forefront", ck("focus"), sources_of(other), label=other["fact"],
            themes=[pillar(3)],
            situations=[situation("libya-2011"), situation("cote-divoire-2011")],
            completeness=C_COUNT_ONLY)
    b.finish()
    return b


def y2013(ev: dict[str, Any], ctx: Context) -> YearBuilder:
    b = YearBuilder(2013, ev, ctx)
    m = b.add_meeting(start=ev["date"], mtype=MT_IID, ordinal=5,
                      theme_text="State responsibility and prevention", focus=1,
                      report=report_of(ev), urls=meeting_sources(ev))
    b.tally("member_states", K_MS)   # 68, GCR2P press item
    b.tally("member_states_alt", K_MS)  # 69, GCR2P summary: both kept
    b.tally("regional_organizations", K_RO)
    cso = b_count(ev, "civil_society")
    b.tally("civil_society", K_CSO)
    b.participation(GCR2P, R_SPEAKER, E_DIRECT, sources_of(cso))  # "two CSOs, including GCR2P"
    b.person_role(1, R_OPENING, capacity="Secretary-General of the United Nations",
                  representing=UN_SG)
    b.person_role(2, R_MODERATOR, capacity="Special Adviser on the Prevention of Genocide")
    b.person_role(4, R_SPEAKER, capacity="Global Centre for the Responsibility to Protect",
                  representing=GCR2P)
    slovenia = ev["participants"][5]
    b.statement(state("SVN"), sources_of(slovenia), evidence=E_DIRECT,
                label="Statement of Slovenia, 11 September 2013",
                themes=[theme("accountability")], situations=[situation("syria")])
    trend = b_count(ev, "change_vs_2012")
    b.claim("ten-more-states-than-2012", ck("participation-trend"), sources_of(trend),
            label="Ten more states took part than in 2012", count=10,
            compared_with=URIRef(MINT.meeting("2012-09-05")),
            quote=("ten more states participating in 2013 than in 2012", sources_of(trend)[0]))
    b.named_list(0, "focal-points", ck("domestic-practice"),
                 themes=[theme("national-focal-points")], speak=E_SECONDARY)
    b.named_list(1, "focal-points-summary", ck("domestic-practice"),
                 themes=[theme("national-focal-points"), theme("prevention")])
    b.named_list(2, "veto-restraint", ck("support"), themes=[theme("veto-restraint")],
                 quantifier=qn("several"), speak=E_SECONDARY)
    syria = ev["other_facts"][0]
    b.claim("concern-about-syria", ck("concern"), sources_of(syria), label=syria["fact"],
            situations=[situation("syria")], quantifier=qn("majority"), completeness=C_COUNT_ONLY)
    fp = ev["other_facts"][1]
    b.claim("focal-point-initiative", ck("context"), sources_of(fp), label=fp["fact"],
            names=[state(c) for c in ("AUS", "CRI", "DNK", "GHA")] + [GCR2P],
            themes=[theme("national-focal-points")], completeness=C_PARTIAL)
    b.finish()
    assert m is not None
    return b


def y2014(ev: dict[str, Any], ctx: Context) -> YearBuilder:
    b = YearBuilder(2014, ev, ctx)
    b.add_meeting(start=ev["date"], mtype=MT_IID, ordinal=6,
                  theme_text="Fulfilling our collective responsibility: international assistance",
                  focus=2, report=report_of(ev), urls=meeting_sources(ev))
    b.tally("member_states", K_MS)
    b.tally("regional_organizations", K_RO)
    cso = b_count(ev, "civil_society")
    b.tally("civil_society", K_CSO)
    b.participation(GCR2P, R_SPEAKER, E_DIRECT, sources_of(cso))  # "four CSOs including GCR2P"
    for metric, slug in [("states_represented", "states-represented"),
                         ("states_represented_alt", "states-represented-2")]:
        entry = b_count(ev, metric)
        b.claim(slug, ck("states-represented"), sources_of(entry), count=entry["value"],
                label=f"Member states spoke on behalf of {entry['value']} states",
                quote=(entry["quote"], sources_of(entry)[0]))
    opening = ev["participants"][0]
    b.participation(PGA, R_OPENING, E_SECONDARY, sources_of(opening))
    b.person_role(1, R_OPENING, capacity="Secretary-General of the United Nations",
                  representing=UN_SG)
    gs = ev["group_statements"][0]
    b.statement(state("RWA"), sources_of(gs), evidence=E_SECONDARY, on_behalf=GOF,
                count=gs["members_count"],
                label="Statement of Rwanda on behalf of the Group of Friends of R2P, "
                      "8 September 2014",
                quote=(gs["quote"], sources_of(gs)[0], GCR2P))
    b.named_list(0, "focal-points", ck("domestic-practice"),
                 themes=[theme("national-focal-points")], speak=E_SECONDARY,
                 quote_text="including Albania and Botswana, referred to their appointment of an "
                            "R2P Focal Point")
    b.named_list(1, "formal-agenda", ck("support"), themes=[theme("formal-agenda")])
    b.named_list(2, "rights-up-front", ck("support"), themes=[theme("rights-up-front")])
    # named_lists[3] ("Fourteen states ra...") is cut off mid-word: its theme is unknown.
    other = ev["other_facts"][0]
    b.claim("situations-of-concern", ck("concern"), sources_of(other), label=other["fact"],
            situations=[situation(s) for s in ("central-african-republic", "iraq", "south-sudan",
                                               "syria")], completeness=C_COUNT_ONLY)
    b.finish()
    return b


def y2015(ev: dict[str, Any], ctx: Context) -> YearBuilder:
    b = YearBuilder(2015, ev, ctx)
    b.add_meeting(start=ev["date"], mtype=MT_IID, ordinal=7,
                  theme_text="A vital and enduring commitment: implementing R2P",
                  report=report_of(ev), urls=meeting_sources(ev))
    b.tally("member_states", K_MS)
    ro = b_count(ev, "regional_organizations")
    b.tally("regional_organizations", K_RO)
    b.tally("civil_society", K_CSO)
    entry = b_count(ev, "states_represented")
    b.claim("states-represented", ck("states-represented"), sources_of(entry),
            count=entry["value"], label=f"Speakers delivered statements on behalf of "
                                        f"{entry['value']} countries",
            quote=(entry["quote"], sources_of(entry)[0]))
    thematic = b_count(ev, "thematic_organizations")
    b.claim("aipr-count", ck("participation-count"), sources_of(thematic), count=thematic["value"],
            label=thematic["fact"])
    b.person_role(0, R_OPENING, capacity="Secretary-General of the United Nations",
                  representing=UN_SG)
    b.person_role(1, R_OPENING, representing=PGA,
                  capacity="On behalf of the President of the General Assembly, Sam Kutesa")
    b.person_role(2, R_MODERATOR, capacity="Special Adviser on the Prevention of Genocide")
    b.person_role(3, R_SPEAKER, capacity="Special Adviser on the Responsibility to Protect")
    gof, eu = ev["group_statements"]
    b.statement(state("NLD"), sources_of(gof), evidence=E_SECONDARY, on_behalf=GOF,
                count=gof["members_count"],
                label="Statement of the Netherlands on behalf of the Group of Friends of R2P, "
                      "8 September 2015")
    b.statement(EU, sources_of(eu) + [u for u in sources_of(ro) if u not in sources_of(eu)],
                evidence=E_SECONDARY, label="Statement of the European Union, 8 September 2015")
    b.named_list(0, "tenth-anniversary-resolution", ck("support"),
                 themes=[theme("general-assembly-resolution")],
                 label="Supported a General Assembly resolution marking the tenth anniversary: "
                       "at least 16 individual states plus the Group of Friends")
    b.named_list(1, "formal-agenda", ck("support"), themes=[theme("formal-agenda")],
                  quantifier=qn("several"),
                 label="A number of states, including the Group of Friends, supported moving R2P "
                       "onto the formal UN agenda")
    other = ev["other_facts"][1]
    b.claim("situations-of-concern", ck("concern"), sources_of(other), label=other["fact"],
            situations=[situation(s) for s in ("syria", "iraq", "south-sudan",
                                               "central-african-republic",
                                               "democratic-peoples-republic-of-korea")],
            completeness=C_COUNT_ONLY)
    b.finish()
    return b


def y2016(ev: dict[str, Any], ctx: Context) -> YearBuilder:
    b = YearBuilder(2016, ev, ctx)
    b.add_meeting(start=ev["date"], mtype=MT_IID, ordinal=8,
                  theme_text="Mobilizing collective action: the next decade of R2P",
                  report=report_of(ev), urls=meeting_sources(ev),
                  venue=("un-hq-trusteeship-council-chamber",
                         "Trusteeship Council Chamber, United Nations Headquarters",
                         sources_of(ev, "venue_sources")))
    b.tally("member_states", K_MS)
    regional_eu(b)
    cso = b_count(ev, "civil_society")
    b.tally("civil_society", K_CSO)
    icrtop_src = [u for u in sources_of(cso) if "responsibilitytoprotect.org" in u]
    for actor in (ICRTOP, GCR2P, APCR2P, CCR2P):  # named by ICRtoP
        b.participation(actor, R_SPEAKER, E_SECONDARY, icrtop_src)
    for metric, slug in [("states_represented", "states-represented"),
                         ("states_represented_alt", "states-represented-2")]:
        entry = b_count(ev, metric)
        b.claim(slug, ck("states-represented"), sources_of(entry), count=entry["value"],
                label=f"Speakers delivered statements on behalf of {entry['value']} states",
                quote=(entry["quote"], sources_of(entry)[0]) if entry.get("quote") else None)
    b.person_role(0, R_CONVENER, capacity="President of the General Assembly", representing=PGA)
    b.person_role(0, R_OPENING, capacity="President of the General Assembly", representing=PGA)
    b.person_role(1, R_OPENING, capacity="Deputy Secretary-General", representing=UN_SG)
    b.person_role(2, R_MODERATOR, capacity="Assistant Secretary-General for Human Rights")
    b.person_role(3, R_PANELIST, capacity="Special Adviser on the Prevention of Genocide")
    miclat = b.person_role(4, R_SPEAKER, representing=ICRTOP, name="Gus Miclat",
                           capacity="Initiatives for International Dialogue")
    assert miclat
    qatar = ev["participants"][5]
    alya = b.define_person(qatar["name"], sources_of(qatar))
    b.statement(state("QAT"), sources_of(qatar), evidence=E_DIRECT, speaker=alya,
                themes=[theme("veto-restraint")], label="Statement of Qatar, 6 September 2016")
    gs = ev["group_statements"][0]
    oosterom = b.define_person("Karel J.G. van Oosterom", sources_of(gs)[1:])
    nl_mission = next(u for u in sources_of(gs) if "netherlandsmission" in u)
    b.statement(state("NLD"), sources_of(gs), evidence=E_DIRECT, on_behalf=GOF,
                count=gs["members_count"], speaker=oosterom,
                label="Statement of the Netherlands on behalf of the Group of Friends of R2P, "
                      "6 September 2016",
                quote=(gs["quote"], nl_mission, oosterom))
    b.finish()
    return b


def y2017(ev: dict[str, Any], ctx: Context) -> YearBuilder:
    b = YearBuilder(2017, ev, ctx)
    # Sources disagree on the ordinal (ninth / eighth): no r2p:ordinal, two claims.
    b.add_meeting(start=ev["date"], mtype=MT_IID, theme_text=ev["theme"],
                  report=report_of(ev), urls=meeting_sources(ev))
    press, summary = sources_of(ev, "ordinal_sources")
    statement_15_sep = next(iter(sources_of(ev["named_lists"][0])))
    b.claim("ordinal-ninth", ck("context"), [press],
            label="GCR2P's press item calls the dialogue the ninth informal interactive dialogue")
    b.claim("ordinal-eighth", ck("context"), [summary, statement_15_sep],
            label="GCR2P's summary and its statement of 15 September 2017 call the dialogue "
                  "the eighth (counting only the dialogues of 2010-2017)")
    b.tally("member_states", K_MS)
    b.tally("observer_missions", K_OBS)
    regional_eu(b)
    b.tally("civil_society", K_CSO)
    entry = b_count(ev, "states_represented")
    b.claim("states-represented", ck("states-represented"), sources_of(entry),
            count=entry["value"], label=f"Speakers delivered statements on behalf of "
                                        f"{entry['value']} states",
            quote=(entry["quote"], sources_of(entry)[0]))
    record = b_count(ev, "record")
    b.claim("record-participation", ck("participation-trend"), sources_of(record),
            label="A record number of states spoke")
    b.person_role(0, R_OPENING, capacity="President of the General Assembly", representing=PGA)
    b.person_role(1, R_OPENING, capacity="Secretary-General of the United Nations",
                  representing=UN_SG)
    for idx in (2, 3, 4, 5):
        b.person_role(idx, R_PANELIST)
    qatar = ev["participants"][6]
    alya = b.define_person(qatar["name"], sources_of(qatar))
    b.statement(state("QAT"), sources_of(qatar), evidence=E_SECONDARY, speaker=alya,
                themes=[theme("national-focal-points"), theme("veto-restraint")],
                label="Statement of Qatar, 6 September 2017")
    gof, nordic = ev["group_statements"]
    oosterom = b.define_person("Karel J.G. van Oosterom", sources_of(gof)[1:])
    nl = next(u for u in sources_of(gof) if "permanentrepresentations.nl" in u)
    b.statement(state("NLD"), sources_of(gof), evidence=E_DIRECT, on_behalf=GOF, count=49,
                speaker=oosterom,
                label="Statement of the Netherlands on behalf of the Group of Friends of R2P "
                      "(49 Member States and the European Union), 6 September 2017",
                quote=(gof["quote"], nl, oosterom))
    hattrem = b.define_person("Tore Hattrem", sources_of(nordic))
    b.statement(state("NOR"), sources_of(nordic), evidence=E_DIRECT, on_behalf=NORDIC,
                count=nordic["members_count"], speaker=hattrem,
                label="Statement of Norway on behalf of the Nordic countries, 6 September 2017")
    b.named_list(0, "formal-agenda", ck("support"), themes=[theme("formal-agenda")],
                 label="At least 56 states supported including R2P on the General Assembly's "
                       "formal agenda")
    overview = b.ctx.facts["meta"]["overview_facts"][3]
    b.claim("states-across-dialogues", ck("participation-trend"), sources_of(overview),
            count=120, label=overview["fact"])
    b.finish()
    return b


def formal(year: int, ev: dict[str, Any], ctx: Context, ordinal: int | None,
           extra_urls: Iterable[str] = ()) -> YearBuilder:
    b = YearBuilder(year, ev, ctx)
    dates = ev["dates"]
    b.add_meeting(start=dates[0], end=dates[-1], mtype=MT_FORMAL, ordinal=ordinal,
                  session=session_of(ev["kind"]), report=report_of(ev),
                  urls=meeting_sources(ev, *extra_urls))
    return b


def eu_statement(b: YearBuilder, gs: dict[str, Any], *, speaker: URIRef | None = None,
                 day: str | None = None) -> None:
    assert b.meeting is not None
    # A debate of several days: the day of the statement is not in the research.
    when = (human_date(day or str(gs["date"])) if day or gs.get("date") else f"{b.year} debate"
            if b.graph.value(b.meeting, SDO.endDate) is not None
            else human_date(str(b.graph.value(b.meeting, SDO.startDate))))
    b.statement(EU, sources_of(gs), evidence=E_DIRECT if speaker else E_SECONDARY,
                speaker=speaker, label=f"Statement of the European Union, {when}")


def represented(b: YearBuilder, metric: str = "states_represented") -> None:
    entry = b.count(metric)
    value = entry["value"]
    count = value if isinstance(value, int) else int(str(value).split()[0])
    label = (f"Speakers delivered statements on behalf of {value}" if not isinstance(value, int)
             else f"Speakers delivered statements on behalf of {value} states")
    b.claim("states-represented", ck("states-represented"), sources_of(entry), count=count,
            label=label,
            quote=(entry["quote"], sources_of(entry)[0]) if entry.get("quote") else None)


def regional_eu(b: YearBuilder) -> None:
    entry = b.count("regional_organizations")
    assert entry["names"] == ["European Union"]
    b.tally("regional_organizations", K_RO)
    b.participation(EU, R_SPEAKER, E_SECONDARY, sources_of(entry))


def y2018(ev: dict[str, Any], ctx: Context) -> YearBuilder:
    b = formal(2018, ev, ctx, None, sources_of(b_count(ev, "member_states_total")))
    b.tally("member_states_total", K_MS)
    regional_eu(b)
    represented(b)
    day2 = b_count(ev, "additional_speakers_2_July")
    b.claim("speakers-2-july", ck("participation-count"), sources_of(day2), count=day2["value"],
            label="31 further speakers on 2 July 2018")
    day1 = b_count(ev, "speakers_25_June")
    b.claim("speakers-25-june", ck("participation-count"), sources_of(day1), count=48,
            label=f"25 June 2018: {day1['value']}")
    b.person_role(0, R_OPENING, capacity="President of the General Assembly", representing=PGA)
    b.person_role(1, R_OPENING, capacity="Secretary-General of the United Nations",
                  representing=UN_SG)
    gof, eu = ev["group_statements"]
    alya = b.define_person(ev["participants"][2]["name"], sources_of(ev["participants"][2]))
    qatar_mfa = next(u for u in sources_of(gof) if "mofa.gov.qa" in u)
    b.statement(state("QAT"), sources_of(gof), evidence=E_DIRECT, on_behalf=GOF, count=50,
                speaker=alya,
                label="Statement of Qatar on behalf of the Group of Friends of R2P (50 States and "
                      "the European Union), 25 June 2018",
                quote=(gof["quote"], qatar_mfa, state("QAT")))
    eu_statement(b, eu)
    b.finish()
    return b


def y2019(ev: dict[str, Any], ctx: Context) -> YearBuilder:
    b = formal(2019, ev, ctx, None, sources_of(b_count(ev, "member_states_total")))
    b.tally("member_states_total", K_MS)
    regional_eu(b)
    represented(b)
    day1 = b_count(ev, "speakers_27_June")
    b.claim("speakers-27-june", ck("participation-count"), sources_of(day1), count=54,
            label=f"27 June 2019: {day1['value']}")
    b.person_role(0, R_OPENING, capacity="President of the General Assembly", representing=PGA)
    b.person_role(1, R_SPEAKER, capacity="Chef de Cabinet, on behalf of the Secretary-General",
                  representing=UN_SG)
    # participants[2] (Karen Smith): the source does not say in what role she took part.
    lauber_entry = ev["participants"][4]
    lauber = b.define_person(lauber_entry["name"], sources_of(lauber_entry))
    b.statement(state("CHE"), sources_of(lauber_entry), evidence=E_SECONDARY, speaker=lauber,
                label="Statement of Switzerland, June 2019")
    gof, nordic, eu = ev["group_statements"]
    b.statement(state("DNK"), sources_of(gof), evidence=E_SECONDARY, on_behalf=GOF,
                count=gof["members_count"],
                label="Statement of Denmark on behalf of the Group of Friends of R2P, June 2019",
                quote=(gof["quote"], sources_of(gof)[0], GCR2P))
    juul = b.define_person("Mona Juul", sources_of(nordic))
    b.statement(state("NOR"), sources_of(nordic), evidence=E_DIRECT, on_behalf=NORDIC,
                count=nordic["members_count"], speaker=juul,
                label="Statement of Norway on behalf of the Nordic countries, June 2019")
    eu_statement(b, eu)
    b.finish()
    return b


def y2021(ev: dict[str, Any], ctx: Context) -> YearBuilder:
    b = formal(2021, ev, ctx, 4, sources_of(b_count(ev, "member_states")))
    b.tally("member_states", K_MS)
    regional_eu(b)
    represented(b)
    gof, eu = ev["group_statements"]
    members = [actor_for(n) for n in gof["members"]]
    n_states = sum(1 for a in members if "/id/state/" in str(a))
    b.statement(state("CRI"), sources_of(gof), evidence=E_DIRECT, on_behalf=GOF, count=n_states,
                label="Statement of Costa Rica on behalf of members of the Group of Friends of "
                      "R2P, 17 May 2021",
                quote=(gof["quote"], sources_of(gof)[0], state("CRI")))
    thisvi = b.define_person(ev["participants"][0]["name"], sources_of(ev["participants"][0]))
    assert "17 May 2021" in ev["participants"][0]["role"]
    eu_statement(b, eu, speaker=thisvi, day="2021-05-17")
    qatar = ev["participants"][1]
    alya = b.define_person(qatar["name"], sources_of(qatar))
    b.statement(state("QAT"), sources_of(qatar), evidence=E_SECONDARY, speaker=alya,
                label="Statement of Qatar, May 2021")
    # The outcome: resolution 75/277 and the vote.
    vote = ev["outcome"][0]
    for slug, n, how in [("voted-in-favour", 115, "in favour of"), ("voted-against", 15, "against"),
                         ("abstained", 28, "abstaining on")]:
        assert str(n) in vote["fact"]
        b.claim(f"resolution-75-277-{slug}", ck("outcome"), sources_of(vote), count=n,
                label=f"{n} states voted {how} the resolution on the responsibility to protect",
                themes=[theme("general-assembly-resolution")], documents=[doc("A/RES/75/277")],
                completeness=C_COUNT_ONLY)
    b.finish()
    return b


def y2022(ev: dict[str, Any], ctx: Context) -> YearBuilder:
    b = formal(2022, ev, ctx, 5, sources_of(b_count(ev, "member_states")))
    b.tally("member_states", K_MS, quote=False)  # the quotation is about the 91 countries
    b.tally("observer_missions", K_OBS)
    regional_eu(b)
    entry = b_count(ev, "states_represented")
    b.claim("states-represented", ck("states-represented"), sources_of(entry),
            count=entry["value"], label="Speakers spoke on behalf of 91 countries",
            quote=(b_count(ev, "member_states")["quote"], sources_of(entry)[0]))
    b.person_role(0, R_OPENING, capacity="Vice-President of the 76th session of the General "
                                         "Assembly")
    b.person_role(1, R_OPENING, capacity="Special Adviser on the Prevention of Genocide")
    gof, eu = ev["group_statements"]
    danish = next(u for u in sources_of(gof) if "um.dk" in u)
    b.statement(state("DNK"), [danish], evidence=E_DIRECT,
                label="Statement of Denmark, 23 June 2022")
    # Denmark aligned itself with a Group of Friends statement whose deliverer is not known.
    b.claim("group-of-friends-statement", ck("group-statement"), [danish], names=[GOF],
            label="Denmark aligned itself with the statements of the European Union and of the "
                  "Group of Friends of R2P (delivering delegation not found)",
            completeness=C_COMPLETE)
    # The United Kingdom welcomed the new Special Adviser, as Denmark did.
    uk = [u for u in sources_of(ev["participants"][2]) if "govuk" in u]
    b.participation(state("GBR"), R_SPEAKER, E_INFERENCE, uk)
    eu_statement(b, eu)
    b.finish()
    return b


def y2023(ev: dict[str, Any], ctx: Context) -> YearBuilder:
    b = formal(2023, ev, ctx, 6, sources_of(b_count(ev, "member_states")))
    b.tally("member_states", K_MS)
    b.tally("observer_missions", K_OBS, quote=False)
    regional_eu(b)
    represented(b)
    b.person_role(0, R_OPENING, capacity="Special Adviser on the Responsibility to Protect")
    qatar = ev["participants"][1]
    jassim = b.define_person(qatar["name"], sources_of(qatar))
    b.statement(state("QAT"), sources_of(qatar), evidence=E_SECONDARY, speaker=jassim,
                label="Statement of Qatar, June 2023")
    gof, nordic_baltic, charter, fra_mex, eu = ev["group_statements"]
    b.statement(state("HRV"), sources_of(gof), evidence=E_SECONDARY, on_behalf=GOF,
                label="Statement of Croatia on behalf of the Group of Friends of R2P, June 2023")
    for slug, gs, grp in [("nordic-and-baltic-statement", nordic_baltic, NORDIC_BALTIC_2023),
                          ("charter-group-statement", charter, GOF_CHARTER)]:
        b.claim(slug, ck("group-statement"), sources_of(gs), names=[grp],
                label=f"A statement on behalf of the {gs['group']} (delivering delegation not "
                      "found)", completeness=C_COMPLETE)
    b.statement(state("FRA"), sources_of(fra_mex), evidence=E_SECONDARY, on_behalf=FRA_MEX,
                count=fra_mex["members_count"],
                label="Statement of France on behalf of itself and Mexico, June 2023")
    eu_statement(b, eu)
    b.claim("aligned-with-eu", ck("alignment"), sources_of(eu),
            names=[actor_for(n) for n in eu["aligned_states"]],
            completeness=COMPLETENESS[eu["list_status"]],
            label="States that aligned themselves with the statement of the European Union and "
                  "its Member States")
    overview = b.ctx.facts["meta"]["overview_facts"][2]
    b.claim("states-since-2009", ck("participation-trend"),
            [u for u in sources_of(overview) if "2023" in u], count=138,
            label="Since 2009, 138 states and six regional organizations or groupings have "
                  "spoken, on behalf of 179 states")
    b.finish()
    return b


def y2024(ev: dict[str, Any], ctx: Context) -> YearBuilder:
    b = formal(2024, ev, ctx, 7, sources_of(b_count(ev, "member_states")))
    b.tally("member_states", K_MS)
    regional_eu(b)
    represented(b)
    b.person_role(0, R_SPEAKER, capacity="Special Adviser on the Responsibility to Protect")
    canz, nb8, _gof, eu = ev["group_statements"]
    larsen = b.define_person(ev["participants"][1]["name"], sources_of(ev["participants"][1]))
    b.statement(state("AUS"), sources_of(canz), evidence=E_DIRECT, on_behalf=CANZ,
                count=canz["members_count"], speaker=larsen,
                label="Statement of Australia on behalf of CANZ, 1 July 2024")
    latvia = b.define_person(ev["participants"][2]["name"], sources_of(ev["participants"][2]))
    b.statement(state("LVA"), sources_of(nb8), evidence=E_SECONDARY, on_behalf=NB8,
                count=nb8["members_count"], speaker=latvia,
                label="Statement of Latvia on behalf of the Nordic-Baltic Eight, 1 July 2024")
    eu_statement(b, eu)
    overview = b.ctx.facts["meta"]["overview_facts"][2]
    b.claim("states-since-2009", ck("participation-trend"),
            [u for u in sources_of(overview) if "2024" in u], count=138,
            label="Since 2009, 138 states and six regional organizations or groupings have "
                  "spoken, on behalf of 179 states")
    b.finish()
    return b


def y2025(ev: dict[str, Any], ctx: Context) -> YearBuilder:
    b = formal(2025, ev, ctx, 8, sources_of(b_count(ev, "member_states")))
    b.tally("member_states", K_MS)
    regional_eu(b)
    represented(b)
    b.person_role(0, R_SPEAKER, capacity="President of the General Assembly", representing=PGA)
    b.person_role(1, R_SPEAKER, capacity="Secretary-General of the United Nations",
                  representing=UN_SG)
    nb8, eu, _gof = ev["group_statements"]
    landi = b.define_person(ev["participants"][3]["name"], sources_of(ev["participants"][3]))
    b.statement(state("DNK"), sources_of(nb8), evidence=E_SECONDARY, on_behalf=NB8,
                count=nb8["members_count"], speaker=landi,
                label="Statement of Denmark on behalf of the Nordic-Baltic Eight, 25 June 2025")
    eu_statement(b, eu)
    overview = b.ctx.facts["meta"]["overview_facts"][1]
    b.claim("states-since-2009", ck("participation-trend"), sources_of(overview), count=137,
            label="Since 2009, 137 states and six regional organizations or groupings have "
                  "spoken, on behalf of 179 states")
    b.finish()
    return b


YEARS: dict[str, Callable[[dict[str, Any], Context], YearBuilder]] = {
    "unga-r2p-2009": y2009, "unga-r2p-iid-2010": y2010, "unga-r2p-iid-2011": y2011,
    "unga-r2p-iid-2013": y2013, "unga-r2p-iid-2014": y2014, "unga-r2p-iid-2015": y2015,
    "unga-r2p-iid-2016": y2016, "unga-r2p-iid-2017": y2017, "unga-r2p-debate-2018": y2018,
    "unga-r2p-debate-2019": y2019, "unga-r2p-debate-2021": y2021, "unga-r2p-debate-2022": y2022,
    "unga-r2p-debate-2023": y2023, "unga-r2p-debate-2024": y2024, "unga-r2p-debate-2025": y2025,
}


# ---------------------------------------------------------------------------------------
# Documents: the Secretary-General's reports and the General Assembly resolutions
# ---------------------------------------------------------------------------------------

#: Reports whose pillar the YAML names in the theme of the meeting that discussed them.
REPORT_PILLARS = {2013: 1, 2014: 2}
#: Written in data/meetings/2012.ttl.
DEFINED_ELSEWHERE = {"A/66/874-S/2012/578"}


def documents_graph(ctx: Context) -> Graph:
    g = Graph()
    facts = ctx.facts
    event_reports = {e["sg_report"]["symbol"]: e["sg_report"] for e in facts["events"]
                     if e["sg_report"].get("symbol")}
    for rep in facts["sg_reports"]:
        symbol = rep.get("symbol")
        if not symbol or symbol in DEFINED_ELSEWHERE:
            continue  # no symbol, no IRI: see the module's report on what is missing
        d = doc(symbol)
        parts = symbol.split("-S/")
        symbols = [parts[0]] + [f"S/{p}" for p in parts[1:]]
        g.add((d, RDF.type, R2P.SecretaryGeneralReport))
        for sym in symbols:
            g.add((d, R2P.documentSymbol, Literal(sym)))
        g.add((d, DCTERMS.title, Literal(rep["title"], lang="en")))
        when = str(rep.get("date") or "")
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", when):
            g.add((d, DCTERMS.issued, Literal(when, datatype=XSD.date)))
        else:
            g.add((d, DCTERMS.issued, Literal(str(rep["year"]), datatype=XSD.gYear)))
            released = re.fullmatch(r"released (\d{4}-\d{2}-\d{2})", when)
            if released:
                g.add((d, DCTERMS.available, Literal(released.group(1), datatype=XSD.date)))
        g.add((d, R2P.reportNumber, Literal(rep["ordinal"], datatype=XSD.positiveInteger)))
        g.add((d, DCTERMS.creator, UN_SG))
        if rep["year"] in REPORT_PILLARS:
            g.add((d, R2P.addressesPillar, pillar(REPORT_PILLARS[rep["year"]])))
        g.add((d, SDO.url, URIRef(f"https://undocs.org/en/{symbols[0]}")))
        urls = sources_of(rep)
        if symbol in event_reports:
            urls += [u for u in sources_of(event_reports[symbol]) if u not in urls]
        for u in urls:
            g.add((d, DCTERMS.source, URIRef(u)))

    # The 2005 World Summit Outcome, where the responsibility to protect was agreed.
    d = doc("A/RES/60/1")
    g.add((d, RDF.type, R2P.GAResolution))
    g.add((d, R2P.documentSymbol, Literal("A/RES/60/1")))
    g.add((d, DCTERMS.title, Literal("2005 World Summit Outcome", lang="en")))
    g.add((d, DCTERMS.issued, Literal("2005", datatype=XSD.gYear)))
    g.add((d, R2P.invokesR2P, Literal(True)))
    g.add((d, SKOS.scopeNote, Literal(
        "Paragraphs 138 and 139 are the agreed basis of the responsibility to protect: each "
        "State is responsible for protecting its populations from genocide, war crimes, ethnic "
        "cleansing and crimes against humanity; the international community should help States "
        "to do so, and is prepared to take collective action through the Security Council when "
        "national authorities manifestly fail to protect their populations.", lang="en")))
    g.add((d, SDO.url, URIRef("https://undocs.org/en/A/RES/60/1")))
    g.add((d, DCTERMS.source, URIRef("https://undocs.org/en/A/RES/60/1")))

    # Resolution 63/308, adopted after the 2009 debate.
    ev2009 = next(e for e in facts["events"] if e["year"] == 2009)
    adopted, sponsored = ev2009["outcome"]
    assert "14 September 2009" in adopted["fact"] and "A/RES/63/308" in adopted["fact"]
    d = doc("A/RES/63/308")
    g.add((d, RDF.type, R2P.GAResolution))
    g.add((d, R2P.documentSymbol, Literal("A/RES/63/308")))
    g.add((d, RDFS.label, Literal("General Assembly resolution 63/308", lang="en")))
    g.add((d, DCTERMS.issued, Literal("2009-09-14", datatype=XSD.date)))
    g.add((d, R2P.invokesR2P, Literal(True)))
    g.add((d, SDO.url, URIRef("https://undocs.org/en/A/RES/63/308")))
    for u in sources_of(adopted) + sources_of(sponsored):
        g.add((d, DCTERMS.source, URIRef(u)))

    # Resolution 75/277, adopted at the end of the 2021 debate.
    ev2021 = next(e for e in facts["events"] if e["year"] == 2021)
    vote, number = ev2021["outcome"]
    title = re.search(r"Resolution '([^']+)' adopted", vote["fact"])
    assert title and "75/277" in number["fact"] and "18 May 2021" in number["fact"]
    d = doc("A/RES/75/277")
    g.add((d, RDF.type, R2P.GAResolution))
    g.add((d, R2P.documentSymbol, Literal("A/RES/75/277")))
    g.add((d, DCTERMS.title, Literal(title.group(1), lang="en")))
    g.add((d, DCTERMS.issued, Literal("2021-05-18", datatype=XSD.date)))
    g.add((d, R2P.invokesR2P, Literal(True)))
    g.add((d, SDO.url, URIRef("https://undocs.org/en/A/RES/75/277")))
    for u in sources_of(number) + [u for u in sources_of(vote) if u not in sources_of(number)]:
        g.add((d, DCTERMS.source, URIRef(u)))
    return g


# ---------------------------------------------------------------------------------------
# Groups, organizations and memberships
# ---------------------------------------------------------------------------------------

REGIONAL_GROUPS = [
    ("African States", None),
    ("Asia-Pacific States", None),
    ("Eastern European States", None),
    ("Latin American and Caribbean States", "GRULAC"),
    ("Western European and other States", "WEOG"),
]
REGIONAL_GROUPS_SOURCE = "https://en.wikipedia.org/wiki/United_Nations_Regional_Groups"


def membership_iri(grp: URIRef, member: URIRef) -> URIRef:
    return URIRef(f"{BASE}id/membership/{grp.rsplit('/', 1)[1]}/{member.rsplit('/', 1)[1]}")


def groups_graph(ctx: Context) -> Graph:
    g = Graph()
    for name, alt in REGIONAL_GROUPS:
        grp = group(name)
        g.add((grp, RDF.type, R2P.RegionalGroup))
        g.add((grp, SKOS.prefLabel, Literal(name, lang="en")))
        if alt:
            g.add((grp, SKOS.altLabel, Literal(alt, lang="en")))
        g.add((grp, DCTERMS.source, URIRef(REGIONAL_GROUPS_SOURCE)))

    for actor, urls in sorted(ctx.actor_sources.items()):
        cls, label, alt, _ = NON_STATE_ACTORS[actor]
        g.add((actor, RDF.type, cls))
        g.add((actor, SKOS.prefLabel, Literal(label, lang="en")))
        if alt:
            g.add((actor, SKOS.altLabel, Literal(alt, lang="en")))
        for u in urls:
            g.add((actor, DCTERMS.source, URIRef(u)))

    members: dict[tuple[URIRef, URIRef], list[str]] = {}

    def member(grp: URIRef, names: Iterable[str], urls: Iterable[str]) -> None:
        for name in names:
            key = (grp, actor_for(name))
            seen = members.setdefault(key, [])
            seen += [u for u in urls if u not in seen]

    for ev in ctx.facts["events"]:
        for gs in ev.get("group_statements", []):
            name = gs["group"]
            if name.startswith("Group of Friends of R2P") and gs.get("members"):
                member(GOF, gs["members"], sources_of(gs))
            elif name == "Nordic countries":
                member(NORDIC, gs["members"], sources_of(gs))
            elif name == "Nordic-Baltic Eight (NB8)":
                member(NB8, gs["members"], sources_of(gs))
            elif name == "CANZ":
                member(CANZ, gs["members"], sources_of(gs))
            elif name == "France on behalf of itself and Mexico":
                member(FRA_MEX, ["France", "Mexico"], sources_of(gs))
    # Co-chairs are members too.
    gof_facts = ctx.facts["group_of_friends_r2p"]
    for period in next(f for f in gof_facts if "co_chairs" in f)["co_chairs"]:
        if period.get("chairs"):
            member(GOF, period["chairs"], sources_of(period))

    for (grp, who), urls in sorted(members.items()):
        m = membership_iri(grp, who)
        g.add((m, RDF.type, ORG.Membership))
        g.add((m, ORG.member, who))
        g.add((m, ORG.organization, grp))
        g.add((grp, ORG.hasMember, who))
        for u in urls:
            g.add((m, DCTERMS.source, URIRef(u)))
    return g


# ---------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------

PREFIXES = {
    "r2p": R2P, "rdfs": RDFS, "skos": SKOS, "dcterms": DCTERMS, "prov": PROV, "schema": SDO,
    "xsd": XSD, "state": Namespace(f"{BASE}id/state/"), "person": Namespace(f"{BASE}id/person/"),
    "doc": Namespace(f"{BASE}id/doc/"), "group": Namespace(f"{BASE}id/group/"),
    "theme": Namespace(f"{BASE}id/theme/"), "pillar": Namespace(f"{BASE}id/pillar/"),
    "kind": Namespace(f"{BASE}id/participant-kind/"),
    "compl": Namespace(f"{BASE}id/completeness/"), "evid": Namespace(f"{BASE}id/evidence/"),
    "role": Namespace(f"{BASE}id/participation-role/"), "ck": Namespace(f"{BASE}id/claim-kind/"),
    "qn": Namespace(f"{BASE}id/quantifier/"), "mt": Namespace(f"{BASE}id/meeting-type/"),
    "sit": Namespace(f"{BASE}id/situation/"), "place": Namespace(f"{BASE}id/place/"),
    "meeting": Namespace(f"{BASE}id/meeting/"), "stmt": Namespace(f"{BASE}id/statement/"),
    "membership": Namespace(f"{BASE}id/membership/"),
}


def to_turtle(g: Graph, header: str, *, org_is_w3c: bool = False) -> str:
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    if org_is_w3c:
        g.bind("org", ORG, override=True, replace=True)
        g.bind("actor", Namespace(f"{BASE}id/org/"), override=True, replace=True)
    else:  # as in data/meetings/2012.ttl
        g.bind("org", Namespace(f"{BASE}id/org/"), override=True, replace=True)
    body = g.serialize(format="turtle")
    lines = [f"# {line}" if line else "#" for line in header.strip().splitlines()]
    return "\n".join(["# GENERATED FILE: do not edit by hand. Regenerate with "
                      "`python -m r2p_graph.record`.", *lines, "", body])


def load_facts(path: Path = DEFAULT_FACTS) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        facts: dict[str, Any] = yaml.safe_load(fh)
    return facts


def build(facts: dict[str, Any]) -> dict[str, str]:
    """Every generated file as Turtle text, keyed by its path relative to data/."""
    ctx = Context(facts)
    out: dict[str, str] = {}
    for ev in facts["events"]:
        builder = YEARS[ev["id"]](ev, ctx)
        note = textwrap.fill(ev.get("completeness", ""), width=86)
        out[f"meetings/{builder.year}.ttl"] = to_turtle(builder.graph, YEAR_HEADER.format(
            year=builder.year, id=ev["id"], completeness=note))
    out["reference/documents.ttl"] = to_turtle(documents_graph(ctx), DOCUMENTS_HEADER)
    out["reference/groups.ttl"] = to_turtle(groups_graph(ctx), GROUPS_HEADER, org_is_w3c=True)
    return out


YEAR_HEADER = """
The UN General Assembly's {year} meeting(s) on the responsibility to protect, from the
entry {id} of shared/research/facts-other-years.yaml. Every node cites its
sources (dcterms:source); counts, dates, quotations and URLs are copied from that file.
Tallies list the participants known by name; a tally is complete only when the names
match the count. The research file's own note on this entry:
{completeness}
"""

DOCUMENTS_HEADER = """
Reports of the Secretary-General on the responsibility to protect (from the sg_reports
section of shared/research/facts-other-years.yaml; the 2012 report is in
data/meetings/2012.ttl) and the General Assembly resolutions the record mentions. Reports
whose symbol the research did not find (2020, 2023, 2025) are not here: document IRIs are
minted from symbols.
"""

GROUPS_HEADER = """
Groups and organizations that speak, or are spoken for, in the General Assembly's R2P
debates, and the memberships the sources list (each membership cites the statement or
page that lists it; the sources give no start or end dates, so none are recorded).
The five UN regional groups are defined here; their memberships are generated from the
countrygroups package by r2p_graph/reference.py into reference/regional-groups.ttl.
"""


def write_all(facts_path: Path = DEFAULT_FACTS, data_dir: Path = DATA_DIR) -> list[Path]:
    written = []
    for rel, text in build(load_facts(facts_path)).items():
        path = data_dir / rel
        write_atomically(path, text)
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("facts", nargs="?", type=Path, default=DEFAULT_FACTS)
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    for path in write_all(args.facts, args.data_dir):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
