"""Who said what: one row per statement, with the filters of ``/statements``.

The rows come from ``queries/pages/statements.rq`` (one row per fact, folded here into one
row per statement, so a statement with six quotations is still one row) and each state's
regional group from ``queries/pages/regional-groups.rq``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from r2p_graph.web import sparql_client
from r2p_graph.web.labels import Labeller
from r2p_graph.web.views.model import Link, by_name, human_date, link_for

#: The filters of /statements: query parameter -> what it filters on.
FILTERS: dict[str, str] = {
    "year": "Year",
    "state": "State (delivered by)",
    "group": "Regional group",
    "pillar": "Pillar",
    "theme": "Theme",
    "situation": "Situation",
    "stance": "Stance",
}
_MULTI = ("by", "behalf", "speaker", "pillar", "theme", "situation", "crime")


@dataclass
class StanceCell:
    value: Link
    judged_by: list[Link] = field(default_factory=list)
    target: Link | None = None


@dataclass
class StatementRow:
    """One statement as a row of the table."""

    statement: Link
    meeting: Link | None = None
    date: str = ""
    iso_date: str = ""
    links: dict[str, list[Link]] = field(default_factory=dict)
    stances: list[StanceCell] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    groups: set[str] = field(default_factory=set)

    @property
    def year(self) -> str:
        return self.iso_date[:4]

    def iris(self, key: str) -> set[str]:
        return {link.iri for link in self.links.get(key, [])}

    def record(self) -> dict[str, Any]:
        """The row for JSON and CSV: IRIs and labels, no markup."""
        out: dict[str, Any] = {
            "statement": self.statement.iri,
            "label": self.statement.label,
            "meeting": self.meeting.iri if self.meeting else "",
            "date": self.iso_date,
        }
        for key in _MULTI:
            out[key] = [{"iri": link.iri, "label": link.label} for link in self.links.get(key, [])]
        out["stance"] = [{"value": s.value.label, "iri": s.value.iri,
                          "toward": s.target.label if s.target else "",
                          "judged_by": [j.label for j in s.judged_by]} for s in self.stances]
        out["quotes"] = self.quotes
        return out


def regional_groups() -> dict[str, set[str]]:
    """Each state's regional groups (IRIs), by state IRI."""
    out: dict[str, set[str]] = defaultdict(set)
    for row in sparql_client.select(sparql_client.page_query("regional-groups")):
        out[row["state"].value].add(row["group"].value)
    return out


def all_statements(label: Labeller) -> list[StatementRow]:
    """Every statement, newest meeting first, then by who delivered it."""
    facts = sparql_client.select(sparql_client.page_query("statements"))
    groups = regional_groups()
    group_iris = {g for gs in groups.values() for g in gs}
    label.want(*group_iris)
    for row in facts:
        label.want(row["statement"].value)
        for name in ("value", "extra", "target"):
            if name in row and row[name].is_iri:
                label.want(row[name].value)
    label.resolve()
    rows: dict[str, StatementRow] = {}
    for row in facts:
        s = row["statement"].value
        entry = rows.get(s) or rows.setdefault(s, StatementRow(statement=link_for(s, label)))
        key, value = row["key"].value, row["value"]
        if key == "meeting":
            entry.meeting = link_for(value.value, label)
            if "extra" in row:
                entry.iso_date = row["extra"].value
                entry.date = human_date(row["extra"].value)
        elif key == "stance":
            cell = next((c for c in entry.stances if c.value.iri == value.value), None)
            if cell is None:
                cell = StanceCell(value=link_for(value.value, label))
                entry.stances.append(cell)
            if "target" in row and cell.target is None:
                cell.target = link_for(row["target"].value, label)
            if "extra" in row and all(j.iri != row["extra"].value for j in cell.judged_by):
                cell.judged_by.append(link_for(row["extra"].value, label))
        elif key == "quote":
            if value.value not in entry.quotes:
                entry.quotes.append(value.value)
        else:
            links = entry.links.setdefault(key, [])
            if all(link.iri != value.value for link in links):
                links.append(link_for(value.value, label))
    for entry in rows.values():
        # r2p:addressesPillar is a sub-property of r2p:addressesTheme: a pillar is shown once.
        pillars = entry.iris("pillar")
        if pillars and "theme" in entry.links:
            entry.links["theme"] = [t for t in entry.links["theme"] if t.iri not in pillars]
        for links in entry.links.values():
            links.sort(key=lambda link: by_name(link.label))
        entry.quotes.sort()
        for iri in entry.iris("by") | entry.iris("behalf"):
            entry.groups |= groups.get(iri, set())
            if iri in group_iris:
                entry.groups.add(iri)
    ordered = sorted(rows.values(), key=lambda e: (e.iso_date, by_name(e.statement.label)))
    ordered.sort(key=lambda e: e.iso_date, reverse=True)
    return ordered


def apply_filters(rows: list[StatementRow], args: dict[str, str]) -> list[StatementRow]:
    """The rows that pass every filter given (an IRI, or the year)."""
    out = rows
    if args.get("year"):
        out = [r for r in out if r.year == args["year"]]
    if args.get("state"):
        out = [r for r in out if args["state"] in r.iris("by")]
    if args.get("group"):
        out = [r for r in out if args["group"] in r.groups]
    for key in ("pillar", "theme", "situation"):
        if args.get(key):
            out = [r for r in out if args[key] in r.iris(key)]
    if args.get("stance"):
        out = [r for r in out if any(s.value.iri == args["stance"] for s in r.stances)]
    return out


def filter_options(rows: list[StatementRow], label: Labeller) -> dict[str, list[tuple[str, str]]]:
    """(value, label) choices for each filter, from the statements themselves."""
    options: dict[str, dict[str, str]] = {name: {} for name in FILTERS}
    group_labels: dict[str, str] = {}
    for r in rows:
        if r.year:
            options["year"][r.year] = r.year
        for link in r.links.get("by", []):
            if "/id/state/" in link.iri:
                options["state"][link.iri] = link.label
        for key in ("pillar", "theme", "situation"):
            for link in r.links.get(key, []):
                options[key][link.iri] = link.label
        for s in r.stances:
            options["stance"][s.value.iri] = s.value.label
        for g in r.groups:
            group_labels.setdefault(g, label(g))
    options["group"] = group_labels
    out = {}
    for name, choices in options.items():
        items = sorted(choices.items(), key=lambda kv: by_name(kv[1]))
        out[name] = sorted(items, reverse=True) if name == "year" else items
    return out
