"""Per-application state: settings, the store, and cached descriptions."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from flask import Response, current_app, request

import r2p_graph
from r2p_graph.config import Settings
from r2p_graph.store import Store

EXTENSION_KEY = "r2p_graph"


@dataclass
class WebContext:
    settings: Settings
    store: Store
    #: True when the app opened the store itself (and should close it).
    owns_store: bool = False
    #: Cached VoID statistics (computed once, on first request).
    void_stats: Any = None
    #: The build being served (:class:`r2p_graph.pipeline.build.ServedBuild`), when the
    #: server serves the project's dataset; says when it fell back to the last good one.
    build: Any = None
    lock: threading.Lock = field(default_factory=threading.Lock)


def web_context() -> WebContext:
    ctx = current_app.extensions[EXTENSION_KEY]
    assert isinstance(ctx, WebContext)
    return ctx


def data_warning() -> str | None:
    """One line when the server serves the last good build because the data does not
    build (shown on /health, on every page and in a header), else None."""
    build = web_context().build
    warning = getattr(build, "warning", None)
    return warning if isinstance(warning, str) else None


def public_base() -> str:
    """The URL clients use to reach this server (no trailing slash).

    ``Settings.public_url`` when set (behind a proxy), else the request's own root URL.
    Forwarded headers are not trusted.
    """
    configured = web_context().settings.public_url.strip()
    if configured:
        return configured.rstrip("/")
    return request.url_root.rstrip("/")


def endpoint_url() -> str:
    """The SPARQL endpoint's URL: ``sd:endpoint`` and the base IRI of queries.

    ``{public_url}/sparql`` when configured; otherwise the URL the request came in on
    when it was sent to the endpoint (``/sparql`` or ``/sparql/``), else ``{root}/sparql``.
    """
    configured = web_context().settings.public_url.strip()
    if configured:
        return configured.rstrip("/") + "/sparql"
    if request.path.rstrip("/") == "/sparql":
        return request.base_url
    return request.url_root.rstrip("/") + "/sparql"


def package_version() -> str:
    """This package's version (read once per process, by :mod:`r2p_graph`)."""
    return str(r2p_graph.__version__)


def html_page(body: str, status: int = 200) -> Response:
    """A rendered page as an HTML response."""
    response = Response(body, status=status)
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    return response
