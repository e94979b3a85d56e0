"""The human side of the site: home page, query UI, charts, downloads, static assets.

* ``/``: what the dataset is, every meeting and every state known to have taken part (so a
  reader can go from here to a state, to a meeting, to a chart and to the query behind it
  without typing SPARQL), the vocabularies, and where the data can be fetched.
* ``/query``: YASGUI (vendored under ``r2p_graph/static/vendor/yasgui``, no CDN), pointed
  at this server's ``/sparql``, one tab per competency query with its title and what it
  answers. ``/query?query=...`` opens (and runs) that query.
* ``/charts`` and ``/charts/<name>.svg``: server-side SVG from live SPARQL
  (:mod:`r2p_graph.web.charts`), each linked to the query that draws it.
* ``/download``: the whole dataset as Turtle (``/download/dataset.ttl``, every graph
  merged), JSON-LD (``/download/dataset.jsonld``, with its named graphs), N-Quads and TriG
  (``/download/dataset.nq``, ``/download/dataset.trig``, served by
  :mod:`r2p_graph.web.discovery`), stamped with the package version, a fingerprint of the
  data (SHA-256 of its N-Quads) and the date.
* ``/assets/...``: this package's ``static/`` folder (CSS, the query page's script, YASGUI).

:func:`register` installs this blueprint and :mod:`r2p_graph.web.linked_data`'s.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, abort, current_app, render_template

from r2p_graph.ids import Minter
from r2p_graph.queries import competency_queries
from r2p_graph.store import StoreUnavailable, formats
from r2p_graph.web import charts, linked_data, pages
from r2p_graph.web.context import endpoint_url, public_base, web_context
from r2p_graph.web.errors import ApiError

_HERE = Path(__file__).resolve().parent.parent
bp = Blueprint(
    "ui",
    __name__,
    template_folder=str(_HERE / "templates"),
    static_folder=str(_HERE / "static"),
    static_url_path="/assets",
)

_STATE_KEY = "r2p_graph.ui"


def package_version() -> str:
    try:
        return version("r2p-graph")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0+unknown"


@bp.app_context_processor
def _site() -> dict[str, Any]:
    return {"site_root": public_base(), "package_version": package_version()}


def _html(body: str, status: int = 200) -> Response:
    response = Response(body, status=status)
    response.headers["Content-Type"] = "text/html; charset=utf-8"
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
    settings = web_context().settings
    minter = Minter(settings.base_iri)
    v = minter.vocab
    member_state = minter.concept("participant-kind", "member-state")
    meetings_query = f"""PREFIX r2p: <{v}>
PREFIX schema: <https://schema.org/>
SELECT ?meeting ?date (MAX(?count) AS ?reported) (COUNT(DISTINCT ?state) AS ?known)
       (COUNT(DISTINCT ?statement) AS ?statements) (COUNT(DISTINCT ?claim) AS ?claims)
WHERE {{
  ?meeting a r2p:Meeting .
  OPTIONAL {{ ?meeting schema:startDate ?date }}
  OPTIONAL {{ ?meeting r2p:hasTally ?tally . ?tally r2p:participantKind <{member_state}> .
             OPTIONAL {{ ?tally r2p:reportedCount ?count }}
             OPTIONAL {{ ?tally r2p:listedParticipation/r2p:participant ?state }} }}
  OPTIONAL {{ ?statement r2p:atMeeting ?meeting }}
  OPTIONAL {{ ?claim r2p:claimAbout ?meeting }}
}}
GROUP BY ?meeting ?date
ORDER BY DESC(?date)"""
    states_query = f"""PREFIX r2p: <{v}>
