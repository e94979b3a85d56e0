"""The Flask application factory."""

from __future__ import annotations

import weakref
from typing import Any

from flask import Flask, Response, request
from flask_compress import Compress

from r2p_graph.config import Settings
from r2p_graph.pipeline.build import ServedBuild
from r2p_graph.store import Store
from r2p_graph.store.factory import open_store
from r2p_graph.web import discovery, errors, ops, protocol, ui
from r2p_graph.web.context import EXTENSION_KEY, WebContext

#: What goes out compressed: pages, lists, CSS and scripts, charts.
COMPRESSED_TYPES = frozenset({
    "text/html", "text/css", "text/javascript", "application/javascript", "text/csv",
    "application/json", "image/svg+xml",
})


#: Blueprints whose answers are sent as they are (the SPARQL protocol, its description).
UNCOMPRESSED = frozenset({"sparql", "discovery"})


def create_app(
    settings: Settings | None = None, *, store: Store | None = None, build: Any = None
) -> Flask:
    """Build the web application.

    ``settings`` default to :meth:`Settings.from_env`. Without a ``store``, the app opens
    the configured default one (the project's built dataset, via
    :func:`r2p_graph.pipeline.build.ensure_build`, opened by
    :func:`r2p_graph.store.factory.open_store`) and loads it in the background:
    ``/health`` answers at once, ``/ready`` once the data is in, and queries sent before
    then wait (up to their deadline) or get 503. A store passed in stays the caller's to
    close; one opened here is closed when the app is garbage-collected or the process
    exits. ``build`` is the :class:`~r2p_graph.pipeline.build.ServedBuild` a passed-in
    store loads, if any: when the data does not build and the last good build is served,
    its warning shows on /health and every page.
    """
    settings = settings if settings is not None else Settings.from_env()
    owns_store = store is None
    if store is None:
        # The app factory builds (or finds the cached build), then the store opens it.
        build = ServedBuild(settings, strict=settings.strict_build)
        store = open_store(settings, wait=False, snapshot=build)

    app = Flask("r2p_graph.web")
    # Werkzeug enforces this while the body is read: 413 above it.
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.extensions[EXTENSION_KEY] = WebContext(
        settings=settings, store=store, owns_store=owns_store, build=build
    )

    # Pages, lists and static assets go out compressed (brotli or gzip, as the client
    # accepts); SPARQL results and RDF downloads are left as the store streams them.
    # Only those responses get "Vary: Accept-Encoding" (flask-compress's own hook adds it to
    # every response, which would change what the protocol answers say they vary on).
    app.config["COMPRESS_MIMETYPES"] = sorted(COMPRESSED_TYPES)
    app.config["COMPRESS_ALGORITHM"] = ["br", "gzip"]
    app.config["COMPRESS_ALGORITHM_STREAMING"] = ["br", "gzip"]  # static files stream
    app.config["COMPRESS_REGISTER"] = False
    compress = Compress(app)

    @app.after_request
    def _compress(response: Response) -> Response:
        # The SPARQL protocol's answers stream from the store and vary on Accept only.
        if response.mimetype in COMPRESSED_TYPES and request.blueprint not in UNCOMPRESSED:
            return compress.after_request(response)
        return response

    errors.register(app)
    ops.register(app)
    app.register_blueprint(protocol.bp)
    app.register_blueprint(discovery.bp)
    # The site: home, query UI, charts, downloads, and dereferenceable IRIs (/id, /def).
    ui.register(app)

    if owns_store:
        weakref.finalize(app, store.close)
    return app
