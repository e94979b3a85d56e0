"""The researcher's pages: search (``/search``), who said what (``/statements``) and every
state (``/states``). Each list is HTML for people and, with ``?format=json`` or
``?format=csv`` (or ``Accept: application/json``), data; every row links to its page.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request

from r2p_graph.store import formats
from r2p_graph.web import labels, negotiation, sparql_client
from r2p_graph.web.context import html_page, public_base
from r2p_graph.web.views import search as search_view
from r2p_graph.web.views import statements as statements_view
from r2p_graph.web.views.model import by_name, link_for
from r2p_graph.web.views.state import state_rows

bp = Blueprint("explore", __name__)


def wanted_format() -> str:
    """``html``, ``json`` or ``csv``: ``?format=`` first, else the Accept header
    (:mod:`~r2p_graph.web.negotiation`; 406 when neither fits)."""
    chosen = negotiation.choose(negotiation.TABLE_OFFERS, request.args.getlist("format"))
    return {negotiation.JSON: "json", formats.CSV: "csv"}.get(chosen, "html")


def json_response(data: Any) -> Response:
    response = Response(json.dumps(data, ensure_ascii=False, indent=1), status=200)
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    response.headers["Vary"] = "Accept"
    return response


def csv_response(name: str, header: list[str], rows: Iterable[list[str]]) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    response = Response(out.getvalue(), status=200)
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{name}.csv"'
    response.headers["Vary"] = "Accept"
    return response


def format_links() -> dict[str, str]:
    """This list as JSON and as CSV (its filters kept)."""
    args = {k: v for k, v in request.args.items() if k != "format" and v}
    return {fmt: f"{public_base()}{request.path}?{urlencode({**args, 'format': fmt})}"
            for fmt in ("json", "csv")}


# --- search ----------------------------------------------------------------------------


@bp.route("/search", methods=["GET"])
def search() -> Response:
    text = (request.args.get("q") or "").strip()[:200]
    limit = 10 if request.args.get("suggest") else 50
    hits = search_view.search(text, limit=limit) if text else []
    fmt = wanted_format()
    if fmt == "json":
        return json_response({"query": text, "hits": [h.record() for h in hits]})
    if fmt == "csv":
        return csv_response("search", ["iri", "label", "type", "matched"],
                            ([h.iri, h.label, h.kind, h.matched] for h in hits))
    return html_page(render_template("search.html", query=text, hits=hits,
                                     kinds=search_view.KIND_LABELS, formats=format_links()))


# --- who said what ---------------------------------------------------------------------


@bp.route("/statements", methods=["GET"])
def statements() -> Response:
    label = labels.Labeller()
    everything = statements_view.all_statements(label)
    chosen = {k: (request.args.get(k) or "").strip() for k in statements_view.FILTERS}
    rows = statements_view.apply_filters(everything, chosen)
    fmt = wanted_format()
    if fmt == "json":
        return json_response({"filters": {k: v for k, v in chosen.items() if v},
                              "count": len(rows), "statements": [r.record() for r in rows]})
    if fmt == "csv":
        def cells(r: statements_view.StatementRow) -> list[str]:
            rec = r.record()
            return [rec["statement"], rec["label"], rec["date"], rec["meeting"],
                    *("; ".join(x["label"] for x in rec[k])
                      for k in ("by", "behalf", "speaker", "pillar", "theme", "situation")),
                    "; ".join(f"{s['value']} (judged by {', '.join(s['judged_by']) or '?'})"
                              for s in rec["stance"]),
                    " | ".join(rec["quotes"])]
        return csv_response("statements", ["statement", "label", "date", "meeting", "delivered_by",
                                           "on_behalf_of", "speaker", "pillars", "themes",
                                           "situations", "stances", "quotes"],
                            (cells(r) for r in rows))
    options = statements_view.filter_options(everything, label)
    return html_page(render_template(
        "statements.html", rows=rows, total=len(everything), chosen=chosen,
        filters=statements_view.FILTERS, options=options, formats=format_links(),
        query_text=sparql_client.page_query("statements"),
    ))


# --- every state -----------------------------------------------------------------------


@bp.route("/states", methods=["GET"])
def states() -> Response:
    label = labels.Labeller()
    rows = state_rows(label)
    groups = sorted({(g.iri, g.label) for r in rows for g in r["groups"]},
                    key=lambda g: by_name(g[1]))
    group = (request.args.get("group") or "").strip()
    shown = [r for r in rows if not group or any(g.iri == group for g in r["groups"])]
    fmt = wanted_format()
    if fmt == "json":
        return json_response({"count": len(shown), "states": [
            {"iri": r["iri"], "label": r["name"], "code": r["code"],
             "type": "observer state" if r["observer"] else "member state",
             "regional_groups": [g.label for g in r["groups"]],
             "meetings_attended_known": r["attended"], "meetings_spoken_at_known": r["spoke"]}
            for r in shown]})
    if fmt == "csv":
        return csv_response("states", ["iri", "label", "code", "type", "regional_groups",
                                       "meetings_attended_known", "meetings_spoken_at_known"],
                            ([r["iri"], r["name"], r["code"],
                              "observer state" if r["observer"] else "member state",
                              "; ".join(g.label for g in r["groups"]), str(r["attended"]),
                              str(r["spoke"])] for r in shown))
    for r in shown:
        r["link"] = link_for(r["iri"], label)
    letters = sorted({str(r["name"])[0].upper() for r in shown})
    return html_page(render_template("states.html", rows=shown, groups=groups, group=group,
                                     letters=letters, formats=format_links(),
                                     query_text=sparql_client.page_query("states")))
