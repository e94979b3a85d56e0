"""The human side of the site: home page, query UI, charts, downloads, static assets.

* ``/``: what the dataset is, every meeting and every state known to have taken part (so a
  reader can go from here to a state, to a meeting, to a chart and to the query behind it
  without typing SPARQL), the vocabularies, and where the data can be fetched.
* ``/query``: YASGUI (vendored under ``r2p_graph/static/vendor/yasgui``, no CDN), pointed
  at this server's ``/sparql``, one tab per competency query with its title and what it
  answers. ``/query?query=...`` opens (and runs) that query.
* ``/charts`` and ``/charts/<name>.svg``: server-side SVG from live SPARQL
  (:mod:`r2p_graph.web.charts`), each linked to the query that draws it.
* ``/download``: see :mod:`r2p_graph.web.downloads`.
* ``/assets/...``: this package's ``static/`` folder (CSS, the query page's script, YASGUI).

:func:`register` installs this blueprint and :mod:`r2p_graph.web.linked_data`'s.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, abort, render_template, request, url_for

from r2p_graph.ids import Minter
from r2p_graph.queries import competency_queries
from r2p_graph.web import charts, downloads, explore, labels, linked_data, ops, sparql_client
from r2p_graph.web.context import (
    data_warning,
    endpoint_url,
    html_page,
    package_version,
    public_base,
    web_context,
)
from r2p_graph.web.views import model, resource

_HERE = Path(__file__).resolve().parent.parent
bp = Blueprint(
    "ui",
    __name__,
    template_folder=str(_HERE / "templates"),
    static_folder=str(_HERE / "static"),
    static_url_path="/assets",
)


@bp.app_context_processor
def _site() -> dict[str, Any]:
    return {
        "site_root": public_base(),
        "package_version": package_version(),
        "data_warning": data_warning(),
        "asset": asset_url,
    }


#: A year: an asset's URL names its content, so a cached copy is never stale.
ASSET_MAX_AGE = 365 * 24 * 3600


@lru_cache(maxsize=64)
def _fingerprint(filename: str) -> str:
    path = _HERE / "static" / filename
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.is_file() else ""


def asset_url(filename: str) -> str:
    """The URL of a static asset with its content's fingerprint (``?v=``), cached for a
    year by browsers and proxies; a new version of the file gets a new URL."""
    return url_for("ui.static", filename=filename, v=_fingerprint(filename) or None)


@bp.after_app_request
def _asset_caching(response: Response) -> Response:
    if request.endpoint == "ui.static" and response.status_code in (200, 304):
        filename = (request.view_args or {}).get("filename", "")
        if request.args.get("v") and request.args.get("v") == _fingerprint(filename):
            response.headers["Cache-Control"] = f"public, max-age={ASSET_MAX_AGE}, immutable"
        else:
            response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def query_link(text: str, title: str | None = None) -> str:
    """The query UI with ``text`` filled in (YASGUI reads ``query`` from the URL, opens it in
    a tab named ``title`` and runs it)."""
    params = {"query": text, **({"tabTitle": title} if title else {})}
    return f"{public_base()}/query?{urlencode(params)}"


def endpoint_link(text: str) -> str:
    """The endpoint itself, answering ``text``."""
    return f"{public_base()}/sparql?{urlencode({'query': text})}"


# --- home ------------------------------------------------------------------------------


@bp.route("/", methods=["GET"])
def home() -> Response:
    meetings_query = sparql_client.page_query("home-meetings")
    states_query = sparql_client.page_query("home-states")
    meeting_rows = sparql_client.select(meetings_query)
    state_rows = sparql_client.select(states_query)
    scheme_rows = sparql_client.select(sparql_client.page_query("concept-schemes"))
    label = labels.Labeller()
    label.want(*(r["meeting"].value for r in meeting_rows))
    label.want(*(r["state"].value for r in state_rows))
    label.want(*(r["scheme"].value for r in scheme_rows))
    label.resolve()
    meetings = [
        {
            "link": model.link_for(r["meeting"].value, label),
            "date": model.human_date(r["date"].value) if "date" in r else "",
            "year": r["date"].value[:4] if "date" in r else "",
            "reported": int(r["reported"].value) if "reported" in r else None,
            "known": int(r["known"].value),
            "statements": int(r["statements"].value),
            "claims": int(r["claims"].value),
        }
        for r in meeting_rows
    ]
    state_links = sorted(
        ((model.link_for(r["state"].value, label), int(r["meetings"].value)) for r in state_rows),
        key=lambda item: model.by_name(item[0].label),
    )
    states = [{"link": link, "meetings": count} for link, count in state_links]
    schemes = sorted(
        (model.link_for(r["scheme"].value, label) for r in scheme_rows),
        key=lambda link: model.by_name(link.label),
    )
    stats = web_context().store.stats()
    return html_page(
        render_template(
            "home.html",
            meetings=meetings,
            states=states,
            schemes=schemes,
            triples=stats.triples,
            graphs=len(stats.graphs),
            meetings_query_link=query_link(meetings_query, "Meetings"),
            states_query_link=query_link(states_query, "States that took part"),
            ontology_href=labels.local_href(Minter(web_context().settings.base_iri).ontology),
            endpoint=endpoint_url(),
            chart_list=[(name, title) for name, title in _CHART_TITLES.items()],
        )
    )


_CHART_TITLES = {
    "participation": "Member states taking part, per meeting (reported and known by name)",
    "themes": "The themes raised most",
    "stances": "Stances by kind of actor (or by regional group, when recorded)",
    "stances-by-year": "Stances by year, and who judged them",
}


# --- query UI --------------------------------------------------------------------------


@bp.route("/query", methods=["GET"])
@bp.route("/query/", methods=["GET"])
def query_ui() -> Response:
    examples = [
        {"name": q.name, "title": q.title, "answers": q.answers, "query": q.text,
         "run": endpoint_link(q.text)}
        for q in competency_queries()
    ]
    config = {
        "endpoint": endpoint_url(),
        # Result links to IRIs under the base open on this server (they are served here).
        "base": web_context().settings.base_iri,
        "root": public_base(),
        "examples": [
            {"name": e["name"], "title": e["title"], "answers": e["answers"], "query": e["query"]}
            for e in examples
        ],
    }
    response = html_page(
        render_template(
            "query.html",
            examples=examples,
            endpoint=endpoint_url(),
            config_json=resource.script_safe(json.dumps(config)),
        )
    )
    response.headers["Content-Security-Policy"] = ops.content_security_policy(
        web_context().settings, style_hashes=(YASGUI_STYLE,)
    )
    return response


#: The one <style> block the vendored YASGUI adds (the result table's column resizer,
#: always the same text), allowed by its hash. After updating YASGUI, the browser test
#: of the query page names the new hash if it changed.
YASGUI_STYLE = "sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk="


# --- charts ----------------------------------------------------------------------------


@bp.route("/charts", methods=["GET"])
@bp.route("/charts/", methods=["GET"])
def charts_page() -> Response:
    drawn = []
    for make in charts.CHARTS.values():
        chart = make()
        drawn.append(
            {
                "chart": chart,
                "query_link": query_link(chart.query, f"Chart: {chart.title}"),
                "endpoint_link": endpoint_link(chart.query),
                "svg_href": f"{public_base()}/charts/{chart.name}.svg",
            }
        )
    return html_page(render_template("charts.html", charts=drawn))


@bp.route("/charts/<name>.svg", methods=["GET"])
def chart_svg(name: str) -> Response:
    make = charts.CHARTS.get(name)
    if make is None:
        abort(404)
    chart = make()
    body = '<?xml version="1.0" encoding="utf-8"?>\n' + chart.svg
    response = Response(body, status=200)
    response.headers["Content-Type"] = "image/svg+xml; charset=utf-8"
    response.headers["Link"] = f'<{query_link(chart.query, chart.title)}>; rel="describedby"'
    return response


# --- registration ----------------------------------------------------------------------


def register(app: Flask) -> None:
    """Install the site: home, query UI, charts, downloads, assets, dereferenceable IRIs."""
    app.register_blueprint(bp)
    app.register_blueprint(downloads.bp)
    app.register_blueprint(explore.bp)
    app.register_blueprint(linked_data.bp)

