"""The sections of a state's or another actor's page."""

from __future__ import annotations

from typing import Any

from r2p_graph.web.labels import Labeller
from r2p_graph.web.sparql_client import Term, page_query, select
from r2p_graph.web.views.model import human_date, link_for


def actor_sections(iri: str, label: Labeller) -> dict[str, Any]:
    """Every meeting the actor is known to have taken part in (r2p:tookPartIn, inferred
    from its participation records) with the evidence, and its positions (stances)."""
    rows = select(page_query("actor-meetings", actor=iri))
    meetings: dict[str, dict[str, Any]] = {}
    for row in rows:
        m = row["meeting"].value
        label.want(m, row.get("role", Term("", "")).value or None,
                   row.get("evidence", Term("", "")).value or None)
    label.resolve()
    for row in rows:
        m = row["meeting"].value
        entry = meetings.setdefault(m, {
            "meeting": link_for(m, label),
            "date": human_date(row["date"].value) if "date" in row else "",
            "sort": row["date"].value if "date" in row else "",
            "roles": set(), "evidence": set(), "records": [],
        })
        if "role" in row:
            entry["roles"].add(label(row["role"].value))
        if "evidence" in row:
            entry["evidence"].add(label(row["evidence"].value))
        if "part" in row and all(r.iri != row["part"].value for r in entry["records"]):
            entry["records"].append(link_for(row["part"].value, label))
    took_part = sorted(meetings.values(), key=lambda e: e["sort"])
    for entry in took_part:
        entry["roles"] = sorted(entry["roles"])
        entry["evidence"] = sorted(entry["evidence"])

    stance_rows = select(page_query("actor-stances", actor=iri))
    for row in stance_rows:
        for name in ("stance", "value", "target", "by", "via", "meeting", "evidence"):
            if name in row and row[name].is_iri:
                label.want(row[name].value)
    label.resolve()
    stances: dict[str, dict[str, Any]] = {}
    for row in stance_rows:
        s = row["stance"].value
        stances.setdefault(s, {
            "stance": link_for(s, label),
            "value": label(row["value"].value),
            "value_iri": row["value"].value,
            "target": link_for(row["target"].value, label) if "target" in row else None,
            "by": link_for(row["by"].value, label) if "by" in row else None,
            "via": link_for(row["via"].value, label),
            "meeting": link_for(row["meeting"].value, label) if "meeting" in row else None,
            "date": human_date(row["date"].value) if "date" in row else "",
            "evidence": label(row["evidence"].value) if "evidence" in row else "",
        })
    return {"took_part": took_part, "stances": list(stances.values())}