SELECT ?state (COUNT(DISTINCT ?meeting) AS ?meetings)
WHERE {{ ?state a r2p:State ; r2p:tookPartIn ?meeting }}
GROUP BY ?state"""
    schemes_query = (
        "SELECT DISTINCT ?scheme WHERE { ?scheme a "
        "<http://www.w3.org/2004/02/skos/core#ConceptScheme> }"
    )
    meeting_rows = pages.select(meetings_query)
    state_rows = pages.select(states_query)
    scheme_rows = pages.select(schemes_query)
    label = pages.Labeller()
    label.want(*(r["meeting"].value for r in meeting_rows))
    label.want(*(r["state"].value for r in state_rows))
    label.want(*(r["scheme"].value for r in scheme_rows))
    label.resolve()
    meetings = [
        {
            "link": pages.link_for(r["meeting"].value, label),
            "date": pages.human_date(r["date"].value) if "date" in r else "",
            "year": r["date"].value[:4] if "date" in r else "",
            "reported": int(r["reported"].value) if "reported" in r else None,
            "known": int(r["known"].value),
            "statements": int(r["statements"].value),
            "claims": int(r["claims"].value),
        }
        for r in meeting_rows
    ]
    state_links = sorted(
        ((pages.link_for(r["state"].value, label), int(r["meetings"].value)) for r in state_rows),
        key=lambda item: item[0].label.lower(),
    )
    states = [{"link": link, "meetings": count} for link, count in state_links]
    schemes = sorted(
        (pages.link_for(r["scheme"].value, label) for r in scheme_rows),
        key=lambda link: link.label.lower(),
    )
    stats = web_context().store.stats()
    return _html(
        render_template(
            "home.html",
            meetings=meetings,
            states=states,
            schemes=schemes,
            triples=stats.triples,
            graphs=len(stats.graphs),
            meetings_query_link=query_link(meetings_query, "Meetings"),
            states_query_link=query_link(states_query, "States that took part"),
            ontology_href=pages.local_href(minter.ontology),
            endpoint=endpoint_url(),
            chart_list=[(name, title) for name, title in _CHART_TITLES.items()],
        )
    )


_CHART_TITLES = {
    "participation": "Member states taking part, per meeting (reported and known by name)",
    "themes": "The themes raised most",
    "stances": "Stances by kind of actor (or by regional group, when recorded)",
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
    return _html(
        render_template(
            "query.html",
            examples=examples,
            endpoint=endpoint_url(),
            config_json=pages.script_safe(json.dumps(config)),
        )
    )


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
    return _html(render_template("charts.html", charts=drawn))


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


# --- downloads -------------------------------------------------------------------------


@dataclass
class DumpFile:
    name: str
    label: str
    media_type: str
    description: str
    path: Path | None = None  # None: served by the discovery blueprint from the store

    @property
    def size(self) -> int | None:
        return self.path.stat().st_size if self.path and self.path.is_file() else None

    @property
    def sha256(self) -> str:
        if not self.path or not self.path.is_file():
            return ""
        digest = hashlib.sha256()
        with self.path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
        return digest.hexdigest()


@dataclass
class DumpSet:
    fingerprint: str
    generated: str
    version: str
    files: dict[str, DumpFile]

    @property
    def stamp(self) -> str:
        return f"{self.version}+{self.fingerprint}"


_DUMP_PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
}
_dump_lock = threading.Lock()


def _state() -> dict[str, Any]:
    state = current_app.extensions.setdefault(_STATE_KEY, {})
    assert isinstance(state, dict)
    return state


def dumps() -> DumpSet:
    """The dataset's downloads, made once per application from the store's N-Quads dump
    (the store is read-only, so they never go stale) and cached by content in the build
    cache."""
    state = _state()
    existing = state.get("dumps")
    if isinstance(existing, DumpSet):
        return existing
    with _dump_lock:
        existing = state.get("dumps")
        if isinstance(existing, DumpSet):
            return existing
        made = _make_dumps()
        state["dumps"] = made
        return made


def _make_dumps() -> DumpSet:
    import pyoxigraph as ox

    settings = web_context().settings
    store = web_context().store
    try:
        nquads = b"".join(store.dump(formats.N_QUADS))
    except StoreUnavailable as exc:
        raise ApiError(503, str(exc), headers={"Retry-After": "5"}, kind="unavailable") from None
    fingerprint = hashlib.sha256(nquads).hexdigest()[:16]
    generated = datetime.now(UTC).strftime("%Y-%m-%d")
    pkg = package_version()
    folder = settings.cache_dir / "downloads"
    folder.mkdir(parents=True, exist_ok=True)
    minter = Minter(settings.base_iri)
    prefixes = {"r2p": minter.vocab, **_DUMP_PREFIXES}

    ttl = folder / f"r2p-{fingerprint}.ttl"
    if not ttl.is_file():
        seen: set[Any] = set()
        triples = []
        for quad in ox.parse(nquads, format=ox.RdfFormat.N_QUADS):
            triple = quad.triple
            if triple not in seen:
                seen.add(triple)
                triples.append(triple)
        header = (
            f"# r2p-graph dataset, version {pkg}+{fingerprint} (data fingerprint: the first\n"
            "# 16 hex digits of the SHA-256 of its N-Quads dump). Every graph (ontology,\n"
            "# asserted, inferred) merged into one, each triple once; the N-Quads, TriG and\n"
            f"# JSON-LD downloads keep the graph names. Licence: CC BY 4.0. Made {generated}.\n"
        ).encode()
        body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
        _atomic_write(ttl, header + (body or b""))
    jsonld = folder / f"r2p-{fingerprint}.jsonld"
    if not jsonld.is_file():
        quads = ox.parse(nquads, format=ox.RdfFormat.N_QUADS)
        body = ox.serialize(quads, format=ox.RdfFormat.JSON_LD)
        _atomic_write(jsonld, body or b"[]")
    _forget_old_dumps(folder, keep=fingerprint)
    files = {
        "dataset.ttl": DumpFile(
            "dataset.ttl", "Turtle", formats.TURTLE,
            "Every graph merged into one graph (no graph names), each triple once.", ttl,
        ),
        "dataset.nq": DumpFile(
            "dataset.nq", "N-Quads", formats.N_QUADS,
            "Every triple with its named graph (ontology, asserted, inferred); one per line.",
        ),
        "dataset.jsonld": DumpFile(
            "dataset.jsonld", "JSON-LD", formats.JSON_LD,
            "Expanded JSON-LD, one @graph per named graph.", jsonld,
        ),
        "dataset.trig": DumpFile(
            "dataset.trig", "TriG", formats.TRIG,
            "Turtle with named graphs.",
        ),
    }
    return DumpSet(fingerprint=fingerprint, generated=generated, version=pkg, files=files)


def _forget_old_dumps(folder: Path, keep: str, max_age_days: float = 7.0) -> None:
    """Remove dumps of other data versions not used for a week (the cache would grow with
    every change of the data otherwise; another server may still be serving a recent one)."""
    cutoff = datetime.now(UTC).timestamp() - max_age_days * 86_400
    for old in folder.glob("r2p-*.*"):
        try:
            if keep not in old.name and old.stat().st_mtime < cutoff:
                old.unlink(missing_ok=True)
        except FileNotFoundError:  # another process got there first
            continue


def _atomic_write(path: Path, data: bytes) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.part")
    partial.write_bytes(data)
    os.replace(partial, path)


@bp.route("/download", methods=["GET"])
@bp.route("/download/", methods=["GET"])
def downloads_page() -> Response:
    made = dumps()
    root = public_base()
    files = [
        {"file": f, "href": f"{root}/download/{f.name}", "size": f.size, "sha256": f.sha256}
        for f in made.files.values()
    ]
    stats = web_context().store.stats()
    return _html(
        render_template(
            "downloads.html", dumps=made, files=files, triples=stats.triples,
            graphs=sorted(stats.graphs.items()), void_href=f"{root}/.well-known/void",
        )
    )


def _send_dump(name: str) -> Response:
    made = dumps()
    entry = made.files[name]
    assert entry.path is not None
    path = entry.path

    def chunks() -> Iterator[bytes]:
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 16):
                yield chunk

    response = Response(chunks(), status=200)
    response.headers["Content-Type"] = formats.content_type(entry.media_type)
    response.headers["Content-Length"] = str(path.stat().st_size)
    extension = name.rsplit(".", 1)[-1]
    response.headers["Content-Disposition"] = (
        f'attachment; filename="r2p-{made.stamp}.{extension}"'
    )
    response.headers["X-R2P-Data-Version"] = made.stamp
    return response


@bp.route("/download/dataset.ttl", methods=["GET"])
def download_turtle() -> Response:
    return _send_dump("dataset.ttl")


@bp.route("/download/dataset.jsonld", methods=["GET"])
def download_jsonld() -> Response:
    return _send_dump("dataset.jsonld")


# --- registration ----------------------------------------------------------------------


def register(app: Flask) -> None:
    """Install the site: home, query UI, charts, downloads, assets, dereferenceable IRIs.

    Call after the endpoint's blueprints (``/download/<name>`` stays theirs for N-Quads
    and TriG; the static rules here for ``.ttl`` and ``.jsonld`` win over it)."""
    app.register_blueprint(bp)
    app.register_blueprint(linked_data.bp)

