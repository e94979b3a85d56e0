"""A state's profile: its record meeting by meeting (what it is known to have done and how
we know, what it raised, its quotations and stances with who judged them, the claims that
name it), its focal point and its group memberships.

A meeting at which nothing is recorded for the state is shown as such, with how complete
that meeting's list of participants is: the record is partial, not a record of absence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from r2p_graph.web import sparql_client
from r2p_graph.web.labels import Labeller
from r2p_graph.web.views.model import Link, by_name, human_date, link_for
from r2p_graph.web.views.statements import StatementRow, all_statements


@dataclass
class Fact:
    """One recorded fact about the state at a meeting, with how we know it."""

    kind: str  # participation, claim, stance
    item: Link
    value: Link | None = None
    target: Link | None = None
    extra: list[Link] = field(default_factory=list)
    sources: list[Link] = field(default_factory=list)


@dataclass
class MeetingRecord:
    meeting: Link
    iso_date: str
    date: str
    reported: int | None
    known: int
    completeness: str
    participation: list[Fact] = field(default_factory=list)
    statements: list[StatementRow] = field(default_factory=list)
    claims: list[Fact] = field(default_factory=list)
    stances: list[Fact] = field(default_factory=list)

    @property
    def year(self) -> str:
        return self.iso_date[:4]

    @property
    def empty(self) -> bool:
        return not (self.participation or self.statements or self.claims or self.stances)

    @property
    def spoke(self) -> bool:
        return bool(self.statements)


def meetings(label: Labeller) -> list[MeetingRecord]:
    """Every meeting, oldest first, with how complete its list of member states is."""
    rows = sparql_client.select(sparql_client.page_query("meetings"))
    for row in rows:
        label.want(row["meeting"].value)
        if "listCompleteness" in row:
            label.want(row["listCompleteness"].value)
    label.resolve()
    return [MeetingRecord(
        meeting=link_for(row["meeting"].value, label),
        iso_date=row["date"].value,
        date=human_date(row["date"].value),
        reported=int(row["reported"].value) if "reported" in row else None,
        known=int(row["known"].value),
        completeness=label(row["listCompleteness"].value) if "listCompleteness" in row
        else "not stated",
    ) for row in rows]


def state_sections(iri: str, label: Labeller) -> dict[str, Any]:
    """The timeline (every meeting, oldest first), focal points and memberships."""
    rows = sparql_client.select(sparql_client.page_query("state-timeline", state=iri))
    for row in rows:
        for name in ("meeting", "item", "value", "extra", "target", "source"):
            if name in row and row[name].is_iri:
                label.want(row[name].value)
    label.resolve()
    timeline = meetings(label)
    by_meeting = {m.meeting.iri: m for m in timeline}
    facts: dict[tuple[str, str], Fact] = {}
    focal: dict[str, Fact] = {}
    memberships: dict[str, Fact] = {}
    for row in rows:
        key, item = row["key"].value, row["item"].value
        if key == "focal-point":
            fact = focal.setdefault(item, Fact(kind=key, item=link_for(item, label)))
            if "meeting" in row:
                fact.value = link_for(row["meeting"].value, label)
        elif key == "membership":
            fact = memberships.setdefault(item, Fact(kind=key, item=link_for(item, label),
                                                     value=link_for(row["value"].value, label)))
        else:
            meeting = by_meeting.get(row["meeting"].value)
            if meeting is None:
                continue
            found = facts.get((key, item))
            if found is None:
                found = facts[(key, item)] = Fact(kind=key, item=link_for(item, label))
                {"participation": meeting.participation, "claim": meeting.claims,
                 "stance": meeting.stances}[key].append(found)
            fact = found
            if "value" in row and fact.value is None:
                fact.value = link_for(row["value"].value, label)
            if "target" in row and fact.target is None:
                fact.target = link_for(row["target"].value, label)
            if "extra" in row and all(e.iri != row["extra"].value for e in fact.extra):
                fact.extra.append(link_for(row["extra"].value, label))
        if "source" in row and all(s.iri != row["source"].value for s in fact.sources):
            fact.sources.append(link_for(row["source"].value, label))
    for statement in all_statements(label):
        if iri in statement.iris("by") and statement.meeting is not None:
            meeting = by_meeting.get(statement.meeting.iri)
            if meeting is not None:
                meeting.statements.append(statement)
    attended = sum(1 for m in timeline if m.participation or m.statements)
    spoke = sum(1 for m in timeline if m.statements)
    return {
        "timeline": timeline,
        "attended": attended,
        "spoke": spoke,
        "focal_points": list(focal.values()),
        "memberships": sorted(memberships.values(),
                              key=lambda f: by_name(f.value.label) if f.value else ""),
    }


def state_rows(label: Labeller) -> list[dict[str, Any]]:
    """Every member and observer state, A-Z, with its regional group and how many meetings
    it is known to have attended and spoken at."""
    rows = sparql_client.select(sparql_client.page_query("states"))
    for row in rows:
        if "group" in row:
            label.want(row["group"].value)
    label.resolve()
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        s = row["state"].value
        label.labels.setdefault(s, row["name"].value)  # its link needs no lookup of its own
        entry = out.setdefault(s, {
            "iri": s, "name": row["name"].value, "code": row["code"].value,
            "observer": row["observer"].value == "true",
            "groups": [], "attended": int(row["meetingsAttended"].value),
            "spoke": int(row["meetingsSpokenAt"].value),
        })
        if "group" in row:
            entry["groups"].append(link_for(row["group"].value, label))
    return sorted(out.values(), key=lambda e: by_name(str(e["name"])))
